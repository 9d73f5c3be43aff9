"""Every attribution model on small hand-worked path tables (arithmetic in the comments)."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_journey.analytics.attribution import MODELS
from mkdocs_journey.analytics.models.markov import MarkovChain
from mkdocs_journey.analytics.pipeline import analyze_file
from mkdocs_journey.data.paths import Credit, Credits
from tests.analytics.oracle import (
    ORACLE,
    Row,
    absorb,
    attribute_all,
    chain_counts,
    collapse,
    decay_shares,
    first_touch,
    last_non_direct,
    last_touch,
    linear,
    markov,
    markov_chain,
    position_based,
    position_shares,
    time_decay,
)


def row(
    path: str,
    conversions: int = 0,
    value: float = 0.0,
    nulls: int = 0,
    ages: list[list[float]] | None = None,
) -> Row:
    """A path-table row; ``ages``: per converted instance, each touch's age in days."""
    channels = tuple(path.split(" > "))
    decay = [0.0] * len(channels)
    decay_value = [0.0] * len(channels)
    instances = ages or [[0.0] * len(channels)] * conversions
    for instance in instances:
        for i, share in enumerate(decay_shares(instance)):
            decay[i] += share
            decay_value[i] += share * value / max(conversions, 1)
    return Row(channels, conversions, value, nulls, tuple(decay), tuple(decay_value))


def plain(credits: Credits) -> dict[str, tuple[float, float]]:
    return {
        k: (round(v.conversions, 9), round(v.value, 9))
        for k, v in credits.items()
        if v.conversions or v.value
    }


