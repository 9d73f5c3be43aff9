"""Every number a reader sees, formatted in one place.

Counts, credits, money, shares and durations on the map pages, the data-quality page and the
terminal report all come from here, so a figure reads the same wherever it appears:

- a whole number is written whole: ``1,054``, never ``1,054.0`` (first- and last-touch credits,
  KPI targets); a fraction gets the decimals its size calls for;
- money carries the site's currency: ``€1,054`` or ``CHF 1,054``;
- a share is a percentage with one decimal; a tiny share never rounds down to ``0.0%``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

#: Codes written as their sign, before the amount; any other code is written out (``CHF 12``).
#: Only signs that name one currency for an English reader: no bare ``$`` for CAD or AUD.
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
DASH = "–"
#: A value this close to a whole number is that whole number (sums of fractional shares drift).
_WHOLE = 1e-6


def is_whole(value: float) -> bool:
    return math.isfinite(value) and abs(value - round(value)) < _WHOLE


def count(value: float) -> str:
    """A count of things: ``12,345``."""
    return f"{value:,.0f}"


def decimal(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` places, or none when it is a whole number."""
    if is_whole(value):
        return f"{round(value):,d}"
    return f"{value:,.{decimals}f}"


def format_number(value: float | None, unit: str = "") -> str:
    """A KPI's target or actual as the author wrote it, with its unit: ``3.5%``, ``12 days``."""
    if value is None:
        return DASH
    text = decimal(value, 0) if is_whole(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def percent(share: float | None) -> str:
    """A share (0..1) as a percentage: ``12.5%``."""
    return DASH if share is None else f"{share:.1%}"


def small_percent(share: float) -> str:
    """A share that is often tiny (rows not used): ``0.04%``, never a ``0.0%`` that hides rows."""
    if 0 < share < 0.001:
        return "<0.01%" if share < 0.0001 else f"{share:.2%}"
    return percent(share)


def days(value: float | None) -> str:
    if value is None:
        return DASH
    if value < 1:
        return f"{value * 24:.1f} h"
    return f"{value:.1f} days"


@dataclass(frozen=True)
class Money:
    """Amounts in one currency (an ISO 4217 code, or "" when the site names none)."""

    currency: str = ""

    @property
    def sign(self) -> str:
        return CURRENCY_SIGNS.get(self.currency, self.currency)

    def __call__(self, value: float, *, cents: bool = True) -> str:
        """``€1,234.50``; ``cents=False`` rounds to whole units: ``€1,235``."""
        digits = f"{abs(value):,.2f}" if cents and not is_whole(value) else f"{abs(value):,.0f}"
        minus = "-" if value < 0 and digits.strip("0.,") else ""
        if not self.sign:
            return minus + digits
        if self.currency in CURRENCY_SIGNS:
            return f"{minus}{self.sign}{digits}"
        return f"{minus}{self.sign}\u00a0{digits}"  # "CHF 1,234", never split over two lines


def credit_format(kind: str, total: float, money: Money | None = None) -> Callable[[float], str]:
    """One format for a whole attribution table (``kind`` "conversions" or "value").

    Conversions: whole credits whole, fractions with two decimals when the table shares out a
    handful of conversions, else one. Revenue: cents below 10,000 in total, else whole units
    (cents of a million are noise next to a model's estimate), with the currency.
    """
    if kind == "conversions":
        places = 2 if abs(total) < 100 else 1
        return lambda value: decimal(value, places)
    amount = money or Money()
    cents = abs(total) < 10_000
    return lambda value: amount(value, cents=cents)
