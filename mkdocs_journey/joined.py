"""Maps joined with their attribution data: one analysis per map that names a data source.

Runs once per build after every map is known (a source shared by several maps must know all
their touchpoints, or it would call theirs "not on any map"). The analyses are cached by file
content (:mod:`mkdocs_journey.data.cache`): an unchanged file is not analysed again on a
``mkdocs serve`` rebuild, nor, with the disk cache the plugin uses, by the next build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_journey.analytics.data_quality import describe_rejections, quality_problems
from mkdocs_journey.analytics.feelings import feeling_findings
from mkdocs_journey.analytics.kpis import AnalysisFor, apply_kpi_actuals, kpi_windows
from mkdocs_journey.analytics.moment_words import FEELING_TITLE, feeling_sentence
from mkdocs_journey.analytics.pipeline import (
    CACHE,
    analyze,
    analyze_windows,
    window_attribution,
)
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.catalogue import Catalogue
from mkdocs_journey.data.cache import AnalysisCache
from mkdocs_journey.data.channels import ChannelSettings
from mkdocs_journey.data.engine import DataError, TimeWindow
from mkdocs_journey.data.paths import AttributionSettings
from mkdocs_journey.data.sources import DataSource, locate
from mkdocs_journey.model import JourneyMap, Problem, Severity, SourcePosition
from mkdocs_journey.parsing.page import MapReading
from mkdocs_journey.settings import Settings


@dataclass
class DataJoin:
    """What the data gave: analyses by map id and by source, and what to report."""

    sources: dict[str, DataSource] = field(default_factory=dict)
    by_map: dict[str, DataAnalysis] = field(default_factory=dict)  # by map id
    by_source: dict[str, DataAnalysis] = field(default_factory=dict)  # by source name
    errors: dict[str, str] = field(default_factory=dict)  # map id -> why it has no numbers
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def data_files(self) -> list[Path]:
        return [source.path for source in self.sources.values()]

    def edge_volumes(self, map_id: str) -> Mapping[tuple[str, str], int] | None:
        analysis = self.by_map.get(map_id)
        if analysis is None:
            return None
        return {(a, b): n for a, b, n in analysis.touchpoint_transitions}


def disk_analysis_cache(settings: Settings) -> AnalysisCache[DataAnalysis]:
    """Analyses kept in memory and under ``<cache_dir>/analyses`` for the next process."""
    return AnalysisCache(directory=settings.cache_path / "analyses", kind=DataAnalysis)


def configured_sources(settings: Settings) -> tuple[dict[str, DataSource], list[str]]:
    """The declared sources whose files are there, and a sentence for each that is not."""
    sources: dict[str, DataSource] = {}
    problems: list[str] = []
    for name, declared in settings.data_sources.items():
        source, problem = locate(declared, settings.project_dir)
        if source is not None:
            sources[name] = source
        if problem is not None:
            problems.append(f"mkdocs.yml: data_sources: {problem}")
    return sources, problems


def maps_reading(catalogue: Catalogue, source_name: str) -> list[JourneyMap]:
    """The maps whose ``data`` names the source, in page order."""
    return [m for m in catalogue.maps if m.data == source_name]


def analyze_for_map(
    source: DataSource,
    journey_map: JourneyMap | None,
    readers: list[JourneyMap],
    channels: ChannelSettings,
    cache: AnalysisCache[DataAnalysis] | None,
    attribution: AttributionSettings | None = None,
) -> DataAnalysis:
    """The analysis a map's page shows: the source read with the map's stages and touchpoints,
    the touchpoints of the source's other ``readers`` known too. ``mkdocs-journey analyze
    --config`` calls it as well, so that it prints exactly the page's numbers."""
    others = [m for m in readers if m is not journey_map]
    return analyze(
        source, journey_map, channels, other_maps=others, cache=cache, attribution=attribution
    )


def _analyze_with_windows(
    source: DataSource,
    journey_map: JourneyMap | None,
    readers: list[JourneyMap],
    settings: Settings,
    cache: AnalysisCache[DataAnalysis] | None,
) -> _WindowedAnalyses:
    """:func:`analyze_for_map`'s analysis and those of the date windows of the map's KPIs, all
    from one read of the file (the windows are known from the KPIs before any is computed)."""
    others = [m for m in readers if m is not journey_map]
    windows = [] if journey_map is None else [TimeWindow(*w) for w in kpi_windows(journey_map)]
    whole, by_window = analyze_windows(
        source,
        journey_map,
        settings.channels,
        windows=windows,
        other_maps=others,
        cache=cache,
        attribution=settings.attribution,
    )

    def one_window(window: TimeWindow) -> DataAnalysis | DataError:
        try:
            return analyze(
                source,
                journey_map,
                settings.channels,
                other_maps=others,
                cache=cache,
                attribution=window_attribution(settings.attribution),
                window=window,
            )
        except DataError as error:
            return error

    return _WindowedAnalyses(whole, dict(by_window), one_window)


