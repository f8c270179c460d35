"""Request and response models of the creative routes."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.audience import AudienceKind
from chalicelib.audience_schemas import AudienceBody
from chalicelib.media.creatives import (
    Creative,
    CreativeDescription,
    CreativeFormat,
    CreativeVersion,
)
from chalicelib.media.creatives_ports import DownloadCount, Link, UploadForm
from chalicelib.media.creatives_service import NewFile
from chalicelib.media.search import Criteria, Sort
from chalicelib.web.schemas import (
    Body,
    FileName,
    ListQuery,
    Reply,
    Text,
    Versioned,
)

PreviewLinks = Callable[[str], str]
"""A preview's object key to a link (the file store's `preview_link`)."""
Tag = Annotated[str, Field(min_length=1, max_length=40)]
Word = Annotated[str, Field(max_length=80)]
ContentType = Annotated[str, Field(pattern=r"^[a-z]+/[a-z0-9.+-]{1,80}$")]


class FormatBody(Body):
    width: int | None = Field(None, ge=1, le=20000)
    height: int | None = Field(None, ge=1, le=20000)
    duration_seconds: int | None = Field(None, ge=1, le=86400)

    @model_validator(mode="after")
    def _one_kind(self) -> "FormatBody":
        sized = self.width is not None and self.height is not None
        partly = (self.width is None) != (self.height is None)
        timed = self.duration_seconds is not None
        if partly or (sized and timed):
            raise ValueError("a format is width and height, or duration_seconds")
        return self

    def format(self) -> CreativeFormat:
        return CreativeFormat(self.width, self.height, self.duration_seconds)


class FileBody(Body):
    file_name: FileName
    content_type: ContentType
    size: int = Field(ge=1, description="Bytes.")

    def new_file(self) -> NewFile:
        return NewFile(self.file_name, self.content_type, self.size)


class NewCreative(Body):
    title: Text
    description: str = Field("", max_length=4000)
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    car_model: Word = ""
    channel: Word = ""
    format: FormatBody = Field(default_factory=lambda: FormatBody(
        width=None, height=None, duration_seconds=None))
    language: Literal["ru", "en"] = "ru"
    campaign: Word = ""
    valid_from: date | None = None
    valid_to: date | None = None
    audience: AudienceBody = Field(
        default_factory=lambda: AudienceBody(kind=AudienceKind.ALL))
    file: FileBody

    def description_of(self) -> CreativeDescription:
        return CreativeDescription(
            title=self.title, description=self.description, tags=tuple(self.tags),
            car_model=self.car_model, channel=self.channel,
            format=self.format.format(), language=self.language,
            campaign=self.campaign, valid_from=self.valid_from,
            valid_to=self.valid_to, audience=self.audience.audience(),
        )


class CreativeUpdate(Versioned):
    title: Text | None = None
    description: str | None = Field(None, max_length=4000)
    tags: list[Tag] | None = Field(None, max_length=30)
    car_model: Word | None = None
    channel: Word | None = None
    format: FormatBody | None = None
    language: Literal["ru", "en"] | None = None
    campaign: Word | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    audience: AudienceBody | None = None

    def description_changes(self) -> dict:
        """Fields sent, as the description holds them; `valid_from` or
        `valid_to` sent as null clear the date."""
        sent = self.model_fields_set - {"version"}
        changes: dict = {}
        for name in sent:
            value = getattr(self, name)
            if isinstance(value, FormatBody):
                value = value.format()
            elif isinstance(value, AudienceBody):
                value = value.audience()
            elif isinstance(value, list):
                value = tuple(value)
            if value is None and name not in ("valid_from", "valid_to"):
                continue
            changes[name] = value
        return changes


class CreativeQuery(ListQuery):
    q: str = Field("", max_length=200, description="Words, Russian or English.")
    model: str | None = Field(None, max_length=80)
    channel: str | None = Field(None, max_length=80)
    format: str | None = Field(None, max_length=20, examples=["1200x628", "30s"])
    tag: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=2)
    valid_now: bool = False
    # A Literal, not the enum: query parameters are documented inline.
    sort: Literal["-updated_at", "updated_at", "title", "-title", "valid_to",
                  "relevance"] | None = None

    def criteria(self) -> Criteria:
        return Criteria(text=self.q, car_model=self.model, channel=self.channel,
                        format_label=self.format, tag=self.tag,
                        language=self.language, valid_now=self.valid_now,
                        sort=Sort(self.sort) if self.sort else None)


class DownloadQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int | None = Field(None, ge=1)


class FormatReply(Reply):
    width: int | None
    height: int | None
    duration_seconds: int | None
    label: str


class AudienceReply(Reply):
    kind: str
    values: list[str]


class VersionReply(Reply):
    number: int
    file_name: str
    content_type: str
    size: int
    status: str
    created_at: datetime
    uploaded_at: datetime | None
    preview_urls: dict[str, str]


class DownloadsReply(Reply):
    total: int
    users: int
    dealers: int


class UploadReply(Reply):
    url: str
    fields: dict[str, str]


class CreativeReply(Reply):
    creative_id: str
    title: str
    description: str
    tags: list[str]
    car_model: str
    channel: str
    format: FormatReply
    language: str
    campaign: str
    valid_from: date | None
    valid_to: date | None
    audience: AudienceReply | None = Field(
        description="Who the creative is for; not shown to dealers.")
    status: Literal["pending", "published"]
    current_version: VersionReply | None
    versions: list[VersionReply] | None = Field(
        description="Every file version, oldest first; only on a single creative.")
    created_at: datetime
    updated_at: datetime
    version: int
    downloads: DownloadsReply | None = None

    @classmethod
    def of(cls, creative: Creative, preview_url: PreviewLinks, for_dealer: bool,
           downloads: DownloadCount | None = None,
           history: bool = True) -> "CreativeReply":
        """`history` False (lists) leaves out the versions; a dealer sees only
        the current one."""
        described = creative.description
        shape = described.format
        current = creative.current
        versions = creative.versions if not for_dealer else (
            tuple(v for v in creative.versions if v is current))
        return cls(
            creative_id=creative.creative_id,
            title=described.title,
            description=described.description,
            tags=list(described.tags),
            car_model=described.car_model,
            channel=described.channel,
            format=FormatReply(width=shape.width, height=shape.height,
                               duration_seconds=shape.duration_seconds,
                               label=shape.label),
            language=described.language,
            campaign=described.campaign,
            valid_from=described.valid_from,
            valid_to=described.valid_to,
            audience=None if for_dealer else AudienceReply(
                kind=described.audience.kind.value,
                values=list(described.audience.values)),
            status="published" if current else "pending",
            current_version=_version(current, preview_url) if current else None,
            versions=[_version(v, preview_url) for v in versions] if history else None,
            created_at=creative.created_at,
            updated_at=creative.updated_at,
            version=creative.version,
            downloads=DownloadsReply(total=downloads.total, users=downloads.users,
                                     dealers=downloads.dealers) if downloads else None,
        )


class CreativePage(Reply):
    items: list[CreativeReply]
    next_cursor: str | None


class CreativeUploadReply(Reply):
    creative: CreativeReply
    upload: UploadReply
    expires_at: datetime

    @classmethod
    def of(cls, creative: CreativeReply, form: UploadForm) -> "CreativeUploadReply":
        return cls(creative=creative,
                   upload=UploadReply(url=form.url, fields=form.fields),
                   expires_at=form.expires_at)


class DownloadReply(Reply):
    url: str
    expires_at: datetime
    file_name: str
    version: int

    @classmethod
    def of(cls, version: CreativeVersion, link: Link) -> "DownloadReply":
        return cls(url=link.url, expires_at=link.expires_at,
                   file_name=version.file_name, version=version.number)


def _version(version: CreativeVersion, preview_url: PreviewLinks) -> VersionReply:
    previews = {key.rsplit("/", 1)[-1].removesuffix(".jpg"): preview_url(key)
                for key in version.preview_keys}
    return VersionReply(
        number=version.number, file_name=version.file_name,
        content_type=version.content_type, size=version.size_bytes,
        status=version.status.value, created_at=version.created_at,
        uploaded_at=version.uploaded_at, preview_urls=previews,
    )
