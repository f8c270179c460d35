"""The upstream ports over the areas' real tables on the emulator: each reads
a brand's period by key or index (never a scan) and maps what the areas
store to the figures analytics and the BI export use."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib import wiring
from chalicelib.access.model import Caller, Role
from chalicelib.bonus.dynamo import DynamoPrograms, DynamoRuns, StoredFacts
from chalicelib.bonus.engine import Line, LineKind
from chalicelib.bonus.engine import Statement as BonusStatement
from chalicelib.bonus.facts import ModelSales
from chalicelib.bonus.model import BonusRun, RunKind, StoredStatement
from chalicelib.bonus.program import Program, ProgramRules, ProgramStatus
from chalicelib.budgets import service as budgets
from chalicelib.channels.model import ProofKind
from chalicelib.integrations.model import (
    Lead,
    LeadKind,
    SalesFigure,
    SalesTarget,
    TrafficFigure,
)
from chalicelib.integrations.upstream import ChecklistSummary, PhotoFlag
from chalicelib.media.dynamo import DynamoPhotos
from chalicelib.media.model import Flag, FlagKind, FlagState, Photo, PhotoStatus
from chalicelib.placements import service as placements
from chalicelib.placements.service import NewPlacement
from devstack.demo import find_user
from tests.integration.counting import dynamodb_requests
from tests.unit.bonus.conftest import STANDARD_PROGRAM

MAY = "2026-05"
MAY_4 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(demo):
    clock = Clock(MAY_4)
    wiring.use(clock=clock)
    return clock


def caller(role: Role, dealer: str | None = None, brand: str = "aurora") -> Caller:
    return Caller(find_user(role, brand, dealer))


def planned(dealer: str = "AUR-KGD-01", starts_on: date = date(2026, 5, 10),
            cost: str = "125000.50", brand: str = "aurora", **declared: str):
    new = NewPlacement(dealer_code=dealer, channel_id="outdoor", title="Щиты",
                       starts_on=starts_on, ends_on=starts_on + timedelta(days=14),
                       cost=Decimal(cost), currency="RUB", **declared)
    return placements.create_placement(wiring.placement_ports(),
                                       caller(Role.DEALER_USER, dealer, brand), new)


def approved(amount: str, **planned_args):
    placement = planned(**planned_args)
    brand = planned_args.get("brand", "aurora")
    dealer = caller(Role.DEALER_USER, planned_args.get("dealer", "AUR-KGD-01"), brand)
    ports = wiring.placement_ports()
    placement = placements.submit_placement(ports, dealer, placement.placement_id,
                                            placement.version)
    return placements.approve_placement(ports, caller(Role.IMPORTER_MANAGER,
                                                      brand=brand),
                                        placement.placement_id, Decimal(amount),
                                        placement.version)


def test_placements_of_a_period_carry_the_approved_cost_and_what_they_declare(clock):
    billboards = approved("100000.00", utm_source="yandex", utm_medium="cpc",
                          utm_campaign="may", tracked_phone="+7 495 123-45-67")
    draft = planned(dealer="AUR-MSK-01", cost="40000.00")
    planned(starts_on=date(2026, 6, 2))
    approved("30000.00", dealer="TAI-NSK-01", brand="taiga")

    with dynamodb_requests() as requests:
        found = {p.placement_id: p for p in wiring.upstream().placements_of("aurora",
                                                                            MAY)}

    assert set(found) == {billboards.placement_id, draft.placement_id}
    mine = found[billboards.placement_id]
    assert (mine.status, mine.cost, mine.channel) == ("approved",
                                                      Decimal("100000.00"), "outdoor")
    assert (mine.utm.source, mine.utm.medium, mine.utm.campaign) == ("yandex", "cpc",
                                                                      "may")
    assert mine.tracked_phone == "+7 495 123-45-67"
    assert found[draft.placement_id].cost == Decimal("40000.00")
    assert found[draft.placement_id].utm.is_set is False
    assert requests["Scan"] == 0 and requests["Query"] == 1


def test_reports_of_a_period_tell_whether_they_were_submitted_on_time(clock):
    on_time = approved("100000.00")
    approved("50000.00", dealer="AUR-MSK-01")
    ports = wiring.placement_ports()
    for n in range(2):
        placements.attach_proof(ports, on_time.placement_id, ProofKind.PHOTO,
                                f"ph-{n}")
    report = ports.store.report(on_time.placement_id)
    assert report is not None
    placements.submit_report(ports, caller(Role.DEALER_USER, "AUR-KGD-01"),
                             on_time.placement_id, report.version)

    with dynamodb_requests() as requests:
        found = {r.placement_id: r for r in wiring.upstream().reports_of("aurora",
                                                                         MAY)}

    assert len(found) == 2
    submitted = found[on_time.placement_id]
    assert (submitted.status, submitted.on_time, submitted.photo_count) == (
        "submitted", True, 2)
    assert submitted.submitted_at == MAY_4
    others = [r for r in found.values() if r.placement_id != on_time.placement_id]
    assert [(r.status, r.on_time, r.submitted_at) for r in others] == [
        ("open", False, None)]
    assert requests["Scan"] == 0
    assert requests["BatchGetItem"] == 1


def test_budgets_of_a_period_give_the_plan_and_the_approved_spending(clock):
    ports = wiring.budget_ports()
    budgets.plan_budget(ports, caller(Role.DEALER_USER, "AUR-KGD-01"),
                        "AUR-KGD-01", MAY, {"outdoor": Decimal("300000.00"),
                                            "radio": Decimal("50000.25")}, None)
    approved("100000.00")
    approved("20000.00", dealer="AUR-MSK-01")
    planned(cost="70000.00")
    approved("30000.00", dealer="TAI-NSK-01", brand="taiga")

    with dynamodb_requests() as requests:
        found = {b.dealer_code: b for b in wiring.upstream().budgets_of("aurora",
                                                                        MAY)}

    assert (found["AUR-KGD-01"].plan, found["AUR-KGD-01"].actual) == (
        Decimal("350000.25"), Decimal("100000.00"))
    assert (found["AUR-MSK-01"].plan, found["AUR-MSK-01"].actual) == (
        Decimal("0.00"), Decimal("20000.00"))
    assert [(b.dealer_code, b.actual) for b in
            wiring.upstream().budgets_of("taiga", MAY)] == [
        ("TAI-NSK-01", Decimal("30000.00"))]
    assert requests["Scan"] == 0 and requests["Query"] == 2


def photo(photo_id: str, starts_on: date, *flags: Flag, brand: str = "aurora",
          dealer: str = "AUR-KGD-01") -> Photo:
    return Photo(brand_id=brand, photo_id=photo_id, dealer_code=dealer,
                 placement_id=f"pl-{photo_id}", object_key=f"{brand}/{photo_id}",
                 file_name="щит.jpg", content_type="image/jpeg", declared_size=1000,
                 created_at=MAY_4, placement_starts_on=starts_on,
                 placement_ends_on=starts_on + timedelta(days=10),
                 status=PhotoStatus.PROCESSED, flags=flags)


def test_photo_flags_of_a_period_come_from_flagged_photos_only(clock):
    store = DynamoPhotos()
    duplicate = Flag(FlagKind.DUPLICATE, FlagState.UNDER_REVIEW, MAY_4)
    outside = Flag(FlagKind.TAKEN_OUTSIDE_PERIOD, FlagState.CONFIRMED, MAY_4)
    store.save(photo("ph-1", date(2026, 5, 10), duplicate, outside), None)
    store.save(photo("ph-2", date(2026, 5, 12)), None)
    store.save(photo("ph-3", date(2026, 6, 1), duplicate), None)
    store.save(photo("ph-4", date(2026, 5, 1), duplicate, brand="taiga",
                     dealer="TAI-NSK-01"), None)
    cleared = store.save(photo("ph-5", date(2026, 5, 3), duplicate), None)
    store.save(cleared.changed(flags=()), expected_version=cleared.version)

    with dynamodb_requests() as requests:
        found = wiring.upstream().flags_of("aurora", MAY)

    assert sorted(found, key=lambda f: f.kind) == [
        PhotoFlag("ph-1", "pl-ph-1", "AUR-KGD-01", "duplicate", "under_review",
                  MAY_4),
        PhotoFlag("ph-1", "pl-ph-1", "AUR-KGD-01", "taken_outside_period",
                  "confirmed", MAY_4)]
    assert requests["Scan"] == 0 and requests["Query"] == 1


def publish_program(period: str = MAY) -> None:
    programs = DynamoPrograms()
    draft = programs.save(Program(
        program_id="prg-may", brand_id="aurora", period=period, name="Май",
        rules=ProgramRules.model_validate(STANDARD_PROGRAM),
        status=ProgramStatus.DRAFT, updated_at=MAY_4, updated_by="m"), None)
    programs.publish(draft.changed(status=ProgramStatus.PUBLISHED),
                     expected_version=draft.version)


def test_checklists_of_a_period_count_met_not_met_and_unknown_per_dealer(clock):
    publish_program()
    facts = StoredFacts()
    facts.record_sales("aurora", MAY, "AUR-KGD-01",
                       [ModelSales("Aurora X5", 10, Decimal("30000000"))], 10)
    facts.record_sales("aurora", MAY, "AUR-MSK-01",
                       [ModelSales("Aurora X5", 5, Decimal("15000000"))], 10)

    with dynamodb_requests() as requests:
        found = {c.dealer_code: c for c in wiring.upstream().checklists_of("aurora",
                                                                           MAY)}

    # Sales are in (met, not met); report KPIs and their gate are not yet.
    assert found["AUR-KGD-01"] == ChecklistSummary("AUR-KGD-01", 1, 0, 2)
    assert found["AUR-MSK-01"] == ChecklistSummary("AUR-MSK-01", 0, 1, 2)
    assert found["AUR-PKC-01"] == ChecklistSummary("AUR-PKC-01", 0, 0, 3)
    assert len(found) == 80
    assert wiring.upstream().checklists_of("aurora", "2026-06") == []
    assert requests["Scan"] == 0


def a_run(run_id: str, kind: RunKind, started_at: datetime,
          period: str = MAY) -> BonusRun:
    return BonusRun(run_id=run_id, brand_id="aurora", period=period, kind=kind,
                    run_version=1, program_id="prg-may", program_version=2,
                    inputs_fingerprint="f", trigger=run_id, started_by="m",
                    started_at=started_at, batches_total=1, dealer_count=1)


def stored(run_id: str, *amounts: str) -> StoredStatement:
    lines = tuple(Line(rule=f"rewards.r{n}", kind=LineKind.REWARD, name="r",
                       inputs={}, formula="", amount=Decimal(amount))
                  for n, amount in enumerate(amounts))
    return StoredStatement(run_id, "AUR-KGD-01", "f",
                           BonusStatement("AUR-KGD-01", (), lines))


def completed(runs: DynamoRuns, run: BonusRun, *amounts: str) -> None:
    runs.create(run)
    runs.save_statements([stored(run.run_id, *amounts)])
    runs.record_batch("aurora", run.run_id, 0, {}, 1)
    assert runs.complete("aurora", run.run_id, run.started_at + timedelta(hours=1))


def test_statements_are_the_latest_preview_until_a_final_run_is_published(clock):
    runs = DynamoRuns()
    completed(runs, a_run("run-p1", RunKind.PREVIEW, MAY_4), "1000.00")
    completed(runs, a_run("run-p2", RunKind.PREVIEW, MAY_4 + timedelta(days=1)),
              "2000.00", "500.50")
    runs.create(a_run("run-p3", RunKind.PREVIEW, MAY_4 + timedelta(days=2)))
    completed(runs, a_run("run-j", RunKind.PREVIEW, MAY_4 + timedelta(days=3),
                          period="2026-06"), "9.00")

    estimate = wiring.upstream().statements_of("aurora", MAY)
    completed(runs, a_run("run-f1", RunKind.FINAL, MAY_4 + timedelta(days=30)),
              "3000.00", "-250.00")
    runs.mark_published("aurora", "run-f1", MAY_4 + timedelta(days=31))
    runs.set_published_final("aurora", MAY, "run-f1")
    with dynamodb_requests() as requests:
        final = wiring.upstream().statements_of("aurora", MAY)

    assert [(s.bonus_run_id, s.final, s.total) for s in estimate] == [
        ("run-p2", False, Decimal("2500.50"))]
    [statement] = final
    assert (statement.bonus_run_id, statement.final, statement.total) == (
        "run-f1", True, Decimal("2750.00"))
    assert [(line.line_no, line.kind, line.amount) for line in statement.lines] == [
        (1, "reward", Decimal("3000.00")), (2, "reward", Decimal("-250.00"))]
    assert statement.computed_at == MAY_4 + timedelta(days=30, hours=1)
    assert requests["Scan"] == 0


def test_reading_one_dealer_gives_exactly_its_share_of_the_brands_period(clock):
    # given: two dealers with placements, budgets, a report, a flag, a
    # checklist and a published final statement each
    ports = wiring.budget_ports()
    for code in ("AUR-KGD-01", "AUR-MSK-01"):
        budgets.plan_budget(ports, caller(Role.DEALER_USER, code), code, MAY,
                            {"outdoor": Decimal("90000.00")}, None)
        approved("60000.00", dealer=code)
        planned(dealer=code, cost="10000.00")
        DynamoPhotos().save(photo(f"ph-{code}", date(2026, 5, 10), Flag(
            FlagKind.DUPLICATE, FlagState.UNDER_REVIEW, MAY_4), dealer=code), None)
    publish_program()
    runs = DynamoRuns()
    completed(runs, a_run("run-f", RunKind.FINAL, MAY_4), "700.00")
    runs.save_statements([StoredStatement("run-f", "AUR-MSK-01", "f",
                                          BonusStatement("AUR-MSK-01", (), ()))])
    runs.set_published_final("aurora", MAY, "run-f")
    sources = wiring.upstream()

    # when
    with dynamodb_requests() as requests:
        one = {name: getattr(sources, name)("aurora", MAY, ["AUR-KGD-01"])
               for name in ("placements_of", "reports_of", "budgets_of",
                            "flags_of", "checklists_of", "statements_of")}
    every = {name: getattr(sources, name)("aurora", MAY) for name in one}

    # then
    for name, found in one.items():
        expected = [x for x in every[name] if x.dealer_code == "AUR-KGD-01"]
        assert sorted(map(repr, found)) == sorted(map(repr, expected)), name
        assert found, name
    assert requests["Scan"] == 0


def test_one_dealers_sales_traffic_leads_and_target_are_read_by_its_keys(aws):
    # given: figures of a dealer and of one whose code starts with its code
    figures, leads, targets = (wiring.sales_and_traffic(), wiring.leads(),
                               wiring.targets())
    for code in ("AUR-MSK-01", "AUR-MSK-010"):
        figures.save_sales("aurora", [SalesFigure(code, "Aurora X5",
                                                  date(2026, 5, 3), 2,
                                                  Decimal("5400000.00"))])
        figures.save_traffic("aurora", [TrafficFigure(code, "digital",
                                                      date(2026, 5, 3), 10, 2, 1)])
        leads.save_leads("aurora", [(MAY, Lead(LeadKind.CALL, f"c-{code}", code,
                                               MAY_4, True))], timedelta(days=30))
        targets.save_targets("aurora", [SalesTarget(code, MAY, 7)])

    # when
    with dynamodb_requests() as requests:
        one = (figures.sales_of("aurora", MAY, ["AUR-MSK-01"]),
               figures.traffic_of("aurora", MAY, ["AUR-MSK-01"]),
               leads.leads_of("aurora", MAY, ["AUR-MSK-01"]),
               targets.targets_of("aurora", MAY, ["AUR-MSK-01"]))

    # then
    sales, traffic, calls, plans = one
    assert [s.dealer_code for s in sales] == ["AUR-MSK-01"]
    assert [t.dealer_code for t in traffic] == ["AUR-MSK-01"]
    assert [c.lead_id for c in calls] == ["c-AUR-MSK-01"]
    assert list(plans) == ["AUR-MSK-01"] and plans["AUR-MSK-01"].units == 7
    assert len(figures.sales_of("aurora", MAY)) == 2
    assert requests["Scan"] == 0
