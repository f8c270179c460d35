"""The main write paths under faults at the AWS boundary (tests/boundary_faults.py):
throttled once, a request is retried by botocore and stored once; throttled
past the retries it answers 503 `service_unavailable` with `Retry-After`; a
cancelled transaction is a 409; and read back, the tables hold all of a
change or none of it."""

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

import app
from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.channels.model import ProofKind
from chalicelib.integrations.distributor import DistributorAccess, DistributorPlatform
from chalicelib.integrations.httpjson import JsonClient, RateLimiter
from chalicelib.jobs import service as jobs
from chalicelib.jobs.service import INTERNAL_FAILURE
from chalicelib.media.s3 import S3PhotoObjects
from chalicelib.settings import resource_name
from chalicelib.tables import MODELS
from devstack.events import run_scheduled
from devstack.photo_samples import jpeg, sample_image
from tests.api import test_bonus_money as money
from tests.api import test_imports as imports
from tests.api.conftest import json_of
from tests.api.test_creatives import run_uploads_queue
from tests.api.test_photos import post_file
from tests.boundary_faults import (
    SESSION_INJECTED,
    FaultInjector,
    condition_failed,
    connection_lost,
    dynamodb_error,
    dynamodb_throttling,
    install,
    on_table,
    read_timeout,
    s3_internal_error,
    slow_down,
    throttled,
)
from tests.fake_sources.distributor import FakeDistributor
from tests.fake_sources.loopback import Reply
from tests.integration.test_photo_processing import drain

JSON = {"Content-Type": "application/json"}
PERIOD = "2026-05"
# Tables a request writes as a side note, not as part of a change.
BOOKKEEPING = {resource_name("idempotency")}


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    """Prints the faults injected by kind (seen with `pytest -s`)."""
    yield
    print(f"\nfaults injected at the AWS boundary: {dict(SESSION_INJECTED)}")


@pytest.fixture
def faults(desk: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultInjector]:
    injector = install(monkeypatch)
    yield injector
    injector.clear()


def stored() -> dict[str, set[str]]:
    """Every item's key in every table of the app, read past the injector
    (a scan is never faulted)."""
    dynamodb = boto3.client("dynamodb")
    keys: dict[str, set[str]] = {}
    for model in MODELS:
        table = model.Meta.table_name
        if table in BOOKKEEPING:
            continue
        pages = dynamodb.get_paginator("scan").paginate(TableName=table)
        keys[table] = {
            json.dumps({name: item[name] for name in _key_names(model)},
                       sort_keys=True)
            for page in pages for item in page["Items"]
        }
    return keys


def added(before: dict[str, set[str]], after: dict[str, set[str]]) -> dict[str, int]:
    """How many items each table gained (tables that did not change left out)."""
    return {table.removeprefix(resource_name("")): len(after[table] - before[table])
            for table in after if after[table] != before[table]}


def _key_names(model: Any) -> list[str]:
    return [attribute.attr_name for attribute in model.get_attributes().values()
            if attribute.is_hash_key or attribute.is_range_key]


def placement_body(desk: Any) -> dict[str, Any]:
    return {"dealer_code": desk.dealer_code, "channel_id": "outdoor",
            "title": "Билборды на Московском проспекте",
            "starts_on": "2026-05-10", "ends_on": "2026-05-26",
            "cost": {"amount": "125000.50", "currency": "RUB"}}


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.body
    body = json_of(response)
    assert body["code"] == "service_unavailable"
    assert body["details"] == {"retry_after_seconds": 5}
    assert response.headers["Retry-After"] == "5"


# ---- placements -------------------------------------------------------------

def test_a_placement_throttled_once_is_stored_once_after_botocore_retries(
    desk, faults
):
    before = stored()
    faults.add(throttled("TransactWriteItems", times=1))

    created = desk.call("POST", "/v1/placements", desk.dealer, placement_body(desk))

    assert created.status_code == 201, created.body
    assert faults.injected["ProvisionedThroughputExceededException"] == 1
    assert len(faults.waits) == 1
    # The change and what follows it (bonus facts, the dealer's summary).
    assert added(before, stored()) == {"placements": 1, "audit": 1,
                                       "bonus-facts": 1, "dealer-summaries": 1}


