"""The per-dealer facts of a period that a bonus is computed from.

Each section is written by the feature that owns it (sales by the sales
sync, placements and reports by placements, leads by call tracking, ...).
A section that is None has not come in yet: its KPIs are "unknown" in the
checklist and count as not met in a statement. Pure data, no storage.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class ModelSales:
    model: str
    units: int
    revenue: Decimal
    plan_units: int | None = None


class ReportState(StrEnum):
    """A report's status as the API names it."""

    OPEN = "open"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    DECLINED = "declined"
    OVERDUE = "overdue"
    LATE_SUBMITTED = "late_submitted"
    ACCEPTED_LATE = "accepted_late"


LATE_STATES = frozenset({
    ReportState.OVERDUE, ReportState.LATE_SUBMITTED, ReportState.ACCEPTED_LATE,
})
ACCEPTED_STATES = frozenset({ReportState.ACCEPTED, ReportState.ACCEPTED_LATE})


@dataclass(frozen=True, slots=True)
class PlacementFacts:
    """One placement of the period with its photo report."""

    placement_id: str
    channel: str
    cost: Decimal
    approved_amount: Decimal | None
    mandatory: bool
    report_state: ReportState
    due_at: datetime
    submitted_at: datetime | None = None

    @property
    def is_late(self) -> bool:
        return self.report_state in LATE_STATES

    @property
    def is_on_time(self) -> bool:
        """Submitted before the deadline and not declined."""
        return (
            self.submitted_at is not None
            and self.submitted_at < self.due_at
            and self.report_state in (ReportState.SUBMITTED, ReportState.ACCEPTED)
        )

    @property
    def is_accepted(self) -> bool:
        return self.report_state in ACCEPTED_STATES

    @property
    def is_missing(self) -> bool:
        """No report that counts: declined, or past due and not submitted."""
        return self.report_state in (ReportState.DECLINED, ReportState.OVERDUE)


@dataclass(frozen=True, slots=True)
class DealerFacts:
    dealer_code: str
    sales: tuple[ModelSales, ...] | None = None
    sales_plan_units: int | None = None
    budget_plan: Decimal | None = None
    placements: tuple[PlacementFacts, ...] | None = None
    leads: int | None = None
    lead_cost: Decimal | None = None
    duplicate_photos: int | None = None
    survey_answered: bool | None = None
    extra: dict[str, Decimal] = field(default_factory=dict)

    @property
    def sales_units(self) -> int | None:
        return None if self.sales is None else sum(s.units for s in self.sales)

    @property
    def sales_revenue(self) -> Decimal | None:
        if self.sales is None:
            return None
        return sum((s.revenue for s in self.sales), Decimal(0))

    def model_sales(self, model: str) -> ModelSales | None:
        if self.sales is None:
            return None
        found = [s for s in self.sales if s.model == model]
        return found[0] if found else ModelSales(model=model, units=0,
                                                 revenue=Decimal(0))

    def fingerprint(self) -> str:
        """A digest of every fact: equal facts, equal digest."""
        text = json.dumps(facts_document(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def facts_document(facts: DealerFacts) -> dict[str, Any]:
    """The facts as JSON-safe data (decimals and instants as strings)."""
    return {
        "dealer_code": facts.dealer_code,
        "sales": None if facts.sales is None else [
            {"model": s.model, "units": s.units, "revenue": str(s.revenue),
             "plan_units": s.plan_units}
            for s in facts.sales
        ],
        "sales_plan_units": facts.sales_plan_units,
        "budget_plan": _text(facts.budget_plan),
        "placements": None if facts.placements is None else [
            placement_document(p) for p in facts.placements
        ],
        "leads": facts.leads,
        "lead_cost": _text(facts.lead_cost),
        "duplicate_photos": facts.duplicate_photos,
        "survey_answered": facts.survey_answered,
        "extra": {name: str(value) for name, value in sorted(facts.extra.items())},
    }


def placement_document(placement: PlacementFacts) -> dict[str, Any]:
    return {
        "placement_id": placement.placement_id,
        "channel": placement.channel,
        "cost": str(placement.cost),
        "approved_amount": _text(placement.approved_amount),
        "mandatory": placement.mandatory,
        "report_state": placement.report_state.value,
        "due_at": placement.due_at.isoformat(),
        "submitted_at": placement.submitted_at.isoformat()
        if placement.submitted_at else None,
    }


def facts_of_document(document: dict[str, Any]) -> DealerFacts:
    sales = document.get("sales")
    placements = document.get("placements")
    return DealerFacts(
        dealer_code=document["dealer_code"],
        sales=None if sales is None else tuple(
            ModelSales(model=s["model"], units=int(s["units"]),
                       revenue=Decimal(s["revenue"]), plan_units=s.get("plan_units"))
            for s in sales
        ),
        sales_plan_units=document.get("sales_plan_units"),
        budget_plan=_decimal(document.get("budget_plan")),
        placements=None if placements is None else tuple(
            placement_of_document(p) for p in placements
        ),
        leads=document.get("leads"),
        lead_cost=_decimal(document.get("lead_cost")),
        duplicate_photos=document.get("duplicate_photos"),
        survey_answered=document.get("survey_answered"),
        extra={k: Decimal(v) for k, v in (document.get("extra") or {}).items()},
    )


def placement_of_document(document: dict[str, Any]) -> PlacementFacts:
    submitted = document.get("submitted_at")
    return PlacementFacts(
        placement_id=document["placement_id"],
        channel=document["channel"],
        cost=Decimal(document["cost"]),
        approved_amount=_decimal(document.get("approved_amount")),
        mandatory=bool(document["mandatory"]),
        report_state=ReportState(document["report_state"]),
        due_at=datetime.fromisoformat(document["due_at"]),
        submitted_at=datetime.fromisoformat(submitted) if submitted else None,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
