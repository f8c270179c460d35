"""The brand's users: the admin lists, invites, changes and disables them."""

import json

import pytest

from chalicelib.access.model import Role
from tests.api.conftest import json_of

JSON = {"Content-Type": "application/json"}
INVITATION = {"email": "maria.novikova@example.com", "name": "Мария Новикова",
              "role": "dealer_user", "dealer_codes": ["AUR-KGD-01"]}


def _all_users(client, headers, limit: int) -> tuple[list[str], int]:
    ids, cursor, pages = [], None, 0
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = json_of(client.http.get(f"/v1/users{query}", headers=headers))
        ids += [user["user_id"] for user in page["items"]]
        pages += 1
        assert len(page["items"]) <= limit
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, pages


def test_the_admin_pages_through_its_brands_users_only(client, auth):
    ids, pages = _all_users(client, auth(Role.IMPORTER_ADMIN), limit=5)

    assert len(ids) == len(set(ids)) >= 20
    assert all(user_id.startswith("aurora-") for user_id in ids)
    assert pages == -(-len(ids) // 5)


def test_a_page_size_that_divides_the_count_ends_without_an_empty_page(client, auth):
    everyone, _ = _all_users(client, auth(Role.IMPORTER_ADMIN), limit=200)

    ids, pages = _all_users(client, auth(Role.IMPORTER_ADMIN), limit=len(everyone))

    assert ids == everyone
    assert pages == 1


def test_a_cursor_of_another_list_is_refused_not_a_crash(client, auth):
    admin = auth(Role.IMPORTER_ADMIN)
    dealers_cursor = json_of(client.http.get("/v1/dealers?limit=2",
                                             headers=admin))["next_cursor"]

    response = client.http.get(f"/v1/users?cursor={dealers_cursor}", headers=admin)
    garbage = client.http.get("/v1/users?cursor=bm90LWEtY3Vyc29y", headers=admin)

    assert response.status_code == garbage.status_code == 400
    assert json_of(response)["code"] == json_of(garbage)["code"] == "invalid_cursor"


def test_an_invitation_retried_with_its_key_creates_the_user_once(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **JSON, **{"Idempotency-Key": "invite-1"})

    first = client.http.post("/v1/users", headers=headers, body=json.dumps(INVITATION))
    retry = client.http.post("/v1/users", headers=headers, body=json.dumps(INVITATION))

    ids, _ = _all_users(client, auth(Role.IMPORTER_ADMIN), limit=200)
    assert first.status_code == retry.status_code == 201
    assert json_of(first) == json_of(retry)
    invited = json_of(first)
    assert invited["role"] == "dealer_user"
    assert invited["scope"]["dealer_codes"] == ["AUR-KGD-01"]
    assert ids.count(invited["user_id"]) == 1


def test_the_invited_user_signs_in_with_the_brand_role_and_scope_given(client,
                                                                       auth):
    headers = auth(Role.IMPORTER_ADMIN, **JSON)
    invited = json_of(client.http.post("/v1/users", headers=headers,
                                       body=json.dumps(INVITATION)))

    me = json_of(client.http.get("/v1/me", headers=auth(user_id=invited["user_id"])))

    assert me["brand_id"] == "aurora"
    assert me["user"]["scope"]["dealer_codes"] == ["AUR-KGD-01"]


def test_the_same_key_with_another_invitation_is_refused(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **JSON, **{"Idempotency-Key": "invite-1"})
    client.http.post("/v1/users", headers=headers, body=json.dumps(INVITATION))

    other = {**INVITATION, "email": "someone.else@example.com"}
    response = client.http.post("/v1/users", headers=headers, body=json.dumps(other))

    assert response.status_code == 422
    assert json_of(response)["code"] == "idempotency_key_reused"


def test_an_invitation_for_an_unknown_dealer_is_a_broken_rule(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **JSON)
    before, _ = _all_users(client, auth(Role.IMPORTER_ADMIN), limit=200)

    response = client.http.post(
        "/v1/users", headers=headers,
        body=json.dumps({**INVITATION, "dealer_codes": ["AUR-KGD-01", "TAI-MSK-01"]}))

    after, _ = _all_users(client, auth(Role.IMPORTER_ADMIN), limit=200)
    assert response.status_code == 422
    assert json_of(response)["code"] == "invalid_scope"
    assert json_of(response)["details"] == {"dealers": ["TAI-MSK-01"]}
    assert after == before


def test_a_disabled_users_token_is_then_refused(client, auth):
    admin = auth(Role.IMPORTER_ADMIN, **JSON)
    dealer = auth(user_id="aurora-dealer-1")
    assert client.http.get("/v1/me", headers=dealer).status_code == 200

    changed = client.http.patch("/v1/users/aurora-dealer-1", headers=admin,
                                body=json.dumps({"version": 1, "disabled": True}))
    refused = client.http.get("/v1/me", headers=dealer)

    assert changed.status_code == 200
    assert json_of(changed)["disabled"] is True
    assert json_of(changed)["version"] == 2
    assert refused.status_code == 403
    assert json_of(refused)["code"] == "user_disabled"


def test_the_admin_reads_one_user_of_its_brand(client, auth):
    response = client.http.get("/v1/users/aurora-manager-3",
                               headers=auth(Role.IMPORTER_ADMIN))

    assert response.status_code == 200
    assert json_of(response)["role"] == "importer_manager"


@pytest.mark.parametrize(("method", "body"), [
    ("GET", None),
    ("PATCH", {"version": 1, "disabled": True}),
])
def test_another_brands_user_is_not_found(client, auth, method, body):
    response = client.http.request(
        method, "/v1/users/taiga-admin-1", headers=auth(Role.IMPORTER_ADMIN, **JSON),
        body=json.dumps(body).encode() if body else b"")

    assert response.status_code == 404
    assert json_of(response)["code"] == "user_not_found"
    taiga = json_of(client.http.get("/v1/me", headers=auth(user_id="taiga-admin-1")))
    assert taiga["user"]["disabled"] is False


@pytest.mark.parametrize("role", [Role.IMPORTER_MANAGER, Role.ANALYST,
                                  Role.DEALER_USER])
@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/v1/users", None),
    ("GET", "/v1/users/aurora-admin-1", None),
    ("POST", "/v1/users", INVITATION),
    ("PATCH", "/v1/users/aurora-admin-1", {"version": 1, "disabled": True}),
])
def test_no_one_but_the_admin_manages_users(client, auth, role, method, path, body):
    dealer = "AUR-KGD-01" if role is Role.DEALER_USER else None
    headers = auth(role, dealer=dealer, **JSON)

    response = client.http.request(method, path, headers=headers,
                                   body=json.dumps(body).encode() if body else b"")

    assert response.status_code == 403
    assert json_of(response)["code"] == "forbidden"


def test_a_stale_user_change_is_a_conflict(client, auth):
    admin = auth(Role.IMPORTER_ADMIN, **JSON)
    client.http.patch("/v1/users/aurora-analyst-1", headers=admin,
                      body=json.dumps({"version": 1, "name": "Павел Орлов-Первый"}))

    stale = client.http.patch("/v1/users/aurora-analyst-1", headers=admin,
                              body=json.dumps({"version": 1, "name": "Другой"}))

    assert stale.status_code == 409
    assert json_of(stale)["code"] == "stale_version"
