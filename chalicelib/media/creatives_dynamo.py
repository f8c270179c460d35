"""Creatives and their downloads in DynamoDB.

Tables:
- `creatives`: key `brand_id` + `creative_id`. Every save takes the brand's
  next change number (`index_seq`); the index `by_change` (`brand_id` +
  `index_seq`) is the change feed search indexes load from.
- `creative-changes`: key `brand_id`; the brand's latest change number.
- `creative-downloads`: key `creative_key` (`brand#creative`) + `user_id`,
  with the times each user downloaded it.
"""

from datetime import datetime
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

from chalicelib.dynamo import save_versioned, table_meta
from chalicelib.media.creatives import Creative
from chalicelib.media.creatives_codec import (
    description_data,
    description_of,
    version_data,
    version_of,
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
        description=description_data(creative.description),
        versions=[version_data(version) for version in creative.versions],
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
        description=description_of(cast(dict[str, Any], item.description)),
        versions=tuple(version_of(data) for data in versions),
        created_at=datetime.fromisoformat(item.created_at),
        updated_at=datetime.fromisoformat(item.updated_at),
        created_by=item.created_by,
        version=int(item.version),
    )
