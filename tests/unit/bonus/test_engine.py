from decimal import Decimal

import pytest

from chalicelib.bonus.engine import LineKind, participates, statement
from chalicelib.bonus.facts import ReportState
from tests.unit.bonus.conftest import dealer, facts, placement, rules, sales_units_kpi

TIERED = sales_units_kpi(tiers=[
    {"from_pct": "90", "rate": "0.5"},
    {"from_pct": "100", "rate": "1"},
    {"from_pct": "120", "rate": "1.5"},
])
PER_CAR = {"id": "per_car", "name": "За автомобиль", "kind": "per_car",
           "amount": "10000", "kpi": "sales"}


@pytest.mark.parametrize(
    ("units", "plan", "expected"),
    [
        (8, 10, "0.00"),        # 80 %: below the first tier
        (9, 10, "45000.00"),    # 90 % exactly: first tier, 9 × 10000 × 0.5
        (10, 10, "100000.00"),  # 100 % exactly: second tier
        (11, 10, "110000.00"),  # 110 %: still the second tier
        (12, 10, "180000.00"),  # 120 % exactly: top tier, 12 × 10000 × 1.5
        (119, 100, "1190000.00"),  # 119 %: just under the top tier
    ],
)
def test_tiers_apply_from_their_lower_edge_inclusive(units, plan, expected):
    program = rules(kpis=[TIERED], rewards=[PER_CAR])

    result = statement(program, dealer(), facts(units=units, plan=plan))

    assert result is not None
    assert result.total == Decimal(expected)


@pytest.mark.parametrize(
    ("effect", "cut_pct", "survey", "expected"),
    [
        ("void", None, False, "0.00"),
        ("void", None, True, "100000.00"),
        ("cut", "30", False, "70000.00"),
        ("cut", "100", False, "0.00"),
        ("cut", "30", None, "70000.00"),  # survey not in yet: the gate fails
    ],
)
def test_a_failed_gate_voids_or_cuts_the_rewards(effect, cut_pct, survey, expected):
    survey_kpi = {"id": "survey", "name": "Опрос", "metric": "survey_answered",
                  "target": {"kind": "fixed", "value": "1"}}
    gate = {"id": "survey_gate", "kpi": "survey", "effect": effect, "cut_pct": cut_pct}
    program = rules(kpis=[TIERED, survey_kpi], rewards=[PER_CAR], gates=[gate])

    result = statement(program, dealer(), facts(survey_answered=survey))

    assert result is not None
    assert result.total == Decimal(expected)
    gate_lines = [line for line in result.lines if line.kind is LineKind.GATE]
    assert len(gate_lines) == (0 if survey else 1)


@pytest.mark.parametrize(
    ("limits", "expected_total"),
    [
        ({"reward_cap": "60000"}, "60000.00"),
        ({"reward_cap": "200000"}, "100000.00"),
        ({"reward_floor": "150000"}, "150000.00"),
        ({"total_cap": "99999.99"}, "99999.99"),
        ({"total_floor": "0"}, "100000.00"),
    ],
)
def test_caps_and_floors_bound_the_rewards_and_the_total(limits, expected_total):
    program = rules(kpis=[TIERED], rewards=[PER_CAR], limits=limits)

    result = statement(program, dealer(), facts(units=10, plan=10))

    assert result is not None
    assert result.total == Decimal(expected_total)


def test_penalties_can_make_a_statement_negative():
    late = placement("pl-late", state=ReportState.ACCEPTED_LATE)
    missing = placement("pl-missing", state=ReportState.DECLINED, mandatory=True)
    penalties = [
        {"id": "late", "name": "Опоздание", "kind": "per_late_report",
         "amount": "5000"},
        {"id": "missing", "name": "Нет обязательного", "kind": "per_missing_mandatory",
         "amount": "20000"},
        {"id": "dups", "name": "Дубликаты", "kind": "per_duplicate_photo",
         "amount": "3000", "cap": "5000"},
    ]
    program = rules(kpis=[TIERED], rewards=[PER_CAR], penalties=penalties)

    result = statement(program, dealer(), facts(
        units=8, plan=10, placements=(late, missing), duplicate_photos=3))

    assert result is not None
    assert [line.amount for line in result.lines] == [
        Decimal("0.00"), Decimal("-5000.00"), Decimal("-20000.00"), Decimal("-5000.00")]
    assert result.total == Decimal("-30000.00")
    assert result.totals[LineKind.PENALTY] == Decimal("-30000.00")


def test_a_total_floor_stops_penalties_below_it():
    penalties = [{"id": "late", "name": "Опоздание", "kind": "per_late_report",
                  "amount": "5000"}]
    program = rules(penalties=penalties, limits={"total_floor": "-3000"})
    late = placement("pl-late", state=ReportState.OVERDUE)

    result = statement(program, dealer(), facts(placements=(late,)))

    assert result is not None
    assert result.total == Decimal("-3000.00")


