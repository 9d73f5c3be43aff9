"""Moments of truth: where a journey is won or lost, found in the map and in its data.

Each rule is a finder in :data:`MOMENT_FINDERS`, turning a map (and its analysis, when it has data)
into :class:`MomentOfTruth` items with the figures behind them; the words a reader sees are made
in :mod:`mkdocs_journey.analytics.moment_words`. The rules:

- **emotional low and peak**: the stages with the lowest and the highest emotion score (the
  first such stage on a tie); a flat curve has neither;
- **bottleneck**: the stage step where the largest share of the stage's leads never reach the
  next stage;
- **slowest step**: the stage step with the largest median time to the next stage;
- **high friction**: touchpoints where a severe pain point meets heavy traffic: the pain's
  severity (1..5) times the share of the stage's leads who touched the touchpoint, at least
  :data:`FRICTION_SCORE` (a severity-4 pain felt by half the stage, a 5 by 40% of it);
- **accelerator**: touchpoints whose presence on a path raises the conversion rate the most.
  Among the leads who reached the touchpoint's stage before converting, those who touched it
  before converting are compared with those who did not (a lead who never converted counts
  every touch): the rate with it minus the rate without it, at least :data:`MIN_LIFT`, and more
  than chance would give. Both groups need ``min_leads`` leads; below that nothing is claimed.
  "More than chance": a one-sided two-proportion z-test at :data:`SIGNIFICANCE`, divided by the
  number of touchpoints compared (Bonferroni), because a map tests every touchpoint at once and
  random data would otherwise show an "accelerator" on most large files;
- **flagged by the author**: ``moment_of_truth: true`` (or a reason) on a stage or touchpoint.

The data-driven rules also need ``min_leads`` leads behind their figure (the stage's leads, or
those who reached the next stage for a median), and a comparison of at least two steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

from mkdocs_journey.analytics.result import DataAnalysis, FunnelStep
from mkdocs_journey.model import JourneyMap

#: The fewest leads a figure from data rests on before a moment is claimed from it.
MIN_LEADS = 30
#: High friction: severity x share of the stage's leads, at least this much.
FRICTION_SCORE = 2.0
#: Accelerators: the conversion rate with the touchpoint at least this much (a share, 0.05 =
#: 5 percentage points) above the rate without it.
MIN_LIFT = 0.05
#: Accelerators: the chance that random data shows a lift this large, at most (one-sided; split
#: among the touchpoints compared).
SIGNIFICANCE = 0.05
#: At most this many touchpoints of each kind (high friction, accelerator), the strongest first.
TOP = 3

EMOTIONAL_LOW = "emotional-low"
EMOTIONAL_PEAK = "emotional-peak"
BOTTLENECK = "bottleneck"
SLOWEST_STEP = "slowest-step"
HIGH_FRICTION = "high-friction"
ACCELERATOR = "accelerator"
FLAGGED = "flagged"

#: Where a moment comes from: the emotion curve, the data, or the author's own mark.
FROM_MAP, FROM_DATA, FROM_AUTHOR = "map", "data", "author"


@dataclass(frozen=True)
class MomentOfTruth:
    """One moment of truth and the figures behind it.

    ``value`` is the moment's figure: the emotion score (emotional low and peak), the share of
    the stage's leads who do not go on (bottleneck), median days (slowest step), severity x
    share (high friction), the rise in conversion rate as a share (accelerator); None for an
    author's flag. ``numbers`` are what the figure is made of, by name."""

    kind: str
    stage: str
    origin: str
    touchpoint: str | None = None
    next_stage: str | None = None  # the step's end, for bottleneck and slowest step
    value: float | None = None
    numbers: tuple[tuple[str, float], ...] = ()
    pain_point: str | None = None  # high friction: the pain point's id
    reason: str = ""  # an author's flag: the author's words

    def number(self, name: str) -> float:
        return dict(self.numbers)[name]


