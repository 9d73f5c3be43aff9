"""The emotion curve of a map as a view model: coordinates and texts, no markup.

The template ``journey/emotion-curve.html`` draws it as inline SVG. Python only does the
arithmetic (where each stage sits on the -2..+2 scale, which points are the moments of truth),
so a site can restyle or rewrite the drawing by overriding the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs_journey.diagrams.dot import clean_text, emotion_class, truncate
from mkdocs_journey.diagrams.svg import safe_prefix
from mkdocs_journey.model import JourneyMap

CURVE_TEMPLATE = "journey/emotion-curve.html"
SCALE = (2, 1, 0, -1, -2)
STAGE_LABEL_LIMIT = 18

WIDTH = 640
HEIGHT = 250
LEFT = 44  # room for the scale labels
RIGHT = 28
TOP = 36  # room for a moment-of-truth label above the highest point
BOTTOM = 60  # room for a low moment-of-truth label and the stage names


@dataclass(frozen=True)
class GridLine:
    score: int
    label: str  # "+2", "0", "-1"...
    y: float
    css_class: str


@dataclass(frozen=True)
class StageTick:
    name: str  # full stage name, for the <title>
    short: str  # what fits under the axis
    x: float
    y: float


@dataclass(frozen=True)
class CurvePoint:
    stage: str
    score: int
    label: str
    thoughts: tuple[str, ...]
    x: float
    y: float
    tooltip: str
    css_class: str
    moment: str | None = None  # "lowest" or "highest": a moment of truth
    moment_label: str = ""
    label_y: float = 0.0  # where the moment label goes: above a high, below a low


@dataclass(frozen=True)
class EmotionCurve:
    id: str
    title: str
    description: str
    width: int
    height: int
    left: float
    right: float
    grid: tuple[GridLine, ...]
    stages: tuple[StageTick, ...]
    points: tuple[CurvePoint, ...]
    polyline: str  # the "x,y x,y" of the line through the points
    lowest: CurvePoint | None
    highest: CurvePoint | None


def _y(score: int) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + (2 - max(-2, min(2, score))) / 4 * plot, 2)


def _score_text(score: int) -> str:
    return f"{score:+d}" if score else "0"


def build_emotion_curve(journey_map: JourneyMap, *, curve_id: str) -> EmotionCurve:
    """Lay out a map's emotion curve; ``curve_id`` must be unique on the page.

    Every stage gets a place on the x axis, so the curve lines up with the stage order of the
    diagram and tables; only stages with an emotion get a point. The lowest and the highest
    points are the moments of truth (on a tie, the first such stage); a flat curve has none.
    """
    stages = journey_map.stages
    # Each stage gets an equal column and sits in its middle, so names never hang off an edge.
    column = (WIDTH - LEFT - RIGHT) / max(len(stages), 1)
    xs = [round(LEFT + (index + 0.5) * column, 2) for index in range(len(stages))]
    ticks = tuple(
        StageTick(
            name=clean_text(stage.name),
            short=truncate(clean_text(stage.name), STAGE_LABEL_LIMIT) if stage.name else "",
            x=x,
            y=HEIGHT - 12,
        )
        for stage, x in zip(stages, xs, strict=False)
    )
    scored = [(stage, x) for stage, x in zip(stages, xs, strict=False) if stage.emotion is not None]
    scores = [max(-2, min(2, stage.emotion.score)) for stage, _ in scored if stage.emotion]
    low_index = scores.index(min(scores)) if scores else None
    high_index = scores.index(max(scores)) if scores else None
    if scores and min(scores) == max(scores):
        low_index = high_index = None

    points: list[CurvePoint] = []
    for index, (stage, x) in enumerate(scored):
        emotion = stage.emotion
        assert emotion is not None
        score = scores[index]
        name = clean_text(stage.name)
        mood = clean_text(emotion.label)
        thoughts = tuple(clean_text(thought) for thought in emotion.thoughts if clean_text(thought))
        heading = (
            f"{name}: {mood} ({_score_text(score)})" if mood else f"{name}: {_score_text(score)}"
        )
        tooltip = "\n".join([heading, *(f"“{thought}”" for thought in thoughts)])
        moment = "lowest" if index == low_index else "highest" if index == high_index else None
        classes = ["journey-curve-point", emotion_class(stage)]
        if moment:
            classes.append(f"journey-curve-{moment}")
        y = _y(score)
        points.append(
            CurvePoint(
                stage=name,
                score=score,
                label=mood,
                thoughts=thoughts,
                x=x,
                y=y,
                tooltip=tooltip,
                css_class=" ".join(classes),
                moment=moment,
                moment_label="Moment of truth" if moment else "",
                label_y=round(y - 12 if moment == "highest" else y + 20, 2),
            )
        )

    lowest = points[low_index] if low_index is not None else None
    highest = points[high_index] if high_index is not None else None
    title = clean_text(journey_map.title) or clean_text(journey_map.id)
    if points:
        description = (
            "Emotion by stage, from -2 to +2: "
            + "; ".join(
                f"{point.stage} {_score_text(point.score)}"
                + (f" ({point.label})" if point.label else "")
                for point in points
            )
            + "."
        )
        if lowest and highest:
            description += (
                f" Moments of truth: the low point at {lowest.stage}, "
                f"the high point at {highest.stage}."
            )
    else:
        description = "No stage of this map has an emotion score."
    return EmotionCurve(
        id=safe_prefix(curve_id),
        title=f"Emotion curve of the journey map {title}",
        description=description,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        grid=tuple(
            GridLine(
                score=score,
                label=_score_text(score),
                y=_y(score),
                css_class="journey-curve-grid journey-curve-zero"
                if score == 0
                else "journey-curve-grid",
            )
            for score in SCALE
        ),
        stages=ticks,
        points=tuple(points),
        polyline=" ".join(f"{point.x},{point.y}" for point in points),
        lowest=lowest,
        highest=highest,
    )
