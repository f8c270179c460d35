"""Use cases of the BI export: start one, run it, read what was exported.

S3 has no atomic rename, so an export never writes where readers look:
1. every table's files go under a new prefix, `exports/{export_id}/...`;
2. only when all are written, each table's manifest for the brand and
   period (`manifests/{table}/brand=.../period=....json`) is replaced by one
   naming the new files, then the period's manifest naming all tables;
3. a reader follows a manifest, so it sees the old export or the new one,
   never a half-written one. Exporting a period again replaces what
   readers see; an export older than the one already published does not
   switch the manifests back.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.access.model import Caller
from chalicelib.access.policy import PERMISSIONS, Action, ensure_permitted
from chalicelib.clock import Clock
from chalicelib.errors import AlreadyExists, NotFound, StaleVersion
from chalicelib.integrations.bi_tables import (
    TABLES,
    ExportInputs,
    Row,
    checked,
    rows_of_period,
)
from chalicelib.integrations.model import checked_period
from chalicelib.jobs.model import Job
from chalicelib.network.ports import BrandRepository
from chalicelib.paging import Page

# Limitation: files of replaced exports stay under `exports/` and Glue
# partition locations are not written; a BI tool reads the manifests. A
# cleanup deleting an export's prefix a day after its manifests were replaced,
# and a Glue update after each switch, would close both.
EXPORT_JOB = "bi_export"
PARQUET = "application/vnd.apache.parquet"
MANIFEST_VERSION = 1


class ExportNotFound(NotFound):
    """No export of the caller's brand has this id."""

    code = "export_not_found"

    def __init__(self, export_id: str) -> None:
        super().__init__(f"Export {export_id!r} was not found.", export_id=export_id)


@dataclass(frozen=True, slots=True)
class Export:
    export_id: str
    brand_id: str
    period: str
    started_by: str
    created_at: datetime
    status: str = "queued"
    """`queued`, `running`, `published`, `superseded` or `failed`."""
    job_id: str | None = None
    published_at: datetime | None = None
    rows: dict[str, int] = field(default_factory=dict)
    version: int = 1


class Exports(Protocol):
    def get(self, brand_id: str, export_id: str) -> Export | None: ...

    def save(self, export: Export, expected_version: int | None) -> Export: ...

    def list(self, brand_id: str, limit: int, cursor: str | None) -> Page[Export]:
        """Newest first."""
        ...


class BiShelf(Protocol):
    bucket: str

    def write(self, key: str, body: bytes, content_type: str) -> None: ...

    def read(self, key: str) -> bytes: ...


def start_export(exports: Exports, start: Callable[[Export], Job], clock: Clock,
                 caller: Caller, period: str) -> Export:
    ensure_permitted(caller, Action.EXPORT_BI)
    return queue_export(exports, start, clock, caller.brand_id, caller.user_id,
                        period)


def queue_export(exports: Exports, start: Callable[[Export], Job], clock: Clock,
                 brand_id: str, started_by: str, period: str,
                 night: date | None = None) -> Export:
    """Also what the nightly schedule and a published bonus run call.

    The nightly export of `night` has an id that follows from the night, so
    a redelivered schedule finds it and queues nothing more.
    """
    now = clock()
    export_id = (_nightly_id(brand_id, period, night) if night
                 else f"exp-{now.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}")
    try:
        export = exports.save(Export(export_id, brand_id, checked_period(period),
                                     started_by, now), expected_version=None)
    except AlreadyExists:
        found = exports.get(brand_id, export_id)
        if found is None:
            raise
        # Limitation: as for keyed jobs (chalicelib/jobs/service.py), a crash
        # between this save and the job's start leaves the night's export
        # queued without a job; the next night exports the period again.
        return found
    job = start(export)
    # The job may already be running and have moved the export on.
    return changed(exports, export, job_id=job.job_id)


def _nightly_id(brand_id: str, period: str, night: date) -> str:
    # The night's date in the time prefix keeps ids in time order for lists.
    key = uuid.uuid5(uuid.NAMESPACE_URL, f"dmm-export:{brand_id}:{period}:{night}")
    return f"exp-{night.strftime('%Y%m%d')}T235959999999-{key.hex[:8]}"


