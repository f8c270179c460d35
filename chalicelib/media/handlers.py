"""The photos queue's consumer: S3 ObjectCreated notifications, one photo each.

Keys arrive URL-encoded as in AWS (a space as `+`, Cyrillic as percent
escapes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
S3's test event and zero-byte objects (folder placeholders) are skipped. A
message whose processing fails unexpectedly is reported back alone
(`batchItemFailures`), so only it is retried and, after the queue's max
receives, parked in the dead-letter queue.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.logs import logger
from chalicelib.media.service import ObjectCreated


def process_photo_messages(
    raw_event: dict[str, Any], context: Any, process: Callable[[ObjectCreated], str]
) -> dict[str, Any]:
    def handle(record: SQSRecord) -> None:
        for created in objects_created(record.body):
            logger.append_keys(object_key=created.key)
            try:
                outcome = process(created)
                logger.info("photo object handled", outcome=outcome, size=created.size)
            finally:
                logger.remove_keys(["object_key"])

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=raw_event, record_handler=handle, processor=processor, context=context
    )
    return dict(response)


def objects_created(body: str) -> list[ObjectCreated]:
    """The created, non-empty objects an S3 notification names."""
    message = json.loads(body)
    if message.get("Event") == "s3:TestEvent":
        return []
    found = []
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        described = record.get("s3", {}).get("object", {})
        size = int(described.get("size", 0))
        if size == 0:
            continue
        key = unquote_plus(described["key"], encoding="utf-8")
        found.append(ObjectCreated(key=key, size=size,
                                   event_time=_event_time(record.get("eventTime"))))
    return found


def _event_time(raw: str | None) -> datetime:
    if not raw:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
