"""Brands and dealers as the domain sees them, and the rules on their fields."""

import zoneinfo
from dataclasses import dataclass, replace
from functools import cache

from chalicelib.errors import NotFound


class DealerNotFound(NotFound):
    """No dealer of the caller's brand and scope has this code."""

    code = "dealer_not_found"

    def __init__(self, dealer_code: str) -> None:
        super().__init__(f"Dealer {dealer_code!r} was not found.", dealer=dealer_code)
        self.dealer_code = dealer_code


class BrandNotFound(NotFound):
    """The caller's brand has no settings record."""

    code = "brand_not_found"


@dataclass(frozen=True, slots=True)
class Brand:
    """One importer's tenant and the settings its rules read."""

    brand_id: str
    name: str
    currency: str
    time_zone: str
    report_due_days: int = 5
    reminder_days: tuple[int, ...] = (3, 1)
    period_close_day: int = 7
    max_photo_mb: int = 20
    duplicate_phash_bits: int = 12
    """Near-copy thresholds, of 64 bits per hash; defaults from `make bench`."""
    duplicate_dhash_bits: int = 16
    photo_date_tolerance_days: int = 2
    version: int = 1

    def changed(self, **changes: object) -> "Brand":
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Dealer:
    brand_id: str
    code: str
    name: str
    city: str
    region: str
    time_zone: str
    category: str
    version: int = 1

    @property
    def dealer_code(self) -> str:
        return self.code

    def changed(self, **changes: object) -> "Dealer":
        return replace(self, **changes)  # type: ignore[arg-type]


@cache
def is_known_time_zone(name: str) -> bool:
    """True for IANA zone names of the bundled tz database (the tzdata package)."""
    return name in zoneinfo.available_timezones()
