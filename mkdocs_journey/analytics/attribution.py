"""Attribution models over the aggregated path table (definitions: shared/reference/attribution.md).

Pure functions: they take the path table (identical paths counted together) and return, per
channel (or touchpoint), the credited conversions and value. Each converted path hands out exactly
one conversion and its value, so every model's credits sum to the totals.

Time decay needs each touch's age, which the path table does not keep; the engine therefore
stores, for each distinct path, the sum over its converted instances of every position's
normalised weight (:attr:`PathRow.decay`, :attr:`PathRow.decay_value`). :func:`decay_shares`
computes those weights for one path from ages in days.

The Markov model is first order and exact: absorption probabilities are solved as a linear system
(Gaussian elimination with partial pivoting), not simulated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from mkdocs_journey.data.channels import DIRECT
from mkdocs_journey.data.paths import START, Credit, Credits, PathRow

HALF_LIFE_DAYS = 7.0

#: Model names as they appear in the JSON contract, in display order.
MODELS: tuple[str, ...] = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "position_based",
    "time_decay",
    "markov",
)


@dataclass(frozen=True)
class ModelText:
    """How a model is named and explained to a reader (map pages, the docs, the CLI)."""

    title: str
    definition: str  # one paragraph, plain text


#: The one place where each model's title and definition are written.
MODEL_TEXTS: Mapping[str, ModelText] = {
    "first_touch": ModelText(
        "First touch",
        "Each conversion goes entirely to the first touch of its path: the channel that "
        "started the journey. It shows what brings people in and ignores everything after.",
    ),
    "last_touch": ModelText(
        "Last touch",
        "Each conversion goes entirely to the touch that converted: the channel that closed "
        "the journey. It shows what seals the deal and ignores what led up to it.",
    ),
    "last_non_direct": ModelText(
        "Last non-direct",
        "Like last touch, but a final Direct visit (someone typing the address or using a "
        "bookmark) passes the credit back to the last channel before it, since Direct rarely "
        "convinced anyone on its own. A path of Direct touches only still credits Direct.",
    ),
    "linear": ModelText(
        "Linear",
        "Each touch of a converted path gets an equal share of its conversion and revenue. A "
        "channel that appears twice in a path gets two shares.",
    ),
    "position_based": ModelText(
        "Position-based",
        "The first and the last touch get 40% each and the touches in between share the "
        "remaining 20% (a path of one touch gives it everything, a path of two splits 50/50): "
        "both the opening and the closing of a journey count most.",
    ),
    "time_decay": ModelText(
        "Time decay",
        "Touches closer to the conversion get more: a touch's weight halves for every 7 days "
        "between it and the conversion, and the weights of a path add up to one conversion.",
    ),
    "markov": ModelText(
        "Markov (data-driven)",
        "Learned from all paths, converted or not: a channel's credit is its removal effect, "
        "how much less often journeys would convert if the channel were taken away (its "
        "visitors dropping out), solved exactly from the chain of steps between channels. "
        "Conversions and revenue are shared out in proportion to the removal effects.",
    ),
}
MODEL_TITLES: Mapping[str, str] = {name: text.title for name, text in MODEL_TEXTS.items()}


def decay_shares(
    ages_days: Sequence[float], half_life: float = HALF_LIFE_DAYS
) -> tuple[float, ...]:
    """Normalised time-decay weights 2^(-age/half_life) for one path's touches."""
    weights = [2.0 ** (-age / half_life) for age in ages_days]
    total = sum(weights)
    return tuple(w / total for w in weights)


def _add(credits: dict[str, list[float]], channel: str, conversions: float, value: float) -> None:
    entry = credits[channel]
    entry[0] += conversions
    entry[1] += value


def _positional(
    paths: Iterable[PathRow], shares: Callable[[tuple[str, ...]], Sequence[float]]
) -> Credits:
    credits: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in paths:
        if row.conversions <= 0 or not row.path:
            continue
        for channel, share in zip(row.path, shares(row.path), strict=True):
            if share:
                _add(credits, channel, share * row.conversions, share * row.value)
    return {channel: Credit(c, v) for channel, (c, v) in credits.items()}


def _one_hot(n: int, index: int) -> list[float]:
    shares = [0.0] * n
    shares[index] = 1.0
    return shares


def first_touch(paths: Iterable[PathRow]) -> Credits:
    return _positional(paths, lambda path: _one_hot(len(path), 0))


def last_touch(paths: Iterable[PathRow]) -> Credits:
    return _positional(paths, lambda path: _one_hot(len(path), len(path) - 1))


def last_non_direct(paths: Iterable[PathRow], direct: str = DIRECT) -> Credits:
    def shares(path: tuple[str, ...]) -> list[float]:
        for index in range(len(path) - 1, -1, -1):
            if path[index] != direct:
                return _one_hot(len(path), index)
        return _one_hot(len(path), len(path) - 1)

    return _positional(paths, shares)


def linear(paths: Iterable[PathRow]) -> Credits:
    return _positional(paths, lambda path: [1.0 / len(path)] * len(path))


