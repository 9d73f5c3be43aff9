"""A map's analysis and its KPIs' date windows computed from one read of the file
(``analyze_windows``, ``engine.run_windows``) are the analyses computed one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from mkdocs_journey.analytics.attribution import engine_rules
from mkdocs_journey.analytics.kpis import kpi_windows
from mkdocs_journey.analytics.pipeline import analyze, analyze_windows, map_shape
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.check import collect_site
from mkdocs_journey.data.cache import AnalysisCache
from mkdocs_journey.data.channels import ChannelSettings
from mkdocs_journey.data.engine import EngineOutput, TimeWindow, run, run_windows
from mkdocs_journey.data.paths import AttributionSettings
from mkdocs_journey.data.sources import default_source
from mkdocs_journey.joined import configured_sources
from tests.conftest import FIXTURES

EXAMPLE = Path(__file__).parent.parent.parent / "example-site"


def _text(analysis: DataAnalysis) -> str:
    return json.dumps(analysis.to_json(), sort_keys=True)


@pytest.mark.parametrize(
    ("project", "map_id"),
    [(FIXTURES / "kpis", "shop"), (EXAMPLE, "saas-trial-to-paid"), (EXAMPLE, "smb-accounting")],
)
def test_a_map_and_its_windows_batched_are_the_analyses_one_by_one(
    project: Path, map_id: str
) -> None:
    site, _, _ = collect_site(project / "mkdocs.yml")
    settings = site.settings
    [journey_map] = [m for m in site.catalogue.maps if m.id == map_id]
    others = [m for m in site.catalogue.maps if m.data == journey_map.data and m is not journey_map]
    sources, problems = configured_sources(settings)
    assert problems == []
    source = sources[journey_map.data or ""]
    windows = [TimeWindow(*window) for window in kpi_windows(journey_map)]
    assert windows  # each of these maps has KPIs with a date window

    def one(window: TimeWindow | None, cache: AnalysisCache[DataAnalysis] | None) -> DataAnalysis:
        attribution = settings.attribution
        if window:
            attribution = dataclasses.replace(attribution, resamples=0)  # no intervals
        return analyze(
            source,
            journey_map,
            settings.channels,
            other_maps=others,
            cache=cache,
            attribution=attribution,
            window=window,
        )

    def batched(cache: AnalysisCache[DataAnalysis] | None) -> tuple[DataAnalysis, dict[Any, Any]]:
        return analyze_windows(
            source,
            journey_map,
            settings.channels,
            windows=windows,
            other_maps=others,
            cache=cache,
            attribution=settings.attribution,
        )

    whole, by_window = batched(None)
    assert _text(whole) == _text(one(None, None))
    assert list(by_window) == windows
    for window in windows:
        found = by_window[window]
        assert isinstance(found, DataAnalysis)
        assert _text(found) == _text(one(window, None))
        assert found.totals.rows_used < whole.totals.rows_used  # the window did cut

    # Cached one by one under the keys analyze uses: a warm build computes nothing.
    cache: AnalysisCache[DataAnalysis] = AnalysisCache()
    batched(cache)
    assert cache.computed == 1 + len(windows)
    for window in [None, *windows]:
        one(window, cache)
    batched(cache)
    assert cache.computed == 1 + len(windows)


def _in_order(out: EngineOutput) -> EngineOutput:
    """``out`` with the path table's row entries sorted: the engine hands them over in no fixed
    order (a parallel GROUP BY; the bootstrap sorts them), in one run as in two."""
    rows = out.channel_rows
    if rows is None:
        return out

    def ordered(entries: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(sorted(entries, key=repr))

    return dataclasses.replace(
        out,
        channel_rows=dataclasses.replace(
            rows,
            credits={model: ordered(entries) for model, entries in rows.credits.items()},
            steps=ordered(rows.steps),
            endings=ordered(rows.endings),
            coalitions=ordered(rows.coalitions),
            chain_steps=ordered(rows.chain_steps),
            chain_endings=ordered(rows.chain_endings),
        ),
    )


def test_engine_jobs_from_one_read_equal_separate_runs() -> None:
    """Duplicates, rejected rows and windows that cut through a lead's journey: each job of one
    read gives exactly what its own run gives, whatever the order of the jobs."""
    source = default_source(FIXTURES / "data" / "quality.csv")
    shape = map_shape(None)
    rules = engine_rules()
    channels = ChannelSettings()
    full = AttributionSettings()
    none = dataclasses.replace(full, resamples=0)
    jobs: list[tuple[AttributionSettings, TimeWindow | None]] = [
        (none, TimeWindow(until=dt.date(2024, 1, 2))),
        (full, None),
        (none, TimeWindow(since=dt.date(2024, 1, 3))),
        (full, TimeWindow(dt.date(2024, 1, 2), dt.date(2024, 1, 3))),
        (none, None),
    ]
    batched = run_windows(source, shape, channels, rules, jobs)
    separate = [run(source, shape, channels, rules, *job) for job in jobs]
    assert [_in_order(out) for out in batched] == [_in_order(out) for out in separate]
    assert batched[1].rejected  # the file has rejected rows and duplicates to report
    assert {r.rows_used for r in batched} != {batched[1].rows_used}
