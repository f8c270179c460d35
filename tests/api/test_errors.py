"""Every failure answers in the API's one error shape, in Russian or English,
with CORS headers for the brand's web origins."""

import json

import pytest

from chalicelib import wiring
from chalicelib.access.model import Role
from tests.api.conftest import json_of
from tests.conftest import WEB_ORIGIN

JSON = {"Content-Type": "application/json"}
NEW_DEALER = {"code": "AUR-TVR-01", "name": "Аврора Тверь", "city": "Тверь",
              "region": "Тверская область", "time_zone": "Europe/Moscow",
              "category": "standard"}


def admin_json(auth) -> dict[str, str]:
    return auth(Role.IMPORTER_ADMIN, **JSON)


def _shape(response) -> dict:
    body = json_of(response)
    assert set(body) == {"code", "message", "details"}
    assert response.headers["Content-Type"].startswith("application/json")
    assert body["message"]
    return body


def test_no_token_is_unauthenticated(client):
    response = client.http.get("/v1/me")

    assert response.status_code == 401
    assert _shape(response)["code"] == "unauthenticated"


@pytest.mark.parametrize("authorization", ["Basic YWRtaW46YWRtaW4=", "Bearer ",
                                           "Bearer", "token-without-scheme"])
def test_a_header_without_a_bearer_token_is_unauthenticated(client, authorization):
    response = client.http.get("/v1/me", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert _shape(response)["code"] == "unauthenticated"


def test_a_tampered_token_is_refused_and_not_echoed(client, auth):
    token = auth(Role.DEALER_USER, dealer="AUR-KGD-01")["Authorization"].split()[1]
    admin = auth(Role.IMPORTER_ADMIN)["Authorization"].split()[1]
    header, _, signature = token.split(".")
    tampered = f"{header}.{admin.split('.')[1]}.{signature}"

    response = client.http.get("/v1/me",
                               headers={"Authorization": f"Bearer {tampered}"})

    assert response.status_code == 401
    assert _shape(response)["code"] == "invalid_token"
    assert tampered not in response.body.decode()
    assert signature not in response.body.decode()


def test_a_valid_token_of_an_unregistered_user_is_unauthenticated(client, auth):
    response = client.http.get("/v1/me", headers=auth(user_id="nobody-here"))

    assert response.status_code == 401
    assert _shape(response)["code"] == "unknown_user"


def test_malformed_json_is_a_bad_request(client, auth):
    response = client.http.post("/v1/dealers", headers=admin_json(auth),
                                body=b'{"code": "AUR-TVR-01",')

    assert response.status_code == 400
    assert _shape(response)["code"] == "malformed_json"


@pytest.mark.parametrize("body", [b"", b"[]", b'"text"', b"null"])
def test_a_body_that_is_not_an_object_is_a_bad_request(client, auth, body):
    response = client.http.post("/v1/dealers", headers=admin_json(auth),
                                body=body)

    assert response.status_code == 400
    assert _shape(response)["code"] in ("malformed_json", "invalid_request")


def test_wrong_types_are_refused_field_by_field(client, auth):
    body = {**NEW_DEALER, "code": 17, "name": ["Аврора"], "region": None}

    response = client.http.post("/v1/dealers", headers=admin_json(auth),
                                body=json.dumps(body))

    error = _shape(response)
    assert response.status_code == 400
    assert error["code"] == "invalid_request"
    assert {e["field"] for e in error["details"]["errors"]} == {"code", "name",
                                                                "region"}
    assert all(e["type"] and e["problem"] for e in error["details"]["errors"])


def test_a_missing_field_is_named(client, auth):
    body = {key: value for key, value in NEW_DEALER.items() if key != "city"}

    response = client.http.post("/v1/dealers", headers=admin_json(auth),
                                body=json.dumps(body))

    assert [e["field"] for e in _shape(response)["details"]["errors"]] == ["city"]


def test_a_bad_query_parameter_is_refused_with_its_name(client, auth):
    response = client.http.get("/v1/dealers?limit=1000",
                               headers=auth(Role.IMPORTER_ADMIN))

    assert response.status_code == 400
    assert [e["field"] for e in _shape(response)["details"]["errors"]] == ["limit"]


def test_a_body_over_one_megabyte_is_refused_before_anything_runs(client, auth):
    big = {**NEW_DEALER, "name": "А" * (600 * 1024)}

    response = client.http.post("/v1/dealers", headers=admin_json(auth),
                                body=json.dumps(big, ensure_ascii=False).encode())

    error = _shape(response)
    assert response.status_code == 413
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"limit_bytes": 1024 * 1024}
    assert "1048576" in error["message"]
    assert client.http.get("/v1/dealers/AUR-TVR-01",
                           headers=auth(Role.IMPORTER_ADMIN)).status_code == 404


def test_a_body_of_exactly_one_megabyte_is_not_too_large(client, auth):
    padding = 1024 * 1024 - len(json.dumps({"version": 1, "name": ""}))
    body = json.dumps({"version": 1, "name": "x" * padding})

    response = client.http.put("/v1/brand", headers=admin_json(auth),
                               body=body.encode())

    assert len(body) == 1024 * 1024
    assert response.status_code == 400
    assert _shape(response)["code"] == "invalid_request"


