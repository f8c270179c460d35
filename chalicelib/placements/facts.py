"""A dealer's placements and reports of a period as the bonus facts they
give (`chalicelib.bonus.facts.PlacementFacts`). Pure: no storage.

Which placements appear: the approved ones, because only an approved
placement has a report (its state and `due_at` are part of every fact), and
only approved money is spent. A draft, submitted, returned or rejected
placement is not part of the period's marketing yet; a cancelled one lost
its report. The budget plan counts once a manager approved it: a plan the
dealer proposed alone is "not in yet", so a dealer cannot lower the
denominator of its own budget KPI.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from chalicelib.bonus.facts import PlacementFacts, ReportState
from chalicelib.budgets.model import Budget, BudgetStatus
from chalicelib.placements.model import Placement, PlacementStatus, Report


def placement_facts(
    placements: Iterable[Placement], reports: Mapping[str, Report], now: datetime
) -> list[PlacementFacts]:
    """Approved placements with their report, in placement id order. A report
    is taken as the API would decide it at `now`: one past its deadline and
    never sent is overdue, even before the lock job has run."""
    found = []
    for placement in sorted(placements, key=lambda p: p.placement_id):
        report = reports.get(placement.placement_id)
        if placement.status is PlacementStatus.APPROVED and report is not None:
            found.append(_fact(placement, report, now))
    return found


def budget_plan(budget: Budget | None) -> Decimal | None:
    """The approved plan's total over every channel; None when not approved."""
    if budget is None or budget.status is not BudgetStatus.APPROVED:
        return None
    return sum(budget.plan.values(), Decimal(0))


def _fact(placement: Placement, report: Report, now: datetime) -> PlacementFacts:
    return PlacementFacts(
        placement_id=placement.placement_id,
        channel=placement.channel_id,
        cost=placement.cost,
        approved_amount=placement.approved_amount,
        mandatory=placement.mandatory,
        report_state=ReportState(report.status_at(now).value),
        due_at=report.due_at,
        submitted_at=report.submitted_at,
    )
