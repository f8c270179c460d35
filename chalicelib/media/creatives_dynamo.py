"""Creatives and their downloads in DynamoDB.

Tables:
- `creatives`: key `brand_id` + `creative_id`. Every save takes the brand's
  next change number (`index_seq`); the index `by_change` (`brand_id` +
  `index_seq`) is the change feed search indexes load from.
- `creative-changes`: key `brand_id`; the brand's latest change number.
- `creative-downloads`: key `creative_key` (`brand#creative`) + `user_id`,
  with the times each user downloaded it.
"""

from datetime import date, datetime
from typing import Any, cast

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.audience import Audience, AudienceKind
from chalicelib.dynamo import save_versioned, table_meta
from chalicelib.media.creatives import (
    Creative,
    CreativeDescription,
    CreativeFormat,
    CreativeVersion,
    VersionStatus,
)
from chalicelib.media.creatives_ports import DownloadCount


class CreativesByChange(GlobalSecondaryIndex["CreativeModel"]):
    class Meta:
        index_name = "by_change"
        projection = AllProjection()

    brand_id = UnicodeAttribute(hash_key=True)
    index_seq = NumberAttribute(range_key=True)


class CreativeModel(Model):
    Meta = table_meta("creatives")

    brand_id = UnicodeAttribute(hash_key=True)
    creative_id = UnicodeAttribute(range_key=True)
    description = JSONAttribute()
    versions = JSONAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    index_seq = NumberAttribute()
    version = VersionAttribute()

    by_change = CreativesByChange()


class CreativeChangesModel(Model):
    Meta = table_meta("creative-changes")

    brand_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(default=0)


class CreativeDownloadModel(Model):
    Meta = table_meta("creative-downloads")

    creative_key = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    dealer_codes = ListAttribute(of=UnicodeAttribute, default=list)
    times = NumberAttribute(default=0)
    last_at = UnicodeAttribute(null=True)


class DynamoCreatives:
    """The creative repository and the search indexes' change feed."""

    def get(self, brand_id: str, creative_id: str) -> Creative | None:
        try:
            return _creative(CreativeModel.get(brand_id, creative_id,
                                               consistent_read=True))
        except CreativeModel.DoesNotExist:
            return None

    def save(self, creative: Creative, expected_version: int | None) -> Creative:
        item = creative_item(creative, self._next_seq(creative.brand_id))
        save_versioned(item, expected_version)
        return _creative(item)

    def latest_seq(self, brand_id: str) -> int:
        try:
            counter = CreativeChangesModel.get(brand_id, consistent_read=True)
        except CreativeChangesModel.DoesNotExist:
            return 0
        return int(counter.seq)

    def changed_since(
        self, brand_id: str, after_seq: int
    ) -> list[tuple[int, Creative]]:
        results = CreativeModel.by_change.query(
            brand_id, CreativeModel.index_seq > after_seq
        )
        return [(int(item.index_seq), _creative(item)) for item in results]

    def _next_seq(self, brand_id: str) -> int:
        # NOTE: a failed save after this leaves a gap in the numbers, which
        # readers tolerate: they only compare numbers, never count them.
        counter = CreativeChangesModel(brand_id)
        counter.update(actions=[CreativeChangesModel.seq.add(1)])
        return int(counter.seq)


class DynamoDownloadLedger:
    def record(
        self,
        brand_id: str,
        creative_id: str,
        user_id: str,
        dealer_codes: tuple[str, ...],
        at: datetime,
    ) -> None:
        item = CreativeDownloadModel(f"{brand_id}#{creative_id}", user_id)
        item.update(actions=[
            CreativeDownloadModel.times.add(1),
            CreativeDownloadModel.last_at.set(at.isoformat()),
            CreativeDownloadModel.dealer_codes.set(cast(Any, list(dealer_codes))),
        ])

    def count(self, brand_id: str, creative_id: str) -> DownloadCount:
        rows = list(CreativeDownloadModel.query(f"{brand_id}#{creative_id}"))
        dealers = {code for row in rows
                   for code in cast(list[str], row.dealer_codes or [])}
        total = sum(int(row.times) for row in rows)
        return DownloadCount(total=total, users=len(rows), dealers=len(dealers))


def creative_item(creative: Creative, index_seq: int) -> CreativeModel:
    return CreativeModel(
        creative.brand_id,
        creative.creative_id,
        description=_description_data(creative.description),
        versions=[_version_data(version) for version in creative.versions],
        created_at=creative.created_at.isoformat(),
        updated_at=creative.updated_at.isoformat(),
        created_by=creative.created_by,
        index_seq=index_seq,
        version=creative.version,
    )


def _creative(item: CreativeModel) -> Creative:
    versions = cast(list[dict[str, Any]], item.versions)
    return Creative(
        brand_id=item.brand_id,
        creative_id=item.creative_id,
        description=_description(cast(dict[str, Any], item.description)),
        versions=tuple(_version(data) for data in versions),
        created_at=datetime.fromisoformat(item.created_at),
        updated_at=datetime.fromisoformat(item.updated_at),
        created_by=item.created_by,
        version=int(item.version),
    )


def _description_data(described: CreativeDescription) -> dict[str, Any]:
    shape = described.format
    return {
        "title": described.title,
        "description": described.description,
        "tags": list(described.tags),
        "car_model": described.car_model,
        "channel": described.channel,
        "format": {"width": shape.width, "height": shape.height,
                   "duration_seconds": shape.duration_seconds},
        "language": described.language,
        "campaign": described.campaign,
        "valid_from": _iso(described.valid_from),
        "valid_to": _iso(described.valid_to),
        "audience": {"kind": described.audience.kind.value,
                     "values": list(described.audience.values)},
    }


def _description(data: dict[str, Any]) -> CreativeDescription:
    return CreativeDescription(
        title=data["title"],
        description=data["description"],
        tags=tuple(data["tags"]),
        car_model=data["car_model"],
        channel=data["channel"],
        format=CreativeFormat(**data["format"]),
        language=data["language"],
        campaign=data["campaign"],
        valid_from=_day(data["valid_from"]),
        valid_to=_day(data["valid_to"]),
        audience=Audience(AudienceKind(data["audience"]["kind"]),
                          tuple(data["audience"]["values"])),
    )


def _version_data(version: CreativeVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "file_name": version.file_name,
        "content_type": version.content_type,
        "size_bytes": version.size_bytes,
        "object_key": version.object_key,
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by,
        "status": version.status.value,
        "uploaded_at": version.uploaded_at.isoformat() if version.uploaded_at else None,
        "preview_keys": list(version.preview_keys),
    }


def _version(data: dict[str, Any]) -> CreativeVersion:
    uploaded = data["uploaded_at"]
    return CreativeVersion(
        number=int(data["number"]),
        file_name=data["file_name"],
        content_type=data["content_type"],
        size_bytes=int(data["size_bytes"]),
        object_key=data["object_key"],
        created_at=datetime.fromisoformat(data["created_at"]),
        created_by=data["created_by"],
        status=VersionStatus(data["status"]),
        uploaded_at=datetime.fromisoformat(uploaded) if uploaded else None,
        preview_keys=tuple(data["preview_keys"]),
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
