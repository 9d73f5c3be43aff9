"""KPI actuals computed from a map's data: the value of each ``metric:`` (see
:mod:`mkdocs_journey.parsing.metrics` for the names) and where it comes from.

Rates are percentages (0..100), so that a KPI written as ``target: 5, unit: "%"`` compares
directly. A KPI with a date window (``since``, ``until``) takes its value from an analysis of
the events of those days only; its provenance then counts the rows of the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from mkdocs_journey.analytics.result import DataAnalysis, FunnelStep
from mkdocs_journey.model import DataProvenance, JourneyMap, Kpi, Problem, Severity, SourcePosition
from mkdocs_journey.parsing.metrics import (
    CHANNEL_SHARE,
    EVENT,
    KNOWN_METRICS,
    METRIC_DESCRIPTIONS,
    TOUCHED_BEFORE_CONVERSION,
    MetricProblem,
    MetricRef,
    map_problems,
    parse_metric,
)
from mkdocs_journey.suggest import did_you_mean

__all__ = [
    "KNOWN_METRICS",
    "METRIC_DESCRIPTIONS",
    "AnalysisFor",
    "apply_kpi_actuals",
    "kpi_windows",
    "metric_value",
    "validate_metric",
]


def _share(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


_PLAIN: Mapping[str, Callable[[DataAnalysis], float | None]] = {
    "leads": lambda a: float(a.totals.leads),
    "converters": lambda a: float(a.converters),
    "conversions": lambda a: float(a.totals.conversions),
    "conversion_rate": lambda a: _share(a.converters, a.totals.leads),
    "revenue": lambda a: a.totals.revenue,
    "revenue_per_conversion": lambda a: (
        a.totals.revenue / a.totals.conversions if a.totals.conversions else None
    ),
    "revenue_per_lead": lambda a: a.totals.revenue / a.totals.leads if a.totals.leads else None,
    "paths": lambda a: float(a.totals.paths),
    "rows_rejected": lambda a: _share(a.totals.rows_read - a.totals.rows_used, a.totals.rows_read),
}

_STAGE: Mapping[str, Callable[[FunnelStep], float | None]] = {
    "stage_leads": lambda s: float(s.leads),
    "stage_conversion": lambda s: (
        None if s.conversion_to_next is None else 100.0 * s.conversion_to_next
    ),
    "stage_drop_off": lambda s: None if s.drop_off is None else 100.0 * s.drop_off,
    "stage_days": lambda s: s.median_days_to_next,
}

#: The analysis of the map's data within a date window (None, None: all of it); None when it
#: could not be made (the caller reports why).
AnalysisFor = Callable[[dt.date | None, dt.date | None], DataAnalysis | None]


def validate_metric(metric: str, stage_names: Sequence[str] = ()) -> str | None:
    """None when ``metric`` is known (and names a stage of the map), else a sentence to show."""
    found = parse_metric(metric)
    if isinstance(found, MetricProblem):
        return _sentence(found)
    if not stage_names:
        return None
    problems = map_problems(dataclasses.replace(found, touchpoint=None), stage_names, ())
    return _sentence(problems[0]) if problems else None


def _sentence(problem: MetricProblem) -> str:
    return f"{problem.message} ({problem.hint})" if problem.hint else problem.message


def metric_value(analysis: DataAnalysis, metric: str | MetricRef) -> float | None:
    """The metric's value, or None when the data cannot tell (unknown metric, empty stage)."""
    ref = parse_metric(metric) if isinstance(metric, str) else metric
    if isinstance(ref, MetricProblem):
        return None
    if ref.name in _PLAIN:
        return _PLAIN[ref.name](analysis)
    if ref.name in _STAGE:
        step = analysis.stage(ref.stage or "")
        return None if step is None else _STAGE[ref.name](step)
    if ref.name == EVENT:
        if not analysis.has_event_field:
            return None
        wanted = (ref.event or "").strip().lower()
        rows = dict(analysis.events).get(wanted)
        if rows is None:
            return 0.0 if analysis.events_complete else None
        return float(rows)
    if ref.name == CHANNEL_SHARE:
        mix = next((m for m in analysis.channel_mix if m.stage == ref.stage), None)
        if mix is None or not mix.leads:
            return None
        leads = next((c.leads for c in mix.channels if c.channel == ref.channel), 0)
        return _share(leads, mix.leads)
    if ref.name == TOUCHED_BEFORE_CONVERSION:
        if not analysis.converters:
            return None
        reach = next((r for r in analysis.reach if r.key == ref.touchpoint), None)
        return _share(reach.converters if reach else 0, analysis.converters)
    return None


