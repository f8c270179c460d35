"""Faults injected where the app's code meets AWS: the HTTP send of every
botocore client (PynamoDB's, boto3's and Powertools'), one level below
botocore's retry loop.

A fault replaces the emulator's answer to one operation with AWS's own
error answer (throttling, a cancelled transaction, S3's SlowDown, a 500) or
with a lost connection, for the next `times` calls or for every call. The
real botocore parser and retry handler see it, so what retries is what
retries in AWS. Only the waits between attempts are shortened (and counted):
the retry decisions are botocore's own.
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.endpoint import Endpoint
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"


class _Body:
    """The raw body botocore reads from an `AWSResponse`."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self._content


Answer = Callable[[AWSPreparedRequest], AWSResponse]


@dataclass
class Fault:
    service: str
    """The endpoint prefix: `dynamodb`, `s3`, `sqs`."""
    operation: str
    """The API operation: `TransactWriteItems`, `GetObject`, ..."""
    answer: Answer
    kind: str
    times: int | None = 1
    """How many calls fail; None: every call."""
    when: Callable[[AWSPreparedRequest], bool] = lambda _request: True
    passing: int = 0
    """How many matching calls go through before the fault starts."""
    hits: int = 0
    matched: int = 0

    def takes(self, service: str, operation: str, request: AWSPreparedRequest
              ) -> bool:
        if (service, operation) != (self.service, self.operation):
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        if not self.when(request):
            return False
        self.matched += 1
        return self.matched > self.passing


@dataclass
class FaultInjector:
    faults: list[Fault] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    """Faulted calls by kind, over the injector's life."""
    calls: Counter[str] = field(default_factory=Counter)
    """Every call that reached the boundary, by `service.operation`."""
    waits: list[float] = field(default_factory=list)
    """The backoff botocore asked for before each retry."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    @contextmanager
    def failing(self, fault: Fault) -> Iterator[Fault]:
        self.add(fault)
        try:
            yield fault
        finally:
            with self._lock:
                self.faults.remove(fault)

    def answer(self, service: str, operation: str, request: AWSPreparedRequest
               ) -> AWSResponse | None:
        with self._lock:
            self.calls[f"{service}.{operation}"] += 1
            fault = next((f for f in self.faults
                          if f.takes(service, operation, request)), None)
            if fault is None:
                return None
            fault.hits += 1
            self.injected[fault.kind] += 1
            SESSION_INJECTED[fault.kind] += 1
        return fault.answer(request)


# ---- the faults AWS answers with -------------------------------------------

def dynamodb_error(operation: str, code: str, status: int = 400,
                   times: int | None = 1, message: str = "", **extra: Any
                   ) -> Fault:
    body = {"__type": DYNAMODB_ERROR + code,
            "message": message or f"Injected {code}.", **extra}
    return Fault("dynamodb", operation, _json_answer(status, body), code, times)


def throttled(operation: str, times: int | None = 1) -> Fault:
    """DynamoDB's answer when a table's or partition's capacity is exceeded."""
    return dynamodb_error(operation, "ProvisionedThroughputExceededException",
                          times=times)


def dynamodb_throttling(operation: str, times: int | None = 1) -> Fault:
    """The control-plane style `ThrottlingException` (also sent by on-demand
    tables over their account limits)."""
    return dynamodb_error(operation, "ThrottlingException", times=times)


def condition_failed(operation: str = "TransactWriteItems", items: int = 1,
                     times: int | None = 1) -> Fault:
    """A transaction cancelled because its first item's condition failed
    (another writer got there first)."""
    reasons = [{"Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed"}]
    reasons += [{"Code": "None"}] * (items - 1)
    return dynamodb_error(
        operation, "TransactionCanceledException", times=times,
        message="Transaction cancelled, please refer cancellation reasons for "
                "specific reasons [ConditionalCheckFailed]",
        CancellationReasons=reasons,
    )


