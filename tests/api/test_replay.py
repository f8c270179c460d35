"""Replay: every event handler of the app gets each of its events three
times, shuffled, and the stored state equals what one delivery leaves.

The handlers come from the app itself (its SQS and schedule declarations and
its webhook routes), so a new handler without a replay case fails
`test_every_event_handler_has_a_replay_case`. Each case builds a real world
on the demo brands through the API and the emulator: the events are the
messages the producers really sent (S3 ObjectCreated notifications of
uploaded objects, job messages, bonus batches), a scheduled event, or a
webhook call. While the world is built, the placement followers (bonus
facts and analytics recomputed after each placement step) are muted to keep
the module fast; they are live again for every delivery. The world is
saved; the events are delivered once and the state observed; the world is
put back; the same events are delivered three times each in a shuffled
order (`random.Random(9)`), from a cold start, and the state observed
again. Compared: every DynamoDB item (audit entries,
ledger lines, photo hashes and notification feed included), every object in
the buckets with its tags, every message left in the queues, and the mail
moto's SES accepted (see tests/api/replay.py for what is masked, and why).
"""

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
import requests
from chalice.app import SQSEventConfig
from chalice.local import LambdaContext
from chalice.test import Client

import app
from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.bonus.facts import ModelSales, PlacementFacts, ReportState
from chalicelib.integrations.distributor import DistributorAccess, DistributorPlatform
from chalicelib.jobs.model import JobStatus
from chalicelib.media.s3 import S3PhotoObjects
from chalicelib.placements.ports import EveryFollower
from chalicelib.settings import bucket_name, resource_name
from devstack.photo_samples import jpeg, sample_image
from tests.api import test_bonus as bonus_steps
from tests.api.conftest import json_of
from tests.api.placements_helpers import Desk, FixedClock
from tests.api.replay import Emulator, State, batch_size_of, event_handlers
from tests.api.test_call_tracking import give_cabinet
from tests.api.test_creatives import FOR_STANDARD, Library
from tests.api.test_creatives import jpeg as creative_jpeg
from tests.api.test_imports import start as start_import
from tests.api.test_imports import upload as upload_sheet
from tests.api.test_imports import xlsx
from tests.api.test_photos import post_file
from tests.fake_sources.calls import call
from tests.fake_sources.calls import request as lead_request
from tests.fake_sources.distributor import FakeDistributor

SEED = 9
TIMES = 3
JSON = {"Content-Type": "application/json"}
PERIOD = bonus_steps.PERIOD
DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Replay:
    """A handler's events and the parts of the state one delivery changes."""

    events: list[Any]
    changes: set[str]
    """Words that name parts (`photo-hashes`, `queue(...)`, `mail`): each
    must be in a changed part's name, so the case is not empty."""


@dataclass
class World:
    client: Any
    auth: Callable[..., dict[str, str]]
    clock: FixedClock
    emulator: Emulator
    desk: Desk
    closing: list[Callable[[], None]] = field(default_factory=list)

    @property
    def manager(self) -> dict[str, str]:
        return {**self.auth(Role.IMPORTER_MANAGER), **JSON}

    def post(self, path: str, body: Any, status: int, headers: Any = None) -> Any:
        reply = self.client.http.post(path, headers=headers or self.manager,
                                      body=json.dumps(body))
        assert reply.status_code == status, (path, reply.status_code, reply.body)
        return json_of(reply)


# --- the cases, one per handler --------------------------------------------


def photos(world: World) -> Replay:
    """Three photos of two placements: a pair proving the first report, and
    the same picture again on the second (a duplicate to flag and tell)."""
    wiring.use(photo_objects=S3PhotoObjects(boto3.client("s3"),
                                              resources.PHOTOS.name))
    world.clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=UTC))
    first = world.desk.approved(starts_on="2026-05-10", ends_on="2026-05-26")
    second = world.desk.approved(starts_on="2026-05-12", ends_on="2026-05-26")
    picture = sample_image("astronaut")
    uploads = [(first, picture), (first, picture.rotate(90, expand=True)),
               (second, picture)]
    for placement, image in uploads:
        path = f"/v1/placements/{placement['placement_id']}/report/photos"
        ticket = world.post(path, {"file_name": "Билборд.jpg",
                                   "content_type": "image/jpeg", "size": 200_000},
                            201, {**world.desk.dealer, **JSON})
        post_file(ticket, jpeg(image))
    events = world.emulator.take_messages(resources.PHOTOS_QUEUE.name)
    return Replay(events, {"photos", "photo-hashes", "reports", "notifications",
                           "mail"})


