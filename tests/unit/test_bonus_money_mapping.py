"""Pure mappings between placements, budgets and bonus: a bonus run's ledger
lines as budget ledger entries, and placements with reports as bonus facts."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.bonus.model import LedgerEntry as BonusEntry
from chalicelib.budgets.bonus_ledger import BONUS_CHANNEL, budget_entries
from chalicelib.budgets.model import (
    Budget,
    BudgetStatus,
    EntryKind,
    Writer,
    balances,
    ensure_writer,
)
from chalicelib.placements.facts import budget_plan, placement_facts
from chalicelib.placements.model import Placement, PlacementStatus, Report, ReportStatus

AT = datetime(2026, 6, 8, 6, 15, tzinfo=UTC)
DUE = datetime(2026, 6, 1, tzinfo=UTC)


def bonus_line(number: int, kind: str, amount: str, placement_id: str | None = None,
               run_id: str = "run-a") -> BonusEntry:
    return BonusEntry(
        entry_id=f"{run_id}:AUR-KGD-01:{number}", brand_id="aurora",
        dealer_code="AUR-KGD-01", period="2026-05", kind=kind,
        rule=f"{kind}s.rule", amount=Decimal(amount), currency="RUB", run_id=run_id,
        placement_id=placement_id,
    )


def test_a_placement_compensation_is_booked_on_its_channel_and_the_rest_on_one():
    lines = [bonus_line(0, "compensation", "40000.00", "pl-radio"),
             bonus_line(1, "compensation", "-5000.00"),
             bonus_line(2, "penalty", "-5000.00")]

    entries = budget_entries(lines, {"pl-radio": "radio"}, AT)

    assert [(e.kind, e.channel_id, e.amount, e.placement_id) for e in entries] == [
        (EntryKind.COMPENSATION, "radio", Decimal("40000.00"), "pl-radio"),
        (EntryKind.COMPENSATION, BONUS_CHANNEL, Decimal("-5000.00"), None),
        (EntryKind.PENALTY, BONUS_CHANNEL, Decimal("5000.00"), None),
    ]
    assert [e.entry_id for e in entries] == [line.entry_id for line in lines]
    ensure_writer(entries, Writer.BONUS_RUNS)


def test_a_placement_the_facts_no_longer_name_falls_back_to_the_bonus_channel():
    [entry] = budget_entries([bonus_line(0, "compensation", "100", "pl-gone")], {}, AT)

    assert entry.channel_id == BONUS_CHANNEL
    assert entry.placement_id == "pl-gone"


def test_reversals_of_a_replaced_run_net_to_the_later_run_alone():
    from chalicelib.bonus.model import reversals

    class Later:
        run_id = "run-b"

    first = [bonus_line(0, "compensation", "40000.00", "pl-1"),
             bonus_line(1, "penalty", "-5000.00")]
    second = [bonus_line(0, "compensation", "60000.00", "pl-1", run_id="run-b")]
    undone = reversals(first, Later())  # type: ignore[arg-type]
    channels = {"pl-1": "outdoor"}

    posted = budget_entries(first, channels, AT) + budget_entries(
        second + undone, channels, AT)

    by_channel = {line.channel_id: line for line in balances({}, posted)}
    assert by_channel["outdoor"].compensated == Decimal("60000.00")
    assert by_channel[BONUS_CHANNEL].penalized == 0
    assert len({entry.entry_id for entry in posted}) == len(posted)


def placement(placement_id: str, status: PlacementStatus,
              approved: str | None = "80000") -> Placement:
    return Placement(
        placement_id=placement_id, brand_id="aurora", dealer_code="AUR-KGD-01",
        region="Калининград", channel_id="outdoor", title="Билборды",
        starts_on=date(2026, 5, 10), ends_on=date(2026, 5, 26),
        cost=Decimal("100000"), currency="RUB", created_by="u", created_at=AT,
        updated_at=AT, status=status, mandatory=True,
        approved_amount=None if approved is None else Decimal(approved),
    )


def report(placement_id: str, status: ReportStatus = ReportStatus.OPEN,
           submitted_at: datetime | None = None) -> Report:
    return Report(
        placement_id=placement_id, brand_id="aurora", dealer_code="AUR-KGD-01",
        region="Калининград", channel_id="outdoor", currency="RUB", due_at=DUE,
        time_zone="Europe/Kaliningrad", required_proof={}, reminder_days=(),
        status=status, submitted_at=submitted_at,
    )


def test_only_approved_placements_with_a_report_become_facts():
    placements = [placement("pl-b", PlacementStatus.APPROVED),
                  placement("pl-a", PlacementStatus.APPROVED),
                  placement("pl-c", PlacementStatus.SUBMITTED, approved=None),
                  placement("pl-d", PlacementStatus.CANCELLED)]
    reports = {"pl-a": report("pl-a", ReportStatus.ACCEPTED, DUE),
               "pl-b": report("pl-b")}

    facts = placement_facts(placements, reports, datetime(2026, 5, 20, tzinfo=UTC))

    assert [(f.placement_id, f.report_state.value, f.approved_amount, f.mandatory)
            for f in facts] == [("pl-a", "accepted", Decimal("80000"), True),
                                ("pl-b", "open", Decimal("80000"), True)]
    assert facts[0].due_at == DUE and facts[0].submitted_at == DUE


@pytest.mark.parametrize(("now", "state"), [
    (datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC), "open"),
    (DUE, "overdue"),
])
def test_an_unsent_report_is_overdue_in_the_facts_from_its_deadline_on(now, state):
    facts = placement_facts([placement("pl-a", PlacementStatus.APPROVED)],
                            {"pl-a": report("pl-a")}, now)

    assert facts[0].report_state.value == state


@pytest.mark.parametrize(("status", "plan"), [
    (BudgetStatus.APPROVED, Decimal("350000.00")),
    (BudgetStatus.PROPOSED, None),
])
def test_the_budget_plan_counts_once_approved(status, plan):
    budget = Budget("aurora", "AUR-KGD-01", "Калининград", "2026-05", "RUB",
                    plan={"outdoor": Decimal("300000.00"), "radio": Decimal("50000")},
                    status=status)

    assert budget_plan(budget) == plan
    assert budget_plan(None) is None
