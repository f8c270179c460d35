"""Placements feed the bonus facts: after every stored change, and once more
for the whole period when a manager (or the schedule) closes it.

- `PlacementFactsRecorder` recomputes a dealer's placement section of a
  period from what is stored (placements, reports, the budget) and records
  it whole through the bonus `FactsRecorder`, so doing it twice changes
  nothing.
- `BonusFactsFollower` is the placements `Followers` that calls it after
  each change; `budgets` calls `after_budget_change` after PUT and approve.
- `PlacementsReadiness` is the bonus `PeriodReadiness`: it first recomputes
  every dealer's section of the period (the catch-up for a follower that
  failed after its commit) and then finds the blockers in the fresh facts.

A follower failure never undoes or fails the stored change: the follower
logs it with its ids ("bonus facts not recorded") and the figures catch up
on the dealer's next change of that period, and for every dealer when the
period is closed (`PlacementsReadiness`), which the daily close schedule
tries every day from the brand's close day on.

Limitation: two changes of one dealer's placements of a period at the same
moment each recompute and record the section whole; the one that read
earlier can write last, leaving the facts one change behind until the
dealer's next change or the close. A version on the facts section (write
only if what was read is still the newest) would close that gap.
"""

from collections.abc import Iterator
from datetime import datetime

from chalicelib.bonus.dynamo import StoredFactsReadiness
from chalicelib.bonus.model import CloseBlocker
from chalicelib.bonus.ports import BonusInputs, FactsRecorder
from chalicelib.budgets.ports import BudgetRepository
from chalicelib.clock import Clock
from chalicelib.logs import logger
from chalicelib.placements.facts import budget_plan, placement_facts
from chalicelib.placements.model import Placement, PlacementStatus
from chalicelib.placements.ports import PlacementStore

PAGE = 200


class PlacementFactsRecorder:
    def __init__(self, store: PlacementStore, budgets: BudgetRepository,
                 recorder: FactsRecorder, inputs: BonusInputs, clock: Clock) -> None:
        self._store = store
        self._budgets = budgets
        self._recorder = recorder
        self._inputs = inputs
        self._clock = clock

    def placement_changed(self, placement_id: str) -> None:
        """Recompute the section of the placement's dealer and period."""
        # NOTE: read by key (consistent): the index the period query uses is
        # eventually consistent and may not show this change yet.
        changed = self._store.placement(placement_id)
        if changed is None:
            return
        others = self._approved_of_dealer(changed.brand_id, changed.dealer_code,
                                          changed.period)
        fresh = {p.placement_id: p for p in others}
        fresh[changed.placement_id] = changed
        self._record(changed.brand_id, changed.dealer_code, changed.period,
                     list(fresh.values()))

    def dealer_changed(self, brand_id: str, dealer_code: str, period: str) -> None:
        placements = list(self._approved_of_dealer(brand_id, dealer_code, period))
        self._record(brand_id, dealer_code, period, placements)

    def period_refreshed(self, brand_id: str, period: str) -> int:
        """Every dealer of the period that has placements now or had them
        recorded before; returns how many dealers were recorded."""
        by_dealer: dict[str, list[Placement]] = {}
        for placement in self._approved_of_period(brand_id, period):
            by_dealer.setdefault(placement.dealer_code, []).append(placement)
        recorded = self._inputs.for_period(brand_id, period)
        had = {code for code, facts in recorded.items() if facts.placements is not None}
        for code in sorted(had | set(by_dealer)):
            self._record(brand_id, code, period, by_dealer.get(code, []))
        return len(had | set(by_dealer))

    def _record(self, brand_id: str, dealer_code: str, period: str,
                placements: list[Placement]) -> None:
        approved = [p for p in placements if p.status is PlacementStatus.APPROVED]
        reports = self._store.reports_of([p.placement_id for p in approved]) \
            if approved else {}
        facts = placement_facts(approved, reports, self._clock())
        plan = budget_plan(self._budgets.get(brand_id, dealer_code, period))
        self._recorder.record_placements(brand_id, period, dealer_code, facts, plan)

    def _approved_of_dealer(self, brand_id: str, dealer_code: str,
                            period: str) -> Iterator[Placement]:
        cursor: str | None = None
        while True:
            page = self._store.placements_of_dealer(
                brand_id, dealer_code, period, PlacementStatus.APPROVED, PAGE, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def _approved_of_period(self, brand_id: str, period: str) -> Iterator[Placement]:
        cursor: str | None = None
        while True:
            page = self._store.placements_of_period(
                brand_id, period, (), PlacementStatus.APPROVED, PAGE, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


class BonusFactsFollower:
    """Followers: records the dealer's bonus facts after each change."""

    def __init__(self, recorder: PlacementFactsRecorder) -> None:
        self._recorder = recorder

    def changed(self, brand_id: str, dealer_code: str, placement_id: str) -> None:
        try:
            self._recorder.placement_changed(placement_id)
        except Exception:
            # The change is stored; failing the request now would make the
            # client retry a write that succeeded. See the module docstring.
            logger.exception("bonus facts not recorded", brand_id=brand_id,
                             dealer_id=dealer_code, placement_id=placement_id)

    def after_budget_change(self, brand_id: str, dealer_code: str,
                            period: str) -> None:
        try:
            self._recorder.dealer_changed(brand_id, dealer_code, period)
        except Exception:
            logger.exception("bonus facts not recorded", brand_id=brand_id,
                             dealer_id=dealer_code, period=period)


class PlacementsReadiness:
    """PeriodReadiness over fresh facts: a report not yet past due, or a late
    one awaiting a decision, keeps the period open."""

    def __init__(self, recorder: PlacementFactsRecorder,
                 stored: StoredFactsReadiness) -> None:
        self._recorder = recorder
        self._stored = stored

    def blockers(self, brand_id: str, period: str, now: datetime) -> list[CloseBlocker]:
        # NOTE: recomputing here is deliberate: it is the catch-up for any
        # follower that failed after its commit, before a period is frozen.
        self._recorder.period_refreshed(brand_id, period)
        return self._stored.blockers(brand_id, period, now)
