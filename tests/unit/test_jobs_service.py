"""Jobs: started once, run once per queued job, failed when their work or
their worker fails."""

from datetime import timedelta

import pytest

from chalicelib.access.model import Role
from chalicelib.errors import RuleViolated
from chalicelib.jobs import service as jobs
from chalicelib.jobs.model import JobNotFound, JobStatus, UnknownJobKind
from tests.builders import MONDAY_NOON, caller, dealer_user
from tests.fakes import InMemoryJobs, RecordingQueue, SteppingClock


class PeriodNotClosed(RuleViolated):
    """Stands for any domain refusal a job's work may raise."""

    code = "period_not_closed"


@pytest.fixture
def repository() -> InMemoryJobs:
    return InMemoryJobs()


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(MONDAY_NOON)


@pytest.fixture
def start(repository, queue, clock):
    def started(kind: str = "bonus.preview", started_by: str = "aurora-manager-1",
                brand_id: str = "aurora"):
        return jobs.start_job(repository, queue, clock, brand_id, started_by, kind,
                              {"period": "2026-05"})

    return started


def test_a_started_job_is_queued_stored_and_sent_to_the_queue(start, repository,
                                                              queue):
    job = start()

    assert job.status is JobStatus.QUEUED
    assert job.created_at == job.updated_at == MONDAY_NOON
    assert repository.get(job.job_id) == job
    assert queue.sent == [job.job_id]


def test_each_start_is_a_new_job(start):
    assert start().job_id != start().job_id


def test_a_job_runs_once_and_keeps_its_result(start, repository, clock):
    job = start()
    seen = []

    def preview(running):
        seen.append(running.status)
        return {"statements": 80}

    clock.now = MONDAY_NOON + timedelta(minutes=3)
    finished = jobs.run_job(repository, {"bonus.preview": preview}, clock, job.job_id)

    assert seen == [JobStatus.RUNNING]
    assert finished is not None
    assert finished.status is JobStatus.SUCCEEDED
    assert finished.result == {"statements": 80}
    assert finished.updated_at == clock.now
    assert repository.get(job.job_id) == finished


def test_a_redelivered_message_does_not_run_the_job_again(start, repository, clock):
    job = start()
    runs = []
    runners = {"bonus.preview": lambda running: runs.append(1) or {}}

    jobs.run_job(repository, runners, clock, job.job_id)
    again = jobs.run_job(repository, runners, clock, job.job_id)

    assert again is None
    assert runs == [1]


def test_a_message_for_a_job_already_running_elsewhere_does_nothing(
    start, repository, clock
):
    job = start()
    repository.save(job.changed(status=JobStatus.RUNNING), job.version)

    assert jobs.run_job(repository, {"bonus.preview": dict}, clock, job.job_id) is None


def test_a_message_for_an_unknown_job_does_nothing(repository, clock):
    assert jobs.run_job(repository, {}, clock, "job-missing") is None


def test_a_domain_refusal_fails_the_job_with_its_message(start, repository, clock):
    job = start()

    def refuse(_job):
        raise PeriodNotClosed("Period '2026-05' is not closed.")

    failed = jobs.run_job(repository, {"bonus.preview": refuse}, clock, job.job_id)

    assert failed is not None
    assert failed.status is JobStatus.FAILED
    assert failed.errors == ("Period '2026-05' is not closed.",)
    assert failed.result is None


def test_an_unexpected_error_fails_the_job_and_propagates_to_be_logged(
    start, repository, clock
):
    job = start()

    def crash(_job):
        raise ZeroDivisionError("division by zero")

    with pytest.raises(ZeroDivisionError):
        jobs.run_job(repository, {"bonus.preview": crash}, clock, job.job_id)
    redelivered = jobs.run_job(repository, {"bonus.preview": crash}, clock,
                               job.job_id)

    assert repository.get(job.job_id).status is JobStatus.FAILED
    assert repository.get(job.job_id).errors == (jobs.INTERNAL_FAILURE,)
    assert redelivered is None


def test_a_job_of_a_kind_without_runner_fails_and_is_raised_as_a_bug(
    start, repository, clock
):
    job = start(kind="nobody.runs.this")

    with pytest.raises(UnknownJobKind):
        jobs.run_job(repository, {}, clock, job.job_id)

    assert repository.get(job.job_id).status is JobStatus.FAILED


def test_jobs_running_past_the_lambda_limit_are_failed_once(start, repository,
                                                            clock):
    abandoned, recent, queued = start(), start(), start()
    repository.save(abandoned.changed(status=JobStatus.RUNNING), 1)
    clock.now = MONDAY_NOON + timedelta(minutes=10)
    recent = repository.save(recent.changed(status=JobStatus.RUNNING,
                                            updated_at=clock.now), 1)

    clock.now = MONDAY_NOON + jobs.ABANDONED_AFTER + timedelta(seconds=1)
    failed = jobs.fail_abandoned_jobs(repository, clock)
    again = jobs.fail_abandoned_jobs(repository, clock)

    assert [job.job_id for job in failed] == [abandoned.job_id]
    assert repository.get(abandoned.job_id).status is JobStatus.FAILED
    assert repository.get(abandoned.job_id).errors == ("The job's worker stopped.",)
    assert repository.get(recent.job_id).status is JobStatus.RUNNING
    assert repository.get(queued.job_id).status is JobStatus.QUEUED
    assert again == []


def test_who_started_a_job_reads_it(start, repository):
    job = start(started_by="aurora-dealer-1")
    starter = caller(Role.DEALER_USER, user_id="aurora-dealer-1",
                     dealer_codes=("AUR-KGD-01",))

    assert jobs.get_job(repository, starter, job.job_id) == job


@pytest.mark.parametrize("role", [Role.IMPORTER_ADMIN, Role.IMPORTER_MANAGER,
                                  Role.ANALYST])
def test_importer_roles_read_every_job_of_their_brand(start, repository, role):
    job = start(started_by="aurora-dealer-1")

    assert jobs.get_job(repository, caller(role), job.job_id) == job


def test_another_dealer_user_does_not_see_the_job(start, repository):
    job = start(started_by="aurora-dealer-1")

    with pytest.raises(JobNotFound):
        jobs.get_job(repository, dealer_user("AUR-KGD-01"), job.job_id)


def test_another_brands_job_does_not_exist_for_the_caller(start, repository):
    job = start(brand_id="taiga", started_by="taiga-manager-1")

    with pytest.raises(JobNotFound):
        jobs.get_job(repository, caller(Role.IMPORTER_ADMIN), job.job_id)
