"""Use cases of report photos: ask for an upload, process an uploaded object,
read a photo with its flags, decide a flag."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.access.model import Caller, Role
from chalicelib.access.policy import Action, can_see, ensure_permitted
from chalicelib.channels.model import ProofKind
from chalicelib.clock import Clock
from chalicelib.errors import StaleVersion
from chalicelib.media.fingerprints import Fingerprint, UnreadablePhoto
from chalicelib.media.matching import (
    Match,
    PhotoIndex,
    StoredHashes,
    Thresholds,
    stored_hashes,
)
from chalicelib.media.model import (
    ACCEPTED_CONTENT_TYPES,
    MAX_PHOTO_MB,
    UPLOAD_EXPIRY_SECONDS,
    Decision,
    Flag,
    FlagAlreadyDecided,
    FlagKind,
    FlagNotFound,
    FlagState,
    MatchedPhoto,
    Outcome,
    Photo,
    PhotoNotFound,
    PhotoStatus,
    PhotoTooLarge,
    PhotoTypeNotAccepted,
    parse_photo_key,
    photo_key,
)
from chalicelib.media.ports import (
    HashSnapshots,
    HashStore,
    PhotoObjects,
    PhotoRepository,
    PlacementGate,
)
from chalicelib.network.model import Brand
from chalicelib.network.ports import BrandRepository, DealerRepository

MB = 1024 * 1024
LINK_SECONDS = 15 * 60
_UPDATE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class UploadTicket:
    photo: Photo
    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ObjectCreated:
    """One S3 ObjectCreated record, its key already URL-decoded."""

    key: str
    size: int
    event_time: datetime


@dataclass(frozen=True, slots=True)
class PhotoView:
    photo: Photo
    shows_matches: bool
    links: dict[str, str]
    """Photo id → a presigned link, for the photo and every matched one."""


def request_upload(
    photos: PhotoRepository,
    gate: PlacementGate,
    brands: BrandRepository,
    objects: PhotoObjects,
    clock: Clock,
    new_id: Callable[[], str],
    caller: Caller,
    placement_id: str,
    file_name: str,
    content_type: str,
    size: int,
    proof: ProofKind = ProofKind.PHOTO,
) -> UploadTicket:
    """A presigned POST for one image of the placement's report (a photo, a
    screenshot or an invoice, as `proof` says); only the placement's own
    dealer, only while its report accepts photos."""
    placement = gate.placement_for_photos(caller, placement_id)
    ensure_permitted(caller, Action.UPLOAD_PHOTO)
    limit_mb = photo_limit_mb(brands.get(caller.brand_id))
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise PhotoTypeNotAccepted(content_type)
    if size > limit_mb * MB:
        raise PhotoTooLarge(size, limit_mb)

    photo_id = new_id()
    now = clock()
    key = photo_key(placement.brand_id, placement.dealer_code, placement_id, photo_id)
    photo = Photo(
        brand_id=placement.brand_id, photo_id=photo_id,
        dealer_code=placement.dealer_code, placement_id=placement_id,
        object_key=key, file_name=file_name, content_type=content_type,
        declared_size=size, created_at=now,
        placement_starts_on=placement.starts_on, placement_ends_on=placement.ends_on,
        proof=proof,
    )
    saved = photos.save(photo, expected_version=None)
    url, fields = objects.upload_form(key, content_type, limit_mb * MB,
                                      UPLOAD_EXPIRY_SECONDS)
    expires_at = now + timedelta(seconds=UPLOAD_EXPIRY_SECONDS)
    return UploadTicket(photo=saved, url=url, fields=fields, expires_at=expires_at)


def photo_limit_mb(brand: Brand | None) -> int:
    return min(MAX_PHOTO_MB, brand.max_photo_mb) if brand else MAX_PHOTO_MB


SNAPSHOT_EVERY = 500
"""A new snapshot is written once this many hashes were added since the last."""


@dataclass
class _Loaded:
    index: PhotoIndex
    position: str | None
    since_snapshot: int


class IndexCache:
    """Each brand's hash index, loaded once per warm container (from the
    latest snapshot, when there is one) and brought up to date with the hashes
    stored since, before every lookup. Every `SNAPSHOT_EVERY` additions it
    writes a fresh snapshot, so a cold container never pages the whole table.
    """

    def __init__(
        self,
        hashes: HashStore,
        snapshots: HashSnapshots | None = None,
        snapshot_every: int = SNAPSHOT_EVERY,
    ) -> None:
        self._hashes = hashes
        self._snapshots = snapshots
        self._snapshot_every = snapshot_every
        self._loaded: dict[tuple[str, str], _Loaded] = {}

    def refreshed(self, brand_id: str, version: str) -> PhotoIndex:
        key = (brand_id, version)
        loaded = self._loaded.get(key) or self._cold(brand_id, version)
        added, position = self._hashes.added_since(brand_id, version, loaded.position)
        fresh = [stored for stored in added if stored.photo_id not in loaded.index]
        for stored in fresh:
            loaded.index.add(stored)
        loaded.position = position
        loaded.since_snapshot += len(fresh)
        self._loaded[key] = loaded
        if self._due_for_snapshot(loaded):
            self._snapshot(brand_id, version, loaded)
        return loaded.index

    def _due_for_snapshot(self, loaded: _Loaded) -> bool:
        return bool(self._snapshots and loaded.position
                    and loaded.since_snapshot >= self._snapshot_every)

    def _snapshot(self, brand_id: str, version: str, loaded: _Loaded) -> None:
        assert self._snapshots is not None and loaded.position is not None
        self._snapshots.save(brand_id, version, loaded.index.photos(),
                             loaded.position)
        loaded.since_snapshot = 0

    def _cold(self, brand_id: str, version: str) -> _Loaded:
        index = PhotoIndex(version)
        found = self._snapshots.load(brand_id, version) if self._snapshots else None
        if found is None:
            return _Loaded(index, None, 0)
        stored, position = found
        for each in stored:
            index.add(each)
        return _Loaded(index, position, 0)


def process_upload(
    photos: PhotoRepository,
    hashes: HashStore,
    indexes: IndexCache,
    objects: PhotoObjects,
    brands: BrandRepository,
    dealers: DealerRepository,
    clock: Clock,
    created: ObjectCreated,
    accepted: Callable[[Photo], None] = lambda _photo: None,
    flagged: Callable[[Photo, Flag], None] = lambda _photo, _flag: None,
) -> str:
    """Check, hash and match one uploaded photo; returns what happened.
    `accepted` hears of every photo that ends processed, and `flagged` of
    every flag raised, on this photo or on an earlier one it matches (both
    again on a redelivery, so they must be idempotent).

    Idempotent: a photo already processed or rejected is left as it is, and
    every write below can be repeated without effect."""
    parsed = parse_photo_key(created.key)
    if parsed is None:
        return "not_a_photo_key"
    brand_id, _, _, photo_id = parsed
    photo = photos.get(brand_id, photo_id)
    if photo is None or photo.object_key != created.key:
        return "unknown_photo"
    if photo.status is not PhotoStatus.PENDING:
        # A delivery cut off after the photo was stored processed (say,
        # counting it as proof was throttled) is completed by this one.
        if photo.status is PhotoStatus.PROCESSED:
            accepted(photo)
        for flag in photo.flags:
            if flag.state is FlagState.UNDER_REVIEW:
                flagged(photo, flag)
        return "already_done"
    brand = brands.get(brand_id)

    # Imported here: only the photo-processing function carries the imaging
    # layer; every other function of the app imports this module without it.
    from chalicelib.media.hashing import fingerprint

    content = objects.read(created.key, photo_limit_mb(brand) * MB)
    if content is None:
        return "object_gone"
    try:
        if len(content) > photo_limit_mb(brand) * MB:
            raise UnreadablePhoto("too_large")
        found = fingerprint(content)
    except UnreadablePhoto as exc:
        _reject(photos, photo, exc.reason)
        return "rejected"

    uploaded_at = photo.uploaded_at or created.event_time
    stored = stored_hashes(found, photo_id=photo_id, dealer_code=photo.dealer_code,
                           placement_id=photo.placement_id, uploaded_at=uploaded_at)
    # Stored before comparing: of two copies processed at once, the second
    # to look finds the first.
    hashes.put(brand_id, stored)
    index = indexes.refreshed(brand_id, found.version)
    limits = thresholds(brand)
    flags, theirs = _duplicate_flags(photos, brand_id, index, stored, found, limits,
                                     clock)
    flags += _content_flags(photo, found, brand, dealers, clock)

    def processed(current: Photo) -> Photo:
        # The content type read from the signature, not the one declared.
        done = current.changed(status=PhotoStatus.PROCESSED, uploaded_at=uploaded_at,
                               taken_at=stored.taken_at, sha256=found.sha256,
                               hash_version=found.version,
                               content_type=f"image/{found.format}")
        for flag in flags:
            done = done.with_flag(flag)
        return done

    _update(photos, brand_id, photo_id, processed)
    accepted(photo)
    for flag in flags:
        flagged(photo, flag)
    for other_id, flag in theirs:
        other = photos.get(brand_id, other_id)
        if other is not None:
            flagged(other, flag)
    return "processed"


def thresholds(brand: Brand | None) -> Thresholds:
    if brand is None:
        return Thresholds()
    return Thresholds(phash_bits=brand.duplicate_phash_bits,
                      dhash_bits=brand.duplicate_dhash_bits)


def get_photo(
    photos: PhotoRepository,
    dealers: DealerRepository,
    objects: PhotoObjects,
    caller: Caller,
    photo_id: str,
) -> PhotoView:
    """The photo and its flags. The owner dealer sees each flag's kind and
    state only; managers also see the matched photo and links to both."""
    photo = visible_photo(photos, dealers, caller, photo_id)
    ensure_permitted(caller, Action.READ_PHOTO)
    if caller.role not in {Role.IMPORTER_ADMIN, Role.IMPORTER_MANAGER}:
        return PhotoView(photo=photo, shows_matches=False, links={})
    photo = _matches_in_scope(dealers, caller, photo)
    links = {photo.photo_id: _link(objects, photo)}
    for flag in photo.flags:
        other = photos.get(photo.brand_id, flag.match.photo_id) if flag.match else None
        if other is not None:
            links[other.photo_id] = _link(objects, other)
    return PhotoView(photo=photo, shows_matches=True, links=links)


def _link(objects: PhotoObjects, photo: Photo) -> str:
    """Served as what the bytes are once processed (a PNG sent as
    image/jpeg is image/png), as declared before."""
    served = photo.content_type if photo.status is PhotoStatus.PROCESSED else None
    return objects.link(photo.object_key, LINK_SECONDS, served)


def _matches_in_scope(dealers: DealerRepository, caller: Caller, photo: Photo
                      ) -> Photo:
    """A manager of some regions sees the flag, but not a matched photo of a
    dealer outside them."""
    if not caller.regions:
        return photo
    flags = []
    for flag in photo.flags:
        if flag.match is not None:
            matched = dealers.get(photo.brand_id, flag.match.dealer_code)
            if matched is None or not can_see(caller, matched):
                flag = replace(flag, match=None)
        flags.append(flag)
    return photo.changed(flags=tuple(flags))


def decide_flag(
    photos: PhotoRepository,
    dealers: DealerRepository,
    clock: Clock,
    caller: Caller,
    photo_id: str,
    kind: str,
    outcome: Outcome,
    comment: str,
    decided: Callable[[Photo, Flag], None] = lambda _photo, _flag: None,
) -> Photo:
    """Confirm or dismiss the photo's flags of `kind` awaiting review (a
    photo may match several earlier ones); once only. `decided` hears of
    the stored photo (the network analytics follow its flags).

    `decided` hears of the decision after it is stored (the report goes back
    to the dealer, bonus facts are recounted). A repeated request is refused
    as a conflict, but only after `decided` has heard of the stored decision
    again, so a request cut off between the two is completed by its retry;
    `decided` must therefore be idempotent.
    """
    photo = visible_photo(photos, dealers, caller, photo_id)
    ensure_permitted(caller, Action.DECIDE_PHOTO_FLAG)
    flag = photo.flag(_flag_kind(photo_id, kind))
    if flag is None:
        raise FlagNotFound(photo_id, kind)
    if flag.state is not FlagState.UNDER_REVIEW:
        decided(photo, flag)
        raise FlagAlreadyDecided(photo_id, kind, flag.state.value)

    decision = Decision(outcome=outcome, user_id=caller.user_id,
                        decided_at=clock(), comment=comment)
    state = FlagState.CONFIRMED if outcome is Outcome.CONFIRM else FlagState.DISMISSED
    flags = tuple(
        _decided(each, state, decision)
        if each.kind is flag.kind and each.state is FlagState.UNDER_REVIEW else each
        for each in photo.flags
    )
    saved = photos.save(photo.changed(flags=flags), expected_version=photo.version)
    decided(saved, _decided(flag, state, decision))
    return saved


def _decided(flag: Flag, state: FlagState, decision: Decision) -> Flag:
    return Flag(kind=flag.kind, state=state, raised_at=flag.raised_at,
                match=flag.match, decision=decision)


def visible_photo(
    photos: PhotoRepository, dealers: DealerRepository, caller: Caller, photo_id: str
) -> Photo:
    """The photo, if the caller sees its dealer; unknown and invisible photos
    fail alike."""
    photo = photos.get(caller.brand_id, photo_id)
    if photo is None:
        raise PhotoNotFound(photo_id)
    dealer = dealers.get(photo.brand_id, photo.dealer_code)
    if dealer is None or not can_see(caller, dealer):
        raise PhotoNotFound(photo_id)
    return photo


def _duplicate_flags(
    photos: PhotoRepository,
    brand_id: str,
    index: PhotoIndex,
    stored: StoredHashes,
    found: Fingerprint,
    limits: Thresholds,
    clock: Clock,
) -> tuple[list[Flag], list[tuple[str, Flag]]]:
    """Flags for this photo; a match uploaded later than this photo gets its
    flag on its own record instead (the later upload carries the flag): those
    come second, with the photo id that carries each."""
    mine: list[Flag] = []
    theirs: list[tuple[str, Flag]] = []
    for match in index.find(found, limits, exclude=stored.photo_id):
        other = index.get(match.photo_id)
        if other is None:
            continue
        if stored.order > other.order:
            mine.append(_duplicate_flag(other, match, clock))
        else:
            flag = _duplicate_flag(stored, match, clock)
            _update(photos, brand_id, other.photo_id, _adding(flag))
            theirs.append((other.photo_id, flag))
    return mine, theirs


def _adding(flag: Flag) -> Callable[[Photo], Photo]:
    return lambda current: current.with_flag(flag)


def _duplicate_flag(other: StoredHashes, match: Match, clock: Clock) -> Flag:
    matched = MatchedPhoto(photo_id=other.photo_id, dealer_code=other.dealer_code,
                           placement_id=other.placement_id, taken_at=other.taken_at,
                           exact=match.exact, phash_bits=match.phash_bits,
                           dhash_bits=match.dhash_bits)
    return Flag(kind=FlagKind.DUPLICATE, state=FlagState.UNDER_REVIEW,
                raised_at=clock(), match=matched)


def _content_flags(
    photo: Photo,
    found: Fingerprint,
    brand: Brand | None,
    dealers: DealerRepository,
    clock: Clock,
) -> list[Flag]:
    flags = []
    if found.uninformative:
        flags.append(Flag(kind=FlagKind.UNINFORMATIVE, state=FlagState.UNDER_REVIEW,
                          raised_at=clock()))
    taken_on = _taken_on(found, photo, dealers)
    tolerance = timedelta(days=brand.photo_date_tolerance_days if brand else 2)
    if taken_on is not None and not photo.archived and not (
        photo.placement_starts_on - tolerance
        <= taken_on
        <= photo.placement_ends_on + tolerance
    ):
        flags.append(Flag(kind=FlagKind.TAKEN_OUTSIDE_PERIOD,
                          state=FlagState.UNDER_REVIEW, raised_at=clock()))
    return flags


def _taken_on(
    found: Fingerprint, photo: Photo, dealers: DealerRepository
) -> date | None:
    """The capture date in the dealer's own zone when the camera recorded its
    offset; otherwise the camera's own calendar date."""
    if found.taken is None:
        return None
    aware = found.taken.aware
    if aware is None:
        return found.taken.local.date()
    dealer = dealers.get(photo.brand_id, photo.dealer_code)
    zone = ZoneInfo(dealer.time_zone) if dealer else None
    return aware.astimezone(zone).date() if zone else aware.date()


def _reject(photos: PhotoRepository, photo: Photo, reason: str) -> None:
    def rejected(current: Photo) -> Photo:
        if current.status is not PhotoStatus.PENDING:
            return current
        return current.changed(status=PhotoStatus.REJECTED, reject_reason=reason)

    _update(photos, photo.brand_id, photo.photo_id, rejected)


def _update(
    photos: PhotoRepository, brand_id: str, photo_id: str,
    change: Callable[[Photo], Photo],
) -> None:
    """Apply `change` to the stored photo, again on a fresh read when another
    writer got there first (a concurrent flag from a matching photo)."""
    for _ in range(_UPDATE_ATTEMPTS):
        current = photos.get(brand_id, photo_id)
        if current is None:
            return
        changed = change(current)
        if changed == current:
            return
        try:
            photos.save(changed, expected_version=current.version)
            return
        except StaleVersion:
            continue
    raise StaleVersion(f"Photo {photo_id!r} kept changing.", photo_id=photo_id)


def _flag_kind(photo_id: str, kind: str) -> FlagKind:
    try:
        return FlagKind(kind)
    except ValueError:
        raise FlagNotFound(photo_id, kind) from None
