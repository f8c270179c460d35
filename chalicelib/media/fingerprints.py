"""The fingerprint of a photo as matching and storage see it: plain values.

Kept apart from `hashing` so that code which only stores or compares
fingerprints never imports the imaging stack (Pillow, numpy, scipy, imagehash):
only the functions that hash photos carry that layer.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

NORMALISATION = "grey256-v1"
"""Changes whenever the normalisation in `hashing` changes: hashes of
different normalisations are never compared."""


def _installed(name: str) -> str:
    try:
        return package_version(name)
    except PackageNotFoundError:
        return "absent"


HASH_VERSION = (
    f"imagehash-{_installed('ImageHash')}"
    f"+pillow-{_installed('pillow')}+{NORMALISATION}"
)


class UnreadablePhoto(Exception):
    """The bytes are not a photo the app can hash; `reason` is a stable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"Unreadable photo: {reason!r} {detail}".strip())
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class CaptureTime:
    """When the camera says the photo was taken: its own wall-clock time, and
    the UTC offset when the camera recorded one (EXIF OffsetTimeOriginal)."""

    local: datetime
    utc_offset: timedelta | None

    @property
    def aware(self) -> datetime | None:
        if self.utc_offset is None:
            return None
        return self.local.replace(tzinfo=timezone(self.utc_offset))

    def isoformat(self) -> str:
        aware = self.aware
        return (aware or self.local).isoformat()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What matching needs of one photo. `phash` and `dhash` are 64-bit
    integers of the photo as it is; `orientations` holds (phash, dhash) of
    each of the eight `ORIENTATIONS`, the first being the photo as it is;
    `crops` of its centre and four corners, each `CROP_KEEP` of a side."""

    sha256: str
    phash: int
    dhash: int
    orientations: tuple[tuple[int, int], ...]
    crops: tuple[tuple[int, int], ...]
    version: str
    uninformative: bool
    taken: CaptureTime | None
    format: str
    width: int
    height: int


def hamming(first: int, second: int) -> int:
    return (first ^ second).bit_count()


