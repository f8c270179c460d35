"""`StatementAnnouncer`s: a published final run tells each dealer's users
that its statement is there, once per run and dealer.

`QueuedStatements` is what publishing calls: it hands the telling to a job,
so the publishing request does not wait on a notification per dealer (about
six requests each: a brand of several hundred dealers would take seconds in
AWS, of API Gateway's 29). The job runs
`NotifiedStatements` over the `Notifier` port, which tells each user once
per event, so a job run again, or a run published twice, tells no one twice.
"""

from collections.abc import Callable, Sequence
from typing import Any

from chalicelib.access.ports import UserRepository
from chalicelib.audience import every_user, users_serving
from chalicelib.jobs.model import Job
from chalicelib.jobs.ports import JobRunner
from chalicelib.notification_prefs.kinds import NotificationKind
from chalicelib.notification_prefs.notifier import Notifier


class NotifiedStatements:
    def __init__(self, notifier: Notifier, users: UserRepository) -> None:
        self._notifier = notifier
        self._users = users

    def published(
        self, brand_id: str, run_id: str, period: str, dealer_codes: Sequence[str]
    ) -> None:
        everyone = list(every_user(self._users, brand_id))
        for code in dealer_codes:
            recipients = users_serving(everyone, [code])
            if not recipients:
                continue
            params = {"bonus_run_id": run_id, "dealer": code, "period": period}
            self._notifier.notify(f"statement:{brand_id}:{run_id}:{code}", brand_id,
                                  recipients, NotificationKind.STATEMENT_PUBLISHED,
                                  params)


STATEMENTS_JOB = "announce_statements"

JobStart = Callable[[str, str, str, dict[str, Any]], Any]
"""(brand_id, started_by, kind, params): start a job of that kind."""


class QueuedStatements:
    def __init__(self, start_job: JobStart) -> None:
        self._start_job = start_job

    def published(
        self, brand_id: str, run_id: str, period: str, dealer_codes: Sequence[str]
    ) -> None:
        self._start_job(brand_id, "bonus-run", STATEMENTS_JOB,
                        {"run_id": run_id, "period": period,
                         "dealers": list(dealer_codes)})


def statement_runner(announcer: Callable[[], NotifiedStatements]) -> JobRunner:
    """The job that tells a published run's dealers (`STATEMENTS_JOB`)."""

    def announce(job: Job) -> dict[str, Any]:
        dealers = list(job.params["dealers"])
        announcer().published(job.brand_id, job.params["run_id"],
                              job.params["period"], dealers)
        return {"dealers": len(dealers)}

    return announce
