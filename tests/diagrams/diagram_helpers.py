"""Maps built from the model's dataclasses, and helpers to read the SVG the renderers make."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mkdocs_journey.diagrams import Renderer, available_renderers
from mkdocs_journey.model import (
    DiagramOptions,
    Emotion,
    FlowEdge,
    JourneyMap,
    PainPoint,
    SourcePosition,
    Stage,
    Touchpoint,
)

SVG = "{http://www.w3.org/2000/svg}"
RENDERERS: tuple[Renderer, ...] = available_renderers()


def make_map(
    stages: tuple[Stage, ...],
    *,
    flow: tuple[FlowEdge, ...] = (),
    map_id: str = "trial",
    diagram: DiagramOptions | None = None,
) -> JourneyMap:
    return JourneyMap(
        id=map_id,
        title="Start a free trial",
        persona=None,
        stages=stages,
        flow=flow,
        position=SourcePosition("maps/trial.md", 3),
        diagram=diagram or DiagramOptions(),
    )


def trial_map(
    *, flow: tuple[FlowEdge, ...] = (), diagram: DiagramOptions | None = None
) -> JourneyMap:
    """Five stages, one without touchpoints, pains on a touchpoint and on a stage."""
    return make_map(
        (
            Stage(
                "Awareness",
                touchpoints=(
                    Touchpoint("search", "Google search", "Organic Search"),
                    Touchpoint("ad", "Banner ad", "Display"),
                ),
                emotion=Emotion(1, "Curious", ("Looks handy",)),
            ),
            Stage(
                "Consideration",
                touchpoints=(Touchpoint("pricing", "Pricing page", "Web"),),
                emotion=Emotion(-1, "Unsure", ("Which plan?", "Is it worth it?")),
                pain_points=(
                    PainPoint("unclear", "Prices are unclear", touchpoint="pricing", severity=4),
                    PainPoint("plans", "Too many plans"),
                ),
            ),
            Stage("Decision", emotion=Emotion(-2, "Anxious")),
            Stage(
                "Retention",
                touchpoints=(
                    Touchpoint("welcome", "Welcome email", "Email"),
                    Touchpoint("news", "Newsletter", "Email"),
                ),
                emotion=Emotion(2, "Delighted"),
            ),
            Stage("Advocacy", touchpoints=(Touchpoint("review", "Review site", "G2"),)),
        ),
        flow=flow,
        diagram=diagram,
    )


LOOP_FLOW = (
    FlowEdge("search", "ad"),
    FlowEdge("ad", "pricing"),
    FlowEdge("Consideration", "Decision"),
    FlowEdge("Decision", "Retention"),
    FlowEdge("welcome", "news"),
    FlowEdge("Retention", "Consideration", "upgrade"),
    FlowEdge("Retention", "Advocacy"),
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def groups(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if css_class in (g.get("class") or "").split()]


def visible_edges(root: ET.Element) -> list[ET.Element]:
    """Edge groups that actually draw a line (Graphviz drops an edge it cannot route)."""
    return [g for g in groups(root, "journey-flow") if g.find(f"{SVG}path") is not None]


def node_groups(root: ET.Element) -> list[ET.Element]:
    return groups(root, "journey-touchpoint") + groups(root, "journey-stage-node")


def texts(group: ET.Element) -> str:
    return "".join(text.text or "" for text in group.iter(f"{SVG}text"))
