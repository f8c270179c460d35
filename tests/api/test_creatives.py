"""The creative library through the API, with real uploads to the emulator
and the uploads queue's handler run as Lambda would run it."""

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from PIL import Image

from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.notification_prefs.kinds import NotificationKind
from devstack.events import QueueSource, deliver_batch
from tests.api.conftest import json_of
from tests.media_fakes import RecordingNotifier

STANDARD_DEALER = "AUR-KGD-01"
BOUTIQUE_DEALER = "AUR-KGD-02"
FLAGSHIP_DEALER = "AUR-MSK-01"


@pytest.fixture
def told(demo) -> RecordingNotifier:
    notifier = RecordingNotifier()
    wiring.use(notifier=notifier)
    return notifier


@pytest.fixture
def library(client, auth, told):
    return Library(client, auth)


class Library:
    def __init__(self, client: Any, auth: Any) -> None:
        self.client = client
        self.auth = auth
        self.manager = {**auth(Role.IMPORTER_MANAGER),
                        "Content-Type": "application/json"}

    def dealer(self, code: str) -> dict:
        return self.auth(Role.DEALER_USER, dealer=code)

    def register(self, **fields: Any) -> dict:
        body = {"title": "Летний баннер Aurora X5", "car_model": "X5",
                "channel": "outdoor", "format": {"width": 1200, "height": 628},
                "file": {"file_name": "Баннер лето 2026.jpg",
                         "content_type": "image/jpeg", "size": 50_000},
                **fields}
        reply = self.client.http.post("/v1/creatives", headers=self.manager,
                                      body=json.dumps(body))
        assert reply.status_code == 201, reply.body
        return json_of(reply)

    def upload(self, registered: dict) -> None:
        form = registered["upload"]
        posted = requests.post(form["url"], data=form["fields"],
                               files={"file": ("x.jpg", jpeg(), "image/jpeg")},
                               timeout=10)
        assert posted.status_code in (200, 204)
        run_uploads_queue()

    def publish(self, **fields: Any) -> str:
        registered = self.register(**fields)
        self.upload(registered)
        return str(registered["creative"]["creative_id"])

    def search(self, headers: dict, query: str = "") -> dict:
        reply = self.client.http.get(f"/v1/creatives{query}", headers=headers)
        assert reply.status_code == 200, reply.body
        return json_of(reply)

    def found_ids(self, headers: dict, query: str = "") -> list[str]:
        return [c["creative_id"] for c in self.search(headers, query)["items"]]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 628), "orange").save(out, format="JPEG")
    return out.getvalue()


def run_uploads_queue() -> None:
    import app

    sqs = boto3.client("sqs")
    queue = resources.CREATIVE_UPLOADS.name
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    source = QueueSource("process_creative_uploads", queue, 5)
    while deliver_batch(sqs, url, source, app.process_creative_uploads, 1):
        pass


FOR_STANDARD = {"audience": {"kind": "category", "values": ["standard"]}}


def test_a_creative_for_one_category_reaches_its_dealers_only(library, told):
    creative_id = library.publish(**FOR_STANDARD, title="Баннер «Лето» для соцсетей")

    standard = library.found_ids(library.dealer(STANDARD_DEALER), "?q=баннеры")
    flagship = library.found_ids(library.dealer(FLAGSHIP_DEALER), "?q=баннеры")
    opened = library.client.http.get(f"/v1/creatives/{creative_id}",
                                     headers=library.dealer(FLAGSHIP_DEALER))

    assert standard == [creative_id]
    assert flagship == []
    assert opened.status_code == 404
    assert json_of(opened)["code"] == "creative_not_found"
    notified = told.recipients_of(NotificationKind.CREATIVE_PUBLISHED)
    assert "aurora-dealer-1" in notified
    assert not notified & {"aurora-dealer-2", "aurora-dealer-5"}


def test_the_uploaded_image_gets_previews_listed_with_the_creative(library):
    creative_id = library.publish()

    listed = library.search(library.manager)["items"][0]

    assert listed["creative_id"] == creative_id
    assert listed["status"] == "published"
    previews = listed["current_version"]["preview_urls"]
    assert set(previews) == {"320", "1024"}
    preview = Image.open(io.BytesIO(requests.get(previews["320"], timeout=10).content))
    assert max(preview.size) == 320


def test_a_pending_creative_is_listed_to_managers_and_hidden_from_dealers(library):
    registered = library.register()
    creative_id = registered["creative"]["creative_id"]

    assert library.found_ids(library.manager) == [creative_id]
    assert library.found_ids(library.dealer(STANDARD_DEALER)) == []
    assert registered["creative"]["status"] == "pending"
    assert registered["upload"]["fields"]["key"].endswith("/v1/original")