def changed(exports: Exports, export: Export, **changes: Any) -> Export:
    """Save `changes` on the latest stored version of `export`; the job and
    the request that started it may write the same export concurrently."""
    for _ in range(5):
        latest = exports.get(export.brand_id, export.export_id) or export
        try:
            return exports.save(replace(latest, **changes),
                                expected_version=latest.version)
        except StaleVersion:
            continue
    raise StaleVersion(f"Export {export.export_id!r} kept changing.",
                       version=export.version)


def get_export(exports: Exports, caller: Caller, export_id: str) -> Export:
    found = exports.get(caller.brand_id, export_id)
    if found is None or caller.role not in PERMISSIONS[Action.READ_EXPORTS]:
        raise ExportNotFound(export_id)
    return found


def list_exports(exports: Exports, caller: Caller, limit: int,
                 cursor: str | None) -> Page[Export]:
    ensure_permitted(caller, Action.READ_EXPORTS)
    return exports.list(caller.brand_id, limit, cursor)


def table_prefix(export: Export, table: str) -> str:
    return (f"exports/{export.export_id}/{table}/brand={export.brand_id}/"
            f"period={export.period}/")


def manifest_key(brand_id: str, period: str, table: str | None = None) -> str:
    """A table's manifest, or (no table) the period's manifest of all tables."""
    name = table or "_all"
    return f"manifests/{name}/brand={brand_id}/period={period}.json"


@dataclass(frozen=True, slots=True)
class ExportRunner:
    exports: Exports
    inputs: ExportInputs
    brands: BrandRepository
    shelf: BiShelf
    write_parquet: Callable[[str, list[Row]], bytes]
    clock: Clock

    def __call__(self, job: Job) -> dict[str, Any]:
        export = self.exports.get(job.brand_id, str(job.params["export_id"]))
        if export is None:
            raise ExportNotFound(str(job.params["export_id"]))
        export = changed(self.exports, export, status="running")
        try:
            return self._run(export)
        except Exception:
            changed(self.exports, export, status="failed")
            raise

    def _run(self, export: Export) -> dict[str, Any]:
        brand = self.brands.get(export.brand_id)
        currency = brand.currency if brand else "RUB"
        tables = rows_of_period(self.inputs, export.brand_id, export.period,
                                currency)
        files = {table: self._write(export, table, tables[table]) for table in TABLES}
        rows = {table: len(tables[table]) for table in TABLES}

        switched = self._switch(export, files, rows)
        status = "published" if switched else "superseded"
        changed(self.exports, export, status=status, rows=rows,
                published_at=self.clock())
        return {"export_id": export.export_id, "period": export.period,
                "status": status, "rows": rows}

    def _write(self, export: Export, table: str, rows: list[Row]) -> str:
        key = f"{table_prefix(export, table)}part-00000.parquet"
        self.shelf.write(key, self.write_parquet(table, checked(table, rows)), PARQUET)
        return key

    def _switch(self, export: Export, files: dict[str, str],
                rows: dict[str, int]) -> bool:
        current = self._current(export)
        if current is not None and current["export_id"] > export.export_id:
            return False
        written_at = self.clock().isoformat()
        for table, key in files.items():
            manifest = {
                "manifest_version": MANIFEST_VERSION, "table": table,
                "brand": export.brand_id, "period": export.period,
                "export_id": export.export_id, "written_at": written_at,
                "rows": rows[table], "files": [f"s3://{self.shelf.bucket}/{key}"],
            }
            self._put_json(manifest_key(export.brand_id, export.period, table),
                           manifest)
        period_manifest = {
            "manifest_version": MANIFEST_VERSION, "brand": export.brand_id,
            "period": export.period, "export_id": export.export_id,
            "written_at": written_at,
            "tables": {table: {"rows": rows[table],
                               "files": [f"s3://{self.shelf.bucket}/{key}"]}
                       for table, key in files.items()},
        }
        self._put_json(manifest_key(export.brand_id, export.period), period_manifest)
        return True

    def _current(self, export: Export) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self.shelf.read(
                manifest_key(export.brand_id, export.period))))
        except LookupError:
            return None

    def _put_json(self, key: str, body: dict[str, Any]) -> None:
        self.shelf.write(key, json.dumps(body, ensure_ascii=False, indent=1).encode(),
                         "application/json")
