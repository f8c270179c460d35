"""A job's record: what to run, for whom, and how it ended."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.errors import NotFound


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobNotFound(NotFound):
    """No job of the caller's brand, started by the caller or readable by its
    role, has this id."""

    code = "job_not_found"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"Job {job_id!r} was not found.", job_id=job_id)


class UnknownJobKind(Exception):
    """A job names a kind no runner is registered for: a bug, not bad input."""


@dataclass(frozen=True, slots=True)
class Job:
    job_id: str
    brand_id: str
    kind: str
    started_by: str
    created_at: datetime
    updated_at: datetime
    status: JobStatus = JobStatus.QUEUED
    params: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    errors: tuple[str, ...] = ()
    version: int = 1

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    def changed(self, **changes: Any) -> "Job":
        return replace(self, **changes)
