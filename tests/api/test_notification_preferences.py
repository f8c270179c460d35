import json

from chalicelib.access.model import Role
from tests.api.conftest import json_of


def test_a_user_turns_off_email_for_one_kind_and_reads_it_back(client, auth):
    headers = {**auth(Role.DEALER_USER, dealer="AUR-KGD-01"),
               "Content-Type": "application/json"}
    before = json_of(client.http.get("/v1/me/notification-preferences",
                                     headers=headers))
    body = {"version": before["version"], "language": "en",
            "kinds": {"creative_published": {"email": False}}}

    changed = client.http.put("/v1/me/notification-preferences", headers=headers,
                              body=json.dumps(body))
    stale = client.http.put("/v1/me/notification-preferences", headers=headers,
                            body=json.dumps(body))
    after = json_of(client.http.get("/v1/me/notification-preferences",
                                    headers=headers))

    assert before["version"] == 0
    assert all(all(channels.values()) for channels in before["kinds"].values())
    assert changed.status_code == 200
    assert stale.status_code == 409
    assert after["language"] == "en"
    assert after["kinds"]["creative_published"] == {"feed": True, "email": False}
    assert after["kinds"]["survey_published"] == {"feed": True, "email": True}


def test_an_unknown_kind_or_channel_is_refused(client, auth):
    headers = {**auth(Role.DEALER_USER, dealer="AUR-KGD-01"),
               "Content-Type": "application/json"}
    body = {"version": 0, "kinds": {"creative_published": {"sms": False}}}

    reply = client.http.put("/v1/me/notification-preferences", headers=headers,
                            body=json.dumps(body))

    assert reply.status_code == 400


def test_an_admin_words_a_kind_in_russian_and_can_go_back_to_the_default(client,
                                                                          auth):
    headers = {**auth(Role.IMPORTER_ADMIN), "Content-Type": "application/json"}
    url = "/v1/notification-templates/creative_published/ru"
    own = {"subject": "Аврора: новый креатив {title}", "body": "Смотрите «{title}»"}

    put = client.http.put(url, headers=headers, body=json.dumps(own))
    taiga = json_of(client.http.get("/v1/notification-templates",
                                    headers=auth(Role.IMPORTER_ADMIN, brand="taiga")))
    reset = client.http.put(url, headers=headers,
                            body=json.dumps({"subject": None, "body": None}))

    def russian(listing):
        return next(t for t in listing["items"]
                    if t["kind"] == "creative_published" and t["language"] == "ru")

    assert put.status_code == 200
    assert russian(json_of(put))["subject"] == own["subject"]
    assert russian(json_of(put))["overridden"] is True
    assert russian(taiga)["overridden"] is False
    assert russian(json_of(reset))["overridden"] is False


def test_a_template_with_an_unknown_placeholder_is_refused(client, auth):
    headers = {**auth(Role.IMPORTER_ADMIN), "Content-Type": "application/json"}
    body = {"subject": "{titel}", "body": "x"}

    reply = client.http.put("/v1/notification-templates/creative_published/ru",
                            headers=headers, body=json.dumps(body))
    unknown = client.http.put("/v1/notification-templates/no_such_kind/ru",
                              headers=headers, body=json.dumps(body))

    assert reply.status_code == 400
    assert json_of(reply)["code"] == "unknown_template_placeholder"
    assert unknown.status_code == 404


def test_only_admins_edit_templates(client, auth):
    headers = {**auth(Role.IMPORTER_MANAGER), "Content-Type": "application/json"}

    reply = client.http.put("/v1/notification-templates/creative_published/en",
                            headers=headers,
                            body=json.dumps({"subject": "{title}", "body": "x"}))

    assert reply.status_code == 403


def test_the_openapi_document_with_these_routes_is_valid(client):
    from openapi_spec_validator import validate

    document = json_of(client.http.get("/openapi.json"))

    validate(document)
    assert {"/v1/creatives", "/v1/surveys/{survey_id}/results",
            "/v1/me/notification-preferences"} <= set(document["paths"])
