"""Brands and dealers in DynamoDB: storage shapes and their repositories.

Tables (keys are the single source of truth for the bootstrap and infra):
- `brands`: one item per brand, key `brand_id`.
- `dealers`: key `brand_id` + `code`; a brand's dealers are one partition,
  listed in code order.
"""

from typing import cast

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.dynamo import decode_cursor, encode_cursor, save_versioned, table_meta
from chalicelib.network.model import Brand, Dealer
from chalicelib.paging import Page


class BrandModel(Model):
    Meta = table_meta("brands")

    brand_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    currency = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    report_due_days = NumberAttribute()
    reminder_days = ListAttribute(of=NumberAttribute)
    period_close_day = NumberAttribute()
    max_photo_mb = NumberAttribute()
    version = VersionAttribute()


class DealerModel(Model):
    Meta = table_meta("dealers")

    brand_id = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    city = UnicodeAttribute()
    region = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    category = UnicodeAttribute()
    version = VersionAttribute()


class DynamoBrands:
    def get(self, brand_id: str) -> Brand | None:
        try:
            return _brand(BrandModel.get(brand_id))
        except BrandModel.DoesNotExist:
            return None

    def save(self, brand: Brand, expected_version: int | None) -> Brand:
        item = brand_item(brand)
        save_versioned(item, expected_version)
        return _brand(item)


class DynamoDealers:
    def get(self, brand_id: str, code: str) -> Dealer | None:
        try:
            return _dealer(DealerModel.get(brand_id, code))
        except DealerModel.DoesNotExist:
            return None

    def get_many(self, brand_id: str, codes: list[str]) -> list[Dealer]:
        # NOTE: BatchGetItem refuses a request with the same key twice.
        keys = [(brand_id, code) for code in sorted(set(codes))]
        found = [_dealer(item) for item in DealerModel.batch_get(keys)]
        return sorted(found, key=lambda dealer: dealer.code)

    def list(
        self,
        brand_id: str,
        limit: int,
        cursor: str | None,
        regions: tuple[str, ...] = (),
    ) -> Page[Dealer]:
        start = decode_cursor(cursor, "brand_id", brand_id, other_keys=("code",))
        condition = DealerModel.region.is_in(*regions) if regions else None
        # One more than asked shows whether a next page exists, so the last
        # page carries no cursor.
        results = DealerModel.query(
            brand_id,
            filter_condition=condition,
            limit=limit + 1,
            last_evaluated_key=start,
        )
        items = [_dealer(item) for item in results]
        if len(items) <= limit:
            return Page(items=items, next_cursor=None)
        last = items[limit - 1]
        next_key = {"brand_id": {"S": brand_id}, "code": {"S": last.code}}
        return Page(items=items[:limit], next_cursor=encode_cursor(next_key))

    def save(self, dealer: Dealer, expected_version: int | None) -> Dealer:
        item = dealer_item(dealer)
        save_versioned(item, expected_version)
        return _dealer(item)


def brand_item(brand: Brand) -> BrandModel:
    return BrandModel(
        brand.brand_id,
        name=brand.name,
        currency=brand.currency,
        time_zone=brand.time_zone,
        report_due_days=brand.report_due_days,
        reminder_days=list(brand.reminder_days),
        period_close_day=brand.period_close_day,
        max_photo_mb=brand.max_photo_mb,
        version=brand.version,
    )


def dealer_item(dealer: Dealer) -> DealerModel:
    return DealerModel(
        dealer.brand_id,
        dealer.code,
        name=dealer.name,
        city=dealer.city,
        region=dealer.region,
        time_zone=dealer.time_zone,
        category=dealer.category,
        version=dealer.version,
    )


def _brand(item: BrandModel) -> Brand:
    return Brand(
        brand_id=item.brand_id,
        name=item.name,
        currency=item.currency,
        time_zone=item.time_zone,
        report_due_days=int(item.report_due_days),
        reminder_days=tuple(int(day) for day in cast(list[float], item.reminder_days)),
        period_close_day=int(item.period_close_day),
        max_photo_mb=int(item.max_photo_mb),
        version=int(item.version),
    )


def _dealer(item: DealerModel) -> Dealer:
    return Dealer(
        brand_id=item.brand_id,
        code=item.code,
        name=item.name,
        city=item.city,
        region=item.region,
        time_zone=item.time_zone,
        category=item.category,
        version=int(item.version),
    )
