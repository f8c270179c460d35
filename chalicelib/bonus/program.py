"""The motivation program as typed, versioned data, and its checks.

`ProgramRules` is what a manager edits: who takes part, the KPIs, gates,
rewards, compensations, penalties, limits and the rounding rule. Pydantic
checks each field's type; `check_rules` checks what spans fields (a gate
naming an unknown KPI, a formula that does not parse, tiers out of order)
and reports every problem with the path of the field it concerns, so an
invalid program is refused at save time. Pure: no storage, no logging.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from chalicelib.bonus.formula import FormulaError, parse

SCHEMA_VERSION = 1
# Years 2000-2099: a period names a month of this business, and later
# month arithmetic (copying to the next period) must not overflow.
PERIOD_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Code = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]


def _exact(value: Any) -> Any:
    """Amounts arrive as decimal strings or integers; a JSON float has already
    lost digits, so it is refused rather than guessed at."""
    if isinstance(value, float):
        raise ValueError("send the number as a decimal string, e.g. \"1500.50\"")
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_exact),
    Field(allow_inf_nan=False, max_digits=20, decimal_places=6),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_exact),
    Field(ge=0, le=10000, allow_inf_nan=False, decimal_places=6),
]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metric(StrEnum):
    """The KPI catalogue: every metric the engine knows how to measure."""

    SALES_UNITS = "sales_units"
    SALES_UNITS_OF_MODEL = "sales_units_of_model"
    SALES_REVENUE = "sales_revenue"
    BUDGET_SPENT_SHARE = "budget_spent_share"
    MANDATORY_ON_TIME_SHARE = "mandatory_on_time_share"
    LATE_REPORTS = "late_reports"
    LEADS = "leads"
    CPL = "cpl"
    SURVEY_ANSWERED = "survey_answered"
    DUPLICATE_PHOTOS = "duplicate_photos"
    FORMULA = "formula"


class Direction(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class TargetKind(StrEnum):
    PLAN = "plan"
    """The dealer's own plan from the facts (sales plans only)."""
    FIXED = "fixed"
    PER_DEALER = "per_dealer"
    PER_CATEGORY = "per_category"


PLANNED_METRICS = frozenset({Metric.SALES_UNITS, Metric.SALES_UNITS_OF_MODEL})


class Target(Spec):
    """Limitation: per-dealer targets arrive in the program body
    (`by_dealer`); importing them from a spreadsheet (POST /v1/imports) is
    not built yet, so a manager pastes them into the program for now."""

    kind: TargetKind
    value: Amount | None = None
    by_dealer: dict[Code, Amount] = Field(default_factory=dict, max_length=2000)
    by_category: dict[Name, Amount] = Field(default_factory=dict, max_length=50)


class Tier(Spec):
    """From `from_pct` percent of the target (inclusive) the rate applies."""

    from_pct: Percent
    rate: Amount


class Kpi(Spec):
    id: RuleId
    name: Name
    metric: Metric
    model: Name | None = None
    formula: str | None = Field(None, max_length=500)
    direction: Direction = Direction.AT_LEAST
    target: Target | None = None
    threshold_pct: Percent | None = None
    tiers: list[Tier] = Field(default_factory=list, max_length=20)


class GateEffect(StrEnum):
    VOID = "void"
    CUT = "cut"


class Gate(Spec):
    id: RuleId
    kpi: RuleId
    effect: GateEffect
    cut_pct: Percent | None = None


class RewardKind(StrEnum):
    FIXED = "fixed"
    PER_CAR = "per_car"
    REVENUE_SHARE = "revenue_share"
    FORMULA = "formula"


class Reward(Spec):
    id: RuleId
    name: Name
    kind: RewardKind
    amount: Amount | None = None
    share_pct: Percent | None = None
    formula: str | None = Field(None, max_length=500)
    model: Name | None = None
    kpi: RuleId | None = None
    cap: Amount | None = None


class Compensation(Spec):
    id: RuleId
    name: Name
    share_pct: Percent
    channels: list[Name] = Field(default_factory=list, max_length=50)
    mandatory_only: bool = False
    requires_accepted_report: bool = True
    cap_per_placement: Amount | None = None
    cap_per_dealer: Amount | None = None


class PenaltyKind(StrEnum):
    PER_LATE_REPORT = "per_late_report"
    PER_MISSING_MANDATORY = "per_missing_mandatory"
    PER_DUPLICATE_PHOTO = "per_duplicate_photo"


class Penalty(Spec):
    id: RuleId
    name: Name
    kind: PenaltyKind
    amount: Amount = Field(gt=0)
    cap: Amount | None = None


class Participation(Spec):
    """Empty lists mean "any"; `include` adds dealers, `exclude` removes them."""

    cities: list[Name] = Field(default_factory=list, max_length=500)
    regions: list[Name] = Field(default_factory=list, max_length=200)
    categories: list[Name] = Field(default_factory=list, max_length=50)
    include: list[Code] = Field(default_factory=list, max_length=2000)
    exclude: list[Code] = Field(default_factory=list, max_length=2000)


