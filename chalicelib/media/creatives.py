"""Creatives of the media library: what they are, who may see them, and the
rules on their fields. Pure: nothing here fetches or stores."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.audience import Audience
from chalicelib.errors import InvalidInput, NotFound, RuleViolated
from chalicelib.network.model import Dealer

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
MAX_CREATIVE_BYTES = 500 * 1024 * 1024


class CreativeNotFound(NotFound):
    """No creative the caller may see has this id."""

    code = "creative_not_found"

    def __init__(self, creative_id: str) -> None:
        super().__init__(f"Creative {creative_id!r} was not found.",
                         creative_id=creative_id)
        self.creative_id = creative_id


class CreativeVersionNotFound(NotFound):
    """The creative has no uploaded file of this version number."""

    code = "creative_version_not_found"

    def __init__(self, creative_id: str, number: int) -> None:
        super().__init__(
            f"Creative {creative_id!r} has no uploaded version {number!r}.",
            creative_id=creative_id, number=number,
        )


class InvalidValidity(RuleViolated):
    """A creative's validity ends before it starts."""

    code = "invalid_validity"

    def __init__(self, valid_from: date, valid_to: date) -> None:
        super().__init__(
            f"Valid to {valid_to.isoformat()!r} is before valid from "
            f"{valid_from.isoformat()!r}.",
            valid_from=valid_from.isoformat(), valid_to=valid_to.isoformat(),
        )


class UnsupportedCreativeFile(InvalidInput):
    """The file is of a type or size the library does not take."""

    code = "unsupported_creative_file"


class UnreadableImage(InvalidInput):
    """The uploaded file claims to be an image and cannot be read as one."""

    code = "unreadable_image"


class VersionStatus(StrEnum):
    PENDING = "pending"
    """The upload link is issued; the file has not arrived."""
    READY = "ready"


@dataclass(frozen=True, slots=True)
class CreativeFormat:
    """A pixel size for images and layouts, a duration for audio and video."""

    width: int | None = None
    height: int | None = None
    duration_seconds: int | None = None

    @property
    def label(self) -> str:
        """`1200x628` or `30s`, the form the `format` filter takes."""
        if self.duration_seconds is not None:
            return f"{self.duration_seconds}s"
        if self.width is not None and self.height is not None:
            return f"{self.width}x{self.height}"
        return ""


@dataclass(frozen=True, slots=True)
class CreativeVersion:
    number: int
    file_name: str
    content_type: str
    size_bytes: int
    object_key: str
    created_at: datetime
    created_by: str
    status: VersionStatus = VersionStatus.PENDING
    uploaded_at: datetime | None = None
    preview_keys: tuple[str, ...] = ()
    """Small first; empty for files that are not images."""

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


@dataclass(frozen=True, slots=True)
class CreativeDescription:
    """What a manager says of a creative; all of it is editable."""

    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    car_model: str = ""
    channel: str = ""
    format: CreativeFormat = field(default_factory=CreativeFormat)
    language: str = "ru"
    campaign: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    audience: Audience = field(default_factory=Audience)

    def checked(self) -> "CreativeDescription":
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise InvalidValidity(self.valid_from, self.valid_to)
        tags = tuple(dict.fromkeys(tag.strip().lower() for tag in self.tags))
        return replace(self, tags=tuple(tag for tag in tags if tag))


@dataclass(frozen=True, slots=True)
class Creative:
    brand_id: str
    creative_id: str
    description: CreativeDescription
    versions: tuple[CreativeVersion, ...]
    created_at: datetime
    updated_at: datetime
    created_by: str
    version: int = 1
    """Of the stored item, for optimistic writes (not a file version)."""

    @property
    def current(self) -> CreativeVersion | None:
        """The newest version whose file has arrived."""
        ready = [v for v in self.versions if v.status is VersionStatus.READY]
        return max(ready, key=lambda v: v.number) if ready else None

    @property
    def is_published(self) -> bool:
        return self.current is not None

    def version_numbered(self, number: int) -> CreativeVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    def is_valid_on(self, day: date) -> bool:
        starts, ends = self.description.valid_from, self.description.valid_to
        return (starts is None or starts <= day) and (ends is None or day <= ends)

    def with_version(self, version: CreativeVersion, at: datetime) -> "Creative":
        others = tuple(v for v in self.versions if v.number != version.number)
        ordered = tuple(sorted((*others, version), key=lambda v: v.number))
        return replace(self, versions=ordered, updated_at=at)

    def described(self, description: CreativeDescription, at: datetime) -> "Creative":
        return replace(self, description=description.checked(), updated_at=at)

    @property
    def next_number(self) -> int:
        return max((v.number for v in self.versions), default=0) + 1


def visible_to_dealer(creative: Creative, dealer: Dealer, today: date) -> bool:
    """A dealer sees a creative that has a file, is meant for it and is valid
    on `today` (the dealer's own date)."""
    return (
        creative.brand_id == dealer.brand_id
        and creative.is_published
        and creative.description.audience.includes(dealer)
        and creative.is_valid_on(today)
    )


def visible_to_any(
    creative: Creative, dealers: list[Dealer], today_of: dict[str, date]
) -> bool:
    """For a dealer user serving several dealers: visible to one of them."""
    return any(
        visible_to_dealer(creative, dealer, today_of[dealer.code]) for dealer in dealers
    )
