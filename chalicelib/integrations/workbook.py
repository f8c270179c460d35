"""The network view as an xlsx workbook: one sheet per breakdown.

Pure: takes the view, returns the file's bytes. Money cells are numbers
with two decimals (Excel has no decimal type; the values are exact to the
kopeck as written).
"""

import io
from decimal import Decimal

from openpyxl import Workbook

from chalicelib.integrations.analytics import DealerSummary, NetworkView, Totals

DEALER_COLUMNS = ("dealer", "name", "region", "city", "category", "budget_plan",
                  "budget_actual", "placement_cost", "placements", "reports_due",
                  "reports_on_time", "leads", "cpl", "sales_units",
                  "sales_plan_units", "sales_revenue", "checklist_met",
                  "checklist_not_met", "checklist_unknown", "bonus", "bonus_kind")
TOTAL_COLUMNS = ("group", "dealers", "budget_plan", "budget_actual",
                 "placement_cost", "reports_due", "reports_on_time", "on_time_pct",
                 "leads", "cpl", "sales_units", "sales_plan_units", "sales_pct",
                 "sales_revenue", "bonus")
MONEY_FORMAT = "#,##0.00"


def network_workbook(view: NetworkView) -> bytes:
    book = Workbook()
    dealers = book.active
    dealers.title = "dealers"
    dealers.append(DEALER_COLUMNS)
    for summary in view.dealers:
        dealers.append(_dealer_row(summary))
    for title, groups in (("totals", {"all": view.totals}),
                          ("regions", view.by_region), ("cities", view.by_city),
                          ("categories", view.by_category)):
        sheet = book.create_sheet(title)
        sheet.append(TOTAL_COLUMNS)
        for name, totals in groups.items():
            sheet.append(_totals_row(name, totals))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _dealer_row(summary: DealerSummary) -> list:
    kind = None if summary.bonus is None else (
        "final" if summary.bonus_final else "estimated")
    return [summary.dealer_code, summary.dealer_name, summary.region, summary.city,
            summary.category, _number(summary.budget_plan),
            _number(summary.budget_actual), _number(summary.placement_cost),
            sum(summary.placements_by_status.values()), summary.reports_due,
            summary.reports_on_time, summary.leads, _number(summary.cpl),
            summary.sales_units, summary.sales_plan_units,
            _number(summary.sales_revenue), summary.checklist_met,
            summary.checklist_not_met, summary.checklist_unknown,
            _number(summary.bonus), kind]


def _totals_row(name: str, totals: Totals) -> list:
    return [name, totals.dealers, _number(totals.budget_plan),
            _number(totals.budget_actual), _number(totals.placement_cost),
            totals.reports_due, totals.reports_on_time, _number(totals.on_time_pct),
            totals.leads, _number(totals.cpl), totals.sales_units,
            totals.sales_plan_units, _number(totals.sales_pct),
            _number(totals.sales_revenue), _number(totals.bonus)]


def _number(value: Decimal | None) -> float | None:
    # openpyxl writes numbers as floats; a two-decimal amount below 10^13
    # survives the round trip exactly as displayed.
    return None if value is None else float(value)
