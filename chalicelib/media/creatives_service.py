"""Use cases of the creative library: register and describe creatives, take
their files, search, download, and tell dealers about new ones."""

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.access.ports import UserRepository
from chalicelib.audience import every_dealer, every_user, users_serving
from chalicelib.clock import Clock
from chalicelib.errors import StaleVersion
from chalicelib.media import disposition
from chalicelib.media.creatives import (
    MAX_CREATIVE_BYTES,
    Creative,
    CreativeDescription,
    CreativeNotFound,
    CreativeVersion,
    CreativeVersionNotFound,
    UnreadableImage,
    UnsupportedCreativeFile,
    VersionStatus,
    visible_to_any,
    visible_to_dealer,
)
from chalicelib.media.creatives_ports import (
    CreativeFiles,
    CreativeRepository,
    DownloadCount,
    DownloadLedger,
    Link,
    PreviewMaker,
    UploadForm,
)
from chalicelib.media.search import CatalogCache, Criteria, Viewer, page_of
from chalicelib.network.model import Dealer
from chalicelib.network.ports import BrandRepository, DealerRepository
from chalicelib.notification_prefs.kinds import NotificationKind
from chalicelib.notification_prefs.notifier import Notifier
from chalicelib.paging import Page

# Previews of larger images are skipped: decoding them could outlast or
# outgrow the preview function (the original stays downloadable).
MAX_PREVIEW_SOURCE_BYTES = 60 * 1024 * 1024
SAVE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class NewFile:
    file_name: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Upload:
    creative: Creative
    form: UploadForm


@dataclass(frozen=True, slots=True)
class Recipients:
    """Where a creative's notifications go; read once per event."""

    dealers: DealerRepository
    users: UserRepository


def create_creative(
    creatives: CreativeRepository,
    files: CreativeFiles,
    clock: Clock,
    caller: Caller,
    description: CreativeDescription,
    new_file: NewFile,
) -> Upload:
    ensure_permitted(caller, Action.WRITE_CREATIVES)
    now = clock()
    creative_id = f"cr-{uuid.uuid4().hex[:20]}"
    creative = Creative(
        brand_id=caller.brand_id,
        creative_id=creative_id,
        description=description.checked(),
        versions=(),
        created_at=now,
        updated_at=now,
        created_by=caller.user_id,
    )
    return _with_new_version(creatives, files, caller, creative, new_file, now, None)


def add_version(
    creatives: CreativeRepository,
    dealers: DealerRepository,
    files: CreativeFiles,
    clock: Clock,
    caller: Caller,
    creative_id: str,
    new_file: NewFile,
) -> Upload:
    """A new file for the creative: a new version; earlier ones stay as history."""
    creative = _writable_creative(creatives, dealers, clock, caller, creative_id)
    return _with_new_version(
        creatives, files, caller, creative, new_file, clock(), creative.version
    )


def describe_creative(
    creatives: CreativeRepository,
    notifier: Notifier,
    recipients: Recipients,
    clock: Clock,
    caller: Caller,
    creative_id: str,
    changes: dict,
    version: int,
) -> Creative:
    """Change a creative's description. Dealers newly in its audience hear of
    it as a new creative; the rest are not told of a change of wording."""
    creative = _writable_creative(creatives, recipients.dealers, clock, caller,
                                  creative_id)
    described = replace(creative.description, **changes)
    saved = creatives.save(creative.described(described, clock()), version)

    if saved.is_published:
        before = set(_audience_users(recipients, creative, clock))
        after = _audience_users(recipients, saved, clock)
        newly = [user_id for user_id in after if user_id not in before]
        event_id = f"creative:{saved.brand_id}:{saved.creative_id}:r{saved.version}"
        _tell(notifier, event_id, saved, newly, NotificationKind.CREATIVE_PUBLISHED)
    return saved


def get_creative(
    creatives: CreativeRepository,
    dealers: DealerRepository,
    brands: BrandRepository,
    clock: Clock,
    caller: Caller,
    creative_id: str,
) -> Creative:
    ensure_permitted(caller, Action.READ_CREATIVES)
    creative = creatives.get(caller.brand_id, creative_id)
    if creative is None:
        raise CreativeNotFound(creative_id)
    viewer = _viewer(dealers, brands, clock, caller)
    if viewer.dealers is not None and not visible_to_any(
        creative, list(viewer.dealers), viewer.today_of
    ):
        raise CreativeNotFound(creative_id)
    return creative


def search_creatives(
    catalog: CatalogCache,
    dealers: DealerRepository,
    brands: BrandRepository,
    clock: Clock,
    caller: Caller,
    criteria: Criteria,
    limit: int,
    cursor: str | None,
) -> Page[Creative]:
    """The creatives the caller may see that match; a dealer user sees only
    those meant for one of its dealers and valid on that dealer's date."""
    ensure_permitted(caller, Action.READ_CREATIVES)
    viewer = _viewer(dealers, brands, clock, caller)
    found = catalog.index_of(caller.brand_id).search(criteria, viewer)
    return page_of(found, limit, cursor)


