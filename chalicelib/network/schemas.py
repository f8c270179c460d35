"""Request and response models of the brand and dealer routes."""

from typing import Annotated

from pydantic import Field

from chalicelib.network.model import Brand, Dealer
from chalicelib.web.schemas import (
    Body,
    DealerCode,
    Reply,
    Text,
    TimeZoneName,
    Versioned,
)

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])]
Category = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


class BrandReply(Reply):
    brand_id: str
    name: str
    currency: str
    time_zone: str
    report_due_days: int = Field(description="Days after a placement ends.")
    reminder_days: list[int] = Field(description="Days before a deadline.")
    period_close_day: int
    max_photo_mb: int
    duplicate_phash_bits: int
    duplicate_dhash_bits: int
    photo_date_tolerance_days: int
    version: int

    @classmethod
    def of(cls, brand: Brand) -> "BrandReply":
        return cls(
            brand_id=brand.brand_id,
            name=brand.name,
            currency=brand.currency,
            time_zone=brand.time_zone,
            report_due_days=brand.report_due_days,
            reminder_days=list(brand.reminder_days),
            period_close_day=brand.period_close_day,
            max_photo_mb=brand.max_photo_mb,
            duplicate_phash_bits=brand.duplicate_phash_bits,
            duplicate_dhash_bits=brand.duplicate_dhash_bits,
            photo_date_tolerance_days=brand.photo_date_tolerance_days,
            version=brand.version,
        )


class BrandUpdate(Versioned):
    name: Text | None = None
    currency: Currency | None = None
    time_zone: TimeZoneName | None = None
    report_due_days: int | None = Field(None, ge=0, le=90)
    reminder_days: list[Annotated[int, Field(ge=1, le=30)]] | None = Field(
        None, max_length=5
    )
    period_close_day: int | None = Field(None, ge=1, le=28)
    max_photo_mb: int | None = Field(None, ge=1, le=20)
    duplicate_phash_bits: int | None = Field(None, ge=0, le=24)
    duplicate_dhash_bits: int | None = Field(None, ge=0, le=24)
    photo_date_tolerance_days: int | None = Field(None, ge=0, le=60)

    def changes(self) -> dict:
        changes = super().changes()
        if "reminder_days" in changes:
            changes["reminder_days"] = tuple(sorted(set(changes["reminder_days"])))
        return changes


class DealerReply(Reply):
    code: str
    name: str
    city: str
    region: str
    time_zone: str
    category: str
    version: int

    @classmethod
    def of(cls, dealer: Dealer) -> "DealerReply":
        return cls(
            code=dealer.code,
            name=dealer.name,
            city=dealer.city,
            region=dealer.region,
            time_zone=dealer.time_zone,
            category=dealer.category,
            version=dealer.version,
        )


class DealerPage(Reply):
    items: list[DealerReply]
    next_cursor: str | None


class NewDealer(Body):
    code: DealerCode
    name: Text
    city: Text
    region: Text
    time_zone: TimeZoneName
    category: Category

    def dealer(self) -> Dealer:
        return Dealer(brand_id="", **self.model_dump())


class DealerUpdate(Versioned):
    name: Text | None = None
    city: Text | None = None
    region: Text | None = None
    time_zone: TimeZoneName | None = None
    category: Category | None = None