def test_filters_sorting_and_paging(library):
    x5 = library.publish(title="Баннер X5", car_model="X5", channel="digital",
                         tags=["лето"])
    library.publish(title="Радиоролик X3", car_model="X3", channel="radio",
                    format={"duration_seconds": 30})
    library.publish(title="Афиша X5", car_model="X5", channel="outdoor")

    by_filters = library.found_ids(library.manager,
                                   "?model=X5&channel=digital&tag=лето")
    by_format = library.search(library.manager, "?format=30s")["items"]
    first = library.search(library.manager, "?sort=title&limit=2")
    rest = library.search(library.manager,
                          f"?sort=title&limit=2&cursor={first['next_cursor']}")

    assert by_filters == [x5]
    assert [c["title"] for c in by_format] == ["Радиоролик X3"]
    titles = [c["title"] for c in first["items"] + rest["items"]]
    assert titles == ["Афиша X5", "Баннер X5", "Радиоролик X3"]
    assert rest["next_cursor"] is None


def test_a_dealer_does_not_see_an_expired_creative(library):
    library.publish(title="Старый баннер", valid_from="2020-01-01",
                    valid_to="2020-12-31")

    assert library.found_ids(library.dealer(STANDARD_DEALER)) == []
    assert library.found_ids(library.manager, "?valid_now=true") == []
    assert len(library.found_ids(library.manager)) == 1


def test_the_download_carries_the_original_name_and_is_counted(library):
    creative_id = library.publish()
    dealer = library.dealer(STANDARD_DEALER)

    reply = library.client.http.get(f"/v1/creatives/{creative_id}/download",
                                    headers=dealer)
    link = json_of(reply)
    got = requests.get(link["url"], timeout=10)
    detail = json_of(library.client.http.get(f"/v1/creatives/{creative_id}",
                                             headers=library.manager))

    assert reply.status_code == 200
    assert link["file_name"] == "Баннер лето 2026.jpg"
    assert got.content == jpeg()
    assert got.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''%D0%91%D0%B0%D0%BD%D0%BD%D0%B5%D1%80%20%D0%BB%D0%B5%D1%82"
        "%D0%BE%202026.jpg")
    assert detail["downloads"] == {"total": 1, "users": 1, "dealers": 1}


def test_a_new_file_makes_a_new_version_and_keeps_history(library, told):
    creative_id = library.publish()

    reply = library.client.http.post(
        f"/v1/creatives/{creative_id}/versions", headers=library.manager,
        body=json.dumps({"file_name": "Баннер v2.jpg", "content_type": "image/jpeg",
                         "size": 40_000}))
    library.upload(json_of(reply))
    detail = json_of(library.client.http.get(f"/v1/creatives/{creative_id}",
                                             headers=library.manager))
    old = library.client.http.get(f"/v1/creatives/{creative_id}/download?version=1",
                                  headers=library.manager)

    assert reply.status_code == 201
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert detail["current_version"]["file_name"] == "Баннер v2.jpg"
    assert json_of(old)["file_name"] == "Баннер лето 2026.jpg"
    assert [n.kind for n in told.notices] == [NotificationKind.CREATIVE_PUBLISHED,
                                              NotificationKind.CREATIVE_UPDATED]


def test_patch_changes_the_description_and_the_search_follows(library):
    creative_id = library.publish(title="Баннер")
    version = json_of(library.client.http.get(f"/v1/creatives/{creative_id}",
                                              headers=library.manager))["version"]

    patched = library.client.http.patch(
        f"/v1/creatives/{creative_id}", headers=library.manager,
        body=json.dumps({"version": version, "title": "Листовка осенняя"}))
    stale = library.client.http.patch(
        f"/v1/creatives/{creative_id}", headers=library.manager,
        body=json.dumps({"version": version, "title": "Другое"}))

    assert patched.status_code == 200
    assert stale.status_code == 409
    assert library.found_ids(library.manager, "?q=листовки") == [creative_id]
    assert library.found_ids(library.manager, "?q=баннер") == []


def test_validity_that_ends_before_it_starts_is_a_rule_violation(library):
    body = {"title": "Баннер", "valid_from": "2026-07-01", "valid_to": "2026-06-01",
            "file": {"file_name": "a.jpg", "content_type": "image/jpeg", "size": 1}}

    reply = library.client.http.post("/v1/creatives", headers=library.manager,
                                     body=json.dumps(body))

    assert reply.status_code == 422
    assert json_of(reply)["code"] == "invalid_validity"
    assert library.found_ids(library.manager) == []


