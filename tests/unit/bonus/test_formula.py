from decimal import Decimal

import pytest

from chalicelib.bonus.formula import FormulaError, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1 + 0.2", "0.3"),
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 2 - 3", "5"),
        ("-units + 1", "-2"),
        ("units / 4", "0.75"),
        ("min(units, 2) + max(1, 5)", "7"),
        ("abs(0 - units)", "3"),
        ("if(units >= 3 and not zero, 100, 0)", "100"),
        ("round(10.005, 2)", "10.01"),
        ("units > 3 or units == 3", "1"),
    ],
)
def test_formulas_compute_exactly_in_decimal(text, expected):
    value = parse(text).evaluate({"units": Decimal(3), "zero": Decimal(0)})

    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["units / 0", "missing * 2", "if(missing, 1, 2)"])
def test_a_missing_input_or_a_zero_divisor_gives_no_value(text):
    assert parse(text).evaluate({"units": Decimal(3), "missing": None}) is None


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "units.real", "open(1)", "1e3", "1 +", "units[0]",
     "lambda: 1", "if(1, 2)", "x" * 600],
)
def test_anything_outside_the_language_is_refused(text):
    with pytest.raises(FormulaError):
        parse(text)
