"""A table as the analytics templates draw it: rows of preformatted cells with bar widths."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str
    width: float  # the cell's bar, in percent of the column's whole (0..100)
    range: str = ""  # the value's interval, "low–high", when there is one


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    footer: Row | None = None


def width(part: float, whole: float) -> float:
    """A bar width in percent (0..100), rounded for stable output."""
    return round(100.0 * part / whole, 1) if whole > 0 else 0.0
