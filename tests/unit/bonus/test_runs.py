import random
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.bonus import service
from chalicelib.bonus.errors import (
    BonusRunNotFound,
    InvalidProgram,
    PeriodNotClosed,
    PeriodNotReady,
    ProgramFrozen,
    RunNotPublishable,
)
from chalicelib.bonus.facts import ReportState
from chalicelib.bonus.model import CloseBlocker, RunKind, RunStatus
from chalicelib.bonus.program import ProgramRules
from chalicelib.errors import StaleVersion
from tests.unit.bonus.conftest import (
    STANDARD_PROGRAM,
    dealer_user,
    facts,
    manager,
    placement,
    ports,
)

PERIOD = "2026-11"


def published(bonus, rules=None):
    spec = ProgramRules.model_validate(rules or STANDARD_PROGRAM)
    program = service.create_program(bonus, manager(), PERIOD, "Ноябрь", spec)
    return service.publish_program(bonus, manager(), program.program_id,
                                   program.version)


def with_facts(bonus, units_by_dealer=None):
    for number, dealer in enumerate(bonus.dealers.list("aurora", 100, None).items):
        units = (units_by_dealer or {}).get(dealer.code, 8 + number)
        late = placement(f"pl-{dealer.code}", state=ReportState.ACCEPTED_LATE)
        bonus.inputs.put("aurora", PERIOD, facts(
            code=dealer.code, units=units, plan=10, placements=(late,)))


def deliver_all(bonus, order=None):
    sent = list(bonus.batch_queue.sent)
    bonus.batch_queue.sent.clear()
    for batch in order(sent) if order else sent:
        service.run_batch(bonus, batch)


def closed(bonus):
    service.close_period(bonus, manager(), PERIOD)
    return bonus


def test_a_final_run_computes_every_participating_dealer_and_completes_once():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    closed(bonus)

    run = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    deliver_all(bonus)

    done = bonus.runs.get("aurora", run.run_id)
    assert done.status is RunStatus.COMPLETED
    assert done.batches_done == done.batches_total == 3
    assert done.statements_done == 6
    stored = bonus.runs.statements(run.run_id)
    assert len(stored) == 6
    assert done.total == sum(s.statement.total for s in stored)


def test_duplicate_and_reordered_trigger_and_batches_leave_one_complete_run():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    closed(bonus)

    first = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    again = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    sent = list(bonus.batch_queue.sent)
    bonus.batch_queue.sent.clear()
    shuffled = sent + sent[::-1]
    random.Random(7).shuffle(shuffled)
    outcomes = [service.run_batch(bonus, batch) for batch in shuffled]

    assert first.run_id == again.run_id
    assert len(bonus.runs.runs) == 1
    assert outcomes.count("completed") == 1
    run = bonus.runs.get("aurora", first.run_id)
    assert run.status is RunStatus.COMPLETED
    assert run.statements_done == 6
    expected = sum(s.statement.total for s in bonus.runs.statements(first.run_id))
    assert run.total == expected


def test_running_a_period_again_makes_a_new_version_and_never_doubles_lines():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    closed(bonus)

    one = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    deliver_all(bonus)
    two = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-2", "m")
    deliver_all(bonus)

    assert (one.run_version, two.run_version) == (1, 2)
    first = bonus.runs.statements(one.run_id)
    second = bonus.runs.statements(two.run_id)
    assert [s.statement for s in first] == [s.statement for s in second]
    assert bonus.runs.get("aurora", one.run_id).total == \
        bonus.runs.get("aurora", two.run_id).total


def test_a_final_run_needs_a_closed_period_and_a_period_with_open_reports_stays_open():
    bonus = ports()
    published(bonus)
    bonus.readiness.blocking[("aurora", PERIOD)] = [
        CloseBlocker("AUR-T00-01", "pl-9", "awaits_decision")]

    with pytest.raises(PeriodNotReady) as refused:
        service.close_period(bonus, manager(), PERIOD)
    with pytest.raises(PeriodNotClosed):
        service.check_run_request(bonus, manager(), PERIOD, RunKind.FINAL)
    service.check_run_request(bonus, manager(), PERIOD, RunKind.PREVIEW)

    assert refused.value.details["blockers"][0]["reason"] == "awaits_decision"


