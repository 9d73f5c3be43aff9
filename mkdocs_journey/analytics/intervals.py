"""How sure the credits are: the intervals a seeded bootstrap gives every model's credits.

The bootstrap itself (numpy) is :mod:`mkdocs_journey.analytics.bootstrap`; these are the shapes
of its results, which the pages and the cache read without loading it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: The share of resampled values an interval holds.
LEVEL = 0.95


@dataclass(frozen=True)
class CreditInterval:
    """The middle 95% of a credit's resampled values, for conversions and for value."""

    conversions: tuple[float, float]
    value: tuple[float, float]


@dataclass(frozen=True)
class Intervals:
    resamples: int
    seed: int
    #: by model, then by channel: every channel any model credits in the data
    attribution: Mapping[str, Mapping[str, CreditInterval]]
