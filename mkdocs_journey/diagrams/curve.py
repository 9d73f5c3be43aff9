"""The emotion curve of a map as a lane of its stage grid: coordinates and texts, no markup.

The curve is drawn inside the stage table, one small drawing per stage column, so each point
sits in the middle of its own stage's column at any width (the reader's eye goes straight down
from a low point to the pain points that explain it). Every column draws the half-segments
that join its point to its neighbours': it enters from its left edge at the height midway to
the previous point and leaves at its right edge midway to the next, so the pieces meet as one
line however wide the columns are. Horizontal positions are fractions of the column (the
template writes them as percentages); only heights are in pixels.

A map joined to data has a second series on its own axis: the share of each stage's leads who
go on to the next stage (0% at the bottom of the lane, 100% at the top), so a reader sees where
what people say and what they do part ways.

The template ``journey/stage-table.html`` draws it; Python only does the arithmetic (where each
stage sits on the -2..+2 scale and on the 0..100% scale). Which points are the emotional moments
of truth is decided by the one list of moment finders (:mod:`mkdocs_journey.analytics.moments`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from mkdocs_journey.analytics.moments import EMOTIONAL_LOW, EMOTIONAL_PEAK, find_moments
from mkdocs_journey.diagrams.dot import clean_text, emotion_class
from mkdocs_journey.model import JourneyMap
from mkdocs_journey.render.numbers import percent

SCALE = (2, 1, 0, -1, -2)
#: Height of the drawing in every stage column, in CSS pixels.
LANE_HEIGHT = 132
TOP = 16  # room above +2 for a point's ring
BOTTOM = 16
#: How far (px) the second series is drawn left of each stage's centre: its diamond then never
#: lies under the emotion point (or a moment's ring, 12.5 px round) of a stage where both
#: series stand at one height, as when half the leads go on from an emotion of 0. Every
#: column shifts by the same amount, so the series' line still meets itself at each border.
GOING_SHIFT = -22


@dataclass(frozen=True)
class GridLine:
    score: int
    label: str  # "+2", "0", "-1"...
    y: float
    css_class: str


@dataclass(frozen=True)
class CurveCell:
    """The curve's piece in one stage column."""

    stage: str
    score: int | None  # None: the stage has no emotion, so no point (and a gap in the line)
    label: str  # the author's word for the feeling, e.g. "stuck in setup"
    score_text: str  # "+1", "0", "-2"
    y: float | None
    enter_y: float | None  # height of the line at the column's left edge, None: no line there
    leave_y: float | None  # height of the line at the column's right edge
    css_class: str  # the emotion class, e.g. journey-emotion-neg2
    moment: str | None = None  # "lowest" or "highest": a moment of truth
    #: the second series: the share of the stage's leads who go on to the next stage
    going_on: float | None = None
    going_on_text: str = ""  # "42.0%"
    going_y: float | None = None
    going_enter_y: float | None = None
    going_leave_y: float | None = None


@dataclass(frozen=True)
class EmotionLane:
    height: int
    grid: tuple[GridLine, ...]
    cells: tuple[CurveCell, ...]  # one per stage, in stage order
    lowest: CurveCell | None
    highest: CurveCell | None
    description: str  # the whole curve in words, for screen readers and the search index
    #: the second axis (share going on), for the lane's scale; empty without data
    going_grid: tuple[GridLine, ...] = ()
    going_shift: int = GOING_SHIFT  # px, sideways, of the second series in every column


def score_y(score: int) -> float:
    """Height of a score in the lane drawing: +2 at the top, -2 at the bottom."""
    plot = LANE_HEIGHT - TOP - BOTTOM
    return round(TOP + (2 - max(-2, min(2, score))) / 4 * plot, 2)


def share_y(share: float) -> float:
    """Height of a share (0..1) on the second axis: 100% at the top, 0% at the bottom."""
    plot = LANE_HEIGHT - TOP - BOTTOM
    return round(TOP + (1 - max(0.0, min(1.0, share))) * plot, 2)


def score_text(score: int) -> str:
    return f"{score:+d}" if score else "0"


