"""Request and response models of the integration, analytics and export routes."""

from typing import Annotated

from pydantic import Field

from chalicelib.web.schemas import Body

Period = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                              examples=["2026-11"])]


class SyncRequest(Body):
    period: Period
