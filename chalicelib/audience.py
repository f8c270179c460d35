"""Which dealers something is meant for: all, a category, city, region or a list.

Creatives and surveys both name an audience. This module decides membership
and turns an audience into the users to tell; it fetches nothing itself
except through the repositories it is handed.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.access.model import Role, User
from chalicelib.access.ports import UserRepository
from chalicelib.network.model import Dealer
from chalicelib.network.ports import DealerRepository
from chalicelib.paging import MAX_LIMIT


class AudienceKind(StrEnum):
    ALL = "all"
    CATEGORY = "category"
    CITY = "city"
    REGION = "region"
    DEALERS = "dealers"


@dataclass(frozen=True, slots=True)
class Audience:
    """`values` are categories, cities, regions or dealer codes by `kind`;
    empty for `all`."""

    kind: AudienceKind = AudienceKind.ALL
    values: tuple[str, ...] = ()

    def includes(self, dealer: Dealer) -> bool:
        if self.kind is AudienceKind.ALL:
            return True
        return _attribute(dealer, self.kind) in self.values


def _attribute(dealer: Dealer, kind: AudienceKind) -> str:
    if kind is AudienceKind.CATEGORY:
        return dealer.category
    if kind is AudienceKind.CITY:
        return dealer.city
    if kind is AudienceKind.REGION:
        return dealer.region
    return dealer.code


def dealers_in(audience: Audience, dealers: Iterable[Dealer]) -> list[Dealer]:
    return [dealer for dealer in dealers if audience.includes(dealer)]


def users_serving(users: Iterable[User], dealer_codes: Iterable[str]) -> list[str]:
    """Ids of the enabled dealer users who work for any of `dealer_codes`."""
    wanted = set(dealer_codes)
    return sorted(
        user.user_id
        for user in users
        if user.role is Role.DEALER_USER
        and not user.disabled
        and wanted.intersection(user.dealer_codes)
    )


def sees_region(user: User, region: str) -> bool:
    """Admins see the whole brand; a manager its regions (none: all of them)."""
    if user.role is Role.IMPORTER_ADMIN:
        return True
    if user.role is Role.IMPORTER_MANAGER:
        return not user.regions or region in user.regions
    return False


def managers_seeing(users: Iterable[User], dealer: Dealer) -> list[str]:
    """Ids of the enabled admins and managers whose scope holds `dealer`."""
    return sorted(user.user_id for user in users
                  if not user.disabled and sees_region(user, dealer.region))


def every_dealer(dealers: DealerRepository, brand_id: str) -> Iterator[Dealer]:
    cursor: str | None = None
    while True:
        page = dealers.list(brand_id, MAX_LIMIT, cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return


def every_user(users: UserRepository, brand_id: str) -> Iterator[User]:
    cursor: str | None = None
    while True:
        page = users.list(brand_id, MAX_LIMIT, cursor)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return
