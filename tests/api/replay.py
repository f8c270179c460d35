"""The machinery of the replay test: the emulator's stored state, observed,
saved and put back in this process, and events delivered as AWS would.

moto runs in the test process (tests/conftest.py), so a world is saved by
copying moto's DynamoDB tables (moto copies them the same way to roll back a
failed transaction), the buckets' objects and the secrets, and put back by
restoring them and emptying the queues. Mail is read from moto's SES, which only
appends: a world's mail is what was sent after it began.
"""

import copy
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from chalice import Chalice
from chalice.app import ScheduledEventConfig, SQSEventConfig
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.ses import ses_backends
from moto.sqs.models import sqs_backends

from chalicelib import resources, wiring
from chalicelib.settings import resource_name

REGION = "eu-central-1"

# Fields left out of the comparison, by table (None: every table), each
# with its reason: they count writes or note the host's time, not what the
# events did.
NOT_COMPARED_FIELDS: dict[str | None, set[str]] = {
    # Sales and traffic rows note when a sync stored them with the host
    # clock (chalicelib/integrations/dynamo.py), not the app's clock.
    None: {"synced_at"},
    # A dealer summary is recomputed whole from its sources after every
    # write that touches the dealer; its version guards racing refreshes and
    # so counts refreshes. Its content is compared.
    resource_name("dealer-summaries"): {"version"},
    # A photo is written by its own processing and again by each later
    # matching photo that flags it; in another order the same flags land in
    # another number of writes. Its flags and status are compared.
    resource_name("photos"): {"version"},
    # A creative's place in the brand's change feed the search index
    # follows: changes are numbered in the order they were applied, so
    # another arrival order numbers them otherwise. The brand's change
    # counter (table creative-changes) is compared: a change applied twice
    # would move it twice.
    resource_name("creatives"): {"index_seq"},
}

# Parts of stored text left out, by table: the Hamming distances a
# near-duplicate flag records as evidence are measured from the photo
# processed second (see the Limitation in chalicelib/media/matching.py), so
# they follow the arrival order; the flag, its kind and both photos are
# compared.
_NOT_COMPARED_TEXT = {
    resource_name("photos"): re.compile(r'(phash|dhash)_bits\\": \d+'),
}

# Ids made up while an event is handled (a job, an export): each world
# draws its own, so they are compared as placeholders. Two jobs where one
# delivery makes one still show as two placeholder items.
_MINTED = [
    (re.compile(r"job-[0-9a-f]{32}"), "job-<id>"),
    (re.compile(r"exp-\d{8}T\d{6}\d{6}-[0-9a-f]{8}"), "exp-<id>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
     "<uuid>"),
    (re.compile(r"/[0-9a-f]{32}\.xlsx"), "/<id>.xlsx"),
]

# The idempotency table of the API (Powertools) holds replies to creating
# requests with an expiry from the host clock; no event handler writes it.
_NOT_COMPARED_TABLES = {resource_name("idempotency")}


def event_handlers(app: Chalice) -> dict[str, str]:
    """Every event handler the app declares, by name: its kind of source."""
    found = {}
    for config in app.event_sources:
        if isinstance(config, SQSEventConfig):
            found[config.name] = "queue"
        elif isinstance(config, ScheduledEventConfig):
            found[config.name] = "schedule"
    for path, methods in app.routes.items():
        if path.startswith("/v1/webhooks/"):
            for method, entry in methods.items():
                if method != "OPTIONS":  # the CORS preflight writes nothing
                    found[entry.view_name] = "webhook"
    return found


def batch_size_of(app: Chalice, name: str) -> int:
    for config in app.event_sources:
        if isinstance(config, SQSEventConfig) and config.name == name:
            return int(config.batch_size or 1)
    raise LookupError(name)


# --- observing -------------------------------------------------------------


