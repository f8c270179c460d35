"""Sales, traffic, calls and requests as the domain sees them.

Pure data and the rules on it; no storage, no HTTP. The adapters convert the
outside formats (the distributor platform, Calltouch, spreadsheets) into
these values at the border.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from chalicelib.errors import DomainError, InvalidInput, NotFound, Unauthenticated

REPORTED_REJECTS = 100
"""Rejected rows listed in a job's result; the count is always complete."""
PERIOD_PATTERN = re.compile(r"^20\d{2}-(0[1-9]|1[0-2])$")


class Source(StrEnum):
    """Where sales, traffic, calls and requests come from."""

    DISTRIBUTOR = "distributor"
    CALLTOUCH = "calltouch"


class LeadSource(StrEnum):
    """Per dealer: which source counts calls and online leads for KPIs and CPL."""

    DISTRIBUTOR = "distributor"
    CALLTOUCH = "calltouch"


class IntegrationError(DomainError):
    """Base of the integration errors."""

    code = "integration_error"


class UnknownSource(NotFound):
    """No integration source has this name."""

    code = "source_not_found"

    def __init__(self, source: str) -> None:
        super().__init__(f"Source {source!r} is not known.", source=source)
        self.source = source


class InvalidPeriod(InvalidInput):
    """A period is not written `YYYY-MM`."""

    code = "invalid_period"

    def __init__(self, period: str) -> None:
        super().__init__(f"Period {period!r} is not YYYY-MM.", period=period)
        self.period = period


class SourceUnavailable(IntegrationError):
    """The outside system did not answer usefully, even after retries."""

    code = "source_unavailable"

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(
            f"Source {source!r} failed: {reason!r}.", source=source, reason=reason
        )
        self.source = source


class WebhookRejected(Unauthenticated):
    """A webhook call did not prove it comes from the dealer's source."""

    code = "webhook_rejected"

    def __init__(self, source: str, dealer_code: str) -> None:
        super().__init__(
            f"Webhook of {source!r} for dealer {dealer_code!r} was not authenticated.",
            source=source, dealer=dealer_code,
        )


def checked_period(period: str) -> str:
    if not PERIOD_PATTERN.match(period):
        raise InvalidPeriod(period)
    return period


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def local_period(at: datetime, time_zone: str) -> str:
    """The period of an instant on the dealer's own calendar."""
    return period_of(at.astimezone(ZoneInfo(time_zone)).date())


def days_of(period: str) -> list[date]:
    """Every day of the month `period`, in order."""
    year, month = (int(part) for part in checked_period(period).split("-"))
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    ordinals = range(first.toordinal(), following.toordinal())
    return [date.fromordinal(ordinal) for ordinal in ordinals]


@dataclass(frozen=True, slots=True)
class SalesFigure:
    """One dealer's sales of one model on one day."""

    dealer_code: str
    model: str
    day: date
    units: int
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class TrafficFigure:
    """One dealer's traffic of one channel on one day, as one source counts it."""

    dealer_code: str
    channel: str
    day: date
    visits: int
    calls: int
    online_leads: int
    source: Source = Source.DISTRIBUTOR


@dataclass(frozen=True, slots=True)
class Utm:
    source: str = ""
    medium: str = ""
    campaign: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.source and self.medium and self.campaign)


@dataclass(frozen=True, slots=True)
class Contact:
    """Personal data of a caller, already made safe to store: a keyed hash of
    the number (to recognise repeat callers) and a mask for people."""

    number_hash: str
    number_masked: str


class LeadKind(StrEnum):
    CALL = "call"
    REQUEST = "request"


@dataclass(frozen=True, slots=True)
class Lead:
    """A call or an online request from call tracking; a lead for KPIs when it
    is a unique target one (Calltouch's `uniqTargetCall`,
    `uniqTargetRequest`)."""

    kind: LeadKind
    lead_id: str
    dealer_code: str
    at: datetime
    is_unique_target: bool
    utm: Utm = field(default_factory=Utm)
    tracked_phone: str = ""
    source_channel: str = ""
    duration_seconds: int = 0
    contact: Contact | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync stored, and the rows it could not place."""

    source: Source
    period: str
    sales_rows: int = 0
    traffic_rows: int = 0
    calls: int = 0
    requests: int = 0
    unknown_dealers: dict[str, int] = field(default_factory=dict)
    """Rows skipped per dealer code the brand does not have."""
    rejected: list[dict[str, object]] = field(default_factory=list)
    """Rows that did not convert, with their reason."""

    def as_result(self) -> dict[str, object]:
        return {
            "source": self.source.value,
            "period": self.period,
            "sales_rows": self.sales_rows,
            "traffic_rows": self.traffic_rows,
            "calls": self.calls,
            "requests": self.requests,
            "unknown_dealers": dict(sorted(self.unknown_dealers.items())),
            "rejected_rows": len(self.rejected),
            "rejected": self.rejected[:REPORTED_REJECTS],
        }


DEFAULT_RETENTION_DAYS = 365
"""How long callers' masked and hashed numbers are kept unless the brand
sets otherwise."""

DEFAULT_LEAD_SOURCE = LeadSource.DISTRIBUTOR
"""A dealer's lead source until an admin chooses call tracking."""


@dataclass(frozen=True, slots=True)
class SalesTarget:
    """A dealer's sales plan of a period."""

    dealer_code: str
    period: str
    units: int
    revenue: Decimal | None = None
