"""Is a journey working? One map's KPI statuses, moments of truth, feelings-vs-behaviour
findings and evidence coverage, computed together from the map and its analysis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mkdocs_journey.analytics.evidence_coverage import EvidenceCoverage, evidence_coverage
from mkdocs_journey.analytics.feelings import FeelingFinding, feeling_findings
from mkdocs_journey.analytics.kpi_status import AssessedKpi, assess_map
from mkdocs_journey.analytics.moments import MIN_LEADS, MomentOfTruth, find_moments
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.model import JourneyMap


@dataclass(frozen=True)
class MapHealth:
    kpis: tuple[AssessedKpi, ...]  # in stage order
    moments: tuple[MomentOfTruth, ...]
    feelings: tuple[FeelingFinding, ...]
    coverage: EvidenceCoverage
    analysis: DataAnalysis | None = None


def map_health(
    journey_map: JourneyMap,
    analysis: DataAnalysis | None,
    today: dt.date,
    min_leads: int = MIN_LEADS,
) -> MapHealth:
    return MapHealth(
        kpis=assess_map(journey_map, today),
        moments=find_moments(journey_map, analysis, min_leads),
        feelings=feeling_findings(journey_map, analysis, min_leads),
        coverage=evidence_coverage(journey_map, analysis),
        analysis=analysis,
    )
