"""Users, roles and scopes as the app's own users table records them.

A token only says who the caller is (`sub`); brand, role and scope always come
from here, never from claims a client could influence.
"""

from dataclasses import dataclass, replace
from enum import StrEnum


class Role(StrEnum):
    IMPORTER_ADMIN = "importer_admin"
    IMPORTER_MANAGER = "importer_manager"
    ANALYST = "analyst"
    DEALER_USER = "dealer_user"


IMPORTER_ROLES = frozenset({Role.IMPORTER_ADMIN, Role.IMPORTER_MANAGER, Role.ANALYST})


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    brand_id: str
    email: str
    name: str
    role: Role
    regions: tuple[str, ...] = ()
    dealer_codes: tuple[str, ...] = ()
    disabled: bool = False
    version: int = 1

    def changed(self, **changes: object) -> "User":
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user of one request, with what it may see."""

    user: User

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def brand_id(self) -> str:
        return self.user.brand_id

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def is_dealer(self) -> bool:
        return self.user.role is Role.DEALER_USER

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions a manager is limited to; empty means the whole brand."""
        return self.user.regions if self.user.role is Role.IMPORTER_MANAGER else ()

    @property
    def dealer_codes(self) -> tuple[str, ...]:
        return self.user.dealer_codes if self.is_dealer else ()
