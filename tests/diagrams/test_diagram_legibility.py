"""What makes a flow diagram read as a journey, checked on real Graphviz output.

Alternatives of a stage sit side by side instead of in a chain; stage clusters are equal and
aligned like the columns of the stage table; a step's label never sits on its line; the legend
names exactly the signs the drawing uses; a map too wide to read left to right turns top to
bottom rather than shrink.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from diagram_helpers import LOOP_FLOW, SVG, groups, make_map, parse, trial_map, visible_edges

from mkdocs_journey.diagrams import Renderer, render_flow_diagram
from mkdocs_journey.diagrams.legend import build_legend
from mkdocs_journey.diagrams.svg import _label_box, _path_points
from mkdocs_journey.model import DiagramOptions, FlowEdge, JourneyMap, Stage, Touchpoint
from mkdocs_journey.parsing.page import read_page
from mkdocs_journey.render.environment import make_environment
from mkdocs_journey.visuals import FLOW_TEMPLATE

EXAMPLE = Path(__file__).parent.parent.parent / "example-site" / "docs" / "maps"
STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")


def example_maps() -> list[JourneyMap]:
    maps = []
    for page in sorted(EXAMPLE.glob("*.md")):
        for reading in read_page(f"maps/{page.name}", page.read_text(encoding="utf-8"), STAGES):
            assert reading.journey_map is not None, reading.problems
            maps.append(reading.journey_map)
    return maps


def outline_box(group: ET.Element) -> tuple[float, float, float, float]:
    shape = group.find(f"{SVG}path")
    if shape is None:
        shape = group.find(f"{SVG}polygon")
    assert shape is not None
    numbers = [
        float(n)
        for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points") or "")
    ]
    return min(numbers[0::2]), min(numbers[1::2]), max(numbers[0::2]), max(numbers[1::2])


def centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def by_text(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Touchpoint boxes by the first line of their label."""
    return {
        (next(group.iter(f"{SVG}text")).text or ""): outline_box(group)
        for group in groups(root, "journey-touchpoint")
    }


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_alternatives_of_a_stage_sit_side_by_side_not_chained(
    renderer: Renderer, direction: str
) -> None:
    journey_map = trial_map(diagram=DiagramOptions(direction=direction))
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="alt")
    assert result.svg is not None, result.error
    root = parse(result.svg)
    boxes = by_text(root)
    search, banner = centre(boxes["Google search"]), centre(boxes["Banner ad"])
    welcome, news = centre(boxes["Welcome email"]), centre(boxes["Newsletter"])
    across, along = (0, 1) if direction == "LR" else (1, 0)
    for first, second in ((search, banner), (welcome, news)):
        assert abs(first[across] - second[across]) < 1  # the same column (LR) or row (TB)
        assert abs(first[along] - second[along]) > 20  # one beside the other, apart
    # No step joins two alternatives: four steps, one per pair of adjacent stages.
    assert len(visible_edges(root)) == 4
    assert {(e.source_stage, e.target_stage) for e in result.diagram.edges} == {
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 4),
    }


@pytest.mark.parametrize(
    "journey_map",
    [trial_map(), trial_map(flow=LOOP_FLOW), *example_maps()],
    ids=lambda m: m.id + str(len(m.flow)),
)
def test_stage_clusters_are_equal_and_aligned(renderer: Renderer, journey_map: JourneyMap) -> None:
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="eq")
    assert result.svg is not None, result.error
    assert result.diagram is not None
    columns = result.diagram.direction in ("LR", "RL")
    boxes = [outline_box(group) for group in groups(parse(result.svg), "journey-stage")]
    assert len(boxes) == len(journey_map.stages)
    # Columns: one top and one bottom for all; rows (TB): one left and one right for all.
    first, last = (1, 3) if columns else (0, 2)
    assert max(b[first] for b in boxes) - min(b[first] for b in boxes) < 0.5
    assert max(b[last] for b in boxes) - min(b[last] for b in boxes) < 0.5
    # ...in stage order, never overlapping; columns equally wide, like the table's.
    width, start = (2, 0) if columns else (3, 1)
    ordered = sorted(boxes, key=lambda b: b[start])
    assert ordered == boxes
    assert all(a[width] < b[start] for a, b in itertools.pairwise(ordered))
    if columns:
        sizes = [b[width] - b[start] for b in boxes]
        assert max(sizes) - min(sizes) < 2, sizes
    # The stage's title sits at the top of its column, above its first touchpoint.
    if columns:
        for group in groups(parse(result.svg), "journey-stage"):
            top = outline_box(group)[1]
            title = next(group.iter(f"{SVG}text"))
            assert float(title.get("y", "0")) - top < 25


@pytest.mark.parametrize(
    "journey_map", [trial_map(flow=LOOP_FLOW), *example_maps()], ids=lambda m: m.id
)
def test_step_labels_sit_off_every_line(renderer: Renderer, journey_map: JourneyMap) -> None:
    volumes = {
        (tp.id, other.id): 120
        for _, tp in journey_map.touchpoints()
        for _, other in journey_map.touchpoints()
    }
    result = render_flow_diagram(
        journey_map, renderer=renderer, diagram_id="off", edge_volumes=volumes
    )
    assert result.svg is not None, result.error
    root = parse(result.svg)
    lines = [
        (g.get("id"), _path_points(path))
        for g in groups(root, "journey-flow")
        if (path := g.find(f"{SVG}path")) is not None
    ]
    labelled = 0
    for group in groups(root, "journey-flow"):
        texts = group.findall(f"{SVG}text")
        if not texts:
            continue
        labelled += 1
        # The label's lines, with the width Helvetica gives them (estimated a little wide).
        left, top, right, bottom = _label_box(texts)
        for edge, points in lines:
            crossing = [p for p in points if left < p[0] < right and top < p[1] < bottom]
            assert crossing == [], (group.get("id"), [t.text for t in texts], edge, crossing[:3])
    assert labelled >= 2


