"""Use cases of the syncs: bring a period's figures in from a source.

Each sync is safe to run again: figures are upserts by their identity, so a
repeat (the nightly run, a manager's retry, a redelivered job) replaces
numbers and never adds to them.
"""

from collections import Counter
from dataclasses import replace
from datetime import date

from chalicelib.integrations.model import (
    SalesFigure,
    Source,
    SyncReport,
    TrafficFigure,
    checked_period,
    period_of,
)
from chalicelib.integrations.ports import (
    DealerCodes,
    DistributorSource,
    SalesAndTraffic,
)


def sync_distributor(
    brand_id: str,
    period: str,
    platform: DistributorSource,
    dealers: DealerCodes,
    store: SalesAndTraffic,
) -> SyncReport:
    """Sales and traffic of `period` from the distributor platform."""
    checked_period(period)
    known = dealers.codes_of(brand_id)
    sales = platform.sales(period)
    traffic = platform.traffic(period)

    report = SyncReport(Source.DISTRIBUTOR, period,
                        rejected=[*sales.rejected, *traffic.rejected])
    kept_sales, unknown_sales = _split(sales.figures, known, period, report)
    kept_traffic, unknown_traffic = _split(traffic.figures, known, period, report)

    saved_sales = store.save_sales(brand_id, kept_sales)
    saved_traffic = store.save_traffic(brand_id, kept_traffic)
    unknown = unknown_sales + unknown_traffic
    return replace(report, sales_rows=saved_sales, traffic_rows=saved_traffic,
                   unknown_dealers=dict(unknown))


def _split[F: (SalesFigure, TrafficFigure)](
    figures: list[F], known: frozenset[str], period: str, report: SyncReport
) -> tuple[list[F], Counter[str]]:
    """Figures of known dealers within the period; the others are reported."""
    kept: list[F] = []
    unknown: Counter[str] = Counter()
    for figure in figures:
        if figure.dealer_code not in known:
            unknown[figure.dealer_code] += 1
        elif not _within(figure.day, period):
            report.rejected.append(
                {"dealer": figure.dealer_code, "reason": "date outside the period",
                 "date": figure.day.isoformat()}
            )
        else:
            kept.append(figure)
    return kept, unknown


def _within(day: date, period: str) -> bool:
    return period_of(day) == period
