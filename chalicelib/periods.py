"""Whether a period is closed, for the areas whose writes would change a
closed period's figures (placements, reports, budgets). Pure: the closing
itself belongs to bonus (`POST /v1/periods/{period}/close`)."""

from datetime import datetime
from typing import Protocol

from chalicelib.errors import RuleViolated


class ClosedPeriods(Protocol):
    def closed_at(self, brand_id: str, period: str) -> datetime | None:
        """When the brand's period closed; None while it is open."""
        ...


class NeverClosed:
    """For tests and tools that have no period store."""

    def closed_at(self, brand_id: str, period: str) -> datetime | None:
        return None


class PeriodClosed(RuleViolated):
    """The period is closed: its placements, reports and budget are final."""

    code = "period_closed"

    def __init__(self, period: str, closed_at: datetime) -> None:
        super().__init__(
            f"Period {period!r} closed at {closed_at.isoformat()!r}; its"
            " placements, reports and budget no longer change.",
            period=period, closed_at=closed_at.isoformat(),
        )
        self.period = period


def ensure_open(periods: ClosedPeriods, brand_id: str, period: str) -> None:
    closed_at = periods.closed_at(brand_id, period)
    if closed_at is not None:
        raise PeriodClosed(period, closed_at)
