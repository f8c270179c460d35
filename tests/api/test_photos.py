import json

import pytest
import requests

from chalicelib.access.model import Role
from devstack.photo_samples import jpeg, resized, sample_image
from tests.api.conftest import json_of
from tests.integration.test_photo_processing import drain

JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def photos_bucket(client):
    """The test client applies the `dev` stage's environment of
    .chalice/config.json, while tables were named for the `test` stage when
    their models loaded; the bucket is named for `test` here to match."""
    import boto3

    from chalicelib import wiring
    from chalicelib.media.s3 import S3PhotoObjects

    wiring.use(photo_objects=S3PhotoObjects(boto3.client("s3"), "dmm-test-photos"))


@pytest.fixture(autouse=True)
def listed_placements(client):
    """These tests are about photos; the placements they name are the listed
    ones of tests/fixtures/photo-placements.toml, not real placements (the
    real gate is tested in test_photos_on_reports.py)."""
    from pathlib import Path

    from chalicelib import wiring
    from chalicelib.media.placements import ListedPlacementGate, listed_from_file

    fixture = Path(__file__).parent.parent / "fixtures" / "photo-placements.toml"
    gate = ListedPlacementGate(wiring.clock(), listed_from_file(fixture))
    wiring.use(placement_gate=gate)
KGD = "pl-kgd-2026-outdoor"
MSK = "pl-msk-2026-outdoor"


def ask(client, auth, placement, dealer, **body):
    payload = {"file_name": "IMG_0001.jpg", "content_type": "image/jpeg",
               "size": 100_000, **body}
    headers = auth(Role.DEALER_USER, dealer=dealer, **JSON)
    return client.http.post(f"/v1/placements/{placement}/report/photos",
                            headers=headers, body=json.dumps(payload))


def post_file(reply: dict, content: bytes) -> None:
    form = reply["upload"]
    sent = requests.post(form["url"], data=form["fields"],
                         files={"file": ("x.jpg", content, "image/jpeg")}, timeout=30)
    assert sent.status_code in (200, 201, 204), (form["url"], sent.text[:300])


def test_dealer_gets_a_presigned_post_under_its_own_key(client, auth):
    response = ask(client, auth, KGD, "AUR-KGD-01", file_name="Баннер №1.jpg")

    reply = json_of(response)
    assert response.status_code == 201
    key = reply["upload"]["fields"]["key"]
    assert key == f"aurora/AUR-KGD-01/{KGD}/{reply['photo_id']}"
    assert reply["upload"]["fields"]["Content-Type"] == "image/jpeg"
    assert "policy" in {name.lower() for name in reply["upload"]["fields"]}


@pytest.mark.parametrize(("placement", "dealer", "brand"), [
    (KGD, "AUR-MSK-01", "aurora"),          # another dealer's placement
    ("pl-tai-2026-radio", "AUR-KGD-01", "aurora"),  # another brand's placement
    (KGD, "TAI-MSK-01", "taiga"),            # another brand's token
])
def test_another_dealers_or_brands_placement_is_not_found(client, auth, placement,
                                                           dealer, brand):
    payload = {"file_name": "a.jpg", "content_type": "image/jpeg", "size": 10}
    headers = auth(Role.DEALER_USER, brand=brand, dealer=dealer, **JSON)

    response = client.http.post(f"/v1/placements/{placement}/report/photos",
                                headers=headers, body=json.dumps(payload))

    assert response.status_code == 404


def test_heic_oversized_and_closed_reports_are_refused_clearly(client, auth):
    heic = ask(client, auth, KGD, "AUR-KGD-01", content_type="image/heic")
    large = ask(client, auth, KGD, "AUR-KGD-01", size=21 * 1024 * 1024)
    closed = ask(client, auth, "pl-pkc-2026-closed", "AUR-PKC-01")

    assert (heic.status_code, json_of(heic)["code"]) == (422, "photo_type_not_accepted")
    assert (large.status_code, json_of(large)["code"]) == (422, "photo_too_large")
    assert (closed.status_code, json_of(closed)["code"]) == (
        422, "report_closed_for_photos")


