"""The "at a glance" block of a map: its moments of truth, worst pain points and KPI counts.

Moments of truth come from a list of finders, each turning what it knows about the map into
:class:`Moment` items. Today the emotion curve's low and high points are the only ones; a new
kind of moment (a bottleneck in the funnel, a KPI at risk...) is one more finder in
:data:`MOMENT_FINDERS` and one more ``kind`` for the stylesheet, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from mkdocs_journey.diagrams.curve import CurveCell, EmotionLane
from mkdocs_journey.model import JourneyMap, PainPoint, Stage

TOP_PAINS = 3


@dataclass(frozen=True)
class Moment:
    """One moment of truth, as the glance block lists it."""

    kind: str  # CSS modifier and test hook: "low", "peak"
    title: str  # what kind of moment it is, in words: "Emotional low"
    stage: str
    headline: str  # the moment in a few words: "stuck in setup (-2)"
    detail: str  # one supporting line, e.g. the customer's thought there
    href: str  # where on the page the moment is shown


@dataclass(frozen=True)
class PainSummary:
    pain: PainPoint
    stage: str
    severity_word: str
    href: str


@dataclass(frozen=True)
class StatusCount:
    status: str  # a KPI status key, e.g. "met"
    label: str  # its words, e.g. "on target"
    count: int


@dataclass(frozen=True)
class Glance:
    moments: tuple[Moment, ...]
    top_pains: tuple[PainSummary, ...]
    pain_count: int
    kpi_counts: tuple[StatusCount, ...]  # only statuses that occur, in the order of the labels
    kpi_total: int


@dataclass(frozen=True)
class MapFacts:
    """What a finder may look at."""

    journey_map: JourneyMap
    anchor: str
    lane: EmotionLane
    stage_anchors: Mapping[str, str]


def emotional_extremes(facts: MapFacts) -> Iterable[Moment]:
    """The curve's lowest and highest points (a flat curve has neither)."""
    for kind, title, extreme in (
        ("low", "Emotional low", facts.lane.lowest),
        ("peak", "Emotional peak", facts.lane.highest),
    ):
        for stage, cell in zip(facts.journey_map.stages, facts.lane.cells, strict=True):
            if cell is extreme:
                yield _curve_moment(kind, title, stage, cell, facts)


def _curve_moment(kind: str, title: str, stage: Stage, cell: CurveCell, facts: MapFacts) -> Moment:
    thought = stage.emotion.thoughts[0] if stage.emotion and stage.emotion.thoughts else ""
    mood = f"{cell.label} ({cell.score_text})" if cell.label else f"score {cell.score_text}"
    return Moment(
        kind=kind,
        title=title,
        stage=stage.name,
        headline=mood,
        detail=thought,
        href=f"#{facts.stage_anchors[stage.name]}-emotion",
    )


#: Every kind of moment of truth, in the order the glance block lists them.
MOMENT_FINDERS: tuple[Callable[[MapFacts], Iterable[Moment]], ...] = (emotional_extremes,)


def top_pains(
    journey_map: JourneyMap, anchor: str, severity_words: Mapping[int, str], limit: int = TOP_PAINS
) -> tuple[PainSummary, ...]:
    """The most severe pain points; on equal severity, the earlier stage first."""
    ranked = sorted(
        enumerate(journey_map.pain_points()), key=lambda item: (-item[1][1].severity, item[0])
    )
    return tuple(
        PainSummary(pain, stage.name, severity_words[pain.severity], f"#{anchor}-pain-{pain.id}")
        for _, (stage, pain) in ranked[:limit]
    )


def kpi_counts(statuses: Sequence[str], labels: Mapping[str, str]) -> tuple[StatusCount, ...]:
    return tuple(
        StatusCount(status, label, statuses.count(status))
        for status, label in labels.items()
        if status in statuses
    )


def glance_view(
    journey_map: JourneyMap,
    *,
    anchor: str,
    lane: EmotionLane,
    stage_anchors: Mapping[str, str],
    kpi_statuses: Sequence[str],
    kpi_labels: Mapping[str, str],
    severity_words: Mapping[int, str],
) -> Glance:
    facts = MapFacts(journey_map, anchor, lane, stage_anchors)
    return Glance(
        moments=tuple(moment for finder in MOMENT_FINDERS for moment in finder(facts)),
        top_pains=top_pains(journey_map, anchor, severity_words),
        pain_count=len(journey_map.pain_points()),
        kpi_counts=kpi_counts(kpi_statuses, kpi_labels),
        kpi_total=len(kpi_statuses),
    )