def join_data(
    catalogue: Catalogue,
    settings: Settings,
    sources: dict[str, DataSource],
    config_problems: list[str],
    cache: AnalysisCache[DataAnalysis] | None = CACHE,
) -> tuple[DataJoin, Catalogue]:
    """Analyse every source for the maps that use it. Returns what the data gave and a new
    catalogue: ``catalogue``'s maps with their computed KPI actuals and the problems of their
    data, and, as information, where their feelings and behaviour disagree (``catalogue`` itself
    is left as it was)."""
    joined = DataJoin(sources=sources)
    joined.warnings += config_problems
    readings = list(catalogue.readings)
    # The first reading of each map id: a second map of the same id is a problem of its own.
    first: dict[str, int] = {}
    for number, reading in enumerate(readings):
        if reading.journey_map is not None:
            first.setdefault(reading.journey_map.id, number)
    for name, source in sources.items():
        readers = maps_reading(catalogue, name)
        targets: list[JourneyMap | None] = [*readers] or [None]  # None: the source alone
        for journey_map in targets:
            try:
                windows = _analyze_with_windows(source, journey_map, readers, settings, cache)
            except DataError as error:
                if journey_map is None:
                    joined.warnings.append(str(error))
                else:
                    joined.errors[journey_map.id] = str(error)
                    number = first[journey_map.id]
                    readings[number] = _with_problem(readings[number], str(error))
                continue
            analysis = windows.whole
            if journey_map is not None:
                joined.by_map[journey_map.id] = analysis
                number = first[journey_map.id]
                reading = _with_actuals(readings[number], windows)
                for message in windows.errors:
                    reading = _with_problem(reading, message)
                readings[number] = _with_feeling_findings(
                    reading, analysis, settings.moment_min_leads
                )
            if name not in joined.by_source:
                joined.by_source[name] = analysis
                joined.warnings += quality_problems(analysis, settings.max_rejected_share)
                joined.notes += [f"{source.name}: {line}" for line in describe_rejections(analysis)]
    return joined, dataclasses.replace(catalogue, readings=readings)


@dataclass
class _WindowedAnalyses:
    """The map's analysis, and one per date window its KPIs ask for (see :func:`kpi_windows`:
    computed with the map's; a window it did not foresee is computed when asked for)."""

    whole: DataAnalysis
    by_window: dict[TimeWindow, DataAnalysis | DataError]
    compute: Callable[[TimeWindow], DataAnalysis | DataError]
    errors: list[str] = field(default_factory=list)

    def __call__(self, since: dt.date | None, until: dt.date | None) -> DataAnalysis | None:
        window = TimeWindow(since, until)
        if not window:
            return self.whole
        if window not in self.by_window:
            self.by_window[window] = self.compute(window)
        found = self.by_window[window]
        if isinstance(found, DataError):
            self.errors.append(f"window {since} to {until}: {found}")
            return None
        return found


def _with_actuals(reading: MapReading, analysis: AnalysisFor) -> MapReading:
    assert reading.journey_map is not None
    journey_map, problems = apply_kpi_actuals(reading.journey_map, analysis)
    return dataclasses.replace(
        reading, journey_map=journey_map, problems=(*reading.problems, *problems)
    )


def _with_feeling_findings(
    reading: MapReading, analysis: DataAnalysis, min_leads: int
) -> MapReading:
    """Where feelings and behaviour disagree: information at the stage's emotion, never a
    failure (``mkdocs-journey check`` lists it, a build logs it)."""
    journey_map = reading.journey_map
    assert journey_map is not None
    positions = {
        stage.name: (stage.emotion.position if stage.emotion else None) or stage.position
        for stage in journey_map.stages
    }
    notes = [
        Problem(
            f"{FEELING_TITLE}, stage '{finding.behaviour.stage}': {feeling_sentence(finding)}",
            positions.get(finding.behaviour.stage) or journey_map.position or SourcePosition("", 1),
            Severity.INFO,
        )
        for finding in feeling_findings(journey_map, analysis, min_leads)
    ]
    return dataclasses.replace(reading, problems=(*reading.problems, *notes))


def _with_problem(reading: MapReading, message: str) -> MapReading:
    assert reading.journey_map is not None
    problem = Problem(f"data of map '{reading.journey_map.id}': {message}", reading.at(("data",)))
    return dataclasses.replace(reading, problems=(*reading.problems, problem))
