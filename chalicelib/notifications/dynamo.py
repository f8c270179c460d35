"""The feed and the outbox of events in DynamoDB.

- `notifications`: key `user_id` + `notification_id` (time first, so a
  user's feed is one query, newest first). Put only if new.
- `notification_events`: key `event_id`; written in the transaction of the
  change that raised the event (`event_item`, put only if new). The sparse
  index `pending` (`pending` + `occurred_at`) holds only undelivered events.
"""

from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import cast

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.dynamo import decode_cursor, encode_cursor, table_meta
from chalicelib.notifications.model import Audience, Event, Notification
from chalicelib.paging import Page

PENDING = "pending"


class PendingEvents(GlobalSecondaryIndex["EventModel"]):
    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending = UnicodeAttribute(hash_key=True)
    occurred_at = UTCDateTimeAttribute(range_key=True)


class EventModel(Model):
    Meta = table_meta("notification-events")

    event_id = UnicodeAttribute(hash_key=True)
    brand_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    entity = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    region = UnicodeAttribute()
    audience = UnicodeAttribute(null=True)
    occurred_at = UTCDateTimeAttribute()
    facts = JSONAttribute(default=dict)
    recipients = ListAttribute(of=UnicodeAttribute, null=True)
    pending = UnicodeAttribute(null=True)

    pending_index = PendingEvents()


class NotificationModel(Model):
    Meta = table_meta("notifications")

    user_id = UnicodeAttribute(hash_key=True)
    notification_id = UnicodeAttribute(range_key=True)
    brand_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    entity = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    facts = JSONAttribute(default=dict)
    read_at = UTCDateTimeAttribute(null=True)
    emailed_at = UTCDateTimeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    body = UnicodeAttribute(null=True)
    in_feed = BooleanAttribute(null=True)


class DynamoOutbox:
    def record_once(self, event: Event) -> Event | None:
        try:
            event_item(event).save(condition=EventModel.event_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            stored = EventModel.get(event.event_id, consistent_read=True)
            return _event(stored) if stored.pending else None
        return event

    def delivered(self, event_id: str) -> None:
        item = EventModel(event_id)
        try:
            item.update(actions=[EventModel.pending.remove()],
                        condition=EventModel.event_id.exists())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def pending_before(self, moment: datetime) -> Iterator[Event]:
        results = EventModel.pending_index.query(
            PENDING, EventModel.occurred_at < moment)
        for item in results:
            yield _event(item)


class DynamoFeed:
    def add_once(self, notification: Notification) -> bool:
        item = _notification_item(notification)
        try:
            item.save(condition=NotificationModel.notification_id.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def get(self, user_id: str, notification_id: str) -> Notification | None:
        try:
            return _notification(NotificationModel.get(user_id, notification_id,
                                                       consistent_read=True))
        except NotificationModel.DoesNotExist:
            return None

    def list(self, user_id: str, limit: int, cursor: str | None
             ) -> Page[Notification]:
        start = decode_cursor(cursor, "user_id", user_id)
        results = NotificationModel.query(user_id, scan_index_forward=False,
                                          page_size=limit + 1,
                                          last_evaluated_key=start)
        # Entries kept out of the feed are skipped here, not by a filter
        # expression: a filter applies after the limit and would shorten pages.
        shown = (item for item in results if item.in_feed is not False)
        items = [_notification(item) for item in islice(shown, limit + 1)]
        if len(items) <= limit:
            return Page(items=items, next_cursor=None)
        last = items[limit - 1].notification_id
        next_key = {"user_id": {"S": user_id}, "notification_id": {"S": last}}
        return Page(items=items[:limit], next_cursor=encode_cursor(next_key))

    def mark_read(self, notification: Notification, at: datetime) -> Notification:
        item = _notification_item(notification)
        item.update(actions=[NotificationModel.read_at.set(at)])
        return _notification(item)


def event_item(event: Event) -> EventModel:
    return EventModel(
        event.event_id,
        brand_id=event.brand_id,
        kind=event.kind,
        entity=event.entity,
        dealer_code=event.dealer_code,
        region=event.region,
        audience=event.audience.value if event.audience else None,
        occurred_at=event.occurred_at,
        facts=dict(event.facts),
        recipients=list(event.recipients) or None,
        pending=PENDING,
    )


def _event(item: EventModel) -> Event:
    return Event(
        event_id=item.event_id,
        brand_id=item.brand_id,
        kind=item.kind,
        entity=item.entity,
        dealer_code=item.dealer_code,
        region=item.region,
        audience=Audience(item.audience) if item.audience else None,
        occurred_at=item.occurred_at,
        facts=item.facts or {},
        recipients=tuple(cast(list[str], item.recipients or [])),
    )


def _notification_item(notification: Notification) -> NotificationModel:
    return NotificationModel(
        notification.user_id,
        notification.notification_id,
        brand_id=notification.brand_id,
        event_id=notification.event_id,
        kind=notification.kind,
        entity=notification.entity,
        dealer_code=notification.dealer_code,
        created_at=notification.created_at,
        facts=dict(notification.facts),
        read_at=notification.read_at,
        emailed_at=notification.emailed_at,
        subject=notification.subject,
        body=notification.body,
        in_feed=notification.in_feed,
    )


def _notification(item: NotificationModel) -> Notification:
    return Notification(
        notification_id=item.notification_id,
        user_id=item.user_id,
        brand_id=item.brand_id,
        event_id=item.event_id,
        kind=item.kind,
        entity=item.entity,
        dealer_code=item.dealer_code,
        created_at=item.created_at,
        facts=item.facts or {},
        read_at=item.read_at,
        emailed_at=item.emailed_at,
        subject=item.subject or "",
        body=item.body or "",
        in_feed=item.in_feed is not False,
    )
