"""Feelings vs behaviour: where what people say about a stage and what they do there disagree.

For every stage with an emotion score and a next stage in the data (at least ``min_leads``
leads), the share of its leads who go on to the next stage is compared with the other stages':

- a stage scored positive (+1, +2) whose drop-off is among the worst of the map: "people say
  they are happy here, yet 58% leave";
- a stage scored negative (-1, -2) whose conversion is among the best of the map: "people say
  they are frustrated here, yet 81% go on".

"Among the worst" means among the ``ceil(n / 3)`` highest drop-offs of the ``n`` stages compared
(the worst one of two or three stages, two of four to six...); "among the best", among the as
many lowest. With fewer than two stages there is nothing to compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mkdocs_journey.analytics.moments import MIN_LEADS
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.model import JourneyMap

HAPPY_YET_LEAVING = "happy-yet-leaving"
UNHAPPY_YET_STAYING = "unhappy-yet-staying"


@dataclass(frozen=True)
class StageBehaviour:
    """One stage's feeling next to what its leads do."""

    stage: str
    next_stage: str
    score: int  # the emotion score, -2..+2
    label: str  # the author's word for the feeling
    leads: int
    reached_next: int

    @property
    def going_on(self) -> float:
        return self.reached_next / self.leads

    @property
    def drop_off(self) -> float:
        return 1.0 - self.going_on


@dataclass(frozen=True)
class FeelingFinding:
    kind: str  # HAPPY_YET_LEAVING or UNHAPPY_YET_STAYING
    behaviour: StageBehaviour
    rank: int  # 1: the worst drop-off (happy yet leaving) or the best conversion of the map
    compared: int  # how many stages were compared


def stage_behaviours(
    journey_map: JourneyMap, analysis: DataAnalysis, min_leads: int = MIN_LEADS
) -> tuple[StageBehaviour, ...]:
    """The stages that have both an emotion score and enough leads with a next stage."""
    found = []
    for stage in journey_map.stages:
        step = analysis.stage(stage.name)
        if stage.emotion is None or step is None or step.next_stage is None:
            continue
        if step.leads < min_leads:
            continue
        found.append(
            StageBehaviour(
                stage.name,
                step.next_stage,
                max(-2, min(2, stage.emotion.score)),
                stage.emotion.label,
                step.leads,
                step.reached_next,
            )
        )
    return tuple(found)


def feeling_findings(
    journey_map: JourneyMap, analysis: DataAnalysis | None, min_leads: int = MIN_LEADS
) -> tuple[FeelingFinding, ...]:
    if analysis is None:
        return ()
    stages = stage_behaviours(journey_map, analysis, min_leads)
    if len(stages) < 2:
        return ()
    among = math.ceil(len(stages) / 3)
    # Ranks by drop-off (ties: stage order), worst first and best first.
    worst = sorted(stages, key=lambda s: -s.drop_off)
    best = sorted(stages, key=lambda s: s.drop_off)
    findings = []
    for stage in stages:
        if stage.score > 0 and stage in worst[:among] and stage.drop_off > 0:
            findings.append(
                FeelingFinding(HAPPY_YET_LEAVING, stage, worst.index(stage) + 1, len(stages))
            )
        elif stage.score < 0 and stage in best[:among] and stage.going_on > 0:
            findings.append(
                FeelingFinding(UNHAPPY_YET_STAYING, stage, best.index(stage) + 1, len(stages))
            )
    return tuple(findings)
