"""The upstream ports over the areas that own the data: placements and
reports, budgets and their ledger, photo flags, checklists and statements.

Reads only, through each area's repository; every read is a query by brand
and period on a key or an index (no table scan). Mapping the areas' domain
objects to the figures analytics and the BI export use is decided here, in
one place, so the areas keep no knowledge of analytics:
- a placement costs its approved amount once approved, else its cost;
- a report is on time when it was submitted before its `due_at` and not as
  a late report (the API contract: a write at t is on time if t < due_at);
- a budget's actual is the approved amounts posted to the dealer's ledger;
- checklists and the estimated bonus follow the period's published program.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from chalicelib.bonus import checklist as checklists
from chalicelib.bonus.checklist import ItemState
from chalicelib.bonus.facts import DealerFacts
from chalicelib.bonus.model import BonusRun, RunKind, StoredStatement
from chalicelib.bonus.program import Program
from chalicelib.budgets.model import Budget, EntryKind, LedgerEntry
from chalicelib.clock import Clock
from chalicelib.integrations.model import Utm
from chalicelib.integrations.refresh import all_dealers
from chalicelib.integrations.upstream import (
    BudgetFigures,
    ChecklistSummary,
    Only,
    PhotoFlag,
    PlacementCost,
    ReportState,
    Statement,
    StatementLine,
)
from chalicelib.media.model import Photo
from chalicelib.network.ports import DealerRepository
from chalicelib.placements.model import Placement, PlacementStatus, Report, ReportStatus

ZERO = Decimal("0.00")
LATE = frozenset({ReportStatus.LATE_SUBMITTED, ReportStatus.ACCEPTED_LATE})


class PlacementReads(Protocol):
    """What is read of placements (`DynamoPlacements` implements it)."""

    def every_placement_of_period(self, brand_id: str, period: str
                                  ) -> list[Placement]: ...

    def every_placement_of_dealer(self, brand_id: str, dealer_code: str,
                                  period: str) -> list[Placement]: ...

    def reports_of(self, placement_ids: Sequence[str]) -> dict[str, Report]: ...


class BudgetReads(Protocol):
    def get(self, brand_id: str, dealer_code: str, period: str) -> Budget | None: ...

    def budgets_of_period(self, brand_id: str, period: str) -> list[Budget]: ...


class LedgerReads(Protocol):
    def entries(self, brand_id: str, dealer_code: str, period: str
                ) -> list[LedgerEntry]: ...

    def entries_of_period(self, brand_id: str, period: str) -> list[LedgerEntry]: ...


class FlaggedPhotoReads(Protocol):
    def flagged_of_period(self, brand_id: str, period: str) -> list[Photo]: ...


class ProgramReads(Protocol):
    def published_for(self, brand_id: str, period: str) -> Program | None: ...


class FactReads(Protocol):
    def for_period(self, brand_id: str, period: str) -> dict[str, DealerFacts]: ...

    def for_dealers(self, brand_id: str, period: str, codes: Sequence[str]
                    ) -> dict[str, DealerFacts]: ...


class RunReads(Protocol):
    def get(self, brand_id: str, run_id: str) -> BonusRun | None: ...

    def statements(self, run_id: str) -> list[StoredStatement]: ...

    def statement(self, run_id: str, dealer_code: str
                  ) -> StoredStatement | None: ...

    def published_final(self, brand_id: str, period: str) -> str | None: ...

    def latest_completed_preview(self, brand_id: str, period: str
                                 ) -> BonusRun | None: ...


@dataclass(frozen=True, slots=True)
class AreaSources:
    """Every upstream port (`Placements`, `Budgets`, `Reports`, `PhotoFlags`,
    `Checklists`, `Statements`) over the areas' own storage."""

    placements: PlacementReads
    budgets: BudgetReads
    ledger: LedgerReads
    photos: FlaggedPhotoReads
    programs: ProgramReads
    facts: FactReads
    runs: RunReads
    dealers: DealerRepository
    clock: Clock

    def placements_of(self, brand_id: str, period: str,
                      dealers: Only = None) -> list[PlacementCost]:
        return [placement_cost(p) for p in self._placements(brand_id, period,
                                                             dealers)]

    def reports_of(self, brand_id: str, period: str,
                   dealers: Only = None) -> list[ReportState]:
        found = self._placements(brand_id, period, dealers)
        ids = [p.placement_id for p in found if p.status is PlacementStatus.APPROVED]
        now = self.clock()
        found_reports = self.placements.reports_of(ids)
        return [report_state(found_reports[pid], now) for pid in sorted(found_reports)]

    def budgets_of(self, brand_id: str, period: str,
                   dealers: Only = None) -> list[BudgetFigures]:
        budgets, entries = self._budgets(brand_id, period, dealers)
        plans = {b.dealer_code: sum(b.plan.values(), ZERO) for b in budgets}
        actual: dict[str, Decimal] = {}
        for entry in entries:
            if entry.kind is EntryKind.APPROVAL:
                actual[entry.dealer_code] = actual.get(entry.dealer_code,
                                                       ZERO) + entry.amount
        return [BudgetFigures(code, plans.get(code, ZERO), actual.get(code, ZERO))
                for code in sorted(set(plans) | set(actual))]

    def flags_of(self, brand_id: str, period: str,
                 dealers: Only = None) -> list[PhotoFlag]:
        # Flagged photos are few: the period's index query, then the filter.
        photos = self.photos.flagged_of_period(brand_id, period)
        return [flag for photo in photos
                if not photo.archived and _wanted(photo.dealer_code, dealers)
                for flag in photo_flags(photo)]

    def checklists_of(self, brand_id: str, period: str,
                      dealers: Only = None) -> list[ChecklistSummary]:
        program = self.programs.published_for(brand_id, period)
        if program is None:
            return []
        if dealers is None:
            network = all_dealers(self.dealers, brand_id)
            facts = self.facts.for_period(brand_id, period)
        else:
            codes = sorted(set(dealers))
            network = self.dealers.get_many(brand_id, codes)
            facts = self.facts.for_dealers(brand_id, period, codes)
        now = self.clock()
        summaries = []
        for dealer in network:
            dealer_facts = facts.get(dealer.code, DealerFacts(dealer.code))
            built = checklists.build(program.rules, period, dealer, dealer_facts, now)
            if built.takes_part:
                summaries.append(checklist_summary(dealer.code, built.items))
        return summaries

    def statements_of(self, brand_id: str, period: str,
                      dealers: Only = None) -> list[Statement]:
        """The published final run's statements, else the latest completed
        preview's (an estimate)."""
        run = self._current_run(brand_id, period)
        if run is None:
            return []
        if dealers is None:
            found = self.runs.statements(run.run_id)
        else:
            found = [s for code in sorted(set(dealers))
                     if (s := self.runs.statement(run.run_id, code)) is not None]
        final = run.kind is RunKind.FINAL
        computed_at = run.completed_at or run.started_at
        return [statement(run.run_id, stored, final, computed_at) for stored in found]

    def _placements(self, brand_id: str, period: str,
                    dealers: Only) -> list[Placement]:
        if dealers is None:
            return self.placements.every_placement_of_period(brand_id, period)
        return [p for code in sorted(set(dealers)) for p in
                self.placements.every_placement_of_dealer(brand_id, code, period)]

    def _budgets(self, brand_id: str, period: str, dealers: Only
                 ) -> tuple[list[Budget], list[LedgerEntry]]:
        if dealers is None:
            return (self.budgets.budgets_of_period(brand_id, period),
                    self.ledger.entries_of_period(brand_id, period))
        codes = sorted(set(dealers))
        budgets = [b for code in codes
                   if (b := self.budgets.get(brand_id, code, period)) is not None]
        entries = [e for code in codes
                   for e in self.ledger.entries(brand_id, code, period)]
        return budgets, entries

    def _current_run(self, brand_id: str, period: str) -> BonusRun | None:
        final_id = self.runs.published_final(brand_id, period)
        final = self.runs.get(brand_id, final_id) if final_id else None
        return final or self.runs.latest_completed_preview(brand_id, period)


