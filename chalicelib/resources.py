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
# Photo processing takes seconds; six times a 60-second function timeout.
PHOTOS_QUEUE = Queue("photos", visibility_timeout_seconds=360, max_receives=4)

QUEUES: tuple[Queue, ...] = (JOBS, PHOTOS_QUEUE)


@dataclass(frozen=True, slots=True)
class Bucket:
    """A bucket, the queue its ObjectCreated notifications go to, and the
    CORS rule that lets the web origins (a stage setting) POST to it by a
    presigned form and GET presigned links."""

    kind: str
    notify: Queue | None = None
    cors_methods: tuple[str, ...] = ("POST", "GET")
    cors_max_age_seconds: int = 3000

    @property
    def name(self) -> str:
        return resource_name(self.kind)

    def cors_rules(self, web_origins: tuple[str, ...]) -> list[dict]:
        if not web_origins:
            return []
        return [{
            "AllowedOrigins": list(web_origins),
            "AllowedMethods": list(self.cors_methods),
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag", "Location"],
            "MaxAgeSeconds": self.cors_max_age_seconds,
        }]


PHOTOS = Bucket("photos", notify=PHOTOS_QUEUE)

BUCKETS: tuple[Bucket, ...] = (PHOTOS,)