def test_a_dealer_user_may_not_register_or_change_creatives(library):
    creative_id = library.publish()
    dealer = {**library.dealer(STANDARD_DEALER), "Content-Type": "application/json"}
    body = {"title": "Мой баннер",
            "file": {"file_name": "a.jpg", "content_type": "image/jpeg", "size": 1}}

    created = library.client.http.post("/v1/creatives", headers=dealer,
                                       body=json.dumps(body))
    patched = library.client.http.patch(f"/v1/creatives/{creative_id}",
                                        headers=dealer,
                                        body=json.dumps({"version": 1, "title": "x"}))

    assert created.status_code == 403
    assert patched.status_code == 403


@pytest.mark.parametrize("path", ["", "/download"])
def test_another_dealers_and_another_brands_token_get_not_found(library, path):
    creative_id = library.publish(
        audience={"kind": "dealers", "values": [STANDARD_DEALER]})
    url = f"/v1/creatives/{creative_id}{path}"

    own = library.client.http.get(url, headers=library.dealer(STANDARD_DEALER))
    other_dealer = library.client.http.get(url,
                                           headers=library.dealer(BOUTIQUE_DEALER))
    other_brand = library.client.http.get(
        url, headers=library.auth(Role.IMPORTER_ADMIN, brand="taiga"))

    assert own.status_code == 200
    assert other_dealer.status_code == other_brand.status_code == 404


def test_another_brands_search_never_lists_the_creative(library):
    library.publish()

    assert library.found_ids(library.auth(Role.IMPORTER_ADMIN, brand="taiga")) == []


def test_a_placement_names_only_a_creative_its_dealer_sees(library):
    seen = library.publish(**FOR_STANDARD)
    unseen = library.publish(audience={"kind": "category", "values": ["flagship"]})
    dealer = {**library.dealer(STANDARD_DEALER), "Content-Type": "application/json"}
    starts_on = datetime.now(UTC).date() + timedelta(days=3)

    def plan(creative_id: str) -> Any:
        body = {"dealer_code": STANDARD_DEALER, "channel_id": "outdoor",
                "title": "Баннеры у салона", "starts_on": starts_on.isoformat(),
                "ends_on": (starts_on + timedelta(days=5)).isoformat(),
                "cost": {"amount": "40000.00", "currency": "RUB"},
                "creative_id": creative_id}
        return library.client.http.post("/v1/placements", headers=dealer,
                                        body=json.dumps(body))

    named = plan(seen)
    refused = [plan(unseen), plan("cr-does-not-exist")]
    placement = json_of(named)
    changed = library.client.http.patch(
        f"/v1/placements/{placement['placement_id']}", headers=dealer,
        body=json.dumps({"version": placement["version"], "creative_id": unseen}))
    listed = json_of(library.client.http.get(
        f"/v1/placements?dealer={STANDARD_DEALER}", headers=dealer))["items"]

    assert named.status_code == 201 and placement["creative_id"] == seen
    assert [r.status_code for r in refused] == [422, 422]
    assert {json_of(r)["code"] for r in refused} == {"unknown_creative"}
    assert changed.status_code == 422
    assert [p["creative_id"] for p in listed] == [seen]


def test_a_placement_keeps_its_creative_after_the_creative_leaves_its_audience(
        library):
    creative_id = library.publish(**FOR_STANDARD)
    dealer = {**library.dealer(STANDARD_DEALER), "Content-Type": "application/json"}
    starts_on = datetime.now(UTC).date() + timedelta(days=3)
    body = {"dealer_code": STANDARD_DEALER, "channel_id": "outdoor",
            "title": "Баннеры у салона", "starts_on": starts_on.isoformat(),
            "ends_on": (starts_on + timedelta(days=5)).isoformat(),
            "cost": {"amount": "40000.00", "currency": "RUB"},
            "creative_id": creative_id}
    placement = json_of(library.client.http.post("/v1/placements", headers=dealer,
                                                 body=json.dumps(body)))
    version = json_of(library.client.http.get(f"/v1/creatives/{creative_id}",
                                              headers=library.manager))["version"]
    narrowed = library.client.http.patch(
        f"/v1/creatives/{creative_id}", headers=library.manager,
        body=json.dumps({"version": version,
                         "audience": {"kind": "category", "values": ["flagship"]}}))

    # The dealer's form sends every field back, the creative unchanged.
    retitled = library.client.http.patch(
        f"/v1/placements/{placement['placement_id']}", headers=dealer,
        body=json.dumps({"version": placement["version"], "title": "Баннеры у входа",
                         "creative_id": creative_id}))

    assert narrowed.status_code == 200, narrowed.body
    assert retitled.status_code == 200, retitled.body
    assert json_of(retitled)["title"] == "Баннеры у входа"
    assert json_of(retitled)["creative_id"] == creative_id