@dataclass(frozen=True)
class MomentFacts:
    journey_map: JourneyMap
    analysis: DataAnalysis | None
    min_leads: int = MIN_LEADS


Finder = Callable[[MomentFacts], Iterable[MomentOfTruth]]


def emotional_extremes(facts: MomentFacts) -> Iterable[MomentOfTruth]:
    stages = [s for s in facts.journey_map.stages if s.emotion is not None]
    scores = [max(-2, min(2, s.emotion.score)) for s in stages if s.emotion is not None]
    if not scores or min(scores) == max(scores):
        return
    low = scores.index(min(scores))
    high = scores.index(max(scores))
    yield MomentOfTruth(EMOTIONAL_LOW, stages[low].name, FROM_MAP, value=float(scores[low]))
    yield MomentOfTruth(EMOTIONAL_PEAK, stages[high].name, FROM_MAP, value=float(scores[high]))


def _steps(facts: MomentFacts) -> list[FunnelStep]:
    """The funnel's steps to a next stage (stages of the map only)."""
    if facts.analysis is None:
        return []
    names = {stage.name for stage in facts.journey_map.stages}
    return [
        step
        for step in facts.analysis.funnel
        if step.next_stage is not None and step.stage in names and step.next_stage in names
    ]


def bottleneck(facts: MomentFacts) -> Iterable[MomentOfTruth]:
    steps = [s for s in _steps(facts) if s.leads >= facts.min_leads and s.drop_off is not None]
    if len(steps) < 2:
        return
    worst = max(steps, key=lambda s: s.drop_off or 0.0)  # the first one on a tie
    if not worst.drop_off:
        return
    yield MomentOfTruth(
        BOTTLENECK,
        worst.stage,
        FROM_DATA,
        next_stage=worst.next_stage,
        value=worst.drop_off,
        numbers=(("leads", worst.leads), ("reached_next", worst.reached_next)),
    )


def slowest_step(facts: MomentFacts) -> Iterable[MomentOfTruth]:
    steps = [
        s
        for s in _steps(facts)
        if s.median_days_to_next is not None and s.reached_next >= facts.min_leads
    ]
    if len(steps) < 2:
        return
    slowest = max(steps, key=lambda s: s.median_days_to_next or 0.0)
    yield MomentOfTruth(
        SLOWEST_STEP,
        slowest.stage,
        FROM_DATA,
        next_stage=slowest.next_stage,
        value=slowest.median_days_to_next,
        numbers=(("reached_next", slowest.reached_next),),
    )


def high_friction(facts: MomentFacts) -> Iterable[MomentOfTruth]:
    analysis = facts.analysis
    if analysis is None or not analysis.touchpoint_totals:
        return
    leads_at = {t.channel: t.leads for t in analysis.touchpoint_totals}
    stage_of = {tp.id: stage.name for stage, tp in facts.journey_map.touchpoints()}
    found: dict[str, MomentOfTruth] = {}
    for _, pain in facts.journey_map.pain_points():
        if pain.touchpoint is None or pain.touchpoint not in stage_of:
            continue
        stage = stage_of[pain.touchpoint]
        step = analysis.stage(stage)
        if step is None or step.leads < facts.min_leads:
            continue
        touched = leads_at.get(pain.touchpoint, 0)
        share = min(1.0, touched / step.leads)
        score = pain.severity * share
        best = found.get(pain.touchpoint)
        if score >= FRICTION_SCORE and (best is None or score > (best.value or 0.0)):
            found[pain.touchpoint] = MomentOfTruth(
                HIGH_FRICTION,
                stage,
                FROM_DATA,
                touchpoint=pain.touchpoint,
                value=score,
                numbers=(
                    ("severity", pain.severity),
                    ("touchpoint_leads", touched),
                    ("stage_leads", step.leads),
                    ("share", share),
                ),
                pain_point=pain.id,
            )
    yield from sorted(found.values(), key=lambda m: -(m.value or 0.0))[:TOP]


