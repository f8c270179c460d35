"""Adapter of the distributor platform: sales and traffic over HTTP JSON.

The payload it expects is documented in DISTRIBUTOR.md beside this module.
It converts the platform's rows into domain figures at the border; a row
that does not convert is returned as rejected with its reason, never
dropped silently.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.integrations.httpjson import JsonClient, RateLimiter
from chalicelib.integrations.model import SalesFigure, Source, TrafficFigure

PAGE_SIZE = 500
MAX_PAGES = 1000
REQUESTS_PER_SECOND = 10.0


@dataclass(frozen=True, slots=True)
class DistributorAccess:
    base_url: str
    token: str


@dataclass(slots=True)
class Fetched[T]:
    figures: list[T] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    """One entry per row that did not convert: `page`, `row`, `reason`."""


class DistributorPlatform:
    def __init__(self, access: DistributorAccess, client: JsonClient | None = None,
                 ) -> None:
        self._client = client or JsonClient(
            Source.DISTRIBUTOR.value,
            access.base_url,
            RateLimiter(REQUESTS_PER_SECOND),
            headers={"Authorization": f"Bearer {access.token}"},
        )

    def sales(self, period: str) -> Fetched[SalesFigure]:
        fetched: Fetched[SalesFigure] = Fetched()
        for page, index, row in self._rows("/v1/sales", period):
            try:
                fetched.figures.append(_sales(row))
            except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
                fetched.rejected.append(_rejected(page, index, row, exc))
        return fetched

    def traffic(self, period: str) -> Fetched[TrafficFigure]:
        fetched: Fetched[TrafficFigure] = Fetched()
        for page, index, row in self._rows("/v1/traffic", period):
            try:
                fetched.figures.append(_traffic(row))
            except (KeyError, TypeError, ValueError) as exc:
                fetched.rejected.append(_rejected(page, index, row, exc))
        return fetched

    def _rows(self, path: str, period: str) -> Iterator[tuple[int, int, Any]]:
        page = 1
        while page <= MAX_PAGES:
            reply = self._client.get(
                path, {"period": period, "page": page, "page_size": PAGE_SIZE}
            )
            items = reply.get("items") or []
            for index, row in enumerate(items):
                yield page, index, row
            if not items or page >= int(reply.get("pages", page)):
                return
            page += 1


def _sales(row: dict[str, Any]) -> SalesFigure:
    return SalesFigure(
        dealer_code=_text(row["dealer_code"]),
        model=_text(row["model"]),
        day=date.fromisoformat(row["date"]),
        units=_count(row["units"]),
        revenue=_money(row["revenue"]),
    )


def _traffic(row: dict[str, Any]) -> TrafficFigure:
    return TrafficFigure(
        dealer_code=_text(row["dealer_code"]),
        channel=_text(row["channel"]),
        day=date.fromisoformat(row["date"]),
        visits=_count(row["visits"]),
        calls=_count(row["calls"]),
        online_leads=_count(row["online_leads"]),
        source=Source.DISTRIBUTOR,
    )


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("expected a non-negative integer")
    return value


def _money(value: Any) -> Decimal:
    # Money arrives as a decimal string; a JSON number would have passed
    # through a float on the platform's side or ours.
    if not isinstance(value, str):
        raise ValueError("expected money as a decimal string")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError("expected a finite amount")
    return amount.quantize(Decimal("0.01"))


def _rejected(page: int, index: int, row: Any, exc: Exception) -> dict[str, Any]:
    dealer = row.get("dealer_code") if isinstance(row, dict) else None
    return {"page": page, "row": index, "dealer": dealer,
            "reason": str(exc) or type(exc).__name__}