def test_a_placement_throttled_past_the_retries_is_a_503_and_stores_nothing(
    desk, faults
):
    before = stored()
    faults.add(throttled("TransactWriteItems", times=None))

    created = desk.call("POST", "/v1/placements", desk.dealer, placement_body(desk))

    assert_unavailable(created)
    # PynamoDB's standard retry mode: the first attempt and three retries.
    assert faults.calls["dynamodb.TransactWriteItems"] == 4
    assert added(before, stored()) == {}


def test_a_503_placement_retried_with_its_idempotency_key_is_created_once(
    desk, faults
):
    headers = {**desk.dealer, "Idempotency-Key": "mobile-retry-1"}
    fault = faults.add(throttled("TransactWriteItems", times=None))

    first = desk.call("POST", "/v1/placements", headers, placement_body(desk))
    fault.times = 0
    second = desk.call("POST", "/v1/placements", headers, placement_body(desk))
    third = desk.call("POST", "/v1/placements", headers, placement_body(desk))
    listed = desk.ok("GET", f"/v1/placements?dealer={desk.dealer_code}"
                            f"&period={PERIOD}", desk.dealer)

    assert_unavailable(first)
    assert (second.status_code, third.status_code) == (201, 201), second.body
    assert json_of(second) == json_of(third)
    assert [p["placement_id"] for p in listed["items"]] == [
        json_of(second)["placement_id"]]


def test_a_submit_whose_transaction_is_cancelled_is_a_409_and_reserves_nothing(
    desk, faults
):
    placement = desk.placement()
    before = stored()
    calls = faults.calls["dynamodb.TransactWriteItems"]
    faults.add(condition_failed(items=4))

    submitted = desk.act(placement, "submit", desk.dealer)

    assert submitted.status_code == 409, submitted.body
    assert json_of(submitted)["code"] == "stale_version"
    # A failed condition is an answer, not a passing fault: never retried.
    assert faults.calls["dynamodb.TransactWriteItems"] == calls + 1
    assert added(before, stored()) == {}
    assert desk.ok("GET", f"/v1/placements/{placement['placement_id']}",
                   desk.dealer)["status"] == "draft"


def test_a_submit_throttled_past_the_retries_leaves_no_reservation_or_audit(
    desk, faults
):
    placement = desk.placement()
    before = stored()
    faults.add(throttled("TransactWriteItems", times=None))

    submitted = desk.act(placement, "submit", desk.dealer)
    budget = desk.ok("GET", f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}",
                     desk.manager)

    assert_unavailable(submitted)
    assert added(before, stored()) == {}
    assert budget["total"]["reserved"]["amount"] in ("0", "0.00")


def test_a_submit_after_a_lost_connection_reserves_the_budget_once(desk, faults):
    placement = desk.placement()
    before = stored()
    faults.add(connection_lost("dynamodb", "TransactWriteItems", times=2))

    submitted = desk.act(placement, "submit", desk.dealer)

    assert submitted.status_code == 200, submitted.body
    assert faults.injected["connection lost"] == 2
    # One reservation; the brand's managers each get one notification.
    assert added(before, stored()) == {"ledger": 1, "audit": 1,
                                       "notification-events": 1,
                                       "notifications": 4}


def test_an_update_throttled_past_the_retries_keeps_the_stored_version(
    desk, faults
):
    placement = desk.placement()
    path = f"/v1/placements/{placement['placement_id']}"
    faults.add(throttled("TransactWriteItems", times=None))

    changed = desk.call("PATCH", path, desk.dealer,
                        {"version": placement["version"], "title": "Радио"})
    faults.clear()
    read_back = desk.ok("GET", path, desk.dealer)

    assert_unavailable(changed)
    assert (read_back["title"], read_back["version"]) == (placement["title"],
                                                          placement["version"])


# ---- reports ----------------------------------------------------------------

def test_a_report_submit_throttled_past_the_retries_stays_open(desk, faults):
    placement = desk.approved()
    desk.photos(placement, 2)
    report = desk.report(placement)
    before = stored()
    faults.add(dynamodb_throttling("TransactWriteItems", times=None))

    submitted = desk.report_step(report, "submit", desk.dealer)
    faults.clear()

    assert_unavailable(submitted)
    assert added(before, stored()) == {}
    assert desk.report(placement)["status"] == "open"


