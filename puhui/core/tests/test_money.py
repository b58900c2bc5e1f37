"""Money: exact parsing, half-up quantizing, and splits that add back to the total."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puhui.core.money import (
    MoneyError,
    money_from_minor,
    money_quantize,
    money_split,
    money_to_minor,
)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.34", "CNY", 1234), ("0.01", "CNY", 1), ("100", "CNY", 10000), ("7", "JPY", 7),
     (Decimal("1.50"), "USD", 150), ("1.230", "CNY", 123)],
)
def test_exact_amounts_become_minor_units(amount, currency, minor):
    assert money_to_minor(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [("1.234", "CNY", "too_many_decimals"), ("0.5", "JPY", "too_many_decimals"),
     ("abc", "CNY", "invalid_amount"), ("NaN", "CNY", "invalid_amount"),
     ("Infinity", "CNY", "invalid_amount"), ("1", "XXX", "unknown_currency"),
     (1.5, "CNY", "float_amount")],
)
def test_inexact_or_invalid_amounts_are_refused_not_rounded(amount, currency, code):
    with pytest.raises(MoneyError) as caught:
        money_to_minor(amount, currency)
    assert caught.value.code == code


def test_quantize_rounds_half_up_to_the_fen():
    assert money_quantize(Decimal("2.345"), "CNY") == Decimal("2.35")
    assert money_quantize(Decimal("2.344"), "CNY") == Decimal("2.34")
    assert money_quantize(Decimal("-2.345"), "CNY") == Decimal("-2.35")
    assert money_from_minor(123456, "CNY") == Decimal("1234.56")


def test_split_by_largest_remainder_worked_example():
    # 100 fen over 3 equal notes: 33.33.. each, remainders equal, earliest gets the extra fen
    assert money_split(100, [1, 1, 1]) == [34, 33, 33]
    # 1000 fen over weights 1:2:3 → 166.67, 333.33, 500 → remainders .67 .33 0
    assert money_split(1000, [1, 2, 3]) == [167, 333, 500]


@given(total=st.integers(min_value=0, max_value=10**15),
       weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=50)
       .filter(lambda ws: sum(ws) > 0))
def test_split_always_adds_back_and_stays_within_one_fen_of_exact(total, weights):
    parts = money_split(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / weight_sum
        assert abs(part - exact) < 1
        assert part >= 0


def test_split_refuses_nonsense_weights():
    for weights in ([], [0, 0], [1, -1]):
        with pytest.raises(ValueError, match="weights"):
            money_split(10, weights)
