"""Moments of truth and feelings-vs-behaviour findings in words: a title, a figure and one line
of reason, the same on the page, in ``journeys.json`` and in ``mkdocs-journey check``.

Every number goes through :mod:`mkdocs_journey.render.numbers`; author text (names, labels,
reasons) is written as plain text, for the templates to escape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mkdocs_journey.analytics import moments as m
from mkdocs_journey.analytics.feelings import HAPPY_YET_LEAVING, FeelingFinding
from mkdocs_journey.model import JourneyMap
from mkdocs_journey.render.numbers import count, days, percent

TITLES: Mapping[str, str] = {
    m.EMOTIONAL_LOW: "Emotional low",
    m.EMOTIONAL_PEAK: "Emotional peak",
    m.BOTTLENECK: "Bottleneck",
    m.SLOWEST_STEP: "Slowest step",
    m.HIGH_FRICTION: "High friction",
    m.ACCELERATOR: "Accelerator",
    m.FLAGGED: "Moment of truth",
}
#: The title of a feelings-vs-behaviour finding.
FEELING_TITLE = "Feelings vs behaviour"


@dataclass(frozen=True)
class MomentWords:
    title: str  # "Bottleneck"
    subject: str  # what it is about: "Consideration → Decision", "Setup wizard"
    figure: str  # the figure in a few words: "58.0% leave"
    reason: str  # one line


def score_text(score: float) -> str:
    return f"{score:+.0f}" if score else "0"


def describe(moment: m.MomentOfTruth, journey_map: JourneyMap) -> MomentWords:
    names = {tp.id: tp.name for _, tp in journey_map.touchpoints()}
    touchpoint = names.get(moment.touchpoint or "", moment.touchpoint or "")
    title = TITLES[moment.kind]
    if moment.kind in (m.EMOTIONAL_LOW, m.EMOTIONAL_PEAK):
        stage = next(s for s in journey_map.stages if s.name == moment.stage)
        label = stage.emotion.label if stage.emotion else ""
        score = score_text(moment.value or 0.0)
        side = "lowest" if moment.kind == m.EMOTIONAL_LOW else "highest"
        feeling = f"{label} ({score})" if label else score
        return MomentWords(
            title,
            moment.stage,
            feeling,
            f"The {side} point of the emotion curve: people feel {feeling} in {moment.stage}.",
        )
    if moment.kind == m.BOTTLENECK:
        leads = moment.number("leads")
        return MomentWords(
            title,
            f"{moment.stage} → {moment.next_stage}",
            f"{percent(moment.value)} leave",
            f"{percent(moment.value)} of the {count(leads)} leads in {moment.stage} never reach "
            f"{moment.next_stage}: the largest drop-off between two stages.",
        )
    if moment.kind == m.SLOWEST_STEP:
        return MomentWords(
            title,
            f"{moment.stage} → {moment.next_stage}",
            f"{days(moment.value)} (median)",
            f"Leads take {days(moment.value)} (median of {count(moment.number('reached_next'))}) "
            f"from {moment.stage} to {moment.next_stage}: the slowest step of the journey.",
        )
    if moment.kind == m.HIGH_FRICTION:
        pain = next(p for _, p in journey_map.pain_points() if p.id == moment.pain_point)
        share = moment.number("share")
        severity = moment.number("severity")
        return MomentWords(
            title,
            touchpoint,
            f"severity {severity:.0f} × {percent(share)} = {moment.value:.2f}",
            f"“{pain.text}” (severity {severity:.0f} of 5) is felt at {touchpoint}, which "
            f"{percent(share)} of the {count(moment.number('stage_leads'))} leads in "
            f"{moment.stage} touch.",
        )
    if moment.kind == m.ACCELERATOR:
        with_rate, without_rate = moment.number("rate_with"), moment.number("rate_without")
        return MomentWords(
            title,
            touchpoint,
            f"{percent(with_rate)} vs {percent(without_rate)} convert",
            f"Of the leads in {moment.stage}, {percent(with_rate)} of the "
            f"{count(moment.number('leads_with'))} who touched {touchpoint} before converting "
            f"converted, against {percent(without_rate)} of the "
            f"{count(moment.number('leads_without'))} who did not.",
        )
    subject = touchpoint or moment.stage
    return MomentWords(
        title,
        subject,
        "flagged by the author",
        moment.reason or f"The map's author marks {subject} as a moment of truth.",
    )


def feeling_sentence(finding: FeelingFinding) -> str:
    """``People say they feel hopeful here (+1), yet 58.0% leave before Consideration...``"""
    stage = finding.behaviour
    score = score_text(stage.score)
    feeling = f"feel {stage.label} here ({score})" if stage.label else f"rate this stage {score}"
    if finding.kind == HAPPY_YET_LEAVING:
        place = _ordinal(finding.rank, "worst")
        return (
            f"People say they {feeling}, yet {percent(stage.drop_off)} of the "
            f"{count(stage.leads)} leads in {stage.stage} never reach {stage.next_stage} "
            f"({place} drop-off of {finding.compared} stages)."
        )
    place = _ordinal(finding.rank, "best")
    return (
        f"People say they {feeling}, yet {percent(stage.going_on)} of the "
        f"{count(stage.leads)} leads in {stage.stage} go on to {stage.next_stage} "
        f"({place} conversion of {finding.compared} stages)."
    )


def _ordinal(rank: int, word: str) -> str:
    """``the worst``, ``the second worst``... (1-based ``rank``)."""
    nth = {1: "", 2: "second ", 3: "third ", 4: "fourth ", 5: "fifth "}.get(rank, f"{rank}th ")
    return f"the {nth}{word}"


def feeling_headline(finding: FeelingFinding) -> str:
    """The finding in a few words: ``happy, yet 58.0% leave``."""
    stage = finding.behaviour
    if finding.kind == HAPPY_YET_LEAVING:
        return f"{score_text(stage.score)}, yet {percent(stage.drop_off)} leave"
    return f"{score_text(stage.score)}, yet {percent(stage.going_on)} go on"