def test_a_report_submit_throttled_once_is_submitted(desk, faults):
    placement = desk.approved()
    desk.photos(placement, 2)
    report = desk.report(placement)
    faults.add(dynamodb_throttling("TransactWriteItems", times=1))

    submitted = desk.report_step(report, "submit", desk.dealer)

    assert submitted.status_code == 200, submitted.body
    assert desk.report(placement)["status"] == "submitted"


# ---- budgets ----------------------------------------------------------------

def test_a_budget_plan_throttled_past_the_retries_is_not_stored(desk, faults):
    path = f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}"
    plan = {"lines": [{"channel_id": "outdoor",
                       "plan": {"amount": "300000.00", "currency": "RUB"}}]}
    faults.add(throttled("PutItem", times=None))

    planned = desk.call("PUT", path, desk.dealer, plan)
    faults.clear()
    read_back = desk.ok("GET", path, desk.dealer)

    assert_unavailable(planned)
    assert (read_back["status"], read_back["version"]) == (None, 0)


def test_a_budget_plan_after_a_read_timeout_is_stored_once(desk, faults):
    path = f"/v1/dealers/{desk.dealer_code}/budgets/{PERIOD}"
    plan = {"lines": [{"channel_id": "outdoor",
                       "plan": {"amount": "300000.00", "currency": "RUB"}}]}
    faults.add(read_timeout("dynamodb", "PutItem", times=1))

    planned = desk.call("PUT", path, desk.dealer, plan)

    assert planned.status_code == 200, planned.body
    assert json_of(planned)["version"] == 1
    assert json_of(planned)["total"]["plan"]["amount"] == "300000.00"


# ---- after the commit ----------------------------------------------------------

def test_a_submit_whose_notifications_fail_is_stored_and_told_by_the_sweep(
    desk, faults
):
    placement = desk.placement()
    before = stored()
    faults.add(on_table(throttled("PutItem", times=None), "notifications"))

    submitted = desk.act(placement, "submit", desk.dealer)
    faults.clear()
    at_once = added(before, stored())
    # The event waits, pending, for the sweep of the quarter-hour job.
    desk.clock.advance(minutes=3)
    run_scheduled(app, "lock_report_deadlines")

    assert submitted.status_code == 200, submitted.body
    assert json_of(submitted)["status"] == "submitted"
    assert at_once == {"ledger": 1, "audit": 1, "notification-events": 1}
    assert added(before, stored()) == {**at_once, "notifications": 4}


# ---- photos -------------------------------------------------------------------

@pytest.fixture
def photos_queue(desk: Any) -> Iterator[str]:
    """S3 photos through the emulator, and the photos queue redelivering a
    failed message after a second instead of six minutes."""
    wiring.use(photo_objects=S3PhotoObjects(boto3.client("s3"), "dmm-test-photos"))
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.PHOTOS_QUEUE.name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "1"})
    yield url


def ask_photo(desk: Any, placement_id: str) -> Any:
    body = {"file_name": "Билборд.jpg", "content_type": "image/jpeg",
            "size": 200_000}
    return desk.call("POST", f"/v1/placements/{placement_id}/report/photos",
                     desk.dealer, body)


def photo_status(desk: Any, photo_id: str) -> str:
    return str(desk.ok("GET", f"/v1/photos/{photo_id}", desk.dealer)["status"])


def proofs(placement: dict) -> tuple[str, ...]:
    report = wiring.placement_ports().store.report(placement["placement_id"])
    assert report is not None
    return report.proofs.get(ProofKind.PHOTO, ())


def test_a_photo_presign_throttled_past_the_retries_stores_no_pending_photo(
    desk, faults, photos_queue
):
    placement = desk.approved()
    before = stored()
    faults.add(on_table(throttled("PutItem", times=None), "photos"))

    asked = ask_photo(desk, placement["placement_id"])

    assert_unavailable(asked)
    assert added(before, stored()) == {}