def test_publish_posts_compensations_and_penalties_to_the_ledger_once():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    closed(bonus)
    run = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    deliver_all(bonus)

    _, posted = service.publish_run(bonus, manager(), run.run_id)
    balance = bonus.ledger.balance("AUR-T00-01")
    service.publish_run(bonus, manager(), run.run_id)

    # each dealer: one accepted-late placement → 50 % of 100 000 minus 5 000
    assert posted == 12
    assert balance == Decimal("45000.00")
    assert bonus.ledger.balance("AUR-T00-01") == balance
    assert len(bonus.ledger.entries) == 12


def test_a_later_published_final_run_replaces_the_earlier_on_the_ledger():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    closed(bonus)
    one = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    deliver_all(bonus)
    service.publish_run(bonus, manager(), one.run_id)

    two = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-2", "m")
    deliver_all(bonus)
    service.publish_run(bonus, manager(), two.run_id)

    assert bonus.ledger.balance("AUR-T00-01") == Decimal("45000.00")
    assert bonus.runs.published_final("aurora", PERIOD) == two.run_id


def test_a_preview_is_not_published_and_dealers_see_nothing_before_publish():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    preview = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "job-p", "m")
    deliver_all(bonus)
    closed(bonus)
    final = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-f", "m")
    deliver_all(bonus)
    own = dealer_user("AUR-T00-01")

    with pytest.raises(RunNotPublishable):
        service.publish_run(bonus, manager(), preview.run_id)
    with pytest.raises(BonusRunNotFound):
        service.get_statement(bonus, own, final.run_id, "AUR-T00-01")
    service.publish_run(bonus, manager(), final.run_id)
    _, stored = service.get_statement(bonus, own, final.run_id, "AUR-T00-01")

    assert stored.dealer_code == "AUR-T00-01"


def test_a_published_program_is_frozen_and_edits_check_the_version():
    bonus = ports()
    draft = service.create_program(bonus, manager(), PERIOD, "Ноябрь",
                                   ProgramRules.model_validate(STANDARD_PROGRAM))
    edited = service.update_program(bonus, manager(), draft.program_id,
                                    {"name": "Ноябрь v2"}, draft.version)

    with pytest.raises(StaleVersion):
        service.update_program(bonus, manager(), draft.program_id, {"name": "x"},
                               draft.version)
    live = service.publish_program(bonus, manager(), draft.program_id, edited.version)
    with pytest.raises(ProgramFrozen):
        service.update_program(bonus, manager(), draft.program_id, {"name": "y"},
                               live.version)
    copy = service.copy_program(bonus, manager(), draft.program_id, None)

    assert copy.period == "2026-12"
    assert copy.copied_from == draft.program_id
    assert copy.status.value == "draft"


def test_an_invalid_program_is_refused_at_save_with_the_field():
    bonus = ports()
    rules = ProgramRules.model_validate(
        {"gates": [{"id": "g", "kpi": "nope", "effect": "void"}]})

    with pytest.raises(InvalidProgram) as refused:
        service.create_program(bonus, manager(), PERIOD, "Ноябрь", rules)

    assert refused.value.details["errors"][0]["field"] == "rules.gates.0.kpi"
    assert bonus.programs.programs == {}


def test_publishing_a_newer_program_applies_to_runs_started_afterwards():
    bonus = ports()
    old = published(bonus)
    with_facts(bonus)
    before = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "job-a", "m")
    newer = published(bonus, {**STANDARD_PROGRAM, "penalties": []})
    deliver_all(bonus)
    after = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "job-b", "m")
    deliver_all(bonus)

    assert bonus.runs.get("aurora", before.run_id).program_id == old.program_id
    assert bonus.runs.get("aurora", after.run_id).program_id == newer.program_id
    assert bonus.runs.get("aurora", before.run_id).status is RunStatus.COMPLETED


