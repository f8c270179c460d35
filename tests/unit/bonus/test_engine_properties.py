from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.bonus.engine import LineKind, statement
from chalicelib.bonus.facts import ReportState
from tests.unit.bonus.conftest import dealer, facts, placement, rules, sales_units_kpi

amounts = st.decimals(min_value=0, max_value=1_000_000, places=2)
rates = st.decimals(min_value=0, max_value=3, places=2)


@st.composite
def rising_tiers(draw):
    bounds = sorted(draw(st.sets(st.integers(50, 150), min_size=1, max_size=5)))
    steps = draw(st.lists(rates, min_size=len(bounds), max_size=len(bounds)))
    rate, tiers = Decimal(0), []
    for bound, step in zip(bounds, steps, strict=True):
        rate += step
        tiers.append({"from_pct": str(bound), "rate": str(rate)})
    return tiers


@settings(max_examples=200, deadline=None)
@given(tiers=rising_tiers(), per_car=amounts, plan=st.integers(0, 200),
       units=st.integers(0, 300), more=st.integers(0, 100),
       kind=st.sampled_from(["per_car", "fixed", "revenue_share"]))
def test_more_sales_never_lower_a_sales_reward(tiers, per_car, plan, units, more,
                                                kind):
    reward = {"id": "sales_reward", "name": "Продажи", "kind": kind,
              "amount": str(per_car), "share_pct": "1", "kpi": "sales"}
    program = rules(kpis=[sales_units_kpi(tiers=tiers)], rewards=[reward])

    def earned(sold: int) -> Decimal:
        result = statement(program, dealer(), facts(
            units=sold, plan=plan, revenue=str(Decimal(sold) * 2_500_000)))
        assert result is not None
        return result.totals[LineKind.REWARD]

    assert earned(units + more) >= earned(units)


@st.composite
def programs_and_facts(draw):
    limits = {name: str(draw(amounts)) for name in
              draw(st.sets(st.sampled_from(["reward_cap", "compensation_cap",
                                            "total_cap"])))}
    if draw(st.booleans()):
        limits["total_floor"] = str(-draw(amounts))
    program = rules(
        kpis=[sales_units_kpi(tiers=draw(rising_tiers()))],
        rewards=[{"id": "r", "name": "R", "kind": "per_car",
                  "amount": str(draw(amounts)), "kpi": "sales"}],
        gates=[{"id": "g", "kpi": "sales", "effect": "cut",
                "cut_pct": str(draw(st.integers(0, 100)))}],
        compensations=[{"id": "c", "name": "C",
                        "share_pct": str(draw(st.integers(0, 100))),
                        "cap_per_placement": str(draw(amounts))}],
        penalties=[{"id": "p", "name": "P", "kind": "per_late_report",
                    "amount": str(draw(amounts) + 1)}],
        limits=limits,
        rounding={"mode": draw(st.sampled_from(["half_up", "half_even", "down"]))},
    )
    states = st.sampled_from(list(ReportState))
    placements = tuple(
        placement(f"pl-{n}", approved=str(draw(amounts)), state=draw(states))
        for n in range(draw(st.integers(0, 6)))
    )
    dealer_facts = facts(units=draw(st.integers(0, 50)), plan=draw(st.integers(0, 50)),
                         placements=placements)
    return program, dealer_facts


@settings(max_examples=200, deadline=None)
@given(case=programs_and_facts())
def test_a_statements_total_is_the_sum_of_its_lines(case):
    program, dealer_facts = case

    result = statement(program, dealer(), dealer_facts)

    assert result is not None
    assert result.total == sum(line.amount for line in result.lines)
    assert result.total == sum(result.totals.values())
    assert all(line.amount == line.amount.quantize(Decimal("0.01"))
               for line in result.lines)


@settings(max_examples=50, deadline=None)
@given(case=programs_and_facts())
def test_the_same_inputs_give_the_same_statement(case):
    program, dealer_facts = case

    first = statement(program, dealer(), dealer_facts)
    second = statement(program.model_copy(deep=True), dealer(), dealer_facts)

    assert first == second
