"""Request and response models of the integration, analytics and export routes."""

from typing import Annotated

from pydantic import Field

from chalicelib.integrations.model import LeadSource
from chalicelib.web.schemas import Body, Reply

Period = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                              examples=["2026-11"])]


class SyncRequest(Body):
    period: Period


class LeadSourceUpdate(Body):
    lead_source: LeadSource = Field(
        description="Which source counts the dealer's calls and online leads.")


class LeadSourceReply(Reply):
    dealer: str
    lead_source: LeadSource


class WebhookReply(Reply):
    kind: str
    id: str
    period: str
