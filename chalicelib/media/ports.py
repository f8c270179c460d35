"""What the photo use cases need from the outside, in domain words."""

from typing import Protocol

from chalicelib.access.model import Caller
from chalicelib.media.matching import StoredHashes
from chalicelib.media.model import Photo, PlacementForPhotos


class PlacementGate(Protocol):
    """The one question the photo feature asks of placements and reports.

    `placement_for_photos(caller, placement_id)` returns the placement's
    brand, dealer code, start and end dates and its report's `due_at`, if
    and only if `caller` may add photos to that report now. Contract, which
    an implementation on top of the placements package must keep:
    - a placement of another brand, an unknown id, or a placement of a
      dealer the caller does not serve raises a `NotFound` subclass (404,
      exactly as if it did not exist);
    - a caller who sees the placement but is not a dealer user of its dealer
      raises `Forbidden` (403);
    - a report that does not accept photos now raises a `RuleViolated`
      subclass (422): accepted only while the report is `open`, or `overdue`
      with an explanation posted; and in either case only while the current
      instant is before `due_at` unless the explanation unlocked it.
    It reads; it never writes.
    """

    def placement_for_photos(
        self, caller: Caller, placement_id: str
    ) -> PlacementForPhotos: ...


class PhotoRepository(Protocol):
    def get(self, brand_id: str, photo_id: str) -> Photo | None: ...

    def save(self, photo: Photo, expected_version: int | None) -> Photo:
        """Create (`expected_version` None) or replace the photo if unchanged
        since that version; raise `AlreadyExists` or `StaleVersion`."""
        ...

    def confirmed_duplicates(self, brand_id: str, dealer_code: str, period: str
                             ) -> int:
        """How many of the dealer's photos of the period (its placements'
        period) carry a confirmed duplicate flag."""
        ...


class HashStore(Protocol):
    """Every stored photo's hashes of a brand, in the order they were stored."""

    def put(self, brand_id: str, stored: StoredHashes) -> None:
        """Store once; storing the same photo again changes nothing."""
        ...

    def added_since(
        self, brand_id: str, version: str, since: str | None
    ) -> tuple[list[StoredHashes], str | None]:
        """Hashes stored after the position `since` (None: all), and the
        position to continue from."""
        ...


class HashSnapshots(Protocol):
    """A brand's whole hash index at one position, in one object: a cold
    container loads it with one read instead of paging through the table."""

    def load(
        self, brand_id: str, version: str
    ) -> tuple[list[StoredHashes], str] | None: ...

    def save(
        self, brand_id: str, version: str, stored: list[StoredHashes], position: str
    ) -> None: ...


class PhotoObjects(Protocol):
    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_seconds: int
    ) -> tuple[str, dict[str, str]]:
        """A presigned POST: its URL and form fields."""
        ...

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The object's bytes, or None when it is gone; at most `max_bytes`+1
        bytes are read, so an oversized object is recognised cheaply."""
        ...

    def link(self, key: str, expires_seconds: int,
             content_type: str | None = None) -> str: ...
