"""Programs, periods, bonus runs, statements and checklists through the API,
on the emulator with the demo brands. Queues are drained by the app's own
handlers, as the local event runner does."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import boto3
import pytest

from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.bonus.facts import ModelSales, PlacementFacts, ReportState
from chalicelib.bonus.memory import FakeReadiness
from chalicelib.bonus.model import CloseBlocker
from devstack.events import QueueSource, deliver_batch
from tests.api.conftest import json_of
from tests.unit.bonus.conftest import STANDARD_PROGRAM

PERIOD = "2026-11"
DUE = datetime(2026, 12, 5, 21, 0, tzinfo=UTC)
KGD = "AUR-KGD-01"


@pytest.fixture
def readiness(demo):
    fake = FakeReadiness()
    wiring.use(period_readiness=fake)
    return fake


@pytest.fixture
def facts(demo):
    recorder = wiring.bonus_facts()
    placement = PlacementFacts(
        placement_id="pl-kgd-1", channel="outdoor", cost=Decimal("120000"),
        approved_amount=Decimal("100000"), mandatory=True,
        report_state=ReportState.ACCEPTED_LATE, due_at=DUE,
        submitted_at=datetime(2026, 12, 6, tzinfo=UTC),
    )
    recorder.record_sales("aurora", PERIOD, KGD,
                          [ModelSales("Aurora X5", 9, Decimal("27000000"))], 10)
    recorder.record_placements("aurora", PERIOD, KGD, [placement],
                               Decimal("400000"))
    recorder.record_sales("aurora", PERIOD, "AUR-KGD-02",
                          [ModelSales("Aurora X5", 12, Decimal("36000000"))], 10)
    return recorder


def drain(app_module) -> int:
    """Deliver every queued job and bonus batch through the app's handlers."""
    sqs = boto3.client("sqs")
    handled = 0
    sources = [
        (QueueSource("run_jobs", resources.JOBS.name, 1), app_module.run_jobs),
        (QueueSource("run_bonus_batches", resources.BONUS_BATCHES.name, 5),
         app_module.run_bonus_batches),
    ]
    for _ in range(50):
        moved = 0
        for source, handler in sources:
            url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
            moved += deliver_batch(sqs, url, source, handler, 0)
        handled += moved
        if not moved:
            return handled
    return handled


def create(client, auth, rules=None, period=PERIOD):
    body = {"period": period, "name": "Ноябрь", "rules": rules or STANDARD_PROGRAM}
    response = client.http.post("/v1/programs", body=json.dumps(body),
                                headers=auth(Role.IMPORTER_MANAGER))
    assert response.status_code == 201, response.body
    return json_of(response)


def publish(client, auth, program):
    response = client.http.post(
        f"/v1/programs/{program['program_id']}/publish",
        body=json.dumps({"version": program["version"]}),
        headers=auth(Role.IMPORTER_MANAGER))
    assert response.status_code == 200, response.body
    return json_of(response)


def start_run(client, auth, kind):
    body = json.dumps({"period": PERIOD, "kind": kind})
    response = client.http.post("/v1/bonus-runs", body=body,
                                headers=auth(Role.IMPORTER_MANAGER))
    assert response.status_code == 202, response.body
    return json_of(response)["job_id"]


def run_of_job(client, auth, job_id):
    job = json_of(client.http.get(f"/v1/jobs/{job_id}",
                                  headers=auth(Role.IMPORTER_MANAGER)))
    assert job["status"] == "succeeded", job
    return job["result"]["run_id"]


def final_run(client, auth, app_module):
    publish(client, auth, create(client, auth))
    closed = client.http.post(f"/v1/periods/{PERIOD}/close",
                              headers=auth(Role.IMPORTER_MANAGER))
    assert closed.status_code == 200, closed.body
    job_id = start_run(client, auth, "final")
    drain(app_module)
    return run_of_job(client, auth, job_id)