def provenance_of(analysis: DataAnalysis) -> DataProvenance | None:
    """The provenance of a figure computed from ``analysis``, as the model keeps it."""
    found = analysis.provenance
    if found is None:
        return None
    return DataProvenance(
        source=analysis.source,
        file=analysis.file_label,
        sha256=found.sha256,
        rows=found.rows_used,
        as_of=(
            None
            if found.as_of is None
            else dt.datetime.strptime(found.as_of, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=dt.timezone.utc
            )
        ),
        since=dt.date.fromisoformat(found.since) if found.since else None,
        until=dt.date.fromisoformat(found.until) if found.until else None,
    )


def kpi_windows(journey_map: JourneyMap) -> list[tuple[dt.date | None, dt.date | None]]:
    """The date windows (since, until) :func:`apply_kpi_actuals` asks an analysis for: one per
    KPI with a readable metric and a ``since`` or an ``until``, in map order, each once."""
    windows = [
        (kpi.since, kpi.until)
        for stage in journey_map.stages
        for kpi in stage.kpis
        if kpi.metric
        and (kpi.since is not None or kpi.until is not None)
        and not isinstance(parse_metric(kpi.metric), MetricProblem)
    ]
    return list(dict.fromkeys(windows))


def apply_kpi_actuals(
    journey_map: JourneyMap, analysis: DataAnalysis | AnalysisFor
) -> tuple[JourneyMap, list[Problem]]:
    """A copy of the map whose KPIs with a ``metric`` carry the computed ``actual`` and its
    provenance.

    ``analysis``: the map's analysis, or a function giving it for a KPI's date window. The
    metric's form, stage and touchpoint were checked when the map was read; what only the data
    can tell (an event name it never has, a metric without a value) is a warning at the KPI.
    """
    problems: list[Problem] = []
    analysis_for: AnalysisFor = analysis if callable(analysis) else (lambda since, until: analysis)
    stages = []
    for stage in journey_map.stages:
        kpis = []
        for kpi in stage.kpis:
            if kpi.metric:
                position = kpi.position or stage.position or journey_map.position
                kpi, problem = _with_actual(
                    kpi, analysis_for, position or SourcePosition(journey_map.page, 1)
                )
                problems.extend(problem)
            kpis.append(kpi)
        stages.append(dataclasses.replace(stage, kpis=tuple(kpis)))
    return dataclasses.replace(journey_map, stages=tuple(stages)), problems


def _with_actual(
    kpi: Kpi, analysis_for: AnalysisFor, position: SourcePosition
) -> tuple[Kpi, list[Problem]]:
    ref = parse_metric(kpi.metric or "")
    if isinstance(ref, MetricProblem):  # reported when the map was read
        return dataclasses.replace(kpi, actual=None), []
    analysis = analysis_for(kpi.since, kpi.until)
    if analysis is None:
        return dataclasses.replace(kpi, actual=None), []
    value = metric_value(analysis, ref)
    problems: list[Problem] = []
    if ref.name == EVENT and not analysis.has_event_field:
        problems.append(
            Problem(
                f"KPI {kpi.name!r}: metric {kpi.metric!r} counts rows by their event, and "
                f"source {analysis.source!r} has no event column",
                position,
                Severity.WARNING,
                hint="map the file's event column under the source's 'columns' (event: ...)",
            )
        )
    elif ref.name == EVENT and value == 0.0 and analysis.events:
        names = [name for name, _ in analysis.events]
        problems.append(
            Problem(
                f"KPI {kpi.name!r}: no row of source {analysis.source!r} has the event "
                f"{ref.event!r}",
                position,
                Severity.WARNING,
                hint=did_you_mean((ref.event or "").lower(), names)
                or f"its events: {', '.join(names[:12])}",
            )
        )
    elif value is None:
        problems.append(
            Problem(
                f"KPI {kpi.name!r}: the data of source {analysis.source!r} gives no value for "
                f"metric {kpi.metric!r}",
                position,
                Severity.WARNING,
            )
        )
    return dataclasses.replace(kpi, actual=value, provenance=provenance_of(analysis)), problems
