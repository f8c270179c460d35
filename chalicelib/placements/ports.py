"""What the placement and report use cases need from storage and delivery."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.audit.model import AuditEntry
from chalicelib.budgets.model import LedgerEntry
from chalicelib.notifications.model import Event
from chalicelib.paging import Page
from chalicelib.placements.model import Placement, PlacementStatus, Report


@dataclass(frozen=True, slots=True)
class Change:
    """One transition, written all at once or not at all: the placement and
    its report (each if its stored version is still the one read), the
    ledger entries it posts, its audit entries and the events it raises."""

    placement: Placement | None = None
    report: Report | None = None
    delete_report: bool = False
    entries: tuple[LedgerEntry, ...] = ()
    audit: tuple[AuditEntry, ...] = ()
    events: tuple[Event, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Committed:
    """What the change stored, with the versions now stored."""

    placement: Placement | None
    report: Report | None


class PlacementStore(Protocol):
    def placement(self, placement_id: str) -> Placement | None: ...

    def report(self, placement_id: str) -> Report | None: ...

    def reports_of(self, placement_ids: Sequence[str]) -> dict[str, Report]:
        """The reports of these placements that exist, by placement id."""
        ...

    def placements_of_dealer(
        self,
        brand_id: str,
        dealer_code: str,
        period: str | None,
        status: PlacementStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[Placement]: ...

    def placements_of_period(
        self,
        brand_id: str,
        period: str,
        regions: tuple[str, ...],
        status: PlacementStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[Placement]: ...

    def commit(self, change: Change) -> Committed:
        """Raise `StaleVersion` (nothing written) when a version moved on."""
        ...

    def open_reports_due_before(self, moment: datetime) -> Iterator[Report]:
        """Open reports whose deadline is at or before `moment`."""
        ...

    def open_reports_to_remind(self, moment: datetime) -> Iterator[Report]:
        """Open reports whose next reminder is at or before `moment`."""
        ...


class Notifier(Protocol):
    def deliver(self, events: Iterable[Event]) -> None:
        """Tell each event's audience, once per event and person."""
        ...


class Followers(Protocol):
    def changed(self, brand_id: str, dealer_code: str, placement_id: str) -> None:
        """Called after every stored change of a placement or its report, so
        figures derived from placements (bonus facts, analytics) follow.

        At least once per change, possibly again; a follower recomputes what
        it derives from the stored state, so repeats change nothing."""
        ...


class NoFollowers:
    def changed(self, brand_id: str, dealer_code: str, placement_id: str) -> None:
        return None


@dataclass(frozen=True, slots=True)
class EveryFollower:
    """Tells each follower in turn."""

    followers: tuple[Followers, ...] = ()

    def changed(self, brand_id: str, dealer_code: str, placement_id: str) -> None:
        for follower in self.followers:
            follower.changed(brand_id, dealer_code, placement_id)


class CreativeLibrary(Protocol):
    def shows(self, brand_id: str, dealer_code: str, creative_id: str) -> bool:
        """Whether the creative exists in the brand and the dealer sees it
        now (published, meant for it, valid on its date)."""
        ...


class NoCreativeLibrary:
    """Without a library no creative can be checked, so none may be named."""

    def shows(self, brand_id: str, dealer_code: str, creative_id: str) -> bool:
        return False
