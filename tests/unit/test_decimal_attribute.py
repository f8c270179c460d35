"""Money stored exactly: the decimal attribute never passes through float."""

from decimal import Decimal

import pytest

from chalicelib.dynamo import DecimalAttribute


@pytest.mark.parametrize("amount", ["125000.50", "0.10", "-3.333", "0",
                                    "99999999999999999999999999999999999999"])
def test_an_amount_is_stored_and_read_back_digit_for_digit(amount):
    attribute = DecimalAttribute()

    stored = attribute.serialize(Decimal(amount))

    assert stored == amount
    assert attribute.deserialize(stored) == Decimal(amount)
    assert str(attribute.deserialize(stored)) == amount


def test_a_float_is_refused_rather_than_rounded():
    with pytest.raises(TypeError):
        DecimalAttribute().serialize(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_a_value_that_is_not_a_number_is_refused_before_dynamodb(amount):
    with pytest.raises(ValueError):
        DecimalAttribute().serialize(Decimal(amount))
