"""What the integration use cases need from storage, secrets and sources.

Ports owned here are implemented in `dynamo.py`, `secrets.py` and the source
adapters. Ports named "from other areas" describe data that placements,
reports, photos and bonus runs own; each states its contract so that area's
adapter can implement it when the branches meet.
"""

from collections.abc import Collection, Iterable
from datetime import timedelta
from typing import Protocol

from chalicelib.integrations.analytics import DealerSummary
from chalicelib.integrations.calltouch import CalltouchAccess
from chalicelib.integrations.distributor import DistributorAccess, Fetched
from chalicelib.integrations.model import (
    Lead,
    LeadSource,
    SalesFigure,
    SalesTarget,
    TrafficFigure,
)


class SalesAndTraffic(Protocol):
    """Sales by dealer, model and day; traffic by dealer, channel, day, source.

    Saving is an upsert by that identity: saving the same figure twice leaves
    one figure, so a repeated sync never doubles a number.
    """

    def save_sales(self, brand_id: str, figures: Iterable[SalesFigure]) -> int: ...

    def save_traffic(
        self, brand_id: str, figures: Iterable[TrafficFigure]
    ) -> int: ...

    def sales_of(self, brand_id: str, period: str,
                 dealers: Collection[str] | None = None) -> list[SalesFigure]:
        """The period's sales (of `dealers` only, when given)."""
        ...

    def traffic_of(self, brand_id: str, period: str,
                   dealers: Collection[str] | None = None) -> list[TrafficFigure]:
        ...


class DistributorSource(Protocol):
    def sales(self, period: str) -> Fetched[SalesFigure]: ...

    def traffic(self, period: str) -> Fetched[TrafficFigure]: ...


class IntegrationSecrets(Protocol):
    """Credentials of the outside systems (Secrets Manager in AWS)."""

    def distributor_access(self, brand_id: str) -> DistributorAccess | None: ...

    def calltouch_access(self, dealer_code: str) -> CalltouchAccess | None:
        """A dealer's Calltouch cabinet and webhook secret, None if it has none."""
        ...

    def calltouch_dealers(self, brand_id: str) -> list[str]:
        """Codes of the brand's dealers that have a Calltouch cabinet."""
        ...

    def personal_data_key(self) -> bytes:
        """The key callers' numbers are hashed with."""
        ...


class DealerCodes(Protocol):
    """The dealer codes a brand has (the network area's dealers)."""

    def codes_of(self, brand_id: str) -> frozenset[str]: ...


class BrandIds(Protocol):
    """Every brand of the deployment."""

    def brand_ids(self) -> list[str]: ...


class Leads(Protocol):
    """Calls and requests from call tracking, one per (dealer, kind, id).

    Saving is an upsert by that identity, whichever way a lead arrives (the
    journal or a webhook), so a lead is never counted twice. Contacts
    (masked and hashed numbers) are kept apart and expire after `retention`.
    """

    def save_leads(self, brand_id: str, dated: Iterable[tuple[str, Lead]],
                   retention: timedelta) -> int:
        """Store each (period, lead); returns how many were stored."""
        ...

    def leads_of(self, brand_id: str, period: str,
                 dealers: Collection[str] | None = None) -> list[Lead]: ...


class IntegrationSettings(Protocol):
    def lead_sources(self, brand_id: str) -> dict[str, LeadSource]:
        """Dealers whose lead source was set; the others use the default."""
        ...

    def set_lead_source(self, brand_id: str, dealer_code: str,
                        source: LeadSource) -> None: ...

    def retention_days(self, brand_id: str) -> int: ...

    def set_retention_days(self, brand_id: str, days: int) -> None: ...


class Targets(Protocol):
    """Sales plans by dealer and period (imported from spreadsheets)."""

    def save_targets(self, brand_id: str, targets: Iterable[SalesTarget]) -> int:
        """Upsert by (period, dealer); returns how many were stored."""
        ...

    def targets_of(self, brand_id: str, period: str,
                   dealers: Collection[str] | None = None
                   ) -> dict[str, SalesTarget]: ...


class Summaries(Protocol):
    """Stored dealer summaries, one per (brand, period, dealer)."""

    def save(self, summaries: Iterable[DealerSummary]) -> None: ...

    def summaries_of(self, brand_id: str, period: str,
                     regions: tuple[str, ...] = ()) -> list[DealerSummary]: ...
