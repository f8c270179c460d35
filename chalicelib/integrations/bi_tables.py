"""The BI export's tables: their columns, types and rows. Pure.

One explicit schema per table (README.md lists them for BI tools): money is
decimal(18,2), instants are UTC timestamps at microseconds, days are dates.
Column names are stable: add columns, never rename or retype one (a change
would need a new table name).
`brand` and `period` are not columns of the files: they are hive partitions
in the path (`brand=aurora/period=2026-11`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chalicelib.integrations.metrics import attribute, cost_per
from chalicelib.integrations.model import DEFAULT_LEAD_SOURCE, Lead
from chalicelib.integrations.refresh import AnalyticsInputs, all_dealers
from chalicelib.integrations.upstream import PhotoFlags

TEXT, MONEY, COUNT, SMALL, FLAG, DAY, INSTANT = (
    "string", "decimal(18,2)", "int64", "int32", "bool", "date", "timestamp[us, UTC]")

Columns = tuple[tuple[str, str, bool], ...]
"""(name, type, nullable) of each column, in order."""

SCHEMAS: dict[str, Columns] = {
    "dealers": (
        ("dealer_code", TEXT, False), ("name", TEXT, False), ("city", TEXT, False),
        ("region", TEXT, False), ("category", TEXT, False),
        ("time_zone", TEXT, False), ("lead_source", TEXT, False)),
    "placements": (
        ("placement_id", TEXT, False), ("dealer_code", TEXT, False),
        ("channel", TEXT, False), ("status", TEXT, False),
        ("cost", MONEY, False), ("currency", TEXT, False),
        ("starts_on", DAY, False), ("ends_on", DAY, False),
        ("mandatory", FLAG, False), ("utm_source", TEXT, True),
        ("utm_medium", TEXT, True), ("utm_campaign", TEXT, True),
        ("tracked_phone", TEXT, True), ("leads", COUNT, False),
        ("cpl", MONEY, True), ("created_at", INSTANT, True),
        ("updated_at", INSTANT, True)),
    "reports": (
        ("report_id", TEXT, False), ("placement_id", TEXT, False),
        ("dealer_code", TEXT, False), ("status", TEXT, False),
        ("due_at", INSTANT, False), ("submitted_at", INSTANT, True),
        ("on_time", FLAG, False), ("photo_count", SMALL, False)),
    "photo_flags": (
        ("photo_id", TEXT, False), ("report_id", TEXT, False),
        ("dealer_code", TEXT, False), ("kind", TEXT, False),
        ("state", TEXT, False), ("flagged_at", INSTANT, False)),
    "statements": (
        ("bonus_run_id", TEXT, False), ("dealer_code", TEXT, False),
        ("final", FLAG, False), ("total", MONEY, False), ("currency", TEXT, False),
        ("computed_at", INSTANT, False)),
    "statement_lines": (
        ("bonus_run_id", TEXT, False), ("dealer_code", TEXT, False),
        ("line_no", SMALL, False), ("kind", TEXT, False), ("rule", TEXT, False),
        ("amount", MONEY, False), ("currency", TEXT, False)),
    "sales": (
        ("dealer_code", TEXT, False), ("model", TEXT, False), ("day", DAY, False),
        ("units", COUNT, False), ("revenue", MONEY, False),
        ("currency", TEXT, False)),
    "traffic": (
        ("dealer_code", TEXT, False), ("channel", TEXT, False), ("day", DAY, False),
        ("source", TEXT, False), ("visits", COUNT, False), ("calls", COUNT, False),
        ("online_leads", COUNT, False)),
    "leads": (
        ("kind", TEXT, False), ("lead_id", TEXT, False),
        ("dealer_code", TEXT, False), ("at", INSTANT, False),
        ("unique_target", FLAG, False), ("utm_source", TEXT, True),
        ("utm_medium", TEXT, True), ("utm_campaign", TEXT, True),
        ("tracked_phone", TEXT, True), ("source_channel", TEXT, True),
        ("duration_seconds", COUNT, False)),
}
TABLES = tuple(SCHEMAS)

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ExportInputs:
    analytics: AnalyticsInputs
    flags: PhotoFlags


def rows_of_period(inputs: ExportInputs, brand_id: str, period: str,
                   currency: str) -> dict[str, list[Row]]:
    """Every table's rows of a brand's period, keyed by table name."""
    builders: dict[str, Callable[[], list[Row]]] = {
        "dealers": lambda: _dealers(inputs.analytics, brand_id),
        "placements": lambda: _placements(inputs.analytics, brand_id, period,
                                          currency),
        "reports": lambda: _reports(inputs.analytics, brand_id, period),
        "photo_flags": lambda: [_plain(flag) for flag in
                                inputs.flags.flags_of(brand_id, period)],
        "statements": lambda: _statements(inputs.analytics, brand_id, period,
                                          currency),
        "statement_lines": lambda: _lines(inputs.analytics, brand_id, period,
                                          currency),
        "sales": lambda: [{**_plain(s), "currency": currency} for s in
                          inputs.analytics.figures.sales_of(brand_id, period)],
        "traffic": lambda: [{**_plain(t), "source": t.source.value} for t in
                            inputs.analytics.figures.traffic_of(brand_id, period)],
        "leads": lambda: [_lead(lead) for lead in
                          inputs.analytics.leads.leads_of(brand_id, period)],
    }
    return {table: builders[table]() for table in TABLES}


def _dealers(inputs: AnalyticsInputs, brand_id: str) -> list[Row]:
    sources = inputs.settings.lead_sources(brand_id)
    return [{"dealer_code": d.code, "name": d.name, "city": d.city,
             "region": d.region, "category": d.category, "time_zone": d.time_zone,
             "lead_source": sources.get(d.code, DEFAULT_LEAD_SOURCE).value}
            for d in all_dealers(inputs.dealers, brand_id)]


def _placements(inputs: AnalyticsInputs, brand_id: str, period: str,
                currency: str) -> list[Row]:
    placements = inputs.placements.placements_of(brand_id, period)
    zones = {d.code: d.time_zone for d in all_dealers(inputs.dealers, brand_id)}
    counted = attribute(inputs.leads.leads_of(brand_id, period), placements, zones)
    rows = []
    for p in placements:
        leads = counted.get(p.placement_id, 0)
        rows.append({
            "placement_id": p.placement_id, "dealer_code": p.dealer_code,
            "channel": p.channel, "status": p.status, "cost": p.cost,
            "currency": currency, "starts_on": p.starts_on, "ends_on": p.ends_on,
            "mandatory": p.mandatory, "utm_source": p.utm.source or None,
            "utm_medium": p.utm.medium or None,
            "utm_campaign": p.utm.campaign or None,
            "tracked_phone": p.tracked_phone or None, "leads": leads,
            "cpl": cost_per(p.cost, leads), "created_at": p.created_at,
            "updated_at": p.updated_at,
        })
    return rows


def _reports(inputs: AnalyticsInputs, brand_id: str, period: str) -> list[Row]:
    return [_plain(report) for report in inputs.reports.reports_of(brand_id, period)]


def _statements(inputs: AnalyticsInputs, brand_id: str, period: str,
                currency: str) -> list[Row]:
    return [{"bonus_run_id": s.bonus_run_id, "dealer_code": s.dealer_code,
             "final": s.final, "total": s.total, "currency": currency,
             "computed_at": s.computed_at}
            for s in inputs.statements.statements_of(brand_id, period)]


def _lines(inputs: AnalyticsInputs, brand_id: str, period: str,
           currency: str) -> list[Row]:
    return [{"bonus_run_id": s.bonus_run_id, "dealer_code": s.dealer_code,
             "line_no": line.line_no, "kind": line.kind, "rule": line.rule,
             "amount": line.amount, "currency": currency}
            for s in inputs.statements.statements_of(brand_id, period)
            for line in s.lines]


def _lead(lead: Lead) -> Row:
    return {"kind": lead.kind.value, "lead_id": lead.lead_id,
            "dealer_code": lead.dealer_code, "at": lead.at,
            "unique_target": lead.is_unique_target,
            "utm_source": lead.utm.source or None,
            "utm_medium": lead.utm.medium or None,
            "utm_campaign": lead.utm.campaign or None,
            "tracked_phone": lead.tracked_phone or None,
            "source_channel": lead.source_channel or None,
            "duration_seconds": lead.duration_seconds}


def _plain(value: Any) -> Row:
    """A dataclass's fields by name (the table's column names match them)."""
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


def utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def checked(table: str, rows: list[Row]) -> list[Row]:
    """Rows reduced to the table's columns, money and instants normalised."""
    columns = SCHEMAS[table]
    out = []
    for row in rows:
        kept: Row = {}
        for name, kind, _ in columns:
            value = row.get(name)
            if kind == MONEY and value is not None:
                value = Decimal(value).quantize(Decimal("0.01"))
            elif kind == INSTANT:
                value = utc(value)
            elif kind == DAY and isinstance(value, datetime):
                value = value.date()
            kept[name] = value
        out.append(kept)
    return out
