from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.bonus.checklist import ItemState, build
from chalicelib.bonus.facts import ReportState
from tests.unit.bonus.conftest import (
    DUE,
    dealer,
    facts,
    placement,
    rules,
    sales_units_kpi,
)

TIERS = [{"from_pct": "90", "rate": "0.5"}, {"from_pct": "100", "rate": "1"},
         {"from_pct": "120", "rate": "1.5"}]
NOW = DUE - timedelta(days=3)


def sales_checklist(units, plan, language="en", **kpi):
    program = rules(kpis=[sales_units_kpi(**kpi)], rewards=[
        {"id": "per_car", "name": "За автомобиль", "kind": "per_car",
         "amount": "10000", "kpi": "sales"}])
    return build(program, "2026-11", dealer(), facts(units=units, plan=plan), NOW,
                 language)


@pytest.mark.parametrize(
    ("units", "state", "tier", "needs", "missing"),
    [
        (7, ItemState.NOT_MET, None, "2", "2 more cars to reach 90 %"),
        (9, ItemState.MET, 0, "1", "1 more cars to reach 100 %"),
        (10, ItemState.MET, 1, "2", "2 more cars to reach 120 %"),
        (12, ItemState.MET, 2, None, None),
    ],
)
def test_the_tier_and_what_the_next_tier_needs(units, state, tier, needs, missing):
    checklist = sales_checklist(units, 10, tiers=TIERS)

    item = checklist.items[0]
    assert item.state is state
    assert item.tier == tier
    assert (item.next_tier.needs if item.next_tier else None) == (
        None if needs is None else Decimal(needs))
    assert item.missing == missing


def test_a_kpi_without_data_is_unknown_and_a_zero_plan_is_not_a_percentage():
    no_data = sales_checklist(None, 10, tiers=TIERS)
    zero_plan = sales_checklist(4, 0, tiers=TIERS)

    assert no_data.items[0].state is ItemState.UNKNOWN
    assert no_data.items[0].missing == "no data yet"
    assert zero_plan.items[0].state is ItemState.UNKNOWN
    assert zero_plan.items[0].pct is None
    assert zero_plan.items[0].missing == "the plan is zero: no percentage"


def test_the_estimate_follows_the_data_so_far():
    checklist = sales_checklist(9, 10, tiers=TIERS)

    assert checklist.estimate is not None
    assert checklist.estimate.total == Decimal("45000.00")


def test_missing_is_written_in_russian_by_default():
    checklist = sales_checklist(7, 10, language="ru", tiers=TIERS)
    one_more = sales_checklist(9, 10, language="ru", tiers=TIERS)
    many_more = sales_checklist(30, 100, language="ru", tiers=TIERS)

    assert checklist.items[0].missing == "ещё 2 автомобиля до 90 %"
    assert one_more.items[0].missing == "ещё 1 автомобиль до 100 %"
    assert many_more.items[0].missing == "ещё 60 автомобилей до 90 %"


def test_an_open_mandatory_report_says_when_it_is_due():
    program = rules()
    pending = placement("pl-radio", state=ReportState.OPEN, mandatory=True)
    overdue = replace(placement("pl-tv", state=ReportState.RETURNED, mandatory=True),
                      due_at=NOW - timedelta(hours=1))

    checklist = build(program, "2026-11", dealer(),
                      facts(placements=(pending, overdue)), NOW, "en")

    texts = [(item.rule, item.state, item.missing) for item in checklist.items]
    assert texts == [
        ("reports.pl-tv", ItemState.NOT_MET, "report for placement pl-tv is overdue"),
        ("reports.pl-radio", ItemState.UNKNOWN,
         "report for placement pl-radio due in 3 days"),
    ]


def test_a_gate_shows_the_state_of_its_kpi():
    program = rules(
        kpis=[{"id": "leads", "name": "Лиды", "metric": "leads",
               "target": {"kind": "per_category", "by_category": {"standard": "50"}}},
              {"id": "late", "name": "Опоздания", "metric": "late_reports",
               "direction": "at_most", "target": {"kind": "fixed", "value": "0"}}],
        gates=[{"id": "leads_gate", "kpi": "leads", "effect": "void"},
               {"id": "late_gate", "kpi": "late", "effect": "cut", "cut_pct": "20"}])
    late = placement("pl-1", state=ReportState.ACCEPTED_LATE)

    checklist = build(program, "2026-11", dealer(),
                      facts(leads=42, placements=(late,)), NOW, "en")

    gates = {item.rule: item for item in checklist.items if item.kind == "gate"}
    assert gates["gates.leads_gate"].state is ItemState.NOT_MET
    assert gates["gates.leads_gate"].missing == "8 more leads to reach 100 %"
    assert gates["gates.late_gate"].missing == "1 late reports over the limit"


def test_a_dealer_outside_the_participation_has_an_empty_checklist():
    program = rules(participation={"cities": ["Москва"]})

    checklist = build(program, "2026-11", dealer(), facts(), datetime.now(UTC), "en")

    assert checklist.takes_part is False
    assert checklist.items == ()
    assert checklist.estimate is None