def creatives(world: World) -> Replay:
    """Two creatives uploaded: one for standard dealers, one for everyone."""
    library = Library(world.client, world.auth)
    for fields in (FOR_STANDARD, {}):
        form = library.register(**fields)["upload"]
        sent = requests.post(form["url"], data=form["fields"], timeout=10,
                             files={"file": ("x.jpg", creative_jpeg(), "image/jpeg")})
        assert sent.status_code in (200, 204)
    events = world.emulator.take_messages(resources.CREATIVE_UPLOADS.name)
    return Replay(events, {"creatives", "notifications", "mail", "bucket"})


def imports(world: World) -> Replay:
    """A targets workbook and a sales file uploaded for import."""
    targets = json_of_ok(start_import(world.client, world.manager))
    upload_sheet(targets, xlsx([["dealer_code", "period", "units"],
                                ["AUR-MSK-01", PERIOD, 12], ["AUR-KGD-01", PERIOD, 4]]))
    sales = json_of_ok(start_import(world.client, world.manager, kind="sales",
                                    file_name="sales.csv"))
    upload_sheet(sales, b"dealer_code,model,date,units,revenue\n"
                        b"AUR-MSK-01,X5,2026-11-02,2,5400000.00\n")
    events = world.emulator.take_messages(resources.IMPORT_UPLOADS.name)
    return Replay(events, {"imports", "jobs", queue("jobs")})


def jobs(world: World) -> Replay:
    """Three kinds of job: a distributor sync, an import and a bonus preview."""
    world.clock.set(DECEMBER)
    platform = distributor(world)
    platform.sales = [{"dealer_code": "AUR-MSK-01", "model": "Aurora X5",
                       "date": "2026-11-02", "units": 2, "revenue": "5400000.00"}]
    world.post("/v1/integrations/distributor/sync", {"period": PERIOD}, 202)
    targets = json_of_ok(start_import(world.client, world.manager))
    upload_sheet(targets, xlsx([["dealer_code", "period", "units"],
                                ["AUR-KGD-01", PERIOD, 4]]))
    deliver_all(world, "import_uploads", resources.IMPORT_UPLOADS.name)
    published_program(world)
    world.post("/v1/bonus-runs", {"period": PERIOD, "kind": "preview"}, 202)
    events = world.emulator.take_messages(resources.JOBS.name)
    assert len(events) == 3
    return Replay(events, {"jobs", "sales", "targets", "bonus",
                           queue("bonus-batches")})


def bonus_batches(world: World) -> Replay:
    """The batches of a final run of a closed period, with facts to pay."""
    world.clock.set(DECEMBER)
    record_facts()
    published_program(world)
    world.client.http.post(f"/v1/periods/{PERIOD}/close", headers=world.manager)
    world.post("/v1/bonus-runs", {"period": PERIOD, "kind": "final"}, 202)
    deliver_all(world, "run_jobs", resources.JOBS.name)
    events = world.emulator.take_messages(resources.BONUS_BATCHES.name)
    assert len(events) >= 2
    return Replay(events, {"bonus", queue("jobs")})


def bi_exports(world: World) -> Replay:
    """An export of the period to the BI bucket."""
    world.clock.set(DECEMBER)
    record_facts()
    world.post("/v1/exports", {"period": PERIOD}, 202)
    events = world.emulator.take_messages(resources.EXPORT_JOBS.name)
    return Replay(events, {"exports", "jobs", f"bucket {bucket_name('bi')}"})


def report_deadlines(world: World) -> Replay:
    """One report past its deadline, another three days before its own."""
    world.desk.approved(starts_on="2026-05-05", ends_on="2026-05-12")
    world.desk.approved(starts_on="2026-05-10", ends_on="2026-05-26")
    world.clock.set(datetime(2026, 5, 28, 9, 0, tzinfo=UTC))
    world.emulator.empty_queues()
    return Replay([scheduled("lock_report_deadlines", world.clock.now)],
                  {"reports", "audit", "notifications", "mail"})


def due_periods(world: World) -> Replay:
    """Aurora's close day (the 7th) for November, with a published program."""
    world.clock.set(DECEMBER)
    published_program(world)
    world.clock.set(datetime(2026, 12, 7, 7, 0, tzinfo=UTC))
    return Replay([scheduled("close_due_periods", world.clock.now)],
                  {"periods", "bonus-runs", queue("bonus-batches")})


def stalled_runs(world: World) -> Replay:
    """A preview run whose batches were lost, two hours later."""
    world.clock.set(DECEMBER)
    published_program(world)
    world.post("/v1/bonus-runs", {"period": PERIOD, "kind": "preview"}, 202)
    deliver_all(world, "run_jobs", resources.JOBS.name)
    world.emulator.empty_queues()
    world.clock.advance(hours=2)
    return Replay([scheduled("fail_stalled_bonus_runs", world.clock.now)],
                  {"bonus-runs"})


