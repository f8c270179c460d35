"""Request and response models of placements and reports."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from chalicelib.budgets.schemas import (
    ChannelId,
    MoneyAmount,
    MoneyReply,
    NonNegativeMoney,
)
from chalicelib.channels.model import ProofKind
from chalicelib.placements.model import (
    Placement,
    PlacementStatus,
    Report,
    ReportDecision,
)
from chalicelib.placements.service import NewPlacement
from chalicelib.web.schemas import (
    Body,
    BusinessDate,
    DealerCode,
    ListQuery,
    Reply,
    Text,
    Versioned,
)

LongText = Annotated[str, Field(min_length=1, max_length=2000)]
UtmValue = Annotated[str, Field(min_length=1, max_length=200,
                                 pattern=r"^[^\s]+$", examples=["yandex"])]
TrackedPhone = Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{5,20}$",
                                    examples=["+7 495 123-45-67"])]
Period = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-05"])]


StatusName = Literal["draft", "submitted", "approved", "returned", "rejected",
                     "cancelled"]


class PlacementQuery(ListQuery):
    dealer: DealerCode | None = None
    period: Period | None = None
    # NOTE: a literal, not the enum: query parameters are documented inline.
    status: StatusName | None = None

    def status_filter(self) -> PlacementStatus | None:
        return PlacementStatus(self.status) if self.status else None


class NewPlacementBody(Body):
    dealer_code: DealerCode
    channel_id: ChannelId
    title: Text
    starts_on: BusinessDate
    ends_on: BusinessDate
    cost: NonNegativeMoney
    mandatory: bool = False
    creative_id: Text | None = None
    utm_source: UtmValue | None = None
    utm_medium: UtmValue | None = None
    utm_campaign: UtmValue | None = None
    tracked_phone: TrackedPhone | None = Field(
        None, description="The call-tracking number the placement advertises.")

    def placement(self) -> NewPlacement:
        return NewPlacement(
            dealer_code=self.dealer_code, channel_id=self.channel_id,
            title=self.title, starts_on=self.starts_on, ends_on=self.ends_on,
            cost=self.cost.decimal(), currency=self.cost.currency,
            mandatory=self.mandatory, creative_id=self.creative_id,
            utm_source=self.utm_source, utm_medium=self.utm_medium,
            utm_campaign=self.utm_campaign, tracked_phone=self.tracked_phone,
        )


class PlacementUpdate(Versioned):
    channel_id: ChannelId | None = None
    title: Text | None = None
    starts_on: BusinessDate | None = None
    ends_on: BusinessDate | None = None
    cost: NonNegativeMoney | None = None
    mandatory: bool | None = None
    creative_id: Text | None = None
    utm_source: UtmValue | None = None
    utm_medium: UtmValue | None = None
    utm_campaign: UtmValue | None = None
    tracked_phone: TrackedPhone | None = None

    def changes(self) -> dict:
        changes = super().changes()
        if self.cost is not None:
            changes["cost"] = self.cost.decimal()
            changes["currency"] = self.cost.currency
        return changes


class VersionedStep(Body):
    version: int = Field(ge=1, description="The version the client last read.")


class ApprovalBody(VersionedStep):
    approved_amount: NonNegativeMoney


class ReasonBody(VersionedStep):
    reason: LongText


class CancelBody(VersionedStep):
    reason: LongText | None = None


class PlacementReply(Reply):
    placement_id: str
    dealer_code: str
    period: str
    channel_id: str
    title: str
    starts_on: date
    ends_on: date
    cost: MoneyReply
    mandatory: bool
    creative_id: str | None
    status: PlacementStatus
    approved_amount: MoneyReply | None
    reason: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    tracked_phone: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, placement: Placement) -> "PlacementReply":
        approved = placement.approved_amount
        return cls(
            placement_id=placement.placement_id,
            dealer_code=placement.dealer_code,
            period=placement.period,
            channel_id=placement.channel_id,
            title=placement.title,
            starts_on=placement.starts_on,
            ends_on=placement.ends_on,
            cost=MoneyReply.of(placement.cost, placement.currency),
            mandatory=placement.mandatory,
            creative_id=placement.creative_id,
            status=placement.status,
            approved_amount=MoneyReply.of(approved, placement.currency)
            if approved is not None else None,
            reason=placement.reason,
            utm_source=placement.utm_source,
            utm_medium=placement.utm_medium,
            utm_campaign=placement.utm_campaign,
            tracked_phone=placement.tracked_phone,
            created_by=placement.created_by,
            created_at=placement.created_at,
            updated_at=placement.updated_at,
            version=placement.version,
        )


class PlacementPage(Reply):
    items: list[PlacementReply]
    next_cursor: str | None


class ReportUpdate(Versioned):
    comment: LongText | None = None
    actual_cost: MoneyAmount | None = None

    def changes(self) -> dict:
        changes = super().changes()
        if self.actual_cost is not None:
            changes["actual_cost"] = self.actual_cost.decimal()
        return changes


class ExplanationBody(VersionedStep):
    explanation: LongText


class DecisionBody(VersionedStep):
    decision: ReportDecision
    reason: LongText | None = None
    due_on: BusinessDate | None = Field(
        None, description="With `return` after the deadline: the new due day.")


class ExtensionBody(VersionedStep):
    due_on: BusinessDate = Field(
        description="The due day asked for, dealer's local date.")
    reason: LongText


class ExtensionDecisionBody(VersionedStep):
    decision: Literal["grant", "refuse"]
    reason: LongText | None = None
    due_on: BusinessDate | None = Field(None, description="Default: the day asked for.")


class ExtensionReply(Reply):
    due_at: datetime
    reason: str
    state: str
    decision_reason: str | None


class ReportReply(Reply):
    placement_id: str
    status: str = Field(description="As decided at the time of the request.")
    due_at: datetime = Field(description="Exclusive, in the dealer's zone.")
    time_zone: str
    editable: bool = Field(description="Whether the dealer may change it now.")
    comment: str | None
    actual_cost: MoneyReply | None
    photo_count: int
    proofs: dict[str, int]
    required_proof: dict[str, int]
    missing_proof: dict[str, int]
    explanation: str | None
    return_reason: str | None
    rejected_photos: list[str] = Field(
        default_factory=list,
        description="Photos a manager confirmed a flag on; they count as no proof.")
    decision: str | None
    decision_reason: str | None
    extension: ExtensionReply | None
    version: int

    @classmethod
    def of(cls, report: Report, now: datetime) -> "ReportReply":
        currency = report.currency
        extension = report.extension
        actual = report.actual_cost
        return cls(
            placement_id=report.placement_id,
            status=report.status_at(now).value,
            due_at=report.due_at,
            time_zone=report.time_zone,
            editable=report.is_editable_by_dealer(now),
            comment=report.comment,
            actual_cost=MoneyReply.of(actual, currency) if actual is not None
            else None,
            photo_count=report.photo_count,
            proofs={kind.value: n for kind, n in report.proof_counts.items()},
            required_proof={ProofKind(k).value: n
                            for k, n in report.required_proof.items()},
            missing_proof=report.missing_proof,
            explanation=report.explanation,
            return_reason=report.return_reason,
            rejected_photos=list(report.rejected_photos),
            decision=report.decision.value if report.decision else None,
            decision_reason=report.decision_reason,
            extension=ExtensionReply(
                due_at=extension.due_at, reason=extension.reason,
                state=extension.state.value,
                decision_reason=extension.decision_reason,
            ) if extension else None,
            version=report.version,
        )
