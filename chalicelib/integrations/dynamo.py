"""Integration data in DynamoDB: storage shapes and their repositories.

Tables (a brand's period is one partition, `brand_period` = `aurora#2026-11`):
- `sales`: range `figure` = `dealer#model#day`; one item per figure.
- `traffic`: range `figure` = `dealer#channel#day#source`.
- `leads`: range `lead` = `dealer#kind#id`; calls and requests from call
  tracking, without personal data.
- `contacts`: key `brand_id` + `lead`; a lead's masked and hashed number,
  deleted by TTL (`expires_at`) after the brand's retention period.
- `targets`: range `dealer_code`; sales plans by dealer and period.
- `dealer-summaries`: range `chunk`; the network analytics of a period's
  dealers, in a few versioned chunks, recomputed when inputs change.
- `imports`: key `import_id`; one uploaded spreadsheet and its job.
- `exports`: key `brand_id` + `export_id` (ids sort by creation time).
- `integration-settings`: key `brand_id` + `scope` (`brand` or
  `dealer#CODE`): retention period and dealers' lead sources.
Writes are puts by these keys, so writing a figure or lead again replaces it.
"""

import dataclasses
import hashlib
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.dynamo import (
    DecimalAttribute,
    decode_cursor,
    encode_cursor,
    save_versioned,
    table_meta,
)
from chalicelib.errors import Conflict
from chalicelib.integrations.analytics import DealerSummary
from chalicelib.integrations.exports import Export
from chalicelib.integrations.imports import FileImport
from chalicelib.integrations.model import (
    DEFAULT_RETENTION_DAYS,
    Lead,
    LeadKind,
    LeadSource,
    SalesFigure,
    SalesTarget,
    Source,
    TrafficFigure,
    Utm,
    period_of,
)
from chalicelib.integrations.sheets import ImportKind
from chalicelib.network.dynamo import BrandModel
from chalicelib.paging import Page


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

    def sales_of(self, brand_id: str, period: str,
                 dealers: Collection[str] | None = None) -> list[SalesFigure]:
        found = _by_dealer(SalesModel, SalesModel.figure, partition(brand_id, period),
                           dealers)
        return [_sales(item) for item in found]

    def traffic_of(self, brand_id: str, period: str,
                   dealers: Collection[str] | None = None) -> list[TrafficFigure]:
        found = _by_dealer(TrafficModel, TrafficModel.figure,
                           partition(brand_id, period), dealers)
        return [_traffic(item) for item in found]


def _by_dealer(model: Any, sort_key: Any, brand_period: str,
               dealers: Collection[str] | None) -> Iterator[Any]:
    """The partition's items, or those of some dealers: every sort key of
    sales, traffic and leads starts with `<dealer code>#`."""
    if dealers is None:
        yield from model.query(brand_period)
        return
    for code in sorted(set(dealers)):
        yield from model.query(brand_period, sort_key.startswith(f"{code}#"))


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


class LeadModel(Model):
    Meta = table_meta("leads")

    brand_period = UnicodeAttribute(hash_key=True)
    lead = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    lead_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    is_unique_target = BooleanAttribute()
    utm_source = UnicodeAttribute(default="")
    utm_medium = UnicodeAttribute(default="")
    utm_campaign = UnicodeAttribute(default="")
    tracked_phone = UnicodeAttribute(default="")
    source_channel = UnicodeAttribute(default="")
    duration_seconds = NumberAttribute(default=0)


class ContactModel(Model):
    Meta = table_meta("contacts")

    brand_id = UnicodeAttribute(hash_key=True)
    lead = UnicodeAttribute(range_key=True)
    number_hash = UnicodeAttribute()
    number_masked = UnicodeAttribute()
    expires_at = TTLAttribute()


class IntegrationSettingModel(Model):
    Meta = table_meta("integration-settings")

    brand_id = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(range_key=True)
    retention_days = NumberAttribute(null=True)
    lead_source = UnicodeAttribute(null=True)


class DynamoLeads:
    def save_leads(self, brand_id: str, dated: Iterable[tuple[str, Lead]],
                   retention: timedelta) -> int:
        leads: dict[str, LeadModel] = {}
        contacts: dict[str, ContactModel] = {}
        for period, lead in dated:
            item = _lead_item(brand_id, period, lead)
            leads[item.brand_period + item.lead] = item
            if lead.contact is not None:
                contacts[item.lead] = ContactModel(
                    brand_id, item.lead,
                    number_hash=lead.contact.number_hash,
                    number_masked=lead.contact.number_masked,
                    expires_at=lead.at + retention,
                )
        _put_all(LeadModel, leads.values())
        _put_all(ContactModel, contacts.values())
        return len(leads)

    def leads_of(self, brand_id: str, period: str,
                 dealers: Collection[str] | None = None) -> list[Lead]:
        found = _by_dealer(LeadModel, LeadModel.lead, partition(brand_id, period),
                           dealers)
        return [_lead(item) for item in found]