def test_backtest_reports_old_and_new_totals_and_changed_lines():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    draft = service.create_program(
        bonus, manager(), "2026-12", "Декабрь",
        ProgramRules.model_validate({**STANDARD_PROGRAM, "penalties": []}))

    result = service.run_backtest(bonus, "aurora", draft.program_id, PERIOD)

    assert result["dealers"] == 6
    assert result["dealers_changed"] == 6
    row = result["items"][0]
    assert Decimal(row["new_total"]) - Decimal(row["old_total"]) == Decimal("5000.00")
    assert row["changed_lines"] == [
        {"rule": "penalties.late", "old_amount": "-5000.00", "new_amount": None}]


def test_changed_facts_during_a_run_fail_it_rather_than_mix_inputs():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    run = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "job-1", "m")
    bonus.inputs.record_survey("aurora", PERIOD, "AUR-T00-01", True)

    deliver_all(bonus)

    assert bonus.runs.get("aurora", run.run_id).status is RunStatus.FAILED


@settings(max_examples=25, deadline=None)
@given(units=st.lists(st.integers(0, 30), min_size=6, max_size=6),
       reverse=st.booleans())
def test_a_preview_and_a_final_run_on_the_same_inputs_agree(units, reverse):
    bonus = ports()
    published(bonus)
    codes = [d.code for d in bonus.dealers.list("aurora", 100, None).items]
    with_facts(bonus, dict(zip(codes, units, strict=True)))

    preview = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "p", "m")
    deliver_all(bonus)
    closed(bonus)
    final = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "f", "m")
    deliver_all(bonus, order=(lambda sent: sent[::-1]) if reverse else None)

    previewed = [s.statement for s in bonus.runs.statements(preview.run_id)]
    finished = [s.statement for s in bonus.runs.statements(final.run_id)]
    assert previewed == finished
    assert preview.inputs_fingerprint == final.inputs_fingerprint


def test_a_run_whose_batches_never_all_land_is_failed_by_the_sweep():
    bonus = ports()
    published(bonus)
    with_facts(bonus)
    run = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "job-1", "m")
    service.run_batch(bonus, bonus.batch_queue.sent[0])

    soon = service.fail_stalled_runs(bonus)
    bonus.clock.now += timedelta(hours=2)
    later = service.fail_stalled_runs(bonus)
    again = service.fail_stalled_runs(bonus)

    assert soon == []
    assert [stalled.run_id for stalled in later] == [run.run_id]
    assert again == []
    assert bonus.runs.get("aurora", run.run_id).status is RunStatus.FAILED


class Told:
    """Records the runs it hears of; fails the first `failures` times."""

    def __init__(self, failures: int = 0) -> None:
        self.runs: list[str] = []
        self.failures = failures

    def __call__(self, run) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the export queue is unreachable")
        self.runs.append(run.run_id)


def test_a_published_final_run_is_announced_once_however_often_it_is_published():
    told = Told()
    bonus = replace(ports(), on_published=told)
    published(bonus)
    with_facts(bonus)
    closed(bonus)
    run = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    deliver_all(bonus)

    service.publish_run(bonus, manager(), run.run_id)
    service.publish_run(bonus, manager(), run.run_id)

    assert told.runs == [run.run_id]


def test_a_failed_announcement_is_made_again_when_the_manager_retries():
    told = Told(failures=1)
    bonus = replace(ports(), on_published=told)
    published(bonus)
    with_facts(bonus)
    closed(bonus)
    run = service.begin_run(bonus, "aurora", PERIOD, RunKind.FINAL, "job-1", "m")
    deliver_all(bonus)

    with pytest.raises(ConnectionError):
        service.publish_run(bonus, manager(), run.run_id)
    service.publish_run(bonus, manager(), run.run_id)
    service.publish_run(bonus, manager(), run.run_id)

    assert told.runs == [run.run_id]
    assert bonus.runs.get("aurora", run.run_id).status is RunStatus.PUBLISHED


def test_a_completed_run_is_told_once_when_its_last_batch_is_in():
    told = Told()
    bonus = replace(ports(), on_completed=told)
    published(bonus)
    with_facts(bonus)
    preview = service.begin_run(bonus, "aurora", PERIOD, RunKind.PREVIEW, "job-p", "m")
    sent = list(bonus.batch_queue.sent)

    deliver_all(bonus)
    for batch in sent:
        service.run_batch(bonus, batch)

    assert told.runs == [preview.run_id]
