"""View models: what a template needs, computed from the model, with nothing left to decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from mkdocs_journey.analytics.health import MapHealth, map_health
from mkdocs_journey.analytics.moments import EMOTIONAL_LOW, EMOTIONAL_PEAK
from mkdocs_journey.diagrams.curve import CurveCell, EmotionLane, build_emotion_lane
from mkdocs_journey.diagrams.dot import emotion_class
from mkdocs_journey.model import (
    Evidence,
    JourneyMap,
    Opportunity,
    PainPoint,
    Problem,
    Stage,
)
from mkdocs_journey.render.analytics_view import AnalyticsView
from mkdocs_journey.render.glance import Glance, glance_view
from mkdocs_journey.render.health_view import (
    CoverageView,
    FeelingView,
    HealthView,
    MomentView,
    going_on,
    health_view,
)
from mkdocs_journey.render.kpi_views import KpiFigure

SEVERITY_WORDS = {1: "minor", 2: "moderate", 3: "serious", 4: "major", 5: "critical"}
EMOTION_WORDS = {
    -2: "very negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very positive",
}
#: The moments the curve lane draws as its own low and high point (a ring on the point).
CURVE_EXTREMES = (EMOTIONAL_LOW, EMOTIONAL_PEAK)
#: A map is "due soon" this many days before its review date.
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class EvidenceNote:
    """One piece of evidence as a numbered note of the map (its badge links to it)."""

    number: int
    anchor: str
    evidence: Evidence


@dataclass(frozen=True)
class StageColumn:
    stage: Stage
    anchor: str  # id of the stage's column header
    kpis: tuple[KpiFigure, ...]  # in the order written, with status, origin and freshness
    emotion_class: str
    curve: CurveCell
    notes: tuple[EvidenceNote, ...]  # the stage's evidence, in the order its cards show it
    #: the moments of truth at this stage other than the curve's own low and high point, and
    #: where feelings and behaviour disagree here: marked on the stage's cell of the curve lane
    moments: tuple[MomentView, ...] = ()
    feelings: tuple[FeelingView, ...] = ()


@dataclass(frozen=True)
class ReviewStatus:
    state: str  # "overdue", "due-soon", "current" or "none"
    label: str  # "Due for review", "Review due soon", "Up to date", "No review date"
    detail: str  # "was due 2025-07-31", "next review 2027-03-30"


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
    review: ReviewStatus
    lane: EmotionLane
    glance: Glance
    layout: str = "wide"  # "wide" or "normal"
    notes: Mapping[Evidence, EvidenceNote] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    diagram_slot: str | None = None  # placeholder id replaced by the flow diagram SVG
    analytics: AnalyticsView | None = None
    #: KPI summary, moments of truth, feelings vs behaviour, evidence coverage
    health: HealthView | None = None

    @property
    def coverage(self) -> CoverageView | None:
        return self.health.coverage if self.health else None


def review_status(journey_map: JourneyMap, today: dt.date) -> ReviewStatus:
    due = journey_map.review_due()
    if due is None:
        detail = f"last reviewed {journey_map.reviewed.isoformat()}" if journey_map.reviewed else ""
        return ReviewStatus("none", "No review date", detail)
    if due < today:
        return ReviewStatus("overdue", "Due for review", f"review was due {due.isoformat()}")
    if (due - today).days <= DUE_SOON_DAYS:
        return ReviewStatus("due-soon", "Review due soon", f"due {due.isoformat()}")
    return ReviewStatus("current", "Up to date", f"next review {due.isoformat()}")


def evidence_notes(journey_map: JourneyMap, anchor: str) -> dict[Evidence, EvidenceNote]:
    """Number every piece of evidence of the map, stage by stage, top to bottom of each column."""
    notes: dict[Evidence, EvidenceNote] = {}
    for stage in journey_map.stages:
        for item in _stage_evidence(stage):
            if item not in notes:
                number = len(notes) + 1
                notes[item] = EvidenceNote(number, f"{anchor}-evidence-{number}", item)
    return notes


def _stage_evidence(stage: Stage) -> list[Evidence]:
    return [
        *stage.evidence,
        *(item for tp in stage.touchpoints for item in tp.evidence),
        *(item for pain in stage.pain_points for item in pain.evidence),
        *(item for kpi in stage.kpis for item in kpi.evidence),
    ]


def map_view(
    journey_map: JourneyMap,
    *,
    today: dt.date,
    persona_url: str | None = None,
    problems: tuple[Problem, ...] = (),
    diagram_slot: str | None = None,
    analytics: AnalyticsView | None = None,
    health: MapHealth | None = None,
    layout: str = "wide",
) -> MapView:
    """``health``: the map's KPI statuses, moments of truth and findings (from its data when it
    has some); without it they are worked out from the map alone."""
    anchor = f"journey-{journey_map.id}"
    if health is None:
        health = map_health(journey_map, None, today)
    lane = build_emotion_lane(journey_map, going_on(health))
    notes = evidence_notes(journey_map, anchor)
    stage_anchors = {
        stage.name: f"{anchor}-stage-{number}"
        for number, stage in enumerate(journey_map.stages, start=1)
    }
    health_page = health_view(journey_map, health, anchor, stage_anchors)
    columns = tuple(
        StageColumn(
            stage=stage,
            anchor=stage_anchors[stage.name],
            kpis=health_page.kpis_of(stage.name),
            emotion_class=emotion_class(stage),
            curve=cell,
            notes=tuple(dict.fromkeys(notes[item] for item in _stage_evidence(stage))),
            moments=tuple(
                moment
                for moment in health_page.moments
                if moment.stage == stage.name and moment.kind not in CURVE_EXTREMES
            ),
            feelings=tuple(f for f in health_page.feelings if f.stage == stage.name),
        )
        for stage, cell in zip(journey_map.stages, lane.cells, strict=True)
    )
    pains = [pain for _, pain in journey_map.pain_points()]
    due = journey_map.review_due()
    return MapView(
        journey_map=journey_map,
        anchor=anchor,
        columns=columns,
        persona_url=persona_url,
        reviewed=journey_map.reviewed.isoformat() if journey_map.reviewed else "",
        review_due=due.isoformat() if due else "",
        stale=journey_map.is_stale(today),
        pain_count=len(pains),
        worst_severity=max((p.severity for p in pains), default=0),
        review=review_status(journey_map, today),
        lane=lane,
        glance=glance_view(
            journey_map, anchor=anchor, health=health_page, severity_words=SEVERITY_WORDS
        ),
        layout=journey_map.layout or layout,
        notes=notes,
        problems=problems,
        diagram_slot=diagram_slot,
        analytics=analytics,
        health=health_page,
    )


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
