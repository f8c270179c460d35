"""Handler time of GET /v1/analytics/network for 1,000 dealers; prints JSON.

Starts its own emulator on loopback (moto's server, real HTTP, as the local
stack and the tests use), stores 1,000 dealer summaries of one period, then
calls the route through Chalice's test client and times each call: token
check, the caller's user record, one query of the stored summaries, the
brand's settings, totals and breakdowns, and the JSON reply.

    PYTHONPATH=. .venv/bin/python bench/bench_network_analytics.py \
        [--dealers N] [--runs N]
"""

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

import loopback

PORT = loopback.point_app_here(with_tokens=True)

from devstack.keys import mint  # noqa: E402

PERIOD = "2026-11"
REGIONS = ("Москва", "Санкт-Петербург", "Татарстан", "Свердловская область",
           "Краснодарский край", "Новосибирская область", "Приморский край")
CATEGORIES = ("flagship", "standard", "satellite")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dealers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from chalice.test import Client
    server = loopback.start_emulator(PORT)
    try:
        _seed(args.dealers)
        import app

        headers = {"Authorization": f"Bearer {mint('bench-analyst')}"}
        timings, size = [], 0
        with Client(app.app) as client:
            for _ in range(args.runs + 1):
                started = time.perf_counter()
                response = client.http.get(
                    f"/v1/analytics/network?period={PERIOD}", headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.body
                size = len(response.body)
        body = json.loads(response.body)
        warm = timings[1:]
        json.dump({
            "route": "GET /v1/analytics/network",
            "dealers": body["totals"]["dealers"],
            "runs": len(warm),
            "first_call_ms": round(timings[0], 1),
            "median_ms": round(statistics.median(warm), 1),
            "p90_ms": round(sorted(warm)[int(len(warm) * 0.9) - 1], 1),
            "max_ms": round(max(warm), 1),
            "response_bytes": size,
            "storage": "emulator",
            "note": "moto server over loopback HTTP; one query of 16 chunks",
        }, sys.stdout, indent=2)
        print()
    finally:
        server.stop()


def _seed(count: int) -> None:
    from chalicelib.access.dynamo import user_item
    from chalicelib.access.model import Role, User
    from chalicelib.integrations.analytics import DealerSummary
    from chalicelib.integrations.dynamo import DynamoSummaries
    from chalicelib.network.dynamo import brand_item
    from chalicelib.network.model import Brand
    from devstack import bootstrap

    bootstrap.create_tables()
    brand_item(Brand("bench", "Bench", "RUB", "Europe/Moscow")).save(
        add_version_condition=False)
    user_item(User("bench-analyst", "bench", "analyst@bench.example", "Analyst",
                   Role.ANALYST)).save(add_version_condition=False)
    now = datetime.now(UTC)
    DynamoSummaries().save(
        DealerSummary(
            brand_id="bench", period=PERIOD, dealer_code=f"BEN-{n:04d}",
            dealer_name=f"Дилер {n}", city=f"Город {n % 90}",
            region=REGIONS[n % len(REGIONS)], category=CATEGORIES[n % 3],
            refreshed_at=now, budget_plan=Decimal("150000.00"),
            budget_actual=Decimal(f"{90000 + n}.50"),
            placements_by_status={"approved": 3, "submitted": 1, "cancelled": 1},
            placement_cost=Decimal(f"{80000 + n}.00"), reports_due=4,
            reports_on_time=3, leads=n % 40, actions=n % 60, sales_units=n % 12,
            sales_revenue=Decimal(f"{2500000 * (n % 12)}.00"),
            sales_plan_units=10, checklist_met=5, checklist_not_met=2,
            checklist_unknown=1, bonus=Decimal(f"{n * 10}.00"), bonus_final=n % 2 == 0,
            photo_flags={"under_review": n % 3, "confirmed": n % 2},
        )
        for n in range(count)
    )


if __name__ == "__main__":
    main()
