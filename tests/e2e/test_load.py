"""A bounded load test of the running local stack, over loopback: 50
concurrent clients read what dealers and managers read most, while a stream
of report photos is uploaded (presigned POST to the emulator's S3, then the
stack's photo handler). No request may end in a 5xx or a transport error,
and every photo must end processed: none is lost.

The figures are of the emulator (moto in one process, the local gateway and
event runner beside it, on this machine's shared cores), not of AWS. They
are printed and written to build/load-report.json (`make load` prints them).

Bounded: LOAD_CLIENTS x LOAD_REQUESTS reads and LOAD_UPLOADS photos, and no
read starts after LOAD_SECONDS (environment variables; defaults 50, 20, 30
and 90). The photos are noise made here, so no other module's photo matches
them.
"""

import io
import json
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import requests
from PIL import Image

from tests.e2e.conftest import ROOT, Stack
from tests.e2e.helpers import Api, Person, eventually

pytestmark = pytest.mark.e2e

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
REQUESTS = int(os.environ.get("LOAD_REQUESTS", "20"))
UPLOADS = int(os.environ.get("LOAD_UPLOADS", "30"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "90"))
UPLOADERS = 3
PROCESSED_WITHIN = 120.0
REPORT = Path(os.environ.get("LOAD_REPORT", str(ROOT / "build" / "load-report.json")))

READERS = [  # demo users and the dealer each serves (demo/aurora.toml)
    ("dealer_user", "aurora-dealer-1", "AUR-KGD-01"),
    ("dealer_user", "aurora-dealer-2", "AUR-KGD-02"),
    ("dealer_user", "aurora-dealer-3", "AUR-PKC-01"),
    ("dealer_user", "aurora-dealer-5", "AUR-MSK-01"),
    ("importer_manager", "aurora-manager-1", "AUR-KZN-01"),
    ("importer_manager", "aurora-manager-2", "AUR-SPB-01"),  # his regions
    ("analyst", "aurora-analyst-1", "AUR-ROV-01"),
]
UPLOADING = {"AUR-LDT-01": ("Аврора Нагрузка", "Тверь", "Тверская область")}


def reads(role: str, code: str, period: str) -> list[tuple[str, str]]:
    """(group, path) of what this kind of user reads most."""
    common = [
        ("me", "/v1/me"),
        ("brand", "/v1/brand"),
        ("channels", "/v1/channels"),
        ("feed", "/v1/notifications?limit=20"),
        ("creatives", "/v1/creatives?limit=20"),
        ("creatives", "/v1/creatives?q=%D0%B1%D0%B0%D0%BD%D0%BD%D0%B5%D1%80"),
    ]
    # Limitation: the bonus checklist is not read: without a bonus program
    # for the current period it is a 404 for everyone.
    if role == "dealer_user":
        return [
            *common,
            ("placements", f"/v1/placements?dealer={code}&period={period}"),
            ("budgets", f"/v1/dealers/{code}/budgets/{period}"),
            ("dealer", f"/v1/dealers/{code}"),
        ]
    return [
        *common,
        ("placements", f"/v1/placements?period={period}&limit=50"),
        ("analytics", f"/v1/analytics/network?period={period}"),
        ("dealers", "/v1/dealers?limit=50"),
        ("budgets", f"/v1/dealers/{code}/budgets/{period}"),
    ]


