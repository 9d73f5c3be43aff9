"""A left-to-right drawing by stages, cut into parts that stand over the grid's stage columns.

The stylesheet moves each part by ``origin + k * pitch + q`` and stretches a step between two
stages by ``(m * pitch - n) / g`` about its start. These tests apply that arithmetic here, for
a few pitches, to the parts of real Graphviz drawings and check where everything lands: each
cluster's centre on its column's, each step from one cluster to the other, each arrowhead on its
line's end and each label beside its line as Graphviz put it. (Chromium measures the same on the
example site: tests/browser.)
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest
from diagram_helpers import LOOP_FLOW, SVG, groups, parse, trial_map

from mkdocs_journey.diagrams import Renderer, render_flow_diagram
from mkdocs_journey.diagrams.columns import COLUMNS_CLASS, SHIFT_CLASS, STRETCH_CLASS
from mkdocs_journey.model import DiagramOptions, FlowEdge, JourneyMap

ORIGIN = 137.0  # the grid's lane names and its border, px
_PROPERTY = re.compile(r"--journey-([a-z]+):\s*(-?[\d.]+)(?:px)?")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def properties(element: ET.Element) -> dict[str, float]:
    return {name: float(value) for name, value in _PROPERTY.findall(element.get("style", ""))}


def graph_offset(svg: ET.Element) -> float:
    graph = svg.find(f"{SVG}g")
    assert graph is not None
    match = re.search(r"translate\((-?[\d.]+)", graph.get("transform", ""))
    return float(match.group(1)) if match else 0.0


def placed(element: ET.Element, x: float, pitch: float) -> float:
    """Where the stylesheet draws the point at ``x`` of ``element`` (SVG px, graph space)."""
    values = properties(element)
    move = ORIGIN + pitch * values["k"] + values["q"]
    if STRETCH_CLASS in (element.get("class") or "").split():
        start = float(re.search(r"transform-origin:\s*(-?[\d.]+)px", element.get("style", ""))[1])  # type: ignore[index]
        scale = (values["m"] * pitch - values["n"]) / values["g"]
        return start + (x - start) * scale + move
    return x + move


def xs(shape: ET.Element) -> list[float]:
    return [float(n) for n in _NUMBER.findall(shape.get("d") or shape.get("points") or "")][0::2]


def outline(group: ET.Element) -> ET.Element:
    shape = group.find(f"{SVG}path")
    assert shape is not None
    return shape


def drawing(renderer: Renderer, journey_map: JourneyMap) -> ET.Element:
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="col")
    assert result.svg is not None, result.error
    return parse(result.svg)


def pitches(svg: ET.Element) -> list[float]:
    least = float(re.search(r"--journey-pitch-min:\s*([\d.]+)px", svg.get("style", ""))[1])  # type: ignore[index]
    return [least, least * 1.3, least * 2]


MAPS = {
    "chain of stages": trial_map(),
    "loop and skip": trial_map(flow=(*LOOP_FLOW, FlowEdge("Awareness", "Decision"))),
}


@pytest.mark.parametrize("name", list(MAPS))
def test_each_cluster_stands_over_its_column(renderer: Renderer, name: str) -> None:
    journey_map = dataclasses.replace(MAPS[name], diagram=DiagramOptions(direction="LR"))
    svg = drawing(renderer, journey_map)
    assert COLUMNS_CLASS in (svg.get("class") or "").split()
    offset = graph_offset(svg)
    clusters = groups(svg, "journey-stage")
    assert len(clusters) == len(journey_map.stages)
    for pitch in pitches(svg):
        for index, cluster in enumerate(clusters):
            left, right = min(xs(outline(cluster))), max(xs(outline(cluster)))
            centre = placed(cluster, (left + right) / 2, pitch) + offset
            assert centre == pytest.approx(ORIGIN + (index + 0.5) * pitch, abs=0.05)


@pytest.mark.parametrize("name", list(MAPS))
def test_steps_keep_meeting_their_stages(renderer: Renderer, name: str) -> None:
    journey_map = dataclasses.replace(MAPS[name], diagram=DiagramOptions(direction="LR"))
    svg = drawing(renderer, journey_map)
    clusters = groups(svg, "journey-stage")
    stretched = 0
    for pitch in pitches(svg):
        for edge in groups(svg, "journey-flow"):
            lines = edge.findall(f"{SVG}path")
            for line in lines:
                points = xs(line)
                start, end = points[0], points[-1]
                # Each end lands where the part it touches moved: find that part by position.
                for x in (start, end):
                    owner = min(
                        clusters,
                        key=lambda c: max(min(xs(outline(c))) - x, 0, x - max(xs(outline(c)))),
                    )
                    assert placed(line, x, pitch) == pytest.approx(
                        placed(owner, x, pitch), abs=0.05
                    )
                stretched += STRETCH_CLASS in (line.get("class") or "").split()
            # An arrowhead moves exactly as the end of its line it sits on.
            for head in edge.findall(f"{SVG}polygon"):
                assert SHIFT_CLASS in (head.get("class") or "").split()
                middle = sum(xs(head)) / len(xs(head))
                line, x = min(
                    ((line, x) for line in lines for x in (xs(line)[0], xs(line)[-1])),
                    key=lambda end: abs(end[1] - middle),
                )
                assert placed(head, x, pitch) == pytest.approx(placed(line, x, pitch), abs=0.05)
    assert stretched >= 3


@pytest.mark.parametrize(
    "options", [DiagramOptions(direction="TB"), DiagramOptions(layout="chain")]
)
def test_other_drawings_are_left_as_graphviz_laid_them_out(
    renderer: Renderer, options: DiagramOptions
) -> None:
    svg = drawing(renderer, dataclasses.replace(trial_map(), diagram=options))
    assert COLUMNS_CLASS not in (svg.get("class") or "").split()
    assert not [e for e in svg.iter() if "--journey-k" in e.get("style", "")]
