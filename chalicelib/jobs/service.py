"""Use cases of jobs: start one, read it, run it once, fail the abandoned."""

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from chalicelib.access.model import IMPORTER_ROLES, Caller
from chalicelib.clock import Clock
from chalicelib.errors import AlreadyExists, DomainError, StaleVersion
from chalicelib.jobs.model import Job, JobNotFound, JobStatus, UnknownJobKind
from chalicelib.jobs.ports import JobQueue, JobRepository, JobRunner

# Lambda stops any invocation at 15 minutes; a job still running after that
# lost its worker.
ABANDONED_AFTER = timedelta(minutes=20)
INTERNAL_FAILURE = "The job stopped on an internal error."


def start_job(
    jobs: JobRepository,
    queue: JobQueue,
    clock: Clock,
    brand_id: str,
    started_by: str,
    kind: str,
    params: dict[str, Any],
    once_key: str | None = None,
) -> Job:
    """Save a queued job and send it to its queue.

    With `once_key` (what a scheduled start is the start of, e.g. a brand's
    nightly sync of one day) the job id follows from the key, so a
    redelivered schedule finds the job it started and starts nothing more.
    """
    if once_key is not None:
        existing = jobs.get(job_id_of(once_key))
        if existing is not None:
            return existing
    now = clock()
    job = Job(
        job_id=job_id_of(once_key) if once_key else f"job-{uuid.uuid4().hex}",
        brand_id=brand_id,
        kind=kind,
        started_by=started_by,
        created_at=now,
        updated_at=now,
        params=params,
    )
    try:
        saved = jobs.save(job, expected_version=None)
    except AlreadyExists:
        # A concurrent delivery of the same schedule saved it first and sends it.
        return jobs.get(job.job_id) or job
    # Limitation: a crash between this save and the send leaves a keyed job
    # queued with no message; a redelivered schedule then finds it and sends
    # nothing, so that night's job never runs and the next night's does.
    # Closing the gap needs a sweep that resends jobs queued for too long.
    queue.send(saved.job_id)
    return saved


def job_id_of(once_key: str) -> str:
    """The id of the job started once for `once_key` (same shape as others)."""
    return f"job-{uuid.uuid5(uuid.NAMESPACE_URL, f'dmm-job:{once_key}').hex}"


def get_job(jobs: JobRepository, caller: Caller, job_id: str) -> Job:
    """A job is visible to who started it and to the brand's importer roles."""
    job = jobs.get(job_id)
    if job is None or not _can_read(caller, job):
        raise JobNotFound(job_id)
    return job


def run_job(
    jobs: JobRepository, runners: Mapping[str, JobRunner], clock: Clock, job_id: str
) -> Job | None:
    """Run a queued job once; a redelivered message for a job already taken
    does nothing and returns None."""
    job = jobs.get(job_id)
    if job is None or job.status is not JobStatus.QUEUED:
        return None
    runner = runners.get(job.kind)
    if runner is None:
        fail_job(jobs, clock, job, f"No runner for job kind {job.kind!r}.")
        raise UnknownJobKind(f"No runner for job kind {job.kind!r}.")
    try:
        job = _moved(jobs, clock, job, status=JobStatus.RUNNING)
    except StaleVersion:
        return None
    try:
        result = runner(job)
    except DomainError as exc:
        return fail_job(jobs, clock, job, str(exc))
    except Exception:
        # Limitation: AWS throttling a runner past botocore's retries also
        # fails its job for good: SQS redelivers the message, but the job is
        # no longer queued, so the redelivery does nothing and the manager
        # starts the job again. Putting the job back in the queued state on
        # such passing errors would let SQS retry it instead.
        # The poller sees the failure at once; the caller logs the trace.
        fail_job(jobs, clock, job, INTERNAL_FAILURE)
        raise
    return _moved(jobs, clock, job, status=JobStatus.SUCCEEDED, result=result)


def fail_job(jobs: JobRepository, clock: Clock, job: Job, reason: str) -> Job:
    return _moved(jobs, clock, job, status=JobStatus.FAILED, errors=(reason,))


def fail_abandoned_jobs(jobs: JobRepository, clock: Clock) -> list[Job]:
    """Mark as failed the jobs whose worker died; run again, it changes nothing."""
    failed = []
    for job in jobs.running_since_before(clock() - ABANDONED_AFTER):
        try:
            failed.append(fail_job(jobs, clock, job, "The job's worker stopped."))
        except StaleVersion:
            continue
    return failed


def _moved(jobs: JobRepository, clock: Clock, job: Job, **changes: Any) -> Job:
    moved = job.changed(updated_at=clock(), **changes)
    return jobs.save(moved, expected_version=job.version)


def _can_read(caller: Caller, job: Job) -> bool:
    if job.brand_id != caller.brand_id:
        return False
    return job.started_by == caller.user_id or caller.role in IMPORTER_ROLES
