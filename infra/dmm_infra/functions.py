"""What each Lambda function of the app gets: memory, time, layers, access.

The functions themselves come from the Chalice app (`app.py`): its REST API
is one function, `api_handler`, and each event handler is another. Every
function must have an entry in `FUNCTIONS`; synthesis stops on a function
without one (and on an entry without a function), so a new handler is never
deployed with access nobody decided on.
"""

from dataclasses import dataclass
from enum import Enum

from chalice import Chalice
from chalice.app import S3EventConfig, ScheduledEventConfig, SQSEventConfig
from chalice.utils import to_cfn_resource_name

from chalicelib import resources
from chalicelib.resources import Bucket, Queue

API_HANDLER = "api_handler"


class Tables(Enum):
    EVERY = "every"
    """Every table in `chalicelib.tables.MODELS`, including ones added later."""


class Objects(Enum):
    READ = "read"
    WRITE = "write"
    TAG = "tag"
    """Remove the pending-upload tag once an upload is claimed."""


@dataclass(frozen=True, slots=True)
class BucketAccess:
    bucket: Bucket
    actions: tuple[Objects, ...]
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class Access:
    """What a function may touch. Data actions are listed, never wildcards."""

    tables: Tables | tuple[str, ...] = ()
    """Read and write: table kinds, as in `table_meta("kind")`."""
    read_tables: tuple[str, ...] = ()
    sends_to: tuple[Queue, ...] = ()
    buckets: tuple[BucketAccess, ...] = ()
    manages_users: bool = False
    """Invite, enable and disable users in the Cognito user pool."""
    secrets: tuple[str, ...] = ()
    """Integration secrets it reads (kinds in `INTEGRATION_SECRETS`)."""
    writes_catalog: bool = False
    """Adds and moves partitions of the BI tables in Glue."""
    sends_mail: bool = False
    """Sends notification e-mail through SES from `resources.MAIL_SENDER`."""


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    memory_mb: int
    timeout_seconds: int
    access: Access
    layers: tuple[str, ...] = ()
    """Layers built from `layers/<name>.txt`, for what only this function imports."""


@dataclass(frozen=True, slots=True)
class AppFunction:
    """One Lambda function as `chalice package` names it in the SAM template."""

    name: str
    spec: FunctionSpec
    queue: str | None = None
    schedule: str | None = None

    @property
    def logical_id(self) -> str:
        return (
            "APIHandler"
            if self.name == API_HANDLER
            else to_cfn_resource_name(self.name)
        )

    @property
    def role_logical_id(self) -> str:
        return to_cfn_resource_name(f"{self.name}_role")

    @property
    def sqs_event_id(self) -> str:
        return f"{self.logical_id}SqsEventSource"


INTEGRATION_SECRETS = ("distributor", "calltouch", "personal-data")
"""Secrets Manager entries `dmm/<stage>/integrations/<kind>`, filled by hand."""

_UPLOADS = (Objects.READ, Objects.WRITE)

