"""Response models of the notification feed."""

from datetime import datetime

from chalicelib.notifications.model import Notification
from chalicelib.web.schemas import Reply


class NotificationReply(Reply):
    notification_id: str
    kind: str
    entity: str
    dealer_code: str
    created_at: datetime
    facts: dict[str, str]
    subject: str
    body: str
    read: bool

    @classmethod
    def of(cls, notification: Notification) -> "NotificationReply":
        return cls(notification_id=notification.notification_id,
                   kind=notification.kind, entity=notification.entity,
                   dealer_code=notification.dealer_code,
                   created_at=notification.created_at,
                   facts=dict(notification.facts),
                   subject=notification.subject, body=notification.body,
                   read=notification.read_at is not None)


class NotificationPage(Reply):
    items: list[NotificationReply]
    next_cursor: str | None
