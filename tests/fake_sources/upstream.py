"""In-memory upstream data (placements, budgets, reports, flags, checklists,
statements), implementing the ports of chalicelib.integrations.upstream."""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from chalicelib.integrations.upstream import (
    BudgetFigures,
    ChecklistSummary,
    PhotoFlag,
    PlacementCost,
    ReportState,
    Statement,
)


@dataclass
class FakeUpstream:
    placements: dict[tuple[str, str], list[PlacementCost]] = field(
        default_factory=dict)
    budgets: dict[tuple[str, str], list[BudgetFigures]] = field(default_factory=dict)
    reports: dict[tuple[str, str], list[ReportState]] = field(default_factory=dict)
    flags: dict[tuple[str, str], list[PhotoFlag]] = field(default_factory=dict)
    checklists: dict[tuple[str, str], list[ChecklistSummary]] = field(
        default_factory=dict)
    statements: dict[tuple[str, str], list[Statement]] = field(default_factory=dict)

    def placements_of(
        self, brand_id: str, period: str, dealers: Collection[str] | None = None
    ) -> list[PlacementCost]:
        return _of(self.placements.get((brand_id, period), []), dealers)

    def budgets_of(
        self, brand_id: str, period: str, dealers: Collection[str] | None = None
    ) -> list[BudgetFigures]:
        return _of(self.budgets.get((brand_id, period), []), dealers)

    def reports_of(
        self, brand_id: str, period: str, dealers: Collection[str] | None = None
    ) -> list[ReportState]:
        return _of(self.reports.get((brand_id, period), []), dealers)

    def flags_of(
        self, brand_id: str, period: str, dealers: Collection[str] | None = None
    ) -> list[PhotoFlag]:
        return _of(self.flags.get((brand_id, period), []), dealers)

    def checklists_of(
        self, brand_id: str, period: str, dealers: Collection[str] | None = None
    ) -> list[ChecklistSummary]:
        return _of(self.checklists.get((brand_id, period), []), dealers)

    def statements_of(
        self, brand_id: str, period: str, dealers: Collection[str] | None = None
    ) -> list[Statement]:
        return _of(self.statements.get((brand_id, period), []), dealers)


def _of(found: list[Any], dealers: Collection[str] | None) -> list[Any]:
    return [one for one in found if dealers is None or one.dealer_code in dealers]
