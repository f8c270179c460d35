"""The jobs queue's consumer: each message runs one job, failures per message."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.jobs.sqs import job_id_of
from chalicelib.logs import logger


def process_job_messages(
    raw_event: dict[str, Any], context: Any, run: Callable[[str], object]
) -> dict[str, Any]:
    """Run the job named by each message; a message whose job fails
    unexpectedly is reported back to SQS alone, so only it is retried."""

    def handle(record: SQSRecord) -> None:
        job_id = job_id_of(record.body)
        logger.append_keys(job_id=job_id)
        try:
            run(job_id)
        except Exception:
            # The batch processor keeps the error to itself (a debug line of
            # Powertools' own logger): this is the one place it is logged.
            logger.exception("job failed unexpectedly")
            raise
        finally:
            logger.remove_keys(["job_id"])

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=raw_event, record_handler=handle, processor=processor, context=context
    )
    return dict(response)
