"""Request and response models of the integration, analytics and export routes."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from chalicelib.integrations.analytics import DealerSummary, NetworkView, Totals
from chalicelib.integrations.exports import Export, manifest_key
from chalicelib.integrations.model import LeadSource
from chalicelib.integrations.sheets import ImportKind
from chalicelib.web.schemas import Body, FileName, Reply

Period = Annotated[str, Field(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$",
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


class Money(Reply):
    amount: str = Field(examples=["125000.50"])
    currency: str = Field(examples=["RUB"])


class NetworkQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    period: Period
    format: Literal["json", "xlsx"] = "json"


class TotalsReply(Reply):
    dealers: int
    budget_plan: Money
    budget_actual: Money
    placements_by_status: dict[str, int]
    placement_cost: Money
    reports_due: int
    reports_on_time: int
    on_time_pct: str | None = Field(description="Percent, one decimal; null "
                                                "when no report is due.")
    leads: int
    cpl: Money | None = Field(description="Cost per lead; null without leads.")
    sales_units: int
    sales_revenue: Money
    sales_plan_units: int
    sales_pct: str | None
    checklist: dict[str, int]
    bonus: Money
    photo_flags: dict[str, int] = Field(
        description="Photo flags by state: under_review, confirmed, dismissed.")


class DealerFiguresReply(Reply):
    dealer: str
    name: str
    city: str
    region: str
    category: str
    budget_plan: Money
    budget_actual: Money
    placements_by_status: dict[str, int]
    placement_cost: Money
    reports_due: int
    reports_on_time: int
    leads: int
    actions: int
    cpl: Money | None
    sales_units: int
    sales_revenue: Money
    sales_plan_units: int | None
    checklist: dict[str, int]
    bonus: Money | None
    bonus_kind: Literal["estimated", "final"] | None
    photo_flags: dict[str, int]
    refreshed_at: datetime


class NetworkReply(Reply):
    period: str
    totals: TotalsReply
    by_region: dict[str, TotalsReply]
    by_city: dict[str, TotalsReply]
    by_category: dict[str, TotalsReply]
    dealers: list[DealerFiguresReply]

    @staticmethod
    def plain(view: NetworkView, currency: str) -> dict[str, Any]:
        """The reply as plain JSON data, built directly.

        NOTE: not validated through the model: for 1,000 dealers building
        and dumping models costs more than the rest of the request.
        `test_network_reply_matches_its_schema` keeps the two equal.
        """

        def money(amount: Decimal | None) -> dict[str, str] | None:
            if amount is None:
                return None
            return {"amount": str(amount), "currency": currency}

        def totals(of: Totals) -> dict[str, Any]:
            return {
                "dealers": of.dealers, "budget_plan": money(of.budget_plan),
                "budget_actual": money(of.budget_actual),
                "placements_by_status": of.placements_by_status,
                "placement_cost": money(of.placement_cost),
                "reports_due": of.reports_due, "reports_on_time": of.reports_on_time,
                "on_time_pct": _text(of.on_time_pct), "leads": of.leads,
                "cpl": money(of.cpl), "sales_units": of.sales_units,
                "sales_revenue": money(of.sales_revenue),
                "sales_plan_units": of.sales_plan_units,
                "sales_pct": _text(of.sales_pct),
                "checklist": _checklist(of), "bonus": money(of.bonus),
                "photo_flags": of.photo_flags,
            }

        def dealer(of: DealerSummary) -> dict[str, Any]:
            kind = None if of.bonus is None else (
                "final" if of.bonus_final else "estimated")
            return {
                "dealer": of.dealer_code, "name": of.dealer_name, "city": of.city,
                "region": of.region, "category": of.category,
                "budget_plan": money(of.budget_plan),
                "budget_actual": money(of.budget_actual),
                "placements_by_status": of.placements_by_status,
                "placement_cost": money(of.placement_cost),
                "reports_due": of.reports_due, "reports_on_time": of.reports_on_time,
                "leads": of.leads, "actions": of.actions, "cpl": money(of.cpl),
                "sales_units": of.sales_units,
                "sales_revenue": money(of.sales_revenue),
                "sales_plan_units": of.sales_plan_units,
                "checklist": _checklist(of), "bonus": money(of.bonus),
                "bonus_kind": kind, "photo_flags": of.photo_flags,
                "refreshed_at": of.refreshed_at.isoformat(),
            }

        return {
            "period": view.period, "totals": totals(view.totals),
            "by_region": {k: totals(v) for k, v in view.by_region.items()},
            "by_city": {k: totals(v) for k, v in view.by_city.items()},
            "by_category": {k: totals(v) for k, v in view.by_category.items()},
            "dealers": [dealer(summary) for summary in view.dealers],
        }


class DownloadReply(Reply):
    url: str
    expires_at: datetime


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _checklist(of: Totals | DealerSummary) -> dict[str, int]:
    return {"met": of.checklist_met, "not_met": of.checklist_not_met,
            "unknown": of.checklist_unknown}


class NewImport(Body):
    kind: ImportKind
    file_name: FileName = Field(min_length=5, max_length=200,
                                examples=["targets-2026-11.xlsx"])


class UploadReply(Reply):
    url: str
    fields: dict[str, str]


class ImportReply(Reply):
    import_id: str
    kind: ImportKind
    file_name: str
    job_id: str | None = Field(description="Set once the upload has arrived.")
    upload: UploadReply | None = None
    expires_at: datetime | None = None


class NewExport(Body):
    period: Period


class ExportReply(Reply):
    export_id: str
    period: str
    status: str = Field(description="queued, running, published, superseded "
                                    "or failed")
    job_id: str | None
    created_at: datetime
    published_at: datetime | None
    rows: dict[str, int] = Field(description="Rows written per table.")
    manifest: str = Field(description="Key of the period's manifest in the BI "
                                      "bucket (README: what a BI tool reads).")

    @classmethod
    def of(cls, export: "Export") -> "ExportReply":
        return cls(export_id=export.export_id, period=export.period,
                   status=export.status, job_id=export.job_id,
                   created_at=export.created_at, published_at=export.published_at,
                   rows=export.rows,
                   manifest=manifest_key(export.brand_id, export.period))


class ExportPage(Reply):
    items: list[ExportReply]
    next_cursor: str | None


class NetworkAnswer(RootModel[NetworkReply | DownloadReply]):
    """The analytics, or with `?format=xlsx` a link to them as a workbook."""
