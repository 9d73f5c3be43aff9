"""The attribution models written from their definitions (shared/reference/attribution.md), in
plain Python over a path table: the oracle the engine's credits are checked against.

Nothing here is used by the package. The Markov model is computed as defined, one absorbing
chain solved per removed channel, where the package solves once for every removal effect.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from mkdocs_journey.analytics.models.markov import CONVERSION_STATE as CONVERSION
from mkdocs_journey.analytics.models.markov import NULL_STATE as NULL
from mkdocs_journey.data.paths import START, Credit, Credits

DIRECT = "Direct"
HALF_LIFE_DAYS = 7.0


@dataclass(frozen=True)
class Row:
    """One distinct path: how often it converted (and for how much) and how often not, and for
    time decay, per position, the summed share over its converted instances (and times value)."""

    path: tuple[str, ...]
    conversions: int = 0
    value: float = 0.0
    nulls: int = 0
    decay: tuple[float, ...] = field(default=())
    decay_value: tuple[float, ...] = field(default=())


def decay_shares(
    ages_days: Sequence[float], half_life: float = HALF_LIFE_DAYS
) -> tuple[float, ...]:
    """Normalised time-decay weights 2^(-age/half_life) for one path's touches."""
    weights = [2.0 ** (-age / half_life) for age in ages_days]
    total = sum(weights)
    return tuple(w / total for w in weights)


def _positional(
    paths: Iterable[Row], shares: Callable[[tuple[str, ...]], Sequence[float]]
) -> Credits:
    credits: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in paths:
        if row.conversions <= 0 or not row.path:
            continue
        for channel, share in zip(row.path, shares(row.path), strict=True):
            if share:
                credits[channel][0] += share * row.conversions
                credits[channel][1] += share * row.value
    return {channel: Credit(c, v) for channel, (c, v) in credits.items()}


def _one_hot(n: int, index: int) -> list[float]:
    shares = [0.0] * n
    shares[index] = 1.0
    return shares


def first_touch(paths: Iterable[Row]) -> Credits:
    return _positional(paths, lambda path: _one_hot(len(path), 0))


def last_touch(paths: Iterable[Row]) -> Credits:
    return _positional(paths, lambda path: _one_hot(len(path), len(path) - 1))


def last_non_direct(paths: Iterable[Row]) -> Credits:
    def shares(path: tuple[str, ...]) -> list[float]:
        for index in range(len(path) - 1, -1, -1):
            if path[index] != DIRECT:
                return _one_hot(len(path), index)
        return _one_hot(len(path), len(path) - 1)

    return _positional(paths, shares)


def linear(paths: Iterable[Row]) -> Credits:
    return _positional(paths, lambda path: [1.0 / len(path)] * len(path))


def position_shares(n: int) -> list[float]:
    """40/20/40: one touch 1.0; two 0.5 each; else 0.4 first and last, 0.2 shared between."""
    if n == 1:
        return [1.0]
    if n == 2:
        return [0.5, 0.5]
    return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]


def position_based(paths: Iterable[Row]) -> Credits:
    return _positional(paths, lambda path: position_shares(len(path)))


def time_decay(paths: Iterable[Row]) -> Credits:
    credits: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in paths:
        if row.conversions <= 0:
            continue
        if len(row.decay) != len(row.path) or len(row.decay_value) != len(row.path):
            raise ValueError(f"path {' > '.join(row.path)!r} has no time-decay weights")
        for channel, share, share_value in zip(row.path, row.decay, row.decay_value, strict=True):
            credits[channel][0] += share
            credits[channel][1] += share_value
    return {channel: Credit(c, v) for channel, (c, v) in credits.items()}


# --- Markov chain, by its definition ---------------------------------------------------------


def collapse(path: Sequence[str]) -> tuple[str, ...]:
    """Consecutive repeats of a channel become one visit: A > A > B is A > B."""
    return tuple(c for i, c in enumerate(path) if i == 0 or path[i - 1] != c)


def solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """``matrix @ x = rhs`` by Gaussian elimination with partial pivoting."""
    n = len(matrix)
    a = [[*row, b] for row, b in zip(matrix, rhs, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            a[r] = [x - factor * p for x, p in zip(a[r], a[col], strict=True)]
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        x[i] = (a[i][n] - sum(a[i][j] * x[j] for j in range(i + 1, n))) / a[i][i]
    return x


def absorb(
    probabilities: Mapping[str, Mapping[str, float]],
    conversion_value: Mapping[str, float],
    removed: str | set[str] | None = None,
) -> tuple[float, float]:
    """(P(conversion), expected conversion value) from the start state; without ``removed``
    (a state or a set of them), every step into it ends in null. ``probabilities``: state ->
    next state -> probability, with START, CONVERSION and NULL among the states."""
    gone = {removed} if isinstance(removed, str) else (removed or set())
    states = sorted(s for s in probabilities if s != START and s not in gone)
    if not states:
        return 0.0, 0.0
    index = {s: i for i, s in enumerate(states)}
    matrix = [[1.0 if i == j else 0.0 for j in range(len(states))] for i in range(len(states))]
    reach = [0.0] * len(states)
    worth = [0.0] * len(states)
    for state in states:
        for target, p in probabilities[state].items():
            if target == CONVERSION:
                reach[index[state]] += p
                worth[index[state]] += p * conversion_value.get(state, 0.0)
            elif target in index:
                matrix[index[state]][index[target]] -= p
    p_state, v_state = solve(matrix, reach), solve(matrix, worth)
    start = probabilities.get(START, {})
    return (
        sum(p * p_state[index[t]] for t, p in start.items() if t in index),
        sum(p * v_state[index[t]] for t, p in start.items() if t in index),
    )


def chain_counts(
    paths: Iterable[Row],
) -> tuple[dict[tuple[str, str], float], dict[str, tuple[float, float, float]]]:
    """What the engine counts for the chain: steps (repeats collapsed, START first) and, per
    last channel of a path, its conversions, their value and its nulls."""
    steps: dict[tuple[str, str], float] = defaultdict(float)
    endings: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for row in paths:
        sequence = collapse(row.path)
        weight = row.conversions + row.nulls
        if not sequence or weight <= 0:
            continue
        for step in pairwise((START, *sequence)):
            steps[step] += weight
        ending = endings[sequence[-1]]
        ending[0] += row.conversions
        ending[1] += row.value if row.conversions else 0.0
        ending[2] += row.nulls
    return dict(steps), {k: (c, v, n) for k, (c, v, n) in endings.items()}


def markov_chain(paths: Iterable[Row]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Transition probabilities (repeats collapsed) and the mean conversion value per last
    channel of a converted path."""
    steps, endings = chain_counts(paths)
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (here, there), n in steps.items():
        counts[here][there] += n
    for last, (conversions, _, nulls) in endings.items():
        if conversions:
            counts[last][CONVERSION] += conversions
        if nulls:
            counts[last][NULL] += nulls
    probabilities = {
        state: {t: n / sum(row.values()) for t, n in row.items()} for state, row in counts.items()
    }
    return probabilities, {c: v / n for c, (n, v, _) in endings.items() if n}


def markov(paths: Iterable[Row]) -> Credits:
    """Removal effects by definition (one solve per channel), normalised to the totals."""
    rows = list(paths)
    total_conversions = float(sum(row.conversions for row in rows))
    total_value = float(sum(row.value for row in rows if row.conversions))
    if total_conversions <= 0:
        return {}
    probabilities, values = markov_chain(rows)
    base_p, base_v = absorb(probabilities, values)
    effects = {}
    for channel in sorted(s for s in probabilities if s != START):
        p, v = absorb(probabilities, values, channel)
        effects[channel] = (
            max(0.0, 1 - p / base_p) if base_p > 0 else 0.0,
            max(0.0, 1 - v / base_v) if base_v > 0 else 0.0,
        )
    sum_p = sum(p for p, _ in effects.values())
    sum_v = sum(v for _, v in effects.values())
    credits = {}
    for channel, (p, v) in effects.items():
        conversions = p / sum_p * total_conversions if sum_p > 0 else 0.0
        value = v / sum_v * total_value if sum_v > 0 else 0.0
        if conversions or value:
            credits[channel] = Credit(conversions, value)
    return credits


def markov_of_order(paths: Iterable[Row], order: int) -> Credits:
    """The chain of order k (ChannelAttribution's): a state is the window of the last k
    channels, repeats kept, a path shorter than k one state; removing a channel removes every
    state that holds it. One solve per removed channel, by definition."""
    rows = list(paths)
    total_conversions = float(sum(row.conversions for row in rows))
    total_value = float(sum(row.value for row in rows if row.conversions))
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    ended: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    holds: dict[str, set[str]] = defaultdict(set)  # channel -> the states that hold it
    for row in rows:
        weight = row.conversions + row.nulls
        if not row.path or weight <= 0:
            continue
        windows = [row.path[i : i + order] for i in range(max(len(row.path) - order + 1, 1))]
        names = [" > ".join(window) for window in windows]
        for window, name in zip(windows, names, strict=True):
            for channel in window:
                holds[channel].add(name)
        for here, there in pairwise((START, *names)):
            counts[here][there] += weight
        if row.conversions:
            counts[names[-1]][CONVERSION] += row.conversions
            ended[names[-1]][0] += row.conversions
            ended[names[-1]][1] += row.value
        if row.nulls:
            counts[names[-1]][NULL] += row.nulls
    probabilities = {
        state: {t: n / sum(row.values()) for t, n in row.items()} for state, row in counts.items()
    }
    values = {state: v / n for state, (n, v) in ended.items() if n}
    base_p, base_v = absorb(probabilities, values)
    effects = {}
    for channel, states in sorted(holds.items()):
        p, v = absorb(probabilities, values, states)
        effects[channel] = (max(0.0, 1 - p / base_p), max(0.0, 1 - v / base_v) if base_v else 0.0)
    sum_p = sum(p for p, _ in effects.values())
    sum_v = sum(v for _, v in effects.values())
    return {
        channel: Credit(p / sum_p * total_conversions, v / sum_v * total_value if sum_v else 0.0)
        for channel, (p, v) in effects.items()
        if p or v
    }


# --- Shapley value, by its definition over every coalition -------------------------------------


def shapley(paths: Iterable[Row]) -> Credits:
    """phi(c) = sum over coalitions S without c of |S|! (n - |S| - 1)! / n! (v(S + c) - v(S)),
    v(S) the conversions (value) of converted paths whose channels all lie in S: 2^n
    coalitions, for the tests' few channels only."""
    converted = [
        (frozenset(row.path), row.conversions, row.value) for row in paths if row.conversions
    ]
    players = sorted({c for channels, _, _ in converted for c in channels})
    n = len(players)

    def worth(coalition: frozenset[str]) -> tuple[float, float]:
        inside = [(c, v) for channels, c, v in converted if channels <= coalition]
        return float(sum(c for c, _ in inside)), float(sum(v for _, v in inside))

    credits: Credits = {}
    for player in players:
        others = [p for p in players if p != player]
        conversions = value = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for members in combinations(others, size):
                without = worth(frozenset(members))
                with_player = worth(frozenset((*members, player)))
                conversions += weight * (with_player[0] - without[0])
                value += weight * (with_player[1] - without[1])
        if conversions or value:
            credits[player] = Credit(conversions, value)
    return credits


#: Every model of the package, written from its definition.
ORACLE: Mapping[str, Callable[[Iterable[Row]], Credits]] = {
    "first_touch": first_touch,
    "last_touch": last_touch,
    "last_non_direct": last_non_direct,
    "linear": linear,
    "position_based": position_based,
    "time_decay": time_decay,
    "markov": markov,
    "shapley": shapley,
}


def attribute_all(paths: Sequence[Row]) -> dict[str, Credits]:
    """Every model, keyed by its contract name."""
    return {model: oracle(paths) for model, oracle in ORACLE.items()}
