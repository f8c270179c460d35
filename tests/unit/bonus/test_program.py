import pytest
from pydantic import ValidationError

from chalicelib.bonus.program import ProgramRules, check_rules
from tests.unit.bonus.conftest import rules, sales_units_kpi


@pytest.mark.parametrize(
    ("sections", "field"),
    [
        ({"gates": [{"id": "g", "kpi": "nope", "effect": "void"}]}, "gates.0.kpi"),
        ({"kpis": [sales_units_kpi()],
          "gates": [{"id": "g", "kpi": "sales", "effect": "cut"}]}, "gates.0.cut_pct"),
        ({"kpis": [sales_units_kpi(tiers=[{"from_pct": "100", "rate": "1"},
                                          {"from_pct": "90", "rate": "0.5"}])]},
         "kpis.0.tiers"),
        ({"kpis": [{"id": "f", "name": "F", "metric": "formula",
                    "formula": "sales_units * "}]}, "kpis.0.formula"),
        ({"kpis": [{"id": "f", "name": "F", "metric": "formula",
                    "formula": "secret_value + 1"}]}, "kpis.0.formula"),
        ({"kpis": [{"id": "f", "name": "F", "metric": "formula",
                    "formula": "f + 1"}]}, "kpis.0.formula"),
        ({"rewards": [{"id": "r", "name": "R", "kind": "per_car"}]},
         "rewards.0.amount"),
        ({"kpis": [{"id": "leads", "name": "Лиды", "metric": "leads",
                    "target": {"kind": "plan"}}]}, "kpis.0.target.kind"),
        ({"participation": {"include": ["AUR-MSK-01"], "exclude": ["AUR-MSK-01"]}},
         "participation.exclude"),
        ({"limits": {"total_floor": "10", "total_cap": "5"}}, "limits.total_floor"),
        ({"kpis": [sales_units_kpi(), sales_units_kpi()]}, "kpis.1.id"),
    ],
)
def test_an_invalid_program_names_the_field_at_fault(sections, field):
    problems = check_rules(rules(**sections))

    assert field in [problem.field for problem in problems]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"rewards": [{"id": "r", "name": "R", "kind": "fixed", "amount": 0.1}]},
         ("rewards", 0, "amount")),
        ({"kpis": [{"id": "k", "name": "K", "metric": "astrology"}]},
         ("kpis", 0, "metric")),
        ({"rounding": {"mode": "half_up", "step": "0"}}, ("rounding", "step")),
        ({"surprise": 1}, ("surprise",)),
    ],
)
def test_a_badly_typed_program_is_refused_by_the_schema(document, field):
    with pytest.raises(ValidationError) as refused:
        ProgramRules.model_validate(document)

    assert field in [error["loc"] for error in refused.value.errors()]


def test_a_valid_program_has_no_problems():
    program = rules(
        kpis=[sales_units_kpi(tiers=[{"from_pct": "100", "rate": "1"}]),
              {"id": "ratio", "name": "R", "metric": "formula",
               "formula": "sales_pct / 2"}],
        rewards=[{"id": "r", "name": "R", "kind": "fixed", "amount": "5000",
                  "kpi": "sales"}],
    )

    assert check_rules(program) == []