class DynamoIntegrationSettings:
    def lead_sources(self, brand_id: str) -> dict[str, LeadSource]:
        query = IntegrationSettingModel.query(
            brand_id, IntegrationSettingModel.scope.startswith("dealer#"))
        return {item.scope.removeprefix("dealer#"): LeadSource(item.lead_source)
                for item in query if item.lead_source}

    def set_lead_source(self, brand_id: str, dealer_code: str,
                        source: LeadSource) -> None:
        IntegrationSettingModel(brand_id, f"dealer#{dealer_code}",
                                lead_source=source.value).save()

    def retention_days(self, brand_id: str) -> int:
        try:
            item = IntegrationSettingModel.get(brand_id, "brand")
        except IntegrationSettingModel.DoesNotExist:
            return DEFAULT_RETENTION_DAYS
        return int(item.retention_days or DEFAULT_RETENTION_DAYS)

    def set_retention_days(self, brand_id: str, days: int) -> None:
        IntegrationSettingModel(brand_id, "brand", retention_days=days).save()


def _lead_item(brand_id: str, period: str, lead: Lead) -> LeadModel:
    return LeadModel(
        partition(brand_id, period),
        f"{lead.dealer_code}#{lead.kind.value}#{lead.lead_id}",
        kind=lead.kind.value,
        lead_id=lead.lead_id,
        dealer_code=lead.dealer_code,
        at=lead.at,
        is_unique_target=lead.is_unique_target,
        utm_source=lead.utm.source,
        utm_medium=lead.utm.medium,
        utm_campaign=lead.utm.campaign,
        tracked_phone=lead.tracked_phone,
        source_channel=lead.source_channel,
        duration_seconds=lead.duration_seconds,
    )


def _lead(item: LeadModel) -> Lead:
    return Lead(
        kind=LeadKind(item.kind),
        lead_id=item.lead_id,
        dealer_code=item.dealer_code,
        at=item.at,
        is_unique_target=bool(item.is_unique_target),
        utm=Utm(item.utm_source or "", item.utm_medium or "",
                item.utm_campaign or ""),
        tracked_phone=item.tracked_phone or "",
        source_channel=item.source_channel or "",
        duration_seconds=int(item.duration_seconds or 0),
    )


class TargetModel(Model):
    Meta = table_meta("targets")

    brand_period = UnicodeAttribute(hash_key=True)
    dealer_code = UnicodeAttribute(range_key=True)
    units = NumberAttribute()
    revenue = DecimalAttribute(null=True)


class DealerSummaryModel(Model):
    """A chunk of a period's dealer summaries (`CHUNKS` chunks per period).

    NOTE: summaries are kept in a few chunks rather than one item per dealer
    so that the network view reads a few items, not a thousand: the read is
    what bounds the handler's time.
    """

    Meta = table_meta("dealer-summaries")

    brand_period = UnicodeAttribute(hash_key=True)
    chunk = UnicodeAttribute(range_key=True)
    dealers = JSONAttribute()
    """Dealer code → figures (money as strings)."""
    version = VersionAttribute()


CHUNKS = 16
"""1,000 dealers make chunks of about 45 KB, far below DynamoDB's 400 KB."""
CHUNK_RETRIES = 5


class DynamoTargets:
    def save_targets(self, brand_id: str, targets: Iterable[SalesTarget]) -> int:
        items = {}
        for target in targets:
            key = (partition(brand_id, target.period), target.dealer_code)
            items[key] = TargetModel(*key, units=target.units, revenue=target.revenue)
        _put_all(TargetModel, items.values())
        return len(items)

    def targets_of(self, brand_id: str, period: str,
                   dealers: Collection[str] | None = None
                   ) -> dict[str, SalesTarget]:
        brand_period = partition(brand_id, period)
        if dealers is None:
            query: Iterable[TargetModel] = TargetModel.query(brand_period)
        else:
            keys = [(brand_period, code) for code in sorted(set(dealers))]
            query = TargetModel.batch_get(keys)
        return {
            item.dealer_code: SalesTarget(item.dealer_code, period, int(item.units),
                                          item.revenue)
            for item in query
        }


_MONEY_FIELDS = ("budget_plan", "budget_actual", "placement_cost",
                 "sales_revenue", "bonus")
_KEPT_APART = ("brand_id", "period", "dealer_code", "refreshed_at")


class DynamoSummaries:
    def save(self, summaries: Iterable[DealerSummary]) -> None:
        chunks: dict[tuple[str, str], dict[str, dict]] = {}
        for summary in summaries:
            key = (partition(summary.brand_id, summary.period),
                   _chunk_of(summary.dealer_code))
            chunks.setdefault(key, {})[summary.dealer_code] = _figures(summary)
        for (brand_period, chunk), figures in chunks.items():
            _merge_chunk(brand_period, chunk, figures)

    def summaries_of(self, brand_id: str, period: str,
                     regions: tuple[str, ...] = ()) -> list[DealerSummary]:
        found = []
        for item in DealerSummaryModel.query(partition(brand_id, period)):
            for code, figures in dict(item.dealers).items():
                if not regions or figures["region"] in regions:
                    found.append(_summary(brand_id, period, code, figures))
        return found


