"""Use cases of call tracking: pull a dealer's journals, take webhooks.

Both ways store a lead under the same identity (dealer, kind, Calltouch id),
so a call that arrives by webhook and again in the nightly journal is one
lead.
"""

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from chalicelib.errors import InvalidInput
from chalicelib.integrations.calltouch import CalltouchAccess, call_of, request_of
from chalicelib.integrations.model import (
    Lead,
    LeadKind,
    Source,
    SyncReport,
    WebhookRejected,
    days_of,
    local_period,
)
from chalicelib.integrations.ports import IntegrationSecrets, IntegrationSettings, Leads
from chalicelib.network.model import Dealer
from chalicelib.network.ports import DealerRepository

NIGHTLY_DAYS = 3
"""A nightly pull takes the last days again: Calltouch marks calls as target
or unique some time after they end."""
# Limitation: a correction Calltouch makes more than 3 days later is picked up
# only by an on-demand sync of the period.


class Cabinet(Protocol):
    """One dealer's call tracking, as `calltouch.CalltouchCabinet` reads it."""

    def calls(self, day: date) -> list[Lead]: ...

    def requests(self, day: date) -> list[Lead]: ...


class WebhookNotUnderstood(InvalidInput):
    """A webhook's body is neither a call nor a request."""

    code = "webhook_not_understood"


def days_to_pull(period: str, today: date, nightly: bool) -> list[date]:
    """Days of the period up to today; a nightly run only the last few days
    before today."""
    days = [day for day in days_of(period) if day <= today]
    if nightly:
        first = today - timedelta(days=NIGHTLY_DAYS)
        days = [day for day in days if first <= day < today]
    return days


def pull_dealer(
    brand_id: str,
    dealer: Dealer,
    period: str,
    days: list[date],
    cabinet: Cabinet,
    leads: Leads,
    retention: timedelta,
) -> SyncReport:
    """Calls and requests of `days` from a dealer's cabinet."""
    calls = [lead for day in days for lead in cabinet.calls(day)]
    requests = [lead for day in days for lead in cabinet.requests(day)]
    dated = [(local_period(lead.at, dealer.time_zone), lead)
             for lead in [*calls, *requests]]
    leads.save_leads(brand_id, dated, retention)
    return SyncReport(Source.CALLTOUCH, period,
                      calls=len({lead.lead_id for lead in calls}),
                      requests=len({lead.lead_id for lead in requests}))


@dataclass(frozen=True, slots=True)
class Webhook:
    """What taking a webhook needs."""

    secrets: IntegrationSecrets
    dealers: DealerRepository
    leads: Leads
    settings: IntegrationSettings
    after_save: Callable[[str, str, str], None] = lambda brand, period, code: None
    """Called with (brand, period, dealer) after a lead was stored."""


def accept_webhook(
    webhook: Webhook, source: str, dealer_code: str, secret: str,
    payload: Any,
) -> dict[str, str]:
    """Store the call or request a dealer's call tracking pushed.

    The dealer's webhook secret authenticates the push; an unknown source or
    dealer answers exactly like a wrong secret.
    """
    access = _authenticated(webhook.secrets, source, dealer_code, secret)
    dealer = webhook.dealers.get(access.brand_id, dealer_code)
    if dealer is None:
        raise WebhookRejected(source, dealer_code)

    lead = _lead_of(payload, dealer, webhook.secrets.personal_data_key())
    period = local_period(lead.at, dealer.time_zone)
    retention = timedelta(days=webhook.settings.retention_days(access.brand_id))
    webhook.leads.save_leads(access.brand_id, [(period, lead)], retention)
    webhook.after_save(access.brand_id, period, dealer.code)
    return {"kind": lead.kind.value, "id": lead.lead_id, "period": period}


_NO_SECRET = "no-such-dealer-secret-" + "0" * 32


def _authenticated(secrets: IntegrationSecrets, source: str, dealer_code: str,
                   secret: str) -> CalltouchAccess:
    access = (secrets.calltouch_access(dealer_code)
              if source == Source.CALLTOUCH.value else None)
    expected = access.webhook_secret if access else _NO_SECRET
    # Compared in constant time, and compared even when there is nothing to
    # compare with, so timing tells nothing of which dealers exist.
    matches = hmac.compare_digest(secret.encode(), expected.encode())
    if access is None or not matches or not secret:
        raise WebhookRejected(source, dealer_code)
    return access


def _lead_of(payload: Any, dealer: Dealer, key: bytes) -> Lead:
    if not isinstance(payload, dict):
        raise WebhookNotUnderstood("The webhook body is not a JSON object.")
    try:
        if "callId" in payload:
            return call_of(payload, dealer.code, key, ZoneInfo(dealer.time_zone))
        if "requestId" in payload:
            return request_of(payload, dealer.code, key)
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookNotUnderstood(
            f"The webhook body lacks a usable field: {exc!r}.") from exc
    raise WebhookNotUnderstood("The webhook body has neither callId nor requestId.")


def kinds_counted(leads: list[Lead]) -> dict[LeadKind, int]:
    """Unique target calls and requests: the leads of KPIs and CPL."""
    counted = dict.fromkeys(LeadKind, 0)
    for lead in leads:
        if lead.is_unique_target:
            counted[lead.kind] += 1
    return counted


def json_of(raw_body: bytes | str | None) -> Any:
    """A webhook's JSON body; anything else is not understood."""
    try:
        return json.loads(raw_body or b"")
    except (ValueError, RecursionError) as exc:
        raise WebhookNotUnderstood("The webhook body is not JSON.") from exc
