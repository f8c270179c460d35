"""Report photos, their flags and the manager's decisions, as the domain sees them."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.channels.model import ProofKind
from chalicelib.errors import Conflict, NotFound, RuleViolated

ACCEPTED_CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
HEIC_CONTENT_TYPES = {"image/heic", "image/heif", "image/heic-sequence"}
MAX_PHOTO_MB = 20
UPLOAD_EXPIRY_SECONDS = 15 * 60


class PhotoStatus(StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"
    REJECTED = "rejected"


class FlagKind(StrEnum):
    DUPLICATE = "duplicate"
    TAKEN_OUTSIDE_PERIOD = "taken_outside_period"
    UNINFORMATIVE = "uninformative"


class FlagState(StrEnum):
    UNDER_REVIEW = "under_review"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Outcome(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"


class PhotoNotFound(NotFound):
    """No photo of the caller's brand and scope has this id."""

    code = "photo_not_found"

    def __init__(self, photo_id: str) -> None:
        super().__init__(f"Photo {photo_id!r} was not found.", photo_id=photo_id)
        self.photo_id = photo_id


class FlagNotFound(NotFound):
    """The photo carries no flag of this kind."""

    code = "flag_not_found"

    def __init__(self, photo_id: str, kind: str) -> None:
        super().__init__(f"Photo {photo_id!r} has no flag {kind!r}.", kind=kind)
        self.photo_id = photo_id
        self.kind = kind


class FlagAlreadyDecided(Conflict):
    """A manager already decided this flag."""

    code = "flag_already_decided"

    def __init__(self, photo_id: str, kind: str, state: str) -> None:
        super().__init__(
            f"Flag {kind!r} of photo {photo_id!r} is already {state!r}.",
            kind=kind, state=state,
        )
        self.photo_id = photo_id


class PhotoTypeNotAccepted(RuleViolated):
    """Photos of this content type are not accepted."""

    code = "photo_type_not_accepted"

    def __init__(self, content_type: str) -> None:
        super().__init__(
            f"Content type {content_type!r} is not accepted for photos.",
            content_type=content_type, accepted=sorted(ACCEPTED_CONTENT_TYPES),
        )
        self.content_type = content_type


class PhotoTooLarge(RuleViolated):
    """The photo is larger than the brand accepts."""

    code = "photo_too_large"

    def __init__(self, size: int, limit_mb: int) -> None:
        super().__init__(
            f"A photo of {size!r} bytes is over {limit_mb!r} MB.",
            size=size, limit_mb=limit_mb,
        )


@dataclass(frozen=True, slots=True)
class PlacementForPhotos:
    """What the photo feature needs to know of a placement and its report."""

    brand_id: str
    placement_id: str
    dealer_code: str
    starts_on: date
    ends_on: date
    due_at: datetime


@dataclass(frozen=True, slots=True)
class MatchedPhoto:
    """The earlier photo a duplicate flag points at."""

    photo_id: str
    dealer_code: str
    placement_id: str
    taken_at: str | None
    exact: bool
    phash_bits: int
    dhash_bits: int


@dataclass(frozen=True, slots=True)
class Decision:
    """A manager's ruling on a flag. Recorded on the flag itself: who, when,
    what and why."""

    outcome: Outcome
    user_id: str
    decided_at: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    state: FlagState
    raised_at: datetime
    match: MatchedPhoto | None = None
    decision: Decision | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind.value, self.match.photo_id if self.match else "")


@dataclass(frozen=True, slots=True)
class Photo:
    brand_id: str
    photo_id: str
    dealer_code: str
    placement_id: str
    object_key: str
    file_name: str
    """Exactly as the dealer's device named it; never part of the key."""
    content_type: str
    declared_size: int
    created_at: datetime
    placement_starts_on: date
    placement_ends_on: date
    status: PhotoStatus = PhotoStatus.PENDING
    reject_reason: str | None = None
    uploaded_at: datetime | None = None
    taken_at: str | None = None
    sha256: str | None = None
    hash_version: str | None = None
    flags: tuple[Flag, ...] = ()
    archived: bool = False
    """Imported from the brand's archive of past reports (`dmm photos import`)."""
    proof: ProofKind = ProofKind.PHOTO
    """What the image proves on the report: a photo of the placement, a
    screenshot, or an invoice (scanned or photographed)."""
    version: int = 1

    def changed(self, **changes: object) -> "Photo":
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def period(self) -> str:
        """The period of its placement: the month the placement starts."""
        return self.placement_starts_on.strftime("%Y-%m")

    @property
    def has_confirmed_duplicate(self) -> bool:
        return any(flag.kind is FlagKind.DUPLICATE and flag.state is FlagState.CONFIRMED
                   for flag in self.flags)

    def with_flag(self, flag: Flag) -> "Photo":
        """The photo with `flag` added, unless one of the same kind and match
        is already there (redelivered events add nothing). Flags are kept in
        the order they were raised, then by kind and match, so the stored
        photo does not depend on the order its events arrived in."""
        if any(existing.key == flag.key for existing in self.flags):
            return self
        flags = sorted((*self.flags, flag), key=lambda f: (f.raised_at, f.key))
        return self.changed(flags=tuple(flags))

    def flag(self, kind: FlagKind) -> Flag | None:
        """The flag of `kind` awaiting a decision first, else the latest."""
        of_kind = [flag for flag in self.flags if flag.kind is kind]
        waiting = [flag for flag in of_kind if flag.state is FlagState.UNDER_REVIEW]
        chosen = waiting or of_kind
        return chosen[0] if chosen else None


def photo_key(brand_id: str, dealer_code: str, placement_id: str, photo_id: str) -> str:
    """The object key the server chooses: brand/dealer/placement/photo id."""
    return f"{brand_id}/{dealer_code}/{placement_id}/{photo_id}"


def parse_photo_key(key: str) -> tuple[str, str, str, str] | None:
    parts = key.split("/")
    if len(parts) != 4 or not all(parts):
        return None
    return parts[0], parts[1], parts[2], parts[3]