def _chunk_of(dealer_code: str) -> str:
    digest = hashlib.sha256(dealer_code.encode()).digest()
    return f"chunk#{digest[0] % CHUNKS:02d}"


def _merge_chunk(brand_period: str, chunk: str, figures: dict[str, dict]) -> None:
    """Replace these dealers' entries in a chunk; a concurrent writer makes
    the save fail its version check, and the merge starts again."""
    for _ in range(CHUNK_RETRIES):
        try:
            item = DealerSummaryModel.get(brand_period, chunk)
            expected: int | None = int(item.version)
            merged = {**dict(item.dealers), **figures}
        except DealerSummaryModel.DoesNotExist:
            expected, merged = None, figures
        fresh = DealerSummaryModel(brand_period, chunk, dealers=merged)
        try:
            save_versioned(fresh, expected)
            return
        except Conflict:
            continue
    raise Conflict(f"Chunk {chunk!r} of {brand_period!r} kept changing.")


def _figures(summary: DealerSummary) -> dict:
    figures = {f.name: getattr(summary, f.name) for f in dataclasses.fields(summary)
               if f.name not in _KEPT_APART}
    for name in _MONEY_FIELDS:
        if figures[name] is not None:
            figures[name] = str(figures[name])
    figures["refreshed_at"] = summary.refreshed_at.isoformat()
    return figures


def _summary(brand_id: str, period: str, code: str, stored: dict) -> DealerSummary:
    figures = dict(stored)
    for name in _MONEY_FIELDS:
        if figures.get(name) is not None:
            figures[name] = Decimal(figures[name])
    figures["refreshed_at"] = datetime.fromisoformat(figures["refreshed_at"])
    return DealerSummary(brand_id=brand_id, period=period, dealer_code=code,
                         **figures)


class ImportModel(Model):
    Meta = table_meta("imports")

    import_id = UnicodeAttribute(hash_key=True)
    brand_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    file_name = UnicodeAttribute()
    object_key = UnicodeAttribute()
    started_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    job_id = UnicodeAttribute(null=True)
    version = VersionAttribute()


class DynamoFileImports:
    def get(self, import_id: str) -> FileImport | None:
        try:
            item = ImportModel.get(import_id)
        except ImportModel.DoesNotExist:
            return None
        return FileImport(item.import_id, item.brand_id, ImportKind(item.kind),
                          item.file_name, item.object_key, item.started_by,
                          item.created_at, item.job_id, int(item.version))

    def save(self, found: FileImport, expected_version: int | None) -> FileImport:
        item = ImportModel(
            found.import_id, brand_id=found.brand_id, kind=found.kind.value,
            file_name=found.file_name, object_key=found.object_key,
            started_by=found.started_by, created_at=found.created_at,
            job_id=found.job_id,
        )
        save_versioned(item, expected_version)
        return dataclasses.replace(found, version=int(item.version))


class ExportModel(Model):
    Meta = table_meta("exports")

    brand_id = UnicodeAttribute(hash_key=True)
    export_id = UnicodeAttribute(range_key=True)
    period = UnicodeAttribute()
    started_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    job_id = UnicodeAttribute(null=True)
    published_at = UTCDateTimeAttribute(null=True)
    rows = JSONAttribute(default=dict)
    version = VersionAttribute()


class DynamoExports:
    def get(self, brand_id: str, export_id: str) -> Export | None:
        try:
            return _export(ExportModel.get(brand_id, export_id))
        except ExportModel.DoesNotExist:
            return None

    def save(self, export: Export, expected_version: int | None) -> Export:
        item = ExportModel(
            export.brand_id, export.export_id, period=export.period,
            started_by=export.started_by, created_at=export.created_at,
            status=export.status, job_id=export.job_id,
            published_at=export.published_at, rows=dict(export.rows),
        )
        save_versioned(item, expected_version)
        return _export(item)

    def list(self, brand_id: str, limit: int, cursor: str | None) -> Page[Export]:
        start = decode_cursor(cursor, "brand_id", brand_id)
        query = ExportModel.query(brand_id, scan_index_forward=False,
                                  limit=limit + 1, last_evaluated_key=start)
        items = [_export(item) for item in query]
        if len(items) <= limit:
            return Page(items=items, next_cursor=None)
        last = items[limit - 1]
        next_key = {"brand_id": {"S": brand_id}, "export_id": {"S": last.export_id}}
        return Page(items=items[:limit], next_cursor=encode_cursor(next_key))


def _export(item: ExportModel) -> Export:
    return Export(
        export_id=item.export_id, brand_id=item.brand_id, period=item.period,
        started_by=item.started_by, created_at=item.created_at, status=item.status,
        job_id=item.job_id, published_at=item.published_at,
        rows={k: int(v) for k, v in dict(item.rows or {}).items()},
        version=int(item.version),
    )
