"""The "at a glance" block of a map: its moments of truth and where feelings and behaviour
disagree, its worst pain points, and its KPIs by status, the worst first.

The block decides nothing about what a moment of truth is. Moments come from the one list of
finders, :data:`mkdocs_journey.analytics.moments.MOMENT_FINDERS` (the emotion curve's low and
high points, bottleneck, slowest step, high friction, accelerators, the author's own flags), and
are put into words once (:mod:`mkdocs_journey.analytics.moment_words`) for the page, ``check`` and
``journeys.json`` alike; a new kind of moment is one more finder there, one more title and
sentence in ``moment_words`` and one more ``kind`` for the stylesheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mkdocs_journey.model import JourneyMap, PainPoint
from mkdocs_journey.render.health_view import FeelingView, HealthView, MomentView
from mkdocs_journey.render.kpi_views import KpiSummary

TOP_PAINS = 3


@dataclass(frozen=True)
class PainSummary:
    pain: PainPoint
    stage: str
    severity_word: str
    href: str


@dataclass(frozen=True)
class Glance:
    moments: tuple[MomentView, ...]
    feelings: tuple[FeelingView, ...]
    top_pains: tuple[PainSummary, ...]
    pain_count: int
    kpis: KpiSummary  # every KPI, the worst first, and the counts by status

    @property
    def kpi_total(self) -> int:
        return len(self.kpis.rows)


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


def glance_view(
    journey_map: JourneyMap,
    *,
    anchor: str,
    health: HealthView,
    severity_words: Mapping[int, str],
) -> Glance:
    return Glance(
        moments=health.moments,
        feelings=health.feelings,
        top_pains=top_pains(journey_map, anchor, severity_words),
        pain_count=len(journey_map.pain_points()),
        kpis=health.summary,
    )