def test_manager_copies_edits_backtests_publishes_and_a_dealer_reads_why(
    client, auth, facts, readiness
):
    import app

    manager = auth(Role.IMPORTER_MANAGER)
    october = publish(client, auth, create(client, auth, period="2026-10"))

    copy = json_of(client.http.post(
        f"/v1/programs/{october['program_id']}/copy", body="{}", headers=manager))
    edited = client.http.put(
        f"/v1/programs/{copy['program_id']}",
        body=json.dumps({"version": copy["version"], "name": "Ноябрь без штрафов",
                         "rules": {**STANDARD_PROGRAM, "penalties": []}}),
        headers=manager)
    backtest = client.http.post(
        f"/v1/programs/{copy['program_id']}/backtest",
        body=json.dumps({"period": PERIOD}), headers=manager)
    drain(app)
    backtest_job = json_of(client.http.get(
        f"/v1/jobs/{json_of(backtest)['job_id']}", headers=manager))
    november = publish(client, auth, json_of(edited))
    client.http.post(f"/v1/periods/{PERIOD}/close", headers=manager)
    job_id = start_run(client, auth, "final")
    drain(app)
    run_id = run_of_job(client, auth, job_id)
    before = client.http.get(f"/v1/bonus-runs/{run_id}/statements/{KGD}",
                             headers=auth(Role.DEALER_USER, dealer=KGD))
    published = client.http.post(f"/v1/bonus-runs/{run_id}/publish", headers=manager)
    statement = client.http.get(f"/v1/bonus-runs/{run_id}/statements/{KGD}",
                                headers=auth(Role.DEALER_USER, dealer=KGD))
    checklist = client.http.get(f"/v1/dealers/{KGD}/checklist?period={PERIOD}",
                                headers=auth(Role.DEALER_USER, dealer=KGD,
                                             **{"Accept-Language": "en"}))

    assert copy["period"] == "2026-11" and copy["status"] == "draft"
    assert edited.status_code == 200
    assert backtest.status_code == 202
    assert backtest_job["status"] == "succeeded"
    assert backtest_job["result"]["dealers"] == 80
    assert backtest_job["result"]["compared_with"] is None
    assert november["status"] == "published"
    assert before.status_code == 404
    assert published.status_code == 200
    assert json_of(published)["run"]["status"] == "published"
    assert json_of(published)["ledger_entries"] == 1
    lines = json_of(statement)["lines"]
    assert [line["rule"] for line in lines] == [
        "rewards.per_car", "gates.reports", "compensations.media"]
    assert lines[0]["inputs"] == {"units": "9", "per_car": "10000",
                                  "sales_pct": "90", "tier_rate": "0.5"}
    assert lines[0]["amount"] == {"amount": "45000.00", "currency": "RUB"}
    assert lines[1]["amount"]["amount"] == "-22500.00"
    assert json_of(statement)["total"]["amount"] == "72500.00"
    items = {item["rule"]: item for item in json_of(checklist)["items"]}
    assert items["kpis.sales"]["state"] == "met"
    assert items["kpis.sales"]["next_tier"]["needs"] == "1"
    assert items["kpis.sales"]["missing"] == "1 more cars to reach 100 %"
    assert items["gates.reports"]["state"] == "not_met"
    assert json_of(checklist)["estimate"]["total"]["amount"] == "72500.00"


def test_the_same_run_request_twice_with_a_key_makes_one_run(client, auth, facts,
                                                             readiness):
    import app

    publish(client, auth, create(client, auth))
    headers = {**auth(Role.IMPORTER_MANAGER), "Idempotency-Key": "run-nov-1"}
    body = json.dumps({"period": PERIOD, "kind": "preview"})

    first = client.http.post("/v1/bonus-runs", body=body, headers=headers)
    second = client.http.post("/v1/bonus-runs", body=body, headers=headers)
    drain(app)
    run_id = run_of_job(client, auth, json_of(first)["job_id"])
    run = json_of(client.http.get(f"/v1/bonus-runs/{run_id}",
                                  headers=auth(Role.ANALYST)))

    assert json_of(first)["job_id"] == json_of(second)["job_id"]
    assert run["status"] == "completed"
    assert run["dealers"] == 80
    assert run["batches_done"] == run["batches_total"] == 2
    assert run["statements_done"] == 80


def test_a_final_run_needs_a_closed_period(client, auth, facts, readiness):
    publish(client, auth, create(client, auth))
    readiness.blocking[("aurora", PERIOD)] = [
        CloseBlocker(KGD, "pl-kgd-1", "awaits_decision")]
    manager = auth(Role.IMPORTER_MANAGER)

    final = client.http.post("/v1/bonus-runs", headers=manager,
                             body=json.dumps({"period": PERIOD, "kind": "final"}))
    close = client.http.post(f"/v1/periods/{PERIOD}/close", headers=manager)
    readiness.blocking.clear()
    closed = client.http.post(f"/v1/periods/{PERIOD}/close", headers=manager)
    again = client.http.post(f"/v1/periods/{PERIOD}/close", headers=manager)

    malformed = client.http.post("/v1/periods/2026-13/close", headers=manager)

    assert final.status_code == 422
    assert json_of(final)["code"] == "period_not_closed"
    assert malformed.status_code == 400
    assert close.status_code == 422
    assert json_of(close)["details"]["blockers"][0]["reason"] == "awaits_decision"
    assert closed.status_code == 200
    assert again.status_code == 409


def test_an_invalid_program_is_refused_with_the_field_and_nothing_is_stored(
    client, auth, demo
):
    manager = auth(Role.IMPORTER_MANAGER)
    gate_at_nothing = {"gates": [{"id": "g", "kpi": "nope", "effect": "void"}]}
    float_amount = {"rewards": [{"id": "r", "name": "R", "kind": "fixed",
                                 "amount": 0.1}]}

    cross = client.http.post("/v1/programs", headers=manager, body=json.dumps(
        {"period": PERIOD, "name": "x", "rules": gate_at_nothing}))
    typed = client.http.post("/v1/programs", headers=manager, body=json.dumps(
        {"period": PERIOD, "name": "x", "rules": float_amount}))
    listed = json_of(client.http.get("/v1/programs", headers=manager))

    assert cross.status_code == 400
    assert json_of(cross)["code"] == "invalid_program"
    assert json_of(cross)["details"]["errors"][0]["field"] == "rules.gates.0.kpi"
    assert typed.status_code == 400
    assert json_of(typed)["details"]["errors"][0]["field"] == "rules.rewards.0.amount"
    assert listed["items"] == []


