"""How values are written in UBL: amounts and percents with two decimals, dates, times.

Amounts are already rounded by the totals engine; formatting here never rounds money a second
time in a way that could disagree with it (``quantize`` to cents is exact for 2-decimal input).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def amount(value: Decimal) -> str:
    """``1500.00``: dot decimal separator, exactly two decimals, no thousands separator."""
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def percent(value: Decimal) -> str:
    """``19.00``: DIAN rejects ``19.000`` (FAS01b) and expects two decimals for the usual rates;
    rates that really have three decimals (ICA ``0.414``) keep them."""
    if value.as_tuple().exponent < -2 and value != value.quantize(_CENT):
        return format(value.normalize(), "f")
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    """Quantities as given, in plain notation (never exponent form), at least two decimals."""
    if value == value.quantize(_CENT):
        return str(value.quantize(_CENT))
    return format(value.normalize(), "f")


def date(value: dt.date) -> str:
    return value.isoformat()


def time(value: dt.time) -> str:
    """``HH:MM:SS-05:00``: Colombian legal time has no DST, so the offset is fixed. The value
    must already be Bogotá time (``core.pipeline.issue_moment`` converts it)."""
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}-05:00"
