"""Network analytics: one summary per dealer and period, and their totals.

Pure computation. Summaries are computed when data is written or synced
(`refresh.py`) and stored; the network view only adds stored summaries up,
so a request never reads raw placements, leads or sales.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from chalicelib.integrations.metrics import cost_per

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class DealerSummary:
    brand_id: str
    period: str
    dealer_code: str
    dealer_name: str
    city: str
    region: str
    category: str
    refreshed_at: datetime
    budget_plan: Decimal = ZERO
    budget_actual: Decimal = ZERO
    placements_by_status: dict[str, int] = field(default_factory=dict)
    placement_cost: Decimal = ZERO
    reports_due: int = 0
    reports_on_time: int = 0
    leads: int = 0
    actions: int = 0
    sales_units: int = 0
    sales_revenue: Decimal = ZERO
    sales_plan_units: int | None = None
    checklist_met: int = 0
    checklist_not_met: int = 0
    checklist_unknown: int = 0
    bonus: Decimal | None = None
    bonus_final: bool = False
    photo_flags: dict[str, int] = field(default_factory=dict)
    """The dealer's photo flags of the period by state (`under_review`,
    `confirmed`, `dismissed`)."""

    @property
    def cpl(self) -> Decimal | None:
        return cost_per(self.placement_cost, self.leads)


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a group of dealers; shares and CPL of the sums."""

    dealers: int
    budget_plan: Decimal
    budget_actual: Decimal
    placements_by_status: dict[str, int]
    placement_cost: Decimal
    reports_due: int
    reports_on_time: int
    leads: int
    sales_units: int
    sales_revenue: Decimal
    sales_plan_units: int
    checklist_met: int
    checklist_not_met: int
    checklist_unknown: int
    bonus: Decimal
    photo_flags: dict[str, int] = field(default_factory=dict)

    @property
    def cpl(self) -> Decimal | None:
        return cost_per(self.placement_cost, self.leads)

    @property
    def on_time_pct(self) -> Decimal | None:
        return percent(self.reports_on_time, self.reports_due)

    @property
    def sales_pct(self) -> Decimal | None:
        return percent(self.sales_units, self.sales_plan_units)


@dataclass(frozen=True, slots=True)
class NetworkView:
    period: str
    dealers: list[DealerSummary]
    totals: Totals
    by_region: dict[str, Totals]
    by_city: dict[str, Totals]
    by_category: dict[str, Totals]


def percent(part: int, whole: int) -> Decimal | None:
    """Percent of a whole, one decimal; a zero whole has no value."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def network_view(period: str, summaries: list[DealerSummary]) -> NetworkView:
    ordered = sorted(summaries, key=lambda summary: summary.dealer_code)
    return NetworkView(
        period=period,
        dealers=ordered,
        totals=totals_of(ordered),
        by_region=_grouped(ordered, "region"),
        by_city=_grouped(ordered, "city"),
        by_category=_grouped(ordered, "category"),
    )


def totals_of(summaries: Iterable[DealerSummary]) -> Totals:
    group = list(summaries)
    statuses: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for summary in group:
        statuses.update(summary.placements_by_status)
        flags.update(summary.photo_flags)
    return Totals(
        dealers=len(group),
        budget_plan=_money(s.budget_plan for s in group),
        budget_actual=_money(s.budget_actual for s in group),
        placements_by_status=dict(sorted(statuses.items())),
        placement_cost=_money(s.placement_cost for s in group),
        reports_due=sum(s.reports_due for s in group),
        reports_on_time=sum(s.reports_on_time for s in group),
        leads=sum(s.leads for s in group),
        sales_units=sum(s.sales_units for s in group),
        sales_revenue=_money(s.sales_revenue for s in group),
        sales_plan_units=sum(s.sales_plan_units or 0 for s in group),
        checklist_met=sum(s.checklist_met for s in group),
        checklist_not_met=sum(s.checklist_not_met for s in group),
        checklist_unknown=sum(s.checklist_unknown for s in group),
        bonus=_money(s.bonus or ZERO for s in group),
        photo_flags=dict(sorted(flags.items())),
    )


def _grouped(summaries: list[DealerSummary], attribute: str) -> dict[str, Totals]:
    groups: dict[str, list[DealerSummary]] = {}
    for summary in summaries:
        groups.setdefault(getattr(summary, attribute), []).append(summary)
    return {name: totals_of(group) for name, group in sorted(groups.items())}


def _money(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)
