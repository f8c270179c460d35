"""Report photos and their hashes in DynamoDB: storage shapes and repositories.

Tables (keys are the single source of truth for the bootstrap and infra):
- `photos`: key `brand_id` + `photo_id`; the photo, its file name exactly as
  sent, its status and its flags (with the managers' decisions on them).
  The sparse GSI `confirmed-duplicates` (`confirmed_duplicate`: brand,
  dealer and period) holds only photos with a confirmed duplicate flag, so
  a dealer's count for a period is one query of that index.
  A flagged photo also carries `flagged_period` (`<brand>#<period of its
  placement's start>`): the sparse index `flagged_by_period` holds only
  flagged photos, so a period's flags are one query.
- `photo-hashes`: key `partition` (brand and hash version) + `photo_id`,
  written once per photo (conditional put); the GSI `by-position` orders a
  brand's hashes by when they were stored, so a warm container reads only
  the hashes added since its last lookup.
"""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.channels.model import ProofKind
from chalicelib.clock import Clock
from chalicelib.dynamo import save_versioned, table_meta
from chalicelib.media.matching import StoredHashes
from chalicelib.media.model import (
    Decision,
    Flag,
    FlagKind,
    FlagState,
    MatchedPhoto,
    Outcome,
    Photo,
    PhotoStatus,
)

REREAD_MARGIN = timedelta(minutes=2)
"""Index reads are eventually consistent and writers' clocks differ a little:
each refresh reads this far back again; the index ignores what it has."""


class ConfirmedDuplicates(GlobalSecondaryIndex["PhotoModel"]):
    class Meta:
        index_name = "confirmed-duplicates"
        projection = KeysOnlyProjection()

    confirmed_duplicate = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True)


class FlaggedByPeriod(GlobalSecondaryIndex["PhotoModel"]):
    class Meta:
        index_name = "flagged_by_period"
        projection = AllProjection()

    flagged_period = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True)


class PhotoModel(Model):
    Meta = table_meta("photos")

    brand_id = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True)
    dealer_code = UnicodeAttribute()
    placement_id = UnicodeAttribute()
    object_key = UnicodeAttribute()
    file_name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    declared_size = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    placement_starts_on = UnicodeAttribute()
    placement_ends_on = UnicodeAttribute()
    status = UnicodeAttribute()
    reject_reason = UnicodeAttribute(null=True)
    uploaded_at = UTCDateTimeAttribute(null=True)
    taken_at = UnicodeAttribute(null=True)
    sha256 = UnicodeAttribute(null=True)
    hash_version = UnicodeAttribute(null=True)
    flags = UnicodeAttribute(default="[]")
    archived = BooleanAttribute(default=False)
    confirmed_duplicate = UnicodeAttribute(null=True)
    flagged_period = UnicodeAttribute(null=True)
    proof = UnicodeAttribute(default="photo")
    version = VersionAttribute()

    confirmed_duplicates = ConfirmedDuplicates()
    flagged_by_period = FlaggedByPeriod()


