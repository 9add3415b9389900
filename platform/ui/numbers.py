"""Whole numbers read from what a person or a client typed: query parameters, form fields,
CSV cells, JSON keys."""
from __future__ import annotations

# PostgreSQL's bigint, the widest integer column (ids are BigAutoField).
BIGINT_MAX = 2**63 - 1


def whole_number(value, *, maximum: int = BIGINT_MAX) -> int | None:
    """`value` as an int when it is written in ASCII digits and at most `maximum`, else None.

    `str.isdigit()` alone is not enough: it is also true for "²" and other digit signs that
    int() refuses (a ValueError, so a 500 where it was trusted), and a number past bigint
    would make the database refuse the query instead of finding nothing."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= maximum else None