def creative_exists_for(
    creatives: CreativeRepository,
    dealers: DealerRepository,
    brands: BrandRepository,
    clock: Clock,
    caller: Caller,
    creative_id: str,
) -> bool:
    """Whether a placement of `caller` may name this creative: it exists in
    the caller's brand and, for a dealer user, is visible to it now."""
    try:
        get_creative(creatives, dealers, brands, clock, caller, creative_id)
    except CreativeNotFound:
        return False
    return True


@dataclass(frozen=True, slots=True)
class PlacementCreatives:
    """The library as placements see it: whether a dealer may name a creative."""

    creatives: CreativeRepository
    dealers: DealerRepository
    clock: Clock

    def shows(self, brand_id: str, dealer_code: str, creative_id: str) -> bool:
        creative = self.creatives.get(brand_id, creative_id)
        dealer = self.dealers.get(brand_id, dealer_code)
        if creative is None or dealer is None:
            return False
        today = _local_date(self.clock(), dealer.time_zone)
        return visible_to_dealer(creative, dealer, today)


def download_creative(
    creatives: CreativeRepository,
    dealers: DealerRepository,
    brands: BrandRepository,
    files: CreativeFiles,
    ledger: DownloadLedger,
    clock: Clock,
    caller: Caller,
    creative_id: str,
    number: int | None,
) -> tuple[CreativeVersion, Link]:
    """A presigned link to the file (the current version unless `number` is
    given) under its original name; the download is counted."""
    creative = get_creative(creatives, dealers, brands, clock, caller, creative_id)
    ensure_permitted(caller, Action.DOWNLOAD_CREATIVES)
    chosen = creative.current if number is None else creative.version_numbered(number)
    if caller.is_dealer and chosen is not creative.current:
        # Dealers work with the current file only; history is the importer's.
        chosen = None
    if chosen is None or chosen.status is not VersionStatus.READY:
        raise CreativeVersionNotFound(creative_id, number or 0)

    header = disposition.attachment(chosen.file_name)
    link = files.download_link(chosen.object_key, chosen.content_type, header)
    ledger.record(caller.brand_id, creative_id, caller.user_id,
                  caller.dealer_codes, clock())
    return chosen, link


def download_count(
    ledger: DownloadLedger, caller: Caller, creative: Creative
) -> DownloadCount | None:
    """Download figures for the importer; dealers do not see them."""
    if caller.is_dealer:
        return None
    return ledger.count(creative.brand_id, creative.creative_id)


def accept_upload(
    creatives: CreativeRepository,
    files: CreativeFiles,
    make_previews: PreviewMaker,
    notifier: Notifier,
    recipients: Recipients,
    clock: Clock,
    object_key: str,
    size_bytes: int,
) -> Creative | None:
    """A creative's file arrived: previews for images, the version becomes
    current, and the dealers it is meant for are told.

    Safe to run again for the same file (S3 and SQS deliver at least once):
    the version is marked once and the notification carries a stable id.
    Returns None for a key that names no pending or ready version.
    """
    place = parse_object_key(object_key)
    if place is None:
        return None
    brand_id, creative_id, number = place

    for _ in range(SAVE_ATTEMPTS):
        creative = creatives.get(brand_id, creative_id)
        version = creative.version_numbered(number) if creative else None
        if creative is None or version is None or version.object_key != object_key:
            return None
        if version.status is VersionStatus.READY:
            saved = creative
            break
        ready = _made_ready(files, make_previews, creative, version, size_bytes,
                            clock())
        try:
            saved = creatives.save(creative.with_version(ready, clock()),
                                   creative.version)
            break
        except StaleVersion:
            continue
    else:
        raise StaleVersion("The creative kept changing while its file arrived.")

    kind = (NotificationKind.CREATIVE_PUBLISHED if number == 1
            else NotificationKind.CREATIVE_UPDATED)
    event_id = f"creative:{brand_id}:{creative_id}:v{number}"
    users = _audience_users(recipients, saved, clock)
    _tell(notifier, event_id, saved, users, kind)
    return saved


def object_key_of(brand_id: str, creative_id: str, number: int) -> str:
    return f"creatives/{brand_id}/{creative_id}/v{number}/original"


def preview_key_of(brand_id: str, creative_id: str, number: int, size: int) -> str:
    """Outside `creatives/`, so writing a preview notifies no upload queue."""
    return f"previews/{brand_id}/{creative_id}/v{number}/{size}.jpg"


