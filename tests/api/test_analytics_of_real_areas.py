"""The network analytics, the BI export and the bonus facts over the areas'
real data: placements, budgets, reports, photo flags, bonus runs and syncs,
each driven as the clients and jobs drive them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import boto3
import duckdb
import pytest

from chalicelib import resources, wiring
from chalicelib.access.model import Role
from chalicelib.bonus.dynamo import DynamoRuns, StoredFacts
from chalicelib.bonus.engine import Line, LineKind
from chalicelib.bonus.engine import Statement as BonusStatement
from chalicelib.bonus.facts import ModelSales
from chalicelib.bonus.model import BonusRun, RunKind, StoredStatement
from chalicelib.integrations.distributor import DistributorAccess, DistributorPlatform
from chalicelib.integrations.model import Lead, LeadKind, LeadSource, SalesTarget
from chalicelib.jobs import service as jobs
from chalicelib.jobs.sqs import job_id_of
from chalicelib.media.model import Flag, FlagKind, FlagState, Photo, PhotoStatus
from tests.api.placements_helpers import Desk
from tests.api.test_bi_export import fetch_current
from tests.fake_sources.distributor import FakeDistributor

MAY = "2026-05"
NOV = "2026-11"


def network(desk: Desk, period: str = MAY) -> dict:
    return desk.ok("GET", f"/v1/analytics/network?period={period}",
                   desk.auth(Role.ANALYST))


def figures_of(view: dict, code: str) -> dict:
    return next(row for row in view["dealers"] if row["dealer"] == code)


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "RUB"}


def flagged_photo(desk: Desk, placement: dict, photo_id: str) -> Photo:
    """What photo processing stores for a photo matching an earlier one."""
    raised = Flag(FlagKind.DUPLICATE, FlagState.UNDER_REVIEW, desk.clock())
    return wiring.photos().save(Photo(
        brand_id="aurora", photo_id=photo_id, dealer_code=desk.dealer_code,
        placement_id=placement["placement_id"],
        object_key=f"aurora/{desk.dealer_code}/{placement['placement_id']}/"
                   f"{photo_id}",
        file_name="щит.jpg", content_type="image/jpeg", declared_size=2048,
        created_at=desk.clock(), placement_starts_on=desk.clock().date(),
        placement_ends_on=desk.clock().date(), status=PhotoStatus.PROCESSED,
        flags=(raised,)), None)


def test_the_network_view_follows_a_placement_its_budget_report_and_photo_flag(
    desk
):
    # given: a plan, an approved placement with one photo flagged as a duplicate
    plan = {"lines": [{"channel_id": "outdoor", "plan": money("300000.00")}]}
    desk.ok("PUT", f"/v1/dealers/{desk.dealer_code}/budgets/{MAY}", desk.dealer,
            plan)
    placement = desk.approved(cost="125000.50")
    flagged_photo(desk, placement, f"photo-{placement['placement_id']}-0")
    before_report = figures_of(network(desk), desk.dealer_code)

    # when: the photos count as proof, the report is submitted, the flag decided
    desk.photos(placement, 2)
    report = desk.report(placement)
    submitted = desk.report_step(report, "submit", desk.dealer)
    assert submitted.status_code == 200, submitted.body
    under_review = figures_of(network(desk), desk.dealer_code)
    decided = desk.ok("POST", f"/v1/photos/photo-{placement['placement_id']}-0"
                      "/flags/duplicate/decision", desk.manager,
                      {"decision": "confirm", "comment": "Тот же щит, что в марте"})
    after = network(desk)

    # then
    assert before_report["budget_plan"] == money("300000.00")
    assert before_report["budget_actual"] == money("125000.50")
    assert before_report["placements_by_status"] == {"approved": 1}
    assert before_report["placement_cost"] == money("125000.50")
    assert (before_report["reports_due"], before_report["reports_on_time"]) == (1, 0)
    assert under_review["reports_on_time"] == 1
    assert under_review["photo_flags"] == {"under_review": 1}
    assert decided["flags"][0]["state"] == "confirmed"
    mine = figures_of(after, desk.dealer_code)
    assert mine["photo_flags"] == {"confirmed": 1}
    assert after["totals"]["photo_flags"] == {"confirmed": 1}
    assert after["totals"]["budget_actual"] == money("125000.50")
    assert after["totals"]["reports_on_time"] == 1


def test_returning_a_placement_takes_it_out_of_the_dealers_spending(desk):
    placement = desk.step(desk.placement(cost="40000.00"), "submit", desk.dealer)
    submitted = figures_of(network(desk), desk.dealer_code)

    desk.step(placement, "return", desk.manager, reason="Нет макета")

    returned = figures_of(network(desk), desk.dealer_code)
    assert submitted["placements_by_status"] == {"submitted": 1}
    assert submitted["placement_cost"] == money("40000.00")
    assert returned["placements_by_status"] == {"returned": 1}
    assert returned["placement_cost"] == money("40000.00")


# --- a published final run: analytics and the BI export ---------------------


def completed_final_run(desk: Desk, totals: dict[str, list[str]]) -> BonusRun:
    """A final run of May whose batches are all in (what the bonus jobs
    leave behind), with a statement per dealer."""
    runs = DynamoRuns()
    run = runs.create(BonusRun(
        run_id="run-may-final", brand_id="aurora", period=MAY, kind=RunKind.FINAL,
        run_version=1, program_id="prg-may", program_version=2,
        inputs_fingerprint="f", trigger="job-final", started_by="aurora-manager-1",
        started_at=desk.clock(), batches_total=1, dealer_count=len(totals)))
    runs.save_statements([
        StoredStatement(run.run_id, code, "f", BonusStatement(code, (), tuple(
            Line(rule=f"rewards.r{n}", kind=LineKind.REWARD, name="За план",
                 inputs={}, formula="", amount=Decimal(amount))
            for n, amount in enumerate(amounts))))
        for code, amounts in totals.items()])
    runs.record_batch("aurora", run.run_id, 0, {}, len(totals))
    assert runs.complete("aurora", run.run_id, desk.clock() + timedelta(minutes=3))
    return run


def queued_job_ids() -> list[str]:
    """What the jobs function would take off its queue."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=resources.JOBS.name)["QueueUrl"]
    found = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                          WaitTimeSeconds=0).get("Messages"):
        found += [job_id_of(message["Body"]) for message in messages]
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
            for n, m in enumerate(messages)])
    return found


