"""What the engine hands the attribution models: distinct paths and credits.

The engine counts identical paths together (the *path table*: a path, how often it converted and
for how much, how often not) and computes from it what the models need; these are the shapes of
those results. They live here, below :mod:`mkdocs_journey.analytics`, because the engine builds
them and must not import the layer that reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


#: The most rows (distinct paths and outcomes) of a path table the intervals resample: each
#: resample re-weights every row, so the cost grows with them (see bench/intervals.py).
RESAMPLED_ROWS = 100_000


@dataclass(frozen=True)
class AttributionSettings:
    """How a site's data-driven models and their intervals are computed."""

    #: The Markov chain's memory: a state is the last ``markov_order`` channels (1 to 4).
    markov_order: int = 1
    #: Bootstrap resamples for the credits' intervals; 0: no intervals.
    resamples: int = 200
    #: The resampling's seed: the same data always gives the same intervals.
    seed: int = 2018
    #: The most path-table rows resampled (see RESAMPLED_ROWS).
    max_rows: int = RESAMPLED_ROWS

    def fingerprint(self) -> str:
        return (
            f"markov_order={self.markov_order}|resamples={self.resamples}|seed={self.seed}"
            f"|max_rows={self.max_rows}"
        )


#: A Markov state of order k: the last k channels (fewer for a path shorter than k).
State = tuple[str, ...]


@dataclass(frozen=True)
class ChainCounts:
    """The Markov chain's counts at one order: steps between states (``(START,)`` first, each
    weighted by the paths that take it) and, per state that ends a path, its conversions,
    their value and its nulls."""

    order: int
    steps: Mapping[tuple[State, State], float]
    endings: Mapping[State, tuple[float, float, float]]


@dataclass(frozen=True)
class PathAggregates:
    """What the models need from one path table (channels or touchpoints), computed by the
    engine so that a large path table never reaches Python."""

    credits: Mapping[str, Credits]  # the models the engine computes (TouchShare, TimeDecay)
    steps: Mapping[tuple[str, str], float]  # Markov transitions (START first), repeats collapsed
    endings: Mapping[str, tuple[float, float, float]]  # last state: conversions, value, nulls
    top_paths: tuple[PathRow, ...]
    #: converted paths by their channels in order of first touch: conversions, value
    coalitions: Mapping[tuple[str, ...], tuple[float, float]] = field(default_factory=dict)
    #: the chain at the site's Markov order (at order 1: ``steps`` and ``endings``)
    chain: ChainCounts | None = None


@dataclass(frozen=True)
class PathTableRows:
    """The same summaries for every distinct path and outcome of the path table (its rows),
    for resampling: row ``r`` converted ``conversions[r]`` times for ``value[r]`` in all and
    ended ``nulls[r]`` times without converting. Each summary lists ``(row, key, *numbers)``;
    the sums over rows are the path table's :class:`PathAggregates`."""

    conversions: tuple[int, ...]
    value: tuple[float, ...]
    nulls: tuple[int, ...]
    credits: Mapping[str, tuple[tuple[int, str, float, float], ...]]  # by model: row, key, c, v
    steps: tuple[tuple[int, str, str, float], ...]  # order 1, repeats collapsed
    endings: tuple[tuple[int, str, float, float, float], ...]
    coalitions: tuple[tuple[int, tuple[str, ...], float, float], ...]
    chain_steps: tuple[tuple[int, State, State, float], ...]
    chain_endings: tuple[tuple[int, State, float, float, float], ...]
