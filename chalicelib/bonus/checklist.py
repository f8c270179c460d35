"""The dealer's checklist: every KPI and gate of the period's program with
its state, value, target and what is missing in plain numbers, the tier and
what the next one needs, open mandatory reports, and the bonus so far.

Pure: it reads the program, the dealer's facts as they stand and the time;
it follows the data during the month, not only after a run.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from chalicelib.bonus.engine import (
    KpiResult,
    Statement,
    measure,
    participates,
    statement,
)
from chalicelib.bonus.facts import DealerFacts, ReportState
from chalicelib.bonus.program import Direction, Kpi, Metric, ProgramRules
from chalicelib.network.model import Dealer


class ItemState(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class NextTier:
    tier: int
    from_pct: Decimal
    rate: Decimal
    needs: Decimal | None
    """How much more of the KPI's value reaches it; None without a target."""


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    rule: str
    kind: str
    """`kpi`, `gate` or `report`."""
    name: str
    state: ItemState
    value: Decimal | None
    target: Decimal | None
    pct: Decimal | None
    missing: str | None
    tier: int | None = None
    tier_rate: Decimal | None = None
    next_tier: NextTier | None = None


@dataclass(frozen=True, slots=True)
class Checklist:
    dealer_code: str
    period: str
    takes_part: bool
    items: tuple[ChecklistItem, ...]
    estimate: Statement | None


UNITS: dict[Metric, tuple[str, tuple[str, str, str]]] = {
    # English, and Russian for 1, 2-4 and 5+ (21 like 1, 22 like 2, ...).
    Metric.SALES_UNITS: ("cars", ("автомобиль", "автомобиля", "автомобилей")),
    Metric.SALES_UNITS_OF_MODEL: ("cars", ("автомобиль", "автомобиля",
                                           "автомобилей")),
    Metric.LEADS: ("leads", ("лид", "лида", "лидов")),
    Metric.LATE_REPORTS: ("late reports", ("просроченный отчёт",
                                           "просроченных отчёта",
                                           "просроченных отчётов")),
    Metric.DUPLICATE_PHOTOS: ("duplicate photos", ("дубликат фото",
                                                   "дубликата фото",
                                                   "дубликатов фото")),
    Metric.BUDGET_SPENT_SHARE: ("percentage points", ("п. п.",) * 3),
    Metric.MANDATORY_ON_TIME_SHARE: ("percentage points", ("п. п.",) * 3),
}
WHOLE_METRICS = frozenset({Metric.SALES_UNITS, Metric.SALES_UNITS_OF_MODEL,
                           Metric.LEADS, Metric.SURVEY_ANSWERED})


def build(
    rules: ProgramRules, period: str, dealer: Dealer, facts: DealerFacts,
    now: datetime, language: str = "ru",
) -> Checklist:
    if not participates(rules, dealer):
        return Checklist(dealer.code, period, False, (), None)
    results = measure(rules, dealer, facts)
    text = _Texts(language)
    items = [_kpi_item(kpi, results[kpi.id], text) for kpi in rules.kpis]
    items += [_gate_item(rules, gate.id, gate.kpi, results[gate.kpi], text)
              for gate in rules.gates]
    items += _report_items(facts, now, text)
    estimate = statement(rules, dealer, facts)
    return Checklist(dealer.code, period, True, tuple(items), estimate)


def _kpi_item(kpi: Kpi, result: KpiResult, text: "_Texts") -> ChecklistItem:
    state = _state(result)
    next_tier = _next_tier(kpi, result)
    return ChecklistItem(
        rule=f"kpis.{kpi.id}", kind="kpi", name=kpi.name, state=state,
        value=result.value, target=result.target, pct=result.pct,
        missing=_missing(kpi, result, state, next_tier, text),
        tier=result.tier, tier_rate=result.rate, next_tier=next_tier,
    )


def _gate_item(rules: ProgramRules, gate_id: str, kpi_id: str, result: KpiResult,
               text: "_Texts") -> ChecklistItem:
    kpi = rules.kpi(kpi_id)
    state = _state(result)
    return ChecklistItem(
        rule=f"gates.{gate_id}", kind="gate", name=kpi.name, state=state,
        value=result.value, target=result.target, pct=result.pct,
        missing=_missing(kpi, result, state, None, text),
    )


def _state(result: KpiResult) -> ItemState:
    if result.met is None:
        return ItemState.UNKNOWN
    return ItemState.MET if result.met else ItemState.NOT_MET