def _wanted(code: str, dealers: Only) -> bool:
    return dealers is None or code in dealers


def placement_cost(placement: Placement) -> PlacementCost:
    approved = placement.approved_amount
    cost = approved if approved is not None else placement.cost
    return PlacementCost(
        placement_id=placement.placement_id, dealer_code=placement.dealer_code,
        channel=placement.channel_id, status=placement.status.value, cost=cost,
        starts_on=placement.starts_on, ends_on=placement.ends_on,
        mandatory=placement.mandatory,
        utm=Utm(placement.utm_source or "", placement.utm_medium or "",
                placement.utm_campaign or ""),
        tracked_phone=placement.tracked_phone or "",
        created_at=placement.created_at, updated_at=placement.updated_at,
    )


def report_state(report: Report, now: datetime) -> ReportState:
    status = report.status_at(now)
    submitted = report.submitted_at
    on_time = (submitted is not None and submitted < report.due_at
               and status not in LATE)
    return ReportState(
        report_id=report.report_id, placement_id=report.placement_id,
        dealer_code=report.dealer_code, status=status.value,
        due_at=report.due_at, submitted_at=submitted, on_time=on_time,
        photo_count=report.photo_count,
    )


def photo_flags(photo: Photo) -> Iterator[PhotoFlag]:
    for flag in photo.flags:
        yield PhotoFlag(photo_id=photo.photo_id, report_id=photo.placement_id,
                        dealer_code=photo.dealer_code, kind=flag.kind.value,
                        state=flag.state.value, flagged_at=flag.raised_at)


def checklist_summary(dealer_code: str,
                      items: Sequence[checklists.ChecklistItem]) -> ChecklistSummary:
    states = [item.state for item in items]
    return ChecklistSummary(dealer_code, met=states.count(ItemState.MET),
                            not_met=states.count(ItemState.NOT_MET),
                            unknown=states.count(ItemState.UNKNOWN))


def statement(run_id: str, stored: StoredStatement, final: bool,
              computed_at: datetime) -> Statement:
    lines = tuple(
        StatementLine(line_no=number, kind=line.kind.value, rule=line.rule,
                      amount=line.amount)
        for number, line in enumerate(stored.statement.lines, start=1))
    return Statement(bonus_run_id=run_id, dealer_code=stored.dealer_code,
                     final=final, total=stored.statement.total,
                     computed_at=computed_at, lines=lines)
