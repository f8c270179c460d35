"""The kinds of failure every domain package builds its errors on.

Domain packages subclass these kinds; `chalicelib.web.errors` is the one
place that turns a kind into an HTTP status. Nothing here knows about HTTP.
"""

from typing import Any


class DomainError(Exception):
    """Base of every error the app raises on purpose."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class InvalidInput(DomainError):
    """The request is malformed or does not match its schema."""

    code = "invalid_request"


class Unauthenticated(DomainError):
    """No credentials, or credentials that do not prove who is calling."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller sees the object but its role may not take the action."""

    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or lies outside the caller's brand or scope."""

    code = "not_found"


class Conflict(DomainError):
    """The write lost a race or was based on a stale version."""

    code = "conflict"


class TooLarge(DomainError):
    """The request body is over the size the API accepts."""

    code = "payload_too_large"


class RuleViolated(DomainError):
    """The request is well formed but a business rule refuses it."""

    code = "rule_violated"


class StaleVersion(Conflict):
    """The stored object changed since the version the client read."""

    code = "stale_version"


class AlreadyExists(Conflict):
    """An object with this identity is already stored."""

    code = "already_exists"