def abandoned_jobs(world: World) -> Replay:
    """A sync job whose worker died half an hour ago."""
    world.clock.set(DECEMBER)
    started = world.post("/v1/integrations/distributor/sync", {"period": PERIOD},
                         202)
    job = wiring.jobs().get(started["job_id"])
    assert job is not None
    wiring.jobs().save(job.changed(status=JobStatus.RUNNING),
                       expected_version=job.version)
    world.emulator.empty_queues()
    world.clock.advance(minutes=30)
    return Replay([scheduled("fail_abandoned_jobs", world.clock.now)], {"jobs"})


def nightly_syncs(world: World) -> Replay:
    world.clock.set(datetime(2026, 12, 4, 1, 0, tzinfo=UTC))
    return Replay([scheduled("nightly_syncs", world.clock.now)],
                  {"jobs", queue("jobs")})


def nightly_exports(world: World) -> Replay:
    world.clock.set(datetime(2026, 12, 4, 4, 0, tzinfo=UTC))
    return Replay([scheduled("nightly_exports", world.clock.now)],
                  {"exports", queue("export-jobs")})


def webhooks(world: World) -> Replay:
    """Two calls and an online request pushed by Calltouch for one dealer."""
    give_cabinet("aurora", "AUR-MSK-01", "4401", "msk-secret")
    pushed = [call(101, "2026-11-03T10:15:00"), call(102, "2026-11-04T12:00:00"),
              lead_request(501, "2026-11-03T11:00")]
    return Replay(pushed, {"leads", "summaries"})


CASES: dict[str, Callable[[World], Replay]] = {
    "process_photos": photos,
    "process_creative_uploads": creatives,
    "import_uploads": imports,
    "run_jobs": jobs,
    "run_bonus_batches": bonus_batches,
    "run_export_jobs": bi_exports,
    "lock_report_deadlines": report_deadlines,
    "close_due_periods": due_periods,
    "fail_stalled_bonus_runs": stalled_runs,
    "fail_abandoned_jobs": abandoned_jobs,
    "nightly_syncs": nightly_syncs,
    "nightly_exports": nightly_exports,
    "take_webhook": webhooks,
}


# --- the tests ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(emulator: str) -> dict[str, Any]:
    """The demo brands loaded once for the module and saved: each case
    starts from this world put back, not from a new seed."""
    from devstack import bootstrap
    from devstack.seed import seed

    requests.post(f"{emulator}/moto-api/reset", timeout=10).raise_for_status()
    bootstrap.create_all()
    wiring.reset()
    seed()
    return Emulator().save()


@pytest.fixture
def client(seeded: dict[str, Any]) -> Iterator[Client]:
    """The app's test client on the seeded world (shadows tests/api's)."""
    Emulator().put_back(seeded)
    wiring.reset()
    with Client(app.app, stage_name="test") as test_client:
        yield test_client
    wiring.reset()


def test_every_event_handler_has_a_replay_case():
    assert set(event_handlers(app.app)) == set(CASES)


@pytest.mark.parametrize("handler", sorted(CASES))
def test_events_delivered_three_times_shuffled_leave_what_one_delivery_leaves(
        handler, client, auth):
    # given: a world with the handler's events, saved
    world = new_world(client, auth)
    real_followers = wiring.placement_followers()
    wiring.use(placement_followers=EveryFollower(()))
    replay = CASES[handler](world)
    wiring.use(placement_followers=real_followers)
    kind = event_handlers(app.app)[handler]
    emulator = world.emulator
    emulator.empty_queues() if kind != "queue" else None
    saved, before = emulator.save(), emulator.observe(len(emulator.mail()))

    # when: delivered once; then, from the same world, three times shuffled
    once = observe_delivery(world, handler, kind, list(replay.events))
    emulator.put_back(saved)
    thrice = list(replay.events) * TIMES
    random.Random(SEED).shuffle(thrice)
    replayed = observe_delivery(world, handler, kind, thrice)

    # then
    changed = once.changed_from(before)
    missing = {word for word in replay.changes
               if not any(word in part for part in changed)}
    assert not missing, (missing, sorted(changed))
    differences = replayed.differences(once)
    assert not differences, json.dumps(differences, indent=1, ensure_ascii=False)
    for closing in world.closing:
        closing()


# --- delivering ---------------------------------------------------------------


def observe_delivery(world: World, handler: str, kind: str, events: list[Any]
                     ) -> State:
    mail_before = len(world.emulator.mail())
    deliverers: dict[str, Callable[[World, str, list[Any]], None]] = {
        "queue": deliver_messages, "schedule": deliver_schedule,
        "webhook": deliver_webhooks}
    deliver = deliverers[kind]
    deliver(world, handler, events)
    return world.emulator.observe(mail_before)