def accelerators(facts: MomentFacts) -> Iterable[MomentOfTruth]:
    analysis = facts.analysis
    if analysis is None or not analysis.reach:
        return
    reach = {r.key: r for r in analysis.reach}
    stage_reach = {r.key: r for r in analysis.stage_reach}
    compared = []
    for stage, tp in facts.journey_map.touchpoints():
        touched, population = reach.get(tp.id), stage_reach.get(stage.name)
        if touched is None or population is None:
            continue
        leads_without = population.leads - touched.leads
        converters_without = population.converters - touched.converters
        if touched.leads >= facts.min_leads and leads_without >= facts.min_leads:
            compared.append((stage, tp, touched, leads_without, converters_without))
    if not compared:
        return
    min_z = NormalDist().inv_cdf(1 - SIGNIFICANCE / len(compared))
    found = []
    for stage, tp, touched, leads_without, converters_without in compared:
        rate_with = touched.converters / touched.leads
        rate_without = converters_without / leads_without
        lift = rate_with - rate_without
        z = _z_score(touched.converters, touched.leads, converters_without, leads_without)
        if lift >= MIN_LIFT and z >= min_z:
            found.append(
                MomentOfTruth(
                    ACCELERATOR,
                    stage.name,
                    FROM_DATA,
                    touchpoint=tp.id,
                    value=lift,
                    numbers=(
                        ("leads_with", touched.leads),
                        ("converters_with", touched.converters),
                        ("leads_without", leads_without),
                        ("converters_without", converters_without),
                        ("rate_with", rate_with),
                        ("rate_without", rate_without),
                        ("z", z),
                        ("z_needed", min_z),
                    ),
                )
            )
    yield from sorted(found, key=lambda m: -(m.value or 0.0))[:TOP]


def _z_score(converted_a: int, leads_a: int, converted_b: int, leads_b: int) -> float:
    """Two-proportion z statistic of rate a minus rate b, with the pooled rate."""
    pooled = (converted_a + converted_b) / (leads_a + leads_b)
    spread = pooled * (1 - pooled) * (1 / leads_a + 1 / leads_b)
    if spread <= 0:
        return 0.0
    return (converted_a / leads_a - converted_b / leads_b) / math.sqrt(spread)


def flagged_by_author(facts: MomentFacts) -> Iterable[MomentOfTruth]:
    for stage in facts.journey_map.stages:
        if stage.moment_of_truth is not None:
            yield MomentOfTruth(
                FLAGGED, stage.name, FROM_AUTHOR, reason=stage.moment_of_truth.reason
            )
        for tp in stage.touchpoints:
            if tp.moment_of_truth is not None:
                yield MomentOfTruth(
                    FLAGGED,
                    stage.name,
                    FROM_AUTHOR,
                    touchpoint=tp.id,
                    reason=tp.moment_of_truth.reason,
                )


#: Every rule, in the order moments are listed.
MOMENT_FINDERS: tuple[Finder, ...] = (
    emotional_extremes,
    bottleneck,
    slowest_step,
    high_friction,
    accelerators,
    flagged_by_author,
)


def find_moments(
    journey_map: JourneyMap, analysis: DataAnalysis | None, min_leads: int = MIN_LEADS
) -> tuple[MomentOfTruth, ...]:
    facts = MomentFacts(journey_map, analysis, min_leads)
    return tuple(moment for finder in MOMENT_FINDERS for moment in finder(facts))


def moments_by_kind(
    moments: Iterable[MomentOfTruth],
) -> Mapping[str, tuple[MomentOfTruth, ...]]:
    grouped: dict[str, list[MomentOfTruth]] = {}
    for moment in moments:
        grouped.setdefault(moment.kind, []).append(moment)
    return {kind: tuple(items) for kind, items in grouped.items()}
