"""What reading the audit log needs from storage."""

from typing import Protocol

from chalicelib.audit.model import AuditEntry
from chalicelib.paging import Page


class AuditLog(Protocol):
    def entries(
        self, brand_id: str, entity: str, limit: int, cursor: str | None
    ) -> Page[AuditEntry]:
        """The entity's entries, oldest first."""
        ...
