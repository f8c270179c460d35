"""Keep derived figures in step with what other areas and the syncs write:
the dealer summaries of the network analytics, and the bonus facts of sales
and leads.

Each step recomputes from stored data, so a repeat (a redelivered event, a
second sync of the period) gives the same figures and never adds to them.
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.bonus.facts import ModelSales
from chalicelib.bonus.ports import FactsRecorder
from chalicelib.integrations.metrics import dealer_leads
from chalicelib.integrations.model import DEFAULT_LEAD_SOURCE, SalesFigure
from chalicelib.integrations.refresh import NOT_SPENDING, AnalyticsInputs
from chalicelib.logs import logger

Refresh = Callable[[str, str, list[str] | None], object]
"""(brand, period, dealer codes or None for every dealer)."""


def refresh_after_write(refresh: Refresh, brand_id: str, period: str,
                        dealer_code: str) -> None:
    """Refresh one dealer's summary after a write already stored: a failure
    is logged, never raised, so the client does not retry a write that
    succeeded; the summary catches up at the dealer's next change or the
    period's next whole refresh."""
    try:
        refresh(brand_id, period, [dealer_code])
    except Exception:
        logger.exception("analytics not refreshed", brand_id=brand_id,
                         dealer_id=dealer_code, period=period)


@dataclass(frozen=True, slots=True)
class AnalyticsFollower:
    """A placements `Followers`: after a placement or its report changed,
    the summary of its dealer in the placement's period is recomputed.

    Limitation: when an edit moves a placement's start date into another
    month, only the new month's summary is recomputed here; the old month's
    figure of that dealer follows at its next refresh (a sync, an import or
    another write of that dealer and month)."""

    period_of: Callable[[str], str | None]
    """The period of a stored placement by id, None when it is gone."""
    refresh: Refresh

    def changed(self, brand_id: str, dealer_code: str, placement_id: str) -> None:
        try:
            period = self.period_of(placement_id)
            if period is not None:
                self.refresh(brand_id, period, [dealer_code])
        except Exception:
            # The change is stored; failing the request now would make the
            # client retry a write that succeeded. The summary catches up at
            # the dealer's next change or the period's next whole refresh.
            logger.exception("analytics not refreshed", brand_id=brand_id,
                             dealer_id=dealer_code, placement_id=placement_id)


def record_bonus_facts(brand_id: str, period: str, inputs: AnalyticsInputs,
                       recorder: FactsRecorder,
                       only: Collection[str] | None = None) -> list[str]:
    """Record each touched dealer's sales (by model, with plan units from
    targets) and leads with their cost (from the dealer's lead source) as
    bonus facts; returns the dealers recorded.

    A dealer is touched when the period holds sales or a target of it (its
    sales section) or leads or traffic of it (its leads section); `only`
    narrows that to some dealers. A dealer without any such figure is left
    alone, so its sections stay "not in yet" rather than turning into zero.
    """
    sales = inputs.figures.sales_of(brand_id, period, only)
    targets = inputs.targets.targets_of(brand_id, period, only)
    traffic = inputs.figures.traffic_of(brand_id, period, only)
    leads = inputs.leads.leads_of(brand_id, period, only)
    sources = inputs.settings.lead_sources(brand_id)
    cost = _spending_by_dealer(inputs, brand_id, period, only)

    by_dealer = _sales_by_dealer(sales)
    with_sales = set(by_dealer) | set(targets)
    with_leads = ({lead.dealer_code for lead in leads}
                  | {figure.dealer_code for figure in traffic})
    candidates = with_sales | with_leads
    touched = sorted(candidates if only is None else candidates & set(only))
    for code in touched:
        if code in with_sales:
            target = targets.get(code)
            recorder.record_sales(brand_id, period, code, by_dealer.get(code, []),
                                  target.units if target else None)
        if code in with_leads:
            source = sources.get(code, DEFAULT_LEAD_SOURCE)
            counted = dealer_leads(code, source, leads, traffic)
            recorder.record_leads(brand_id, period, code, counted.leads,
                                  cost.get(code))
    return touched


def _sales_by_dealer(sales: list[SalesFigure]) -> dict[str, list[ModelSales]]:
    sums: dict[str, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for figure in sales:
        units, revenue = sums[figure.dealer_code].get(figure.model,
                                                      (0, Decimal("0.00")))
        sums[figure.dealer_code][figure.model] = (units + figure.units,
                                                  revenue + figure.revenue)
    return {code: [ModelSales(model, units, revenue)
                   for model, (units, revenue) in sorted(models.items())]
            for code, models in sums.items()}


def _spending_by_dealer(inputs: AnalyticsInputs, brand_id: str, period: str,
                        only: Collection[str] | None) -> dict[str, Decimal]:
    """What the dealer's placements of the period cost (the lead cost); a
    dealer without a spending placement has none (not zero: CPL of zero
    would read as free leads)."""
    spent: dict[str, Decimal] = {}
    for placement in inputs.placements.placements_of(brand_id, period, only):
        if placement.status not in NOT_SPENDING:
            spent[placement.dealer_code] = (spent.get(placement.dealer_code,
                                                      Decimal("0.00"))
                                            + placement.cost)
    return spent
