"""The queues and buckets the app uses, declared once.

The local bootstrap creates them from here and infra declares them from here,
so the two cannot drift. Tables are described by the PynamoDB models
(`chalicelib.tables`).
"""

from dataclasses import dataclass

from chalicelib.settings import resource_name


@dataclass(frozen=True, slots=True)
class Queue:
    kind: str
    visibility_timeout_seconds: int
    max_receives: int
    """Receives before a message moves to the dead-letter queue."""

    @property
    def name(self) -> str:
        return resource_name(self.kind)

    @property
    def dead_letter_name(self) -> str:
        return resource_name(f"{self.kind}-dlq")


# The visibility timeout outlasts the consuming function's 15-minute limit,
# as AWS recommends for Lambda event sources.
JOBS = Queue("jobs", visibility_timeout_seconds=960, max_receives=3)

QUEUES: tuple[Queue, ...] = (JOBS,)


@dataclass(frozen=True, slots=True)
class Bucket:
    kind: str
    notify_queue: Queue | None = None
    """Queue told of each object created (S3 event notifications)."""

    @property
    def name(self) -> str:
        return resource_name(self.kind)


# Uploaded spreadsheets (prefix `uploads/`) and generated downloads
# (`downloads/`); each upload is announced on the queue below.
IMPORT_UPLOADS = Queue("import-uploads", visibility_timeout_seconds=60,
                       max_receives=5)
IMPORTS = Bucket("imports", notify_queue=IMPORT_UPLOADS)
# Parquet for the BI tool (chalicelib/integrations/README.md).
BI = Bucket("bi")

# Export jobs run in their own function, the only one with the parquet layer.
EXPORT_JOBS = Queue("export-jobs", visibility_timeout_seconds=960, max_receives=3)

QUEUES = (*QUEUES, IMPORT_UPLOADS, EXPORT_JOBS)
BUCKETS: tuple[Bucket, ...] = (IMPORTS, BI)