def test_a_photo_s3_cannot_serve_is_retried_by_the_queue_and_then_processed(
    desk, faults, photos_queue
):
    placement = desk.approved()
    reply = json_of(ask_photo(desk, placement["placement_id"]))
    post_file(reply, jpeg(sample_image("astronaut")))
    faults.add(slow_down("GetObject", times=None))

    drain(app, rounds=1)
    while_failing = photo_status(desk, reply["photo_id"])
    hashes_while_failing = stored()[resource_name("photo-hashes")]
    faults.clear()
    time.sleep(1.2)
    drain(app)

    # boto3's default (standard mode): 3 attempts per delivery.
    assert faults.injected["S3 SlowDown"] == 3
    assert while_failing == "pending"
    assert hashes_while_failing == set()
    assert photo_status(desk, reply["photo_id"]) == "processed"
    assert proofs(placement) == (reply["photo_id"],)


def test_a_processed_photo_whose_proof_count_failed_is_counted_on_redelivery(
    desk, faults, photos_queue
):
    placement = desk.approved()
    reply = json_of(ask_photo(desk, placement["placement_id"]))
    post_file(reply, jpeg(sample_image("astronaut")))
    faults.add(throttled("TransactWriteItems", times=None))

    drain(app, rounds=1)
    while_failing = (photo_status(desk, reply["photo_id"]), proofs(placement))
    faults.clear()
    time.sleep(1.2)
    drain(app)

    assert while_failing == ("processed", ())
    assert proofs(placement) == (reply["photo_id"],)


# ---- integrations ------------------------------------------------------------

NOVEMBER_SALE = {"dealer_code": "AUR-MSK-01", "model": "Aurora X5",
                 "date": "2026-11-02", "units": 2, "revenue": "5400000.00"}


class FaultyDistributor(FakeDistributor):
    """The fake platform, with paths that answer an error status or slowly."""

    def __init__(self) -> None:
        self.failing: dict[str, int] = {}
        self.slow: dict[str, float] = {}
        self.failed: list[str] = []
        super().__init__()

    def _route(self, path: str, query: dict[str, str], headers: dict[str, str]
               ) -> Reply:
        time.sleep(self.slow.get(path, 0))
        if path in self.failing:
            self.failed.append(path)
            return self.failing[path], {"error": "busy"}, {"Retry-After": "0"}
        return super()._route(path, query, headers)


@pytest.fixture
def distributor(client: Any) -> Iterator[FaultyDistributor]:
    fake = FaultyDistributor()
    fake.sales = [NOVEMBER_SALE]
    fake.traffic = [{"dealer_code": "AUR-MSK-01", "date": "2026-11-02",
                     "visits": 100, "calls": 4, "leads": 2}]
    with fake.server:
        yield fake


def use_distributor(fake: FakeDistributor, timeout_seconds: float = 10.0) -> None:
    access = DistributorAccess(fake.server.url, fake.token)
    client = JsonClient("distributor", access.base_url, RateLimiter(100),
                        headers={"Authorization": f"Bearer {access.token}"},
                        retries=2, backoff_seconds=0.01,
                        timeout_seconds=timeout_seconds)
    wiring.use(distributor_platforms=lambda brand_id: (
        DistributorPlatform(access, client) if brand_id == "aurora" else None))


def synced(client: Any, auth: Any) -> dict[str, Any]:
    headers = {**auth(Role.IMPORTER_MANAGER), **JSON}
    started = client.http.post("/v1/integrations/distributor/sync", headers=headers,
                               body=json.dumps({"period": "2026-11"}))
    assert started.status_code == 202, started.body
    job_id = json_of(started)["job_id"]
    jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(), job_id)
    return dict(json_of(client.http.get(f"/v1/jobs/{job_id}", headers=headers)))


def test_a_sync_whose_upstream_answers_503_to_the_traffic_fails_and_stores_no_sales(
    client, auth, distributor
):
    use_distributor(distributor)
    distributor.failing["/v1/traffic"] = 503

    job = synced(client, auth)

    assert job["status"] == "failed"
    assert "'distributor'" in job["errors"][0]
    assert len(distributor.failed) == 3  # the first try and two retries
    assert wiring.sales_and_traffic().sales_of("aurora", "2026-11") == []