@dataclass
class Tally:
    """Every read's group, latency and outcome, kept by many threads."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    client_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, group: str, seconds: float, problem: str | None,
            kind: str) -> None:
        with self.lock:
            self.latencies.setdefault(group, []).append(seconds)
            if problem is not None:
                {"server": self.server_errors, "transport": self.transport_errors,
                 "client": self.client_errors}[kind].append(problem)


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(
        values) > 1 else [values[0]] * 99
    return {"count": len(values), "p50_ms": round(cuts[49] * 1000, 1),
            "p95_ms": round(cuts[94] * 1000, 1), "p99_ms": round(cuts[98] * 1000, 1),
            "max_ms": round(max(values) * 1000, 1)}


def read_client(url: str, headers: dict[str, str], paths: list[tuple[str, str]],
                tally: Tally, stop_at: float, seed: int) -> int:
    """One client: REQUESTS reads in a shuffled order, one session (keep-alive)."""
    chosen = random.Random(seed)
    done = 0
    with requests.Session() as session:
        session.headers.update(headers)
        for _ in range(REQUESTS):
            if time.monotonic() > stop_at:
                break
            group, path = chosen.choice(paths)
            started = time.monotonic()
            try:
                reply = session.get(f"{url}{path}", timeout=30)
            except requests.RequestException as exc:
                tally.add(group, time.monotonic() - started,
                          f"{path}: {type(exc).__name__}", "transport")
                continue
            took = time.monotonic() - started
            if reply.status_code >= 500:
                tally.add(group, took, f"{path}: {reply.status_code}", "server")
            elif reply.status_code >= 400:
                tally.add(group, took, f"{path}: {reply.status_code}", "client")
            else:
                tally.add(group, took, None, "ok")
            done += 1
    return done


def warm_up(url: str, readers: list[tuple[dict[str, str], list[tuple[str, str]]]]
            ) -> None:
    """Each path once, untimed, one at a time: what a warm Lambda container
    has cached (the creative index, the brand) is loaded before the clock
    starts, instead of by 50 threads of one local process at once."""
    for headers, paths in readers:
        for _, path in paths:
            requests.get(f"{url}{path}", headers=headers, timeout=60)


def noise_jpeg(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (480, 640, 3),
                                                  dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).resize((640, 480)).save(out, format="JPEG", quality=85)
    return out.getvalue()


@dataclass
class Uploads:
    photo_ids: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def upload_one(api: Api, dealer: Person, placement_id: str, seed: int,
               uploads: Uploads) -> None:
    content = noise_jpeg(seed)
    started = time.monotonic()
    step = "presign"
    try:
        reply = api.call("POST", f"/v1/placements/{placement_id}/report/photos",
                         dealer, {"file_name": f"load-{seed}.jpg",
                                  "content_type": "image/jpeg",
                                  "size": len(content)})
        if reply.status_code != 201:
            raise AssertionError(f"presign {reply.status_code}: {reply.text[:200]}")
        ticket = reply.json()
        step = "S3 POST"
        sent = requests.post(ticket["upload"]["url"], data=ticket["upload"]["fields"],
                             files={"file": (f"load-{seed}.jpg", content,
                                             "image/jpeg")}, timeout=30)
        if sent.status_code not in (200, 201, 204):
            raise AssertionError(f"S3 POST {sent.status_code}: {sent.text[:200]}")
    except (requests.RequestException, AssertionError) as exc:
        with uploads.lock:
            uploads.failures.append(f"{seed} {step}: {exc}")
        return
    with uploads.lock:
        uploads.photo_ids.append(str(ticket["photo_id"]))
        uploads.latencies.append(time.monotonic() - started)


def open_placement(api: Api, dealer: Person, manager: Person, code: str,
                   today: date) -> str:
    body = {"dealer_code": code, "channel_id": "outdoor",
            "title": "Нагрузочный щит", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=9)).isoformat(),
            "cost": {"amount": "1000.00", "currency": "RUB"}}
    placement = api.ok("POST", "/v1/placements", dealer, body, status=201)
    path = f"/v1/placements/{placement['placement_id']}"
    submitted = api.ok("POST", f"{path}/submit", dealer,
                       {"version": placement["version"]})
    api.ok("POST", f"{path}/approve", manager,
           {"version": submitted["version"], "approved_amount": submitted["cost"]})
    return str(placement["placement_id"])


def test_fifty_clients_read_while_photos_stream_in_without_errors_or_lost_uploads(
        running_stack: Stack):
    api = Api(running_stack)
    admin = api.user("importer_admin", "aurora-admin-1")
    manager = api.user("importer_manager", "aurora-manager-1")
    [(code, (name, city, region))] = UPLOADING.items()
    api.add_dealer(admin, code, name, city, region, "Europe/Moscow", "standard")
    uploader = api.add_dealer_user(admin, "load.ldt@example.com", "Нагрузка", code)
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow")).date()
    placement_id = open_placement(api, uploader, manager, code, today)
    period = today.strftime("%Y-%m")
    readers = [(running_stack.headers("--role", role, "--user", user),
                reads(role, dealer, period)) for role, user, dealer in READERS]
    tally, uploads = Tally(), Uploads()
    warm_up(running_stack.url, readers)

    # when: 50 clients read and three uploaders send photos at the same time
    started = time.monotonic()
    stop_at = started + SECONDS
    with ThreadPoolExecutor(CLIENTS + UPLOADERS) as pool:
        sending = [pool.submit(upload_one, api, uploader, placement_id, 9000 + n,
                               uploads) for n in range(UPLOADS)]
        reading = [pool.submit(read_client, running_stack.url, *readers[n % len(
            readers)], tally, stop_at, n) for n in range(CLIENTS)]
        done = sum(future.result() for future in reading)
        for future in sending:
            future.result()
    read_seconds = time.monotonic() - started
    photos = [eventually(lambda photo_id=photo_id: api.ok(
                  "GET", f"/v1/photos/{photo_id}", manager),
              lambda photo: photo["status"] != "pending", seconds=PROCESSED_WITHIN,
              what=f"photo {photo_id} processed")
              for photo_id in uploads.photo_ids]
    all_seconds = time.monotonic() - started

    # then: figures for the record; no 5xx, no transport error, nothing lost
    report = summary(tally, uploads, photos, done, read_seconds, all_seconds)
    write_report(report)
    assert tally.server_errors == [], tally.server_errors[:10]
    assert tally.transport_errors == [], tally.transport_errors[:10]
    assert tally.client_errors == [], tally.client_errors[:10]
    assert uploads.failures == [], uploads.failures[:10]
    assert len(uploads.photo_ids) == UPLOADS
    assert [photo["status"] for photo in photos] == ["processed"] * UPLOADS
    assert done == CLIENTS * REQUESTS or read_seconds >= SECONDS


def summary(tally: Tally, uploads: Uploads, photos: list[dict], done: int,
            read_seconds: float, all_seconds: float) -> dict:
    every = [value for values in tally.latencies.values() for value in values]
    return {
        "measured_on": "the local emulator (moto server and local gateway, "
                       "loopback, shared CPU cores), not AWS",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "warmed_up": "each path once before the clock starts",
        "clients": CLIENTS, "requests_per_client": REQUESTS,
        "reads_planned": CLIENTS * REQUESTS, "reads_done": done,
        "read_seconds": round(read_seconds, 1),
        "throughput_per_second": round(done / read_seconds, 1) if read_seconds else 0,
        "errors": {"server_5xx": len(tally.server_errors),
                   "transport": len(tally.transport_errors),
                   "client_4xx": len(tally.client_errors)},
        "error_samples": (tally.server_errors + tally.transport_errors
                          + tally.client_errors)[:10],
        "total": percentiles(every) if every else {},
        "groups": {group: percentiles(values)
                   for group, values in sorted(tally.latencies.items())},
        "uploads": {
            "planned": UPLOADS, "sent": len(uploads.photo_ids),
            "failed": len(uploads.failures),
            "failure_samples": uploads.failures[:5],
            "processed": sum(photo["status"] == "processed" for photo in photos),
            "lost": len(uploads.photo_ids) - sum(photo["status"] != "pending"
                                                 for photo in photos),
            "presign_and_post": percentiles(uploads.latencies)
            if uploads.latencies else {},
            "all_processed_after_seconds": round(all_seconds, 1),
        },
    }


def write_report(report: dict) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                      encoding="utf-8")
    print(render(report))


def render(report: dict) -> str:
    """The report as a few lines for a terminal."""
    line: Callable[[str, dict], str] = lambda name, p: (  # noqa: E731
        f"  {name:<12} n={p['count']:<5} p50={p['p50_ms']:>7} ms  "
        f"p95={p['p95_ms']:>7} ms  p99={p['p99_ms']:>7} ms  max={p['max_ms']:>7} ms")
    rows = [f"Load test, measured on {report['measured_on']}:",
            f"  {report['clients']} clients, {report['reads_done']} of "
            f"{report['reads_planned']} reads in {report['read_seconds']} s "
            f"({report['throughput_per_second']}/s); errors {report['errors']}",
            line("total", report["total"])]
    rows += [line(group, p) for group, p in report["groups"].items()]
    up = report["uploads"]
    rows.append(f"  uploads: {up['sent']} of {up['planned']} sent, "
                f"{up['processed']} processed, {up['lost']} lost; all processed "
                f"{up['all_processed_after_seconds']} s after the start")
    if up["presign_and_post"]:
        rows.append(line("upload", up["presign_and_post"]))
    return "\n".join(rows)
