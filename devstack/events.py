"""The local event runner: makes the emulator behave like AWS for the app.

It reads the app's own event source declarations (`app.event_sources`), so
nothing is listed twice: every SQS handler gets its queue's messages, with
the declared batch size and per-message failures (`batchItemFailures`)
honoured as Lambda does, and every scheduled handler runs on its schedule.
"""

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from chalice import Chalice
from chalice.app import ScheduledEventConfig, SQSEventConfig
from chalice.local import LambdaContext
from cronsim import CronSim

from chalicelib.logs import logger
from devstack.local import REGION

Handler = Callable[[dict[str, Any], Any], Any]
ACCOUNT = "123456789012"


@dataclass(frozen=True, slots=True)
class QueueSource:
    name: str
    queue: str
    batch_size: int


@dataclass(frozen=True, slots=True)
class ScheduleSource:
    name: str
    expression: str


def sources(app: Chalice) -> tuple[list[QueueSource], list[ScheduleSource]]:
    queues, schedules = [], []
    for config in app.event_sources:
        if isinstance(config, SQSEventConfig) and config.queue:
            queues.append(QueueSource(config.name, config.queue, config.batch_size))
        elif isinstance(config, ScheduledEventConfig):
            expression = config.schedule_expression
            text = expression if isinstance(expression, str) else expression.to_string()
            schedules.append(ScheduleSource(config.name, text))
    return queues, schedules


def run_scheduled(module: Any, name: str, now: datetime | None = None) -> Any:
    """Run the scheduled handler `name` of the app module once, as EventBridge would."""
    _, schedules = sources(module.app)
    known = {source.name for source in schedules}
    if name not in known:
        raise LookupError(f"No scheduled job {name!r}; known: {sorted(known)}.")
    return getattr(module, name)(_scheduled_event(name, now), _context(name))


class EventRunner:
    """Polls each declared queue and fires each schedule, in daemon threads."""

    def __init__(self, module: Any, poll_seconds: int = 1) -> None:
        self._module = module
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        queues, schedules = sources(self._module.app)
        for queue in queues:
            self._spawn(self._poll, queue)
        for schedule in schedules:
            self._spawn(self._fire, schedule)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target: Callable[[Any], None], source: Any) -> None:
        thread = threading.Thread(target=target, args=(source,), daemon=True,
                                  name=f"events-{source.name}")
        thread.start()
        self._threads.append(thread)

    def _poll(self, source: QueueSource) -> None:
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
        handler: Handler = getattr(self._module, source.name)
        while not self._stopping.is_set():
            try:
                deliver_batch(sqs, url, source, handler, self._poll_seconds)
            except Exception:
                logger.exception("local event delivery failed", handler=source.name)
                self._stopping.wait(1)

    def _fire(self, source: ScheduleSource) -> None:
        handler: Handler = getattr(self._module, source.name)
        upcoming = next_runs(source.expression, datetime.now(UTC))
        for moment in upcoming:
            while not self._stopping.is_set() and datetime.now(UTC) < moment:
                self._stopping.wait(min(1.0, _seconds_until(moment)))
            if self._stopping.is_set():
                return
            try:
                handler(_scheduled_event(source.name, moment), _context(source.name))
            except Exception:
                logger.exception("scheduled job failed", handler=source.name)


def deliver_batch(
    sqs: Any, url: str, source: QueueSource, handler: Handler, wait_seconds: int
) -> int:
    """Receive up to one batch and hand it to the handler as Lambda would:
    delete what succeeded, leave failed messages for redelivery (and, after
    the queue's max receives, the dead-letter queue)."""
    reply = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=min(source.batch_size, 10),
        WaitTimeSeconds=wait_seconds,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    messages = reply.get("Messages", [])
    if not messages:
        return 0
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{source.queue}"
    event = {"Records": [_record(message, arn) for message in messages]}
    try:
        response = handler(event, _context(source.name))
    except Exception:
        logger.exception("queue handler failed", handler=source.name)
        return 0
    failed = {
        failure["itemIdentifier"]
        for failure in (response or {}).get("batchItemFailures", [])
    }
    done = [m for m in messages if m["MessageId"] not in failed]
    for message in done:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return len(done)


def next_runs(expression: str, after: datetime) -> Any:
    """The instants (UTC) an EventBridge `rate(...)` or `cron(...)` fires at."""
    rate = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", expression)
    if rate:
        step = timedelta(**{f"{rate.group(2)}s": int(rate.group(1))})
        return (after + step * n for n in range(1, 10**9))
    cron = re.fullmatch(r"cron\((.+)\)", expression)
    if cron:
        return CronSim(_five_field_cron(cron.group(1)), after)
    raise ValueError(f"Unsupported schedule expression {expression!r}.")


def _five_field_cron(aws_fields: str) -> str:
    """EventBridge's six fields (with a year, `?`, and 1-7 for SUN-SAT) as the
    five classic ones (0-6 for SUN-SAT). The year field is dropped."""
    minutes, hours, day_of_month, month, day_of_week, _year = aws_fields.split()
    fields = [minutes, hours, day_of_month, month, _classic_days(day_of_week)]
    return " ".join("*" if field == "?" else field for field in fields)


_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def _classic_days(day_of_week: str) -> str:
    """An EventBridge day-of-week field in classic numbers.

    Only day numbers shift: the occurrence after `#` (`6#3`, the third
    Friday) keeps its value, and steps are spelled out, because a classic
    range runs to 7 (Sunday again) where EventBridge's ends at 7 = Saturday.
    """
    if day_of_week in ("?", "*"):
        return day_of_week
    return ",".join(_classic_day_part(part) for part in day_of_week.split(","))


def _classic_day_part(part: str) -> str:
    if "#" in part:
        day, occurrence = part.split("#")
        return f"{_classic_day(day)}#{occurrence}"
    if part.endswith("L"):
        return f"{_classic_day(part[:-1])}L"
    span, _, step = part.partition("/")
    first, _, last = span.partition("-")
    if not step:
        return "-".join(_classic_day(day) for day in span.split("-"))
    low = 1 if first == "*" else _aws_day(first)
    high = _aws_day(last) if last else 7
    return ",".join(str(day - 1) for day in range(low, high + 1, int(step)))


def _aws_day(day: str) -> int:
    return _DAY_NAMES.index(day.upper()) + 1 if day.isalpha() else int(day)


def _classic_day(day: str) -> str:
    return str(_aws_day(day) - 1)


def _seconds_until(moment: datetime) -> float:
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }


def _scheduled_event(name: str, moment: datetime | None) -> dict[str, Any]:
    when = (moment or datetime.now(UTC)).astimezone(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/dmm-{name}"],
        "detail": {},
    }


def _context(name: str) -> LambdaContext:
    return LambdaContext(function_name=f"dmm-{name}", memory_size=1024,
                         max_runtime_ms=900_000)
