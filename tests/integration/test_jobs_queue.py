"""The jobs queue end to end on the emulator: a started job's message reaches
the app's own SQS handler through the local event runner, as in AWS."""

import json

import boto3
import pytest

from chalicelib import resources, wiring
from chalicelib.errors import RuleViolated
from chalicelib.jobs import service as jobs
from chalicelib.jobs.model import JobStatus
from devstack.events import QueueSource, deliver_batch, run_scheduled, sources


class ProgramNotPublished(RuleViolated):
    """Stands for a domain refusal of a job's work."""

    code = "program_not_published"


@pytest.fixture
def app_module(aws):
    import app

    return app


@pytest.fixture
def sqs(aws):
    client = boto3.client("sqs")
    return client, client.get_queue_url(QueueName=resources.JOBS.name)["QueueUrl"]


@pytest.fixture
def ran() -> list[str]:
    return []


@pytest.fixture
def runners(ran):
    def echo(job):
        ran.append(job.job_id)
        return {"period": job.params["period"], "statements": 80}

    def refuse(job):
        ran.append(job.job_id)
        raise ProgramNotPublished("Program 'may' is not published.")

    def crash(job):
        ran.append(job.job_id)
        raise ConnectionError("the distributor platform hung up")

    wiring.use(job_runners={"test.echo": echo, "test.refuse": refuse,
                            "test.crash": crash})
    return wiring.job_runners()


def _start(kind: str):
    return jobs.start_job(wiring.jobs(), wiring.job_queue(), wiring.clock(),
                          "aurora", "aurora-manager-1", kind, {"period": "2026-05"})


def _jobs_source(app_module, batch_size: int | None = None) -> QueueSource:
    queues, _ = sources(app_module.app)
    declared = next(q for q in queues if q.queue == resources.JOBS.name)
    if batch_size is None:
        return declared
    return QueueSource(declared.name, declared.queue, batch_size)


def _counts(client, url) -> tuple[int, int]:
    attributes = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages",
                        "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]))


def test_starting_a_job_puts_one_message_naming_it(sqs, runners):
    client, url = sqs

    job = _start("test.echo")

    messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                      WaitTimeSeconds=0).get("Messages", [])
    assert [json.loads(m["Body"]) for m in messages] == [{"job_id": job.job_id}]


def test_the_runner_delivers_a_job_to_the_apps_handler_which_runs_it(
    app_module, sqs, runners, ran
):
    client, url = sqs
    job = _start("test.echo")

    delivered = deliver_batch(client, url, _jobs_source(app_module),
                              app_module.run_jobs, 0)

    finished = wiring.jobs().get(job.job_id)
    assert delivered == 1
    assert ran == [job.job_id]
    assert finished.status is JobStatus.SUCCEEDED
    assert finished.result == {"period": "2026-05", "statements": 80}
    assert _counts(client, url) == (0, 0)


def test_a_redelivered_message_does_not_run_the_job_twice(app_module, sqs,
                                                          runners, ran):
    client, url = sqs
    job = _start("test.echo")
    deliver_batch(client, url, _jobs_source(app_module), app_module.run_jobs, 0)

    wiring.job_queue().send(job.job_id)
    deliver_batch(client, url, _jobs_source(app_module), app_module.run_jobs, 0)

    assert ran == [job.job_id]
    assert _counts(client, url) == (0, 0)


def test_a_domain_refusal_fails_the_job_and_consumes_its_message(app_module, sqs,
                                                                 runners):
    client, url = sqs
    job = _start("test.refuse")

    deliver_batch(client, url, _jobs_source(app_module), app_module.run_jobs, 0)

    failed = wiring.jobs().get(job.job_id)
    assert failed.status is JobStatus.FAILED
    assert failed.errors == ("Program 'may' is not published.",)
    assert _counts(client, url) == (0, 0)


def test_only_the_failing_message_of_a_batch_is_left_for_redelivery(
    app_module, sqs, runners, ran, logged
):
    client, url = sqs
    good, bad, other = _start("test.echo"), _start("test.crash"), _start("test.echo")

    deleted = deliver_batch(client, url, _jobs_source(app_module, batch_size=10),
                            app_module.run_jobs, 0)

    assert sorted(ran) == sorted([good.job_id, bad.job_id, other.job_id])
    assert deleted == 2
    assert _counts(client, url) == (0, 1)
    assert wiring.jobs().get(good.job_id).status is JobStatus.SUCCEEDED
    assert wiring.jobs().get(other.job_id).status is JobStatus.SUCCEEDED
    assert wiring.jobs().get(bad.job_id).status is JobStatus.FAILED
    errors = [line for line in logged() if line["level"] == "ERROR"]
    assert [line.get("job_id") for line in errors] == [bad.job_id]
    assert "ConnectionError" in errors[0]["exception"]


def test_the_abandoned_jobs_sweep_runs_as_a_scheduled_job(app_module, runners):
    result = run_scheduled(app_module, "fail_abandoned_jobs")

    assert result == {"failed": 0}
    with pytest.raises(LookupError):
        run_scheduled(app_module, "no_such_job")
