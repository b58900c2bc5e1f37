"""Money: integer minor units inside, ``Decimal`` at the edges, never ``float``.

One quantize function per currency (``money_quantize``), one exact parser for amounts typed by
people or machines (``money_to_minor``, which refuses more decimals than the currency has rather
than rounding them away), and the largest-remainder split (``money_split``) so that every split
adds back to its total.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor-unit exponents of the currencies the platform books.
CURRENCY_EXPONENTS: dict[str, int] = {"CNY": 2, "USD": 2, "EUR": 2, "GBP": 2, "HKD": 2, "JPY": 0}
# ISO 4217's code for "no currency": counts of things booked on the ledger beside money (a
# reward tier's units), so the database holds a stock as it holds a balance. Not money: no
# amount is parsed or shown in it.
UNITS = "XXX"


class MoneyError(ValueError):
    """An amount that cannot be booked exactly; ``code`` is stable for APIs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def currency_exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise MoneyError("unknown_currency", f"Unknown currency {currency!r}.") from None


def money_quantize(amount: Decimal, currency: str) -> Decimal:
    """Round a computed amount half-up to the currency's minor unit."""
    exponent = currency_exponent(currency)
    return amount.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


def money_to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Turn an exact amount (``"12.34"``) into minor units (1234); never rounds."""
    if isinstance(amount, float):
        raise MoneyError("float_amount", "Amounts must not be floats; pass a decimal string.")
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise MoneyError("invalid_amount", f"{amount!r} is not a number.") from None
    if not value.is_finite():
        raise MoneyError("invalid_amount", f"{amount!r} is not a finite number.")
    scaled = value.scaleb(currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            "too_many_decimals",
            f"{amount} has more decimal places than {currency} allows "
            f"({currency_exponent(currency)}).",
        )
    return int(scaled)


def money_from_minor(amount_minor: int, currency: str) -> Decimal:
    """Minor units back to a ``Decimal`` with the currency's scale (1234 → Decimal('12.34'))."""
    return Decimal(amount_minor).scaleb(-currency_exponent(currency))


def money_shown(amount_minor: int, currency: str) -> str:
    """Minor units as a person reads them in a sentence: 1234567 CNY → '12,345.67 CNY'."""
    return f"{money_from_minor(amount_minor, currency):,} {currency}"


def percent_shown(rate: Decimal) -> str:
    """A rate as a person reads it: Decimal("0.0435") → '4.35 %'."""
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.01'))} %"


def money_split(total_minor: int, weights: list[int]) -> list[int]:
    """Split ``total_minor`` in proportion to ``weights`` by the largest-remainder method.

    The parts add back to the total exactly. Ties in the remainders go to the earlier weight,
    so the split is deterministic.
    """
    if not weights:
        raise ValueError("weights must not be empty")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    quotients = [divmod(total_minor * weight, weight_sum) for weight in weights]
    parts = [quotient for quotient, _ in quotients]
    shortfall = total_minor - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-quotients[i][1], i))
    for index in by_remainder[:shortfall]:
        parts[index] += 1
    return parts
