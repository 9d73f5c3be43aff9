"""The analysis pipeline: engine aggregates -> models, funnel, mix, insights -> DataAnalysis.

``analyze(source, journey_map, settings)`` returns a :class:`DataAnalysis` (cached by the file's
content hash and every relevant setting); ``analyze_windows`` adds the analyses of date windows
(a map's KPIs'), computed from the same read of the file; ``analyze_file(path)`` does the same
as ``analyze`` for a bare file with the standard column names, as ``mkdocs-journey analyze``
does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from mkdocs_journey.analytics.attribution import MODELS, attribute, breakdowns, engine_rules
from mkdocs_journey.analytics.channel_mix import build_channel_mix, build_channel_totals
from mkdocs_journey.analytics.funnel import build_funnel
from mkdocs_journey.analytics.insights import build_coverage, build_insights
from mkdocs_journey.analytics.result import (
    DataAnalysis,
    Provenance,
    Reach,
    RejectedExample,
    Rejection,
    Totals,
)
from mkdocs_journey.data import engine
from mkdocs_journey.data.cache import AnalysisCache, file_digest
from mkdocs_journey.data.channels import ChannelSettings
from mkdocs_journey.data.engine import (
    OTHER_TOUCHPOINTS,
    DataError,
    MapShape,
    Measures,
    TimeWindow,
)
from mkdocs_journey.data.paths import START, AttributionSettings, PathAggregates
from mkdocs_journey.data.sources import DataSource, default_source
from mkdocs_journey.finite_json import NonFiniteNumber, check_finite
from mkdocs_journey.model import JourneyMap

#: The process-wide cache: an unchanged file is not read again on a ``mkdocs serve`` rebuild.
CACHE: AnalysisCache[DataAnalysis] = AnalysisCache()
TOP_PATHS = 20
#: The state of the data-driven model that stands for the least visited channels, when there
#: are more than it tells apart (see merge_rare_states); touchpoints: OTHER_TOUCHPOINTS.
OTHER_CHANNELS = "(other channels)"


def map_shape(
    journey_map: JourneyMap | None, other_maps: Sequence[JourneyMap] = ()
) -> MapShape | None:
    """The stages and touchpoint ids of a map, as the engine needs them."""
    if journey_map is None:
        return None
    own = {tp.id: stage.name for stage, tp in journey_map.touchpoints()}
    others = sorted({tp.id for other in other_maps for _, tp in other.touchpoints()} - own.keys())
    return MapShape(
        stages=tuple(stage.name for stage in journey_map.stages),
        touchpoint_stages=own,
        other_touchpoints=tuple(others),
    )


def _map_fingerprint(journey_map: JourneyMap | None) -> str:
    if journey_map is None:
        return "-"
    return repr(
        (
            [stage.name for stage in journey_map.stages],
            [(stage.name, tp.id, tp.channel) for stage, tp in journey_map.touchpoints()],
        )
    )


def _transitions(
    paths: PathAggregates, across: Mapping[tuple[str, str], int]
) -> tuple[tuple[str, str, int], ...]:
    """Observed steps between touchpoints (consecutive touches, repeats collapsed), busiest
    first: (from, to, count), for drawing volumes on a flow diagram. ``across``: the steps
    from a converting touch to the lead's next one, which no path holds (paths end at a
    conversion) but a journey takes: from the checkout in Decision to the kick-off after it."""
    counted: dict[tuple[str, str], int] = {
        (a, b): int(n) for (a, b), n in paths.steps.items() if a != START
    }
    for step, n in across.items():
        counted[step] = counted.get(step, 0) + n
    steps = [(a, b, n) for (a, b), n in counted.items()]
    return tuple(sorted(steps, key=lambda step: (-step[2], step[0], step[1])))


def _utc_text(microseconds: int | None) -> str | None:
    """An event time as ISO 8601 in UTC, to the second: ``2026-11-28T17:02:11Z``."""
    if microseconds is None:
        return None
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
        microseconds=microseconds
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _provenance(
    sha256: str, rows_used: int, measures: Measures, window: TimeWindow | None
) -> Provenance:
    return Provenance(
        sha256=sha256,
        rows_used=rows_used,
        first_event=_utc_text(measures.first_event_us),
        as_of=_utc_text(measures.last_event_us),
        since=window.since.isoformat() if window and window.since else None,
        until=window.until.isoformat() if window and window.until else None,
    )


def _compute(
    source: DataSource,
    journey_map: JourneyMap | None,
    settings: ChannelSettings,
    other_maps: Sequence[JourneyMap] = (),
    attribution: AttributionSettings | None = None,
    *,
    sha256: str | None = None,
    window: TimeWindow | None = None,
) -> DataAnalysis:
    jobs = [(attribution or AttributionSettings(), window)]
    return _compute_all(source, journey_map, settings, other_maps, jobs, sha256=sha256)[0]


def _compute_all(
    source: DataSource,
    journey_map: JourneyMap | None,
    settings: ChannelSettings,
    other_maps: Sequence[JourneyMap],
    jobs: Sequence[tuple[AttributionSettings, TimeWindow | None]],
    *,
    sha256: str | None = None,
) -> list[DataAnalysis]:
    """The analysis of each (attribution, window) of ``jobs``, from one read of the file."""
    # The file is hashed before it is read: the digest names the bytes the numbers come from.
    digest = sha256 if sha256 is not None else _digest(source)
    outputs = engine.run_windows(
        source, map_shape(journey_map, other_maps), settings, engine_rules(), jobs
    )
    return [
        _analysis(source, journey_map, attribution, window, digest, out)
        for (attribution, window), out in zip(jobs, outputs, strict=True)
    ]


def _analysis(
    source: DataSource,
    journey_map: JourneyMap | None,
    attribution: AttributionSettings,
    window: TimeWindow | None,
    digest: str,
    out: engine.EngineOutput,
) -> DataAnalysis:
    """The analysis of one job's engine output: models, funnel, mix, insights, intervals."""
    # Imported here: numpy loads only for a computation, never for a build whose analyses
    # all come from the cache.
    from mkdocs_journey.analytics.bootstrap import bootstrap

    funnel = build_funnel(out.funnel)
    channel_totals = build_channel_totals(out.channel_totals)
    analysis = DataAnalysis(
        source=source.name,
        file_label=source.file_label,
        totals=Totals(
            rows_read=out.rows_read,
            rows_used=out.rows_used,
            leads=out.leads,
            paths=out.paths,
            conversions=out.conversions,
            revenue=out.revenue,
        ),
        rejected=tuple(
            Rejection(
                r.reason, r.count, tuple(RejectedExample(row, value) for row, value in r.examples)
            )
            for r in out.rejected
        ),
        attribution=attribute(out.channel_paths, out.conversions, out.revenue, OTHER_CHANNELS),
        touchpoint_attribution=(
            None
            if out.touchpoint_paths is None
            else attribute(out.touchpoint_paths, out.conversions, out.revenue, OTHER_TOUCHPOINTS)
        ),
        funnel=funnel,
        channel_mix=build_channel_mix(out.stage_channels, [step.stage for step in funnel]),
        channels=channel_totals,
        insights=build_insights(out.insights),
        insight_subject=out.insight_subject,
        coverage=(
            None
            if journey_map is None
            else build_coverage(
                journey_map,
                out.touchpoint_totals,
                out.unknown_touchpoints,
                out.channel_totals,
                has_touchpoint_column="touchpoint" in out.columns,
            )
        ),
        top_paths=out.channel_paths.top_paths[:TOP_PATHS],
        unassigned=out.unassigned,
        converters=out.converters,
        touchpoint_transitions=(
            ()
            if out.touchpoint_paths is None
            else _transitions(out.touchpoint_paths, out.conversion_steps)
        ),
        markov_order=attribution.markov_order,
        breakdowns=breakdowns(out.channel_paths, out.conversions, out.revenue, OTHER_CHANNELS),
        intervals=(
            None
            if out.channel_rows is None or out.conversions == 0
            else bootstrap(out.channel_rows, attribution, OTHER_CHANNELS, attribution.markov_order)
        ),
        intervals_note=_intervals_note(out.channel_table_size, out.conversions, attribution),
        provenance=_provenance(digest, out.rows_used, out.measures, window),
        has_event_field=out.measures.has_event_field,
        events=out.measures.events,
        events_complete=out.measures.events_listed_all,
        reach=tuple(Reach(*row) for row in out.measures.reach),
        stage_reach=tuple(Reach(*row) for row in out.measures.stage_reach),
        touchpoint_totals=build_channel_totals(out.touchpoint_totals),
    )
    # Rows with absurd values are rejected, so every figure is finite; should one ever not be,
    # the source gets no numbers and a message, never "inf" on a page or in journeys.json.
    try:
        check_finite(analysis.to_json(), source.file_label)
    except NonFiniteNumber as error:
        raise DataError(str(error)) from error
    return analysis


