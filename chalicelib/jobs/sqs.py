"""The jobs queue: one message per job, naming only its id."""

import json
from typing import Any


class SqsJobQueue:
    def __init__(self, client: Any, queue_name: str) -> None:
        self._client = client
        self._queue_name = queue_name
        self._url: str | None = None

    def send(self, job_id: str) -> None:
        body = json.dumps({"job_id": job_id})
        self._client.send_message(QueueUrl=self._queue_url(), MessageBody=body)

    def _queue_url(self) -> str:
        if self._url is None:
            reply = self._client.get_queue_url(QueueName=self._queue_name)
            self._url = reply["QueueUrl"]
        return self._url


def job_id_of(message_body: str) -> str:
    return str(json.loads(message_body)["job_id"])
