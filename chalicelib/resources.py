"""The queues and buckets the app uses, declared once.

The local bootstrap creates them from here and infra declares them from here,
so the two cannot drift. Tables are described by the PynamoDB models
(`chalicelib.tables`).
"""

from dataclasses import dataclass

from chalicelib.settings import bucket_name, resource_name


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

# One message per batch of dealers of a bonus run; a batch takes seconds.
BONUS_BATCHES = Queue("bonus-batches", visibility_timeout_seconds=960, max_receives=5)

QUEUES: tuple[Queue, ...] = (JOBS, BONUS_BATCHES)


@dataclass(frozen=True, slots=True)
class Bucket:
    kind: str
    versioned: bool = False
    browser_uploads: bool = False
    """Clients upload by presigned POST from the web origins (CORS allows it)."""
    notify: Queue | None = None
    """The queue that gets this bucket's ObjectCreated events, if any."""
    notify_prefix: str = ""
    expire_days: int | None = None
    """Objects are deleted this many days after creation (None: kept)."""

    @property
    def name(self) -> str:
        return bucket_name(self.kind)


PENDING_UPLOAD_TAG = ("upload", "pending")
"""Presigned POSTs set this object tag and processing removes it once the
upload is claimed. Objects still tagged after `PENDING_UPLOAD_DAYS` expire:
rules that abort multipart uploads do not apply to presigned POSTs."""

PENDING_UPLOAD_DAYS = 2

PHOTOS = Bucket("photos", versioned=True, browser_uploads=True)
CREATIVES = Bucket("creatives", versioned=True, browser_uploads=True)
BI = Bucket("bi", versioned=False)
"""Parquet for BI tools; each export writes a new prefix, so no versions."""

# Spreadsheet exports of bonus statements; links to them are presigned.
BONUS_EXPORTS = Bucket("bonus-exports", expire_days=30)

BUCKETS: tuple[Bucket, ...] = (PHOTOS, CREATIVES, BI, BONUS_EXPORTS)

# The address notifications are e-mailed from (SES verified identity).
MAIL_SENDER = "noreply@dmm.local"