def test_a_map_too_wide_to_read_left_to_right_turns_top_to_bottom(renderer: Renderer) -> None:
    stages = tuple(
        Stage(f"Stage {n}", touchpoints=(Touchpoint(f"t{n}", f"Touchpoint {n}", "Email"),))
        for n in range(9)
    )
    wide = make_map(stages, map_id="long")
    result = render_flow_diagram(wide, renderer=renderer, diagram_id="long", max_width=1100)
    assert result.svg is not None, result.error
    svg = parse(result.svg)
    assert svg.get("data-direction") == "TB"
    assert float(svg.get("width", "0")) <= 1100
    # The same map drawn left to right, as its author may insist on, is wider than that.
    forced = dataclasses.replace(wide, diagram=DiagramOptions(direction="LR"))
    lr = parse(render_flow_diagram(forced, renderer=renderer, diagram_id="lr").svg or "")
    assert lr.get("data-direction") == "LR"
    assert float(lr.get("width", "0")) > 1100
    # A five-stage map of the example site stays left to right: it fits.
    for journey_map in example_maps():
        drawn = render_flow_diagram(journey_map, renderer=renderer, diagram_id="ex")
        root = parse(drawn.svg or "")
        expected = "TB" if journey_map.diagram.direction == "TB" else "LR"
        assert root.get("data-direction") == expected, journey_map.id
        assert float(root.get("width", "0")) <= 1100, journey_map.id


def test_the_svg_draws_a_point_as_a_pixel(renderer: Renderer) -> None:
    # Text sizes in the DOT are the px a reader sees: the SVG is as many px wide as its viewBox.
    svg = parse(render_flow_diagram(trial_map(), renderer=renderer, diagram_id="px").svg or "")
    view_box = [float(n) for n in (svg.get("viewBox") or "").split()]
    assert float(svg.get("width", "0")) == pytest.approx(view_box[2], abs=0.01)
    assert float(svg.get("height", "0")) == pytest.approx(view_box[3], abs=0.01)
    assert (svg.get("style") or "").startswith(f"--journey-width: {svg.get('width')}px;")


def legend_html(
    journey_map: JourneyMap, renderer: Renderer, **kwargs: object
) -> tuple[BeautifulSoup, ET.Element]:
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="lg", **kwargs)  # type: ignore[arg-type]
    assert result.svg is not None
    assert result.diagram is not None
    env: jinja2.Environment = make_environment()
    html = env.get_template(FLOW_TEMPLATE).render(
        svg=jinja2.utils.markupsafe.Markup(result.svg),
        legend=build_legend(journey_map, result.diagram),
        legend_id="lg-legend",
    )
    return BeautifulSoup(html, "html.parser"), parse(result.svg)


def test_the_legend_names_the_signs_the_drawing_uses(renderer: Renderer) -> None:
    flow = (*LOOP_FLOW, FlowEdge("Awareness", "Decision"))
    journey_map = trial_map(flow=flow)
    page, svg = legend_html(journey_map, renderer, edge_volumes={("ad", "pricing"): 40})
    legend = page.select_one("div.journey-legend")
    assert legend is not None
    assert legend["role"] == "group"
    assert page.find(id=legend["aria-labelledby"]) is not None
    # The emotion scale, -2 to +2, in words and numbers.
    scale = [li.get_text(" ", strip=True) for li in legend.select("ul.journey-legend__scale li")]
    assert scale == [
        "Emotion",
        "-2 very negative",
        "-1 negative",
        "0 neutral",
        "+1 positive",
        "+2 very positive",
    ]
    items = [li.get_text(" ", strip=True) for li in legend.select("ul.journey-legend__items li")]
    assert items == [
        "⚠ 2 pain points felt here (how many)",
        "stage without touchpoints",
        "1,234 observed step: width and number show how often the data saw it",
        "declared step the data never shows",
        "loop back to an earlier stage",
    ]
    # Each swatch is drawn with classes the diagram itself uses, so their colours match.
    used = {tuple(sorted((g.get("class") or "").split())) for g in svg.iter(f"{SVG}g")}
    for swatch in legend.select("ul.journey-legend__items svg.journey-legend__swatch g"):
        classes = tuple(sorted(swatch["class"]))
        assert any(set(classes) <= set(group) for group in used), classes
        assert swatch.find_parent("svg")["aria-hidden"] == "true"


def test_a_legend_without_data_has_no_data_signs(renderer: Renderer) -> None:
    flow = (FlowEdge("search", "pricing"), FlowEdge("Consideration", "Retention"))
    page, _ = legend_html(trial_map(flow=flow), renderer)
    items = [li.get_text(" ", strip=True) for li in page.select("ul.journey-legend__items li")]
    assert items == [
        "⚠ 2 pain points felt here (how many)",
        "off the main flow",
        "stage without touchpoints",
        "step of the journey",
    ]
