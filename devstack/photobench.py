"""`make bench`: the duplicate detector measured on real photos, as JSON.

- precision and recall per kind of transformation at the default thresholds:
  each transformed copy is looked up among all originals; finding its own
  original is a true positive, any other photo a false positive (different
  photographs are the negatives);
- milliseconds per 12-megapixel JPEG, draft decoding against full decoding;
  the 12 MP photo is a bundled sample upscaled to 4000x3000 with fine grain;
- lookup cost with 1,000, 10,000 and 100,000 stored hashes: time in memory,
  and DynamoDB requests and time on the local emulator (labelled so).
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.media.hashing import HASH_VERSION, fingerprint
from chalicelib.media.matching import (
    PhotoIndex,
    StoredHashes,
    Thresholds,
    stored_hashes,
)
from devstack import photo_samples as samples

START = datetime(2024, 1, 1, tzinfo=UTC)


def main() -> int:
    sizes = tuple(int(size) for size in
                  os.environ.get("BENCH_SIZES", "1000,10000,100000").split(","))
    report = {
        "thresholds": vars_of(Thresholds()),
        "ms_per_12mp_photo": _step("timing", timing),
        "precision_recall": _step("precision", lambda: precision_recall(Thresholds())),
        "lookup": _step("lookup", lambda: lookup_cost(sizes)),
    }
    print(json.dumps(report, indent=2))
    return 0


def _step(name: str, run: Any) -> Any:
    began = time.perf_counter()
    print(f"bench: {name}...", file=sys.stderr, flush=True)
    result = run()
    took = time.perf_counter() - began
    print(f"bench: {name} done in {took:.0f} s", file=sys.stderr, flush=True)
    return result


def vars_of(thresholds: Thresholds) -> dict[str, int]:
    return {"phash_bits": thresholds.phash_bits, "dhash_bits": thresholds.dhash_bits}


def precision_recall(limits: Thresholds) -> dict[str, Any]:
    names = samples.sample_names()
    index = PhotoIndex(HASH_VERSION)
    for name in names:
        index.add(_stored(fingerprint(samples.sample_bytes(name)), name))
    results = {}
    for kind, variants in samples.transformations().items():
        true_pos = false_pos = false_neg = 0
        for name in names:
            for make in variants.values():
                content = (samples.sample_bytes(name) if kind == "exact_copy"
                           else make(samples.sample_image(name)))
                found = {m.photo_id for m in index.find(fingerprint(content), limits)}
                true_pos += name in found
                false_neg += name not in found
                false_pos += len(found - {name})
        results[kind] = {
            "copies": true_pos + false_neg,
            "negative_pairs": (true_pos + false_neg) * (len(names) - 1),
            "recall": round(true_pos / (true_pos + false_neg), 4),
            "precision": round(true_pos / max(1, true_pos + false_pos), 4),
            "false_positives": false_pos,
        }
    return results


def timing(runs: int = 15) -> dict[str, Any]:
    content = samples.camera_sized("rocket")
    fingerprint(content)  # the first call imports scipy; not counted
    draft, draft_cpu = _times(content, runs, draft=True)
    full, full_cpu = _times(content, runs, draft=False)
    same = fingerprint(content, draft=True), fingerprint(content, draft=False)
    return {
        "photo": "rocket.jpg upscaled to 4000x3000 with grain, JPEG q90",
        "bytes": len(content),
        "note": "wall-clock ms on a shared 2-core machine; cpu_ms is this "
                "process's CPU time, less disturbed by other processes",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "draft": {"p50": _pct(draft, 50), "p95": _pct(draft, 95),
                  "cpu_ms_p50": _pct(draft_cpu, 50), "cpu_ms_p95": _pct(draft_cpu, 95)},
        "full_decode": {"p50": _pct(full, 50), "p95": _pct(full, 95),
                        "cpu_ms_p50": _pct(full_cpu, 50),
                        "cpu_ms_p95": _pct(full_cpu, 95)},
        "full_over_draft_p50": round(_pct(full, 50) / _pct(draft, 50), 2),
        "hash_bits_differing_draft_vs_full": {
            "phash": (same[0].phash ^ same[1].phash).bit_count(),
            "dhash": (same[0].dhash ^ same[1].dhash).bit_count(),
        },
    }


def lookup_cost(sizes: tuple[int, ...] = (1_000, 10_000, 100_000)) -> dict[str, Any]:
    probe = fingerprint(samples.sample_bytes("coffee"))
    rng = random.Random(5)
    figures: dict[str, Any] = {"in_memory": {}, "emulator": {}}
    for size in sizes:
        stored = [_random_stored(rng, number) for number in range(size)]
        index = PhotoIndex(HASH_VERSION)
        for each in stored:
            index.add(each)
        index.find(probe, Thresholds())
        took = []
        for _ in range(20):
            began = time.perf_counter()
            index.find(probe, Thresholds())
            took.append((time.perf_counter() - began) * 1000)
        figures["in_memory"][str(size)] = {"p50_ms": _pct(took, 50),
                                           "p95_ms": _pct(took, 95)}
        figures["emulator"][str(size)] = _emulator(stored, probe)
    figures["dynamodb_multi_index_hashing_requests_per_lookup"] = _mih_requests()
    return figures


def _emulator(stored: list[StoredHashes], probe: Any) -> dict[str, Any]:
    """The hashes written to the emulator's table and a snapshot of all but
    the last 10 to its bucket; then a cold container's first lookup (the
    snapshot, then the additions since) and a warm one's (additions only)."""
    import boto3

    from chalicelib.media.dynamo import DynamoHashes, PhotoHashModel, hash_item
    from chalicelib.media.s3 import S3HashSnapshots
    from chalicelib.media.service import IndexCache

    brand = f"bench-{len(stored)}"
    began = time.perf_counter()
    items = [hash_item(brand, each, START + timedelta(seconds=number))
             for number, each in enumerate(stored)]
    with PhotoHashModel.batch_write() as batch:
        for item in items:
            batch.save(item)
    print(f"bench: {len(stored)} hashes written to the emulator in "
          f"{time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    s3 = boto3.client("s3")
    snapshots = _Counted(S3HashSnapshots(s3, "dmm-bench-photos"))
    snapshots.inner.save(brand, HASH_VERSION, stored[:-10], items[-11].position)
    hashes = DynamoHashes(lambda: datetime.now(UTC))
    cache = IndexCache(hashes, snapshots)

    began = time.perf_counter()
    index = cache.refreshed(brand, HASH_VERSION)
    index.find(probe, Thresholds())
    cold_ms = (time.perf_counter() - began) * 1000
    cold = {"dynamodb_requests": hashes.requests, "s3_requests": snapshots.reads,
            "ms": round(cold_ms, 1), "photos_in_index": len(index)}
    began = time.perf_counter()
    cache.refreshed(brand, HASH_VERSION).find(probe, Thresholds())
    warm_ms = (time.perf_counter() - began) * 1000
    return {
        "label": "emulator (moto server over local HTTP; moto's Query scans the "
                 "whole partition, DynamoDB's reads only the range asked)",
        "cold_container": cold,
        "warm_container": {"dynamodb_requests": hashes.requests - cold[
            "dynamodb_requests"], "s3_requests": 0, "ms": round(warm_ms, 1)},
    }


class _Counted:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.reads = 0

    def load(self, brand_id: str, version: str) -> Any:
        self.reads += 1
        return self.inner.load(brand_id, version)

    def save(self, *args: Any) -> None:
        self.inner.save(*args)


def _mih_requests() -> dict[str, Any]:
    """Queries a DynamoDB multi-index-hashing lookup would need at the default
    thresholds: pHash in 4 bands of 16 bits; a pair within 12 bits has a band
    within 3 bits, so each band is queried at every value within 3 bits."""
    from math import comb

    radius = Thresholds().phash_bits // 4
    per_band = sum(comb(16, bits) for bits in range(radius + 1))
    probes = 8 + 5  # eight orientations and five crops
    return {"bands": 4, "keys_per_band": per_band, "probes": probes,
            "queries": 4 * per_band * probes}


def _stored(found: Any, photo_id: str) -> StoredHashes:
    return stored_hashes(found, photo_id=photo_id, dealer_code="AUR-MSK-01",
                         placement_id="pl-bench", uploaded_at=START)


def _random_stored(rng: random.Random, number: int) -> StoredHashes:
    views = tuple((rng.getrandbits(64), rng.getrandbits(64)) for _ in range(6))
    return StoredHashes(
        photo_id=f"ph-{number:06d}", dealer_code="AUR-MSK-01", placement_id="pl",
        uploaded_at=START, taken_at=None, sha256=f"{number:064x}",
        version=HASH_VERSION, views=views, uninformative=False,
    )


def _times(content: bytes, runs: int, draft: bool) -> tuple[list[float], list[float]]:
    took, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fingerprint(content, draft=draft)
        took.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return took, cpu


def _pct(values: list[float], percent: int) -> float:
    if percent == 50:
        return round(statistics.median(values), 1)
    return round(statistics.quantiles(values, n=100)[percent - 1], 1)


if __name__ == "__main__":
    sys.exit(main())
