"""Is a KPI on target? Its status (met, at risk, missed, no data) and whether its figure is stale.

- **met**: the actual is on the good side of the target (or on it);
- **at risk**: on the wrong side, but within the KPI's ``at_risk_within`` (a share of the
  target, ``10%``, or an amount in the KPI's unit); without a tolerance a KPI is met or missed;
- **missed**: further off;
- **no data**: no target, or no actual (none written, or none the data could compute).

A figure is **stale** when it is older than the map's review cadence (``review_every``): a
hand-written actual whose ``as_of`` is more than one cadence before today, or a computed one
whose data ends (its latest event) more than one cadence before today. A map without a cadence
has no stale figures, and a hand-written actual without ``as_of`` cannot be dated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from mkdocs_journey.model import JourneyMap, Kpi, ReviewPolicy, Stage

MET, AT_RISK, MISSED, NO_DATA = "met", "at-risk", "missed", "unknown"  # unknown: no data
#: Every status, worst first: the order of the summaries and of the dashboard.
STATUSES: tuple[str, ...] = (MISSED, AT_RISK, NO_DATA, MET)
#: The words a reader sees for each status.
STATUS_WORDS: Mapping[str, str] = {
    MET: "on target",
    AT_RISK: "at risk",
    MISSED: "off target",
    NO_DATA: "no data",
}


@dataclass(frozen=True)
class KpiAssessment:
    """What a KPI's figures say, for the page, the dashboard and journeys.json."""

    status: str  # one of STATUSES
    stale: bool
    computed: bool  # the actual comes from the map's data (a metric)
    as_of: dt.date | None  # the day the actual describes: as_of, or the data's latest event
    due: dt.date | None  # the last day the figure is fresh (as_of + the map's review cadence)

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def alert(self) -> int:
        """Rank for "worst first": missed, at risk, stale, no data, met."""
        if self.status in (MISSED, AT_RISK):
            return STATUSES.index(self.status)
        if self.stale:
            return 2
        return 3 if self.status == NO_DATA else 4


def kpi_status(kpi: Kpi) -> str:
    """met, at-risk, missed or unknown (no data), from the KPI's target, direction and tolerance."""
    if kpi.target is None or kpi.actual is None:
        return NO_DATA
    # How far the actual is on the wrong side of the target (negative: on the good side).
    shortfall = kpi.target - kpi.actual if kpi.direction != "lower" else kpi.actual - kpi.target
    if shortfall <= 0:
        return MET
    if kpi.at_risk_within is not None and shortfall <= kpi.at_risk_within.band(kpi.target):
        return AT_RISK
    return MISSED


def figure_date(kpi: Kpi) -> dt.date | None:
    """The day a KPI's actual describes: its data's latest event, or its ``as_of``."""
    if kpi.metric:
        if kpi.provenance is None or kpi.provenance.as_of is None:
            return None
        return kpi.provenance.as_of.date()
    return kpi.as_of if kpi.actual is not None else None


def assess(kpi: Kpi, review_every: ReviewPolicy | None, today: dt.date) -> KpiAssessment:
    when = figure_date(kpi)
    due = review_every.due(when) if review_every is not None and when is not None else None
    return KpiAssessment(
        status=kpi_status(kpi),
        stale=due is not None and due < today,
        computed=bool(kpi.metric),
        as_of=when,
        due=due,
    )


@dataclass(frozen=True)
class AssessedKpi:
    stage: Stage
    kpi: Kpi
    assessment: KpiAssessment


def assess_map(journey_map: JourneyMap, today: dt.date) -> tuple[AssessedKpi, ...]:
    """Every KPI of the map with its assessment, in stage order."""
    return tuple(
        AssessedKpi(stage, kpi, assess(kpi, journey_map.review_every, today))
        for stage in journey_map.stages
        for kpi in stage.kpis
    )


def worst_first(kpis: tuple[AssessedKpi, ...]) -> tuple[AssessedKpi, ...]:
    """Missed first, then at risk, then stale, then no data, then met; stage order within."""
    return tuple(sorted(kpis, key=lambda item: item.assessment.alert))
