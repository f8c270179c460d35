"""Building blocks shared by the request and response models of every area."""

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from chalicelib.network.model import is_known_time_zone
from chalicelib.paging import DEFAULT_LIMIT, MAX_LIMIT


class Body(BaseModel):
    """A JSON request body: exact types, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Reply(BaseModel):
    """A JSON response body."""

    model_config = ConfigDict(extra="forbid")


class ListQuery(BaseModel):
    """Query parameters of every list (they arrive as strings)."""

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=2048)


class ErrorReply(Reply):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="For people; follows Accept-Language.")
    details: dict


class Versioned(Body):
    """A partial update: the fields sent, and the version they apply to."""

    version: int = Field(ge=1, description="The version the client last read.")

    def changes(self) -> dict:
        changes = self.model_dump(exclude_unset=True, exclude={"version"})
        return {key: value for key, value in changes.items() if value is not None}


def _known_time_zone(name: str) -> str:
    if not is_known_time_zone(name):
        raise ValueError(f"unknown IANA time zone {name!r}")
    return name


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Asia/Kamchatka"]),
    AfterValidator(_known_time_zone),
]
Text = Annotated[str, Field(min_length=1, max_length=200)]


def _business_date(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise ValueError("the date must lie between 2000 and 2099")
    return value


BusinessDate = Annotated[date, AfterValidator(_business_date)]
"""A calendar date of this business: years 2000 to 2099, so that deadlines
and periods computed from it never overflow."""
DealerCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]
