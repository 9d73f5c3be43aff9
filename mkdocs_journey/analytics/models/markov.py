"""The data-driven model: a Markov chain of the steps between channels, credit by removal effect.

Definition: shared/reference/attribution.md. The chain is exact: absorption probabilities are
solved as linear systems, not simulated. The engine counts the steps and how paths end; this
module turns those counts into credits.

First order (the default), a state is a channel and repeats collapse (a self-loop only delays).
Of order k (2 to 4, the site's ``attribution: markov_order``), as ChannelAttribution defines it:
a state is the window of the last k channels of a path, repeats kept, a path shorter than k one
state of its own; removing a channel removes every state that holds it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_journey.analytics.models import AttributionModel, DataDriven, ModelInput
from mkdocs_journey.data.paths import START, ChainCounts, Credit, Credits, State

if TYPE_CHECKING:
    import numpy as np

    from mkdocs_journey.analytics.resampling import ResampledCredits, Resamples

# numpy is imported in the functions that use it (higher orders, the bootstrap), not above: the
# registry loads this module in every build, and most builds read their analyses from the cache.

#: The absorbing states (names no channel or touchpoint has).
CONVERSION_STATE = "\x1econversion"
NULL_STATE = "\x1enull"


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
                counts[last][CONVERSION_STATE] += conversions
            if nulls:
                counts[last][NULL_STATE] += nulls
        probabilities = {
            state: {target: n / sum(row.values()) for target, n in sorted(row.items())}
            for state, row in sorted(counts.items())
        }
        channels = tuple(sorted(state for state in counts if state != START))
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
                if target == CONVERSION_STATE:
                    reach[i] += p
                    worth[i] += p * self.conversion_value.get(state, 0.0)
                elif target in index:
                    matrix[i][index[target]] -= p
        return index, matrix, reach, worth

    def _from_start(self, index: Mapping[str, int], per_state: Sequence[float]) -> float:
        start = self.probabilities.get(START, {})
        return sum(p * per_state[index[t]] for t, p in start.items() if t in index)

    def removal_effects(self) -> dict[str, tuple[float, float]]:
        """RE(c) = 1 - P_without_c / P, for conversions and for value.

        Without c, a journey converts exactly when it converts without ever visiting c, so
        P_without_c = P - h(c) * P(conversion | at c), with h(c) the chance that a journey
        visits c at all (the same holds for value). With N = (I - Q)^-1, the expected visits,
        h(c) = (start . N)[c] / N[c][c]: one solve gives every removal effect, where solving
        again without each channel (the definition, which the tests use) costs n times as much,
        too slow for hundreds of touchpoints."""
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
        return state if state in kept or state == START else other

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


def markov_credits(chain: MarkovChain, total_conversions: float, total_value: float) -> Credits:
    """Share ``total_conversions`` and ``total_value`` by the chain's removal effects."""
    if total_conversions <= 0:
        return {}
    return _shared(chain.removal_effects(), total_conversions, total_value)


#: The most states a chain of order 2 to 4 tells apart: its solve costs O(n^3) once (a
#: fraction of a second at 1,000 states). Beyond, the least visited share one state.
HIGHER_ORDER_STATES = 1_000
#: The state that stands for the merged ones (it holds no channel: removing one keeps it).
OTHER_STATES: State = ("\x1eother states",)


