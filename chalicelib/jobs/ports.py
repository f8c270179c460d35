"""What the job use cases need from storage and from the queue."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from chalicelib.jobs.model import Job

JobRunner = Callable[[Job], dict[str, Any]]
"""Does a job's work and returns its result; raises a DomainError to fail it."""


class JobRepository(Protocol):
    def get(self, job_id: str) -> Job | None: ...

    def save(self, job: Job, expected_version: int | None) -> Job: ...

    def running_since_before(self, moment: datetime) -> list[Job]:
        """Jobs still running whose last update is older than `moment`."""
        ...


class JobQueue(Protocol):
    def send(self, job_id: str) -> None: ...