@pytest.mark.parametrize("plan", [0, None])
def test_a_zero_or_missing_plan_gives_no_percentage_and_no_error(plan):
    program = rules(kpis=[TIERED], rewards=[PER_CAR])

    result = statement(program, dealer(), facts(units=5, plan=plan))

    assert result is not None
    sales = result.kpis[0]
    assert sales.pct is None
    assert sales.met is None
    assert result.total == Decimal("0.00")
    assert result.lines[0].inputs["sales_pct"] == "no value"


@pytest.mark.parametrize(
    ("mode", "revenue", "expected"),
    [
        ("half_up", "1000.50", "10.01"),    # 10.005 → 10.01
        ("half_even", "1000.50", "10.00"),  # 10.005 → 10.00 (banker's)
        ("half_up", "1000.49", "10.00"),    # 10.0049 → 10.00
        ("down", "1000.99", "10.00"),
    ],
)
def test_lines_round_at_half_a_kopeck_by_the_program_rule(mode, revenue, expected):
    share = {"id": "share", "name": "Доля выручки", "kind": "revenue_share",
             "share_pct": "1"}
    program = rules(rewards=[share], rounding={"mode": mode})

    result = statement(program, dealer(), facts(revenue=revenue))

    assert result is not None
    assert result.lines[0].amount == Decimal(expected)


def test_rounding_defaults_to_half_up_to_the_kopeck():
    share = {"id": "share", "name": "Доля выручки", "kind": "revenue_share",
             "share_pct": "1"}

    result = statement(rules(rewards=[share]), dealer(), facts(revenue="0.50"))

    assert result is not None
    assert result.total == Decimal("0.01")


@pytest.mark.parametrize(
    ("participation", "who", "takes_part"),
    [
        ({}, dealer(), True),
        ({"cities": ["Москва"]}, dealer(), False),
        ({"cities": ["Москва"], "include": ["AUR-KZN-01"]}, dealer(), True),
        ({"categories": ["standard"], "exclude": ["AUR-KZN-01"]}, dealer(), False),
        ({"regions": ["Татарстан"], "categories": ["flagship"]}, dealer(), False),
        ({"regions": ["Татарстан"], "categories": ["standard"]}, dealer(), True),
    ],
)
def test_participation_by_city_region_category_and_explicit_lists(
    participation, who, takes_part
):
    program = rules(participation=participation, rewards=[
        {"id": "flat", "name": "Фикс", "kind": "fixed", "amount": "1000"}])

    result = statement(program, who, facts())

    assert participates(program, who) is takes_part
    assert (result is not None) is takes_part


def test_compensation_pays_a_share_of_approved_cost_within_caps():
    compensation = {
        "id": "outdoor", "name": "Компенсация наружки", "share_pct": "50",
        "channels": ["outdoor"], "cap_per_placement": "40000",
        "cap_per_dealer": "70000",
    }
    placements = (
        placement("pl-1", approved="100000"),   # 50 000 → capped at 40 000
        placement("pl-2", approved="60000"),    # 30 000
        placement("pl-3", approved="10000", channel="radio"),  # not outdoor
        placement("pl-4", approved="10000", state=ReportState.OPEN),  # no report
        placement("pl-5", approved=None),       # not approved
    )
    program = rules(compensations=[compensation], limits={"compensation_cap": "65000"})

    result = statement(program, dealer(), facts(placements=placements))

    assert result is not None
    assert [line.amount for line in result.lines] == [
        Decimal("40000.00"), Decimal("30000.00"), Decimal("-5000.00")]
    assert result.lines[-1].rule == "limits.compensation_cap"
    assert result.totals[LineKind.COMPENSATION] == Decimal("65000.00")
    assert result.lines[0].inputs["cap_per_placement"] == "40000"


def test_a_formula_reward_is_computed_in_decimal():
    reward = {"id": "custom", "name": "Формула", "kind": "formula",
              "formula": "sales_units * 0.1 + if(sales_pct >= 100, 1000.005, 0)"}
    program = rules(kpis=[sales_units_kpi()], rewards=[reward],
                    rounding={"step": "0.001"})

    result = statement(program, dealer(), facts(units=3, plan=3))

    assert result is not None
    assert result.total == Decimal("1000.305")


def test_lines_explain_their_rule_inputs_and_formula():
    program = rules(kpis=[TIERED], rewards=[PER_CAR])

    result = statement(program, dealer(), facts(units=12, plan=10))

    assert result is not None
    line = result.lines[0]
    assert line.rule == "rewards.per_car"
    assert line.inputs == {"units": "12", "per_car": "10000", "sales_pct": "120",
                           "tier_rate": "1.5"}
    assert line.formula == "12 × 10000 × 1.5 (tier rate)"
