"""Benchmark of the creative search handler at 10,000 creatives per brand.

Starts its own emulator on 127.0.0.1 (a free port), loads the demo brands and
N creatives for brand `aurora` (and a few for `taiga`), then calls
`GET /v1/creatives` through the Chalice test client, as a manager and as a
dealer user, and prints the handler times as JSON. The first call builds the
container's search index from the change feed and stores a snapshot; a
second cold start (a new container) loads that snapshot; the other calls
reuse the index, as a warm Lambda container does.

    PYTHONPATH=. .venv/bin/python bench/bench_creatives_search.py [--creatives N]
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import loopback

PORT = loopback.point_app_here(with_tokens=True)

from chalicelib.audience import Audience, AudienceKind  # noqa: E402
from chalicelib.media.creatives import (  # noqa: E402
    Creative,
    CreativeDescription,
    CreativeFormat,
    CreativeVersion,
    VersionStatus,
)
from devstack.keys import mint  # noqa: E402

QUERIES = ["", "?q=баннеры", "?q=летние+баннеры", "?q=banner+suv",
           "?q=радиоролик&channel=radio", "?model=X5&sort=title",
           "?q=акция&valid_now=true&limit=20", "?tag=осень&sort=-updated_at"]

NOUNS = ["баннер", "баннеры", "листовка", "афиша", "радиоролик", "видеоролик",
         "макет", "плакат", "banner", "leaflet", "poster", "video", "layout"]
ADJECTIVES = ["летний", "осенний", "зимний", "весенний", "новогодний", "яркий",
              "summer", "autumn", "winter", "bright", "premium"]
TOPICS = ["тест-драйв", "акция", "кредит", "trade-in", "открытие", "SUV",
          "семейный", "сервис", "distribution", "launch", "offer"]
MODELS = ["X3", "X5", "X7", "Terra", "Nova", "Polar"]
CHANNELS = ["outdoor", "radio", "digital", "print", "event", "tv"]
TAGS = ["лето", "осень", "зима", "весна", "suv", "кредит", "сервис", "новинка"]
CATEGORIES = ["flagship", "standard", "satellite", "boutique"]
CITIES = ["Москва", "Калининград", "Казань", "Новосибирск", "Владивосток"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creatives", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    server = loopback.start_emulator(PORT)
    try:
        print(json.dumps(run(args.creatives, args.repeats), ensure_ascii=False,
                         indent=2))
    finally:
        server.stop()


class StorageCalls:
    """Time spent in AWS API calls (here: waiting on the emulator), so the
    report can tell the app's own time from the emulator's."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        calls = self

        def timed(client: Any, operation: str, params: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                calls.seconds += time.perf_counter() - started
                calls.count += 1

        BaseClient._make_api_call = timed  # type: ignore[method-assign]

    def reset(self) -> None:
        self.seconds, self.count = 0.0, 0


STORAGE = StorageCalls()


def run(count: int, repeats: int) -> dict[str, Any]:
    from chalice.test import Client

    import app
    from devstack import bootstrap
    from devstack.seed import seed

    bootstrap.create_all()
    seed()
    started = time.perf_counter()
    load_creatives("aurora", count)
    load_creatives("taiga", 50)
    load_seconds = time.perf_counter() - started

    callers = {
        "manager": {"Authorization": f"Bearer {mint('aurora-manager-1')}"},
        "dealer": {"Authorization": f"Bearer {mint('aurora-dealer-1')}"},
    }
    from chalicelib import wiring

    STORAGE.install()
    with Client(app.app) as client:
        # The first container finds no snapshot, reads the whole change feed
        # and stores one; a new container then starts from that snapshot.
        cold_ms = _timed(client, "/v1/creatives?q=баннеры", callers["dealer"])[0]
        wiring.reset()
        snapshot_cold_ms = _timed(client, "/v1/creatives?q=баннеры",
                                  callers["dealer"])[0]
        results: dict[str, Any] = {}
        for role, headers in callers.items():
            for query in QUERIES:
                times, own, found = [], [], 0
                for _ in range(repeats):
                    STORAGE.reset()
                    elapsed, body = _timed(client, f"/v1/creatives{query}", headers)
                    times.append(elapsed)
                    own.append(elapsed - STORAGE.seconds * 1000)
                    found = len(body["items"])
                summary = _summary(times, found)
                summary["without_storage_calls_p50_ms"] = round(
                    statistics.median(own), 1)
                summary["storage_calls"] = STORAGE.count
                results[f"{role} {query or '(all)'}"] = summary
        in_memory = _in_memory_search_ms(repeats)
    warm = [r["p50_ms"] for r in results.values()]
    return {
        "creatives_in_brand": count,
        "load_seconds": round(load_seconds, 1),
        "cold_first_request_without_snapshot_ms": round(cold_ms, 1),
        "cold_first_request_from_snapshot_ms": round(snapshot_cold_ms, 1),
        "warm_p50_ms_worst_query": max(warm),
        "warm_p95_ms_worst_query": max(r["p95_ms"] for r in results.values()),
        "warm_p50_ms_without_storage_calls_worst_query": max(
            r["without_storage_calls_p50_ms"] for r in results.values()),
        "in_memory_search_ms_p50": in_memory,
        "by_query": results,
        "note": "Handler time through Chalice's test client against the local "
                "emulator, which runs in this process. Each request reads its "
                "user, the brand, the dealer(s) and the change counter "
                "(`storage_calls`); `without_storage_calls` subtracts the time "
                "spent waiting on those emulator calls.",
    }


def load_creatives(brand_id: str, count: int) -> None:
    from chalicelib.media.creatives_dynamo import (
        CreativeChangesModel,
        CreativeModel,
        creative_item,
    )

    chance = random.Random(f"{brand_id}-{count}")
    with CreativeModel.batch_write() as batch:
        for n in range(1, count + 1):
            batch.save(creative_item(_creative(chance, brand_id, n), index_seq=n))
    CreativeChangesModel(brand_id, seq=count).save()


def _creative(chance: random.Random, brand_id: str, n: int) -> Creative:
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
    title = " ".join([chance.choice(ADJECTIVES), chance.choice(NOUNS),
                      chance.choice(MODELS), chance.choice(TOPICS)])
    kind = chance.choice([AudienceKind.ALL, AudienceKind.CATEGORY,
                          AudienceKind.CITY])
    values: tuple[str, ...] = ()
    if kind is AudienceKind.CATEGORY:
        values = (chance.choice(CATEGORIES),)
    elif kind is AudienceKind.CITY:
        values = (chance.choice(CITIES),)
    starts = date(2026, 1, 1) + timedelta(days=chance.randrange(0, 300))
    description = CreativeDescription(
        title=title,
        description=" ".join(chance.choice(TOPICS + NOUNS) for _ in range(12)),
        tags=tuple(chance.sample(TAGS, 2)),
        car_model=chance.choice(MODELS),
        channel=chance.choice(CHANNELS),
        format=CreativeFormat(1200, 628),
        valid_from=starts,
        valid_to=starts + timedelta(days=chance.randrange(30, 400)),
        audience=Audience(kind, values),
    )
    creative_id = f"cr-bench-{n:06}"
    key = f"creatives/{brand_id}/{creative_id}/v1/original"
    version = CreativeVersion(
        number=1, file_name=f"{title}.jpg", content_type="image/jpeg",
        size_bytes=250_000, object_key=key,
        created_at=at, created_by="bench", status=VersionStatus.READY, uploaded_at=at,
        preview_keys=(f"previews/{brand_id}/{creative_id}/v1/320.jpg",),
    )
    return Creative(brand_id=brand_id, creative_id=creative_id,
                    description=description, versions=(version,), created_at=at,
                    updated_at=at, created_by="bench")


def _in_memory_search_ms(repeats: int) -> dict[str, float]:
    """The index lookup alone, without HTTP, auth or storage reads."""
    from chalicelib import wiring
    from chalicelib.media.search import Criteria, Viewer

    index = wiring.creative_catalog().index_of("aurora")
    viewer = Viewer(brand_today=date(2026, 6, 15))
    timings = {}
    for text in ("", "баннеры", "летние баннеры акция"):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            index.search(Criteria(text=text), viewer)
            times.append((time.perf_counter() - started) * 1000)
        timings[text or "(all)"] = round(statistics.median(times), 2)
    return timings


def _timed(client: Any, path: str, headers: dict) -> tuple[float, Any]:
    started = time.perf_counter()
    reply = client.http.get(path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if reply.status_code != 200:
        sys.exit(f"{path}: {reply.status_code} {reply.body!r}")
    return elapsed, json.loads(reply.body)


def _summary(times: list[float], found: int) -> dict[str, Any]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1), "items_on_page": found}


if __name__ == "__main__":
    main()