def read(files: list[str], sql: str) -> list[tuple]:
    relation = f"read_parquet({files!r}, hive_partitioning = true)"
    return duckdb.sql(sql.format(t=relation)).fetchall()


def test_publishing_a_final_run_queues_one_export_with_the_periods_data(
    desk, tmp_path: Path
):
    # given: two approved placements of May and a completed final run
    desk.approved(cost="125000.50")
    desk.approved(cost="30000.25", channel_id="outdoor")
    run = completed_final_run(desk, {"AUR-KGD-01": ["50000.00", "-5000.00"],
                                     "AUR-MSK-01": ["12000.10"]})
    path = f"/v1/bonus-runs/{run.run_id}/publish"

    # when: the manager publishes, then publishes again (a retry)
    first = desk.call("POST", path, desk.manager)
    again = desk.call("POST", path, desk.manager)
    queued = wiring.exports().list("aurora", 10, None).items
    assert len(queued) == 1 and queued[0].period == MAY
    assert queued[0].started_by == "bonus-run" and queued[0].job_id
    done = jobs.run_job(wiring.jobs(), wiring.export_job_runners(), wiring.clock(),
                        queued[0].job_id)
    refreshed = [jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(),
                              job_id) for job_id in queued_job_ids()]

    # then
    # (each publication hands its statements' notifications to a job; the
    # notifier tells each user once)
    assert sorted((job.kind, job.status, job.result["dealers"]) for job in refreshed
                  if job is not None) == [("analytics_refresh", "succeeded", 80),
                                          ("announce_statements", "succeeded", 2),
                                          ("announce_statements", "succeeded", 2)]
    assert first.status_code == again.status_code == 200
    assert done is not None and done.status == "succeeded"
    placements = fetch_current(tmp_path, "placements", MAY)
    assert read(placements, "select count(*), sum(cost) from {t}") == [
        (2, Decimal("155000.75"))]
    statements = fetch_current(tmp_path, "statements", MAY)
    assert read(statements, "select dealer_code, final, total from {t} "
                            "order by dealer_code") == [
        ("AUR-KGD-01", True, Decimal("45000.00")),
        ("AUR-MSK-01", True, Decimal("12000.10"))]
    lines = fetch_current(tmp_path, "statement_lines", MAY)
    assert read(lines, "select count(*), sum(amount) from {t}") == [
        (3, Decimal("57000.10"))]
    kaliningrad = figures_of(network(desk), "AUR-KGD-01")
    assert (kaliningrad["bonus"], kaliningrad["bonus_kind"]) == (
        money("45000.00"), "final")
    assert network(desk)["totals"]["bonus"] == money("57000.10")


