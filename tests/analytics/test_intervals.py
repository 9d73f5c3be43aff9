"""Intervals of every model's credits: a seeded bootstrap over the path table."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from mkdocs_journey.analytics.attribution import MODELS
from mkdocs_journey.analytics.pipeline import analyze
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.data.paths import AttributionSettings, Credit
from mkdocs_journey.data.sources import default_source

PAIRS = {
    "Paid Search": ("google", "cpc"),
    "Email": ("newsletter", "email"),
    "Organic Search": ("google", "organic"),
    "Direct": ("(direct)", "(none)"),
    "Display": ("criteo", "display"),
}


def _events(folder: Path, leads: int, seed: int = 1) -> Path:
    """``leads`` leads of one to five touches; Email and Paid Search help them convert."""
    rng = random.Random(seed)
    channels = list(PAIRS)
    lines = ["lead_id,timestamp,source,medium,campaign,converted,revenue"]
    for lead in range(leads):
        path = [rng.choice(channels) for _ in range(rng.randint(1, 5))]
        chance = 0.1 + 0.15 * ("Email" in path) + 0.1 * (path[-1] == "Paid Search")
        converts = rng.random() < chance
        for i, channel in enumerate(path):
            source, medium = PAIRS[channel]
            last = converts and i == len(path) - 1
            revenue = rng.choice(["20", "50", "120"]) if last else ""
            lines.append(
                f"L{lead},2024-01-01T{i:02d}:00:00Z,{source},{medium},c{i},{int(last)},{revenue}"
            )
    path = folder / f"events-{leads}-{seed}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _plain(credits: Mapping[str, Credit]) -> dict[str, tuple[float, float]]:
    return {k: (c.conversions, c.value) for k, c in credits.items()}


def _analysis(path: Path, **options: int) -> DataAnalysis:
    return analyze(default_source(path), cache=None, attribution=AttributionSettings(**options))


def test_the_bootstrap_is_seeded_and_stable(tmp_path: Path) -> None:
    events = _events(tmp_path, 400)
    first, again = _analysis(events), _analysis(events)
    assert first.intervals is not None
    assert first.intervals == again.intervals  # the same data, the same intervals
    assert (first.intervals.resamples, first.intervals.seed) == (200, 2018)
    other = _analysis(events, seed=7)
    assert other.intervals is not None
    assert other.intervals.attribution != first.intervals.attribution
    # ... and the credits themselves do not depend on the seed
    assert {m: _plain(c) for m, c in other.attribution.items()} == {
        m: {k: pytest.approx(v) for k, v in _plain(c).items()} for m, c in first.attribution.items()
    }


def test_every_model_has_an_interval_around_its_credit(tmp_path: Path) -> None:
    analysis = _analysis(_events(tmp_path, 600))
    assert analysis.intervals is not None
    assert set(analysis.intervals.attribution) == set(MODELS)
    for model in MODELS:
        for channel, credit in analysis.attribution[model].items():
            interval = analysis.intervals.attribution[model][channel]
            low, high = interval.conversions
            assert low <= credit.conversions <= high, (model, channel)
            assert low < high, (model, channel)
            low, high = interval.value
            assert low <= credit.value <= high, (model, channel)


def _relative_width(analysis: DataAnalysis, model: str, channel: str) -> float:
    assert analysis.intervals is not None
    low, high = analysis.intervals.attribution[model][channel].conversions
    return (high - low) / analysis.attribution[model][channel].conversions


@pytest.mark.slow
@pytest.mark.parametrize("model", ["linear", "markov", "shapley"])
def test_a_channels_interval_narrows_as_the_data_grows(tmp_path: Path, model: str) -> None:
    small = _analysis(_events(tmp_path, 300))
    large = _analysis(_events(tmp_path, 4800))
    # Sixteen times the paths: about a quarter of the relative width (1 / sqrt(16)).
    for channel in ("Email", "Paid Search"):
        ratio = _relative_width(large, model, channel) / _relative_width(small, model, channel)
        assert 0.15 < ratio < 0.45, (channel, ratio)


def test_no_intervals_when_none_are_asked_for_or_the_table_is_too_large(tmp_path: Path) -> None:
    events = _events(tmp_path, 200)
    none = _analysis(events, resamples=0)
    assert none.intervals is None
    assert none.intervals_note == (
        "no intervals: the site asks for none (attribution: resamples: 0)"
    )
    large = _analysis(events, max_rows=5)
    assert large.intervals is None
    assert large.intervals_note.endswith(
        " distinct paths and outcomes, more than the 5 the resampling takes in bounded time"
    )
    # The credits do not depend on it (to the last bits, which DuckDB's parallel sums vary).
    assert {m: _plain(c) for m, c in large.attribution.items()} == {
        m: {k: pytest.approx(v) for k, v in _plain(c).items()} for m, c in none.attribution.items()
    }


def test_the_analysis_json_matches_its_published_schema(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    from mkdocs_journey.export import export_schema

    schema = export_schema()
    analytics = {"$defs": schema["$defs"], "$ref": "#/$defs/analytics"}
    for options in ({}, {"resamples": 0}, {"markov_order": 2}):
        document = _analysis(_events(tmp_path, 150), **options).to_json()
        assert list(Draft202012Validator(analytics).iter_errors(document)) == []
    document = _analysis(_events(tmp_path, 150)).to_json()
    assert document["intervals"]["resamples"] == 200
    low, high = document["intervals"]["attribution"]["shapley"]["Email"]["conversions"]
    assert low <= document["attribution"]["shapley"]["Email"]["conversions"] <= high
    assert document["breakdowns"]["shapley"]["columns"] == ["1st", "2nd", "3rd", "4th and later"]
