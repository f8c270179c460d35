"""Inputs an attacker tried on the running stack: each is a clear 4xx."""

import json

import pytest

from chalicelib.access.model import Role
from devstack.keys import mint
from tests.api.conftest import json_of

JSON = {"Content-Type": "application/json"}


def test_deeply_nested_json_to_the_public_webhook_is_not_understood(client):
    body = "[" * 10_000 + "]" * 10_000

    response = client.http.post("/v1/webhooks/calltouch/AUR-KGD-01",
                                headers=JSON, body=body)

    assert 400 <= response.status_code < 500
    assert json_of(response)["code"] != "internal_error"


def test_a_signed_token_without_a_subject_is_invalid(client):
    response = client.http.get("/v1/me",
                               headers={"Authorization": f"Bearer {mint('')}"})

    assert response.status_code == 401
    assert json_of(response)["code"] == "invalid_token"


@pytest.mark.parametrize(("field", "value"), [
    ("ends_on", "9999-12-31"),
    ("starts_on", "0001-01-01"),
    ("cost", {"amount": "-5.00", "currency": "RUB"}),
])
def test_placements_with_impossible_dates_or_negative_cost_are_refused(
    client, auth, field, value
):
    body = {"dealer_code": "AUR-KGD-01", "channel_id": "outdoor",
            "title": "Билборд", "starts_on": "2026-05-10", "ends_on": "2026-05-26",
            "cost": {"amount": "1000.00", "currency": "RUB"}, field: value}
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01", **JSON)

    response = client.http.post("/v1/placements", headers=headers,
                                body=json.dumps(body))

    assert response.status_code == 400
    assert json_of(response)["details"]["errors"][0]["field"].startswith(field)


def test_a_period_outside_the_business_years_is_refused(client, auth):
    headers = auth(Role.IMPORTER_MANAGER)

    response = client.http.post("/v1/periods/9999-12/close", headers=headers)

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("title", ["Билборд\x00", "Bill\u202eboard", "a\x1bb",
                                   "a\u009bb", "\ufeffBillboard"])
def test_text_with_hidden_control_characters_is_refused_and_nothing_stored(
    client, auth, title
):
    body = {"dealer_code": "AUR-KGD-01", "channel_id": "outdoor",
            "title": title, "starts_on": "2026-05-10", "ends_on": "2026-05-26",
            "cost": {"amount": "1000.00", "currency": "RUB"}}
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01", **JSON)

    response = client.http.post("/v1/placements", headers=headers,
                                body=json.dumps(body))
    listed = client.http.get("/v1/placements?dealer=AUR-KGD-01&period=2026-05",
                             headers=headers)

    assert response.status_code == 400
    assert json_of(response)["details"]["errors"][0]["field"] == "title"
    assert json_of(listed)["items"] == []


def test_a_search_query_with_a_nul_character_is_refused(client, auth):
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01")

    response = client.http.get("/v1/creatives?q=%00", headers=headers)

    assert response.status_code == 400
    assert json_of(response)["code"] == "invalid_request"


def test_right_to_left_letters_and_line_breaks_are_ordinary_text(client, auth):
    body = {"dealer_code": "AUR-KGD-01", "channel_id": "outdoor",
            "title": "שלט חוצות\tБилборд", "starts_on": "2026-05-10",
            "ends_on": "2026-05-26", "cost": {"amount": "1000.00", "currency": "RUB"}}
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01", **JSON)

    response = client.http.post("/v1/placements", headers=headers,
                                body=json.dumps(body))

    assert response.status_code == 201
    assert json_of(response)["title"] == "שלט חוצות\tБилборд"
