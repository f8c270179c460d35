"""Shared DynamoDB plumbing for the PynamoDB adapters of every area.

Exact decimals, versioned saves that turn lost races into domain conflicts,
and opaque list cursors. Only adapter modules import this.
"""

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.constants import NUMBER
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.models import Model

from chalicelib.errors import AlreadyExists, InvalidInput, StaleVersion
from chalicelib.settings import Settings, resource_name


class InvalidCursor(InvalidInput):
    """The list cursor was not issued by this list."""

    code = "invalid_cursor"


class DecimalAttribute(Attribute[Decimal]):
    """A number stored and read back exactly (PynamoDB's own passes via float)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        if not isinstance(value, Decimal):
            raise TypeError(f"expected a Decimal, got {type(value).__name__}")
        if not value.is_finite():
            # DynamoDB has no NaN or infinity; say so here, not in a 500 later.
            raise ValueError(f"a stored number must be finite, got {value!r}")
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


def table_meta(kind: str) -> Any:
    """The `Meta` of a model stored in the stage's table `kind`."""

    class Meta:
        table_name = resource_name(kind)
        region = Settings.from_env().region

    return Meta


def save_versioned(item: Model, expected_version: int | None) -> None:
    """Save `item` if the stored version is `expected_version`.

    `expected_version` None creates the item and fails if it already exists.
    The model's `VersionAttribute` writes the next version.
    """
    if expected_version is None:
        # No version makes PynamoDB require that none is stored yet.
        item.attribute_values.pop("version", None)
    else:
        item.version = expected_version  # type: ignore[attr-defined]
    with _conflicts(expected_version):
        item.save()


@contextmanager
def _conflicts(expected_version: int | None) -> Iterator[None]:
    try:
        yield
    except (PutError, UpdateError) as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        if expected_version is None:
            raise AlreadyExists("The object already exists.") from exc
        raise StaleVersion(
            f"The object changed since version {expected_version!r}.",
            version=expected_version,
        ) from exc


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if last_key is None:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(
    cursor: str | None,
    hash_key: str,
    hash_value: str,
    *,
    other_keys: tuple[str, ...] | None = None,
) -> dict | None:
    """The start key a cursor names; it must belong to the same partition.

    `other_keys` names the rest of the list's start key (the range key, and
    for an index the table's keys too): a cursor with any other attributes
    is refused here, because DynamoDB would reject it as a start key and the
    caller would get a 500 instead of a 400.
    """
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("The cursor is malformed.") from exc
    if not isinstance(key, dict) or not all(map(_is_string_key, key.values())):
        raise InvalidCursor("The cursor is malformed.")
    if key.get(hash_key) != {"S": hash_value}:
        raise InvalidCursor("The cursor belongs to another list.")
    if other_keys is not None and set(key) != {hash_key, *other_keys}:
        raise InvalidCursor("The cursor belongs to another list.")
    return key


def _is_string_key(value: Any) -> bool:
    return isinstance(value, dict) and list(value) == ["S"] and isinstance(
        value["S"], str
    )
