"""The distributor platform adapter over real HTTP on loopback, storing into
the emulator's tables."""

from decimal import Decimal

import pytest

from chalicelib import wiring
from chalicelib.integrations.distributor import DistributorAccess, DistributorPlatform
from chalicelib.integrations.dynamo import DynamoSalesAndTraffic
from chalicelib.integrations.httpjson import JsonClient, RateLimiter
from chalicelib.integrations.model import SourceUnavailable
from chalicelib.integrations.service import DealerCodesOf
from chalicelib.integrations.sync import sync_distributor
from tests.fake_sources.distributor import FakeDistributor


def sale(dealer: str, day: str, units: int, revenue: str, model: str = "Aurora X5"):
    return {"dealer_code": dealer, "model": model, "date": day, "units": units,
            "revenue": revenue}


def visits(dealer: str, day: str, channel: str = "digital", count: int = 100):
    return {"dealer_code": dealer, "channel": channel, "date": day,
            "visits": count, "calls": 3, "online_leads": 2}


@pytest.fixture
def platform():
    fake = FakeDistributor()
    with fake.server:
        yield fake


def adapter(fake: FakeDistributor, token: str | None = None) -> DistributorPlatform:
    access = DistributorAccess(fake.server.url, token or fake.token)
    client = JsonClient("distributor", access.base_url, RateLimiter(50),
                        headers={"Authorization": f"Bearer {access.token}"},
                        backoff_seconds=0.01, retries=3, timeout_seconds=2)
    return DistributorPlatform(access, client)


def test_sync_pages_through_sales_and_traffic_and_stores_every_figure(demo, platform):
    platform.sales = [
        sale("AUR-MSK-01", "2026-11-02", 2, "5400000.00"),
        sale("AUR-MSK-01", "2026-11-03", 1, "2700000.50"),
        sale("AUR-KGD-01", "2026-11-03", 3, "8100000.00"),
    ]
    platform.traffic = [visits("AUR-MSK-01", "2026-11-02"),
                        visits("AUR-KGD-01", "2026-11-02", count=40)]
    store = DynamoSalesAndTraffic()

    report = sync_distributor("aurora", "2026-11", adapter(platform),
                              DealerCodesOf(wiring.dealers()), store)

    sales = store.sales_of("aurora", "2026-11")
    assert report.sales_rows == 3 and report.traffic_rows == 2
    assert sum(figure.units for figure in sales) == 6
    assert sum(figure.revenue for figure in sales) == Decimal("16200000.50")
    assert sum(f.visits for f in store.traffic_of("aurora", "2026-11")) == 140
    pages_asked = [query["page"] for path, query in platform.server.requests
                   if path == "/v1/sales"]
    assert pages_asked == ["1", "2"]


def test_a_repeated_sync_replaces_figures_and_never_doubles_them(demo, platform):
    platform.sales = [sale("AUR-MSK-01", "2026-11-02", 2, "5400000.00")]
    store = DynamoSalesAndTraffic()
    codes = DealerCodesOf(wiring.dealers())
    sync_distributor("aurora", "2026-11", adapter(platform), codes, store)
    platform.sales = [sale("AUR-MSK-01", "2026-11-02", 3, "8100000.00")]

    sync_distributor("aurora", "2026-11", adapter(platform), codes, store)
    sync_distributor("aurora", "2026-11", adapter(platform), codes, store)

    sales = store.sales_of("aurora", "2026-11")
    assert [(figure.units, figure.revenue) for figure in sales] == [
        (3, Decimal("8100000.00"))]


def test_rows_of_unknown_dealers_and_bad_rows_are_reported_not_stored(demo, platform):
    platform.sales = [
        sale("AUR-MSK-01", "2026-11-02", 2, "5400000.00"),
        sale("ZZZ-NOPE-01", "2026-11-02", 1, "100.00"),
        sale("ZZZ-NOPE-01", "2026-11-03", 1, "100.00"),
        sale("TAI-MSK-01", "2026-11-03", 1, "100.00"),
        {"dealer_code": "AUR-MSK-01", "model": "Aurora X5", "date": "2026-11-04",
         "units": 1, "revenue": 2700000.5},
    ]
    store = DynamoSalesAndTraffic()

    report = sync_distributor("aurora", "2026-11", adapter(platform),
                              DealerCodesOf(wiring.dealers()), store)

    assert report.unknown_dealers == {"ZZZ-NOPE-01": 2, "TAI-MSK-01": 1}
    assert [row["reason"] for row in report.rejected] == [
        "expected money as a decimal string"]
    assert len(store.sales_of("aurora", "2026-11")) == 1
    assert store.sales_of("taiga", "2026-11") == []


def test_busy_and_failing_replies_are_retried_until_the_platform_answers(
    demo, platform
):
    platform.sales = [sale("AUR-MSK-01", "2026-11-02", 2, "5400000.00")]
    platform.server.failures = [429, 503, 502]

    fetched = adapter(platform).sales("2026-11")

    assert len(fetched.figures) == 1
    assert len(platform.server.requests) == 4


def test_a_platform_that_keeps_failing_fails_the_sync_without_the_token(platform):
    platform.server.failures = [503] * 10

    with pytest.raises(SourceUnavailable) as failure:
        adapter(platform).sales("2026-11")

    assert failure.value.details["source"] == "distributor"
    assert platform.token not in str(failure.value)
    assert len(platform.server.requests) == 4


def test_a_wrong_token_is_not_retried_and_fails_the_sync(platform):
    with pytest.raises(SourceUnavailable) as failure:
        adapter(platform, token="stolen").sales("2026-11")

    assert failure.value.details["reason"] == "HTTP 401"
    assert len(platform.server.requests) == 1
