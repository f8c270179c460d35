"""Builders for bonus tests: dealers named after their city, programs as
small dictionaries, facts with only what a test cares about."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chalicelib.bonus.facts import DealerFacts, ModelSales, PlacementFacts, ReportState
from chalicelib.bonus.program import ProgramRules
from chalicelib.network.model import Dealer

DUE = datetime(2026, 11, 5, 21, 0, tzinfo=UTC)


def dealer(code: str = "AUR-KZN-01", city: str = "Казань",
           region: str = "Татарстан", category: str = "standard") -> Dealer:
    return Dealer(brand_id="aurora", code=code, name=f"Аврора {city}", city=city,
                  region=region, time_zone="Europe/Moscow", category=category)


def rules(**sections: Any) -> ProgramRules:
    return ProgramRules.model_validate(sections)


def sales_units_kpi(**extra: Any) -> dict[str, Any]:
    return {"id": "sales", "name": "Продажи к плану", "metric": "sales_units",
            "target": {"kind": "plan"}, **extra}


def facts(units: int | None = 10, plan: int | None = 10,
          revenue: str = "30000000", **extra: Any) -> DealerFacts:
    sales = None if units is None else (
        ModelSales(model="Aurora X5", units=units, revenue=Decimal(revenue)),
    )
    return DealerFacts(dealer_code=extra.pop("code", "AUR-KZN-01"), sales=sales,
                       sales_plan_units=plan, **extra)


def placement(placement_id: str = "pl-1", approved: str | None = "100000",
              state: ReportState = ReportState.ACCEPTED, mandatory: bool = False,
              channel: str = "outdoor", cost: str = "120000",
              submitted_at: datetime | None = None) -> PlacementFacts:
    on_time = datetime(2026, 11, 3, tzinfo=UTC)
    return PlacementFacts(
        placement_id=placement_id, channel=channel, cost=Decimal(cost),
        approved_amount=None if approved is None else Decimal(approved),
        mandatory=mandatory, report_state=state, due_at=DUE,
        submitted_at=submitted_at or on_time,
    )
