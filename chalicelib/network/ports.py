"""What the network's use cases need from storage."""

from typing import Protocol

from chalicelib.network.model import Brand, Dealer
from chalicelib.paging import Page


class BrandRepository(Protocol):
    def get(self, brand_id: str) -> Brand | None: ...

    def save(self, brand: Brand, expected_version: int | None) -> Brand:
        """Store `brand` if the stored version is `expected_version` (None: new)."""
        ...


class DealerRepository(Protocol):
    def get(self, brand_id: str, code: str) -> Dealer | None: ...

    def get_many(self, brand_id: str, codes: list[str]) -> list[Dealer]: ...

    def list(
        self,
        brand_id: str,
        limit: int,
        cursor: str | None,
        regions: tuple[str, ...] = (),
    ) -> Page[Dealer]: ...

    def save(self, dealer: Dealer, expected_version: int | None) -> Dealer:
        """Store `dealer` if the stored version is `expected_version` (None: new)."""
        ...