class RoundingMode(StrEnum):
    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    DOWN = "down"
    UP = "up"
    FLOOR = "floor"
    CEILING = "ceiling"


DECIMAL_ROUNDING = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.DOWN: ROUND_DOWN,
    RoundingMode.UP: ROUND_UP,
    RoundingMode.FLOOR: ROUND_FLOOR,
    RoundingMode.CEILING: ROUND_CEILING,
}


class Rounding(Spec):
    """Every line is rounded to `step` (a kopeck by default), half up."""

    step: Amount = Field(default=Decimal("0.01"), gt=0)
    mode: RoundingMode = RoundingMode.HALF_UP

    def apply(self, amount: Decimal) -> Decimal:
        units = (amount / self.step).quantize(Decimal(1), DECIMAL_ROUNDING[self.mode])
        return (units * self.step).quantize(self.step)


class Limits(Spec):
    """Caps and floors: on the rewards after gates, on the dealer's
    compensations of the period, and on the statement's total.

    Limitation: every cap is per dealer. A network-wide pool for the period
    (all dealers' compensations together) would make one dealer's statement
    depend on the others' and is not offered."""

    reward_cap: Amount | None = None
    reward_floor: Amount | None = None
    compensation_cap: Amount | None = None
    total_cap: Amount | None = None
    total_floor: Amount | None = None


class ProgramRules(Spec):
    """Everything a manager edits in a motivation program."""

    schema_version: Literal[1] = 1
    participation: Participation = Field(default_factory=Participation)
    kpis: list[Kpi] = Field(default_factory=list, max_length=60)
    gates: list[Gate] = Field(default_factory=list, max_length=30)
    rewards: list[Reward] = Field(default_factory=list, max_length=30)
    compensations: list[Compensation] = Field(default_factory=list, max_length=20)
    penalties: list[Penalty] = Field(default_factory=list, max_length=20)
    limits: Limits = Field(default_factory=lambda: Limits())
    rounding: Rounding = Field(default_factory=lambda: Rounding())

    def kpi(self, kpi_id: str) -> Kpi:
        return next(kpi for kpi in self.kpis if kpi.id == kpi_id)


class ProgramStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class Program:
    """One stored motivation program of a brand for a period."""

    program_id: str
    brand_id: str
    period: str
    name: str
    rules: ProgramRules
    status: ProgramStatus
    updated_at: datetime
    updated_by: str
    published_at: datetime | None = None
    copied_from: str | None = None
    version: int = 1

    @property
    def is_published(self) -> bool:
        return self.status is ProgramStatus.PUBLISHED

    def changed(self, **changes: Any) -> "Program":
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    problem: str


@dataclass
class _Checker:
    rules: ProgramRules
    problems: list[Problem] = field(default_factory=list)

    def fail(self, path: str, problem: str) -> None:
        self.problems.append(Problem(path, problem))


def check_rules(rules: ProgramRules) -> list[Problem]:
    """Every rule that spans fields, as problems pointing at a field path
    (`kpis.2.tiers`); an empty list means the program is valid."""
    checker = _Checker(rules)
    _check_unique_ids(checker)
    _check_participation(checker)
    for index, kpi in enumerate(rules.kpis):
        _check_kpi(checker, f"kpis.{index}", kpi)
    for index, gate in enumerate(rules.gates):
        _check_gate(checker, f"gates.{index}", gate)
    for index, reward in enumerate(rules.rewards):
        _check_reward(checker, f"rewards.{index}", reward)
    _check_limits(checker)
    return checker.problems


def formula_names(rules: ProgramRules) -> frozenset[str]:
    """Names a formula may read: fact names and the values of KPIs, plus
    `<kpi>_pct` for KPIs with a target."""
    names = set(FACT_NAMES)
    for kpi in rules.kpis:
        names.add(kpi.id)
        names.add(f"{kpi.id}_pct")
    return frozenset(names)


FACT_NAMES = (
    "sales_units", "sales_plan_units", "sales_revenue", "budget_plan",
    "budget_spent", "leads", "lead_cost", "late_reports", "missing_mandatory",
    "duplicate_photos", "survey_answered", "mandatory_placements",
    "mandatory_on_time",
)


def _check_unique_ids(checker: _Checker) -> None:
    seen: set[str] = set()
    sections = ("kpis", "gates", "rewards", "compensations", "penalties")
    for section in sections:
        for index, rule in enumerate(getattr(checker.rules, section)):
            if rule.id in seen:
                checker.fail(f"{section}.{index}.id", f"id {rule.id!r} is used twice")
            seen.add(rule.id)


def _check_participation(checker: _Checker) -> None:
    participation = checker.rules.participation
    both = sorted(set(participation.include) & set(participation.exclude))
    if both:
        problem = f"dealers both included and excluded: {both!r}"
        checker.fail("participation.exclude", problem)


