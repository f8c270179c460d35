"""Poison messages on the emulator: for every queue of the app, a message its
handler always fails on is received exactly the queue's `max_receives` times
and then parked in the queue's dead-letter queue (the redrive policy the
bootstrap sets; tests/infra checks the template declares the same), while a
good message of the same batch is handled once and deleted.

The handlers are the app's own, called as the local event runner calls them
(`devstack.events.deliver_batch`: batch size, `batchItemFailures`). Each
queue's visibility timeout is set to zero here so that a failed message is
received again at once instead of minutes later.

Limitation: the good message beside the poison is one its handler finishes
without a side effect (S3's test event, an empty notification, a batch of a
run that is gone), so the test shows it is handled once and deleted, not
what it changes; the photo and bonus flows under faults are in
tests/api/test_faults.py.
"""

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from chalicelib import resources
from chalicelib.resources import Queue
from devstack.events import QueueSource, deliver_batch, sources

POISON = "{this is not json"
S3_TEST_EVENT = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent",
                            "Bucket": "dmm-test-photos"})
# A message each handler takes and finishes at once, without a side effect.
GOOD_MESSAGE = {
    resources.PHOTOS_QUEUE.kind: S3_TEST_EVENT,
    resources.CREATIVE_UPLOADS.kind: S3_TEST_EVENT,
    resources.IMPORT_UPLOADS.kind: json.dumps({"Records": []}),
    # A batch of a run that does not exist (any more): ignored.
    resources.BONUS_BATCHES.kind: json.dumps({
        "brand_id": "aurora", "run_id": "run-gone", "batch_no": 0,
        "fingerprints": {}}),
}


def _source(app_module: Any, queue: Queue) -> QueueSource:
    queues, _ = sources(app_module.app)
    return next(source for source in queues if source.queue == queue.name)


def _receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                WaitTimeSeconds=0,
                                AttributeNames=["ApproximateReceiveCount"])
    return list(reply.get("Messages", []))


@pytest.mark.parametrize("queue", resources.QUEUES, ids=lambda q: q.kind)
def test_a_poison_message_ends_in_the_dead_letter_queue_after_its_max_receives(
    aws: str, queue: Queue
) -> None:
    import app

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue.name)["QueueUrl"]
    dead_url = sqs.get_queue_url(QueueName=queue.dead_letter_name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    source = _source(app, queue)
    seen: list[list[str]] = []
    handler = _recording(getattr(app, source.name), seen)
    good = GOOD_MESSAGE.get(queue.kind) if source.batch_size > 1 else None

    poison_id = sqs.send_message(QueueUrl=url, MessageBody=POISON)["MessageId"]
    good_id = (sqs.send_message(QueueUrl=url, MessageBody=good)["MessageId"]
               if good else None)
    for _round in range(queue.max_receives + 2):
        deliver_batch(sqs, url, source, handler, 0)
    parked = _receive_all(sqs, dead_url)
    left = _receive_all(sqs, url)

    receives = sum(poison_id in batch for batch in seen)
    assert receives == queue.max_receives
    assert [(m["MessageId"], m["Body"]) for m in parked] == [(poison_id, POISON)]
    assert left == []
    if good_id is not None:
        # Delivered beside the poison once, and never again.
        assert sum(good_id in batch for batch in seen) == 1
        assert {poison_id, good_id} <= set(seen[0])


def _recording(handler: Callable[..., Any], seen: list[list[str]]
               ) -> Callable[..., Any]:
    def handle(event: dict[str, Any], context: Any) -> Any:
        seen.append([record["messageId"] for record in event["Records"]])
        return handler(event, context)

    return handle