def _intervals_note(table_size: int, conversions: int, attribution: AttributionSettings) -> str:
    """Why a source has no intervals ("" when it has them)."""
    if attribution.resamples == 0:
        return "no intervals: the site asks for none (attribution: resamples: 0)"
    if conversions == 0:
        return "no intervals: no path converted"
    if table_size > attribution.max_rows:
        return (
            f"no intervals: the path table has {table_size:,} distinct paths and outcomes, "
            f"more than the {attribution.max_rows:,} the resampling takes in bounded time"
        )
    return ""


def analyze(
    source: DataSource,
    journey_map: JourneyMap | None = None,
    settings: ChannelSettings | None = None,
    *,
    other_maps: Sequence[JourneyMap] = (),
    cache: AnalysisCache[DataAnalysis] | None = CACHE,
    attribution: AttributionSettings | None = None,
    window: TimeWindow | None = None,
) -> DataAnalysis:
    """Analyse ``source`` for ``journey_map`` (None: no map). Raises :class:`DataError` when the
    file cannot be read at all; bad rows are reported in the result, never raised.

    ``other_maps``: the other maps that use the same source; their touchpoints are not
    "touchpoint not on any map" (they are kept, without a stage of this map). ``window``: only
    the events of those days count as used rows (a KPI's ``since`` and ``until``).
    """
    settings = settings or ChannelSettings()
    attribution = attribution or AttributionSettings()
    if cache is None:
        return _compute(source, journey_map, settings, other_maps, attribution, window=window)
    sha256 = _content_hash(source, cache)
    config = _config(source, journey_map, settings, other_maps, attribution, window)
    return cache.get_or_compute(
        source.path,
        config,
        lambda: _compute(
            source, journey_map, settings, other_maps, attribution, sha256=sha256, window=window
        ),
    )


