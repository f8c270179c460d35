"""The creative-uploads queue's consumer: S3 ObjectCreated events, one SQS
message each, failures reported per message so only those are retried."""

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.logs import logger


def process_upload_messages(
    raw_event: dict[str, Any], context: Any, accept: Callable[[str, int], object]
) -> dict[str, Any]:
    def handle(record: SQSRecord) -> None:
        for key, size in created_objects(record.body):
            logger.append_keys(object_key=key)
            try:
                accept(key, size)
            finally:
                logger.remove_keys(["object_key"])

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=raw_event, record_handler=handle, processor=processor, context=context
    )
    return dict(response)


def created_objects(body: str) -> Iterator[tuple[str, int]]:
    """(key, size) of each created object an S3 notification names. S3 sends
    keys URL-encoded with spaces as `+`; its test event names none."""
    message = json.loads(body)
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        created = record["s3"]["object"]
        yield unquote_plus(created["key"]), int(created.get("size", 0))