def _next_tier(kpi: Kpi, result: KpiResult) -> NextTier | None:
    if not kpi.tiers:
        return None
    position = 0 if result.tier is None else result.tier + 1
    if position >= len(kpi.tiers):
        return None
    tier = kpi.tiers[position]
    return NextTier(position, tier.from_pct, tier.rate,
                    _needed(kpi, result, tier.from_pct))


def _needed(kpi: Kpi, result: KpiResult, pct: Decimal) -> Decimal | None:
    """How much more value reaches `pct` percent of the target."""
    if result.target is None or result.value is None or result.target == 0:
        return None
    goal = result.target * pct / Decimal(100)
    if kpi.metric in WHOLE_METRICS:
        goal = Decimal(math.ceil(goal))
    return max(goal - result.value, Decimal(0))


def _missing(kpi: Kpi, result: KpiResult, state: ItemState,
             next_tier: NextTier | None, text: "_Texts") -> str | None:
    if state is ItemState.UNKNOWN:
        if result.value is None:
            return text.no_data()
        if result.target is None:
            return text.no_target()
        return text.zero_plan()
    if state is ItemState.MET:
        if next_tier is not None and next_tier.needs:
            return text.more(next_tier.needs, kpi, next_tier.from_pct)
        return None
    if kpi.direction is Direction.AT_MOST:
        assert result.value is not None and result.target is not None
        return text.over(result.value - result.target, kpi)
    pct = kpi.threshold_pct
    if pct is None and kpi.tiers:
        pct = kpi.tiers[0].from_pct
    needs = _needed(kpi, result, pct if pct is not None else Decimal(100))
    return text.more(needs or Decimal(0), kpi, pct or Decimal(100))


def _report_items(
    facts: DealerFacts, now: datetime, text: "_Texts"
) -> list[ChecklistItem]:
    items = []
    waiting = (ReportState.OPEN, ReportState.RETURNED)
    for placement in sorted(facts.placements or (), key=lambda p: p.due_at):
        if not placement.mandatory or placement.report_state not in waiting:
            continue
        days = math.ceil((placement.due_at - now).total_seconds() / 86400)
        state = ItemState.NOT_MET if days <= 0 else ItemState.UNKNOWN
        items.append(ChecklistItem(
            rule=f"reports.{placement.placement_id}", kind="report",
            name=placement.placement_id, state=state, value=None, target=None,
            pct=None, missing=text.report_due(placement.placement_id, days),
        ))
    return items


class _Texts:
    """The plain-number sentences of `missing`, in Russian or English."""

    def __init__(self, language: str) -> None:
        self.ru = language == "ru"

    def no_data(self) -> str:
        return "данных пока нет" if self.ru else "no data yet"

    def no_target(self) -> str:
        if self.ru:
            return "цель для дилера не задана"
        return "no target set for the dealer"

    def zero_plan(self) -> str:
        return ("план равен нулю: процента нет" if self.ru
                else "the plan is zero: no percentage")

    def more(self, amount: Decimal, kpi: Kpi, pct: Decimal) -> str:
        unit = self._unit(kpi, amount)
        shown = _number(amount)
        pct_shown = _number(pct)
        if self.ru:
            return f"ещё {shown} {unit} до {pct_shown} %".replace("  ", " ")
        return f"{shown} more {unit} to reach {pct_shown} %".replace("  ", " ")

    def over(self, amount: Decimal, kpi: Kpi) -> str:
        unit = self._unit(kpi, amount)
        shown = _number(amount)
        if self.ru:
            return f"на {shown} {unit} больше допустимого"
        return f"{shown} {unit} over the limit"

    def report_due(self, placement_id: str, days: int) -> str:
        if days <= 0:
            return (f"отчёт по размещению {placement_id} просрочен" if self.ru
                    else f"report for placement {placement_id} is overdue")
        if self.ru:
            return f"отчёт по размещению {placement_id}: срок через {days} дн."
        return f"report for placement {placement_id} due in {days} days"

    def _unit(self, kpi: Kpi, amount: Decimal) -> str:
        english, russian = UNITS.get(kpi.metric, ("", ("", "", "")))
        if not self.ru:
            return english
        return russian[_russian_form(amount)]


def _russian_form(amount: Decimal) -> int:
    """0 for 1, 21, 31...; 1 for 2-4, 22-24...; 2 otherwise (and fractions)."""
    if amount != amount.to_integral_value():
        return 1
    whole = int(abs(amount))
    if whole % 10 == 1 and whole % 100 != 11:
        return 0
    if 2 <= whole % 10 <= 4 and not 12 <= whole % 100 <= 14:
        return 1
    return 2


def _number(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.01"))
    text = format(rounded, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
