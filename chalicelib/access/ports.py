"""What the access use cases need from storage and from the identity provider."""

from typing import Protocol

from chalicelib.access.model import User
from chalicelib.paging import Page


class UserRepository(Protocol):
    def get(self, user_id: str) -> User | None: ...

    def list(self, brand_id: str, limit: int, cursor: str | None) -> Page[User]: ...

    def save(self, user: User, expected_version: int | None) -> User:
        """Store `user` if the stored version is `expected_version` (None: new)."""
        ...


class Directory(Protocol):
    """Where users sign in: Cognito in AWS, nothing but an id locally."""

    def invite(self, email: str, name: str) -> str:
        """Create the sign-in account and return its subject (`sub`)."""
        ...

    def set_enabled(self, email: str, enabled: bool) -> None: ...
