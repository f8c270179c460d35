"""Data other areas own that analytics and the BI export read: the ports.

Placements and budgets (the placements area), reports and photo flags (the
reports and photos areas), checklists and statements (the bonus area) are
not stored here. Each port below states what its adapter must return;
`sources.AreaSources` implements them over the areas' repositories and
`wiring.upstream()` passes it in.

Every method takes a brand and a period (`YYYY-MM`), and optionally
`dealers`: the codes to read (None: every dealer), so a refresh after one
dealer's change reads that dealer only. A placement, report or statement
belongs to the period of its placement's start date (the design). Money is
Decimal in the brand's currency.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from chalicelib.integrations.model import Utm

Only = Collection[str] | None
"""Dealer codes to read; None reads every dealer."""


@dataclass(frozen=True, slots=True)
class PlacementCost:
    """A placement as lead attribution and CPL need it.

    `cost` is what the placement costs the dealer: the approved amount once
    approved, else the planned cost. `utm` and `tracked_phone` are what the
    placement declares for attribution (empty when not declared).
    """

    placement_id: str
    dealer_code: str
    channel: str
    status: str
    cost: Decimal
    starts_on: date
    ends_on: date
    mandatory: bool = False
    utm: Utm = field(default_factory=Utm)
    tracked_phone: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Placements(Protocol):
    def placements_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[PlacementCost]:
        """Every placement of the period, any status (cancelled included)."""
        ...


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """A dealer's budget of a period, summed over channels."""

    dealer_code: str
    plan: Decimal
    actual: Decimal
    """Approved spending posted to the dealer's ledger. Compensations are
    not spending: they repay part of it, as lines of the bonus statement."""


class Budgets(Protocol):
    def budgets_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[BudgetFigures]: ...


@dataclass(frozen=True, slots=True)
class ReportState:
    """A placement's photo report as analytics and the export need it."""

    report_id: str
    placement_id: str
    dealer_code: str
    status: str
    due_at: datetime
    submitted_at: datetime | None
    on_time: bool
    """Submitted before `due_at` (a write at t is on time if t < due_at)."""
    photo_count: int = 0


class Reports(Protocol):
    def reports_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[ReportState]: ...


@dataclass(frozen=True, slots=True)
class PhotoFlag:
    photo_id: str
    report_id: str
    dealer_code: str
    kind: str
    """`duplicate`, `taken_outside_period` or `uninformative` (the API contract)."""
    state: str
    """`under_review`, `confirmed` or `dismissed`."""
    flagged_at: datetime


class PhotoFlags(Protocol):
    def flags_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[PhotoFlag]: ...


@dataclass(frozen=True, slots=True)
class ChecklistSummary:
    dealer_code: str
    met: int
    not_met: int
    unknown: int


class Checklists(Protocol):
    def checklists_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[ChecklistSummary]:
        ...


@dataclass(frozen=True, slots=True)
class StatementLine:
    line_no: int
    kind: str
    """`reward`, `compensation` or `penalty`."""
    rule: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """One dealer's statement of the latest bonus run of the period.

    `final` is True for a published final run; otherwise it is the latest
    preview (an estimate).
    """

    bonus_run_id: str
    dealer_code: str
    final: bool
    total: Decimal
    computed_at: datetime
    lines: tuple[StatementLine, ...] = ()


class Statements(Protocol):
    def statements_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[Statement]: ...


class NoData:
    """Every upstream port with nothing in it (for tests and tools that need
    no upstream data; `wiring` gives `sources.AreaSources`)."""

    def placements_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[PlacementCost]:
        return []

    def budgets_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[BudgetFigures]:
        return []

    def reports_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[ReportState]:
        return []

    def flags_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[PhotoFlag]:
        return []

    def checklists_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[ChecklistSummary]:
        return []

    def statements_of(
        self, brand_id: str, period: str, dealers: Only = None
    ) -> list[Statement]:
        return []