def approx(expected: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    # Both sides went through plain()'s rounding to 9 places, which alone can put them 1e-9
    # apart (14.0660750085 rounds either way), so the band is two rounding steps wide.
    return {k: pytest.approx(v, abs=2e-9) for k, v in expected.items()}  # type: ignore[misc]


# --- the worked example of attribution.md -------------------------------------------------

# A: Paid Search 01-01 > Email 01-08 > Paid Search 01-15 (converts, 100)
# B: Organic Social 01-01 > Direct 01-08 (converts, 50)
# C: Display 01-03 12:00 (converts, 10)
WORKED = [
    row("Paid Search > Email > Paid Search", 1, 100.0, ages=[[14, 7, 0]]),
    row("Organic Social > Direct", 1, 50.0, ages=[[7, 0]]),
    row("Display", 1, 10.0, ages=[[0]]),
]
WORKED_EXPECTED = {
    "first_touch": {"Paid Search": (1, 100), "Organic Social": (1, 50), "Display": (1, 10)},
    "last_touch": {"Paid Search": (1, 100), "Direct": (1, 50), "Display": (1, 10)},
    "last_non_direct": {"Paid Search": (1, 100), "Organic Social": (1, 50), "Display": (1, 10)},
    "linear": {
        "Paid Search": (2 / 3, 200 / 3),
        "Email": (1 / 3, 100 / 3),
        "Organic Social": (1 / 2, 25),
        "Direct": (1 / 2, 25),
        "Display": (1, 10),
    },
    # 0.4 + 0.4 to Paid Search, 0.2 to the one middle touch
    "position_based": {
        "Paid Search": (0.8, 80),
        "Email": (0.2, 20),
        "Organic Social": (0.5, 25),
        "Direct": (0.5, 25),
        "Display": (1, 10),
    },
    # A: ages 14, 7, 0 -> weights 1/4, 1/2, 1 (sum 7/4) -> 1/7, 2/7, 4/7; B: 1/2, 1 -> 1/3, 2/3
    "time_decay": {
        "Paid Search": (5 / 7, 500 / 7),
        "Email": (2 / 7, 200 / 7),
        "Organic Social": (1 / 3, 50 / 3),
        "Direct": (2 / 3, 100 / 3),
        "Display": (1, 10),
    },
    # RE: Paid Search 1/3, Email 1/6, the others 1/3 each; sum 3/2; credit RE / (3/2) * 3.
    # Value RE: 5/8, 5/16, 5/16, 5/16, 1/16 (sum 13/8); credit RE / (13/8) * 160.
    "markov": {
        "Paid Search": (2 / 3, 800 / 13),
        "Email": (1 / 3, 400 / 13),
        "Organic Social": (2 / 3, 400 / 13),
        "Direct": (2 / 3, 400 / 13),
        "Display": (2 / 3, 80 / 13),
    },
    # Each converted path split equally among its distinct channels (attribution.md): A's
    # Paid Search > Email > Paid Search gives 1/2 each, Paid Search counted once.
    "shapley": {
        "Paid Search": (1 / 2, 50),
        "Email": (1 / 2, 50),
        "Organic Social": (1 / 2, 25),
        "Direct": (1 / 2, 25),
        "Display": (1, 10),
    },
}


@pytest.mark.parametrize("model", MODELS)
def test_worked_example(model: str) -> None:
    assert plain(ORACLE[model](WORKED)) == approx(
        {k: (float(c), float(v)) for k, (c, v) in WORKED_EXPECTED[model].items()}
    )


def test_worked_example_markov_internals() -> None:
    probabilities, values = markov_chain(WORKED)
    assert absorb(probabilities, values) == pytest.approx((1.0, 160 / 3))
    # RE = 1 - P_without / P: Paid Search 1/3 (5/8 of value), Email 1/6 (5/16), Display 1/3 (1/16)
    assert absorb(probabilities, values, "Paid Search") == pytest.approx((2 / 3, 160 / 3 * 3 / 8))
    assert absorb(probabilities, values, "Email") == pytest.approx((5 / 6, 160 / 3 * 11 / 16))
    assert absorb(probabilities, values, "Display") == pytest.approx((2 / 3, 160 / 3 * 15 / 16))
    # The package's chain, from the same counts, finds them in one solve.
    effects = MarkovChain.from_counts(*chain_counts(WORKED)).removal_effects()
    assert effects["Paid Search"] == pytest.approx((1 / 3, 5 / 8))
    assert effects["Email"] == pytest.approx((1 / 6, 5 / 16))
    assert effects["Display"] == pytest.approx((1 / 3, 1 / 16))


WORKED_CSV = """lead_id,timestamp,source,medium,campaign,converted,revenue
A,2024-01-01T00:00:00Z,google,cpc,,0,
B,2024-01-01T00:00:00Z,facebook,social,,0,
C,2024-01-03T12:00:00Z,criteo,display,,1,10
A,2024-01-08T00:00:00Z,newsletter,email,,0,
B,2024-01-08T00:00:00Z,(direct),(none),,1,50
A,2024-01-15T00:00:00Z,google,cpc,,1,100
"""


def test_worked_example_through_the_engine(tmp_path: Path) -> None:
    """The same example from a CSV: paths, ages and time decay computed by the engine."""
    events = tmp_path / "worked.csv"
    events.write_text(WORKED_CSV)
    analysis = analyze_file(events)
    for model in MODELS:
        assert plain(analysis.attribution[model]) == approx(
            {k: (float(c), float(v)) for k, (c, v) in WORKED_EXPECTED[model].items()}
        ), model


# --- small hand-worked path sets ----------------------------------------------------------


def test_one_touch_path_gets_everything_in_every_model() -> None:
    paths = [row("Email", 2, 30.0)]  # two conversions of the same one-touch path, 30 in all
    for model in MODELS:
        assert plain(ORACLE[model](paths)) == {"Email": (2.0, 30.0)}, model


def test_two_touch_paths() -> None:
    # Organic Search > Direct, converted once for 80, touches 3 days and 0 days old.
    paths = [row("Organic Search > Direct", 1, 80.0, ages=[[3, 0]])]
    assert plain(first_touch(paths)) == {"Organic Search": (1, 80)}
    assert plain(last_touch(paths)) == {"Direct": (1, 80)}
    assert plain(last_non_direct(paths)) == {"Organic Search": (1, 80)}  # Direct is skipped
    assert plain(linear(paths)) == {"Organic Search": (0.5, 40), "Direct": (0.5, 40)}
    assert plain(position_based(paths)) == {"Organic Search": (0.5, 40), "Direct": (0.5, 40)}
    # weights 2^(-3/7) and 1: share of the first = w / (w + 1)
    w = 2 ** (-3 / 7)
    assert plain(time_decay(paths)) == approx(
        {"Organic Search": (w / (w + 1), 80 * w / (w + 1)), "Direct": (1 / (w + 1), 80 / (w + 1))}
    )
    # One path only: removing either channel loses every conversion, RE 1 each -> 1/2 each.
    assert plain(markov(paths)) == {"Organic Search": (0.5, 40), "Direct": (0.5, 40)}


def test_all_direct_path_credits_the_last_direct_touch() -> None:
    assert plain(last_non_direct([row("Direct > Direct", 1, 9.0)])) == {"Direct": (1, 9)}


def test_repeated_channel_gets_two_linear_shares() -> None:
    # Email > Paid Search > Email > Referral, value 40: Email 2/4, the others 1/4
    paths = [row("Email > Paid Search > Email > Referral", 1, 40.0)]
    assert plain(linear(paths)) == {
        "Email": (0.5, 20),
        "Paid Search": (0.25, 10),
        "Referral": (0.25, 10),
    }
    # position-based, 4 touches: 0.4 first, 0.2 / 2 = 0.1 to each middle touch, 0.4 last
    assert plain(position_based(paths)) == approx(
        {"Email": (0.5, 20), "Paid Search": (0.1, 4), "Referral": (0.4, 16)}
    )
    assert position_shares(5) == pytest.approx([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4])


def test_null_paths_get_no_rule_based_credit_but_shape_markov() -> None:
    # Converted: Paid Social > Email (1, value 10); null: Paid Social (3 times).
    paths = [row("Paid Social > Email", 1, 10.0), row("Paid Social", nulls=3)]
    assert plain(first_touch(paths)) == {"Paid Social": (1, 10)}
    assert plain(linear(paths)) == {"Paid Social": (0.5, 5), "Email": (0.5, 5)}
    # start -> Paid Social (4/4); Paid Social -> Email 1/4, -> null 3/4; Email -> conversion 1.
    # P(conversion) = 1/4; removing either channel leaves 0: RE 1 and 1 -> half each.
    assert plain(markov(paths)) == {"Paid Social": (0.5, 5), "Email": (0.5, 5)}
    only_nulls = [row("Email > Direct", nulls=4)]
    for model in MODELS:
        assert ORACLE[model](only_nulls) == {}, model


def test_markov_with_unequal_removal_effects() -> None:
    # Paths: A > B converts (1, 30); A converts (1, 10); B null (2).
    # start -> A 2/4, B 2/4.  A -> B 1/2, conversion 1/2.  B -> conversion 1/3, null 2/3.
    # P = 1/2 * (1/2 + 1/2 * 1/3) + 1/2 * 1/3 = 1/2 * 2/3 + 1/6 = 1/2
    # without A: 1/2 * 1/3 = 1/6 -> RE(A) = 2/3;  without B: 1/2 * 1/2 = 1/4 -> RE(B) = 1/2
    # credits: A = (2/3) / (7/6) * 2 = 8/7; B = (1/2) / (7/6) * 2 = 6/7
    # value: mean values A 10, B 30. EV = 1/2 * (1/2 * 10 + 1/2 * 1/3 * 30) + 1/2 * 1/3 * 30
    #        = 1/2 * 10 + 5 = 10; without A: 1/2 * 10 = 5 (RE 1/2); without B: 1/2 * 5 = 2.5
    #        (RE 3/4); value credits A = (1/2) / (5/4) * 40 = 16, B = (3/4) / (5/4) * 40 = 24
    paths = [row("A > B", 1, 30.0), row("A", 1, 10.0), row("B", nulls=2)]
    assert plain(markov(paths)) == approx({"A": (8 / 7, 16.0), "B": (6 / 7, 24.0)})


def test_markov_collapses_repeats() -> None:
    assert collapse(("A", "A", "B", "B", "A")) == ("A", "B", "A")
    repeated = markov([row("A > A > B", 1, 5.0)])
    assert plain(repeated) == plain(markov([row("A > B", 1, 5.0)]))


def test_time_decay_half_life() -> None:
    assert decay_shares([7, 0]) == pytest.approx((1 / 3, 2 / 3))
    assert decay_shares([0.5, 0]) == pytest.approx(
        (2 ** -(0.5 / 7) / (1 + 2 ** -(0.5 / 7)), 1 / (1 + 2 ** -(0.5 / 7)))
    )


def test_time_decay_needs_the_engine_weights() -> None:
    with pytest.raises(ValueError, match="no time-decay weights"):
        time_decay([Row(("A",), 1, 1.0)])


# --- every model's credits sum to the totals --------------------------------------------------

CHANNELS = ["Direct", "Email", "Paid Search", "Organic Search", "Referral", "Display"]


@st.composite
def path_tables(draw: st.DrawFn) -> list[Row]:
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        path = " > ".join(draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=6)))
        conversions = draw(st.integers(0, 4))
        nulls = draw(st.integers(0, 4))
        value = draw(st.floats(0, 1000, allow_nan=False)) if conversions else 0.0
        ages = [
            draw(st.lists(st.floats(0, 60, allow_nan=False), min_size=n, max_size=n))
            for n in [len(path.split(" > "))] * conversions
        ]
        rows.append(row(path, conversions, value, nulls, ages))
    return rows


