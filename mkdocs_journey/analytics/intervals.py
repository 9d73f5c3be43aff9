"""How sure the credits are: a seeded bootstrap of every model over the path table.

Each resample draws as many paths as the data has, with replacement, from its path table:
multinomial counts over the table's rows (one row per distinct path and outcome, converted or
not), never over the raw events, so that a resample costs the same for ten thousand leads as for
ten million with the same path table. Every model is computed again on each resample from the
engine's summaries re-weighted row by row, by the same code that gives its credits; the interval
of a credit is the middle 95% of its resampled values (2.5th to 97.5th percentile). The seed is
fixed, so the same data gives the same intervals on every build.

What this bootstrap does not see: paths are resampled, not leads (a lead converting twice gives
two paths drawn apart), and a converted path keeps its mean value (the spread of revenue between
identical paths is not resampled). Each resample re-weights every row: the engine hands over the
rows only up to ``RESAMPLED_ROWS``; a larger table gets no intervals, said on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from mkdocs_journey.analytics.attribution import MODELS, attribute
from mkdocs_journey.data.paths import (
    AttributionSettings,
    ChainCounts,
    Credit,
    PathAggregates,
    PathTableRows,
)

#: The share of resampled values an interval holds.
LEVEL = 0.95
K = TypeVar("K")


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


class _Weighted(Generic[K]):
    """One summary of the path table row by row, summed with each row's weight: the numbers
    are kept as arrays, so that a resample is a handful of numpy sums."""

    def __init__(self, entries: Iterable[tuple[int, K, tuple[float, ...]]], width: int) -> None:
        # The engine hands its rows over in no fixed order (a parallel GROUP BY): sorted, the
        # sums below add in the same order on every run, so the same data gives the same bits.
        listed = sorted(entries, key=lambda entry: (entry[0], repr(entry[1])))
        positions: dict[K, int] = {}
        for _, key, _ in listed:
            positions.setdefault(key, len(positions))
        self.keys = list(positions)
        self.rows = np.asarray([row for row, _, _ in listed], dtype=np.int64)
        self.key_ids = np.asarray([positions[key] for _, key, _ in listed], dtype=np.int64)
        self.numbers = np.asarray([numbers for _, _, numbers in listed], dtype=np.float64).reshape(
            len(listed), width
        )

    def sums(self, *weights: np.ndarray) -> list[tuple[K, tuple[float, ...]]]:
        """Per key, each number column summed with its own row weights."""
        columns = [
            np.bincount(
                self.key_ids,
                weights=self.numbers[:, i] * weight[self.rows],
                minlength=len(self.keys),
            )
            for i, weight in enumerate(weights)
        ]
        # tolist() turns each column into Python floats at C speed (a float() per number took
        # a fifth of the bootstrap).
        return list(
            zip(self.keys, zip(*(column.tolist() for column in columns), strict=True), strict=True)
        )


def bootstrap(
    rows: PathTableRows,
    settings: AttributionSettings,
    other: str,
    order: int,
) -> Intervals:
    """Every model's credit intervals from ``settings.resamples`` resamples of the path table."""
    conversions = np.asarray(rows.conversions, dtype=np.int64)
    nulls = np.asarray(rows.nulls, dtype=np.int64)
    values = np.asarray(rows.value, dtype=np.float64)
    counts = np.concatenate([conversions, nulls])
    total = int(counts.sum())
    size = len(conversions)
    credits = {
        model: _Weighted(((r, k, (c, v)) for r, k, c, v in found), 2)
        for model, found in rows.credits.items()
    }
    steps = _Weighted(((r, (f, t), (n,)) for r, f, t, n in rows.steps), 1)
    endings = _Weighted(((r, k, (c, v, n)) for r, k, c, v, n in rows.endings), 3)
    coalitions = _Weighted(((r, k, (c, v)) for r, k, c, v in rows.coalitions), 2)
    chain_steps = _Weighted(((r, (f, t), (n,)) for r, f, t, n in rows.chain_steps), 1)
    chain_endings = _Weighted(((r, k, (c, v, n)) for r, k, c, v, n in rows.chain_endings), 3)
    rng = np.random.default_rng(settings.seed)
    drawn: dict[str, dict[str, list[tuple[float, float]]]] = {model: {} for model in MODELS}
    for number in range(settings.resamples):
        draw = rng.multinomial(total, counts / total) if total else counts
        c_weight = _ratio(draw[:size], conversions)
        n_weight = _ratio(draw[size:], nulls)
        all_weight = _ratio(draw[:size] + draw[size:], conversions + nulls)
        paths = PathAggregates(
            credits={
                model: {k: Credit(c, v) for k, (c, v) in table.sums(c_weight, c_weight) if c}
                for model, table in credits.items()
            },
            steps={k: n for k, (n,) in steps.sums(all_weight) if n},
            endings=_endings(endings, c_weight, n_weight),
            top_paths=(),
            coalitions={k: (c, v) for k, (c, v) in coalitions.sums(c_weight, c_weight) if c},
            chain=None
            if order == 1
            else ChainCounts(
                order,
                {k: n for k, (n,) in chain_steps.sums(all_weight) if n},
                _endings(chain_endings, c_weight, n_weight),
            ),
        )
        resampled = attribute(
            paths, float(draw[:size].sum()), float((values * c_weight).sum()), other
        )
        for model, found in resampled.items():
            for channel, credit in found.items():
                drawn[model].setdefault(channel, []).append((credit.conversions, credit.value))
        # A channel a resample does not credit got nothing in it: 0, not a missing value.
        for found_by_channel in drawn.values():
            for samples in found_by_channel.values():
                samples.extend([(0.0, 0.0)] * (number + 1 - len(samples)))
    return Intervals(
        resamples=settings.resamples,
        seed=settings.seed,
        attribution={
            model: {channel: _interval(samples) for channel, samples in sorted(by.items())}
            for model, by in drawn.items()
        },
    )


def _ratio(drawn: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Each row's weight: how many of its paths the resample drew, per path it has."""
    weight: np.ndarray = np.divide(drawn, observed, out=np.zeros(len(observed)), where=observed > 0)
    return weight


def _endings(
    table: _Weighted[K], c_weight: np.ndarray, n_weight: np.ndarray
) -> dict[K, tuple[float, float, float]]:
    return {k: (c, v, n) for k, (c, v, n) in table.sums(c_weight, c_weight, n_weight) if c or n}


def _interval(samples: Sequence[tuple[float, float]]) -> CreditInterval:
    low, high = (1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100

    # The ends are values some resample gave (no interpolation between two of them): a model
    # that hands out whole conversions gets an interval of whole numbers.
    def ends(values: list[float]) -> tuple[float, float]:
        return (
            float(np.percentile(values, low, method="lower")),
            float(np.percentile(values, high, method="higher")),
        )

    return CreditInterval(ends([c for c, _ in samples]), ends([v for _, v in samples]))
