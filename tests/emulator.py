"""Emptying the test emulator between tests without rebuilding it.

Creating the app's tables, queues and buckets costs about 0.6-0.9 s over
HTTP; a test that runs after another needs them empty, not new. The moto
server of the tests runs in this process, so its DynamoDB items, queued
messages and stored objects can be dropped in place, leaving every table,
index, queue, redrive policy, bucket and notification as bootstrap made
them. Every other service (secrets, mail, Cognito) is reset whole, as
`/moto-api/reset` would.

`empty()` refuses, and the caller rebuilds from nothing, whenever the
emulator's structure differs from what `remember()` saw after a bootstrap:
a test that added a table or index, or changed a queue's or bucket's
settings, leaves nothing behind for the next one.

This leans on moto's in-memory models (pinned in requirements-dev.txt); an
upgrade that renames them fails here loudly, not with leaked state.
"""

import copy
from collections import defaultdict
from typing import Any

from moto.core.base_backend import BackendDict
from moto.s3.models import _VersionedKeyStore
from moto.utilities.tagging_service import TaggingService

_EMPTIED_IN_PLACE = ("dynamodb", "sqs", "s3")
_remembered: object | None = None


def remember() -> None:
    """Take the structure bootstrap just made as the one to keep."""
    global _remembered
    _remembered = _structure()


def empty() -> bool:
    """Drop all data and keep the structure; False if the structure changed
    (nothing is dropped then: rebuild the emulator instead)."""
    if _remembered is None or _structure() != _remembered:
        return False
    for backend in _regional("dynamodb"):
        for table in backend.tables.values():
            table.items = defaultdict(dict)
    for backend in _regional("sqs"):
        for queue in backend.queues.values():
            with queue._messages_lock:
                queue._messages = []
                queue._pending_messages = set()
                queue.deleted_messages = set()
    for backend in _regional("s3"):
        for bucket in backend.buckets.values():
            for key in bucket.keys.values():
                key.dispose()
            for part in bucket.multiparts.values():
                part.dispose()
            bucket.keys = _VersionedKeyStore()
            bucket.multiparts.clear()
        backend.tagger = TaggingService()
    for service in _services():
        if service.service_name not in _EMPTIED_IN_PLACE:
            for account in service.values():
                account.reset()
            service.clear()
    return True


def items() -> dict[str, Any]:
    """A copy of every table's items, to `restore` after a later `empty()`."""
    return {name: copy.deepcopy(table.items) for backend in _regional("dynamodb")
            for name, table in backend.tables.items()}


def restore(saved: dict[str, Any]) -> None:
    """Put back the items `items()` copied, into the tables of those names."""
    for backend in _regional("dynamodb"):
        for name, table in backend.tables.items():
            if name in saved:
                table.items = copy.deepcopy(saved[name])


def _structure() -> object:
    tables = {
        name: (sorted(index.name for index in table.global_indexes),
               sorted(index.name for index in table.indexes), repr(table.ttl))
        for backend in _regional("dynamodb") for name, table in backend.tables.items()
    }
    queues = {
        name: (queue.visibility_timeout, repr(queue.redrive_policy))
        for backend in _regional("sqs") for name, queue in backend.queues.items()
    }
    buckets = {
        name: (repr(bucket.notification_configuration), repr(bucket.cors),
               repr(bucket.rules), repr(bucket.policy))
        for backend in _regional("s3") for name, bucket in backend.buckets.items()
    }
    return tables, queues, buckets


def _regional(service_name: str) -> list[Any]:
    return [backend for service in _services() if service.service_name == service_name
            for account in service.values() for backend in account.values()]


def _services() -> list[Any]:
    """Every moto service this process has used."""
    return list(BackendDict._instances)  # type: ignore[misc]
