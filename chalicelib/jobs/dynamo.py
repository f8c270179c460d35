"""Jobs in DynamoDB.

Table `jobs`: key `job_id`; items expire 30 days after creation (TTL
`expires_at`). Index `by_status` (`status` + `updated_at`) finds the jobs
still running long after their last update.
"""

from datetime import datetime, timedelta
from typing import cast

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.dynamo import save_versioned, table_meta
from chalicelib.jobs.model import Job, JobStatus

KEPT_FOR = timedelta(days=30)


class JobsByStatus(GlobalSecondaryIndex["JobModel"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    updated_at = UTCDateTimeAttribute(range_key=True)


class JobModel(Model):
    Meta = table_meta("jobs")

    job_id = UnicodeAttribute(hash_key=True)
    brand_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    started_by = UnicodeAttribute()
    status = UnicodeAttribute()
    params = JSONAttribute(default=dict)
    result = JSONAttribute(null=True)
    errors = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    version = VersionAttribute()

    by_status = JobsByStatus()


class DynamoJobs:
    def get(self, job_id: str) -> Job | None:
        try:
            return _job(JobModel.get(job_id))
        except JobModel.DoesNotExist:
            return None

    def save(self, job: Job, expected_version: int | None) -> Job:
        item = JobModel(
            job.job_id,
            brand_id=job.brand_id,
            kind=job.kind,
            started_by=job.started_by,
            status=job.status.value,
            params=job.params,
            result=job.result,
            errors=list(job.errors),
            created_at=job.created_at,
            updated_at=job.updated_at,
            expires_at=job.created_at + KEPT_FOR,
        )
        save_versioned(item, expected_version)
        return _job(item)

    def running_since_before(self, moment: datetime) -> list[Job]:
        results = JobModel.by_status.query(
            JobStatus.RUNNING.value, JobModel.updated_at < moment
        )
        return [_job(item) for item in results]


def _job(item: JobModel) -> Job:
    return Job(
        job_id=item.job_id,
        brand_id=item.brand_id,
        kind=item.kind,
        started_by=item.started_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
        status=JobStatus(item.status),
        params=item.params or {},
        result=item.result,
        errors=tuple(cast(list[str], item.errors or [])),
        version=int(item.version),
    )