def test_a_body_that_is_not_json_is_unsupported_media(client, auth):
    headers = auth(Role.IMPORTER_ADMIN, **{"Content-Type": "text/plain"})

    response = client.http.post("/v1/dealers", headers=headers,
                                body=json.dumps(NEW_DEALER))

    assert response.status_code == 415
    assert _shape(response)["code"] == "unsupported_media_type"


def test_an_unsupported_method_is_not_allowed_in_our_shape(client, auth):
    response = client.http.delete("/v1/dealers/AUR-KGD-01",
                                  headers=auth(Role.IMPORTER_ADMIN))

    assert response.status_code == 405
    assert _shape(response)["code"] == "method_not_allowed"


def test_messages_follow_accept_language_and_default_to_russian(client):
    russian = _shape(client.http.get("/v1/me"))
    english = _shape(client.http.get("/v1/me", headers={
        "Accept-Language": "en-US,en;q=0.9,ru;q=0.8"}))
    german = _shape(client.http.get("/v1/me", headers={"Accept-Language": "de"}))

    assert russian["code"] == english["code"] == german["code"]
    assert russian["message"] == german["message"] == (
        "Нужен токен доступа в заголовке Authorization.")
    assert english["message"] == (
        "An access token is required in the Authorization header.")


def test_details_are_spelled_into_the_message(client, auth):
    response = client.http.get("/v1/dealers/AUR-NONE-01",
                               headers=auth(Role.ANALYST, **{"Accept-Language": "en"}))

    assert _shape(response)["message"] == "Dealer AUR-NONE-01 was not found."


class BrokenDealers:
    """A dealer repository whose storage fails in a way no one planned for."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RuntimeError("the storage exploded: secret-internal-detail")

        return fail


def test_an_unexpected_failure_is_an_internal_error_with_the_trace_in_the_log(
    client, auth, logged
):
    wiring.use(dealers=BrokenDealers())

    response = client.http.get("/v1/dealers/AUR-KGD-01",
                               headers=auth(Role.IMPORTER_ADMIN,
                                            **{"Origin": WEB_ORIGIN}))

    error = _shape(response)
    assert response.status_code == 500
    assert error == {"code": "internal_error", "details": {},
                     "message": "Внутренняя ошибка. Мы уже разбираемся."}
    assert "secret-internal-detail" not in response.body.decode()
    assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    errors = [line for line in logged() if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert "secret-internal-detail" in errors[0]["exception"]
    assert errors[0]["brand_id"] == "aurora"
    assert "Bearer" not in json.dumps(errors[0])


# --- CORS --------------------------------------------------------------------

def test_an_allowed_origin_gets_cors_headers_on_success_and_on_errors(client, auth):
    origin = {"Origin": WEB_ORIGIN}

    ok = client.http.get("/v1/me", headers=auth(Role.ANALYST, **origin))
    unauthenticated = client.http.get("/v1/me", headers=origin)
    not_found = client.http.get("/v1/dealers/AUR-NONE-01",
                                headers=auth(Role.ANALYST, **origin))
    too_large = client.http.post("/v1/dealers",
                                 headers=auth(Role.IMPORTER_ADMIN, **JSON, **origin),
                                 body=b"x" * (1024 * 1024 + 1))
    not_allowed = client.http.delete("/v1/me", headers=origin)

    for response in (ok, unauthenticated, not_found, too_large, not_allowed):
        assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
        assert response.headers["Vary"] == "Origin"
    assert [r.status_code for r in (ok, unauthenticated, not_found, too_large,
                                    not_allowed)] == [200, 401, 404, 413, 405]


@pytest.mark.parametrize("origin", ["https://evil.example", "null",
                                    WEB_ORIGIN + ".evil.example",
                                    WEB_ORIGIN.replace("https", "http")])
def test_another_origin_gets_no_cors_headers(client, auth, origin):
    response = client.http.get("/v1/me", headers=auth(Role.ANALYST, Origin=origin))

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_preflight_from_an_allowed_origin_names_the_paths_methods(client):
    response = client.http.options("/v1/dealers/AUR-KGD-01", headers={
        "Origin": WEB_ORIGIN, "Access-Control-Request-Method": "PATCH"})

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    assert set(response.headers["Access-Control-Allow-Methods"].split(",")) == {
        "GET", "PATCH", "OPTIONS"}
    allowed = response.headers["Access-Control-Allow-Headers"].split(",")
    assert {"Authorization", "Content-Type", "Idempotency-Key",
            "Accept-Language"} <= set(allowed)


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {}])
def test_a_preflight_from_another_origin_is_forbidden_in_our_shape(client, headers):
    response = client.http.options("/v1/dealers", headers={
        **headers, "Access-Control-Request-Method": "POST"})

    assert response.status_code == 403
    assert _shape(response)["code"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers
