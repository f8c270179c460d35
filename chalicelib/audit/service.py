"""Reading the audit log: admins and managers, within their scope."""

from chalicelib.access.model import Caller
from chalicelib.access.policy import Action, can_see, ensure_permitted
from chalicelib.audit.model import AuditEntry, AuditNotFound
from chalicelib.audit.ports import AuditLog
from chalicelib.paging import Page


def list_audit(
    log: AuditLog, caller: Caller, entity: str, limit: int, cursor: str | None
) -> Page[AuditEntry]:
    """Entries of one entity. An entity the caller does not see answers as
    one that has no entries: 404, before the role is checked."""
    page = log.entries(caller.brand_id, entity, limit, cursor)
    if not page.items or not all(can_see(caller, entry) for entry in page.items):
        raise AuditNotFound(entity)
    ensure_permitted(caller, Action.READ_AUDIT)
    return page
