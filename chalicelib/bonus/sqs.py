"""The bonus batch queue: one message per batch of dealers of a run."""

import json
from collections.abc import Sequence
from typing import Any

from chalicelib.bonus.model import DealerBatch

SEND_LIMIT = 10  # messages per SendMessageBatch call


class SqsBatchQueue:
    def __init__(self, client: Any, queue_name: str) -> None:
        self._client = client
        self._queue_name = queue_name
        self._url: str | None = None

    def send(self, batches: Sequence[DealerBatch]) -> None:
        for start in range(0, len(batches), SEND_LIMIT):
            entries = [
                {"Id": str(batch.batch_no), "MessageBody": batch_message(batch)}
                for batch in batches[start:start + SEND_LIMIT]
            ]
            reply = self._client.send_message_batch(QueueUrl=self._queue_url(),
                                                    Entries=entries)
            if reply.get("Failed"):
                failed = [entry["Id"] for entry in reply["Failed"]]
                raise RuntimeError(f"SQS refused bonus batches {failed!r}.")

    def _queue_url(self) -> str:
        if self._url is None:
            reply = self._client.get_queue_url(QueueName=self._queue_name)
            self._url = reply["QueueUrl"]
        return self._url


def batch_message(batch: DealerBatch) -> str:
    return json.dumps({
        "brand_id": batch.brand_id, "run_id": batch.run_id,
        "batch_no": batch.batch_no, "fingerprints": dict(batch.fingerprints),
    }, separators=(",", ":"))


def batch_of_message(body: str) -> DealerBatch:
    document = json.loads(body)
    return DealerBatch(brand_id=str(document["brand_id"]),
                       run_id=str(document["run_id"]),
                       batch_no=int(document["batch_no"]),
                       fingerprints=dict(document["fingerprints"]))