def _check_kpi(checker: _Checker, path: str, kpi: Kpi) -> None:
    if kpi.metric is Metric.SALES_UNITS_OF_MODEL and not kpi.model:
        checker.fail(f"{path}.model", "a sales-by-model KPI needs the model")
    if kpi.metric is Metric.FORMULA:
        _check_formula(checker, f"{path}.formula", kpi.formula, exclude=kpi.id)
    elif kpi.formula is not None:
        checker.fail(f"{path}.formula", "only a KPI of metric 'formula' has a formula")
    if kpi.target is not None:
        _check_target(checker, f"{path}.target", kpi)
    if (kpi.tiers or kpi.threshold_pct is not None) and kpi.target is None:
        checker.fail(f"{path}.target", "thresholds and tiers need a target")
    if kpi.tiers and kpi.direction is Direction.AT_MOST:
        checker.fail(f"{path}.tiers", "tiers apply to 'at_least' KPIs only")
    bounds = [tier.from_pct for tier in kpi.tiers]
    if bounds != sorted(set(bounds)):
        checker.fail(f"{path}.tiers", "tiers must rise strictly by from_pct")


def _check_target(checker: _Checker, path: str, kpi: Kpi) -> None:
    target = kpi.target
    assert target is not None
    if target.kind is TargetKind.PLAN and kpi.metric not in PLANNED_METRICS:
        checker.fail(f"{path}.kind", f"metric {kpi.metric.value!r} has no plan")
    if target.kind is TargetKind.FIXED and target.value is None:
        checker.fail(f"{path}.value", "a fixed target needs its value")
    if target.kind is TargetKind.PER_DEALER and not target.by_dealer:
        checker.fail(f"{path}.by_dealer", "a per-dealer target needs dealers")
    if target.kind is TargetKind.PER_CATEGORY and not target.by_category:
        checker.fail(f"{path}.by_category", "a per-category target needs categories")


def _check_gate(checker: _Checker, path: str, gate: Gate) -> None:
    kpi_ids = {kpi.id for kpi in checker.rules.kpis}
    if gate.kpi not in kpi_ids:
        checker.fail(f"{path}.kpi", f"no KPI {gate.kpi!r} in the program")
    elif checker.rules.kpi(gate.kpi).target is None:
        checker.fail(f"{path}.kpi", f"KPI {gate.kpi!r} has no target to meet")
    if gate.effect is GateEffect.CUT and gate.cut_pct is None:
        checker.fail(f"{path}.cut_pct", "a cutting gate needs the share it cuts")
    if gate.cut_pct is not None and gate.cut_pct > 100:
        checker.fail(f"{path}.cut_pct", "a gate cuts at most 100 %")


def _check_reward(checker: _Checker, path: str, reward: Reward) -> None:
    needs = {
        RewardKind.FIXED: "amount",
        RewardKind.PER_CAR: "amount",
        RewardKind.REVENUE_SHARE: "share_pct",
        RewardKind.FORMULA: "formula",
    }[reward.kind]
    if getattr(reward, needs) is None:
        checker.fail(f"{path}.{needs}", f"a {reward.kind.value!r} reward needs {needs}")
    if reward.kind is RewardKind.FORMULA:
        _check_formula(checker, f"{path}.formula", reward.formula, exclude=None)
    kpi_ids = {kpi.id for kpi in checker.rules.kpis}
    if reward.kpi is not None and reward.kpi not in kpi_ids:
        checker.fail(f"{path}.kpi", f"no KPI {reward.kpi!r} in the program")
    elif reward.kpi is not None and checker.rules.kpi(reward.kpi).target is None:
        checker.fail(f"{path}.kpi", f"KPI {reward.kpi!r} has no target to meet")


def _check_formula(
    checker: _Checker, path: str, text: str | None, exclude: str | None
) -> None:
    if not text:
        checker.fail(path, "the formula is empty")
        return
    try:
        formula = parse(text)
    except FormulaError as exc:
        checker.fail(path, str(exc))
        return
    known = formula_names(checker.rules) - _formula_kpis_from(checker.rules, exclude)
    unknown = sorted(formula.names - known)
    if unknown:
        checker.fail(path, f"unknown names {unknown!r}")


def _formula_kpis_from(rules: ProgramRules, exclude: str | None) -> set[str]:
    """A formula KPI may read earlier KPIs only, never itself or later ones,
    so evaluation has an order and no cycles."""
    if exclude is None:
        return set()
    ids = [kpi.id for kpi in rules.kpis]
    later = ids[ids.index(exclude):]
    return {name for kpi_id in later for name in (kpi_id, f"{kpi_id}_pct")}


def _check_limits(checker: _Checker) -> None:
    limits = checker.rules.limits
    pairs = (("reward_floor", "reward_cap"), ("total_floor", "total_cap"))
    for low, high in pairs:
        floor, cap = getattr(limits, low), getattr(limits, high)
        if floor is not None and cap is not None and floor > cap:
            checker.fail(f"limits.{low}", f"{low} is above {high}")
