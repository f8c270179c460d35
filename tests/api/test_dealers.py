import json

import pytest

from chalicelib.access.model import Role
from tests.api.conftest import json_of


def test_manager_pages_through_every_dealer_of_the_brand(client, auth):
    headers = auth(Role.IMPORTER_MANAGER)
    codes, cursor = [], None

    while True:
        query = "?limit=30" + (f"&cursor={cursor}" if cursor else "")
        page = json_of(client.http.get(f"/v1/dealers{query}", headers=headers))
        codes += [dealer["code"] for dealer in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(codes) == len(set(codes)) >= 70
    assert all(code.startswith("AUR-") for code in codes)


def test_dealer_user_lists_only_its_own_dealers(client, auth):
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01")

    page = json_of(client.http.get("/v1/dealers", headers=headers))

    assert [dealer["code"] for dealer in page["items"]] == ["AUR-KGD-01"]
    assert page["next_cursor"] is None


def test_another_dealers_code_is_not_found_for_a_dealer_user(client, auth):
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01")

    own = client.http.get("/v1/dealers/AUR-KGD-01", headers=headers)
    other = client.http.get("/v1/dealers/AUR-KGD-02", headers=headers)
    unknown = client.http.get("/v1/dealers/AUR-NOPE-99", headers=headers)

    assert own.status_code == 200
    assert other.status_code == unknown.status_code == 404
    assert json_of(other)["code"] == json_of(unknown)["code"] == "dealer_not_found"


def test_another_brands_dealer_is_not_found(client, auth):
    response = client.http.get("/v1/dealers/TAI-MSK-01",
                               headers=auth(Role.IMPORTER_ADMIN))

    assert response.status_code == 404


def test_regional_manager_sees_only_dealers_of_its_regions(client, auth):
    manager = auth(user_id="aurora-manager-3")

    page = json_of(client.http.get("/v1/dealers?limit=200", headers=manager))
    kamchatka = client.http.get("/v1/dealers/AUR-PKC-01", headers=manager)
    moscow = client.http.get("/v1/dealers/AUR-MSK-01", headers=manager)

    assert page["items"]
    assert {d["region"] for d in page["items"]} <= {
        "Новосибирская область", "Приморский край", "Камчатский край"}
    assert kamchatka.status_code == 200
    assert moscow.status_code == 404


def test_dealer_user_may_read_but_not_change_its_dealer(client, auth):
    headers = auth(Role.DEALER_USER, dealer="AUR-KGD-01",
                   **{"Content-Type": "application/json"})
    body = json.dumps({"version": 1, "name": "Своё имя"})

    own = client.http.patch("/v1/dealers/AUR-KGD-01", headers=headers, body=body)
    other = client.http.patch("/v1/dealers/AUR-KGD-02", headers=headers, body=body)

    assert own.status_code == 403
    assert other.status_code == 404


def test_admin_changes_a_dealer_once_per_version(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **{"Content-Type": "application/json"})
    body = json.dumps({"version": 1, "category": "flagship"})

    first = client.http.patch("/v1/dealers/AUR-KGD-01", headers=headers, body=body)
    stale = client.http.patch("/v1/dealers/AUR-KGD-01", headers=headers, body=body)

    assert first.status_code == 200
    assert json_of(first)["version"] == 2
    assert json_of(first)["category"] == "flagship"
    assert stale.status_code == 409
    assert json_of(stale)["code"] == "stale_version"


def test_new_dealer_with_an_unknown_time_zone_is_refused(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **{"Content-Type": "application/json"})
    body = {"code": "AUR-NEW-01", "name": "Аврора Новая", "city": "Тверь",
            "region": "Тверская область", "time_zone": "Europe/Tver",
            "category": "standard"}

    response = client.http.post("/v1/dealers", headers=headers, body=json.dumps(body))

    assert response.status_code == 400
    assert json_of(response)["details"]["errors"][0]["field"] == "time_zone"


NEW_DEALER = {"code": "AUR-TVR-01", "name": "Аврора Тверь", "city": "Тверь",
              "region": "Тверская область", "time_zone": "Europe/Moscow",
              "category": "standard"}


def test_admin_adds_a_dealer_that_is_then_listed_and_read(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **{"Content-Type": "application/json"})

    created = client.http.post("/v1/dealers", headers=headers,
                               body=json.dumps(NEW_DEALER))
    read = client.http.get("/v1/dealers/AUR-TVR-01", headers=headers)
    listed = json_of(client.http.get("/v1/dealers?limit=200", headers=headers))

    assert created.status_code == 201
    assert json_of(created) == {**NEW_DEALER, "version": 1}
    assert json_of(read) == json_of(created)
    assert "AUR-TVR-01" in [dealer["code"] for dealer in listed["items"]]


def test_a_dealer_code_already_taken_is_a_conflict_and_keeps_the_dealer(client,
                                                                        auth):
    headers = auth(Role.IMPORTER_ADMIN, **{"Content-Type": "application/json"})
    taken = {**NEW_DEALER, "code": "AUR-KGD-01", "name": "Самозванец"}

    response = client.http.post("/v1/dealers", headers=headers,
                                body=json.dumps(taken))

    assert response.status_code == 409
    assert json_of(response)["code"] == "already_exists"
    kept = json_of(client.http.get("/v1/dealers/AUR-KGD-01", headers=headers))
    assert kept["name"] != "Самозванец"


def test_a_dealer_creation_retried_with_its_key_answers_as_the_first_time(client,
                                                                          auth):
    headers = auth(Role.IMPORTER_ADMIN, **{"Content-Type": "application/json",
                                           "Idempotency-Key": "tver-1"})

    first = client.http.post("/v1/dealers", headers=headers,
                             body=json.dumps(NEW_DEALER))
    retry = client.http.post("/v1/dealers", headers=headers,
                             body=json.dumps(NEW_DEALER))

    assert first.status_code == retry.status_code == 201
    assert json_of(retry) == json_of(first)


def test_two_admins_with_the_same_key_do_not_share_an_answer(client, auth):
    body = json.dumps(NEW_DEALER)
    key = {"Content-Type": "application/json", "Idempotency-Key": "same-key"}

    mine = client.http.post("/v1/dealers", body=body,
                            headers=auth(user_id="aurora-admin-1", **key))
    theirs = client.http.post("/v1/dealers", body=body,
                              headers=auth(user_id="aurora-admin-2", **key))

    assert mine.status_code == 201
    assert theirs.status_code == 409
    assert json_of(theirs)["code"] == "already_exists"


def test_a_dealer_user_with_a_code_twice_lists_its_dealer_once(client, auth):
    from chalicelib.access.dynamo import DynamoUsers
    from devstack.demo import find_user

    users = DynamoUsers()
    marketer = find_user(Role.DEALER_USER, "aurora", "AUR-KGD-01")
    users.save(marketer.changed(dealer_codes=("AUR-KGD-01", "AUR-KGD-01")),
               marketer.version)

    page = json_of(client.http.get("/v1/dealers",
                                   headers=auth(user_id=marketer.user_id)))

    assert [dealer["code"] for dealer in page["items"]] == ["AUR-KGD-01"]


@pytest.mark.parametrize("role", [Role.IMPORTER_MANAGER, Role.ANALYST])
def test_importer_staff_other_than_the_admin_do_not_add_dealers(client, auth, role):
    headers = auth(role, **{"Content-Type": "application/json"})

    response = client.http.post("/v1/dealers", headers=headers,
                                body=json.dumps(NEW_DEALER))

    assert response.status_code == 403
    assert client.http.get("/v1/dealers/AUR-TVR-01",
                           headers=headers).status_code == 404


def test_a_cursor_made_up_by_a_client_is_refused_not_a_crash(client, auth):
    from chalicelib.dynamo import encode_cursor

    half_key = encode_cursor({"brand_id": {"S": "aurora"}})

    response = client.http.get(f"/v1/dealers?cursor={half_key}",
                               headers=auth(Role.IMPORTER_ADMIN))

    assert response.status_code == 400
    assert json_of(response)["code"] == "invalid_cursor"


def test_a_regional_managers_pages_are_full_until_the_last(client, auth):
    manager = auth(user_id="aurora-manager-2")
    sizes, cursor = [], None

    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = json_of(client.http.get(f"/v1/dealers{query}", headers=manager))
        sizes.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sum(sizes) >= 3
    assert all(size == 2 for size in sizes[:-1])
    assert sizes[-1] >= 1
