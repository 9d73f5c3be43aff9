"""Shapley value attribution: a hand-worked game, the brute force over coalitions, the engine."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_journey.analytics.pipeline import analyze_file
from tests.analytics.letter_paths import CHANNEL, events_file
from tests.analytics.oracle import Row, shapley

# Three channels, four converted paths and one that did not convert:
#   A > B     converts twice, 20 in all       set {A, B}
#   B > C     converts once, 30               set {B, C}
#   A         converts once, 10               set {A}
#   C > A > C converts once, 40               set {A, C} (C counts once)
#   B > B     never converts                  (no worth: v counts converted paths only)
# v(S) = conversions of the converted paths whose set lies in S:
#   v(A) = 1, v(B) = v(C) = 0, v(AB) = 3, v(AC) = 2, v(BC) = 1, v(ABC) = 5.
# phi(A) = 1/3 (v(A) - 0) + 1/6 (v(AB) - v(B)) + 1/6 (v(AC) - v(C)) + 1/3 (v(ABC) - v(BC))
#        = 1/3 + 3/6 + 2/6 + 4/3 = 2.5
# phi(B) = 1/3 * 0 + 1/6 (3 - 1) + 1/6 (1 - 0) + 1/3 (5 - 2) = 1/3 + 1/6 + 1 = 1.5
# phi(C) = 1/3 * 0 + 1/6 (2 - 1) + 1/6 (1 - 0) + 1/3 (5 - 3) = 1/6 + 1/6 + 2/3 = 1
# Value, the same game in revenue: A 10 + 10 + 20 = 40, B 10 + 15 = 25, C 15 + 20 = 35.
GAME = [
    Row(("A", "B"), 2, 20.0),
    Row(("B", "C"), 1, 30.0),
    Row(("A",), 1, 10.0),
    Row(("C", "A", "C"), 1, 40.0),
    Row(("B", "B"), 0, 0.0, 3),
]
EXPECTED = {"A": (2.5, 40.0), "B": (1.5, 25.0), "C": (1.0, 35.0)}
# By the position at which each channel joined its paths (A > B: A 1st, B 2nd, one each; B > C:
# B 1st, C 2nd, 1/2 each; A: A 1st, 1; C > A > C: C 1st, A 2nd, 1/2 each).
BY_POSITION = {"A": (2.0, 0.5, 0.0, 0.0), "B": (0.5, 1.0, 0.0, 0.0), "C": (0.5, 0.5, 0.0, 0.0)}


def _approx(expected: dict[str, tuple[float, ...]]) -> dict[str, object]:
    return {k: pytest.approx(v, abs=1e-9) for k, v in expected.items()}


def test_the_hand_worked_game() -> None:
    credits = shapley(GAME)
    assert {k: (c.conversions, c.value) for k, c in credits.items()} == _approx(EXPECTED)


def test_the_engine_gives_the_hand_worked_game(tmp_path: Path) -> None:
    analysis = analyze_file(events_file(GAME, tmp_path))
    credits = {k: (c.conversions, c.value) for k, c in analysis.attribution["shapley"].items()}
    assert credits == _approx({CHANNEL[k]: v for k, v in EXPECTED.items()})
    breakdown = analysis.breakdowns["shapley"]
    assert breakdown.columns == ("1st", "2nd", "3rd", "4th and later")
    assert dict(breakdown.rows) == _approx({CHANNEL[k]: v for k, v in BY_POSITION.items()})
    # Summed over positions, the ordered value is the Shapley value.
    for channel, shares in breakdown.rows.items():
        assert sum(shares) == pytest.approx(analysis.attribution["shapley"][channel].conversions)


@st.composite
def games(draw: st.DrawFn) -> list[Row]:
    channels = [f"ch{i}" for i in range(draw(st.integers(1, 7)))]
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        path = tuple(draw(st.lists(st.sampled_from(channels), min_size=1, max_size=6)))
        conversions = draw(st.integers(0, 5))
        value = draw(st.floats(0, 500, allow_nan=False)) if conversions else 0.0
        rows.append(Row(path, conversions, value, draw(st.integers(0, 3))))
    return rows


@settings(max_examples=150)
@given(games())
def test_the_closed_form_equals_the_brute_force_over_coalitions(rows: list[Row]) -> None:
    expected = shapley(rows)
    closed = _closed_form(rows)
    assert set(closed) == set(expected)
    for channel, credit in expected.items():
        assert closed[channel][0] == pytest.approx(credit.conversions, abs=1e-9)
        assert closed[channel][1] == pytest.approx(credit.value, rel=1e-12, abs=1e-9)


def _closed_form(rows: list[Row]) -> dict[str, tuple[float, float]]:
    """The package's Shapley model on the coalitions the engine would count from ``rows``."""
    from mkdocs_journey.analytics.attribution import BY_NAME
    from mkdocs_journey.analytics.models import DataDriven, ModelInput
    from mkdocs_journey.data.paths import PathAggregates

    coalitions: dict[tuple[str, ...], list[float]] = {}
    for row in rows:
        if row.conversions:
            joined = tuple(dict.fromkeys(row.path))  # distinct channels, in order of first touch
            entry = coalitions.setdefault(joined, [0.0, 0.0])
            entry[0] += row.conversions
            entry[1] += row.value
    aggregates = PathAggregates(
        credits={},
        steps={},
        endings={},
        top_paths=(),
        coalitions={k: (c, v) for k, (c, v) in coalitions.items()},
    )
    computed = BY_NAME["shapley"].computed
    assert isinstance(computed, DataDriven)
    credits = computed.credit(ModelInput(aggregates, 0.0, 0.0, "(other)"))
    return {k: (c.conversions, c.value) for k, c in credits.items()}


def test_three_hundred_paths_of_ten_channels_against_the_brute_force() -> None:
    rng = random.Random(12)
    channels = [f"ch{i}" for i in range(10)]
    rows = [
        Row(
            tuple(rng.choice(channels) for _ in range(rng.randint(1, 6))),
            rng.randint(0, 3),
            rng.uniform(0, 100),
            rng.randint(0, 2),
        )
        for _ in range(300)
    ]
    rows = [Row(r.path, r.conversions, r.value if r.conversions else 0.0, r.nulls) for r in rows]
    expected = shapley(rows)
    closed = _closed_form(rows)
    for channel, credit in expected.items():
        assert closed[channel][0] == pytest.approx(credit.conversions, abs=1e-9)
        assert closed[channel][1] == pytest.approx(credit.value, rel=1e-12, abs=1e-9)
