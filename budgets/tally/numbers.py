"""Exact numbers in pabulib files: counts and scores as int or Fraction, money as integer
minor units (see tally.model.Election.scale)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

Number = int | Fraction


def parse_number(text: str) -> Number:
    """Parse ``"12"``, ``"4000.0"``, ``"1,5"`` exactly: an int when whole, else a Fraction."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    frac = Fraction(value)
    return frac.numerator if frac.denominator == 1 else frac


#: More decimal places than any currency has minor units is a broken amount, not money (and a
#: huge scale would only make every later integer longer).
MAX_MONEY_PLACES = 9


def decimal_places(value: Number) -> int:
    """How many digits after the decimal point ``value`` needs (0 for a whole number)."""
    if isinstance(value, int):
        return 0
    den, places, power = value.denominator, 0, 1
    while power % den:
        if places > MAX_MONEY_PLACES:
            break
        places += 1
        power *= 10
    return places


def parse_money(text: str, scale: int = 1) -> int:
    """An amount (``"1794579.57"``, ``"4000.0"``, ``"1,5"``) as an integer of minor units,
    ``scale`` of them to a currency unit; exact, or ``ValueError``."""
    value = parse_number(text) * scale
    if isinstance(value, Fraction):
        if value.denominator != 1:
            if scale == 1:
                raise ValueError(f"{text.strip()!r} is not a whole number of currency units")
            raise ValueError(f"{text.strip()!r} is not a whole number of 1/{scale} units")
        value = value.numerator
    return value


def format_money(amount: int, scale: int = 1, *, grouping: bool = False) -> str:
    """``amount`` minor units as decimal text with the scale's places: 179457957 at scale 100
    is ``"1794579.57"``, 440000 at scale 1 is ``"440000"`` (``"440,000"`` with grouping)."""
    places = len(str(scale)) - 1
    if scale != 10**places:
        raise ValueError(f"scale {scale} is not a power of ten")
    whole, part = divmod(abs(amount), scale)
    text = f"{whole:,}" if grouping else str(whole)
    if places:
        text = f"{text}.{part:0{places}d}"
    return f"-{text}" if amount < 0 else text
