"""Is the journey working? The view of a map's KPI summary, moments of truth, feelings vs
behaviour and evidence coverage, and the marks the moments put on its flow diagram."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from mkdocs_journey.analytics import moments as m
from mkdocs_journey.analytics.evidence_coverage import EvidenceCoverage, Share
from mkdocs_journey.analytics.feelings import FeelingFinding
from mkdocs_journey.analytics.health import MapHealth
from mkdocs_journey.analytics.moment_words import (
    FEELING_TITLE,
    TITLES,
    describe,
    feeling_headline,
    feeling_sentence,
)
from mkdocs_journey.diagrams import DiagramMarks, Mark
from mkdocs_journey.model import JourneyMap
from mkdocs_journey.render.kpi_views import KpiFigure, KpiSummary, kpi_figure, kpi_summary
from mkdocs_journey.render.numbers import percent

#: Whether a kind of moment is where the journey is lost, slowed, won, or one the author marks.
TONES: Mapping[str, str] = {
    m.EMOTIONAL_LOW: "loss",
    m.BOTTLENECK: "loss",
    m.HIGH_FRICTION: "loss",
    m.SLOWEST_STEP: "slow",
    m.EMOTIONAL_PEAK: "win",
    m.ACCELERATOR: "win",
    m.FLAGGED: "flag",
}


@dataclass(frozen=True)
class MomentView:
    kind: str  # CSS modifier: journey-moment--bottleneck
    title: str
    stage: str
    subject: str
    figure: str
    reason: str
    origin: str  # map, data, author
    href: str  # where on the page it is shown
    quote: str = ""  # an emotional low or peak: what the customer thinks there
    #: how the glance block and the curve lane mark it: "loss", "slow", "win" or "flag"
    tone: str = "flag"

    @property
    def mark(self) -> str:
        """The moment on its stage's cell of the curve lane, in a few words."""
        if self.kind in (m.BOTTLENECK, m.SLOWEST_STEP):
            return f"{self.title}: {self.figure}"
        if self.subject != self.stage:  # a touchpoint
            return f"{self.title}: {self.subject}"
        return self.title


@dataclass(frozen=True)
class FeelingView:
    kind: str
    stage: str
    title: str
    headline: str
    sentence: str
    href: str = ""  # the stage's place on the emotion curve


#: How well backed a share of evidence is, in Smaply's three colours: none, partly, well.
def coverage_level(share: float | None) -> str:
    if share is None:
        return "none"
    if share >= 2 / 3:
        return "good"
    return "partial" if share >= 1 / 3 else "low"


@dataclass(frozen=True)
class CoverageItem:
    label: str  # "touchpoints with evidence"
    covered: int
    total: int
    percent: str  # "42.9%" or "–"
    level: str  # none, low, partial, good

    @property
    def text(self) -> str:
        return f"{self.covered} of {self.total} {self.label}"


@dataclass(frozen=True)
class CoverageView:
    items: tuple[CoverageItem, ...]
    overall: CoverageItem  # touchpoints, pain points and KPIs together
    events: CoverageItem | None  # touchpoints with events in the data (None: no such data)


def coverage_view(coverage: EvidenceCoverage) -> CoverageView:
    def item(label: str, share: Share) -> CoverageItem:
        return CoverageItem(
            label,
            share.covered,
            share.total,
            percent(share.share),
            coverage_level(share.share),
        )

    events = (
        None
        if coverage.touchpoints_with_events is None
        else item("touchpoints with events in the data", coverage.touchpoints_with_events)
    )
    items = (
        item("touchpoints with evidence", coverage.touchpoints),
        item("pain points with evidence", coverage.pain_points),
        item("KPIs with evidence or a source", coverage.kpis),
        *((events,) if events else ()),
    )
    return CoverageView(items, item("items backed by evidence", coverage.backed), events)


