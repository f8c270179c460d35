"""GET and PUT /v1/brand: everyone of the brand reads; the admin writes."""

import json

import pytest

from chalicelib.access.model import Role
from tests.api.conftest import json_of

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_its_brands_settings(client, auth, role):
    dealer = "AUR-KGD-01" if role is Role.DEALER_USER else None

    response = client.http.get("/v1/brand", headers=auth(role, dealer=dealer))

    brand = json_of(response)
    assert response.status_code == 200
    assert brand["brand_id"] == "aurora"
    assert brand["currency"] == "RUB"
    assert brand["time_zone"] == "Europe/Moscow"
    assert brand["version"] == 1


def test_another_brand_reads_its_own_settings(client, auth):
    brand = json_of(client.http.get("/v1/brand", headers=auth(Role.ANALYST,
                                                               brand="taiga")))

    assert brand["brand_id"] == "taiga"


def test_the_admin_changes_settings_and_the_next_read_shows_them(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **JSON)
    body = {"version": 1, "report_due_days": 7, "reminder_days": [1, 5, 3]}

    changed = client.http.put("/v1/brand", headers=headers, body=json.dumps(body))
    read = json_of(client.http.get("/v1/brand", headers=headers))

    assert changed.status_code == 200
    assert json_of(changed) == read
    assert read["report_due_days"] == 7
    assert read["reminder_days"] == [1, 3, 5]
    assert read["version"] == 2
    assert read["period_close_day"] == 7


def test_a_change_from_a_stale_version_is_a_conflict_and_changes_nothing(client,
                                                                         auth):
    headers = auth(Role.IMPORTER_ADMIN, **JSON)
    client.http.put("/v1/brand", headers=headers,
                    body=json.dumps({"version": 1, "report_due_days": 7}))

    stale = client.http.put("/v1/brand", headers=headers,
                            body=json.dumps({"version": 1, "report_due_days": 9}))

    assert stale.status_code == 409
    assert json_of(stale)["code"] == "stale_version"
    assert json_of(client.http.get("/v1/brand", headers=headers))[
        "report_due_days"] == 7


@pytest.mark.parametrize("role", [Role.IMPORTER_MANAGER, Role.ANALYST,
                                  Role.DEALER_USER])
def test_no_one_but_the_admin_changes_settings(client, auth, role):
    dealer = "AUR-KGD-01" if role is Role.DEALER_USER else None
    headers = auth(role, dealer=dealer, **JSON)

    response = client.http.put("/v1/brand", headers=headers,
                               body=json.dumps({"version": 1, "report_due_days": 1}))

    assert response.status_code == 403
    assert json_of(response)["code"] == "forbidden"
    assert json_of(client.http.get("/v1/brand", headers=headers))["version"] == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"period_close_day": 31}, "period_close_day"),
    ({"time_zone": "Europe/Tver"}, "time_zone"),
    ({"currency": "рубль"}, "currency"),
    ({"max_photo_mb": "20"}, "max_photo_mb"),
    ({"brand_id": "taiga"}, "brand_id"),
])
def test_invalid_settings_are_refused_with_the_field_named(client, auth, change,
                                                          field):
    headers = auth(Role.IMPORTER_ADMIN, **JSON)

    response = client.http.put("/v1/brand", headers=headers,
                               body=json.dumps({"version": 1, **change}))

    assert response.status_code == 400
    assert json_of(response)["code"] == "invalid_request"
    assert field in [e["field"] for e in json_of(response)["details"]["errors"]]
    assert json_of(client.http.get("/v1/brand", headers=headers))["version"] == 1
