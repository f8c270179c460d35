"""Builders for bonus tests: dealers named after their city, programs as
small dictionaries, facts with only what a test cares about."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chalicelib.access.model import Caller, Role, User
from chalicelib.bonus.facts import DealerFacts, ModelSales, PlacementFacts, ReportState
from chalicelib.bonus.memory import (
    FakeReadiness,
    MemoryBatchQueue,
    MemoryExports,
    MemoryFacts,
    MemoryLedger,
    MemoryPeriods,
    MemoryPrograms,
    MemoryRuns,
)
from chalicelib.bonus.program import ProgramRules
from chalicelib.bonus.service import BonusPorts
from chalicelib.network.model import Brand, Dealer
from chalicelib.paging import Page

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


class MemoryDealers:
    def __init__(self, dealers: list[Dealer]) -> None:
        self.by_code = {d.code: d for d in dealers}

    def get(self, brand_id: str, code: str) -> Dealer | None:
        found = self.by_code.get(code)
        return found if found and found.brand_id == brand_id else None

    def get_many(self, brand_id: str, codes: list[str]) -> list[Dealer]:
        return [d for c in sorted(codes) if (d := self.get(brand_id, c))]

    def list(self, brand_id: str, limit: int, cursor: str | None,
             regions: tuple[str, ...] = ()) -> Page[Dealer]:
        found = sorted((d for d in self.by_code.values() if d.brand_id == brand_id),
                       key=lambda d: d.code)
        start = int(cursor or 0)
        more = start + limit < len(found)
        return Page(found[start:start + limit], str(start + limit) if more else None)

    def save(self, dealer: Dealer, expected_version: int | None) -> Dealer:
        self.by_code[dealer.code] = dealer
        return dealer


class MemoryBrands:
    def __init__(self, brands: list[Brand]) -> None:
        self.by_id = {b.brand_id: b for b in brands}

    def get(self, brand_id: str) -> Brand | None:
        return self.by_id.get(brand_id)

    def save(self, brand: Brand, expected_version: int | None) -> Brand:
        self.by_id[brand.brand_id] = brand
        return brand

    def all_brands(self) -> list[Brand]:
        return list(self.by_id.values())


class Ticking:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


AURORA = Brand(brand_id="aurora", name="Aurora", currency="RUB",
               time_zone="Europe/Moscow", period_close_day=7)


def network(count: int = 6) -> list[Dealer]:
    cities = [("Казань", "Татарстан", "standard"), ("Москва", "Москва", "flagship"),
              ("Пермь", "Пермский край", "boutique")]
    return [dealer(f"AUR-T{n:02d}-01", *cities[n % 3]) for n in range(count)]


def ports(dealers: list[Dealer] | None = None, batch_size: int = 2,
          now: datetime | None = None) -> BonusPorts:
    return BonusPorts(
        programs=MemoryPrograms(), periods=MemoryPeriods(),
        readiness=FakeReadiness(), runs=MemoryRuns(), inputs=MemoryFacts(),
        dealers=MemoryDealers(dealers if dealers is not None else network()),
        brands=MemoryBrands([AURORA]), batch_queue=MemoryBatchQueue(),
        ledger=MemoryLedger(), exports=MemoryExports(),
        clock=Ticking(now or datetime(2026, 12, 8, 7, 0, tzinfo=UTC)),
        directory=MemoryBrands([AURORA]), batch_size=batch_size,
    )


def manager() -> Caller:
    return Caller(User(user_id="aurora-manager-1", brand_id="aurora",
                       email="m@example.com", name="M", role=Role.IMPORTER_MANAGER))


def dealer_user(code: str) -> Caller:
    return Caller(User(user_id=f"user-{code}", brand_id="aurora",
                       email="d@example.com", name="D", role=Role.DEALER_USER,
                       dealer_codes=(code,)))


STANDARD_PROGRAM = {
    "kpis": [
        {"id": "sales", "name": "Продажи к плану", "metric": "sales_units",
         "target": {"kind": "plan"},
         "tiers": [{"from_pct": "90", "rate": "0.5"},
                   {"from_pct": "100", "rate": "1"}]},
        {"id": "on_time", "name": "Отчёты вовремя", "metric": "mandatory_on_time_share",
         "target": {"kind": "fixed", "value": "100"}},
    ],
    "gates": [{"id": "reports", "kpi": "on_time", "effect": "cut", "cut_pct": "50"}],
    "rewards": [{"id": "per_car", "name": "За автомобиль", "kind": "per_car",
                 "amount": "10000", "kpi": "sales"}],
    "compensations": [{"id": "media", "name": "Компенсация", "share_pct": "50"}],
    "penalties": [{"id": "late", "name": "Опоздание", "kind": "per_late_report",
                   "amount": "5000"}],
}
