"""Placements and reports in DynamoDB, and the one transaction a change is.

Tables (keys are the single source of truth for the bootstrap and infra):
- `placements`: key `placement_id`. Index `by_dealer` (`dealer_key` =
  `<brand>#<dealer>`, `period_key` = `<period>#<placement id>`): a dealer's
  placements of a period are one query. Index `by_period` (`brand_period`
  = `<brand>#<period>`, `placement_id`): the brand's placements of a period.
- `reports`: key `placement_id` (one report per placement). Two sparse
  indexes hold only open reports: `open_by_due` (`open_watch` + `due_at`)
  for the lock job and `open_by_reminder` (`remind_watch` +
  `next_reminder_at`) for reminders, so neither job scans the table.

A change writes placement, report, ledger entries, audit entries and events
in one TransactWriteItems call; a moved version cancels all of it.
"""

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.audit.dynamo import audit_item
from chalicelib.budgets.dynamo import entry_condition, ledger_item
from chalicelib.channels.model import ProofKind
from chalicelib.dynamo import DecimalAttribute, decode_cursor, encode_cursor, table_meta
from chalicelib.errors import AlreadyExists, StaleVersion
from chalicelib.notifications.dynamo import EventModel, event_item
from chalicelib.paging import Page
from chalicelib.placements.model import (
    Extension,
    ExtensionState,
    Placement,
    PlacementStatus,
    Report,
    ReportDecision,
    ReportStatus,
)
from chalicelib.placements.ports import Change, Committed
from chalicelib.settings import Settings

# NOTE: every open report shares one partition key in the two sparse
# indexes, so a job's query is one request per 1 MB page whatever the brand.
# Limitation: one index partition takes about 1,000 writes a second; far
# beyond this network's size the key would need a shard suffix queried in
# parallel.
WATCHED = "open"
BATCH_GET_LIMIT = 100
"""Keys per BatchGetItem request (a DynamoDB limit)."""


class PlacementsByDealer(GlobalSecondaryIndex["PlacementModel"]):
    class Meta:
        index_name = "by_dealer"
        projection = AllProjection()

    dealer_key = UnicodeAttribute(hash_key=True)
    period_key = UnicodeAttribute(range_key=True)


class PlacementsByPeriod(GlobalSecondaryIndex["PlacementModel"]):
    class Meta:
        index_name = "by_period"
        projection = AllProjection()

    brand_period = UnicodeAttribute(hash_key=True)
    placement_id = UnicodeAttribute(range_key=True)


class PlacementModel(Model):
    Meta = table_meta("placements")

    placement_id = UnicodeAttribute(hash_key=True)
    dealer_key = UnicodeAttribute()
    period_key = UnicodeAttribute()
    brand_period = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    region = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    title = UnicodeAttribute()
    starts_on = UnicodeAttribute()
    ends_on = UnicodeAttribute()
    cost = DecimalAttribute()
    currency = UnicodeAttribute()
    mandatory = BooleanAttribute(default=False)
    creative_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    approved_amount = DecimalAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    utm_source = UnicodeAttribute(null=True)
    utm_medium = UnicodeAttribute(null=True)
    utm_campaign = UnicodeAttribute(null=True)
    tracked_phone = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()

    by_dealer = PlacementsByDealer()
    by_period = PlacementsByPeriod()


class OpenReportsByDue(GlobalSecondaryIndex["ReportModel"]):
    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_watch = UnicodeAttribute(hash_key=True)
    due_at = UTCDateTimeAttribute(range_key=True)


class OpenReportsByReminder(GlobalSecondaryIndex["ReportModel"]):
    class Meta:
        index_name = "open_by_reminder"
        projection = AllProjection()

    remind_watch = UnicodeAttribute(hash_key=True)
    next_reminder_at = UTCDateTimeAttribute(range_key=True)