@dataclass(frozen=True)
class HealthView:
    summary: KpiSummary
    moments: tuple[MomentView, ...]
    feelings: tuple[FeelingView, ...]
    coverage: CoverageView
    #: each stage's KPIs, in the order written, for the stage's cell of the grid
    stage_kpis: Mapping[str, tuple[KpiFigure, ...]]

    def kpis_of(self, stage: str) -> tuple[KpiFigure, ...]:
        return self.stage_kpis.get(stage, ())


def health_view(
    journey_map: JourneyMap,
    health: MapHealth,
    anchor: str,
    stage_anchors: Mapping[str, str] | None = None,
) -> HealthView:
    """``stage_anchors``: the id of each stage's place on the page (its column), for links."""
    stage_anchors = stage_anchors or {}
    stages = {stage.name: stage for stage in journey_map.stages}

    def on_curve(stage: str) -> str:
        """The stage's cell of the emotion lane, where its moments are marked."""
        return f"#{stage_anchors[stage]}-emotion" if stage in stage_anchors else f"#{anchor}"

    moments = []
    for moment in health.moments:
        words = describe(moment, journey_map)
        href = f"#{anchor}-tp-{moment.touchpoint}" if moment.touchpoint else on_curve(moment.stage)
        quote = ""
        emotion = stages[moment.stage].emotion if moment.stage in stages else None
        if moment.kind in (m.EMOTIONAL_LOW, m.EMOTIONAL_PEAK) and emotion and emotion.thoughts:
            quote = emotion.thoughts[0]
        moments.append(
            MomentView(
                moment.kind,
                words.title,
                moment.stage,
                words.subject,
                words.figure,
                words.reason,
                moment.origin,
                href,
                quote,
                TONES[moment.kind],
            )
        )
    stage_kpis: dict[str, list[KpiFigure]] = {}
    for item in health.kpis:
        stage_kpis.setdefault(item.stage.name, []).append(
            kpi_figure(item, journey_map.review_every)
        )
    return HealthView(
        summary=kpi_summary(journey_map, health.kpis),
        moments=tuple(moments),
        feelings=tuple(
            feeling_view(finding, on_curve(finding.behaviour.stage)) for finding in health.feelings
        ),
        coverage=coverage_view(health.coverage),
        stage_kpis={stage: tuple(figures) for stage, figures in stage_kpis.items()},
    )


def feeling_view(finding: FeelingFinding, href: str = "") -> FeelingView:
    return FeelingView(
        finding.kind,
        finding.behaviour.stage,
        FEELING_TITLE,
        feeling_headline(finding),
        feeling_sentence(finding),
        href,
    )


def going_on(health: MapHealth) -> Mapping[str, float]:
    """Per stage with a next stage in the data: the share of its leads who go on (the emotion
    lane's second series)."""
    analysis = health.analysis
    if analysis is None:
        return {}
    return {
        step.stage: step.conversion_to_next
        for step in analysis.funnel
        if step.conversion_to_next is not None and step.leads
    }


# --- marks on the flow diagram ---------------------------------------------------------------


def diagram_marks(journey_map: JourneyMap, moments: Iterable[m.MomentOfTruth]) -> DiagramMarks:
    """Each moment on what it is about: a touchpoint, a step between stages (when the diagram
    draws that step, else its first stage) or a stage. The mark's words are the moment's title;
    its figure is in the "at a glance" block."""
    if journey_map.flow:
        steps = {(edge.source, edge.target) for edge in journey_map.flow}
    else:
        steps = set(pairwise(stage.name for stage in journey_map.stages))
    nodes: dict[str, list[Mark]] = {}
    edges: dict[tuple[str, str], list[Mark]] = {}
    for moment in moments:
        mark = Mark(moment.kind, TITLES[moment.kind])
        if moment.touchpoint:
            target = nodes.setdefault(moment.touchpoint, [])
        elif moment.next_stage and (moment.stage, moment.next_stage) in steps:
            target = edges.setdefault((moment.stage, moment.next_stage), [])
        else:
            target = nodes.setdefault(moment.stage, [])
        if mark not in target:
            target.append(mark)
    return DiagramMarks(
        nodes={key: tuple(marks) for key, marks in nodes.items()},
        steps={key: tuple(marks) for key, marks in edges.items()},
    )
