"""Integration data in DynamoDB: storage shapes and their repositories.

Tables (a brand's period is one partition, `brand_period` = `aurora#2026-11`):
- `sales`: range `figure` = `dealer#model#day`; one item per figure.
- `traffic`: range `figure` = `dealer#channel#day#source`.
Writes are puts by that key, so writing a figure again replaces it.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.dynamo import DecimalAttribute, table_meta
from chalicelib.integrations.model import (
    SalesFigure,
    Source,
    TrafficFigure,
    period_of,
)
from chalicelib.network.dynamo import BrandModel


def partition(brand_id: str, period: str) -> str:
    return f"{brand_id}#{period}"


class SalesModel(Model):
    Meta = table_meta("sales")

    brand_period = UnicodeAttribute(hash_key=True)
    figure = UnicodeAttribute(range_key=True)
    dealer_code = UnicodeAttribute()
    model = UnicodeAttribute()
    day = UnicodeAttribute()
    units = NumberAttribute()
    revenue = DecimalAttribute()
    synced_at = UTCDateTimeAttribute()


class TrafficModel(Model):
    Meta = table_meta("traffic")

    brand_period = UnicodeAttribute(hash_key=True)
    figure = UnicodeAttribute(range_key=True)
    dealer_code = UnicodeAttribute()
    channel = UnicodeAttribute()
    day = UnicodeAttribute()
    source = UnicodeAttribute()
    visits = NumberAttribute()
    calls = NumberAttribute()
    online_leads = NumberAttribute()
    synced_at = UTCDateTimeAttribute()


class DynamoSalesAndTraffic:
    def save_sales(self, brand_id: str, figures: Iterable[SalesFigure]) -> int:
        items = {}
        for figure in figures:
            item = _sales_item(brand_id, figure)
            items[(item.brand_period, item.figure)] = item
        _put_all(SalesModel, items.values())
        return len(items)

    def save_traffic(self, brand_id: str, figures: Iterable[TrafficFigure]) -> int:
        items = {}
        for figure in figures:
            item = _traffic_item(brand_id, figure)
            items[(item.brand_period, item.figure)] = item
        _put_all(TrafficModel, items.values())
        return len(items)

    def sales_of(self, brand_id: str, period: str) -> list[SalesFigure]:
        return [_sales(item) for item in SalesModel.query(partition(brand_id, period))]

    def traffic_of(self, brand_id: str, period: str) -> list[TrafficFigure]:
        query = TrafficModel.query(partition(brand_id, period))
        return [_traffic(item) for item in query]


def _put_all(model: type[Model], items: Iterable[Model]) -> None:
    with model.batch_write() as batch:
        for item in items:
            batch.save(item)


def _sales_item(brand_id: str, figure: SalesFigure) -> SalesModel:
    day = figure.day.isoformat()
    return SalesModel(
        partition(brand_id, period_of(figure.day)),
        f"{figure.dealer_code}#{figure.model}#{day}",
        dealer_code=figure.dealer_code,
        model=figure.model,
        day=day,
        units=figure.units,
        revenue=figure.revenue,
        synced_at=datetime.now(UTC),
    )


def _traffic_item(brand_id: str, figure: TrafficFigure) -> TrafficModel:
    day = figure.day.isoformat()
    return TrafficModel(
        partition(brand_id, period_of(figure.day)),
        f"{figure.dealer_code}#{figure.channel}#{day}#{figure.source.value}",
        dealer_code=figure.dealer_code,
        channel=figure.channel,
        day=day,
        source=figure.source.value,
        visits=figure.visits,
        calls=figure.calls,
        online_leads=figure.online_leads,
        synced_at=datetime.now(UTC),
    )


def _sales(item: SalesModel) -> SalesFigure:
    return SalesFigure(
        dealer_code=item.dealer_code,
        model=item.model,
        day=date.fromisoformat(item.day),
        units=int(item.units),
        revenue=item.revenue,
    )


def _traffic(item: TrafficModel) -> TrafficFigure:
    return TrafficFigure(
        dealer_code=item.dealer_code,
        channel=item.channel,
        day=date.fromisoformat(item.day),
        visits=int(item.visits),
        calls=int(item.calls),
        online_leads=int(item.online_leads),
        source=Source(item.source),
    )


class DynamoBrandIds:
    def brand_ids(self) -> list[str]:
        # A deployment has a handful of brands: a scan of their ids is cheap.
        scan = BrandModel.scan(attributes_to_get=["brand_id"])
        return sorted(item.brand_id for item in scan)
