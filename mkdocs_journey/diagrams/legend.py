"""The key to a flow diagram, as data: which signs the drawing uses and what each one means.

The template ``journey/flow-diagram.html`` writes it as an HTML list next to the drawing (so it
is read by screen readers, found by search and printed), with a small swatch per item drawn
with the same CSS classes as the diagram itself, so the two always match on either palette.
Only the signs a drawing actually uses are listed, except the emotion scale, which is a scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs_journey.diagrams.dot import MARK_SYMBOL, PAIN_MARKER, FlowDiagram
from mkdocs_journey.model import JourneyMap

EMOTION_WORDS = (
    (-2, "neg2", "very negative"),
    (-1, "neg1", "negative"),
    (0, "neutral", "neutral"),
    (1, "pos1", "positive"),
    (2, "pos2", "very positive"),
)


@dataclass(frozen=True)
class LegendItem:
    shape: str  # how the swatch is drawn: "stage", "box" or "arrow"
    css_class: str  # the diagram's own classes for that sign
    text: str
    symbol: str = ""  # a sign drawn in the swatch, as in the diagram (⚠, a count)


@dataclass(frozen=True)
class Legend:
    emotions: tuple[LegendItem, ...]  # the scale, -2 to +2, when any stage has an emotion
    items: tuple[LegendItem, ...]  # every other sign the drawing uses


def build_legend(journey_map: JourneyMap, diagram: FlowDiagram) -> Legend:
    emotions: tuple[LegendItem, ...] = ()
    if any(stage.emotion is not None for stage in journey_map.stages):
        emotions = tuple(
            LegendItem(
                "stage",
                f"journey-stage journey-emotion-{name}",
                f"{score:+d} {word}" if score else f"0 {word}",
            )
            for score, name, word in EMOTION_WORDS
        )
    edges = diagram.edges
    nodes = diagram.nodes
    items: list[LegendItem] = []
    if any(stage.pain_points for stage in journey_map.stages):
        items.append(
            LegendItem(
                "box",
                "journey-touchpoint journey-pain",
                "pain points felt here (how many)",
                f"{PAIN_MARKER} 2",
            )
        )
    if any(node.side for node in nodes):
        items.append(
            LegendItem("box", "journey-touchpoint journey-touchpoint-side", "off the main flow")
        )
    if any(node.touchpoint is None for node in nodes):
        items.append(LegendItem("box", "journey-stage-node", "stage without touchpoints"))
    if any(e.volume is None and not e.unobserved and not e.loop_back for e in edges):
        items.append(LegendItem("arrow", "journey-flow", "step of the journey"))
    if any(e.volume is not None for e in edges):
        items.append(
            LegendItem(
                "arrow",
                "journey-flow journey-flow-observed",
                "observed step: width and number show how often the data saw it",
                "1,234",
            )
        )
    if any(e.unobserved for e in edges):
        items.append(
            LegendItem(
                "arrow",
                "journey-flow journey-flow-unobserved",
                "declared step the data never shows",
            )
        )
    if any(e.loop_back for e in edges):
        items.append(
            LegendItem("arrow", "journey-flow journey-flow-back", "loop back to an earlier stage")
        )
    marks = {
        mark.name: mark
        for group in (
            *(node.marks for node in nodes),
            *(edge.marks for edge in edges),
            *diagram.stage_marks,
        )
        for mark in group
    }
    items.extend(
        LegendItem(
            "box", f"journey-touchpoint journey-marked {mark.css_class}", mark.label, MARK_SYMBOL
        )
        for mark in marks.values()
    )
    return Legend(emotions, tuple(items))
