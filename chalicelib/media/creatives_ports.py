"""What the creative use cases need from storage and from the file store."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.media.creatives import Creative


@dataclass(frozen=True, slots=True)
class UploadForm:
    """A presigned POST: the client posts `fields` and the file to `url`."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class DownloadCount:
    total: int
    users: int
    dealers: int


@dataclass(frozen=True, slots=True)
class PreviewImage:
    size: int
    """The box the preview fits: its long side is at most this many pixels."""
    jpeg: bytes
    width: int
    height: int


class PreviewMaker(Protocol):
    """Previews of an image's bytes (Pillow, in the imaging layer only)."""

    def __call__(self, image_bytes: bytes) -> list[PreviewImage]: ...


class CreativeRepository(Protocol):
    def get(self, brand_id: str, creative_id: str) -> Creative | None: ...

    def save(self, creative: Creative, expected_version: int | None) -> Creative:
        """Store if the stored version is `expected_version` (None: new); the
        save takes the brand's next change number, so search indexes see it."""
        ...


class DownloadLedger(Protocol):
    def record(
        self,
        brand_id: str,
        creative_id: str,
        user_id: str,
        dealer_codes: tuple[str, ...],
        at: datetime,
    ) -> None: ...

    def count(self, brand_id: str, creative_id: str) -> DownloadCount: ...


class CreativeFiles(Protocol):
    def upload_form(
        self, key: str, content_type: str, max_bytes: int
    ) -> UploadForm: ...

    def download_link(self, key: str, content_type: str, disposition: str) -> Link: ...

    def preview_link(self, key: str) -> str: ...

    def read(self, key: str) -> bytes: ...

    def write(self, key: str, body: bytes, content_type: str) -> None: ...