def test_a_sync_whose_upstream_is_busy_once_is_retried_and_stores_the_month(
    client, auth, distributor
):
    use_distributor(distributor)
    distributor.server.failures = [502]

    job = synced(client, auth)

    assert job["status"] == "succeeded", job
    assert job["result"]["sales_rows"] == 1
    assert len(wiring.sales_and_traffic().sales_of("aurora", "2026-11")) == 1


def test_a_sync_whose_upstream_times_out_fails_clearly_and_stores_nothing(
    client, auth, distributor
):
    use_distributor(distributor, timeout_seconds=0.2)
    distributor.slow["/v1/sales"] = 0.5

    job = synced(client, auth)

    assert job["status"] == "failed"
    assert "'distributor'" in job["errors"][0]
    assert wiring.sales_and_traffic().sales_of("aurora", "2026-11") == []


# ---- bonus runs ---------------------------------------------------------------

def test_a_publish_cut_off_while_posting_leaves_no_line_and_its_retry_posts_once(
    desk, faults
):
    # given a final run with a compensation and a penalty for the dealer
    placement = money._approved(desk, cost="100000.00", amount="80000.00")
    late = money._late_submitted(desk, placement)
    desk.step(placement, "report/decision", desk.manager,
              decision="accept_with_penalty", reason="Опоздание",
              version=late["version"])
    money._program(desk)
    closed: Any = money._close(desk)
    assert closed.status_code == 200
    run_id = money._run(desk, "final")
    publish = f"/v1/bonus-runs/{run_id}/publish"
    statement = f"/v1/bonus-runs/{run_id}/statements/{desk.dealer_code}"
    faults.add(on_table(throttled("TransactWriteItems", times=None), "ledger"))

    # when the dealer's ledger lines are throttled past the retries
    cut_off = desk.call("POST", publish, desk.manager)
    faults.clear()
    budget_after_cut = money._by_channel(money._budget(desk))
    run_after_cut = desk.ok("GET", f"/v1/bonus-runs/{run_id}", desk.manager)
    dealer_sees = desk.call("GET", statement, desk.dealer)
    retried = desk.ok("POST", publish, desk.manager)

    # then neither line nor the run was published; the retry posts each once
    assert_unavailable(cut_off)
    assert budget_after_cut == {"outdoor": ("0", "0")}
    assert run_after_cut["status"] == "completed"
    assert dealer_sees.status_code == 404
    assert retried["ledger_entries"] == 2
    assert money._by_channel(money._budget(desk)) == {
        "outdoor": ("40000.00", "0"), money.BONUS_CHANNEL: ("0", "5000.00")}


def test_a_publish_whose_ledger_transaction_is_cancelled_for_capacity_is_a_503(
    desk, faults
):
    # given a final run with a compensation and a penalty for the dealer
    placement = money._approved(desk, cost="100000.00", amount="80000.00")
    late = money._late_submitted(desk, placement)
    desk.step(placement, "report/decision", desk.manager,
              decision="accept_with_penalty", reason="Опоздание",
              version=late["version"])
    money._program(desk)
    assert money._close(desk).status_code == 200  # type: ignore[attr-defined]
    run_id = money._run(desk, "final")
    publish = f"/v1/bonus-runs/{run_id}/publish"
    # DynamoDB cancels a transaction it throttles, reason by reason.
    faults.add(on_table(dynamodb_error(
        "TransactWriteItems", "TransactionCanceledException", times=None,
        message="Transaction cancelled [ThrottlingError, None]",
        CancellationReasons=[{"Code": "ThrottlingError"}, {"Code": "None"}]),
        "ledger"))

    # when every ledger transaction is cancelled for capacity
    cut_off = desk.call("POST", publish, desk.manager)
    faults.clear()
    retried = desk.ok("POST", publish, desk.manager)

    # then the client is told to try again, not that the ledger kept changing
    assert_unavailable(cut_off)
    assert retried["ledger_entries"] == 2


