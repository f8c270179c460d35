"""Response model of the job route."""

from datetime import datetime
from typing import Any

from chalicelib.jobs.model import Job, JobStatus
from chalicelib.web.schemas import Reply


class JobReply(Reply):
    job_id: str
    kind: str
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    result: dict[str, Any] | None
    errors: list[str]

    @classmethod
    def of(cls, job: Job) -> "JobReply":
        return cls(
            job_id=job.job_id,
            kind=job.kind,
            status=job.status,
            created_at=job.created_at,
            updated_at=job.updated_at,
            result=job.result,
            errors=list(job.errors),
        )


class JobStarted(Reply):
    job_id: str
    status: JobStatus