@dataclass
class State:
    """What the events may change, each part a multiset of masked entries."""

    parts: dict[str, Counter[str]] = field(default_factory=dict)

    def changed_from(self, earlier: "State") -> set[str]:
        empty: Counter[str] = Counter()
        names = set(self.parts) | set(earlier.parts)
        return {name for name in names
                if self.parts.get(name, empty) != earlier.parts.get(name, empty)}

    def differences(self, other: "State") -> dict[str, dict[str, list[str]]]:
        """Per part, the entries only here and only in `other`."""
        found = {}
        for name in sorted(self.changed_from(other)):
            mine, theirs = self.parts.get(name, Counter()), other.parts.get(name,
                                                                           Counter())
            found[name] = {"only_here": sorted((mine - theirs).elements()),
                           "only_there": sorted((theirs - mine).elements())}
        return found


def masked(value: Any, table: str | None = None) -> str:
    skipped = NOT_COMPARED_FIELDS[None] | NOT_COMPARED_FIELDS.get(table, set())
    if isinstance(value, dict):
        value = {key: inner for key, inner in value.items() if key not in skipped}
    text = json.dumps(_comparable(value), sort_keys=True, ensure_ascii=False,
                      default=str)
    for pattern, placeholder in _MINTED:
        text = pattern.sub(placeholder, text)
    evidence = _NOT_COMPARED_TEXT.get(table or "")
    return evidence.sub(r"\1_bits: <bits>", text) if evidence else text


