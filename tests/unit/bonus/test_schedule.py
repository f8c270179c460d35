from datetime import UTC, datetime

from chalicelib.bonus import service
from chalicelib.bonus.model import CloseBlocker, RunStatus
from chalicelib.bonus.program import ProgramRules
from tests.unit.bonus.conftest import STANDARD_PROGRAM, manager, ports


def with_program(bonus, period="2026-11"):
    spec = ProgramRules.model_validate(STANDARD_PROGRAM)
    draft = service.create_program(bonus, manager(), period, "Ноябрь", spec)
    service.publish_program(bonus, manager(), draft.program_id, draft.version)


def test_on_the_close_day_last_period_closes_and_its_final_run_starts_once():
    bonus = ports(now=datetime(2026, 12, 7, 6, 15, tzinfo=UTC))
    with_program(bonus)

    first = service.close_due_periods(bonus)
    second = service.close_due_periods(bonus)

    assert first[0]["closed"] is True
    assert first[0]["run_id"] == second[0]["run_id"]
    assert len(bonus.runs.runs) == 1
    run = next(iter(bonus.runs.runs.values()))
    assert (run.period, run.kind.value, run.status) == ("2026-11", "final",
                                                        RunStatus.RUNNING)


def test_before_the_close_day_or_with_reports_pending_nothing_closes():
    early = ports(now=datetime(2026, 12, 6, 6, 15, tzinfo=UTC))
    held = ports(now=datetime(2026, 12, 7, 6, 15, tzinfo=UTC))
    with_program(early)
    with_program(held)
    held.readiness.blocking[("aurora", "2026-11")] = [
        CloseBlocker("AUR-T00-01", "pl-1", "awaits_decision")]

    assert service.close_due_periods(early) == []
    assert service.close_due_periods(held)[0] == {
        "brand_id": "aurora", "period": "2026-11", "closed": False, "blockers": 1}
    assert held.periods.closed_at("aurora", "2026-11") is None
    assert held.runs.runs == {}
