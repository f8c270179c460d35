"""Adapter of Calltouch: the calls journal and the requests journal.

Shapes as Calltouch documents them (the public support pages on
calltouch.ru). The two methods write dates differently: the calls journal
takes `dd/mm/yyyy`, the requests journal `mm/dd/yyyy`. Rows are converted
into domain leads here, with the caller's number hashed and masked at once;
the raw number never leaves this module.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.integrations.httpjson import JsonClient, RateLimiter
from chalicelib.integrations.model import Contact, Lead, LeadKind, Utm
from chalicelib.integrations.personal import contact_of, digits_of

PAGE_LIMIT = 1000
MAX_PAGES = 200
API_BASE = "https://api.calltouch.ru"

# Calltouch allows 5 requests per second per IP address: one limiter for
# every dealer's cabinet this process talks to, a little below the limit so
# that network jitter never lands a sixth request within one second.
REQUESTS_PER_SECOND = 4.5
SHARED_LIMIT = RateLimiter(REQUESTS_PER_SECOND)


@dataclass(frozen=True, slots=True)
class CalltouchAccess:
    """A dealer's cabinet: site id, API token and our webhook secret."""

    brand_id: str
    dealer_code: str
    site_id: str
    token: str
    webhook_secret: str
    base_url: str | None = None
    """Set only to point a cabinet at a stand-in (the local stack's fake);
    then the node lookup's answer is ignored and every call goes there."""


def node_url(node_id: int) -> str:
    return f"https://api-node{node_id}.calltouch.ru"


def cabinet_for(access: CalltouchAccess, personal_key: bytes,
                time_zone: str) -> "CalltouchCabinet":
    if access.base_url:
        stand_in = access.base_url
        return CalltouchCabinet(access, personal_key, time_zone, base_url=stand_in,
                                node_base=lambda node_id: stand_in)
    return CalltouchCabinet(access, personal_key, time_zone)


class CalltouchCabinet:
    """One dealer's Calltouch cabinet."""

    def __init__(
        self,
        access: CalltouchAccess,
        personal_key: bytes,
        time_zone: str,
        base_url: str = API_BASE,
        node_base: Callable[[int], str] = node_url,
        limiter: RateLimiter = SHARED_LIMIT,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._access = access
        self._key = personal_key
        self._zone = ZoneInfo(time_zone)
        self._limiter = limiter
        self._backoff = backoff_seconds
        self._root = self._client(base_url)
        self._node_base = node_base
        self._node: JsonClient | None = None

    def calls(self, day: date) -> list[Lead]:
        return [self.call_of(row) for row in self._call_rows(day)]

    def requests(self, day: date) -> list[Lead]:
        # The requests journal takes the month first.
        stamp = day.strftime("%m/%d/%Y")
        reply = self._root.get("/calls-service/RestAPI/requests", {
            "clientApiId": self._access.token, "siteId": self._access.site_id,
            "dateFrom": stamp, "dateTo": stamp,
        })
        rows = reply.get("records", []) if isinstance(reply, dict) else reply
        return [self.request_of(row) for row in rows]

    def call_of(self, row: dict[str, Any]) -> Lead:
        return call_of(row, self._access.dealer_code, self._key, self._zone)

    def request_of(self, row: dict[str, Any]) -> Lead:
        return request_of(row, self._access.dealer_code, self._key)

    def _call_rows(self, day: date) -> Iterator[dict[str, Any]]:
        # The calls journal takes the day first.
        stamp = day.strftime("%d/%m/%Y")
        client = self._calls_client()
        path = f"/calls-service/RestAPI/{self._access.site_id}/calls-diary/calls"
        for page in range(1, MAX_PAGES + 1):
            reply = client.get(path, {
                "clientApiId": self._access.token, "dateFrom": stamp,
                "dateTo": stamp, "page": page, "limit": PAGE_LIMIT,
            })
            if isinstance(reply, list):
                yield from reply
                return
            yield from reply.get("records") or []
            if page >= int(reply.get("pageTotal") or 1):
                return

    def _calls_client(self) -> JsonClient:
        if self._node is None:
            path = f"/calls-service/RestAPI/{self._access.site_id}/getnodeid/"
            reply = self._root.get(path, {"clientApiId": self._access.token})
            self._node = self._client(self._node_base(int(reply["nodeId"])))
        return self._node

    def _client(self, base_url: str) -> JsonClient:
        return JsonClient("calltouch", base_url, self._limiter,
                          backoff_seconds=self._backoff)


def call_of(row: dict[str, Any], dealer_code: str, key: bytes,
            zone: ZoneInfo) -> Lead:
    """A call of the journal or of a webhook, as a lead."""
    return Lead(
        kind=LeadKind.CALL,
        lead_id=str(row["callId"]),
        dealer_code=dealer_code,
        at=_call_time(row, zone),
        is_unique_target=_flag(row.get("uniqTargetCall")),
        utm=Utm(_text(row.get("utmSource")), _text(row.get("utmMedium")),
                _text(row.get("utmCampaign"))),
        tracked_phone=digits_of(_text(row.get("phoneNumber"))),
        source_channel=_text(row.get("source")),
        duration_seconds=int(row.get("duration") or 0),
        contact=_contact(_text(row.get("callerNumber")), key),
    )


def request_of(row: dict[str, Any], dealer_code: str, key: bytes) -> Lead:
    """A request (online lead) of the journal or of a webhook, as a lead."""
    session = row.get("session") or {}
    client = row.get("client") or {}
    phones = client.get("phones") or []
    number = _text(phones[0].get("phoneNumber")) if phones else ""
    return Lead(
        kind=LeadKind.REQUEST,
        lead_id=str(row["requestId"]),
        dealer_code=dealer_code,
        at=datetime.fromtimestamp(int(row["date"]) / 1000, UTC),
        is_unique_target=_flag(row.get("uniqTargetRequest")),
        utm=Utm(_text(session.get("utmSource")), _text(session.get("utmMedium")),
                _text(session.get("utmCampaign"))),
        source_channel=_text(session.get("source")),
        contact=_contact(number, key),
    )


def _call_time(row: dict[str, Any], zone: ZoneInfo) -> datetime:
    if row.get("timestamp") not in (None, ""):
        return datetime.fromtimestamp(int(row["timestamp"]), UTC)
    # Without the epoch, `date` is the cabinet's local time, day first.
    local = datetime.strptime(str(row["date"]), "%d/%m/%Y %H:%M:%S")
    return local.replace(tzinfo=zone).astimezone(UTC)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _contact(number: str, key: bytes) -> Contact | None:
    return contact_of(number, key) if number else None
