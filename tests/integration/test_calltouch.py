"""Calltouch over real HTTP on loopback, leads stored in the emulator."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest

from chalicelib import wiring
from chalicelib.integrations.calltouch import (
    REQUESTS_PER_SECOND,
    CalltouchAccess,
    CalltouchCabinet,
)
from chalicelib.integrations.dynamo import ContactModel, DynamoLeads, LeadModel
from chalicelib.integrations.httpjson import RateLimiter
from chalicelib.integrations.leads import Webhook, accept_webhook, pull_dealer
from chalicelib.integrations.model import LeadKind, SourceUnavailable
from chalicelib.integrations.secrets import CALLTOUCH, merged_secret
from tests.fake_sources.calls import call, request
from tests.fake_sources.calltouch import FakeCalltouch, Site

KEY = b"k" * 32
YEAR = timedelta(days=365)


@pytest.fixture
def calltouch():
    fake = FakeCalltouch()
    fake.sites["4401"] = Site(token="ct-token-msk")
    with fake.server:
        yield fake


def cabinet(fake: FakeCalltouch, limiter: RateLimiter | None = None,
            token: str = "ct-token-msk") -> CalltouchCabinet:
    access = CalltouchAccess("aurora", "AUR-MSK-01", "4401", token, "hook-secret")
    return CalltouchCabinet(access, KEY, "Europe/Moscow", base_url=fake.server.url,
                            node_base=lambda node: fake.server.url,
                            limiter=limiter or RateLimiter(100),
                            backoff_seconds=0.01)


def moscow(demo):
    return wiring.dealers().get("aurora", "AUR-MSK-01")


def test_a_pull_stores_each_days_calls_and_requests_with_both_date_formats(
    demo, calltouch
):
    site = calltouch.sites["4401"]
    site.calls = [call(101, "2026-11-03T10:15:00"), call(102, "2026-11-03T12:00:00"),
                  call(103, "2026-11-03T18:30:00", target=False),
                  call(104, "2026-11-04T09:00:00")]
    site.requests = [request(501, "2026-11-03T11:00:00"),
                     request(502, "2026-11-04T16:00:00", target=False)]
    leads = DynamoLeads()

    report = pull_dealer("aurora", moscow(demo), "2026-11",
                         [date(2026, 11, 3), date(2026, 11, 4)], cabinet(calltouch),
                         leads, YEAR)

    stored = leads.leads_of("aurora", "2026-11")
    assert (report.calls, report.requests) == (4, 2)
    assert sorted(lead.lead_id for lead in stored) == [
        "101", "102", "103", "104", "501", "502"]
    assert sum(lead.is_unique_target for lead in stored) == 4
    call_pages = [query.get("page") for path, query in calltouch.server.requests
                  if path.endswith("/calls")]
    assert call_pages == ["1", "2", "1"]


def test_callers_numbers_are_kept_only_masked_and_hashed_until_retention_ends(
    demo, calltouch
):
    calltouch.sites["4401"].calls = [call(101, "2026-11-03T10:15:00",
                                          caller="+7 (916) 123-45-67")]

    pull_dealer("aurora", moscow(demo), "2026-11", [date(2026, 11, 3)],
                cabinet(calltouch), DynamoLeads(), timedelta(days=90))

    contact = ContactModel.get("aurora", "AUR-MSK-01#call#101")
    stored = json.dumps([LeadModel.get("aurora#2026-11",
                                       "AUR-MSK-01#call#101").to_simple_dict(),
                         contact.to_simple_dict()], default=str)
    assert "9161234567" not in stored and "123-45-67" not in stored
    assert contact.number_masked == "+7********67"
    assert len(contact.number_hash) == 64
    called_at = datetime(2026, 11, 3, 7, 15, tzinfo=UTC)
    assert contact.expires_at == called_at + timedelta(days=90)


def test_a_call_arriving_by_webhook_and_by_journal_is_one_lead(demo, calltouch):
    merged_secret(boto3.client("secretsmanager"), CALLTOUCH, {"AUR-MSK-01": {
        "brand_id": "aurora", "site_id": "4401", "token": "ct-token-msk",
        "webhook_secret": "hook-secret"}})
    pushed = call(101, "2026-11-03T10:15:00")
    calltouch.sites["4401"].calls = [pushed, call(102, "2026-11-03T11:00:00")]
    leads = DynamoLeads()
    hook = Webhook(wiring.integration_secrets(), wiring.dealers(), leads,
                   wiring.integration_settings())

    accept_webhook(hook, "calltouch", "AUR-MSK-01", "hook-secret", pushed)
    pull_dealer("aurora", moscow(demo), "2026-11", [date(2026, 11, 3)],
                cabinet(calltouch), leads, YEAR)
    accept_webhook(hook, "calltouch", "AUR-MSK-01", "hook-secret", pushed)

    stored = leads.leads_of("aurora", "2026-11")
    assert sorted(lead.lead_id for lead in stored) == ["101", "102"]
    assert {lead.kind for lead in stored} == {LeadKind.CALL}


def test_a_late_evening_call_in_kamchatka_belongs_to_the_local_month(demo):
    leads = DynamoLeads()
    merged_secret(boto3.client("secretsmanager"), CALLTOUCH, {"AUR-PKC-01": {
        "brand_id": "aurora", "site_id": "9", "token": "t",
        "webhook_secret": "s3cret"}})
    hook = Webhook(wiring.integration_secrets(), wiring.dealers(), leads,
                   wiring.integration_settings())
    # 1 December 00:30 in Kamchatka is still 30 November in UTC.
    pushed = call(7, "2026-12-01T00:30:00", zone=ZoneInfo("Asia/Kamchatka"))

    accepted = accept_webhook(hook, "calltouch", "AUR-PKC-01", "s3cret", pushed)

    assert accepted["period"] == "2026-12"
    assert [lead.lead_id for lead in leads.leads_of("aurora", "2026-12")] == ["7"]


def test_calltouch_busy_replies_are_retried_within_five_requests_a_second(
    demo, calltouch
):
    site = calltouch.sites["4401"]
    site.calls = [call(100 + n, f"2026-11-0{1 + n % 3}T10:0{n}:00") for n in range(6)]
    calltouch.server.failures = [429, 429]
    days = [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]

    limited = cabinet(calltouch, limiter=RateLimiter(REQUESTS_PER_SECOND))

    report = pull_dealer("aurora", moscow(demo), "2026-11", days, limited,
                         DynamoLeads(), YEAR)

    arrivals = calltouch.server.arrivals
    assert report.calls == 6
    assert len(arrivals) == 9  # node lookup twice refused, 3 calls, 3 requests
    busiest = max(sum(1 for t in arrivals if start <= t < start + 1)
                  for start in arrivals)
    assert busiest <= 5


def test_a_wrong_token_fails_the_pull(demo, calltouch):
    with pytest.raises(SourceUnavailable):
        cabinet(calltouch, token="wrong").calls(date(2026, 11, 3))