FUNCTIONS: dict[str, FunctionSpec] = {
    # API Gateway ends a request after about 29 seconds.
    API_HANDLER: FunctionSpec(
        memory_mb=1024,
        timeout_seconds=29,
        access=Access(
            tables=Tables.EVERY,
            sends_to=(resources.JOBS, resources.EXPORT_JOBS),
            buckets=(
                # Presigned POSTs and links act with the signer's rights.
                BucketAccess(resources.PHOTOS, (*_UPLOADS, Objects.TAG)),
                BucketAccess(resources.CREATIVES, (*_UPLOADS, Objects.TAG)),
                # Statement spreadsheets are written, then linked.
                BucketAccess(resources.EXPORTS, _UPLOADS),
                # Spreadsheet uploads and the analytics' xlsx downloads.
                BucketAccess(resources.IMPORTS, _UPLOADS),
            ),
            manages_users=True,
            # Webhooks: the dealer's secret, and the key numbers are hashed with.
            secrets=("calltouch", "personal-data"),
            sends_mail=True,
        ),
    ),
    "run_jobs": FunctionSpec(
        memory_mb=1024,
        timeout_seconds=900,
        access=Access(
            tables=Tables.EVERY,
            # Bonus runs and backtests fan out to batches of dealers.
            sends_to=(resources.JOBS, resources.BONUS_BATCHES),
            buckets=(
                BucketAccess(resources.PHOTOS, (Objects.READ,)),
                BucketAccess(resources.CREATIVES, (Objects.READ,)),
                BucketAccess(resources.EXPORTS, _UPLOADS),
                BucketAccess(resources.IMPORTS, (Objects.READ,), "uploads/"),
            ),
            secrets=INTEGRATION_SECRETS,
        ),
    ),
    # Integrations (chalicelib/integrations/README.md).
    "import_uploads": FunctionSpec(
        memory_mb=256,
        timeout_seconds=60,
        access=Access(tables=("imports", "jobs"), sends_to=(resources.JOBS,)),
    ),
    "nightly_syncs": FunctionSpec(
        memory_mb=256,
        timeout_seconds=120,
        access=Access(tables=("jobs",), read_tables=("brands",),
                      sends_to=(resources.JOBS,)),
    ),
    "nightly_exports": FunctionSpec(
        memory_mb=256,
        timeout_seconds=120,
        access=Access(tables=("jobs", "exports"), read_tables=("brands",),
                      sends_to=(resources.EXPORT_JOBS,)),
    ),
    # The only function with pyarrow: app package (about 83 MB unzipped) plus
    # the pruned parquet layer (about 102 MB) stays under Lambda's 250 MB.
    "run_export_jobs": FunctionSpec(
        memory_mb=2048,
        timeout_seconds=900,
        access=Access(
            tables=Tables.EVERY,
            buckets=(BucketAccess(resources.BI, (Objects.READ, Objects.WRITE)),),
            # Limitation: the export does not register Glue partitions yet
            # (readers follow the manifests); the grant is for when it does.
            writes_catalog=True,
        ),
        layers=("parquet",),
    ),
    "fail_abandoned_jobs": FunctionSpec(
        memory_mb=256,
        timeout_seconds=60,
        access=Access(tables=("jobs",)),
    ),
    "run_bonus_batches": FunctionSpec(
        memory_mb=1024,
        timeout_seconds=300,
        access=Access(
            tables=Tables.EVERY,
            sends_to=(resources.BONUS_BATCHES,),
            buckets=(BucketAccess(resources.EXPORTS, _UPLOADS),),
        ),
    ),
    "close_due_periods": FunctionSpec(
        memory_mb=512,
        timeout_seconds=300,
        access=Access(
            tables=Tables.EVERY,
            sends_to=(resources.JOBS, resources.BONUS_BATCHES),
        ),
    ),
    # The photos queue's visibility timeout is six times this timeout.
    "process_photos": FunctionSpec(
        memory_mb=1536,
        timeout_seconds=60,
        access=Access(
            tables=Tables.EVERY,
            # Reads the upload, claims it (tag), writes the index snapshot.
            buckets=(BucketAccess(resources.PHOTOS,
                                  (*_UPLOADS, Objects.TAG)),),
            # Managers hear of new flags by e-mail.
            sends_mail=True,
        ),
        layers=("imaging",),
    ),
    "process_creative_uploads": FunctionSpec(
        memory_mb=1536,
        timeout_seconds=300,
        access=Access(
            tables=Tables.EVERY,
            # Reads the original, writes previews and the search snapshot.
            buckets=(BucketAccess(resources.CREATIVES,
                                  (*_UPLOADS, Objects.TAG)),),
            # Dealers hear of a new creative by e-mail.
            sends_mail=True,
        ),
        layers=("imaging",),
    ),
    "fail_stalled_bonus_runs": FunctionSpec(
        memory_mb=256,
        timeout_seconds=60,
        access=Access(tables=("bonus-runs",)),
    ),
    # Locks past-due reports, sends reminders, delivers pending events.
    "lock_report_deadlines": FunctionSpec(
        memory_mb=256,
        timeout_seconds=300,
        access=Access(
            tables=("reports", "audit", "notification-events", "notifications"),
            # Delivery follows each user's preferences and the brand's texts.
            read_tables=("users", "notification-preferences",
                         "notification-templates"),
            sends_mail=True,
        ),
    ),
}


class UndeclaredFunction(Exception):
    """A function of the app has no entry in `FUNCTIONS`, or the reverse."""


def app_functions(app: Chalice) -> list[AppFunction]:
    """Every Lambda function `chalice package` makes of `app`, with its spec."""
    found = _discover(app)
    missing = sorted(set(found) - set(FUNCTIONS))
    stale = sorted(set(FUNCTIONS) - set(found))
    if missing or stale:
        raise UndeclaredFunction(
            f"Functions without an entry in infra/dmm_infra/functions.py: {missing}; "
            f"entries without a function in app.py: {stale}. Declare what each "
            "new function may touch there."
        )
    return [
        AppFunction(name, FUNCTIONS[name], queue=queue, schedule=schedule)
        for name, (queue, schedule) in found.items()
    ]


def _discover(app: Chalice) -> dict[str, tuple[str | None, str | None]]:
    found: dict[str, tuple[str | None, str | None]] = {}
    if app.routes:
        found[API_HANDLER] = (None, None)
    for config in app.event_sources:
        if isinstance(config, SQSEventConfig):
            found[config.name] = (config.queue, None)
        elif isinstance(config, S3EventConfig):
            raise UndeclaredFunction(
                f"{config.name} subscribes to a bucket with @app.on_s3_event; declare "
                "the bucket's `notify` queue in chalicelib/resources.py and consume "
                "the queue instead, so each bucket's notifications have one owner."
            )
        elif isinstance(config, ScheduledEventConfig):
            expression = config.schedule_expression
            text = expression if isinstance(expression, str) else expression.to_string()
            found[config.name] = (None, text)
        else:
            found[config.name] = (None, None)
    for name in app.pure_lambda_functions:
        found[name.name] = (None, None)
    return found
