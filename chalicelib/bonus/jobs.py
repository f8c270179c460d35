"""The bonus area's job kinds: starting a bonus run and a backtest."""

from collections.abc import Callable
from typing import Any

from chalicelib.bonus import service
from chalicelib.bonus.model import RunKind
from chalicelib.bonus.service import BonusPorts
from chalicelib.jobs.model import Job
from chalicelib.jobs.ports import JobRunner


def runners(ports: Callable[[], BonusPorts]) -> dict[str, JobRunner]:
    def bonus_run(job: Job) -> dict[str, Any]:
        kind = RunKind(job.params["kind"])
        run = service.begin_run(ports(), job.brand_id, job.params["period"], kind,
                                trigger=job.job_id, started_by=job.started_by)
        return {"run_id": run.run_id, "run_version": run.run_version,
                "status": run.status.value, "batches": run.batches_total,
                "dealers": run.dealer_count}

    def backtest(job: Job) -> dict[str, Any]:
        return service.run_backtest(ports(), job.brand_id, job.params["program_id"],
                                    job.params["period"])

    return {service.BONUS_RUN_JOB: bonus_run, service.BACKTEST_JOB: backtest}
