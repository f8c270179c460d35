"""Events worth telling people about, and the notifications they become.

An event's id is fixed by what happened (the object, its new version, the
kind), so an event raised twice, by a retried request or a redelivered
schedule, is one event; a notification's id is fixed by its event and its
recipient, so each person is told once.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chalicelib.errors import NotFound


class Audience(StrEnum):
    DEALER = "dealer"
    """The users serving the dealer."""
    MANAGERS = "managers"
    """The brand's admins and the managers whose scope holds the dealer."""


class NotificationNotFound(NotFound):
    """The caller has no notification with this id."""

    code = "notification_not_found"

    def __init__(self, notification_id: str) -> None:
        super().__init__(f"Notification {notification_id!r} was not found.",
                         notification_id=notification_id)


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    brand_id: str
    kind: str
    """`placement.approved`, `report.overdue`, `report.reminder`, ..."""
    entity: str
    dealer_code: str
    region: str
    audience: Audience | None
    """Who is told; None when `recipients` names them."""
    occurred_at: datetime
    facts: Mapping[str, str] = field(default_factory=dict)
    """Plain values the message shows: placement title, deadline, reason."""
    recipients: tuple[str, ...] = ()
    """User ids, for events told to named users rather than an audience."""


@dataclass(frozen=True, slots=True)
class Notification:
    notification_id: str
    user_id: str
    brand_id: str
    event_id: str
    kind: str
    entity: str
    dealer_code: str
    created_at: datetime
    facts: Mapping[str, str] = field(default_factory=dict)
    read_at: datetime | None = None
    emailed_at: datetime | None = None
    subject: str = ""
    body: str = ""
    in_feed: bool = True
    """False when the user turned the feed off for this kind: the entry is
    kept only so that its e-mail is sent once, and the feed never shows it."""


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str


def notification_id(event: Event, user_id: str) -> str:
    """Sortable by time (newest last) and fixed by event and recipient."""
    digest = hashlib.sha256(f"{event.event_id}|{user_id}".encode()).hexdigest()
    stamp = event.occurred_at.strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{digest[:20]}"


def notification_of(event: Event, user_id: str) -> Notification:
    return Notification(
        notification_id=notification_id(event, user_id),
        user_id=user_id,
        brand_id=event.brand_id,
        event_id=event.event_id,
        kind=event.kind,
        entity=event.entity,
        dealer_code=event.dealer_code,
        created_at=event.occurred_at,
        facts=dict(event.facts),
    )
