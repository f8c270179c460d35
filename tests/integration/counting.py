"""Counts the DynamoDB requests the app's adapters make, through botocore's
event hooks on every PynamoDB client the app uses."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalicelib.tables import MODELS


@contextmanager
def dynamodb_requests(*extra_clients: Any) -> Iterator[Counter]:
    """Within the block, `counter[operation]` is how many requests were sent."""
    counter: Counter = Counter()

    def count(model: Any, **_: Any) -> None:
        counter[model.name] += 1

    clients = {id(c): c for c in extra_clients}
    for model in MODELS:
        client = model._get_connection().connection.client
        clients[id(client)] = client
    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", count)
    try:
        yield counter
    finally:
        for client in clients.values():
            client.meta.events.unregister("before-call.dynamodb", count)