# --- bonus facts after a sync ------------------------------------------------


@pytest.fixture
def platform(demo):
    fake = FakeDistributor()
    with fake.server:
        access = DistributorAccess(fake.server.url, fake.token)
        wiring.use(distributor_platforms=lambda brand_id: (
            DistributorPlatform(access) if brand_id == "aurora" else None))
        yield fake


def sync_november(desk: Desk) -> None:
    started = desk.ok("POST", "/v1/integrations/distributor/sync", desk.manager,
                      {"period": NOV}, status=202)
    done = jobs.run_job(wiring.jobs(), wiring.job_runners(), wiring.clock(),
                        started["job_id"])
    assert done is not None and done.status == "succeeded", done


def test_a_sync_records_each_touched_dealers_sales_and_leads_as_bonus_facts(
    desk, platform
):
    # given: Moscow's sales of two models, its traffic, target and a placement
    platform.sales = [
        {"dealer_code": "AUR-MSK-01", "model": "Aurora X5", "date": "2026-11-02",
         "units": 2, "revenue": "5400000.00"},
        {"dealer_code": "AUR-MSK-01", "model": "Aurora X5", "date": "2026-11-09",
         "units": 1, "revenue": "2700000.00"},
        {"dealer_code": "AUR-MSK-01", "model": "Aurora X3", "date": "2026-11-03",
         "units": 1, "revenue": "1900000.55"}]
    platform.traffic = [
        {"dealer_code": "AUR-MSK-01", "channel": "digital", "date": "2026-11-03",
         "visits": 1200, "calls": 14, "online_leads": 9},
        {"dealer_code": "AUR-MSK-01", "channel": "outdoor", "date": "2026-11-04",
         "visits": 0, "calls": 3, "online_leads": 0}]
    wiring.targets().save_targets("aurora", [SalesTarget("AUR-MSK-01", NOV, 10)])
    moscow = Desk(desk.client, desk.auth, desk.clock, dealer_code="AUR-MSK-01")
    moscow.approved(starts_on="2026-11-02", ends_on="2026-11-20", cost="92000.00")

    # when: the sync runs, and runs again
    sync_november(desk)
    first = StoredFacts().for_dealers("aurora", NOV, ["AUR-MSK-01", "AUR-PKC-01"])
    sync_november(desk)
    facts = StoredFacts().for_dealers("aurora", NOV, ["AUR-MSK-01", "AUR-PKC-01"])

    # then
    assert facts == first
    moscow_facts = facts["AUR-MSK-01"]
    assert moscow_facts.sales == (
        ModelSales("Aurora X3", 1, Decimal("1900000.55")),
        ModelSales("Aurora X5", 3, Decimal("8100000.00")))
    assert moscow_facts.sales_plan_units == 10
    assert (moscow_facts.leads, moscow_facts.lead_cost) == (26, Decimal("92000.00"))
    untouched = facts["AUR-PKC-01"]
    assert (untouched.sales, untouched.leads) == (None, None)
    view = network(desk, NOV)
    assert figures_of(view, "AUR-MSK-01")["leads"] == 26
    assert figures_of(view, "AUR-MSK-01")["cpl"] == money("3538.46")


def test_a_calltouch_dealers_leads_are_its_unique_target_calls(desk, platform):
    # given: Moscow counts leads from call tracking, whose journal holds two
    # unique target calls and one other call, besides the platform's traffic
    wiring.integration_settings().set_lead_source("aurora", "AUR-MSK-01",
                                                  LeadSource.CALLTOUCH)
    wiring.leads().save_leads("aurora", [
        (NOV, Lead(LeadKind.CALL, f"c{n}", "AUR-MSK-01",
                   datetime(2026, 11, 3 + n, 10, tzinfo=UTC), target))
        for n, target in enumerate((True, True, False))], timedelta(days=30))
    platform.traffic = [
        {"dealer_code": "AUR-MSK-01", "channel": "digital", "date": "2026-11-03",
         "visits": 1200, "calls": 14, "online_leads": 9}]

    sync_november(desk)

    facts = StoredFacts().for_dealers("aurora", NOV, ["AUR-MSK-01"])["AUR-MSK-01"]
    assert (facts.leads, facts.lead_cost, facts.sales) == (2, None, None)
    assert figures_of(network(desk, NOV), "AUR-MSK-01")["leads"] == 2
