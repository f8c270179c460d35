"""Delivery of events: a notification in each recipient's feed and an e-mail,
once per event and recipient, whatever the redeliveries."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta

from chalicelib.access.model import Caller, Role, User
from chalicelib.access.policy import Action, ensure_permitted
from chalicelib.access.ports import UserRepository
from chalicelib.clock import Clock
from chalicelib.notifications.model import (
    Audience,
    Event,
    Notification,
    NotificationNotFound,
    mail_of,
    notification_of,
)
from chalicelib.notifications.ports import Feed, Mailer, Outbox
from chalicelib.paging import Page

# Events normally go out right after the change that raised them; those still
# pending this long after were cut off by a crash and are sent by the sweep.
SWEEP_AFTER = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Delivery:
    users: UserRepository
    feed: Feed
    outbox: Outbox
    mailer: Mailer
    clock: Clock

    def deliver(self, events: Iterable[Event]) -> None:
        for event in events:
            deliver_event(self, event)


def deliver_event(delivery: Delivery, event: Event) -> list[Notification]:
    notified = []
    for user in recipients(delivery.users, event):
        notification = replace(notification_of(event, user.user_id),
                               emailed_at=delivery.clock())
        # NOTE: the e-mail goes out only from the delivery that stored the
        # notification: a crash in between loses one e-mail rather than
        # ever sending one twice.
        if delivery.feed.add_once(notification):
            delivery.mailer.send(mail_of(notification, user.email))
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
    return [user for user in _brand_users(users, event.brand_id)
            if not user.disabled and _concerns(user, event)]


def list_notifications(feed: Feed, caller: Caller, limit: int, cursor: str | None
                       ) -> Page[Notification]:
    ensure_permitted(caller, Action.READ_NOTIFICATIONS)
    return feed.list(caller.user_id, limit, cursor)


def mark_read(feed: Feed, clock: Clock, caller: Caller, notification_id: str
              ) -> Notification:
    notification = feed.get(caller.user_id, notification_id)
    if notification is None:
        raise NotificationNotFound(notification_id)
    ensure_permitted(caller, Action.READ_NOTIFICATIONS)
    if notification.read_at is not None:
        return notification
    return feed.mark_read(notification, clock())


def _concerns(user: User, event: Event) -> bool:
    if event.audience is Audience.DEALER:
        return user.role is Role.DEALER_USER and event.dealer_code in user.dealer_codes
    if user.role is Role.IMPORTER_ADMIN:
        return True
    if user.role is Role.IMPORTER_MANAGER:
        return not user.regions or event.region in user.regions
    return False


def _brand_users(users: UserRepository, brand_id: str) -> Iterator[User]:
    cursor = None
    while True:
        page = users.list(brand_id, 200, cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return