def test_edits_check_the_version_and_a_published_program_is_frozen(client, auth,
                                                                   demo):
    manager = auth(Role.IMPORTER_MANAGER)
    program = create(client, auth)
    path = f"/v1/programs/{program['program_id']}"

    stale = client.http.put(path, headers=manager,
                            body=json.dumps({"version": 7, "name": "x"}))
    live = publish(client, auth, program)
    frozen = client.http.put(path, headers=manager,
                             body=json.dumps({"version": live["version"], "name": "y"}))

    assert stale.status_code == 409
    assert frozen.status_code == 422
    assert json_of(frozen)["code"] == "program_frozen"


def test_dealers_and_analysts_may_not_write_programs_or_runs(client, auth, demo):
    program = create(client, auth)
    dealer = auth(Role.DEALER_USER, dealer=KGD)
    analyst = auth(Role.ANALYST)

    by_dealer = client.http.post("/v1/programs", headers=dealer, body=json.dumps(
        {"period": PERIOD, "name": "x", "rules": {}}))
    by_analyst = client.http.put(
        f"/v1/programs/{program['program_id']}", headers=analyst,
        body=json.dumps({"version": program["version"], "name": "x"}))
    draft_for_dealer = client.http.get(f"/v1/programs/{program['program_id']}",
                                       headers=dealer)
    run_by_analyst = client.http.post("/v1/bonus-runs", headers=analyst,
                                      body=json.dumps({"period": PERIOD,
                                                       "kind": "preview"}))

    assert by_dealer.status_code == 403
    assert by_analyst.status_code == 403
    assert draft_for_dealer.status_code == 404
    assert run_by_analyst.status_code == 403


def test_statement_as_xlsx_is_a_link_to_the_export_bucket(client, auth, facts,
                                                          readiness):
    import app

    run_id = final_run(client, auth, app)
    manager = auth(Role.IMPORTER_MANAGER)

    one = client.http.get(f"/v1/bonus-runs/{run_id}/statements/{KGD}?format=xlsx",
                          headers=manager)
    whole = client.http.get(f"/v1/bonus-runs/{run_id}/export", headers=manager)

    assert one.status_code == 200 and whole.status_code == 200
    assert resources.BONUS_EXPORTS.name in json_of(one)["url"]
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(
        Bucket=resources.BONUS_EXPORTS.name)["Contents"]]
    assert sorted(keys) == sorted([f"aurora/{run_id}/{KGD}.xlsx",
                                   f"aurora/{run_id}/run.xlsx"])


def test_every_route_with_an_id_is_not_found_for_another_dealer_or_brand(
    client, auth, facts, readiness
):
    import app

    run_id = final_run(client, auth, app)
    client.http.post(f"/v1/bonus-runs/{run_id}/publish",
                     headers=auth(Role.IMPORTER_MANAGER))
    program_id = json_of(client.http.get(
        "/v1/programs", headers=auth(Role.IMPORTER_MANAGER)))["items"][0]["program_id"]
    other_dealer = auth(Role.DEALER_USER, dealer="AUR-KGD-02")
    other_brand = auth(Role.IMPORTER_ADMIN, brand="taiga")
    version = json.dumps({"version": 1})
    routes = [
        ("GET", f"/v1/bonus-runs/{run_id}/statements/{KGD}", None),
        ("GET", f"/v1/bonus-runs/{run_id}/statements/{KGD}?format=xlsx", None),
        ("GET", f"/v1/dealers/{KGD}/checklist?period={PERIOD}", None),
    ]
    brand_routes = [
        ("GET", f"/v1/programs/{program_id}", None),
        ("PUT", f"/v1/programs/{program_id}", version),
        ("POST", f"/v1/programs/{program_id}/publish", version),
        ("POST", f"/v1/programs/{program_id}/copy", "{}"),
        ("POST", f"/v1/programs/{program_id}/backtest",
         json.dumps({"period": PERIOD})),
        ("GET", f"/v1/bonus-runs/{run_id}", None),
        ("GET", f"/v1/bonus-runs/{run_id}/export", None),
        ("POST", f"/v1/bonus-runs/{run_id}/publish", None),
    ]

    def status(method, path, body, headers):
        return client.http.request(method, path, body=body or b"",
                                   headers=headers).status_code

    own = status("GET", f"/v1/bonus-runs/{run_id}/statements/{KGD}", None,
                 auth(Role.DEALER_USER, dealer=KGD))
    by_dealer = [status(m, p, b, other_dealer) for m, p, b in routes]
    by_brand = [status(m, p, b, other_brand) for m, p, b in routes + brand_routes]

    assert own == 200
    assert by_dealer == [404] * len(routes)
    assert by_brand == [404] * len(routes + brand_routes)