def position_shares(n: int) -> list[float]:
    """40/20/40: one touch 1.0; two 0.5 each; else 0.4 first and last, 0.2 shared between."""
    if n == 1:
        return [1.0]
    if n == 2:
        return [0.5, 0.5]
    return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]


def position_based(paths: Iterable[PathRow]) -> Credits:
    return _positional(paths, lambda path: position_shares(len(path)))


def time_decay(paths: Iterable[PathRow]) -> Credits:
    """Credits from the engine's per-position decay sums (see :class:`PathRow`)."""
    credits: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in paths:
        if row.conversions <= 0:
            continue
        if len(row.decay) != len(row.path) or len(row.decay_value) != len(row.path):
            raise ValueError(f"path {' > '.join(row.path)!r} has no time-decay weights")
        for channel, share, share_value in zip(row.path, row.decay, row.decay_value, strict=True):
            _add(credits, channel, share, share_value)
    return {channel: Credit(c, v) for channel, (c, v) in credits.items()}


# --- Markov chain removal effect -----------------------------------------------------------------

_START = START
_CONVERSION = "\x1econversion"
_NULL = "\x1enull"


def collapse(path: Sequence[str]) -> tuple[str, ...]:
    """Consecutive repeats of a channel become one visit: A > A > B is A > B."""
    result: list[str] = []
    for channel in path:
        if not result or result[-1] != channel:
            result.append(channel)
    return tuple(result)


