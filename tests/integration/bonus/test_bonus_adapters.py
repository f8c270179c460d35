"""The bonus adapters on the emulator, and the in-memory fakes, held to the
same contracts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.bonus.dynamo import (
    DynamoLedgerOutbox,
    DynamoPeriods,
    DynamoPrograms,
    DynamoRuns,
    StoredFacts,
    StoredFactsReadiness,
)
from chalicelib.bonus.engine import statement
from chalicelib.bonus.facts import ModelSales, ReportState
from chalicelib.bonus.memory import (
    MemoryFacts,
    MemoryPeriods,
    MemoryPrograms,
    MemoryRuns,
)
from chalicelib.bonus.model import (
    BonusRun,
    LedgerEntry,
    RunKind,
    RunStatus,
    StoredStatement,
)
from chalicelib.bonus.program import Program, ProgramRules, ProgramStatus
from chalicelib.errors import AlreadyExists, StaleVersion
from tests.unit.bonus.conftest import STANDARD_PROGRAM, dealer, facts, placement

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["dynamo", "memory"])
def adapters(request):
    if request.param == "dynamo":
        request.getfixturevalue("aws")
        return DynamoPrograms(), DynamoPeriods(), DynamoRuns(), StoredFacts()
    return MemoryPrograms(), MemoryPeriods(), MemoryRuns(), MemoryFacts()


def a_program(version: int = 1) -> Program:
    return Program(program_id="prg-1", brand_id="aurora", period="2026-11",
                   name="Ноябрь", rules=ProgramRules.model_validate(STANDARD_PROGRAM),
                   status=ProgramStatus.DRAFT, updated_at=NOW, updated_by="m",
                   version=version)


def a_run(batches: int = 3) -> BonusRun:
    return BonusRun(run_id="run-1", brand_id="aurora", period="2026-11",
                    kind=RunKind.FINAL, run_version=1, program_id="prg-1",
                    program_version=2, inputs_fingerprint="f", trigger="job-1",
                    started_by="m", started_at=NOW, batches_total=batches,
                    dealer_count=6)


def test_programs_save_with_version_checks_and_publish_sets_the_period(adapters):
    programs = adapters[0]

    saved = programs.save(a_program(), expected_version=None)
    with pytest.raises(AlreadyExists):
        programs.save(a_program(), expected_version=None)
    with pytest.raises(StaleVersion):
        programs.save(saved, expected_version=7)
    live = programs.publish(saved.changed(status=ProgramStatus.PUBLISHED),
                            expected_version=saved.version)

    assert live.version == 2
    assert programs.published_for("aurora", "2026-11").program_id == "prg-1"
    assert programs.published_for("aurora", "2026-11").rules == saved.rules
    assert programs.published_for("taiga", "2026-11") is None
    assert [p.program_id for p in programs.list("aurora", "2026-11", 10, None).items] \
        == ["prg-1"]


def test_a_period_closes_once(adapters):
    periods = adapters[1]

    first = periods.close("aurora", "2026-11", NOW, "m")
    second = periods.close("aurora", "2026-11", NOW, "m")

    assert (first, second) == (True, False)
    assert periods.closed_at("aurora", "2026-11") == NOW
    assert periods.closed_at("aurora", "2026-10") is None


def test_batches_count_once_and_the_run_completes_exactly_once(adapters):
    runs = adapters[2]
    runs.create(a_run(batches=2))
    totals = {"reward": Decimal("100.50"), "penalty": Decimal("-5.00")}

    with pytest.raises(AlreadyExists):
        runs.create(a_run())
    first = runs.record_batch("aurora", "run-1", 0, totals, 3)
    again = runs.record_batch("aurora", "run-1", 0, totals, 3)
    early = runs.complete("aurora", "run-1", NOW)
    runs.record_batch("aurora", "run-1", 1, totals, 3)
    completions = [runs.complete("aurora", "run-1", NOW) for _ in range(3)]

    assert first is not None and again is None
    assert early is False
    assert completions == [True, False, False]
    run = runs.get("aurora", "run-1")
    assert run.status is RunStatus.COMPLETED
    assert run.statements_done == 6
    assert run.totals["reward"] == Decimal("201.00")
    assert run.total == Decimal("191.00")


def test_running_runs_started_long_ago_are_found_and_fail_once(adapters):
    runs = adapters[2]
    runs.create(a_run())

    before = runs.running_since_before(NOW)
    after = runs.running_since_before(NOW + timedelta(minutes=1))
    runs.fail("aurora", "run-1", "stalled")
    runs.fail("aurora", "run-1", "stalled again")

    assert before == []
    assert [run.run_id for run in after] == ["run-1"]
    assert runs.get("aurora", "run-1").failure == "stalled"
    assert runs.running_since_before(NOW + timedelta(minutes=1)) == []


def test_statements_are_written_by_key_and_read_back_exactly(adapters):
    runs = adapters[2]
    program = ProgramRules.model_validate(STANDARD_PROGRAM)
    late = placement("pl-1", state=ReportState.ACCEPTED_LATE)
    computed = statement(program, dealer(), facts(units=9, placements=(late,)))
    stored = StoredStatement("run-1", "AUR-KZN-01", "fp", computed)

    runs.save_statements([stored])
    runs.save_statements([stored])

    assert runs.statements("run-1") == [stored]
    assert runs.statement("run-1", "AUR-KZN-01") == stored
    assert runs.statement("run-1", "AUR-MSK-01") is None


def test_run_versions_count_per_period_and_kind(adapters):
    runs = adapters[2]

    versions = [runs.next_run_version("aurora", "2026-11", RunKind.FINAL)
                for _ in range(3)]
    preview = runs.next_run_version("aurora", "2026-11", RunKind.PREVIEW)

    assert versions == [1, 2, 3]
    assert preview == 1


def test_each_feature_records_its_own_section_of_the_facts(adapters):
    stored = adapters[3]
    late = placement("pl-1", state=ReportState.ACCEPTED_LATE)

    stored.record_sales("aurora", "2026-11", "AUR-KZN-01",
                        [ModelSales("Aurora X5", 7, Decimal("21000000.10"), 6)], 10)
    stored.record_placements("aurora", "2026-11", "AUR-KZN-01", [late],
                             Decimal("500000"))
    stored.record_leads("aurora", "2026-11", "AUR-KZN-01", 120, Decimal("360000"))
    stored.record_duplicate_photos("aurora", "2026-11", "AUR-KZN-01", 2)
    stored.record_survey("aurora", "2026-11", "AUR-KZN-01", True)
    stored.record_leads("aurora", "2026-11", "AUR-KZN-01", 121, Decimal("360000"))

    found = stored.for_dealers("aurora", "2026-11", ["AUR-KZN-01", "AUR-MSK-01"])
    kazan = found["AUR-KZN-01"]
    assert kazan.sales_units == 7 and kazan.sales_plan_units == 10
    assert kazan.sales_revenue == Decimal("21000000.10")
    assert kazan.placements == (late,)
    assert (kazan.leads, kazan.lead_cost) == (121, Decimal("360000"))
    assert (kazan.duplicate_photos, kazan.survey_answered) == (2, True)
    assert kazan.budget_plan == Decimal("500000")
    assert found["AUR-MSK-01"].sales is None
    assert list(stored.for_period("aurora", "2026-11")) == ["AUR-KZN-01"]


def test_ledger_outbox_keeps_one_entry_per_id(aws):
    from chalicelib.bonus.dynamo import LedgerEntryModel

    entry = LedgerEntry("run-1:AUR-KZN-01:3", "aurora", "AUR-KZN-01", "2026-11",
                        "compensation", "compensations.media", Decimal("50000.00"),
                        "RUB", "run-1")

    DynamoLedgerOutbox().post([entry, entry])
    DynamoLedgerOutbox().post([entry])

    items = list(LedgerEntryModel.scan())
    assert len(items) == 1
    assert items[0].amount == Decimal("50000.00")


def test_readiness_from_stored_facts_names_reports_that_hold_the_period(aws):
    stored = StoredFacts()
    waiting = placement("pl-wait", state=ReportState.LATE_SUBMITTED)
    open_one = placement("pl-open", state=ReportState.OPEN)
    done = placement("pl-done", state=ReportState.ACCEPTED)
    stored.record_placements("aurora", "2026-11", "AUR-KZN-01",
                             [waiting, open_one, done], None)

    before = StoredFactsReadiness(stored).blockers(
        "aurora", "2026-11", datetime(2026, 11, 4, tzinfo=UTC))
    after = StoredFactsReadiness(stored).blockers(
        "aurora", "2026-11", datetime(2026, 11, 6, tzinfo=UTC))

    assert [(b.placement_id, b.reason) for b in before] == [
        ("pl-wait", "awaits_decision"), ("pl-open", "not_past_due")]
    assert [(b.placement_id, b.reason) for b in after] == [
        ("pl-wait", "awaits_decision")]


def test_duplicate_reordered_trigger_and_batches_make_one_complete_run_on_dynamodb(
    demo,
):
    import random
    from dataclasses import replace as replaced

    from chalicelib import wiring
    from chalicelib.access.model import Caller, Role, User
    from chalicelib.bonus import service
    from chalicelib.bonus.memory import MemoryBatchQueue

    queue = MemoryBatchQueue()
    ports = replaced(wiring.bonus(), batch_queue=queue, batch_size=7)
    manager = Caller(User(user_id="aurora-manager-1", brand_id="aurora", email="m",
                          name="M", role=Role.IMPORTER_MANAGER))
    spec = ProgramRules.model_validate(STANDARD_PROGRAM)
    draft = service.create_program(ports, manager, "2026-11", "Ноябрь", spec)
    service.publish_program(ports, manager, draft.program_id, draft.version)
    wiring.bonus_facts().record_sales(
        "aurora", "2026-11", "AUR-KGD-01",
        [ModelSales("Aurora X5", 10, Decimal("30000000"))], 10)

    first = service.begin_run(ports, "aurora", "2026-11", RunKind.PREVIEW, "t-1", "m")
    again = service.begin_run(ports, "aurora", "2026-11", RunKind.PREVIEW, "t-1", "m")
    deliveries = list(queue.sent)
    random.Random(3).shuffle(deliveries)
    outcomes = [service.run_batch(ports, batch) for batch in deliveries]

    run = ports.runs.get("aurora", first.run_id)
    assert first.run_id == again.run_id
    assert len(deliveries) == 2 * run.batches_total
    assert outcomes.count("completed") == 1
    assert run.status is RunStatus.COMPLETED
    assert run.statements_done == run.dealer_count == 80
    stored = ports.runs.statements(first.run_id)
    assert len(stored) == 80
    # 10 cars × 10 000 at 100 %, halved: no placements, so no reports on time
    assert run.total == sum(s.statement.total for s in stored) == Decimal("50000.00")


def test_the_latest_completed_preview_of_a_period_is_found_by_its_start(adapters):
    runs = adapters[2]
    for run_id, hours, period in (("run-a", 0, "2026-11"), ("run-b", 5, "2026-11"),
                                  ("run-c", 9, "2026-11"), ("run-d", 12, "2026-12")):
        runs.create(a_run(batches=1).changed(
            run_id=run_id, kind=RunKind.PREVIEW, period=period,
            started_at=NOW + timedelta(hours=hours)))
    for run_id in ("run-a", "run-b", "run-d"):
        runs.record_batch("aurora", run_id, 0, {}, 1)
        runs.complete("aurora", run_id, NOW + timedelta(days=1))
    runs.create(a_run(batches=1).changed(run_id="run-final", kind=RunKind.FINAL,
                                         started_at=NOW + timedelta(hours=20)))

    latest = runs.latest_completed_preview("aurora", "2026-11")

    assert latest is not None and latest.run_id == "run-b"
    assert runs.latest_completed_preview("taiga", "2026-11") is None


def test_a_published_run_is_announced_once_until_its_claim_is_given_back(adapters):
    runs = adapters[2]
    runs.create(a_run())

    first = runs.claim_announcement("aurora", "run-1", NOW)
    again = runs.claim_announcement("aurora", "run-1", NOW)
    runs.release_announcement("aurora", "run-1")
    after_release = runs.claim_announcement("aurora", "run-1", NOW)

    assert (first, again, after_release) == (True, False, True)
