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

# One message per batch of dealers of a bonus run; a batch takes seconds.
BONUS_BATCHES = Queue("bonus-batches", visibility_timeout_seconds=960, max_receives=5)

QUEUES: tuple[Queue, ...] = (JOBS, BONUS_BATCHES)


@dataclass(frozen=True, slots=True)
class Bucket:
    kind: str
    expire_days: int | None = None
    """Objects are deleted this many days after creation (None: kept)."""

    @property
    def name(self) -> str:
        return resource_name(self.kind)


# Spreadsheet exports of bonus statements; links to them are presigned.
BONUS_EXPORTS = Bucket("bonus-exports", expire_days=30)

BUCKETS: tuple[Bucket, ...] = (BONUS_EXPORTS,)
