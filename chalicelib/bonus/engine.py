"""The bonus engine: a program and one dealer's facts give its statement.

Pure and deterministic: the same program and facts always give the same
lines in the same order. Every line carries its rule, the input numbers, the
formula written out, and its amount rounded by the program's rule, so a
statement's total is exactly the sum of its lines.

Order of a statement: rewards, failed gates (void or cut what the rewards
came to), the reward cap and floor, compensations (per placement, then the
rule's and the period's caps), penalties, and last the total's cap and floor.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from chalicelib.bonus.facts import DealerFacts, PlacementFacts
from chalicelib.bonus.formula import parsed as parse
from chalicelib.bonus.program import (
    Compensation,
    Direction,
    Gate,
    GateEffect,
    Kpi,
    Metric,
    Penalty,
    PenaltyKind,
    ProgramRules,
    Reward,
    RewardKind,
    TargetKind,
)
from chalicelib.network.model import Dealer

HUNDRED = Decimal(100)
ZERO = Decimal(0)


class LineKind(StrEnum):
    REWARD = "reward"
    GATE = "gate"
    COMPENSATION = "compensation"
    PENALTY = "penalty"
    ADJUSTMENT = "adjustment"


LEDGER_KINDS = frozenset({LineKind.COMPENSATION, LineKind.PENALTY})


@dataclass(frozen=True, slots=True)
class KpiResult:
    kpi_id: str
    value: Decimal | None
    target: Decimal | None
    pct: Decimal | None
    met: bool | None
    """None: not known yet (no data, no target for the dealer, a zero plan)."""
    tier: int | None = None
    rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Line:
    rule: str
    kind: LineKind
    name: str
    inputs: dict[str, str]
    formula: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    dealer_code: str
    kpis: tuple[KpiResult, ...]
    lines: tuple[Line, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def totals(self) -> dict[LineKind, Decimal]:
        by_kind = {kind: ZERO for kind in LineKind}
        for line in self.lines:
            by_kind[line.kind] += line.amount
        return by_kind


def participates(rules: ProgramRules, dealer: Dealer) -> bool:
    """Explicit exclusion wins, then explicit inclusion; otherwise the dealer
    must match every non-empty list of cities, regions and categories."""
    taking_part = rules.participation
    if dealer.code in taking_part.exclude:
        return False
    if dealer.code in taking_part.include:
        return True
    filters = (
        (taking_part.cities, dealer.city),
        (taking_part.regions, dealer.region),
        (taking_part.categories, dealer.category),
    )
    return all(not allowed or value in allowed for allowed, value in filters)


def statement(
    rules: ProgramRules, dealer: Dealer, facts: DealerFacts
) -> Statement | None:
    """The dealer's statement, or None for a dealer outside the participation."""
    if not participates(rules, dealer):
        return None
    results, variables = _measured(rules, dealer, facts)
    builder = _Builder(rules, results, facts, variables)
    builder.rewards()
    builder.gates()
    builder.reward_limits()
    builder.compensations()
    builder.penalties()
    builder.total_limits()
    return Statement(dealer.code, tuple(results.values()), tuple(builder.lines))


def measure(
    rules: ProgramRules, dealer: Dealer, facts: DealerFacts
) -> dict[str, KpiResult]:
    """Every KPI's value against its target, in program order."""
    return _measured(rules, dealer, facts)[0]


def _measured(
    rules: ProgramRules, dealer: Dealer, facts: DealerFacts
) -> tuple[dict[str, KpiResult], dict[str, Decimal | None]]:
    variables = fact_variables(facts)
    results: dict[str, KpiResult] = {}
    for kpi in rules.kpis:
        result = _measure_kpi(kpi, dealer, facts, variables)
        results[kpi.id] = result
        variables[kpi.id] = result.value
        variables[f"{kpi.id}_pct"] = result.pct
    return results, variables


def fact_variables(facts: DealerFacts) -> dict[str, Decimal | None]:
    placements = facts.placements
    mandatory = None if placements is None else [p for p in placements if p.mandatory]
    return {
        "sales_units": _number(facts.sales_units),
        "sales_plan_units": _number(facts.sales_plan_units),
        "sales_revenue": facts.sales_revenue,
        "budget_plan": facts.budget_plan,
        "budget_spent": _spent(placements),
        "leads": _number(facts.leads),
        "lead_cost": facts.lead_cost,
        "late_reports": _count(placements, lambda p: p.is_late),
        "missing_mandatory": _count(mandatory, lambda p: p.is_missing),
        "duplicate_photos": _number(facts.duplicate_photos),
        "survey_answered": None if facts.survey_answered is None
        else Decimal(int(facts.survey_answered)),
        "mandatory_placements": None if mandatory is None else Decimal(len(mandatory)),
        "mandatory_on_time": _count(mandatory, lambda p: p.is_on_time),
        **facts.extra,
    }


