"""Delivery of events: a notification in each recipient's feed and an e-mail,
once per event and recipient, whatever the redeliveries.

One path for every area: placements hand over `Event`s they stored with
their change; creatives, surveys, photos and bonus runs call the `Notifier`
port (`FeedNotifier`), which stores the event once and delivers it the same
way. Each recipient's preferences choose the channels of the event's kind
and its language; the brand's template gives the text.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.access.model import Caller, Role, User
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.access.ports import UserRepository
from chalicelib.audience import sees_region
from chalicelib.clock import Clock
from chalicelib.logs import logger
from chalicelib.notification_prefs.kinds import Channel, NotificationKind
from chalicelib.notification_prefs.ports import (
    PreferenceRepository,
    TemplateRepository,
)
from chalicelib.notification_prefs.service import deliveries_for
from chalicelib.notifications.kinds import notification_kind, template_params
from chalicelib.notifications.model import (
    Audience,
    Event,
    Mail,
    Notification,
    NotificationNotFound,
    notification_of,
)
from chalicelib.notifications.ports import Feed, Mailer, Outbox
from chalicelib.paging import Page

# Events normally go out right after the change that raised them; those still
# pending this long after were cut off by a crash and are sent by the sweep.
SWEEP_AFTER = timedelta(minutes=2)

ENTITY_PARAMS = ("creative_id", "survey_id", "photo_id", "bonus_run_id",
                 "placement_id")
"""The param naming what a `Notifier` event is about, in this order."""


@dataclass(frozen=True, slots=True)
class Delivery:
    users: UserRepository
    feed: Feed
    outbox: Outbox
    mailer: Mailer
    clock: Clock
    preferences: PreferenceRepository
    templates: TemplateRepository

    def deliver(self, events: Iterable[Event]) -> None:
        """Deliver events stored pending in the transaction of the change
        that raised them. The change is stored by now: a delivery that fails
        (AWS throttled the feed) is logged and left to `sweep_pending`, not
        raised, or the client would retry a write that succeeded."""
        for event in events:
            try:
                deliver_event(self, event)
            except Exception:
                logger.exception("event left for the sweep", event_id=event.event_id)


@dataclass(frozen=True, slots=True)
class FeedNotifier:
    """The `Notifier` port on this package: the event is stored once (a
    redelivered call finds it and keeps its first time, so notification ids
    stay the same), then delivered as every other event; a call for an event
    already delivered does nothing more."""

    delivery: Delivery

    def notify(
        self,
        event_id: str,
        brand_id: str,
        recipients: Sequence[str],
        kind: NotificationKind,
        params: Mapping[str, str],
    ) -> None:
        event = named_event(event_id, brand_id, recipients, kind, params,
                            self.delivery.clock())
        pending = self.delivery.outbox.record_once(event)
        if pending is not None:
            deliver_event(self.delivery, pending)


def named_event(
    event_id: str,
    brand_id: str,
    recipients: Sequence[str],
    kind: NotificationKind,
    params: Mapping[str, str],
    now: datetime,
) -> Event:
    """A `Notifier` call as an event told to the users it names."""
    about = next((name for name in ENTITY_PARAMS if params.get(name)), None)
    entity = f"{about.removesuffix('_id')}:{params[about]}" if about else event_id
    return Event(
        event_id=event_id, brand_id=brand_id, kind=kind.value, entity=entity,
        dealer_code=params.get("dealer", ""), region="", audience=None,
        occurred_at=now, facts=dict(params),
        recipients=tuple(dict.fromkeys(recipients)),
    )


def deliver_event(delivery: Delivery, event: Event) -> list[Notification]:
    """Per recipient, what its preferences allow of the event's kind: the
    feed entry, and the e-mail sent only by the delivery that stored it."""
    kind = notification_kind(event.kind)
    users = {user.user_id: user for user in recipients(delivery.users, event)}
    shares = deliveries_for(delivery.preferences, delivery.templates,
                            event.brand_id, list(users), kind,
                            template_params(event))
    notified = []
    for share in shares:
        user = users[share.user_id]
        emailed = Channel.EMAIL in share.channels and bool(user.email)
        notification = replace(
            notification_of(event, user.user_id),
            subject=share.message.subject, body=share.message.body,
            in_feed=Channel.FEED in share.channels,
            emailed_at=delivery.clock() if emailed else None,
        )
        # NOTE: the e-mail goes out only from the delivery that stored the
        # notification: a crash in between loses one e-mail rather than
        # ever sending one twice.
        if delivery.feed.add_once(notification):
            if emailed:
                delivery.mailer.send(Mail(to=user.email, subject=notification.subject,
                                          text=notification.body))
            notified.append(notification)
    delivery.outbox.delivered(event.event_id)
    return notified


def sweep_pending(delivery: Delivery) -> int:
    """Deliver the events a crash left pending; run again, it sends nothing new."""
    count = 0
    for event in delivery.outbox.pending_before(delivery.clock() - SWEEP_AFTER):
        deliver_event(delivery, event)
        count += 1
    return count


def recipients(users: UserRepository, event: Event) -> list[User]:
    """The enabled users of the event's brand it concerns: those it names,
    or its audience."""
    if event.audience is None:
        return [user for user in _named_users(users, event)
                if user.brand_id == event.brand_id and not user.disabled]
    return [user for user in _brand_users(users, event.brand_id)
            if not user.disabled and _concerns(user, event)]


def list_notifications(feed: Feed, caller: Caller, limit: int, cursor: str | None
                       ) -> Page[Notification]:
    ensure_permitted(caller, Action.READ_NOTIFICATIONS)
    return feed.list(caller.user_id, limit, cursor)


def mark_read(feed: Feed, clock: Clock, caller: Caller, notification_id: str
              ) -> Notification:
    notification = feed.get(caller.user_id, notification_id)
    if notification is None or not notification.in_feed:
        raise NotificationNotFound(notification_id)
    ensure_permitted(caller, Action.READ_NOTIFICATIONS)
    if notification.read_at is not None:
        return notification
    return feed.mark_read(notification, clock())


def _concerns(user: User, event: Event) -> bool:
    if event.audience is Audience.DEALER:
        return user.role is Role.DEALER_USER and event.dealer_code in user.dealer_codes
    return sees_region(user, event.region)


NAMED_READS = 10
"""Up to this many named recipients are read one by one; more, and the
brand's users are listed once instead (a page holds 200)."""


def _named_users(users: UserRepository, event: Event) -> list[User]:
    if len(event.recipients) <= NAMED_READS:
        found = (users.get(user_id) for user_id in event.recipients)
        return [user for user in found if user is not None]
    wanted = set(event.recipients)
    return [user for user in _brand_users(users, event.brand_id)
            if user.user_id in wanted]


def _brand_users(users: UserRepository, brand_id: str) -> Iterator[User]:
    cursor = None
    while True:
        page = users.list(brand_id, 200, cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return