class ByPosition(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-position"
        projection = AllProjection()

    partition = UnicodeAttribute(hash_key=True)
    position = UnicodeAttribute(range_key=True)


class PhotoHashModel(Model):
    Meta = table_meta("photo-hashes")

    partition = UnicodeAttribute(hash_key=True)
    photo_id = UnicodeAttribute(range_key=True)
    position = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    placement_id = UnicodeAttribute()
    uploaded_at = UTCDateTimeAttribute()
    taken_at = UnicodeAttribute(null=True)
    sha256 = UnicodeAttribute()
    views = UnicodeAttribute()
    uninformative = BooleanAttribute()
    by_position = ByPosition()


class DynamoPhotos:
    def get(self, brand_id: str, photo_id: str) -> Photo | None:
        try:
            return _photo(PhotoModel.get(brand_id, photo_id, consistent_read=True))
        except PhotoModel.DoesNotExist:
            return None

    def save(self, photo: Photo, expected_version: int | None) -> Photo:
        item = photo_item(photo)
        save_versioned(item, expected_version)
        return _photo(item)

    def confirmed_duplicates(self, brand_id: str, dealer_code: str, period: str
                             ) -> int:
        key = _dealer_period(brand_id, dealer_code, period)
        return sum(1 for _ in PhotoModel.confirmed_duplicates.query(key))

    def flagged_of_period(self, brand_id: str, period: str) -> list[Photo]:
        """The brand's flagged photos of placements starting in `period`."""
        results = PhotoModel.flagged_by_period.query(f"{brand_id}#{period}")
        return [_photo(item) for item in results]


class DynamoHashes:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.requests = 0
        """Requests made, for the benchmark."""

    def put(self, brand_id: str, stored: StoredHashes) -> None:
        item = hash_item(brand_id, stored, self._clock())
        self.requests += 1
        try:
            item.save(condition=PhotoHashModel.photo_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def added_since(
        self, brand_id: str, version: str, since: str | None
    ) -> tuple[list[StoredHashes], str | None]:
        partition = _partition(brand_id, version)
        condition = None
        if since is not None:
            condition = PhotoHashModel.position > _earlier(since)
        found, position = [], since
        results = PhotoHashModel.by_position.query(partition, condition)
        # Page by page, so the benchmark can count the requests.
        for page in results.page_iter:
            self.requests += 1
            for raw in page.get("Items", []):
                item = PhotoHashModel.from_raw_data(raw)
                found.append(_stored(item, version))
                position = max(position or "", item.position)
        return found, position


def photo_item(photo: Photo) -> PhotoModel:
    return PhotoModel(
        photo.brand_id,
        photo.photo_id,
        dealer_code=photo.dealer_code,
        placement_id=photo.placement_id,
        object_key=photo.object_key,
        file_name=photo.file_name,
        content_type=photo.content_type,
        declared_size=photo.declared_size,
        created_at=photo.created_at,
        placement_starts_on=photo.placement_starts_on.isoformat(),
        placement_ends_on=photo.placement_ends_on.isoformat(),
        status=photo.status.value,
        reject_reason=photo.reject_reason,
        uploaded_at=photo.uploaded_at,
        taken_at=photo.taken_at,
        sha256=photo.sha256,
        hash_version=photo.hash_version,
        flags=json.dumps([_flag_document(flag) for flag in photo.flags],
                         ensure_ascii=False),
        archived=photo.archived,
        confirmed_duplicate=(
            _dealer_period(photo.brand_id, photo.dealer_code, photo.period)
            if photo.has_confirmed_duplicate else None),
        flagged_period=_flagged_period(photo),
        proof=photo.proof.value,
        version=photo.version,
    )


def _dealer_period(brand_id: str, dealer_code: str, period: str) -> str:
    return f"{brand_id}#{dealer_code}#{period}"


def _flagged_period(photo: Photo) -> str | None:
    if not photo.flags:
        return None
    return f"{photo.brand_id}#{photo.placement_starts_on.strftime('%Y-%m')}"


def hash_item(
    brand_id: str, stored: StoredHashes, stored_at: datetime
) -> PhotoHashModel:
    views = ",".join(f"{phash:016x}:{dhash:016x}" for phash, dhash in stored.views)
    position = f"{stored_at.astimezone(UTC).isoformat()}#{stored.photo_id}"
    return PhotoHashModel(
        _partition(brand_id, stored.version),
        stored.photo_id,
        position=position,
        dealer_code=stored.dealer_code,
        placement_id=stored.placement_id,
        uploaded_at=stored.uploaded_at,
        taken_at=stored.taken_at,
        sha256=stored.sha256,
        views=views,
        uninformative=stored.uninformative,
    )


def _photo(item: PhotoModel) -> Photo:
    return Photo(
        brand_id=item.brand_id,
        photo_id=item.photo_id,
        dealer_code=item.dealer_code,
        placement_id=item.placement_id,
        object_key=item.object_key,
        file_name=item.file_name,
        content_type=item.content_type,
        declared_size=int(item.declared_size),
        created_at=item.created_at,
        placement_starts_on=date.fromisoformat(item.placement_starts_on),
        placement_ends_on=date.fromisoformat(item.placement_ends_on),
        status=PhotoStatus(item.status),
        reject_reason=item.reject_reason,
        uploaded_at=item.uploaded_at,
        taken_at=item.taken_at,
        sha256=item.sha256,
        hash_version=item.hash_version,
        flags=tuple(_flag(document) for document in json.loads(item.flags or "[]")),
        archived=bool(item.archived),
        proof=ProofKind(item.proof or "photo"),
        version=int(item.version),
    )


def _stored(item: PhotoHashModel, version: str) -> StoredHashes:
    views = tuple(
        (int(phash, 16), int(dhash, 16))
        for phash, dhash in (pair.split(":") for pair in item.views.split(","))
    )
    return StoredHashes(
        photo_id=item.photo_id, dealer_code=item.dealer_code,
        placement_id=item.placement_id, uploaded_at=item.uploaded_at,
        taken_at=item.taken_at, sha256=item.sha256, version=version, views=views,
        uninformative=bool(item.uninformative),
    )


def _flag_document(flag: Flag) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": flag.kind.value,
        "state": flag.state.value,
        "raised_at": flag.raised_at.isoformat(),
    }
    if flag.match is not None:
        document["match"] = {
            "photo_id": flag.match.photo_id,
            "dealer_code": flag.match.dealer_code,
            "placement_id": flag.match.placement_id,
            "taken_at": flag.match.taken_at,
            "exact": flag.match.exact,
            "phash_bits": flag.match.phash_bits,
            "dhash_bits": flag.match.dhash_bits,
        }
    if flag.decision is not None:
        document["decision"] = {
            "outcome": flag.decision.outcome.value,
            "user_id": flag.decision.user_id,
            "decided_at": flag.decision.decided_at.isoformat(),
            "comment": flag.decision.comment,
        }
    return document


def _flag(document: dict[str, Any]) -> Flag:
    match = document.get("match")
    decision = document.get("decision")
    return Flag(
        kind=FlagKind(document["kind"]),
        state=FlagState(document["state"]),
        raised_at=datetime.fromisoformat(document["raised_at"]),
        match=MatchedPhoto(**match) if match else None,
        decision=Decision(
            outcome=Outcome(decision["outcome"]),
            user_id=decision["user_id"],
            decided_at=datetime.fromisoformat(decision["decided_at"]),
            comment=decision["comment"],
        ) if decision else None,
    )


def _partition(brand_id: str, version: str) -> str:
    return f"{brand_id}#{version}"


def _earlier(position: str) -> str:
    stamp, _, _ = position.partition("#")
    return (datetime.fromisoformat(stamp) - REREAD_MARGIN).isoformat()
