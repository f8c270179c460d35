"""What the generated OpenAPI document says beyond the routes' models: the
links a client (or a stateful test) follows from a create to what takes its
id, and the text rules of request bodies."""

import re

import app
from chalicelib.web import openapi
from chalicelib.web.schemas import PLAIN_TEXT_PATTERN


def generated() -> dict:
    return openapi.document(app.api.operations, title="t", version="1")


def test_a_created_dealer_links_to_reading_and_changing_it_by_its_code():
    document = generated()

    links = document["paths"]["/v1/dealers"]["post"]["responses"]["201"]["links"]

    assert links["get_dealer_by_code"] == {
        "operationId": "get_dealer", "parameters": {"code": "$response.body#/code"}}
    assert links["patch_dealer_by_code"]["operationId"] == "patch_dealer"


def test_a_created_creatives_id_is_taken_from_the_object_its_reply_holds():
    document = generated()

    links = document["paths"]["/v1/creatives"]["post"]["responses"]["201"]["links"]

    assert links["get_creative_by_creative_id"]["parameters"] == {
        "creative_id": "$response.body#/creative/creative_id"}


def test_a_photo_upload_links_to_the_photo_it_created():
    document = generated()

    photos = document["paths"]["/v1/placements/{placement_id}/report/photos"]["post"]
    links = photos["responses"]["201"]["links"]

    assert links["get_photo_by_photo_id"]["parameters"] == {
        "photo_id": "$response.body#/photo_id"}


def test_only_creating_posts_carry_links_and_every_link_names_an_operation():
    document = generated()
    names = {op["operationId"] for path in document["paths"].values()
             for op in path.values()}

    linked = {
        (method, path, status): response["links"]
        for path, spec in document["paths"].items()
        for method, op in spec.items()
        for status, response in op["responses"].items()
        if "links" in response
    }

    assert linked
    assert {(method, status) for method, _, status in linked} <= {
        ("post", "201"), ("post", "202")}
    assert {link["operationId"] for links in linked.values()
            for link in links.values()} <= names


def test_request_text_says_it_refuses_control_characters_and_business_dates_say_20xx():
    document = generated()
    schemas = document["components"]["schemas"]

    name = schemas["NewDealer"]["properties"]["name"]
    starts_on = schemas["NewPlacementBody"]["properties"]["starts_on"]

    assert name["pattern"] == PLAIN_TEXT_PATTERN
    assert re.fullmatch(PLAIN_TEXT_PATTERN, "Тайга Авто Находка\tمرحبا")
    assert not re.fullmatch(PLAIN_TEXT_PATTERN, "evil\u202etxt.exe")
    assert not re.fullmatch(PLAIN_TEXT_PATTERN, "nul\x00")
    assert re.match(starts_on["pattern"], "2026-11-30")
    assert not re.match(starts_on["pattern"], "1999-12-31")
    assert "pattern" not in schemas["DealerReply"]["properties"]["name"]