def test_manager_sees_the_match_and_the_dealer_only_that_it_is_under_review(
    client, auth
):
    import app

    first = json_of(ask(client, auth, KGD, "AUR-KGD-01"))
    post_file(first, jpeg(sample_image("rocket")))
    drain(app)
    second = json_of(ask(client, auth, MSK, "AUR-MSK-01"))
    post_file(second, resized(50)(sample_image("rocket")))
    drain(app)
    path = f"/v1/photos/{second['photo_id']}"

    manager = json_of(client.http.get(path, headers=auth(Role.IMPORTER_MANAGER)))
    owner = json_of(client.http.get(
        path, headers=auth(Role.DEALER_USER, dealer="AUR-MSK-01")))
    other_dealer = client.http.get(
        path, headers=auth(Role.DEALER_USER, dealer="AUR-KGD-01"))
    other_brand = client.http.get(path, headers=auth(Role.IMPORTER_ADMIN,
                                                      brand="taiga"))

    [flag] = manager["flags"]
    assert flag["kind"] == "duplicate" and flag["state"] == "under_review"
    assert flag["match"]["photo_id"] == first["photo_id"]
    assert flag["match"]["dealer"] == "AUR-KGD-01"
    assert flag["match"]["placement_id"] == KGD
    assert flag["match"]["link"] and manager["link"]
    assert owner["flags"] == [{"kind": "duplicate", "state": "under_review",
                               "match": None, "decision": None}]
    assert owner["link"] is None
    assert other_dealer.status_code == other_brand.status_code == 404


def test_manager_decides_a_flag_once_with_a_comment(client, auth):
    import app

    first = json_of(ask(client, auth, KGD, "AUR-KGD-01"))
    post_file(first, jpeg(sample_image("coins")))
    second = json_of(ask(client, auth, MSK, "AUR-MSK-01"))
    post_file(second, jpeg(sample_image("coins"), 60))
    drain(app)
    path = f"/v1/photos/{second['photo_id']}/flags/duplicate/decision"
    body = json.dumps({"decision": "confirm", "comment": "Тот же баннер."})
    manager = auth(Role.IMPORTER_MANAGER, **JSON)

    by_dealer = client.http.post(path, headers=auth(
        Role.DEALER_USER, dealer="AUR-MSK-01", **JSON), body=body)
    by_other_brand = client.http.post(path, headers=auth(
        Role.IMPORTER_ADMIN, brand="taiga", **JSON), body=body)
    decided = client.http.post(path, headers=manager, body=body)
    again = client.http.post(path, headers=manager, body=body)

    assert by_dealer.status_code == 403
    assert by_other_brand.status_code == 404
    assert decided.status_code == 200
    [flag] = json_of(decided)["flags"]
    assert flag["state"] == "confirmed"
    assert flag["decision"]["comment"] == "Тот же баннер."
    assert flag["decision"]["user_id"]
    assert again.status_code == 409


@pytest.mark.parametrize(("language", "says"), [("ru", "не полностью"),
                                                ("en", "did not arrive whole")])
def test_a_truncated_photo_is_rejected_with_words_the_dealer_understands(
    client, auth, language, says
):
    import app

    reply = json_of(ask(client, auth, KGD, "AUR-KGD-01"))
    whole = jpeg(sample_image("rocket"))
    post_file(reply, whole[: len(whole) // 2])
    drain(app)

    photo = json_of(client.http.get(
        f"/v1/photos/{reply['photo_id']}",
        headers=auth(Role.DEALER_USER, dealer="AUR-KGD-01",
                     **{"Accept-Language": language})))

    assert photo["status"] == "rejected"
    assert photo["reject_reason"] == "truncated"
    assert says in photo["reject_message"]


def test_a_regional_manager_sees_no_matched_photo_outside_its_regions(client, auth):
    import app

    moscow = json_of(ask(client, auth, MSK, "AUR-MSK-01"))
    post_file(moscow, jpeg(sample_image("rocket")))
    drain(app)
    kaliningrad = json_of(ask(client, auth, KGD, "AUR-KGD-01"))
    post_file(kaliningrad, resized(50)(sample_image("rocket")))
    drain(app)
    path = f"/v1/photos/{kaliningrad['photo_id']}"

    regional = json_of(client.http.get(
        path, headers=auth(Role.IMPORTER_MANAGER, user_id="aurora-manager-2")))
    national = json_of(client.http.get(path, headers=auth(Role.IMPORTER_MANAGER)))

    [flag] = regional["flags"]
    assert flag["kind"] == "duplicate" and flag["match"] is None
    assert national["flags"][0]["match"]["dealer"] == "AUR-MSK-01"
    assert moscow["photo_id"] not in str(regional)
