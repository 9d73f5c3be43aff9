"""What the engine hands the attribution models: distinct paths and credits.

The engine counts identical paths together (the *path table*: a path, how often it converted and
for how much, how often not) and computes from it what the models need; these are the shapes of
those results. They live here, below :mod:`mkdocs_journey.analytics`, because the engine builds
them and must not import the layer that reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: The state before a path's first touch, in the counted steps between touches (a name no
#: channel or touchpoint has).
START = "\x1estart"


@dataclass(frozen=True)
class PathRow:
    """One distinct path with how often it converted (and for how much) and how often not."""

    path: tuple[str, ...]
    conversions: int = 0
    value: float = 0.0
    nulls: int = 0


@dataclass(frozen=True)
class Credit:
    """What a model credits one channel (or touchpoint) with: conversions and their value."""

    conversions: float = 0.0
    value: float = 0.0


#: One model's credits, by channel (or touchpoint).
Credits = dict[str, Credit]


@dataclass(frozen=True)
class TouchShare:
    """A rule-based model as the engine computes it: every touch of a converted path gets the
    share ``sql`` of the path's conversions and value.

    ``sql`` is a DuckDB expression over three columns of the path table: ``pos``, the touch's
    position (1 for the first touch), ``n``, the path's number of touches, and ``lnd``, the
    position of its last touch outside channel Direct (``n`` when every touch is Direct). The
    shares of one path must add up to 1."""

    sql: str


@dataclass(frozen=True)
class TimeDecay:
    """A time-weighted model as the engine computes it: each touch of a converted path weighs
    2^(-age / half-life), its age measured to the path's conversion; a path's weights are
    divided by their sum, so that they share out its conversion and value."""

    half_life_days: float


@dataclass(frozen=True)
class PathAggregates:
    """What the models need from one path table (channels or touchpoints), computed by the
    engine so that a large path table never reaches Python."""

    credits: Mapping[str, Credits]  # the models the engine computes (TouchShare, TimeDecay)
    steps: Mapping[tuple[str, str], float]  # Markov transitions (START first), repeats collapsed
    endings: Mapping[str, tuple[float, float, float]]  # last state: conversions, value, nulls
    top_paths: tuple[PathRow, ...]
