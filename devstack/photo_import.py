"""`dmm photos import`: hash a brand's archive of past report photos in bulk.

The manifest is a CSV with the columns `file`, `dealer` and `date`
(YYYY-MM-DD), and optionally `placement_id`; `file` is relative to the
source, a local folder or `s3://bucket/prefix`. Each photo gets an id derived
from the brand, the source and the file, so a second run skips what is done
(resumable) and writes nothing twice (idempotent). Archived photos are stored
like uploads (under brand/dealer/archive/photo id) and processed by the same
use case, so later uploads are compared with them.
"""

import contextlib
import csv
import hashlib
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import boto3

from chalicelib import wiring
from chalicelib.errors import AlreadyExists
from chalicelib.media import service
from chalicelib.media.model import Photo, PhotoStatus, photo_key
from chalicelib.media.service import ObjectCreated


def import_archive(brand_id: str, source: str, manifest: Path) -> dict[str, int]:
    counts = {"imported": 0, "already_done": 0, "rejected": 0, "missing": 0}
    with manifest.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            outcome = _import_one(brand_id, source, row)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _import_one(brand_id: str, source: str, row: dict[str, str]) -> str:
    photo_id = "arc-" + hashlib.sha256(
        f"{brand_id}|{source}|{row['file']}".encode()).hexdigest()[:24]
    existing = wiring.photos().get(brand_id, photo_id)
    if existing is not None and existing.status is not PhotoStatus.PENDING:
        return "already_done"
    content = _read(source, row["file"])
    if content is None:
        return "missing"
    taken_on = date.fromisoformat(row["date"])
    uploaded_at = datetime.combine(taken_on, time(12), tzinfo=UTC)
    key = photo_key(brand_id, row["dealer"], "archive", photo_id)
    photo = Photo(
        brand_id=brand_id, photo_id=photo_id, dealer_code=row["dealer"],
        placement_id=row.get("placement_id") or "archive", object_key=key,
        file_name=Path(row["file"]).name, content_type="image/jpeg",
        declared_size=len(content), created_at=datetime.now(UTC),
        placement_starts_on=taken_on, placement_ends_on=taken_on,
        uploaded_at=uploaded_at, archived=True,
    )
    with contextlib.suppress(AlreadyExists):  # an earlier run stopped here
        wiring.photos().save(photo, expected_version=None)
    objects: Any = wiring.photo_objects()
    objects.put(key, content, "application/octet-stream")
    outcome = service.process_upload(
        wiring.photos(), wiring.photo_hashes(), wiring.photo_indexes(),
        objects, wiring.brands(), wiring.dealers(), wiring.clock(),
        ObjectCreated(key=key, size=len(content), event_time=uploaded_at),
    )
    return "rejected" if outcome == "rejected" else "imported"


def _read(source: str, name: str) -> bytes | None:
    if source.startswith("s3://"):
        bucket, _, prefix = source[5:].partition("/")
        key = f"{prefix.rstrip('/')}/{name}" if prefix else name
        try:
            reply = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        except Exception:
            return None
        return bytes(reply["Body"].read())
    path = Path(source) / name
    return path.read_bytes() if path.is_file() else None