def _comparable(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() & {"SS", "NS", "BS"}:
        return {kind: sorted(members) for kind, members in value.items()}
    if isinstance(value, dict):
        return {key: _comparable(inner) for key, inner in value.items()
                if key not in NOT_COMPARED_FIELDS[None]}
    if isinstance(value, list):
        return [_comparable(inner) for inner in value]
    return value


class Emulator:
    """The moto server of this test process, seen as worlds."""

    def __init__(self) -> None:
        self.dynamodb = boto3.client("dynamodb", region_name=REGION)
        self.s3 = boto3.client("s3", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.secrets = boto3.client("secretsmanager", region_name=REGION)

    # observe

    def observe(self, mail_since: int) -> State:
        state = State()
        for table in self._tables():
            state.parts[f"table {table}"] = Counter(
                masked(item, table) for item in self._items(table))
        for bucket in self._buckets():
            state.parts[f"bucket {bucket}"] = Counter(
                masked(entry) for entry in self._objects(bucket))
        for queue in self._queues():
            # Messages count once each: a queue delivers at least once, and
            # every consumer is replayed here itself. A scheduled bonus run
            # delivered again sends its unfinished batches again on purpose
            # (chalicelib/bonus/service.py `begin_run`), so none is lost.
            state.parts[f"queue {queue}"] = Counter(
                set(masked(json.loads(body)) for body in self._peek(queue)))
        state.parts["mail"] = Counter(masked(mail) for mail in self.mail()[mail_since:])
        return state

    def mail(self) -> list[dict[str, Any]]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        return [{"to": m.destinations.get("ToAddresses", []), "subject": m.subject,
                 "body": m.body} for m in backend.sent_messages]

    # save and put back

    def save(self) -> dict[str, Any]:
        objects = {bucket: {entry["key"]: (self._content(bucket, entry["key"]),
                                           entry["tags"])
                            for entry in self._objects(bucket)}
                   for bucket in self._buckets()}
        return {"tables": copy.deepcopy(self._moto_tables()), "objects": objects,
                "secrets": self._secrets()}

    def put_back(self, saved: dict[str, Any]) -> None:
        tables = self._moto_tables()
        tables.clear()
        tables.update(copy.deepcopy(saved["tables"]))
        for bucket, kept in saved["objects"].items():
            self._put_back_bucket(bucket, kept)
        for queue in self._queues():
            # What PurgeQueue does, without its once-a-minute limit.
            moto_queue = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].get_queue(queue)
            moto_queue._messages = []
            moto_queue._pending_messages = set()
        self._put_back_secrets(saved["secrets"])
        cold_start()

    def take_messages(self, queue: str) -> list[str]:
        """Every message waiting in `queue`, removed from it: the events."""
        url = self.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        bodies: list[str] = []
        while True:
            reply = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                             WaitTimeSeconds=0)
            messages = reply.get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(message["Body"])
                self.sqs.delete_message(QueueUrl=url,
                                        ReceiptHandle=message["ReceiptHandle"])

    def empty_queues(self) -> None:
        for queue in self._queues():
            self.take_messages(queue)

    # internals

    def _moto_tables(self) -> dict[str, Any]:
        tables: dict[str, Any] = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables
        return tables

    def _tables(self) -> list[str]:
        names = self._moto_tables()
        return [name for name in names if name not in _NOT_COMPARED_TABLES]

    def _items(self, table: str) -> Iterable[dict[str, Any]]:
        # Read in this process, as a scan would return them: an HTTP scan of
        # every table three times per case costs seconds.
        for item in self._moto_tables()[table].all_items():
            attributes: dict[str, Any] = item.to_json()["Attributes"]
            yield attributes

    def _buckets(self) -> list[str]:
        return [bucket["Name"] for bucket in self.s3.list_buckets()["Buckets"]]

    def _objects(self, bucket: str) -> Iterable[dict[str, Any]]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for page in pages:
            for entry in page.get("Contents", []):
                key = entry["Key"]
                tags = self.s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
                digest = hashlib.sha256(self._content(bucket, key)).hexdigest()
                yield {"key": key, "sha256": digest,
                       "tags": sorted((t["Key"], t["Value"]) for t in tags)}

    def _content(self, bucket: str, key: str) -> bytes:
        body: bytes = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        return body

    def _put_back_bucket(self, bucket: str,
                         kept: dict[str, tuple[bytes, list[tuple[str, str]]]]) -> None:
        present = {entry["key"]: entry for entry in self._objects(bucket)}
        for key in present.keys() - kept.keys():
            self.s3.delete_object(Bucket=bucket, Key=key)
        for key, (content, tags) in kept.items():
            now = present.get(key)
            if now is None or now["sha256"] != hashlib.sha256(content).hexdigest():
                self.s3.put_object(Bucket=bucket, Key=key, Body=content)
            if now is None or now["tags"] != tags:
                tag_set = [{"Key": name, "Value": value} for name, value in tags]
                self.s3.put_object_tagging(Bucket=bucket, Key=key,
                                           Tagging={"TagSet": tag_set})

    def _secrets(self) -> dict[str, str]:
        names = [entry["Name"] for entry in
                 self.secrets.list_secrets(MaxResults=100)["SecretList"]]
        return {name: self.secrets.get_secret_value(SecretId=name)["SecretString"]
                for name in names}

    def _put_back_secrets(self, kept: dict[str, str]) -> None:
        present = self._secrets()
        for name in present.keys() - kept.keys():
            self.secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        for name, value in kept.items():
            if present.get(name) != value:
                self.secrets.put_secret_value(SecretId=name, SecretString=value)

    def _queues(self) -> list[str]:
        return [queue.name for queue in resources.QUEUES] + [
            queue.dead_letter_name for queue in resources.QUEUES]

    def _peek(self, queue: str) -> list[str]:
        """The bodies waiting in `queue`, left there (hidden for a while)."""
        url = self.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        bodies: list[str] = []
        while True:
            reply = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                             WaitTimeSeconds=0, VisibilityTimeout=600)
            messages = reply.get("Messages", [])
            if not messages:
                return bodies
            bodies.extend(message["Body"] for message in messages)


def cold_start() -> None:
    """What a new Lambda container sees: no adapter built yet (warm caches
    such as the photo hash index gone); the test's replacements stay."""
    for built in wiring._BUILT:
        built.cache_clear()


Delivery = Callable[[], Any]
