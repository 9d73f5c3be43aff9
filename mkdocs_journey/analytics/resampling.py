"""Many re-weightings of one path table at once: what the bootstrap hands the models.

A resample of the path table is a weight per row (how many of the row's paths it drew, per path
the row has). The bootstrap draws all of them first, so that a summary of the table (credits,
steps, endings, coalitions) is summed for every resample in a few array operations, and a model
that can work on arrays (:attr:`DataDriven.resampled
<mkdocs_journey.analytics.models.DataDriven>`) computes every resample's credits at once
instead of once per resample in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from mkdocs_journey.data.paths import PathTableRows

K = TypeVar("K")
#: The most numbers one block of resamples holds while a table is summed (resamples times
#: entries): bounds the memory of a large path table at about 32 MB a block.
_BLOCK = 4_000_000
#: Up to this many keys, a summary is summed by a matrix product over a (rows, keys) matrix;
#: beyond (steps between many states), entry by entry.
_FEW_KEYS = 64


@dataclass(frozen=True)
class Resamples:
    """The path table and, per resample (array rows) and table row (columns), the weight of the
    row's conversions and value (``converted``), of its nulls (``ended``) and of its steps
    (``walked``: its paths, converted or not); with each resample's totals."""

    rows: PathTableRows
    converted: np.ndarray
    ended: np.ndarray
    walked: np.ndarray
    conversions: np.ndarray  # per resample
    revenue: np.ndarray  # per resample
    other: str
    order: int  # the Markov chain's order the site asks for

    @property
    def count(self) -> int:
        return int(self.converted.shape[0])


#: A model's credits in every resample: by channel, an array of (conversions, value) rows, one
#: row per resample.
ResampledCredits = dict[str, np.ndarray]


class RowTable(Generic[K]):
    """One summary of the path table row by row (``(row, key, numbers)`` entries), summed per
    key with each resample's row weights."""

    def __init__(self, entries: Iterable[tuple[int, K, tuple[float, ...]]], width: int) -> None:
        listed = list(entries)
        # The engine hands its rows over in no fixed order (a parallel GROUP BY): ordered by key
        # (by its repr) and row, the sums add in the same order on every run, so the same data
        # gives the same bits. The few distinct keys are sorted, then the entries by number.
        self.keys: list[K] = sorted({key for _, key, _ in listed}, key=repr)
        positions = {key: i for i, key in enumerate(self.keys)}
        rows = np.fromiter((row for row, _, _ in listed), dtype=np.int64, count=len(listed))
        key_ids = np.fromiter(
            (positions[key] for _, key, _ in listed), dtype=np.int64, count=len(listed)
        )
        numbers = np.asarray([numbers for _, _, numbers in listed], dtype=np.float64).reshape(
            len(listed), width
        )
        order = np.lexsort((rows, key_ids))
        self.rows, self.key_ids, self.numbers = rows[order], key_ids[order], numbers[order]
        # Entries come grouped by key: each key's sum is one stretch of them.
        self._starts: np.ndarray = np.flatnonzero(
            np.r_[True, self.key_ids[1:] != self.key_ids[:-1]]
        )

    def sums(self, *weights: np.ndarray) -> np.ndarray:
        """Per resample and key, each number column summed with its own row weights (one
        ``(resamples, rows)`` array per column): an array ``(resamples, keys, columns)``."""
        resamples, table_rows = weights[0].shape
        found = np.zeros((resamples, len(self.keys), len(weights)))
        if not self.keys:
            return found
        if len(self.keys) <= _FEW_KEYS:
            # Few keys (channels): one matrix product per column, the numbers of each row and
            # key summed into a (rows, keys) matrix first.
            for column, weight in enumerate(weights):
                per_row = np.zeros((table_rows, len(self.keys)))
                np.add.at(per_row, (self.rows, self.key_ids), self.numbers[:, column])
                found[:, :, column] = weight @ per_row
            return found
        block = max(1, _BLOCK // len(self.rows))
        for first in range(0, resamples, block):
            last = min(resamples, first + block)
            for column, weight in enumerate(weights):
                terms = weight[first:last, self.rows] * self.numbers[:, column]
                found[first:last, :, column] = np.add.reduceat(terms, self._starts, axis=1)
        return found

    def by_key(self, *weights: np.ndarray) -> dict[K, np.ndarray]:
        """:meth:`sums` by key: per key, an array ``(resamples, columns)``."""
        summed = self.sums(*weights)
        return {key: summed[:, i, :] for i, key in enumerate(self.keys)}
