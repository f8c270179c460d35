"""What one dealer's refresh of the network analytics costs in a network of
1,000 dealers (it runs after every placement, budget and flag write); prints
JSON.

Starts its own emulator on loopback, stores 1,000 dealers with three
placements, a budget, ledger entries and sales each, then times
`wiring.refresh_analytics(brand, period, only=[dealer])` and the whole
period's refresh, and counts the DynamoDB requests of one dealer's.

    PYTHONPATH=. .venv/bin/python bench/bench_analytics_refresh.py \
        [--dealers N] [--runs N]
"""

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import loopback

PORT = loopback.point_app_here()

PERIOD = "2026-11"
REGIONS = ("Москва", "Татарстан", "Свердловская область", "Приморский край")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dealers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    server = loopback.start_emulator(PORT)
    try:
        _seed(args.dealers)
        from chalicelib import wiring
        from tests.integration.counting import dynamodb_requests

        wiring.use(clock=lambda: NOW)
        one, codes = [], [f"BEN-{n:04d}" for n in range(args.dealers)]
        for run in range(args.runs + 1):
            started = time.perf_counter()
            wiring.refresh_analytics("bench", PERIOD, only=[codes[run * 7]])
            one.append((time.perf_counter() - started) * 1000)
        with dynamodb_requests() as requests:
            wiring.refresh_analytics("bench", PERIOD, only=[codes[3]])
        started = time.perf_counter()
        wiring.refresh_analytics("bench", PERIOD)
        whole_ms = (time.perf_counter() - started) * 1000
        stored = wiring.summaries().summaries_of("bench", PERIOD)
        json.dump({
            "operation": "refresh_analytics(brand, period, only=[dealer])",
            "dealers": args.dealers,
            "summaries_stored": len(stored),
            "runs": len(one) - 1,
            "one_dealer_median_ms": round(statistics.median(one[1:]), 1),
            "one_dealer_max_ms": round(max(one[1:]), 1),
            "one_dealer_requests": dict(requests),
            "whole_period_ms": round(whole_ms, 1),
            "storage": "emulator",
            "note": "moto server over loopback HTTP",
        }, sys.stdout, indent=2)
        print()
    finally:
        server.stop()


def _seed(count: int) -> None:
    from chalicelib.budgets.dynamo import BudgetModel, LedgerEntryModel, ledger_item
    from chalicelib.budgets.model import EntryKind, LedgerEntry
    from chalicelib.integrations.dynamo import DynamoSalesAndTraffic
    from chalicelib.integrations.model import SalesFigure, Source, TrafficFigure
    from chalicelib.network.dynamo import DealerModel, brand_item, dealer_item
    from chalicelib.network.model import Brand, Dealer
    from chalicelib.placements.dynamo import PlacementModel, _placement_item
    from chalicelib.placements.model import Placement, PlacementStatus
    from devstack import bootstrap

    bootstrap.create_tables()
    brand_item(Brand("bench", "Bench", "RUB", "Europe/Moscow")).save(
        add_version_condition=False)
    dealers = [Dealer("bench", f"BEN-{n:04d}", f"Дилер {n}", f"Город {n % 90}",
                      REGIONS[n % len(REGIONS)], "Europe/Moscow", "standard")
               for n in range(count)]
    with DealerModel.batch_write() as batch:
        for dealer in dealers:
            batch.save(dealer_item(dealer))
    with PlacementModel.batch_write() as placements, \
            LedgerEntryModel.batch_write() as ledger, \
            BudgetModel.batch_write() as budgets:
        for dealer in dealers:
            for k in range(3):
                placement = Placement(
                    placement_id=f"pl-{dealer.code}-{k}", brand_id="bench",
                    dealer_code=dealer.code, region=dealer.region,
                    channel_id="outdoor", title="Щиты",
                    starts_on=date(2026, 11, 2 + k), ends_on=date(2026, 11, 20),
                    cost=Decimal("50000.00"), currency="RUB", created_by="bench",
                    created_at=NOW, updated_at=NOW, status=PlacementStatus.APPROVED,
                    approved_amount=Decimal("45000.00"), version=1)
                placements.save(_placement_item(placement))
                ledger.save(ledger_item(LedgerEntry(
                    "bench", dealer.code, PERIOD, f"approval-{placement.placement_id}",
                    EntryKind.APPROVAL, "outdoor", Decimal("45000.00"), "RUB",
                    "approved", NOW, placement.placement_id)))
            budgets.save(BudgetModel(
                f"bench#{dealer.code}", PERIOD, brand_period=f"bench#{PERIOD}",
                brand_id="bench", dealer_code=dealer.code, region=dealer.region,
                currency="RUB", plan={"outdoor": "150000.00"}, status="approved",
                version=1))
    figures = DynamoSalesAndTraffic()
    figures.save_sales("bench", [
        SalesFigure(d.code, "Aurora X5", date(2026, 11, day), 1,
                    Decimal("2700000.00"))
        for d in dealers for day in (3, 10, 17)])
    figures.save_traffic("bench", [
        TrafficFigure(d.code, "digital", date(2026, 11, 3), 300, 5, 2,
                      Source.DISTRIBUTOR) for d in dealers])


if __name__ == "__main__":
    main()