def merge_rare_windows(
    chain: ChainCounts, limit: int = HIGHER_ORDER_STATES
) -> tuple[dict[tuple[State, State], float], dict[State, tuple[float, float, float]]]:
    """The chain's counts with all but the ``limit - 1`` most visited states merged into
    :data:`OTHER_STATES` (unchanged with at most ``limit``); steps between merged states vanish."""
    visits: dict[State, float] = defaultdict(float)
    for (_, there), n in chain.steps.items():
        visits[there] += n
    if len(visits) <= limit:
        return dict(chain.steps), dict(chain.endings)
    kept = set(sorted(visits, key=lambda state: (-visits[state], state))[: limit - 1])

    def name(state: State) -> State:
        return state if state in kept or state == (START,) else OTHER_STATES

    merged_steps: dict[tuple[State, State], float] = defaultdict(float)
    for (here, there), n in sorted(chain.steps.items()):
        if name(here) != name(there):
            merged_steps[name(here), name(there)] += n
    merged_endings: dict[State, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for last, counts in sorted(chain.endings.items()):
        for i, n in enumerate(counts):
            merged_endings[name(last)][i] += n
    return dict(merged_steps), {k: (c, v, n) for k, (c, v, n) in merged_endings.items()}


def window_removal_effects(
    steps: Mapping[tuple[State, State], float],
    endings: Mapping[State, tuple[float, float, float]],
) -> dict[str, tuple[float, float]]:
    """RE(c) = 1 - P_without_c / P for conversions and value, where "without c" sends every
    step into a state that holds channel c to null.

    One inverse for all channels: with N = (I - Q)^-1, start distribution a, one-step
    conversion r, and T the states without c, S those with it, the chance of converting
    without c is a_T (I - Q_TT)^-1 r_T, and (I - Q_TT)^-1 = N_TT - N_TS N_SS^-1 N_ST (the
    Schur complement), so each channel costs a solve of its own states only."""
    import numpy as np

    states = sorted(({s for pair in steps for s in pair} | set(endings)) - {(START,)})
    if not states:
        return {}
    index = {state: i for i, state in enumerate(states)}
    size = len(states)
    out = np.zeros(size)
    q = np.zeros((size, size))
    start = np.zeros(size)
    for (here, there), n in steps.items():
        if here == (START,):
            start[index[there]] += n
        else:
            q[index[here], index[there]] += n
            out[index[here]] += n
    reach = np.zeros(size)
    worth = np.zeros(size)
    for state, (conversions, value, nulls) in endings.items():
        i = index[state]
        reach[i] += conversions
        worth[i] += value if conversions else 0.0
        out[i] += conversions + nulls
    if start.sum() <= 0:
        return {}
    start /= start.sum()
    scale = np.where(out > 0, 1.0 / np.where(out > 0, out, 1.0), 0.0)
    q *= scale[:, None]
    reach *= scale  # one-step chance of converting from each state
    worth *= scale  # one-step expected value: the chance times the state's mean value
    fundamental = np.linalg.inv(np.eye(size) - q)
    from_start = start @ fundamental
    base_p, base_v = float(from_start @ reach), float(from_start @ worth)
    to_reach, to_worth = fundamental @ reach, fundamental @ worth
    channels = sorted({c for state in states if state != OTHER_STATES for c in state})
    effects: dict[str, tuple[float, float]] = {}
    for channel in channels:
        held = [index[s] for s in states if s != OTHER_STATES and channel in s]
        # a_T N for the states outside S: from start, never through a state of S first.
        u = from_start - start[held] @ fundamental[held, :]
        n_ss = fundamental[np.ix_(held, held)]
        p = _without(u, held, n_ss, reach, to_reach)
        v = _without(u, held, n_ss, worth, to_worth)
        effects[channel] = (
            max(0.0, 1 - p / base_p) if base_p > 0 else 0.0,
            max(0.0, 1 - v / base_v) if base_v > 0 else 0.0,
        )
    return effects


def _without(
    u: np.ndarray, held: list[int], n_ss: np.ndarray, one_step: np.ndarray, through: np.ndarray
) -> float:
    """a_T (I - Q_TT)^-1 x_T for x the one-step chance (or value) of absorbing, given
    u = a_T N, N_SS, and N x (``through``): see :func:`window_removal_effects`."""
    import numpy as np

    u_s = u[held]
    outside = float(u @ one_step - u_s @ one_step[held])  # a_T N_TT x_T
    return outside - float(u_s @ np.linalg.solve(n_ss, through[held] - n_ss @ one_step[held]))


def _shared(
    effects: Mapping[str, tuple[float, float]], total_conversions: float, total_value: float
) -> Credits:
    sum_p = sum(p for p, _ in effects.values())
    sum_v = sum(v for _, v in effects.values())
    credits: Credits = {}
    for channel, (p, v) in effects.items():
        conversions = p / sum_p * total_conversions if sum_p > 0 else 0.0
        value = v / sum_v * total_value if sum_v > 0 else 0.0
        if conversions or value:
            credits[channel] = Credit(conversions, value)
    return credits


def _credit(data: ModelInput) -> Credits:
    chain = data.paths.chain
    if chain is None or chain.order == 1:
        steps, endings = merge_rare_states(data.paths.steps, data.paths.endings, data.other)
        return markov_credits(
            MarkovChain.from_counts(steps, endings), data.conversions, data.revenue
        )
    if data.conversions <= 0:
        return {}
    return _shared(
        window_removal_effects(*merge_rare_windows(chain)), data.conversions, data.revenue
    )


@dataclass(frozen=True)
class _Chains:
    """First-order chains of many resamples as arrays: per resample (first axis) the counted
    steps from the start and between states, and per state its conversions, their value and
    its nulls."""

    states: list[str]
    start: np.ndarray  # (resamples, states)
    moves: np.ndarray  # (resamples, states, states)
    converted: np.ndarray  # (resamples, states), and so on
    value: np.ndarray
    ended: np.ndarray


def _chains(data: Resamples) -> _Chains:
    import numpy as np

    from mkdocs_journey.analytics.resampling import RowTable

    rows = data.rows
    step_table = RowTable(((row, (here, there), (n,)) for row, here, there, n in rows.steps), 1)
    ending_table = RowTable(((row, last, (c, v, n)) for row, last, c, v, n in rows.endings), 3)
    # The states the full table's chain tells apart (merge_rare_states' ranking): every
    # resample merges the same ones, so that a channel's credits are of one state throughout.
    totals = step_table.sums(np.ones((1, len(rows.conversions))))[0, :, 0]
    visits: dict[str, float] = defaultdict(float)
    for (_, there), n in zip(step_table.keys, totals, strict=True):
        visits[there] += float(n)
    merging = len(visits) > MARKOV_STATES
    kept = set(sorted(visits, key=lambda state: (-visits[state], state))[: MARKOV_STATES - 1])

    def name(state: str) -> str:
        return state if not merging or state in kept or state == START else data.other

    states = sorted(
        {name(here) for here, _ in step_table.keys if here != START}
        | {name(there) for _, there in step_table.keys}
        | {name(last) for last in ending_table.keys}
    )
    index = {state: i for i, state in enumerate(states)}
    size, resamples = len(states), data.count
    steps = step_table.sums(data.walked)[:, :, 0]
    moves = np.zeros((resamples, size * size))
    start = np.zeros((resamples, size))
    for k, (here, there) in enumerate(step_table.keys):
        if name(here) == name(there):
            continue  # between two merged states: a repeat, which only delays
        if here == START:
            start[:, index[name(there)]] += steps[:, k]
        else:
            moves[:, index[name(here)] * size + index[name(there)]] += steps[:, k]
    endings = ending_table.sums(data.converted, data.converted, data.ended)
    by_state = np.zeros((3, resamples, size))
    for k, last in enumerate(ending_table.keys):
        by_state[:, :, index[name(last)]] += endings[:, k, :].T
    converted, value, ended = by_state
    return _Chains(states, start, moves.reshape(resamples, size, size), converted, value, ended)


def _resampled(data: Resamples) -> ResampledCredits | None:
    """Every resample's first-order credits at once: :meth:`MarkovChain.removal_effects` and
    :func:`markov_credits` on arrays, with one batched inverse for all the chains. Higher
    orders go one resample at a time (``None``)."""
    import numpy as np

    if data.order != 1:
        return None
    chains = _chains(data)
    if not chains.states:
        return {}
    leaving = chains.moves.sum(axis=2) + chains.converted + chains.ended
    share = np.divide(1.0, leaving, out=np.zeros_like(leaving), where=leaving > 0)
    reach = chains.converted * share  # one-step chance of converting from each state
    worth = np.where(chains.converted > 0, chains.value * share, 0.0)  # and its value
    starts = chains.start.sum(axis=1, keepdims=True)
    start = np.divide(chains.start, starts, out=np.zeros_like(chains.start), where=starts > 0)
    size = len(chains.states)
    try:
        visits = np.linalg.inv(np.eye(size) - chains.moves * share[:, :, None])
    except np.linalg.LinAlgError:
        return None  # a singular chain: one resample at a time says which
    # A journey reaches state j at all with the chance (start . N)[j] / N[j][j].
    reached = np.einsum("ri,rij->rj", start, visits) / np.diagonal(visits, axis1=1, axis2=2)
    credits = np.zeros((data.count, size, 2))
    for column, (one_step, amount) in enumerate(((reach, data.conversions), (worth, data.revenue))):
        absorbed = np.einsum("rij,rj->ri", visits, one_step)
        base = (start * absorbed).sum(axis=1, keepdims=True)
        effects = np.maximum(0.0, reached * absorbed / np.where(base > 0, base, 1.0))
        effects[(base <= 0)[:, 0]] = 0.0
        total = effects.sum(axis=1, keepdims=True)
        shared = effects / np.where(total > 0, total, 1.0) * amount[:, None]
        credits[:, :, column] = np.where(total > 0, shared, 0.0)
    credits[data.conversions <= 0] = 0.0
    return {state: credits[:, i, :] for i, state in enumerate(chains.states)}


MODELS = (
    AttributionModel(
        name="markov",
        title="Markov (data-driven)",
        definition=(
            "Learned from all paths, converted or not: a channel's credit is its removal effect, "
            "how much less often journeys would convert if the channel were taken away (its "
            "visitors dropping out), solved exactly from the chain of steps between channels. "
            "Conversions and revenue are shared out in proportion to the removal effects."
        ),
        order=70,
        computed=DataDriven(_credit, resampled=_resampled),
    ),
)
