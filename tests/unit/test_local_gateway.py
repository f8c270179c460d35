"""The local server's gateway: an unknown path is a 404 in the API's shape,
and nothing of the request (a token least of all) is echoed back."""

import json

import pytest
from chalice import Chalice
from chalice.config import Config

from devstack.server import ApiGateway
from tests.conftest import WEB_ORIGIN

TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-payload.secret-signature"


@pytest.fixture
def gateway() -> ApiGateway:
    app = Chalice(app_name="probe")

    @app.route("/health")
    def health():
        return {"status": "ok"}

    return ApiGateway(app, Config.create(chalice_stage="dev", app_name="probe"))


@pytest.mark.parametrize("headers", [
    {"Authorization": f"Bearer {TOKEN}"},
    {"authorization": f"Bearer {TOKEN}"},
    {},
])
def test_an_unknown_path_is_not_found_and_echoes_no_token(gateway, headers):
    response = gateway.handle_request("GET", "/v1/nowhere", headers, None)

    assert response["statusCode"] == 404
    assert TOKEN not in json.dumps(response)
    assert json.loads(response["body"]) == {
        "code": "route_not_found",
        "message": "Такого адреса в API нет.",
        "details": {},
    }


def test_the_not_found_message_follows_accept_language(gateway):
    response = gateway.handle_request(
        "POST", "/v2/dealers", {"Accept-Language": "en-US,en;q=0.9"}, b"{}")

    assert response["headers"]["Content-Type"].startswith("application/json")
    english = "There is no such path in the API."
    assert json.loads(response["body"])["message"] == english


def test_a_known_path_still_reaches_the_app(gateway):
    response = gateway.handle_request("GET", "/health", {}, None)

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}


def test_the_not_found_answer_carries_cors_headers_for_an_allowed_origin(gateway):
    allowed = gateway.handle_request("GET", "/v1/nowhere", {"Origin": WEB_ORIGIN},
                                     None)
    other = gateway.handle_request("GET", "/v1/nowhere",
                                   {"Origin": "https://evil.example"}, None)

    assert allowed["headers"]["Access-Control-Allow-Origin"] == WEB_ORIGIN
    assert "Access-Control-Allow-Origin" not in other["headers"]