def dynamodb_unavailable(operation: str, times: int | None = 1) -> Fault:
    return dynamodb_error(operation, "InternalServerError", status=500,
                          times=times)


def s3_error(operation: str, code: str, status: int, times: int | None = 1
             ) -> Fault:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>Injected {code}.</Message><RequestId>fault</RequestId>"
            "</Error>").encode()
    headers = {"Content-Type": "application/xml", "x-amz-request-id": "fault"}

    def answer(request: AWSPreparedRequest) -> AWSResponse:
        return AWSResponse(request.url, status, headers, _Body(body))

    return Fault("s3", operation, answer, f"S3 {code}", times)


def slow_down(operation: str, times: int | None = 1) -> Fault:
    """S3's 503 SlowDown: the request rate of a prefix is over its limit."""
    return s3_error(operation, "SlowDown", 503, times)


def s3_internal_error(operation: str, times: int | None = 1) -> Fault:
    return s3_error(operation, "InternalError", 500, times)


def connection_lost(service: str, operation: str, times: int | None = 1) -> Fault:
    """The endpoint cannot be reached at all (DNS, reset, no route)."""

    def answer(request: AWSPreparedRequest) -> AWSResponse:
        raise EndpointConnectionError(endpoint_url=request.url)

    return Fault(service, operation, answer, "connection lost", times)


def read_timeout(service: str, operation: str, times: int | None = 1) -> Fault:
    def answer(request: AWSPreparedRequest) -> AWSResponse:
        raise ReadTimeoutError(endpoint_url=request.url)

    return Fault(service, operation, answer, "read timeout", times)


def on_table(fault: Fault, kind: str) -> Fault:
    """`fault` only for requests naming the stage's table `kind`."""
    from chalicelib.settings import resource_name

    name = f'"{resource_name(kind)}"'.encode()
    fault.when = lambda request: name in _body_of(request)
    return fault


def _body_of(request: AWSPreparedRequest) -> bytes:
    body = request.body
    if isinstance(body, str):
        return body.encode()
    return body if isinstance(body, bytes) else b""


def _json_answer(status: int, body: dict[str, Any]) -> Answer:
    content = json.dumps(body).encode()
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "x-amzn-RequestId": "fault"}

    def answer(request: AWSPreparedRequest) -> AWSResponse:
        return AWSResponse(request.url, status, headers, _Body(content))

    return answer


# ---- the patch -------------------------------------------------------------

_current = threading.local()
SESSION_INJECTED: Counter[str] = Counter()
"""Faulted calls by kind over the whole test session (the report's figures)."""


class _QuickWaits:
    """`time` as botocore.endpoint sees it: a retry's backoff is recorded
    and cut to a millisecond; everything else is the real module."""

    def __init__(self, injector: FaultInjector) -> None:
        self._injector = injector

    def sleep(self, seconds: float) -> None:
        self._injector.waits.append(seconds)
        time.sleep(min(seconds, 0.001))

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def install(monkeypatch: Any) -> FaultInjector:
    """Route every botocore client's sends through a new injector."""
    import botocore.endpoint

    injector = FaultInjector()
    do_get_response = Endpoint._do_get_response
    send = Endpoint._send

    def remembering(self: Endpoint, request: Any, operation_model: Any,
                    context: Any) -> Any:
        _current.operation = (operation_model.service_model.endpoint_prefix,
                              operation_model.name)
        try:
            return do_get_response(self, request, operation_model, context)
        finally:
            _current.operation = None

    def faulty(self: Endpoint, request: AWSPreparedRequest) -> Any:
        operation = getattr(_current, "operation", None)
        if operation is not None:
            answer = injector.answer(operation[0], operation[1], request)
            if answer is not None:
                return answer
        return send(self, request)

    monkeypatch.setattr(Endpoint, "_do_get_response", remembering)
    monkeypatch.setattr(Endpoint, "_send", faulty)
    monkeypatch.setattr(botocore.endpoint, "time", _QuickWaits(injector))
    return injector
