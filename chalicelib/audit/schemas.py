"""Request and response models of the audit route."""

from datetime import datetime
from typing import Any

from pydantic import Field

from chalicelib.audit.model import AuditEntry
from chalicelib.web.schemas import ListQuery, Reply


class AuditQuery(ListQuery):
    entity: str = Field(min_length=3, max_length=200,
                        examples=["placement:pl-1", "report:pl-1"])


class AuditEntryReply(Reply):
    entity: str
    at: datetime
    user_id: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> "AuditEntryReply":
        return cls(entity=entry.entity, at=entry.at, user_id=entry.user_id,
                   action=entry.action, from_state=entry.from_state,
                   to_state=entry.to_state, reason=entry.reason,
                   before=entry.before, after=entry.after)


class AuditPage(Reply):
    items: list[AuditEntryReply]
    next_cursor: str | None
