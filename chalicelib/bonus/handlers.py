"""The bonus batch queue's consumer: each message is one batch of a run."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.bonus.model import DealerBatch
from chalicelib.bonus.sqs import batch_of_message
from chalicelib.logs import logger


def process_batch_messages(
    raw_event: dict[str, Any], context: Any, run: Callable[[DealerBatch], str]
) -> dict[str, Any]:
    """Run each batch; a batch that fails unexpectedly goes back to SQS alone.
    One that keeps failing ends in the dead-letter queue, and the stalled-run
    sweep fails its run (`service.fail_stalled_runs`)."""

    def handle(record: SQSRecord) -> None:
        batch = batch_of_message(record.body)
        logger.append_keys(bonus_run_id=batch.run_id, batch_no=batch.batch_no)
        try:
            outcome = run(batch)
            logger.info("bonus batch handled", outcome=outcome,
                        dealers=len(batch.fingerprints))
        finally:
            logger.remove_keys(["bonus_run_id", "batch_no"])

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=raw_event, record_handler=handle, processor=processor, context=context
    )
    return dict(response)
