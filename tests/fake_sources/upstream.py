"""In-memory upstream data (placements, budgets, reports, flags, checklists,
statements), implementing the ports of chalicelib.integrations.upstream."""

from dataclasses import dataclass, field

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

    def placements_of(self, brand_id: str, period: str) -> list[PlacementCost]:
        return self.placements.get((brand_id, period), [])

    def budgets_of(self, brand_id: str, period: str) -> list[BudgetFigures]:
        return self.budgets.get((brand_id, period), [])

    def reports_of(self, brand_id: str, period: str) -> list[ReportState]:
        return self.reports.get((brand_id, period), [])

    def flags_of(self, brand_id: str, period: str) -> list[PhotoFlag]:
        return self.flags.get((brand_id, period), [])

    def checklists_of(self, brand_id: str, period: str) -> list[ChecklistSummary]:
        return self.checklists.get((brand_id, period), [])

    def statements_of(self, brand_id: str, period: str) -> list[Statement]:
        return self.statements.get((brand_id, period), [])
