"""The service routes: health, the caller, the OpenAPI document and its page."""

import pytest
from openapi_spec_validator import validate

from chalicelib.access.model import Role
from tests.api.conftest import json_of


def test_health_answers_without_a_token(client):
    response = client.http.get("/health")

    assert response.status_code == 200
    assert json_of(response) == {"status": "ok"}


@pytest.mark.parametrize(("role", "dealer", "scope"), [
    (Role.IMPORTER_ADMIN, None, {"regions": [], "dealer_codes": []}),
    (Role.IMPORTER_MANAGER, None, {"regions": [], "dealer_codes": []}),
    (Role.ANALYST, None, {"regions": [], "dealer_codes": []}),
    (Role.DEALER_USER, "AUR-PKC-01", {"regions": [], "dealer_codes": ["AUR-PKC-01"]}),
])
def test_me_tells_each_role_who_it_is_from_the_users_table(client, auth, role,
                                                          dealer, scope):
    response = client.http.get("/v1/me", headers=auth(role, dealer=dealer))

    me = json_of(response)
    assert response.status_code == 200
    assert me["brand_id"] == "aurora"
    assert me["user"]["role"] == role.value
    assert me["user"]["scope"] == scope
    assert me["user"]["disabled"] is False
    assert set(me["user"]) == {"user_id", "email", "name", "role", "scope",
                               "disabled", "version"}


def test_me_of_a_regional_manager_and_a_dealer_group_shows_their_scope(client,
                                                                      auth):
    manager = json_of(client.http.get("/v1/me",
                                      headers=auth(user_id="aurora-manager-3")))
    group = json_of(client.http.get(
        "/v1/me", headers=auth(Role.DEALER_USER, dealer="AUR-MSK-04")))

    assert "Камчатский край" in manager["user"]["scope"]["regions"]
    assert len(group["user"]["scope"]["dealer_codes"]) > 1


def test_me_of_another_brand_names_that_brand(client, auth):
    me = json_of(client.http.get("/v1/me", headers=auth(Role.ANALYST, brand="taiga")))

    assert me["brand_id"] == "taiga"


@pytest.fixture
def document(client) -> dict:
    response = client.http.get("/openapi.json")
    assert response.status_code == 200
    return json_of(response)


def test_the_openapi_document_is_valid_openapi_3_1(document):
    validate(document)

    assert document["openapi"].startswith("3.1")


def test_the_openapi_document_lists_every_route_the_app_serves(document):
    import app

    served = {
        (path, method.lower())
        for path, methods in app.app.routes.items()
        for method in methods
        if method != "OPTIONS"
    }
    documented = {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
    }

    assert served == documented


def test_the_document_describes_bodies_errors_auth_and_idempotency(document):
    create = document["paths"]["/v1/dealers"]["post"]
    health = document["paths"]["/health"]["get"]

    body_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.endswith("/NewDealer")
    assert "time_zone" in document["components"]["schemas"]["NewDealer"]["required"]
    assert "201" in create["responses"] and "409" in create["responses"]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= next(
        p for p in create["parameters"] if p["name"] == "Idempotency-Key").items()
    assert create["security"] == [{"bearer": []}]
    assert health["security"] == []
    list_params = document["paths"]["/v1/dealers"]["get"]["parameters"]
    assert {p["name"] for p in list_params} == {"limit", "cursor"}
    assert [p["name"] for p in document["paths"]["/v1/dealers/{code}"]["get"][
        "parameters"]] == ["code"]


def test_the_docs_page_is_html_that_loads_the_apps_own_assets(client):
    page = client.http.get("/docs")

    html = page.body.decode()
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "swagger-ui" in html
    assert "https://" not in html and "http://" not in html
    for asset in ("docs/assets/swagger-ui.css", "docs/assets/swagger-ui-bundle.js",
                  "docs/assets/init.js"):
        assert f'"{asset}"' in html


@pytest.mark.parametrize(("name", "content_type", "marker"), [
    ("swagger-ui.css", "text/css", ".swagger-ui"),
    ("swagger-ui-bundle.js", "application/javascript", "SwaggerUIBundle"),
    ("init.js", "application/javascript", '"openapi.json"'),
])
def test_each_docs_asset_is_served_by_the_app(client, name, content_type, marker):
    response = client.http.get(f"/docs/assets/{name}")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert marker in response.body.decode()


def test_an_unknown_docs_asset_is_not_found_in_our_shape(client):
    response = client.http.get("/docs/assets/evil.js",
                               headers={"Accept-Language": "en"})

    assert response.status_code == 404
    assert json_of(response)["code"] == "not_found"
    assert json_of(response)["message"] == "The object was not found."


@pytest.mark.parametrize("served_at", [
    "http://127.0.0.1:8000/openapi.json",
    "https://abc123.execute-api.eu-central-1.amazonaws.com/api/openapi.json",
])
def test_the_documents_server_is_where_the_document_is_served(document, served_at):
    from urllib.parse import urljoin

    base = served_at.removesuffix("/openapi.json")

    assert [urljoin(served_at, server["url"]).rstrip("/")
            for server in document["servers"]] == [base]