def share_pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """`part` as a percent of `whole`; no value for a whole of zero."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * HUNDRED


def _measure_kpi(
    kpi: Kpi, dealer: Dealer, facts: DealerFacts, variables: dict[str, Decimal | None]
) -> KpiResult:
    value = _value(kpi, facts, variables)
    target = _target(kpi, dealer, facts)
    if kpi.target is None:
        return KpiResult(kpi.id, value, None, None, None if value is None else True)
    pct = share_pct(value, target)
    if value is None or target is None:
        return KpiResult(kpi.id, value, target, pct, None)
    if kpi.direction is Direction.AT_MOST:
        return KpiResult(kpi.id, value, target, pct, value <= target)
    return _at_least(kpi, value, target, pct)


def _at_least(
    kpi: Kpi, value: Decimal, target: Decimal, pct: Decimal | None
) -> KpiResult:
    if not kpi.tiers and kpi.threshold_pct is None:
        return KpiResult(kpi.id, value, target, pct, value >= target)
    if pct is None:
        return KpiResult(kpi.id, value, target, None, None)
    reached = [i for i, tier in enumerate(kpi.tiers) if pct >= tier.from_pct]
    tier = reached[-1] if reached else None
    rate = kpi.tiers[tier].rate if tier is not None else None
    if kpi.threshold_pct is not None:
        met = pct >= kpi.threshold_pct
    else:
        met = tier is not None
    return KpiResult(kpi.id, value, target, pct, met, tier, rate)


def _value(
    kpi: Kpi, facts: DealerFacts, variables: dict[str, Decimal | None]
) -> Decimal | None:
    metric = kpi.metric
    if metric is Metric.SALES_UNITS_OF_MODEL:
        sold = facts.model_sales(kpi.model or "")
        return None if sold is None else Decimal(sold.units)
    if metric is Metric.BUDGET_SPENT_SHARE:
        return share_pct(variables["budget_spent"], variables["budget_plan"])
    if metric is Metric.MANDATORY_ON_TIME_SHARE:
        on_time = variables["mandatory_on_time"]
        return share_pct(on_time, variables["mandatory_placements"])
    if metric is Metric.CPL:
        return _divided(variables["lead_cost"], variables["leads"])
    if metric is Metric.FORMULA:
        return parse(kpi.formula or "").evaluate(variables)
    return variables[_METRIC_FACT[metric]]


_METRIC_FACT = {
    Metric.SALES_UNITS: "sales_units",
    Metric.SALES_REVENUE: "sales_revenue",
    Metric.LATE_REPORTS: "late_reports",
    Metric.LEADS: "leads",
    Metric.SURVEY_ANSWERED: "survey_answered",
    Metric.DUPLICATE_PHOTOS: "duplicate_photos",
}


def _target(kpi: Kpi, dealer: Dealer, facts: DealerFacts) -> Decimal | None:
    target = kpi.target
    if target is None:
        return None
    if target.kind is TargetKind.FIXED:
        return target.value
    if target.kind is TargetKind.PER_DEALER:
        return target.by_dealer.get(dealer.code)
    if target.kind is TargetKind.PER_CATEGORY:
        return target.by_category.get(dealer.category)
    if kpi.metric is Metric.SALES_UNITS_OF_MODEL:
        sold = facts.model_sales(kpi.model or "")
        return None if sold is None else _number(sold.plan_units)
    return _number(facts.sales_plan_units)


class _Builder:
    """Collects a statement's lines, rounding each as it is added."""

    def __init__(
        self, rules: ProgramRules, results: dict[str, KpiResult],
        facts: DealerFacts, variables: dict[str, Decimal | None],
    ) -> None:
        self.rules = rules
        self.results = results
        self.facts = facts
        self.variables = variables
        self.tiered = {kpi.id for kpi in rules.kpis if kpi.tiers}
        self.lines: list[Line] = []

    def add(
        self, rule: str, kind: LineKind, name: str, inputs: dict[str, object],
        formula: str, amount: Decimal,
    ) -> Line:
        shown = {key: _shown(value) for key, value in inputs.items()}
        line = Line(rule, kind, name, shown, formula, self.rules.rounding.apply(amount))
        self.lines.append(line)
        return line

    def subtotal(self, *kinds: LineKind) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind in kinds), ZERO)

    # rewards and gates

    def rewards(self) -> None:
        for reward in self.rules.rewards:
            self._reward(reward)

    def _reward(self, reward: Reward) -> None:
        base, inputs, formula = self._reward_base(reward)
        factor, factor_inputs, factor_text = self._reward_factor(reward)
        amount = base * factor
        inputs.update(factor_inputs)
        formula = f"{formula}{factor_text}"
        if reward.cap is not None and amount > reward.cap:
            inputs["cap"] = reward.cap
            formula = f"min({formula}, {reward.cap})"
            amount = reward.cap
        rule = f"rewards.{reward.id}"
        self.add(rule, LineKind.REWARD, reward.name, inputs, formula, amount)

    def _reward_base(self, reward: Reward) -> tuple[Decimal, dict[str, object], str]:
        if reward.kind is RewardKind.FIXED:
            amount = reward.amount or ZERO
            return amount, {"amount": amount}, f"{amount}"
        if reward.kind is RewardKind.PER_CAR:
            units = self._units(reward.model)
            per_car = reward.amount or ZERO
            inputs: dict[str, object] = {"units": units, "per_car": per_car}
            return Decimal(units or 0) * per_car, inputs, f"{units or 0} × {per_car}"
        if reward.kind is RewardKind.REVENUE_SHARE:
            revenue = self._revenue(reward.model)
            share = reward.share_pct or ZERO
            inputs = {"revenue": revenue, "share_pct": share}
            amount = (revenue or ZERO) * share / HUNDRED
            return amount, inputs, f"{revenue or 0} × {share} %"
        value = parse(reward.formula or "").evaluate(self.variables)
        names = sorted(parse(reward.formula or "").names)
        inputs = {name: self.variables.get(name) for name in names}
        return value or ZERO, inputs, f"{reward.formula}"

    def _reward_factor(self, reward: Reward) -> tuple[Decimal, dict[str, object], str]:
        if reward.kpi is None:
            return Decimal(1), {}, ""
        result = self.results[reward.kpi]
        inputs: dict[str, object] = {f"{reward.kpi}_pct": result.pct}
        if reward.kpi in self.tiered:
            rate = result.rate if result.rate is not None else ZERO
            inputs["tier_rate"] = rate
            return rate, inputs, f" × {rate} (tier rate)"
        met = bool(result.met)
        inputs[f"{reward.kpi}_met"] = "yes" if met else "no"
        return (Decimal(1) if met else ZERO), inputs, f" × {int(met)} (KPI met)"

    def _units(self, model: str | None) -> int | None:
        if model is None:
            return self.facts.sales_units
        sold = self.facts.model_sales(model)
        return None if sold is None else sold.units

    def _revenue(self, model: str | None) -> Decimal | None:
        if model is None:
            return self.facts.sales_revenue
        sold = self.facts.model_sales(model)
        return None if sold is None else sold.revenue

    def gates(self) -> None:
        for gate in self.rules.gates:
            result = self.results[gate.kpi]
            if result.met is not True:
                self._failed_gate(gate, result)

    def _failed_gate(self, gate: Gate, result: KpiResult) -> None:
        remaining = self.subtotal(LineKind.REWARD, LineKind.GATE)
        inputs: dict[str, object] = {
            "kpi": gate.kpi, "value": result.value, "target": result.target,
            "rewards": remaining,
        }
        if remaining <= 0:
            amount, formula = ZERO, "nothing to cut"
        elif gate.effect is GateEffect.VOID:
            amount, formula = -remaining, f"-{remaining} (bonus void)"
        else:
            cut = gate.cut_pct or ZERO
            inputs["cut_pct"] = cut
            amount, formula = -remaining * cut / HUNDRED, f"-{remaining} × {cut} %"
        self.add(f"gates.{gate.id}", LineKind.GATE, gate.id, inputs, formula, amount)

    def reward_limits(self) -> None:
        limits = self.rules.limits
        self._limit("limits.reward_cap", "limits.reward_floor", LineKind.REWARD,
                    self.subtotal(LineKind.REWARD, LineKind.GATE),
                    limits.reward_cap, limits.reward_floor)

    # compensations and penalties

    def compensations(self) -> None:
        for compensation in self.rules.compensations:
            self._compensation(compensation)
        cap = self.rules.limits.compensation_cap
        paid = self.subtotal(LineKind.COMPENSATION)
        if cap is not None and paid > cap:
            self.add("limits.compensation_cap", LineKind.COMPENSATION,
                     "compensation cap", {"compensations": paid, "cap": cap},
                     f"{cap} - {paid}", cap - paid)

    def _compensation(self, rule: Compensation) -> None:
        paid = ZERO
        for placement in self._eligible(rule):
            approved = placement.approved_amount or ZERO
            amount = approved * rule.share_pct / HUNDRED
            inputs: dict[str, object] = {
                "placement_id": placement.placement_id, "approved_amount": approved,
                "share_pct": rule.share_pct,
            }
            formula = f"{approved} × {rule.share_pct} %"
            if rule.cap_per_placement is not None and amount > rule.cap_per_placement:
                inputs["cap_per_placement"] = rule.cap_per_placement
                formula = f"min({formula}, {rule.cap_per_placement})"
                amount = rule.cap_per_placement
            line = self.add(f"compensations.{rule.id}", LineKind.COMPENSATION,
                            rule.name, inputs, formula, amount)
            paid += line.amount
        cap = rule.cap_per_dealer
        if cap is not None and paid > cap:
            self.add(f"compensations.{rule.id}.cap_per_dealer", LineKind.COMPENSATION,
                     rule.name, {"compensations": paid, "cap_per_dealer": cap},
                     f"{cap} - {paid}", cap - paid)

    def _eligible(self, rule: Compensation) -> list[PlacementFacts]:
        placements = self.facts.placements or ()
        return [
            p for p in sorted(placements, key=lambda p: p.placement_id)
            if p.approved_amount is not None
            and (not rule.channels or p.channel in rule.channels)
            and (p.mandatory or not rule.mandatory_only)
            and (p.is_accepted or not rule.requires_accepted_report)
        ]

    def penalties(self) -> None:
        for penalty in self.rules.penalties:
            count = self._occurrences(penalty)
            if not count:
                continue
            amount = penalty.amount * count
            inputs: dict[str, object] = {"count": count, "per_case": penalty.amount}
            formula = f"-{count} × {penalty.amount}"
            if penalty.cap is not None and amount > penalty.cap:
                inputs["cap"] = penalty.cap
                formula = f"-min({count} × {penalty.amount}, {penalty.cap})"
                amount = penalty.cap
            self.add(f"penalties.{penalty.id}", LineKind.PENALTY, penalty.name,
                     inputs, formula, -amount)

    def _occurrences(self, penalty: Penalty) -> int:
        name = {
            PenaltyKind.PER_LATE_REPORT: "late_reports",
            PenaltyKind.PER_MISSING_MANDATORY: "missing_mandatory",
            PenaltyKind.PER_DUPLICATE_PHOTO: "duplicate_photos",
        }[penalty.kind]
        return int(self.variables[name] or 0)

    def total_limits(self) -> None:
        limits = self.rules.limits
        self._limit("limits.total_cap", "limits.total_floor", LineKind.ADJUSTMENT,
                    self.subtotal(*LineKind), limits.total_cap, limits.total_floor)

    def _limit(
        self, cap_rule: str, floor_rule: str, kind: LineKind, subtotal: Decimal,
        cap: Decimal | None, floor: Decimal | None,
    ) -> None:
        if cap is not None and subtotal > cap:
            self.add(cap_rule, kind, "cap", {"subtotal": subtotal, "cap": cap},
                     f"{cap} - {subtotal}", cap - subtotal)
        elif floor is not None and subtotal < floor:
            self.add(floor_rule, kind, "floor", {"subtotal": subtotal, "floor": floor},
                     f"{floor} - {subtotal}", floor - subtotal)


def _spent(placements: tuple[PlacementFacts, ...] | None) -> Decimal | None:
    if placements is None:
        return None
    return sum((p.approved_amount or ZERO for p in placements), ZERO)


def _count(
    placements: Sequence[PlacementFacts] | None,
    test: Callable[[PlacementFacts], bool],
) -> Decimal | None:
    if placements is None:
        return None
    return Decimal(sum(1 for placement in placements if test(placement)))


def _number(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _divided(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def _shown(value: object) -> str:
    if value is None:
        return "no value"
    if isinstance(value, Decimal):
        return _plain(value)
    return str(value)


def _plain(value: Decimal) -> str:
    """A decimal without exponent and without noise digits past 6 places."""
    text = format(value, "f")
    if "." not in text:
        return text
    fraction = text.split(".")[1]
    if len(fraction) > 6:
        return _plain(value.quantize(Decimal("0.000001")))
    return text.rstrip("0").rstrip(".")
