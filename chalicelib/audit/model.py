"""Audit entries: who moved which object from which state to which, and why."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.errors import NotFound


class AuditNotFound(NotFound):
    """No audit entry of a visible object matches the entity asked for."""

    code = "audit_not_found"

    def __init__(self, entity: str) -> None:
        super().__init__(f"No audit entries for {entity!r}.", entity=entity)
        self.entity = entity


@dataclass(frozen=True, slots=True)
class AuditEntry:
    brand_id: str
    entity: str
    """`placement:<id>`, `report:<placement id>`, `budget:<dealer>:<period>`."""
    dealer_code: str
    region: str
    at: datetime
    user_id: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    entry_id: str = ""


def changed_fields(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, before and after, as plain JSON values."""
    keys = sorted(key for key in before.keys() | after.keys()
                  if before.get(key) != after.get(key))
    return ({key: before.get(key) for key in keys},
            {key: after.get(key) for key in keys})