def parse_object_key(key: str) -> tuple[str, str, int] | None:
    """(brand, creative id, version number) of an original's object key."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != "creatives" or parts[4] != "original":
        return None
    number = parts[3].removeprefix("v")
    if not number.isdigit():
        return None
    return parts[1], parts[2], int(number)


def _with_new_version(
    creatives: CreativeRepository,
    files: CreativeFiles,
    caller: Caller,
    creative: Creative,
    new_file: NewFile,
    now: datetime,
    expected_version: int | None,
) -> Upload:
    _check_file(new_file)
    number = creative.next_number
    key = object_key_of(creative.brand_id, creative.creative_id, number)
    version = CreativeVersion(
        number=number,
        file_name=new_file.file_name,
        content_type=new_file.content_type,
        size_bytes=new_file.size_bytes,
        object_key=key,
        created_at=now,
        created_by=caller.user_id,
    )
    saved = creatives.save(creative.with_version(version, now), expected_version)
    form = files.upload_form(key, new_file.content_type, new_file.size_bytes)
    return Upload(creative=saved, form=form)


def _check_file(new_file: NewFile) -> None:
    if not 0 < new_file.size_bytes <= MAX_CREATIVE_BYTES:
        raise UnsupportedCreativeFile(
            f"A creative's file must be 1 to {MAX_CREATIVE_BYTES!r} bytes, "
            f"not {new_file.size_bytes!r}.",
            size=new_file.size_bytes, max_bytes=MAX_CREATIVE_BYTES,
        )


def _made_ready(
    files: CreativeFiles,
    make_previews: PreviewMaker,
    creative: Creative,
    version: CreativeVersion,
    size_bytes: int,
    now: datetime,
) -> CreativeVersion:
    """The version with its file arrived. An image that cannot be read gets
    no previews and stays downloadable: retrying would not make it readable."""
    preview_keys: tuple[str, ...] = ()
    if version.is_image and size_bytes <= MAX_PREVIEW_SOURCE_BYTES:
        try:
            made = make_previews(files.read(version.object_key))
        except UnreadableImage:
            made = []
        for preview in made:
            key = preview_key_of(creative.brand_id, creative.creative_id,
                                 version.number, preview.size)
            files.write(key, preview.jpeg, "image/jpeg")
            preview_keys += (key,)
    return replace(version, status=VersionStatus.READY, uploaded_at=now,
                   size_bytes=size_bytes, preview_keys=preview_keys)


def _writable_creative(
    creatives: CreativeRepository,
    dealers: DealerRepository,
    clock: Clock,
    caller: Caller,
    creative_id: str,
) -> Creative:
    """A creative of the caller's brand for writing. Visibility first: a
    dealer user that sees the creative is forbidden to change it; one that
    does not see it gets the same not-found as for a creative that does not
    exist."""
    creative = creatives.get(caller.brand_id, creative_id)
    if creative is None or not _dealer_sees(dealers, clock, caller, creative):
        raise CreativeNotFound(creative_id)
    ensure_permitted(caller, Action.WRITE_CREATIVES)
    return creative


def _dealer_sees(
    dealers: DealerRepository, clock: Clock, caller: Caller, creative: Creative
) -> bool:
    """Whether the creative is visible to one of a dealer user's dealers
    today (in that dealer's zone); true for the importer's roles."""
    if not caller.is_dealer:
        return True
    now = clock()
    own = dealers.get_many(caller.brand_id, sorted(caller.dealer_codes))
    today_of = {dealer.code: _local_date(now, dealer.time_zone) for dealer in own}
    return visible_to_any(creative, own, today_of)


def _viewer(
    dealers: DealerRepository, brands: BrandRepository, clock: Clock, caller: Caller
) -> Viewer:
    now = clock()
    brand = brands.get(caller.brand_id)
    brand_today = _local_date(now, brand.time_zone if brand else "UTC")
    if not caller.is_dealer:
        return Viewer(brand_today=brand_today)
    own = dealers.get_many(caller.brand_id, sorted(caller.dealer_codes))
    today_of = {dealer.code: _local_date(now, dealer.time_zone) for dealer in own}
    return Viewer(brand_today=brand_today, dealers=tuple(own), today_of=today_of)


def _audience_users(
    recipients: Recipients, creative: Creative, clock: Clock
) -> list[str]:
    """Dealer users of the dealers that see the creative today."""
    # Limitation: a creative valid only from a later day is not announced when
    # that day comes; it needs a daily schedule announcing the creatives whose
    # validity starts that day (the event id `creative:...:v{n}` keeps it once).
    now = clock()
    seeing = [
        dealer.code
        for dealer in every_dealer(recipients.dealers, creative.brand_id)
        if _sees_now(creative, dealer, now)
    ]
    return users_serving(every_user(recipients.users, creative.brand_id), seeing)


def _sees_now(creative: Creative, dealer: Dealer, now: datetime) -> bool:
    return visible_to_dealer(creative, dealer, _local_date(now, dealer.time_zone))


def _tell(
    notifier: Notifier,
    event_id: str,
    creative: Creative,
    user_ids: list[str],
    kind: NotificationKind,
) -> None:
    if not user_ids:
        return
    params = {
        "title": creative.description.title,
        "creative_id": creative.creative_id,
        "channel": creative.description.channel,
    }
    notifier.notify(event_id, creative.brand_id, user_ids, kind, params)


def _local_date(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()
