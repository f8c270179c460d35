"""Audit entries in DynamoDB.

Table `audit`: key `entity_key` (`<brand>#<entity>`) + `entry_id` (the
instant and the version written, so entries list in time order). Entries are
written inside the transaction of the change they describe (`audit_item`).
"""

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.audit.model import AuditEntry
from chalicelib.dynamo import decode_cursor, encode_cursor, table_meta
from chalicelib.paging import Page


class AuditEntryModel(Model):
    Meta = table_meta("audit")

    entity_key = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    brand_id = UnicodeAttribute()
    entity = UnicodeAttribute()
    dealer_code = UnicodeAttribute()
    region = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    user_id = UnicodeAttribute()
    action = UnicodeAttribute()
    from_state = UnicodeAttribute(null=True)
    to_state = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    before = JSONAttribute(default=dict)
    after = JSONAttribute(default=dict)


class DynamoAuditLog:
    def entries(
        self, brand_id: str, entity: str, limit: int, cursor: str | None
    ) -> Page[AuditEntry]:
        key = f"{brand_id}#{entity}"
        start = decode_cursor(cursor, "entity_key", key)
        results = AuditEntryModel.query(key, limit=limit + 1, last_evaluated_key=start)
        items = [_entry(item) for item in results]
        if len(items) <= limit:
            return Page(items=items, next_cursor=None)
        last = items[limit - 1].entry_id
        next_key = {"entity_key": {"S": key}, "entry_id": {"S": last}}
        return Page(items=items[:limit], next_cursor=encode_cursor(next_key))


def audit_item(entry: AuditEntry) -> AuditEntryModel:
    return AuditEntryModel(
        f"{entry.brand_id}#{entry.entity}",
        entry.entry_id,
        brand_id=entry.brand_id,
        entity=entry.entity,
        dealer_code=entry.dealer_code,
        region=entry.region,
        at=entry.at,
        user_id=entry.user_id,
        action=entry.action,
        from_state=entry.from_state,
        to_state=entry.to_state,
        reason=entry.reason,
        before=entry.before,
        after=entry.after,
    )


def _entry(item: AuditEntryModel) -> AuditEntry:
    return AuditEntry(
        brand_id=item.brand_id,
        entity=item.entity,
        dealer_code=item.dealer_code,
        region=item.region,
        at=item.at,
        user_id=item.user_id,
        action=item.action,
        from_state=item.from_state,
        to_state=item.to_state,
        reason=item.reason,
        before=item.before or {},
        after=item.after or {},
        entry_id=item.entry_id,
    )