@settings(max_examples=150, deadline=None)
@given(path_tables())
def test_every_model_sums_to_the_totals(paths: list[Row]) -> None:
    total_conversions = sum(p.conversions for p in paths)
    total_value = sum(p.value for p in paths if p.conversions)
    for model, credits in attribute_all(paths).items():
        conversions = sum(c.conversions for c in credits.values())
        value = sum(c.value for c in credits.values())
        assert math.isclose(conversions, total_conversions, rel_tol=1e-9, abs_tol=1e-9), model
        if model != "markov" or total_value > 0:
            assert math.isclose(value, total_value, rel_tol=1e-9, abs_tol=1e-6), model
        assert all(c.conversions >= -1e-12 and c.value >= -1e-9 for c in credits.values())


def test_channels_a_model_does_not_credit_are_left_out(tmp_path: Path) -> None:
    # Email and Direct never open a path and Paid Search never ends one: no zero rows.
    events = tmp_path / "worked.csv"
    events.write_text(WORKED_CSV)
    analysis = analyze_file(events)
    assert set(analysis.attribution["first_touch"]) == {"Paid Search", "Organic Social", "Display"}
    assert set(analysis.attribution["last_touch"]) == {"Paid Search", "Direct", "Display"}
    for model, credits in analysis.attribution.items():
        assert all(credit != Credit() for credit in credits.values()), model