def deliver_messages(world: World, handler: str, bodies: list[str]) -> None:
    """As Lambda's SQS poller would: batches of the declared size, a message
    never twice in one batch, the same message id on each redelivery."""
    ids = {body: f"replay-{n}" for n, body in enumerate(dict.fromkeys(bodies))}
    size = batch_size_of(app.app, handler)
    batches: list[list[str]] = []
    for body in bodies:
        if not batches or len(batches[-1]) == size or body in batches[-1]:
            batches.append([])
        batches[-1].append(body)
    for batch in batches:
        records = [sqs_record(ids[body], body, handler) for body in batch]
        response = getattr(app, handler)({"Records": records}, context(handler))
        assert not (response or {}).get("batchItemFailures"), (handler, response)


def deliver_schedule(world: World, handler: str, events: list[dict]) -> None:
    for event in events:
        getattr(app, handler)(event, context(handler))


def deliver_webhooks(world: World, handler: str, payloads: list[dict]) -> None:
    for payload in payloads:
        reply = world.client.http.post(
            "/v1/webhooks/calltouch/AUR-MSK-01?secret=msk-secret",
            body=json.dumps(payload), headers=JSON)
        assert reply.status_code == 200, reply.body


def deliver_all(world: World, handler: str, queue: str) -> None:
    """Setup only: hand every waiting message of `queue` to its handler."""
    bodies = world.emulator.take_messages(queue)
    if bodies:
        deliver_messages(world, handler, bodies)


def sqs_record(message_id: str, body: str, handler: str) -> dict[str, Any]:
    queue = next(c.queue for c in app.app.event_sources
                 if isinstance(c, SQSEventConfig) and c.name == handler)
    return {"messageId": message_id, "receiptHandle": f"handle-{message_id}",
            "body": body, "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:eu-central-1:123456789012:{queue}",
            "awsRegion": "eu-central-1"}


def scheduled(handler: str, moment: datetime) -> dict[str, Any]:
    """An EventBridge scheduled event: redelivered, it keeps its id."""
    return {"version": "0", "id": f"replay-{handler}", "detail-type":
            "Scheduled Event", "source": "aws.events", "account": "123456789012",
            "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "eu-central-1",
            "resources": [f"arn:aws:events:eu-central-1:123456789012:rule/{handler}"],
            "detail": {}}


def context(handler: str) -> LambdaContext:
    return LambdaContext(function_name=f"dmm-{handler}", memory_size=1024,
                         max_runtime_ms=900_000)


# --- building worlds -----------------------------------------------------------


def new_world(client: Any, auth: Callable[..., dict[str, str]]) -> World:
    clock = FixedClock()
    wiring.use(clock=clock)
    return World(client, auth, clock, Emulator(), Desk(client, auth, clock))


def distributor(world: World) -> FakeDistributor:
    fake = FakeDistributor()
    fake.server.__enter__()
    world.closing.append(lambda: fake.server.__exit__(None, None, None))
    access = DistributorAccess(fake.server.url, fake.token)
    wiring.use(distributor_platforms=lambda brand_id: (
        DistributorPlatform(access) if brand_id == "aurora" else None))
    return fake


def published_program(world: World) -> None:
    program = bonus_steps.create(world.client, world.auth)
    bonus_steps.publish(world.client, world.auth, program)


def record_facts() -> None:
    """Sales and placement facts of two Kaliningrad dealers (as test_bonus)."""
    recorder = wiring.bonus_facts()
    placement = PlacementFacts(
        placement_id="pl-kgd-1", channel="outdoor", cost=Decimal("120000"),
        approved_amount=Decimal("100000"), mandatory=True,
        report_state=ReportState.ACCEPTED_LATE, due_at=bonus_steps.DUE,
        submitted_at=datetime(2026, 12, 6, tzinfo=UTC))
    recorder.record_sales("aurora", PERIOD, "AUR-KGD-01",
                          [ModelSales("Aurora X5", 9, Decimal("27000000"))], 10)
    recorder.record_placements("aurora", PERIOD, "AUR-KGD-01", [placement],
                               Decimal("400000"))
    recorder.record_sales("aurora", PERIOD, "AUR-KGD-02",
                          [ModelSales("Aurora X5", 12, Decimal("36000000"))], 10)


def queue(kind: str) -> str:
    """The name of a queue's part of the state."""
    return f"queue {resource_name(kind)}"


def json_of_ok(reply: Any) -> Any:
    assert reply.status_code in (200, 201), reply.body
    return json_of(reply)