def build_emotion_lane(
    journey_map: JourneyMap, going_on: Mapping[str, float] | None = None
) -> EmotionLane:
    """Lay out a map's emotion curve as a lane of its stage grid.

    The lowest and the highest points are the moments of truth (the emotional finders of
    :mod:`mkdocs_journey.analytics.moments`: on a tie, the first such stage in stage order; a
    flat curve has none). A stage without an emotion has no point, and the line does not pretend
    to know what happened there: it stops and starts again. ``going_on``: per stage name, the
    share of its leads who reach the next stage (the second series), when the map has data.
    """
    stages = journey_map.stages
    scores = [
        max(-2, min(2, stage.emotion.score)) if stage.emotion is not None else None
        for stage in stages
    ]
    names = [stage.name for stage in stages]
    extremes = {
        moment.kind: names.index(moment.stage)
        for moment in find_moments(journey_map, None)
        if moment.kind in (EMOTIONAL_LOW, EMOTIONAL_PEAK)
    }
    low_index = extremes.get(EMOTIONAL_LOW)
    high_index = extremes.get(EMOTIONAL_PEAK)
    shares = [(going_on or {}).get(name) for name in names]

    cells: list[CurveCell] = []
    for index, (stage, score) in enumerate(zip(stages, scores, strict=True)):
        y = score_y(score) if score is not None else None
        before = scores[index - 1] if index > 0 else None
        after = scores[index + 1] if index + 1 < len(scores) else None
        enter = (y + score_y(before)) / 2 if y is not None and before is not None else None
        leave = (y + score_y(after)) / 2 if y is not None and after is not None else None
        moment = "lowest" if index == low_index else "highest" if index == high_index else None
        share = shares[index]
        going_y = share_y(share) if share is not None else None
        share_before = shares[index - 1] if index > 0 else None
        going_enter = (
            round((going_y + share_y(share_before)) / 2, 2)
            if going_y is not None and share_before is not None
            else None
        )
        cells.append(
            CurveCell(
                stage=clean_text(stage.name),
                score=score,
                label=clean_text(stage.emotion.label) if stage.emotion else "",
                score_text=score_text(score) if score is not None else "",
                y=y,
                enter_y=round(enter, 2) if enter is not None else None,
                leave_y=round(leave, 2) if leave is not None else None,
                css_class=emotion_class(stage),
                moment=moment,
                going_on=share,
                going_on_text=percent(share) if share is not None else "",
                going_y=going_y,
                going_enter_y=going_enter,
            )
        )
    # A step's line leaves each point towards the next stage's point, when that has one too.
    cells = [
        _with_going_leave(cell, cells[index + 1] if index + 1 < len(cells) else None)
        for index, cell in enumerate(cells)
    ]
    lowest = cells[low_index] if low_index is not None else None
    highest = cells[high_index] if high_index is not None else None
    return EmotionLane(
        height=LANE_HEIGHT,
        grid=tuple(
            GridLine(
                score=score,
                label=score_text(score),
                y=score_y(score),
                css_class="journey-curve__grid journey-curve__zero"
                if score == 0
                else "journey-curve__grid",
            )
            for score in SCALE
        ),
        cells=tuple(cells),
        lowest=lowest,
        highest=highest,
        description=_describe(cells, lowest, highest),
        going_grid=(
            tuple(
                GridLine(
                    score=0, label=label, y=share_y(share), css_class="journey-curve__going-grid"
                )
                for share, label in ((1.0, "100%"), (0.5, "50%"), (0.0, "0%"))
            )
            if any(share is not None for share in shares)
            else ()
        ),
    )


def _with_going_leave(cell: CurveCell, after: CurveCell | None) -> CurveCell:
    if cell.going_y is None or after is None or after.going_y is None:
        return cell
    return dataclasses.replace(cell, going_leave_y=round((cell.going_y + after.going_y) / 2, 2))


def _describe(cells: list[CurveCell], lowest: CurveCell | None, highest: CurveCell | None) -> str:
    scored = [cell for cell in cells if cell.score is not None]
    if not scored:
        return "No stage of this map has an emotion score."
    text = (
        "Emotion by stage, from -2 to +2: "
        + "; ".join(
            f"{cell.stage} {cell.score_text}" + (f" ({cell.label})" if cell.label else "")
            for cell in scored
        )
        + "."
    )
    if lowest and highest:
        text += (
            f" Moments of truth: the low point at {lowest.stage}, "
            f"the high point at {highest.stage}."
        )
    going = [cell for cell in cells if cell.going_on is not None]
    if going:
        text += (
            " Share of each stage's leads who go on to the next stage: "
            + "; ".join(f"{cell.stage} {cell.going_on_text}" for cell in going)
            + "."
        )
    return text