def analyze_windows(
    source: DataSource,
    journey_map: JourneyMap | None,
    settings: ChannelSettings | None = None,
    *,
    windows: Sequence[TimeWindow],
    other_maps: Sequence[JourneyMap] = (),
    cache: AnalysisCache[DataAnalysis] | None = CACHE,
    attribution: AttributionSettings | None = None,
) -> tuple[DataAnalysis, dict[TimeWindow, DataAnalysis | DataError]]:
    """:func:`analyze` of the whole file, and of each date window in ``windows`` (a map's KPIs'
    ``since`` and ``until``), from one read of the file: what is not in ``cache`` is computed
    together. Each analysis is cached on its own, under the key :func:`analyze` gives it.

    A window's analysis has the settings of :func:`window_attribution`.
    Raises :class:`DataError` when the whole file cannot be analysed; a window that cannot be
    (where the whole can) maps to its error.
    """
    settings = settings or ChannelSettings()
    attribution = attribution or AttributionSettings()
    kept = [window for window in dict.fromkeys(windows) if window]
    jobs: list[tuple[AttributionSettings, TimeWindow | None]] = [
        (attribution, None),
        *((window_attribution(attribution), window) for window in kept),
    ]
    found: list[DataAnalysis | DataError | None] = [None] * len(jobs)
    keys: list[str | None] = [None] * len(jobs)
    sha256 = None
    if cache is not None:
        sha256 = _content_hash(source, cache)
        for number, (job_attribution, window) in enumerate(jobs):
            config = _config(source, journey_map, settings, other_maps, job_attribution, window)
            keys[number] = key = cache.key(source.path, config)
            found[number] = cache.get(key)
    missing = [number for number, value in enumerate(found) if value is None]

    def computed(numbers: list[int]) -> None:
        values = _compute_all(
            source, journey_map, settings, other_maps, [jobs[n] for n in numbers], sha256=sha256
        )
        for number, value in zip(numbers, values, strict=True):
            found[number] = value
            key = keys[number]
            if cache is not None and key is not None:
                cache.put(key, value)

    try:
        if missing:
            computed(missing)
    except DataError:
        if len(missing) == 1:
            raise
        # One at a time, as each was before they were batched: the whole file's failure is
        # the map's, a window's is that window's.
        for number in missing:
            try:
                computed([number])
            except DataError as error:
                if number == 0:
                    raise
                found[number] = error
    whole = found[0]
    assert isinstance(whole, DataAnalysis)
    by_window = {window: found[number] for number, (_, window) in enumerate(jobs) if window}
    return whole, by_window  # type: ignore[return-value]


def window_attribution(attribution: AttributionSettings) -> AttributionSettings:
    """The attribution settings of a date window's analysis: it gives KPI figures only, so it
    resamples nothing (no credit intervals)."""
    return dataclasses.replace(attribution, resamples=0)


def _content_hash(source: DataSource, cache: AnalysisCache[DataAnalysis]) -> str:
    if not source.path.is_file():
        raise DataError(f"{source.file_label}: data file not found (source {source.name!r})")
    return cache.content_hash(source.path)


def _config(
    source: DataSource,
    journey_map: JourneyMap | None,
    settings: ChannelSettings,
    other_maps: Sequence[JourneyMap],
    attribution: AttributionSettings,
    window: TimeWindow | None,
) -> str:
    """What, beside the file's content, an analysis depends on (its cache key)."""
    return "\x1e".join(
        (
            source.fingerprint(),
            settings.fingerprint(),
            _map_fingerprint(journey_map),
            repr(map_shape(journey_map, other_maps)),
            attribution.fingerprint(),
            ",".join(MODELS),
            repr(window or TimeWindow()),
        )
    )


def _digest(source: DataSource) -> str:
    try:
        return file_digest(source.path)
    except OSError as error:
        raise DataError(f"{source.file_label}: cannot read the file: {error}") from error


def analyze_file(
    path: Path,
    source: DataSource | None = None,
    journey_map: JourneyMap | None = None,
    settings: ChannelSettings | None = None,
    attribution: AttributionSettings | None = None,
) -> DataAnalysis:
    """Analyse a file; without ``source``, with the standard column names and ``converted = 1``."""
    return analyze(source or default_source(path), journey_map, settings, attribution=attribution)