# --- the engine's SQL gives the same credits as the pure functions ---------------------------

GA4_PAIRS = {
    "Direct": ("(direct)", "(none)"),
    "Email": ("newsletter", "email"),
    "Paid Search": ("google", "cpc"),
    "Organic Search": ("google", "organic"),
    "Referral": ("blog.example", "referral"),
    "Display": ("criteo", "display"),
}


@st.composite
def lead_journeys(draw: st.DrawFn) -> list[list[tuple[str, int, bool, float]]]:
    """Leads, each a list of touches: (channel, hours since start, converts, revenue)."""
    leads = []
    for _ in range(draw(st.integers(1, 6))):
        touches = []
        hours = 0
        for _ in range(draw(st.integers(1, 7))):
            hours += draw(st.integers(0, 400))
            converts = draw(st.booleans())
            revenue = draw(st.integers(0, 500)) if converts else 0
            touches.append((draw(st.sampled_from(CHANNELS)), hours, converts, float(revenue)))
        leads.append(touches)
    return leads


def pure_path_table(leads: list[list[tuple[str, int, bool, float]]]) -> list[Row]:
    """The path table of attribution.md, built by hand in Python (one row per path)."""
    rows = []
    for touches in leads:
        path: list[tuple[str, int]] = []
        for channel, hours, converts, revenue in touches:
            path.append((channel, hours))
            if converts:
                end = path[-1][1]
                rows.append(
                    row(
                        " > ".join(c for c, _ in path),
                        1,
                        revenue,
                        ages=[[(end - h) / 24 for _, h in path]],
                    )
                )
                path = []
        if path:
            rows.append(row(" > ".join(c for c, _ in path), nulls=1))
    return rows


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(lead_journeys(), st.randoms(use_true_random=False))
def test_engine_credits_equal_the_pure_functions(
    tmp_path_factory: pytest.TempPathFactory,
    leads: list[list[tuple[str, int, bool, float]]],
    shuffler: random.Random,
) -> None:
    events = tmp_path_factory.mktemp("prop") / "events.csv"
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    # A campaign per row keeps equal touches from being exact duplicates (which are rejected).
    rows = []
    for n, touches in enumerate(leads):
        for i, (channel, hours, converts, revenue) in enumerate(touches):
            source, medium = GA4_PAIRS[channel]
            stamp = (start + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
            amount = revenue if converts else ""
            rows.append((n, i, f"L{n},{stamp},{source},{medium},c{i},{int(converts)},{amount}"))
    # The file is in no particular order: the engine orders each lead's touches by time, and
    # touches at the same time by their row in the file.
    shuffler.shuffle(rows)
    events.write_text(
        "\n".join(["lead_id,timestamp,source,medium,campaign,converted,revenue"])
        + "\n"
        + "\n".join(line for _, _, line in rows)
        + "\n"
    )
    file_row = {(n, i): row_no for row_no, (n, i, _) in enumerate(rows)}
    in_order = [
        [
            touches[i]
            for i in sorted(range(len(touches)), key=lambda i: (touches[i][1], file_row[n, i]))
        ]
        for n, touches in enumerate(leads)
    ]
    analysis = analyze_file(events)
    expected = attribute_all(pure_path_table(in_order))
    for model in MODELS:
        assert plain(analysis.attribution[model]) == approx(plain(expected[model])), model
