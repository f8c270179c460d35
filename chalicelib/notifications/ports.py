"""What notification delivery needs: the feed, the outbox of events, mail."""

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from chalicelib.notifications.model import Event, Mail, Notification
from chalicelib.paging import Page


class Feed(Protocol):
    def add_once(self, notification: Notification) -> bool:
        """Store it unless stored already; True if this call stored it."""
        ...

    def get(self, user_id: str, notification_id: str) -> Notification | None: ...

    def list(self, user_id: str, limit: int, cursor: str | None
             ) -> Page[Notification]:
        """Newest first; entries kept out of the feed are left out."""
        ...

    def mark_read(self, notification: Notification, at: datetime) -> Notification: ...


class Outbox(Protocol):
    """Events stored with the change that raised them, until delivered."""

    def record_once(self, event: Event) -> Event | None:
        """Store the event, pending, unless stored already. The stored event
        while it is still pending; None once it has been delivered."""
        ...

    def delivered(self, event_id: str) -> None: ...

    def pending_before(self, moment: datetime) -> Iterator[Event]: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...
