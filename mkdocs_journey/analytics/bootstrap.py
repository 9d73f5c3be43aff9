"""How sure the credits are: a seeded bootstrap of every model over the path table.

Each resample draws as many paths as the data has, with replacement, from its path table:
multinomial counts over the table's rows (one row per distinct path and outcome, converted or
not), never over the raw events, so that a resample costs the same for ten thousand leads as for
ten million with the same path table. Every model is computed again on each resample from the
engine's summaries re-weighted row by row (all resamples at once, as arrays: see
:mod:`mkdocs_journey.analytics.resampling`), by the same definitions that give its credits (the
tests hold each model's array version to its own ``credit``); the interval
of a credit is the middle 95% of its resampled values (2.5th to 97.5th percentile). The seed is
fixed, so the same data gives the same intervals on every build.

What this bootstrap does not see: paths are resampled, not leads (a lead converting twice gives
two paths drawn apart), and a converted path keeps its mean value (the spread of revenue between
identical paths is not resampled). Each resample re-weights every row: the engine hands over the
rows only up to ``RESAMPLED_ROWS``; a larger table gets no intervals, said on the page.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

from mkdocs_journey.analytics.attribution import REGISTRY
from mkdocs_journey.analytics.intervals import LEVEL, CreditInterval, Intervals
from mkdocs_journey.analytics.models import DataDriven, ModelInput
from mkdocs_journey.analytics.resampling import ResampledCredits, Resamples, RowTable
from mkdocs_journey.data.paths import (
    AttributionSettings,
    ChainCounts,
    PathAggregates,
    PathTableRows,
)

K = TypeVar("K")


def bootstrap(
    rows: PathTableRows,
    settings: AttributionSettings,
    other: str,
    order: int,
) -> Intervals:
    """Every model's credit intervals from ``settings.resamples`` resamples of the path table."""
    # One BLAS thread: the arrays are small (resamples by path-table rows, chains of a few dozen
    # states), and OpenBLAS's threads spent more CPU waiting for each other than they saved,
    # 0.15 to 0.25 s CPU an analysis of the example site on 2 cores, for the same bits.
    with threadpool_limits(limits=1, user_api="blas"):
        return _bootstrap(rows, settings, other, order)


def _bootstrap(
    rows: PathTableRows,
    settings: AttributionSettings,
    other: str,
    order: int,
) -> Intervals:
    resamples = _resamples(rows, settings, other, order)
    drawn: dict[str, ResampledCredits] = {}
    for entry in REGISTRY:
        computed = entry.computed
        if not isinstance(computed, DataDriven):
            table = RowTable(((r, k, (c, v)) for r, k, c, v in rows.credits.get(entry.name, ())), 2)
            drawn[entry.name] = table.by_key(resamples.converted, resamples.converted)
            continue
        found = computed.resampled(resamples) if computed.resampled else None
        drawn[entry.name] = found if found is not None else _one_by_one(computed, resamples)
    return Intervals(
        resamples=settings.resamples,
        seed=settings.seed,
        attribution={
            model: {
                channel: _interval(samples)
                for channel, samples in sorted(by.items())
                # A channel that gets nothing in every resample is not credited at all.
                if samples.any()
            }
            for model, by in drawn.items()
        },
    )


def _resamples(
    rows: PathTableRows, settings: AttributionSettings, other: str, order: int
) -> Resamples:
    """The seeded draws: per resample, as many paths as the table has, with replacement."""
    conversions = np.asarray(rows.conversions, dtype=np.int64)
    nulls = np.asarray(rows.nulls, dtype=np.int64)
    counts = np.concatenate([conversions, nulls])
    total = int(counts.sum())
    size = len(conversions)
    rng = np.random.default_rng(settings.seed)
    draws = (
        rng.multinomial(total, counts / total, size=settings.resamples)
        if total
        else np.tile(counts, (settings.resamples, 1))
    )
    converted = _ratio(draws[:, :size], conversions)
    values = np.asarray(rows.value, dtype=np.float64)
    return Resamples(
        rows=rows,
        converted=converted,
        ended=_ratio(draws[:, size:], nulls),
        walked=_ratio(draws[:, :size] + draws[:, size:], conversions + nulls),
        conversions=draws[:, :size].sum(axis=1).astype(np.float64),
        revenue=converted @ values,
        other=other,
        order=order,
    )


def _one_by_one(model: DataDriven, data: Resamples) -> ResampledCredits:
    """A model without an array version: its credits resample by resample, from each
    resample's sums of the path table."""
    rows, converted, walked, ended = data.rows, data.converted, data.walked, data.ended
    steps = RowTable(((r, (f, t), (n,)) for r, f, t, n in rows.steps), 1)
    endings = RowTable(((r, k, (c, v, n)) for r, k, c, v, n in rows.endings), 3)
    coalitions = RowTable(((r, k, (c, v)) for r, k, c, v in rows.coalitions), 2)
    chain_steps = RowTable(((r, (f, t), (n,)) for r, f, t, n in rows.chain_steps), 1)
    chain_endings = RowTable(((r, k, (c, v, n)) for r, k, c, v, n in rows.chain_endings), 3)
    sums = (
        steps.sums(walked),
        endings.sums(converted, converted, ended),
        coalitions.sums(converted, converted),
        chain_steps.sums(walked),
        chain_endings.sums(converted, converted, ended),
    )
    found: ResampledCredits = {}
    for number in range(data.count):
        step_sums, ending_sums, coalition_sums, chain_step_sums, chain_ending_sums = (
            table[number] for table in sums
        )
        paths = PathAggregates(
            credits={},
            steps=_nonzero(steps.keys, step_sums),
            endings=_nonzero(endings.keys, ending_sums),
            top_paths=(),
            coalitions=_nonzero(coalitions.keys, coalition_sums),
            chain=None
            if data.order == 1
            else ChainCounts(
                data.order,
                _nonzero(chain_steps.keys, chain_step_sums),
                _nonzero(chain_endings.keys, chain_ending_sums),
            ),
        )
        resample = ModelInput(
            paths, float(data.conversions[number]), float(data.revenue[number]), data.other
        )
        for channel, credit in model.credit(resample).items():
            # A resample that does not credit a channel gave it nothing: 0, not a missing value.
            samples = found.setdefault(channel, np.zeros((data.count, 2)))
            samples[number] = (credit.conversions, credit.value)
    return found


def _nonzero(keys: list[K], sums: np.ndarray) -> dict[K, Any]:
    """One resample's sums by key (a number, or a tuple of them), without the empty ones."""
    return {
        key: (row[0] if len(row) == 1 else tuple(row))
        for key, row in zip(keys, sums.tolist(), strict=True)
        if any(row)
    }


def _ratio(drawn: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Each row's weight: how many of its paths the resample drew, per path it has."""
    # One division per row, then a product per resample and row.
    per_path = np.divide(1.0, observed, out=np.zeros(len(observed)), where=observed > 0)
    weight: np.ndarray = drawn * per_path
    return weight


def _interval(samples: np.ndarray) -> CreditInterval:
    """The interval of one channel's credits: ``samples`` holds a (conversions, value) row per
    resample."""
    low, high = (1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100

    # The ends are values some resample gave (no interpolation between two of them): a model
    # that hands out whole conversions gets an interval of whole numbers.
    def ends(values: np.ndarray) -> tuple[float, float]:
        return (
            float(np.percentile(values, low, method="lower")),
            float(np.percentile(values, high, method="higher")),
        )

    return CreditInterval(ends(samples[:, 0]), ends(samples[:, 1]))
