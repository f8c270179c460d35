"""A `PlacementGate` over placements listed in memory, for tests of the
photo pipeline that need no placements package: it keeps the contract of
`PlacementGate`. The app itself uses `reports_gate.ReportsGate` over the
real placements and reports.
"""

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from chalicelib.access.model import Caller
from chalicelib.clock import Clock
from chalicelib.errors import Forbidden, NotFound, RuleViolated
from chalicelib.media.model import PlacementForPhotos


class PlacementNotFound(NotFound):
    """No placement of the caller's brand and scope has this id."""

    code = "placement_not_found"

    def __init__(self, placement_id: str) -> None:
        super().__init__(f"Placement {placement_id!r} was not found.",
                         placement_id=placement_id)
        self.placement_id = placement_id


class ReportClosedForPhotos(RuleViolated):
    """The placement's report does not accept photos now."""

    code = "report_closed_for_photos"

    def __init__(self, placement_id: str, status: str) -> None:
        super().__init__(
            f"The report of placement {placement_id!r} is {status!r} and takes "
            "no photos now.", placement_id=placement_id, status=status,
        )
        self.placement_id = placement_id


@dataclass(frozen=True, slots=True)
class ListedPlacement:
    placement: PlacementForPhotos
    report_status: str = "open"
    explained: bool = False


class ListedPlacementGate:
    def __init__(
        self, clock: Clock, listed: list[ListedPlacement] | None = None
    ) -> None:
        self._clock = clock
        self._listed = {entry.placement.placement_id: entry for entry in listed or []}

    def add(self, entry: ListedPlacement) -> None:
        self._listed[entry.placement.placement_id] = entry

    def placement_for_photos(
        self, caller: Caller, placement_id: str
    ) -> PlacementForPhotos:
        entry = self._listed.get(placement_id)
        if entry is None or entry.placement.brand_id != caller.brand_id:
            raise PlacementNotFound(placement_id)
        placement = entry.placement
        if caller.is_dealer and placement.dealer_code not in caller.dealer_codes:
            raise PlacementNotFound(placement_id)
        if not caller.is_dealer:
            raise Forbidden("Only the placement's dealer adds photos.",
                            action="photo.upload")
        if not _accepts_photos(entry, self._clock()):
            raise ReportClosedForPhotos(placement_id, entry.report_status)
        return placement


def _accepts_photos(entry: ListedPlacement, now: datetime) -> bool:
    """Open before `due_at`, or overdue once an explanation unlocked it."""
    if entry.report_status == "open":
        return now < entry.placement.due_at
    return entry.report_status == "overdue" and entry.explained


def listed_from_file(path: Path) -> list[ListedPlacement]:
    """Placements of a TOML file: `[[placement]]` tables with brand_id,
    placement_id, dealer_code, starts_on, ends_on, due_at, report_status."""
    if not path.exists():
        return []
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    return [_listed(entry) for entry in document.get("placement", [])]


def _listed(entry: dict) -> ListedPlacement:
    due_at = entry["due_at"]
    if not isinstance(due_at, datetime):
        due_at = datetime.fromisoformat(due_at)
    placement = PlacementForPhotos(
        brand_id=entry["brand_id"], placement_id=entry["placement_id"],
        dealer_code=entry["dealer_code"], starts_on=_date(entry["starts_on"]),
        ends_on=_date(entry["ends_on"]),
        due_at=due_at,
    )
    return ListedPlacement(placement, entry.get("report_status", "open"),
                           bool(entry.get("explained", False)))


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