def _solve(matrix: list[list[float]], rhs: list[list[float]]) -> list[list[float]]:
    """Solve ``matrix @ x = rhs`` for several right-hand sides (Gauss-Jordan elimination)."""
    n = len(matrix)
    a = [row[:] + [b[i] for b in rhs] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-15:
            raise ZeroDivisionError("singular transition system")
        a[col], a[pivot] = a[pivot], a[col]
        pivot_row = a[col]
        tail = pivot_row[col:]
        inverse = 1.0 / pivot_row[col]
        for r in range(n):
            if r == col:
                continue
            factor = a[r][col] * inverse
            if factor:
                row = a[r]
                row[col:] = [x - factor * p for x, p in zip(row[col:], tail, strict=True)]
    return [[a[i][n + j] / a[i][i] for i in range(n)] for j in range(len(rhs))]


@dataclass(frozen=True)
class MarkovChain:
    """Transition probabilities between start, channels, conversion and null."""

    channels: tuple[str, ...]
    probabilities: Mapping[str, Mapping[str, float]]
    conversion_value: Mapping[str, float]  # mean value of a conversion reached from a channel

    @classmethod
    def from_paths(cls, paths: Iterable[PathRow]) -> MarkovChain:
        steps: dict[tuple[str, str], float] = defaultdict(float)
        endings: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for row in paths:
            sequence = collapse(row.path)
            weight = row.conversions + row.nulls
            if not sequence or weight <= 0:
                continue
            for step in pairwise((_START, *sequence)):
                steps[step] += weight
            ending = endings[sequence[-1]]
            ending[0] += row.conversions
            ending[1] += row.value if row.conversions else 0.0
            ending[2] += row.nulls
        return cls.from_counts(steps, {k: (c, v, n) for k, (c, v, n) in endings.items()})

    @classmethod
    def from_counts(
        cls,
        steps: Mapping[tuple[str, str], float],
        endings: Mapping[str, tuple[float, float, float]],
    ) -> MarkovChain:
        """Build the chain from counted transitions (``START`` for the start state, repeats
        already collapsed) and, per last channel of a path: conversions, their value, nulls."""
        # Read in sorted order, not in the order given: the engine's rows come in any order,
        # and floating-point sums over them would differ in the last bits between two runs,
        # enough to swap two channels with equal credit in journeys.json.
        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for (here, there), n in sorted(steps.items()):
            counts[here][there] += n
        for last, (conversions, _, nulls) in sorted(endings.items()):
            if conversions:
                counts[last][_CONVERSION] += conversions
            if nulls:
                counts[last][_NULL] += nulls
        probabilities = {
            state: {target: n / sum(row.values()) for target, n in sorted(row.items())}
            for state, row in sorted(counts.items())
        }
        channels = tuple(sorted(state for state in counts if state != _START))
        mean_value = {c: v / n for c, (n, v, _) in sorted(endings.items()) if n}
        return cls(channels, probabilities, mean_value)

    def _system(
        self, states: Sequence[str]
    ) -> tuple[dict[str, int], list[list[float]], list[float], list[float]]:
        """I - Q over ``states`` (transitions to other states are lost, to null), and per state
        its one-step chance of conversion and expected conversion value."""
        index = {state: i for i, state in enumerate(states)}
        n = len(states)
        matrix = [[0.0] * n for _ in range(n)]
        reach: list[float] = [0.0] * n
        worth: list[float] = [0.0] * n
        for i, state in enumerate(states):
            matrix[i][i] = 1.0
            for target, p in self.probabilities.get(state, {}).items():
                if target == _CONVERSION:
                    reach[i] += p
                    worth[i] += p * self.conversion_value.get(state, 0.0)
                elif target in index:
                    matrix[i][index[target]] -= p
        return index, matrix, reach, worth

    def _from_start(self, index: Mapping[str, int], per_state: Sequence[float]) -> float:
        start = self.probabilities.get(_START, {})
        return sum(p * per_state[index[t]] for t, p in start.items() if t in index)

    def absorb(self, removed: str | None = None) -> tuple[float, float]:
        """(P(conversion), expected conversion value) from start, optionally without a channel
        (every step into it then ends in null)."""
        states = [c for c in self.channels if c != removed]
        if not states:
            return 0.0, 0.0
        index, matrix, reach, worth = self._system(states)
        probability, value = _solve(matrix, [reach, worth])
        return self._from_start(index, probability), self._from_start(index, value)

    def removal_effects(self) -> dict[str, tuple[float, float]]:
        """RE(c) = 1 - P_without_c / P, for conversions and for value.

        Without c, a journey converts exactly when it converts without ever visiting c, so
        P_without_c = P - h(c) * P(conversion | at c), with h(c) the chance that a journey
        visits c at all (the same holds for value). With N = (I - Q)^-1, the expected visits,
        h(c) = (start . N)[c] / N[c][c]: one solve gives every removal effect, where solving
        again without each channel (:meth:`absorb`, the definition) costs n times as much, too
        slow for hundreds of touchpoints."""
        states = list(self.channels)
        if not states:
            return {}
        index, matrix, reach, worth = self._system(states)
        n = len(states)
        units = [[1.0 if i == j else 0.0 for i in range(n)] for j in range(n)]
        probability, value, *visits = _solve(matrix, [reach, worth, *units])
        base_p, base_v = self._from_start(index, probability), self._from_start(index, value)
        effects: dict[str, tuple[float, float]] = {}
        for j, channel in enumerate(states):
            reached = self._from_start(index, visits[j]) / visits[j][j]
            effects[channel] = (
                max(0.0, reached * probability[j] / base_p) if base_p > 0 else 0.0,
                max(0.0, reached * value[j] / base_v) if base_v > 0 else 0.0,
            )
        return effects


#: The most states (channels or touchpoints) the Markov chain tells apart: removal effects cost
#: O(n^3) (about a second at 200 states). Beyond that, the least visited share one state.
MARKOV_STATES = 200


def merge_rare_states(
    steps: Mapping[tuple[str, str], float],
    endings: Mapping[str, tuple[float, float, float]],
    other: str,
    limit: int = MARKOV_STATES,
) -> tuple[dict[tuple[str, str], float], dict[str, tuple[float, float, float]]]:
    """The chain's counts with all but the ``limit - 1`` most visited states merged into one
    state named ``other`` (unchanged when there are at most ``limit``). Steps between two merged
    states vanish, as repeats of one state do in a path."""
    visits: dict[str, float] = defaultdict(float)
    for (_, there), n in steps.items():
        visits[there] += n
    if len(visits) <= limit:
        return dict(steps), dict(endings)
    ranked = sorted(visits, key=lambda state: (-visits[state], state))
    kept = set(ranked[: limit - 1])

    def name(state: str) -> str:
        return state if state in kept or state == _START else other

    # In sorted order, as from_counts reads them: sums must not depend on the engine's row order.
    merged_steps: dict[tuple[str, str], float] = defaultdict(float)
    for (here, there), n in sorted(steps.items()):
        if name(here) != name(there):
            merged_steps[name(here), name(there)] += n
    merged_endings: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for last, counts in sorted(endings.items()):
        for i, n in enumerate(counts):
            merged_endings[name(last)][i] += n
    return dict(merged_steps), {k: (c, v, n) for k, (c, v, n) in merged_endings.items()}


def markov(paths: Iterable[PathRow]) -> Credits:
    """Data-driven credit: each channel's removal effect, normalised to the totals."""
    rows = list(paths)
    total_conversions = float(sum(row.conversions for row in rows))
    total_value = float(sum(row.value for row in rows if row.conversions))
    return markov_credits(MarkovChain.from_paths(rows), total_conversions, total_value)


def markov_credits(chain: MarkovChain, total_conversions: float, total_value: float) -> Credits:
    """Share ``total_conversions`` and ``total_value`` by the chain's removal effects."""
    if total_conversions <= 0:
        return {}
    effects = chain.removal_effects()
    sum_p = sum(p for p, _ in effects.values())
    sum_v = sum(v for _, v in effects.values())
    credits: Credits = {}
    for channel, (p, v) in effects.items():
        conversions = p / sum_p * total_conversions if sum_p > 0 else 0.0
        value = v / sum_v * total_value if sum_v > 0 else 0.0
        if conversions or value:
            credits[channel] = Credit(conversions, value)
    return credits


MODEL_FUNCTIONS: Mapping[str, Callable[[Iterable[PathRow]], Credits]] = {
    "first_touch": first_touch,
    "last_touch": last_touch,
    "last_non_direct": last_non_direct,
    "linear": linear,
    "position_based": position_based,
    "time_decay": time_decay,
    "markov": markov,
}


def attribute_all(paths: Sequence[PathRow]) -> dict[str, Credits]:
    """Every model, keyed by its contract name."""
    return {model: MODEL_FUNCTIONS[model](paths) for model in MODELS}
