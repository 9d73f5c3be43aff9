"""The data-driven model at scale: every removal effect from one solve equals its definition
(solving again without the channel), and a chain with hundreds of states stays fast."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_journey.analytics.models.markov import MarkovChain, markov_credits, merge_rare_states
from mkdocs_journey.data.paths import START
from tests.analytics.oracle import absorb


def random_chain(seed: int, states: int) -> MarkovChain:
    rng = random.Random(seed)
    names = [f"s{i}" for i in range(states)]
    steps: dict[tuple[str, str], float] = {}
    for _ in range(states * 4):
        here, there = rng.choice([START, *names]), rng.choice(names)
        if here != there:
            steps[here, there] = steps.get((here, there), 0) + rng.randint(1, 30)
    endings = {
        name: (float(rng.randint(0, 9)), rng.random() * 500, float(rng.randint(0, 9)))
        for name in names
    }
    return MarkovChain.from_counts(steps, endings)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), states=st.integers(1, 12))
def test_removal_effects_equal_their_definition(seed: int, states: int) -> None:
    chain = random_chain(seed, states)
    base_p, base_v = absorb(chain.probabilities, chain.conversion_value)
    effects = chain.removal_effects()
    assert set(effects) == set(chain.channels)
    for channel, (p_effect, v_effect) in effects.items():
        p, v = absorb(chain.probabilities, chain.conversion_value, channel)
        assert p_effect == pytest.approx(max(0.0, 1 - p / base_p) if base_p > 0 else 0.0, abs=1e-9)
        assert v_effect == pytest.approx(max(0.0, 1 - v / base_v) if base_v > 0 else 0.0, abs=1e-9)


def test_rare_states_are_merged_beyond_the_limit() -> None:
    steps = {(START, "a"): 10.0, ("a", "b"): 5.0, ("a", "c"): 2.0, ("b", "c"): 1.0}
    endings = {"a": (1.0, 10.0, 2.0), "b": (2.0, 30.0, 2.0), "c": (1.0, 5.0, 2.0)}
    assert merge_rare_states(steps, endings, "(other)", limit=3) == (steps, endings)
    # Visits: a 10, b 5, c 3: with room for two, b and c share one state and b > c vanishes.
    merged_steps, merged_endings = merge_rare_states(steps, endings, "(other)", limit=2)
    assert merged_steps == {(START, "a"): 10.0, ("a", "(other)"): 7.0}
    assert merged_endings == {"a": (1.0, 10.0, 2.0), "(other)": (3.0, 35.0, 4.0)}


def test_hundreds_of_states_take_seconds_not_hours() -> None:
    # One solve per removed state cost O(n^4): 14 s at 160 states, hours at 1,000.
    chain = random_chain(7, 200)
    start = time.perf_counter()
    credits = markov_credits(chain, 100.0, 1000.0)
    assert time.perf_counter() - start < 30
    assert sum(c.conversions for c in credits.values()) == pytest.approx(100.0)
