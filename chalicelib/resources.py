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
# Photo processing takes seconds; six times a 60-second function timeout.
PHOTOS_QUEUE = Queue("photos", visibility_timeout_seconds=360, max_receives=4)

# One message per batch of dealers of a bonus run; a batch takes seconds.
BONUS_BATCHES = Queue("bonus-batches", visibility_timeout_seconds=960, max_receives=5)

# Uploaded creative originals: each one gets previews and tells dealers.
CREATIVE_UPLOADS = Queue("creative-uploads", visibility_timeout_seconds=960,
                         max_receives=5)

QUEUES: tuple[Queue, ...] = (JOBS, PHOTOS_QUEUE, BONUS_BATCHES, CREATIVE_UPLOADS)


@dataclass(frozen=True, slots=True)
class Bucket:
    kind: str
    versioned: bool = False
    browser_uploads: bool = False
    """Clients upload by presigned POST from the web origins (CORS allows it)."""
    notify: Queue | None = None
    """The queue that gets ObjectCreated events of keys under `notify_prefix`."""
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

PHOTOS = Bucket("photos", versioned=True, browser_uploads=True, notify=PHOTOS_QUEUE)
CREATIVES = Bucket("creatives", versioned=True, browser_uploads=True,
                   notify=CREATIVE_UPLOADS, notify_prefix="creatives/")
BI = Bucket("bi", versioned=False)
"""Parquet for BI tools; each export writes a new prefix, so no versions."""

EXPORTS = Bucket("exports", expire_days=30)
"""Generated downloads (statement, survey and analytics spreadsheets), handed
out as presigned links."""

BUCKETS: tuple[Bucket, ...] = (PHOTOS, CREATIVES, BI, EXPORTS)
# Integrations (chalicelib/integrations/README.md): uploaded spreadsheets
# under `uploads/` (each announced on the queue below) and generated
# downloads under `downloads/`; export jobs run in their own function, the
# only one with the parquet layer.
IMPORT_UPLOADS = Queue("import-uploads", visibility_timeout_seconds=60,
                       max_receives=5)
EXPORT_JOBS = Queue("export-jobs", visibility_timeout_seconds=960, max_receives=3)
IMPORTS = Bucket("imports", versioned=False, browser_uploads=True,
                 notify=IMPORT_UPLOADS, notify_prefix="uploads/")

QUEUES = (*QUEUES, IMPORT_UPLOADS, EXPORT_JOBS)
BUCKETS = (*BUCKETS, IMPORTS)

# The address notifications are e-mailed from (SES verified identity).
MAIL_SENDER = "noreply@dmm.local"
