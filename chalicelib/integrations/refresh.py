"""Recompute stored dealer summaries when their inputs change.

Called after each sync, import and webhook of this area, and by the areas
that own placements, budgets, reports, checklists and bonus runs after they
write (`refresh_network(..., only=[dealer_code])`). Running it again gives
the same summaries: it recomputes, it never adds.
"""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from chalicelib.clock import Clock
from chalicelib.integrations.analytics import ZERO, DealerSummary
from chalicelib.integrations.metrics import dealer_leads
from chalicelib.integrations.model import DEFAULT_LEAD_SOURCE
from chalicelib.integrations.ports import (
    IntegrationSettings,
    Leads,
    SalesAndTraffic,
    Summaries,
    Targets,
)
from chalicelib.integrations.upstream import (
    Budgets,
    Checklists,
    PhotoFlags,
    Placements,
    Reports,
    Statements,
)
from chalicelib.network.model import Dealer
from chalicelib.network.ports import DealerRepository
from chalicelib.paging import MAX_LIMIT

NOT_SPENDING = frozenset({"cancelled", "rejected", "draft"})
"""Placement statuses whose cost is not counted in CPL."""


@dataclass(frozen=True, slots=True)
class AnalyticsInputs:
    dealers: DealerRepository
    figures: SalesAndTraffic
    leads: Leads
    settings: IntegrationSettings
    targets: Targets
    placements: Placements
    budgets: Budgets
    reports: Reports
    checklists: Checklists
    statements: Statements
    flags: PhotoFlags


def refresh_network(
    brand_id: str,
    period: str,
    inputs: AnalyticsInputs,
    summaries: Summaries,
    clock: Clock,
    only: Collection[str] | None = None,
) -> int:
    """Recompute the summaries of the period (of `only` these dealers)."""
    # A refresh of `only` some dealers reads only theirs from every input
    # (their key prefix in sales, traffic and leads; their keys elsewhere).
    dealers = _dealers(inputs.dealers, brand_id, only)
    computed = _Inputs.load(brand_id, period, inputs, only)
    now = clock()
    fresh = [computed.summary(dealer, period, now) for dealer in dealers]
    summaries.save(fresh)
    return len(fresh)


def _dealers(dealers: DealerRepository, brand_id: str,
             only: Collection[str] | None) -> list[Dealer]:
    if only is None:
        return all_dealers(dealers, brand_id)
    return dealers.get_many(brand_id, sorted(set(only)))


def all_dealers(dealers: DealerRepository, brand_id: str) -> list[Dealer]:
    found: list[Dealer] = []
    cursor = None
    while True:
        page = dealers.list(brand_id, MAX_LIMIT, cursor)
        found.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


@dataclass(frozen=True, slots=True)
class _Inputs:
    """A brand's period of every input, read once per refresh."""

    inputs: AnalyticsInputs
    brand_id: str
    period: str
    loaded: dict

    @classmethod
    def load(cls, brand_id: str, period: str, inputs: AnalyticsInputs,
             only: Collection[str] | None = None) -> "_Inputs":
        loaded = {
            "sales": inputs.figures.sales_of(brand_id, period, only),
            "traffic": inputs.figures.traffic_of(brand_id, period, only),
            "leads": inputs.leads.leads_of(brand_id, period, only),
            "sources": inputs.settings.lead_sources(brand_id),
            "targets": inputs.targets.targets_of(brand_id, period, only),
            "placements": inputs.placements.placements_of(brand_id, period, only),
            "budgets": {b.dealer_code: b for b in
                        inputs.budgets.budgets_of(brand_id, period, only)},
            "reports": inputs.reports.reports_of(brand_id, period, only),
            "checklists": {c.dealer_code: c for c in
                           inputs.checklists.checklists_of(brand_id, period, only)},
            "statements": {s.dealer_code: s for s in
                           inputs.statements.statements_of(brand_id, period, only)},
            "flags": inputs.flags.flags_of(brand_id, period, only),
        }
        return cls(inputs, brand_id, period, loaded)

    def summary(self, dealer: Dealer, period: str, now: datetime) -> DealerSummary:
        code = dealer.code
        got = self.loaded
        source = got["sources"].get(code, DEFAULT_LEAD_SOURCE)
        counted = dealer_leads(code, source, got["leads"], got["traffic"])
        placements = [p for p in got["placements"] if p.dealer_code == code]
        reports = [r for r in got["reports"] if r.dealer_code == code]
        sales = [s for s in got["sales"] if s.dealer_code == code]
        budget = got["budgets"].get(code)
        checklist = got["checklists"].get(code)
        statement = got["statements"].get(code)
        target = got["targets"].get(code)
        flags = Counter(f.state for f in got["flags"] if f.dealer_code == code)
        return DealerSummary(
            brand_id=self.brand_id, period=period, dealer_code=code,
            dealer_name=dealer.name, city=dealer.city, region=dealer.region,
            category=dealer.category, refreshed_at=now,
            budget_plan=budget.plan if budget else ZERO,
            budget_actual=budget.actual if budget else ZERO,
            placements_by_status=dict(Counter(p.status for p in placements)),
            placement_cost=sum((p.cost for p in placements
                                if p.status not in NOT_SPENDING), ZERO),
            reports_due=len(reports),
            reports_on_time=sum(r.on_time for r in reports),
            leads=counted.leads, actions=counted.actions,
            sales_units=sum(s.units for s in sales),
            sales_revenue=sum((s.revenue for s in sales), ZERO),
            sales_plan_units=target.units if target else None,
            checklist_met=checklist.met if checklist else 0,
            checklist_not_met=checklist.not_met if checklist else 0,
            checklist_unknown=checklist.unknown if checklist else 0,
            bonus=statement.total if statement else None,
            bonus_final=bool(statement and statement.final),
            photo_flags=dict(sorted(flags.items())),
        )
