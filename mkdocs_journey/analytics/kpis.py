"""Metrics a map KPI can bind to with ``metric:``, computed from the map's data.

Plain metrics: see :data:`KNOWN_METRICS`. Stage metrics take the stage's name after a colon:
``stage_leads:Consideration``. Rates are percentages (0..100), so that a KPI written as
``target: 5, unit: "%"`` compares directly.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping, Sequence

from mkdocs_journey.analytics.result import DataAnalysis, FunnelStep
from mkdocs_journey.model import JourneyMap, Problem, Severity, SourcePosition

_PLAIN: Mapping[str, tuple[str, Callable[[DataAnalysis], float | None]]] = {
    "leads": ("leads with at least one used touch", lambda a: float(a.totals.leads)),
    "converters": ("leads that converted at least once", lambda a: float(a.converters)),
    "conversions": ("converted paths", lambda a: float(a.totals.conversions)),
    "conversion_rate": (
        "converters / leads, in %",
        lambda a: 100.0 * a.converters / a.totals.leads if a.totals.leads else None,
    ),
    "revenue": ("sum of conversion values", lambda a: a.totals.revenue),
    "revenue_per_conversion": (
        "revenue / conversions",
        lambda a: a.totals.revenue / a.totals.conversions if a.totals.conversions else None,
    ),
    "paths": (
        "paths (a lead's touches up to and between conversions)",
        lambda a: float(a.totals.paths),
    ),
    "rows_rejected": (
        "rows not used, in % of rows read",
        lambda a: (
            100.0 * (a.totals.rows_read - a.totals.rows_used) / a.totals.rows_read
            if a.totals.rows_read
            else None
        ),
    ),
}

_STAGE: Mapping[str, tuple[str, Callable[[FunnelStep], float | None]]] = {
    "stage_leads": ("leads that reached the stage", lambda s: float(s.leads)),
    "stage_conversion": (
        "% of the stage's leads that reached the next stage",
        lambda s: None if s.conversion_to_next is None else 100.0 * s.conversion_to_next,
    ),
    "stage_drop_off": (
        "% of the stage's leads that did not reach the next stage",
        lambda s: None if s.drop_off is None else 100.0 * s.drop_off,
    ),
    "stage_days": ("median days to the next stage", lambda s: s.median_days_to_next),
}

#: Every metric name, stage metrics shown with their ``:<Stage>`` argument.
KNOWN_METRICS: tuple[str, ...] = (*_PLAIN, *(f"{name}:<Stage>" for name in _STAGE))
METRIC_DESCRIPTIONS: Mapping[str, str] = {
    **{name: text for name, (text, _) in _PLAIN.items()},
    **{f"{name}:<Stage>": text for name, (text, _) in _STAGE.items()},
}


def validate_metric(metric: str, stage_names: Sequence[str] = ()) -> str | None:
    """None when ``metric`` is known (and names a stage of the map), else a sentence to show."""
    name, _, stage = metric.partition(":")
    name, stage = name.strip(), stage.strip()
    if name in _PLAIN and not stage:
        return None
    if name in _STAGE:
        if not stage:
            return f"metric {metric!r} needs a stage: {name}:<Stage>"
        if stage_names and stage not in stage_names:
            close = difflib.get_close_matches(stage, list(stage_names), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return f"metric {metric!r}: the map has no stage {stage!r}{hint}"
        return None
    candidates = [*_PLAIN, *_STAGE]
    close = difflib.get_close_matches(name, candidates, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown metric {metric!r}{hint}; known metrics: {', '.join(KNOWN_METRICS)}"


def metric_value(analysis: DataAnalysis, metric: str) -> float | None:
    """The metric's value, or None when the data cannot tell (unknown metric, empty stage)."""
    name, _, stage = metric.partition(":")
    name, stage = name.strip(), stage.strip()
    if name in _PLAIN and not stage:
        return _PLAIN[name][1](analysis)
    if name in _STAGE:
        for step in analysis.funnel:
            if step.stage == stage:
                return _STAGE[name][1](step)
    return None


def apply_kpi_actuals(
    journey_map: JourneyMap, analysis: DataAnalysis
) -> tuple[JourneyMap, list[Problem]]:
    """A copy of the map whose KPIs with a ``metric`` carry the computed ``actual``.

    Problems (unknown metric, or no value in the data) point at the KPI's position.
    """
    problems: list[Problem] = []
    stage_names = [stage.name for stage in journey_map.stages]
    stages = []
    for stage in journey_map.stages:
        kpis = []
        for kpi in stage.kpis:
            if kpi.metric:
                position = kpi.position or stage.position or journey_map.position
                position = position or SourcePosition(journey_map.page, 1)
                message = validate_metric(kpi.metric, stage_names)
                if message:
                    problems.append(Problem(f"KPI {kpi.name!r}: {message}", position))
                else:
                    value = metric_value(analysis, kpi.metric)
                    if value is None:
                        problems.append(
                            Problem(
                                f"KPI {kpi.name!r}: the data of source {analysis.source!r} gives "
                                f"no value for metric {kpi.metric!r}",
                                position,
                                Severity.WARNING,
                            )
                        )
                    kpi = dataclasses.replace(kpi, actual=value)
            kpis.append(kpi)
        stages.append(dataclasses.replace(stage, kpis=tuple(kpis)))
    return dataclasses.replace(journey_map, stages=tuple(stages)), problems
