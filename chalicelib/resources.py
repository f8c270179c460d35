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

# The address notifications are e-mailed from (SES verified identity).
MAIL_SENDER = "noreply@dmm.local"
