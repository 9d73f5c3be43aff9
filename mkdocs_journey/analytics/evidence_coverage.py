"""How well a map is backed: the share of its touchpoints, pain points and KPIs that carry
evidence, and of its touchpoints that have events in its data.

A touchpoint or a pain point is backed when it lists evidence. A KPI is backed when it lists
evidence or its figure says where it comes from: a metric computed from the data, or a
hand-written actual with a ``source``. Touchpoints with events are counted only for a map whose
data has a touchpoint column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.model import JourneyMap, Kpi


@dataclass(frozen=True)
class Share:
    covered: int
    total: int

    @property
    def share(self) -> float | None:
        return self.covered / self.total if self.total else None

    def __add__(self, other: Share) -> Share:
        return Share(self.covered + other.covered, self.total + other.total)


@dataclass(frozen=True)
class EvidenceCoverage:
    touchpoints: Share
    pain_points: Share
    kpis: Share
    touchpoints_with_events: Share | None  # None: no data with touchpoints

    @property
    def backed(self) -> Share:
        """Every touchpoint, pain point and KPI together."""
        return self.touchpoints + self.pain_points + self.kpis


def kpi_is_backed(kpi: Kpi) -> bool:
    return bool(kpi.evidence) or bool(kpi.metric) or (kpi.actual is not None and bool(kpi.source))


def evidence_coverage(journey_map: JourneyMap, analysis: DataAnalysis | None) -> EvidenceCoverage:
    touchpoints = [tp for _, tp in journey_map.touchpoints()]
    pains = [pain for _, pain in journey_map.pain_points()]
    kpis = [kpi for stage in journey_map.stages for kpi in stage.kpis]
    with_events = None
    has_touchpoints = analysis is not None and analysis.insight_subject == "touchpoint"
    if analysis is not None and analysis.coverage is not None and has_touchpoints:
        silent = set(analysis.coverage.touchpoints_without_events)
        with_events = Share(sum(tp.id not in silent for tp in touchpoints), len(touchpoints))
    return EvidenceCoverage(
        touchpoints=Share(sum(bool(tp.evidence) for tp in touchpoints), len(touchpoints)),
        pain_points=Share(sum(bool(pain.evidence) for pain in pains), len(pains)),
        kpis=Share(sum(kpi_is_backed(kpi) for kpi in kpis), len(kpis)),
        touchpoints_with_events=with_events,
    )


def site_coverage(maps: Iterable[EvidenceCoverage]) -> EvidenceCoverage:
    """Every map's counts added up (touchpoints with events: over the maps with such data)."""
    total = EvidenceCoverage(Share(0, 0), Share(0, 0), Share(0, 0), None)
    for item in maps:
        events = total.touchpoints_with_events
        if item.touchpoints_with_events is not None:
            events = (events or Share(0, 0)) + item.touchpoints_with_events
        total = EvidenceCoverage(
            total.touchpoints + item.touchpoints,
            total.pain_points + item.pain_points,
            total.kpis + item.kpis,
            events,
        )
    return total
