"""What the integration use cases need from storage, secrets and sources.

Ports owned here are implemented in `dynamo.py`, `secrets.py` and the source
adapters. Ports named "from other areas" describe data that placements,
reports, photos and bonus runs own; each states its contract so that area's
adapter can implement it when the branches meet.
"""

from collections.abc import Iterable
from typing import Protocol

from chalicelib.integrations.distributor import DistributorAccess, Fetched
from chalicelib.integrations.model import SalesFigure, TrafficFigure


class SalesAndTraffic(Protocol):
    """Sales by dealer, model and day; traffic by dealer, channel, day, source.

    Saving is an upsert by that identity: saving the same figure twice leaves
    one figure, so a repeated sync never doubles a number.
    """

    def save_sales(self, brand_id: str, figures: Iterable[SalesFigure]) -> int: ...

    def save_traffic(
        self, brand_id: str, figures: Iterable[TrafficFigure]
    ) -> int: ...

    def sales_of(self, brand_id: str, period: str) -> list[SalesFigure]: ...

    def traffic_of(self, brand_id: str, period: str) -> list[TrafficFigure]: ...


class DistributorSource(Protocol):
    def sales(self, period: str) -> Fetched[SalesFigure]: ...

    def traffic(self, period: str) -> Fetched[TrafficFigure]: ...


class IntegrationSecrets(Protocol):
    """Credentials of the outside systems (Secrets Manager in AWS)."""

    def distributor_access(self, brand_id: str) -> DistributorAccess | None: ...


class DealerCodes(Protocol):
    """The dealer codes a brand has (the network area's dealers)."""

    def codes_of(self, brand_id: str) -> frozenset[str]: ...


class BrandIds(Protocol):
    """Every brand of the deployment."""

    def brand_ids(self) -> list[str]: ...
