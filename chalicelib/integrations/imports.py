"""Use cases of spreadsheet imports: hand out an upload, run the import.

1. `start_import` records the import and hands out a presigned POST.
2. The upload's S3 notification calls `upload_arrived`, which starts the
   import job once (a redelivered notification finds the import taken).
3. The job checks every row and applies the file only if no row has a
   problem: all-or-nothing per file. Its result is the per-row report.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.access.model import Caller
from chalicelib.access.policy import PERMISSIONS, Action, ensure_permitted
from chalicelib.clock import Clock
from chalicelib.errors import InvalidInput, NotFound, StaleVersion
from chalicelib.integrations.files import Upload
from chalicelib.integrations.model import SalesFigure, SalesTarget, period_of
from chalicelib.integrations.ports import DealerCodes, SalesAndTraffic, Targets
from chalicelib.integrations.sheets import ImportKind, check_file
from chalicelib.jobs.model import Job

IMPORT_JOB = "file_import"
MAX_FILE_BYTES = 20 * 1024 * 1024
UPLOAD_LIFETIME = timedelta(minutes=15)


class UnsupportedFile(InvalidInput):
    """Only xlsx and csv files are imported."""

    code = "unsupported_file"

    def __init__(self, file_name: str) -> None:
        super().__init__(f"File {file_name!r} is neither xlsx nor csv.",
                         file_name=file_name)


class ImportNotFound(NotFound):
    """No import of the caller's brand has this id."""

    code = "import_not_found"

    def __init__(self, import_id: str) -> None:
        super().__init__(f"Import {import_id!r} was not found.", import_id=import_id)


@dataclass(frozen=True, slots=True)
class FileImport:
    import_id: str
    brand_id: str
    kind: ImportKind
    file_name: str
    object_key: str
    started_by: str
    created_at: datetime
    job_id: str | None = None
    version: int = 1


class FileImports(Protocol):
    def get(self, import_id: str) -> FileImport | None: ...

    def save(self, found: FileImport, expected_version: int | None) -> FileImport: ...


class UploadSlots(Protocol):
    def presigned_upload(self, key: str, max_bytes: int, expires_at: datetime,
                         lifetime: timedelta) -> Upload: ...

    def read(self, key: str) -> bytes: ...


def start_import(imports: FileImports, slots: UploadSlots, clock: Clock,
                 caller: Caller, kind: ImportKind, file_name: str,
                 ) -> tuple[FileImport, Upload]:
    ensure_permitted(caller, Action.IMPORT_FILES)
    if not file_name.lower().endswith((".xlsx", ".csv")):
        raise UnsupportedFile(file_name)
    now = clock()
    import_id = f"imp-{uuid.uuid4().hex}"
    # The key is never made of the name (which stays data): `../`, `\\`,
    # reserved names and look-alikes cannot reach it.
    extension = "xlsx" if file_name.lower().endswith(".xlsx") else "csv"
    key = f"uploads/{caller.brand_id}/{import_id}/upload.{extension}"
    record = FileImport(import_id, caller.brand_id, kind, file_name, key,
                        caller.user_id, now)
    saved = imports.save(record, expected_version=None)
    upload = slots.presigned_upload(key, MAX_FILE_BYTES, now + UPLOAD_LIFETIME,
                                    UPLOAD_LIFETIME)
    return saved, upload


def get_import(imports: FileImports, caller: Caller, import_id: str) -> FileImport:
    """Imports are the brand's managers' business: for anyone else an import
    does not exist."""
    found = imports.get(import_id)
    if found is None or found.brand_id != caller.brand_id or not can_import(caller):
        raise ImportNotFound(import_id)
    return found


def can_import(caller: Caller) -> bool:
    return caller.role in PERMISSIONS[Action.IMPORT_FILES]


def upload_arrived(imports: FileImports, start: Callable[[FileImport], Job],
                   object_key: str) -> Job | None:
    """Start the import job of an uploaded file, once."""
    parts = object_key.split("/")
    if len(parts) != 4 or parts[0] != "uploads":
        return None
    found = imports.get(parts[2])
    if found is None or found.object_key != object_key or found.job_id is not None:
        return None
    # NOTE: two notifications of one upload processed at the same moment may
    # both start a job; the loser's save fails below, and its job applies
    # the same rows again, which upserts change nothing.
    job = start(found)
    try:
        imports.save(replace(found, job_id=job.job_id),
                     expected_version=found.version)
    except StaleVersion:
        return None
    return job


@dataclass(frozen=True, slots=True)
class ImportRunner:
    imports: FileImports
    slots: UploadSlots
    dealers: DealerCodes
    figures: SalesAndTraffic
    targets: Targets
    after_import: Callable[[str, str], None] = lambda brand_id, period: None

    def __call__(self, job: Job) -> dict[str, Any]:
        found = self.imports.get(str(job.params["import_id"]))
        if found is None or found.brand_id != job.brand_id:
            raise ImportNotFound(str(job.params["import_id"]))
        body = self.slots.read(found.object_key)
        checked = check_file(found.kind, found.file_name, body,
                             self.dealers.codes_of(found.brand_id))
        applied = not checked.problems
        if applied:
            for period in self._apply(found.brand_id, found.kind, checked.figures):
                self.after_import(found.brand_id, period)
        return {
            "import_id": found.import_id, "kind": found.kind.value,
            "applied": applied, "rows": checked.rows,
            "accepted_rows": len(checked.figures) if applied else 0,
            "rejected_rows": len({p["row"] for p in checked.problems}),
            "problems": checked.problems[:500],
        }

    def _apply(self, brand_id: str, kind: ImportKind, figures: list) -> set[str]:
        if kind is ImportKind.TARGETS:
            self.targets.save_targets(brand_id, figures)
            return {target.period for target in figures
                    if isinstance(target, SalesTarget)}
        if kind is ImportKind.SALES:
            self.figures.save_sales(brand_id, figures)
        else:
            self.figures.save_traffic(brand_id, figures)
        return {period_of(figure.day) for figure in figures
                if isinstance(figure, SalesFigure) or hasattr(figure, "day")}