class ReportModel(Model):
    Meta = table_meta("reports")

    placement_id = UnicodeAttribute(hash_key=True)
    brand_id = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    region = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    time_zone = UnicodeAttribute()
    required_proof = JSONAttribute(default=dict)
    reminder_days = ListAttribute(of=NumberAttribute, default=list)
    reminders_sent = ListAttribute(of=NumberAttribute, default=list)
    comment = UnicodeAttribute(null=True)
    actual_cost = DecimalAttribute(null=True)
    proofs = JSONAttribute(default=dict)
    rejected_photos = ListAttribute(of=UnicodeAttribute, null=True)
    explanation = UnicodeAttribute(null=True)
    explained_at = UTCDateTimeAttribute(null=True)
    submitted_at = UTCDateTimeAttribute(null=True)
    return_reason = UnicodeAttribute(null=True)
    decision = UnicodeAttribute(null=True)
    decision_reason = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    extension = JSONAttribute(null=True)
    open_watch = UnicodeAttribute(null=True)
    remind_watch = UnicodeAttribute(null=True)
    next_reminder_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    open_by_due = OpenReportsByDue()
    open_by_reminder = OpenReportsByReminder()


class DynamoPlacements:
    def __init__(self) -> None:
        self._connection = Connection(region=Settings.from_env().region)

    def placement(self, placement_id: str) -> Placement | None:
        try:
            return _placement(PlacementModel.get(placement_id, consistent_read=True))
        except PlacementModel.DoesNotExist:
            return None

    def report(self, placement_id: str) -> Report | None:
        try:
            return _report(ReportModel.get(placement_id, consistent_read=True))
        except ReportModel.DoesNotExist:
            return None

    def reports_of(self, placement_ids: Sequence[str]) -> dict[str, Report]:
        """Consistent reads, in BatchGetItem requests of up to 100 keys."""
        unique = sorted(set(placement_ids))
        found = ReportModel.batch_get(unique, consistent_read=True)
        return {item.placement_id: _report(item) for item in found}

    def placements_of_dealer(
        self,
        brand_id: str,
        dealer_code: str,
        period: str | None,
        status: PlacementStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[Placement]:
        key = f"{brand_id}#{dealer_code}"
        start = decode_cursor(cursor, "dealer_key", key)
        range_condition = (
            PlacementModel.period_key.startswith(f"{period}#") if period else None
        )
        results = PlacementModel.by_dealer.query(
            key,
            range_condition,
            filter_condition=_status_filter(status),
            limit=limit + 1,
            last_evaluated_key=start,
        )
        return _page(results, limit, ("dealer_key", "period_key"))

    def placements_of_period(
        self,
        brand_id: str,
        period: str,
        regions: tuple[str, ...],
        status: PlacementStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[Placement]:
        key = f"{brand_id}#{period}"
        start = decode_cursor(cursor, "brand_period", key)
        condition = _status_filter(status)
        if regions:
            in_regions = PlacementModel.region.is_in(*regions)
            condition = in_regions if condition is None else condition & in_regions
        results = PlacementModel.by_period.query(
            key, filter_condition=condition, limit=limit + 1,
            last_evaluated_key=start,
        )
        return _page(results, limit, ("brand_period",))

    def every_placement_of_period(self, brand_id: str, period: str
                                  ) -> list[Placement]:
        """Every placement of the brand's period, any status: one query of
        the `by_period` index, page after page."""
        results = PlacementModel.by_period.query(f"{brand_id}#{period}")
        return [_placement(item) for item in results]

    def every_placement_of_dealer(self, brand_id: str, dealer_code: str,
                                  period: str) -> list[Placement]:
        """Every placement of the dealer's period: one `by_dealer` query."""
        results = PlacementModel.by_dealer.query(
            f"{brand_id}#{dealer_code}", PlacementModel.period_key.startswith(
                f"{period}#"))
        return [_placement(item) for item in results]

    def commit(self, change: Change) -> Committed:
        placement_item = _placement_item(change.placement) if change.placement else None
        report_item = _report_item(change.report) if change.report else None
        try:
            with TransactWrite(connection=self._connection) as transaction:
                self._write(transaction, change, placement_item, report_item)
        except TransactWriteError as exc:
            raise _conflict(exc, change) from exc
        return Committed(
            placement=_placement(placement_item) if placement_item else None,
            report=_report(report_item)
            if report_item and not change.delete_report else None,
        )

    def open_reports_due_before(self, moment: datetime) -> Iterator[Report]:
        results = ReportModel.open_by_due.query(
            WATCHED, ReportModel.due_at <= moment)
        for item in results:
            yield _report(item)

    def open_reports_to_remind(self, moment: datetime) -> Iterator[Report]:
        results = ReportModel.open_by_reminder.query(
            WATCHED, ReportModel.next_reminder_at <= moment)
        for item in results:
            yield _report(item)

    def _write(
        self,
        transaction: TransactWrite,
        change: Change,
        placement_item: PlacementModel | None,
        report_item: "ReportModel | None",
    ) -> None:
        if placement_item is not None:
            transaction.save(placement_item)
        if report_item is not None and change.delete_report:
            transaction.delete(report_item)
        elif report_item is not None:
            transaction.save(report_item)
        for entry in change.entries:
            transaction.save(ledger_item(entry), condition=entry_condition())
        for audit in change.audit:
            transaction.save(audit_item(audit))
        for event in change.events:
            transaction.save(event_item(event),
                             condition=EventModel.event_id.does_not_exist())


def _conflict(exc: TransactWriteError, change: Change) -> Exception:
    reasons = [reason.code for reason in exc.cancellation_reasons or [] if reason]
    lost = {"ConditionalCheckFailed", "TransactionConflict"}
    if exc.cause_response_code != "TransactionCanceledException" or not (
        lost & set(reasons)
    ):
        return exc
    creating = change.placement is not None and change.placement.version == 0
    if creating:
        return AlreadyExists("The placement already exists.")
    return StaleVersion("The object changed meanwhile; read it again.")


def _status_filter(status: PlacementStatus | None) -> Any:
    return PlacementModel.status == status.value if status else None


def _page(results: Any, limit: int, keys: tuple[str, ...]) -> Page[Placement]:
    items = list(results)
    if len(items) <= limit:
        return Page(items=[_placement(item) for item in items], next_cursor=None)
    last = items[limit - 1]
    names = ("placement_id", *keys)
    next_key = {name: {"S": getattr(last, name)} for name in names}
    return Page(items=[_placement(item) for item in items[:limit]],
                next_cursor=encode_cursor(next_key))


def _placement_item(placement: Placement) -> PlacementModel:
    item = PlacementModel(
        placement.placement_id,
        dealer_key=f"{placement.brand_id}#{placement.dealer_code}",
        period_key=f"{placement.period}#{placement.placement_id}",
        brand_period=f"{placement.brand_id}#{placement.period}",
        brand_id=placement.brand_id,
        dealer_code=placement.dealer_code,
        region=placement.region,
        channel_id=placement.channel_id,
        title=placement.title,
        starts_on=placement.starts_on.isoformat(),
        ends_on=placement.ends_on.isoformat(),
        cost=placement.cost,
        currency=placement.currency,
        mandatory=placement.mandatory,
        creative_id=placement.creative_id,
        status=placement.status.value,
        approved_amount=placement.approved_amount,
        reason=placement.reason,
        utm_source=placement.utm_source,
        utm_medium=placement.utm_medium,
        utm_campaign=placement.utm_campaign,
        tracked_phone=placement.tracked_phone,
        created_by=placement.created_by,
        created_at=placement.created_at,
        updated_at=placement.updated_at,
    )
    _expect_version(item, placement.version)
    return item


def _placement(item: PlacementModel) -> Placement:
    return Placement(
        placement_id=item.placement_id,
        brand_id=item.brand_id,
        dealer_code=item.dealer_code,
        region=item.region,
        channel_id=item.channel_id,
        title=item.title,
        starts_on=date.fromisoformat(item.starts_on),
        ends_on=date.fromisoformat(item.ends_on),
        cost=item.cost,
        currency=item.currency,
        mandatory=bool(item.mandatory),
        creative_id=item.creative_id,
        status=PlacementStatus(item.status),
        approved_amount=item.approved_amount,
        reason=item.reason,
        utm_source=item.utm_source,
        utm_medium=item.utm_medium,
        utm_campaign=item.utm_campaign,
        tracked_phone=item.tracked_phone,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version),
    )


def _report_item(report: Report) -> ReportModel:
    reminder_at = report.next_reminder_at
    watched = report.status is ReportStatus.OPEN
    item = ReportModel(
        report.placement_id,
        brand_id=report.brand_id,
        dealer_code=report.dealer_code,
        region=report.region,
        channel_id=report.channel_id,
        currency=report.currency,
        status=report.status.value,
        due_at=report.due_at,
        time_zone=report.time_zone,
        required_proof={kind.value: n for kind, n in report.required_proof.items()},
        reminder_days=list(report.reminder_days),
        reminders_sent=list(report.reminders_sent),
        comment=report.comment,
        actual_cost=report.actual_cost,
        proofs={kind.value: list(ids) for kind, ids in report.proofs.items()},
        rejected_photos=list(report.rejected_photos) or None,
        explanation=report.explanation,
        explained_at=report.explained_at,
        submitted_at=report.submitted_at,
        return_reason=report.return_reason,
        decision=report.decision.value if report.decision else None,
        decision_reason=report.decision_reason,
        decided_by=report.decided_by,
        decided_at=report.decided_at,
        extension=_plain_extension(report.extension),
        open_watch=WATCHED if watched else None,
        remind_watch=WATCHED if watched and reminder_at else None,
        next_reminder_at=reminder_at if watched else None,
    )
    _expect_version(item, report.version)
    return item


def _report(item: ReportModel) -> Report:
    zone = ZoneInfo(item.time_zone)
    required = item.required_proof or {}
    proofs = item.proofs or {}
    return Report(
        placement_id=item.placement_id,
        brand_id=item.brand_id,
        dealer_code=item.dealer_code,
        region=item.region,
        channel_id=item.channel_id,
        currency=item.currency,
        status=ReportStatus(item.status),
        due_at=item.due_at.astimezone(zone),
        time_zone=item.time_zone,
        required_proof={ProofKind(kind): int(n) for kind, n in required.items()},
        reminder_days=_days(item.reminder_days),
        reminders_sent=_days(item.reminders_sent),
        comment=item.comment,
        actual_cost=item.actual_cost,
        proofs={ProofKind(kind): tuple(ids) for kind, ids in proofs.items()},
        rejected_photos=tuple(cast(list[str], item.rejected_photos or [])),
        explanation=item.explanation,
        explained_at=item.explained_at,
        submitted_at=item.submitted_at,
        return_reason=item.return_reason,
        decision=ReportDecision(item.decision) if item.decision else None,
        decision_reason=item.decision_reason,
        decided_by=item.decided_by,
        decided_at=item.decided_at,
        extension=_extension(item.extension, zone),
        version=int(item.version),
    )


def _expect_version(item: Model, version: int) -> None:
    """The version the write expects stored; 0 (unset) expects no item."""
    if version:
        item.version = version  # type: ignore[attr-defined]
    else:
        item.attribute_values.pop("version", None)


def _days(stored: Any) -> tuple[int, ...]:
    return tuple(int(day) for day in cast(list[float], stored or []))


def _plain_extension(extension: Extension | None) -> dict | None:
    if extension is None:
        return None
    return {
        "due_at": extension.due_at.isoformat(),
        "reason": extension.reason,
        "requested_by": extension.requested_by,
        "requested_at": extension.requested_at.isoformat(),
        "state": extension.state.value,
        "decision_reason": extension.decision_reason,
        "decided_by": extension.decided_by,
        "decided_at": extension.decided_at.isoformat()
        if extension.decided_at else None,
    }


def _extension(raw: dict | None, zone: ZoneInfo) -> Extension | None:
    if not raw:
        return None
    decided_at = raw.get("decided_at")
    return Extension(
        due_at=datetime.fromisoformat(raw["due_at"]).astimezone(zone),
        reason=raw["reason"],
        requested_by=raw["requested_by"],
        requested_at=datetime.fromisoformat(raw["requested_at"]),
        state=ExtensionState(raw["state"]),
        decision_reason=raw.get("decision_reason"),
        decided_by=raw.get("decided_by"),
        decided_at=datetime.fromisoformat(decided_at) if decided_at else None,
    )
