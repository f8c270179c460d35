"""The import uploads queue's consumer: S3 notifications start import jobs."""

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def process_upload_messages(raw_event: dict[str, Any], context: Any,
                            arrived: Callable[[str], object]) -> dict[str, Any]:
    """Each S3 record names an uploaded object; S3's test event names none."""

    def handle(record: SQSRecord) -> None:
        notification = json.loads(record.body)
        for entry in notification.get("Records", []):
            # S3 URL-encodes keys in notifications (a space arrives as `+`).
            arrived(unquote_plus(entry["s3"]["object"]["key"]))

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=raw_event, record_handler=handle,
                                         processor=processor, context=context))
