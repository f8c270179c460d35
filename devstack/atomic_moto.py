"""moto as the local emulator, with its DynamoDB writes made atomic.

DynamoDB checks a write's condition and applies the write as one step, and
a transaction as one step too. moto's threaded server does neither: two
racing conditional writes can both pass their checks, and a failing
transaction restores a copy of its tables taken when it began, undoing
writes that other requests made meanwhile. One lock around moto's DynamoDB
writes makes local races end as they do in AWS: one winner, and a failed
condition for the other.
"""

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items",
           "batch_write_item")
_one_at_a_time = threading.RLock()


def make_writes_atomic() -> None:
    """Patch moto's DynamoDB backend in this process (idempotent)."""
    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if not getattr(original, "atomic", False):
            setattr(DynamoDBBackend, name, _locked(original))


def _locked(write: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(write)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _one_at_a_time:
            return write(*args, **kwargs)

    locked.atomic = True  # type: ignore[attr-defined]
    return locked


def main() -> None:
    """`python -m devstack.atomic_moto` takes moto.server's arguments."""
    from moto.server import main as serve

    make_writes_atomic()
    serve()


if __name__ == "__main__":
    main()
