"""A page of a list, as every list route returns it (the API contract: lists)."""

from dataclasses import dataclass

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Page[T]:
    items: list[T]
    next_cursor: str | None
    """Opaque; None on the last page."""