def test_a_program_publish_throttled_past_the_retries_is_a_503_not_a_stale_version(
    desk, faults
):
    # given a draft program of the period
    body = {"period": PERIOD, "name": "Май", "rules": money.PROGRAM}
    program = desk.ok("POST", "/v1/programs", desk.manager, body, status=201)
    publish = f"/v1/programs/{program['program_id']}/publish"
    faults.add(throttled("TransactWriteItems", times=None))

    # when its publication is throttled past botocore's retries, then loses
    # a race to another writer, then goes through
    cut_off = desk.call("POST", publish, desk.manager, {"version": program["version"]})
    faults.clear()
    faults.add(condition_failed(items=2))
    raced = desk.call("POST", publish, desk.manager, {"version": program["version"]})
    retried = desk.call("POST", publish, desk.manager, {"version": program["version"]})

    # then the client is told to try again later, a lost race is still a
    # 409, and the same version publishes
    assert_unavailable(cut_off)
    assert raced.status_code == 409, raced.body
    assert json_of(raced)["code"] == "stale_version"
    assert retried.status_code == 200, retried.body


# ---- creatives and imports ----------------------------------------------------

CREATIVE = {"title": "Летний баннер Aurora X5", "car_model": "X5",
            "channel": "outdoor", "format": {"width": 1200, "height": 628},
            "file": {"file_name": "Баннер лето 2026.jpg",
                     "content_type": "image/jpeg", "size": 50_000}}


def test_a_creative_registration_throttled_past_the_retries_stores_no_creative(
    desk, faults
):
    before = stored()
    faults.add(on_table(throttled("PutItem", times=None), "creatives"))

    registered = desk.call("POST", "/v1/creatives", desk.manager, CREATIVE)
    faults.clear()
    listed = desk.ok("GET", "/v1/creatives", desk.manager)

    assert_unavailable(registered)
    # Only the brand's change counter moved (a gap its readers tolerate).
    assert set(added(before, stored())) <= {"creative-changes"}
    assert listed["items"] == []


def test_a_creative_whose_previews_s3_refuses_is_published_on_redelivery(
    desk, faults
):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.CREATIVE_UPLOADS.name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "1"})
    registered = desk.ok("POST", "/v1/creatives", desk.manager, CREATIVE, status=201)
    creative_path = f"/v1/creatives/{registered['creative']['creative_id']}"
    form = registered["upload"]
    posted = requests.post(form["url"], data=form["fields"], timeout=10,
                           files={"file": ("x.jpg", jpeg(sample_image("astronaut")),
                                           "image/jpeg")})
    assert posted.status_code in (200, 204)
    faults.add(slow_down("PutObject", times=None))

    run_uploads_queue()
    while_failing = desk.ok("GET", creative_path, desk.manager)["status"]
    faults.clear()
    time.sleep(1.2)
    run_uploads_queue()

    assert faults.injected["S3 SlowDown"] == 3
    assert while_failing == "pending"
    assert desk.ok("GET", creative_path, desk.manager)["status"] == "published"


def test_an_import_start_throttled_past_the_retries_stores_no_import(desk, faults):
    before = stored()
    faults.add(on_table(throttled("PutItem", times=None), "imports"))

    started = desk.call("POST", "/v1/imports", desk.manager,
                        {"kind": "targets", "file_name": "plan-2026-11.xlsx"})

    assert_unavailable(started)
    assert added(before, stored()) == {}


def test_an_import_whose_file_s3_cannot_serve_fails_its_job_and_stores_no_targets(
    desk, faults
):
    reply = desk.ok("POST", "/v1/imports", desk.manager,
                    {"kind": "targets", "file_name": "plan-2026-11.xlsx"},
                    status=201)
    imports.upload(reply, imports.xlsx([["dealer_code", "period", "units"],
                                        ["AUR-MSK-01", "2026-11", 12]]))
    imports.deliver_uploads()
    faults.add(s3_internal_error("GetObject", times=None))

    with pytest.raises(Exception) as raised:
        imports.run_import(desk.client, desk.manager, reply["import_id"])
    faults.clear()
    found = desk.ok("GET", f"/v1/imports/{reply['import_id']}", desk.manager)
    job = desk.ok("GET", f"/v1/jobs/{found['job_id']}", desk.manager)

    assert "InternalError" in str(raised.value)
    assert (job["status"], job["errors"]) == ("failed", [INTERNAL_FAILURE])
    assert not wiring.targets().targets_of("aurora", "2026-11")
