"""View models: what a template needs, computed from the model, with nothing left to decide."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mkdocs_journey.model import JourneyMap, Kpi, Opportunity, PainPoint, Problem, Stage
from mkdocs_journey.render.health_view import HealthView
from mkdocs_journey.render.numbers import format_number

SEVERITY_WORDS = {1: "minor", 2: "moderate", 3: "serious", 4: "major", 5: "critical"}
EMOTION_WORDS = {
    -2: "very negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very positive",
}


@dataclass(frozen=True)
class KpiView:
    kpi: Kpi
    status: str  # "met", "missed" or "unknown"
    target_text: str
    actual_text: str


@dataclass(frozen=True)
class StageColumn:
    stage: Stage
    kpis: tuple[KpiView, ...]
    emotion_class: str


@dataclass(frozen=True)
class MapView:
    journey_map: JourneyMap
    anchor: str
    columns: tuple[StageColumn, ...]
    persona_url: str | None
    reviewed: str
    review_due: str
    stale: bool
    pain_count: int
    worst_severity: int
    problems: tuple[Problem, ...] = ()
    diagram_slot: str | None = None  # placeholder id replaced by the flow diagram SVG
    curve_slot: str | None = None  # placeholder id replaced by the emotion curve SVG
    analytics: Any = None  # analytics view (from mkdocs_journey.render.analytics_view)
    #: KPI summary, moments of truth, feelings vs behaviour, evidence coverage
    health: HealthView | None = None


def kpi_view(kpi: Kpi) -> KpiView:
    met = kpi.met
    status = "unknown" if met is None else ("met" if met else "missed")
    return KpiView(
        kpi, status, format_number(kpi.target, kpi.unit), format_number(kpi.actual, kpi.unit)
    )


def map_view(
    journey_map: JourneyMap,
    *,
    today: dt.date,
    persona_url: str | None = None,
    problems: tuple[Problem, ...] = (),
    diagram_slot: str | None = None,
    curve_slot: str | None = None,
    analytics: Any = None,
    health: HealthView | None = None,
) -> MapView:
    columns = tuple(
        StageColumn(
            stage=stage,
            kpis=tuple(kpi_view(k) for k in stage.kpis),
            emotion_class=emotion_class(stage.emotion.score if stage.emotion else None),
        )
        for stage in journey_map.stages
    )
    pains = [pain for _, pain in journey_map.pain_points()]
    due = journey_map.review_due()
    return MapView(
        journey_map=journey_map,
        anchor=f"journey-{journey_map.id}",
        columns=columns,
        persona_url=persona_url,
        reviewed=journey_map.reviewed.isoformat() if journey_map.reviewed else "",
        review_due=due.isoformat() if due else "",
        stale=journey_map.is_stale(today),
        pain_count=len(pains),
        worst_severity=max((p.severity for p in pains), default=0),
        problems=problems,
        diagram_slot=diagram_slot,
        curve_slot=curve_slot,
        analytics=analytics,
        health=health,
    )


def emotion_class(score: int | None) -> str:
    if score is None:
        return "journey-emotion-none"
    if score == 0:
        return "journey-emotion-neutral"
    return f"journey-emotion-{'neg' if score < 0 else 'pos'}{abs(score)}"


@dataclass(frozen=True)
class MapRow:
    """One line of the index of maps."""

    view: MapView
    url: str


@dataclass(frozen=True)
class PainRow:
    journey_map: JourneyMap
    stage: str
    pain: PainPoint
    url: str
    opportunities: tuple[Opportunity, ...]
