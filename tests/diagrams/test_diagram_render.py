"""Real Graphviz renders on every renderer this machine has, and the renderer choice."""

from __future__ import annotations

import re
import shutil

import pytest
from diagram_helpers import (
    LOOP_FLOW,
    SVG,
    groups,
    make_map,
    node_groups,
    parse,
    texts,
    trial_map,
    visible_edges,
)

from mkdocs_journey.diagrams import (
    DiagramCache,
    Renderer,
    RendererUnavailable,
    get_renderer,
    render_flow_diagram,
)
from mkdocs_journey.diagrams.renderers import DotRenderer, PygraphvizRenderer
from mkdocs_journey.model import DiagramOptions, FlowEdge, PainPoint, Stage, Touchpoint

HOSTILE = [
    'He said "hello"',
    "]",
    "];",
    '"a" -> "b"',
    '"]; n9 [label="pwned"]; n0 -> n9; x [label="',
    "} subgraph cluster_x { evil }",
    "<b>bold</b> <script>alert(1)</script>",
    "<<TABLE><TR><TD>html label</TD></TR></TABLE>>",
    "&amp; &lt; &nbsp; &#0; &#x41; &bogus;",
    "line one\nline two\r\nline three",
    "back\\slash \\N \\G \\E \\l \\",
    "{record|<port> field}",
    "emoji 🚀👩‍💻🏳️‍🌈 and ZWJ",
    "Ünïcödé — 日本語 — עברית — العربية",
    "\x00\x01\x1b[31m control \x7f",
    "// comment /* block */ # hash",
    "A" * 2000,
    "word " * 400,
]


def graphviz_stderr(err: str) -> list[str]:
    """Lines Graphviz wrote to stderr, without font-configuration chatter of the host."""
    return [line for line in err.splitlines() if line.strip() and "Fontconfig" not in line]


def hostile_map() -> tuple:
    stages = []
    for index, text in enumerate(HOSTILE):
        stages.append(
            Stage(
                text,
                touchpoints=(
                    Touchpoint(f"t{index}a", text, text),
                    Touchpoint(f"t{index}b", text[::-1], ""),
                ),
                pain_points=(PainPoint(f"p{index}", text, touchpoint=f"t{index}a"),),
            )
        )
    flow = [FlowEdge(f"t{i}a", f"t{i}b", HOSTILE[i]) for i in range(len(HOSTILE))]
    flow += [FlowEdge(f"t{i}b", f"t{i + 1}a") for i in range(len(HOSTILE) - 1)]
    flow.append(FlowEdge(f"t{len(HOSTILE) - 1}b", "t0a", HOSTILE[4]))  # a loop back
    return make_map(tuple(stages), flow=tuple(flow)), len(HOSTILE) * 2, len(flow)


def test_hostile_labels_render_with_exact_counts(
    renderer: Renderer, capfd: pytest.CaptureFixture[str]
) -> None:
    journey_map, nodes, edges = hostile_map()
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="hostile")
    assert result.error is None
    assert result.warnings == ()
    assert graphviz_stderr(capfd.readouterr().err) == []
    root = parse(result.svg or "")
    assert len(node_groups(root)) == nodes
    assert len(groups(root, "journey-stage")) == len(HOSTILE)
    assert len(visible_edges(root)) == edges
    body = result.svg or ""
    assert "pwned" not in {texts(group) for group in node_groups(root)}
    assert "<script>" not in body
    assert "<b>" not in body
    assert "<TABLE>" not in body
    # What Graphviz drew is the author's text, literally.
    shown = {texts(group) for group in node_groups(root)}
    assert any("&amp; &lt; &nbsp;" in text for text in shown)
    assert any("\\N \\G" in text for text in shown)
    assert any("🚀" in text for text in shown)


def test_loop_back_edges_are_drawn(renderer: Renderer, capfd: pytest.CaptureFixture[str]) -> None:
    flow = (
        *LOOP_FLOW,
        FlowEdge("Advocacy", "Awareness", "refers a friend"),
        FlowEdge("news", "news"),
    )
    result = render_flow_diagram(trial_map(flow=flow), renderer=renderer, diagram_id="loops")
    assert result.error is None, result.error
    assert graphviz_stderr(capfd.readouterr().err) == []
    root = parse(result.svg or "")
    back = [g for g in groups(root, "journey-flow-back") if g.find(f"{SVG}path") is not None]
    assert len(back) == 3
    assert len(visible_edges(root)) == len(flow)
    assert any("upgrade" in texts(group) for group in back)


def _cluster_left_edges(svg: str) -> list[float]:
    root = parse(svg)
    lefts = []
    for group in groups(root, "journey-stage"):
        shape = group.find(f"{SVG}path")
        if shape is None:
            shape = group.find(f"{SVG}polygon")
        assert shape is not None
        numbers = [
            float(n)
            for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points") or "")
        ]
        lefts.append(min(numbers[0::2]))
    return lefts


@pytest.mark.parametrize("flow", [(), LOOP_FLOW, (FlowEdge("Advocacy", "Awareness"),)])
def test_stage_clusters_appear_in_stage_order(
    renderer: Renderer, flow: tuple[FlowEdge, ...]
) -> None:
    result = render_flow_diagram(trial_map(flow=flow), renderer=renderer, diagram_id="order")
    assert result.svg is not None
    root = parse(result.svg)
    assert [g.get("id") for g in groups(root, "journey-stage")] == [f"order-c{i}" for i in range(5)]
    lefts = _cluster_left_edges(result.svg)
    assert lefts == sorted(lefts)
    assert len(set(lefts)) == 5


def test_renders_with_system_dot_hidden_from_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None
    renderer = get_renderer("auto")
    assert renderer.name == "pygraphviz"
    result = render_flow_diagram(trial_map(), renderer=renderer, diagram_id="nodot")
    assert result.error is None
    assert len(node_groups(parse(result.svg or ""))) == 7
    with pytest.raises(RendererUnavailable, match=r"pip install 'pygraphviz>=2\.0\.4'"):
        get_renderer("dot")


def test_unknown_renderer_name() -> None:
    with pytest.raises(ValueError, match="unknown renderer 'neato'; expected one of auto"):
        get_renderer("neato")


def test_renderers_have_a_name_and_version_for_the_cache(renderer: Renderer) -> None:
    assert renderer.name in ("pygraphviz", "dot")
    assert re.search(r"\d+\.\d+", renderer.version)
    if isinstance(renderer, PygraphvizRenderer):
        assert "+graphviz" in renderer.version


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs a system Graphviz dot")
def test_dot_timeout_gives_an_error_naming_the_map() -> None:
    big = make_map(
        tuple(
            Stage(
                f"Stage {s}",
                touchpoints=tuple(Touchpoint(f"t{s}-{t}", f"Touchpoint {t}") for t in range(40)),
            )
            for s in range(25)
        ),
        map_id="huge",
    )
    cache = DiagramCache()
    result = render_flow_diagram(
        big, renderer=DotRenderer(timeout=0.001), cache=cache, diagram_id="huge"
    )
    assert result.svg is None
    assert result.error is not None
    assert result.error.startswith("flow diagram of journey map 'huge' on maps/trial.md:3:1: ")
    assert "took longer than 0.001 s" in result.error
    assert len(cache) == 0  # failures are not cached


def test_unresolved_flow_is_reported_but_still_renders(renderer: Renderer) -> None:
    journey_map = trial_map(flow=(FlowEdge("search", "ad"), FlowEdge("ad", "nowhere")))
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="partial")
    assert result.svg is not None
    assert result.problems == (
        "maps/trial.md:3:1: flow step 'ad' -> 'nowhere' names no touchpoint id or stage of the map",
    )


def _centres(svg: str) -> dict[str, tuple[float, float]]:
    """Each node's centre in SVG coordinates, by its first text line."""
    found = {}
    for group in node_groups(parse(svg)):
        shape = group.find(f"{SVG}path")
        if shape is None:
            shape = group.find(f"{SVG}polygon")
        if shape is None:
            continue
        numbers = [
            float(n)
            for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points") or "")
        ]
        xs, ys = numbers[0::2], numbers[1::2]
        first_line = next(group.iter(f"{SVG}text")).text or ""
        found[first_line] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return found


def _cluster_box(svg: str, cluster: str) -> tuple[float, float, float, float]:
    group = next(
        g for g in groups(parse(svg), "journey-stage") if g.get("id", "").endswith(cluster)
    )
    shape = group.find(f"{SVG}path")
    assert shape is not None
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or "")]
    return min(numbers[0::2]), min(numbers[1::2]), max(numbers[0::2]), max(numbers[1::2])


def _arrow_tip(svg: str, edge_index: int, *, point: bool = False) -> tuple[float, float]:
    """The centre of an edge's arrowhead, or (``point``) its point."""
    edge = next(
        g for g in groups(parse(svg), "journey-flow") if g.get("id", "").endswith(f"e{edge_index}")
    )
    head = edge.find(f"{SVG}polygon")
    assert head is not None
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", head.get("points") or "")]
    centre = sum(numbers[0::2]) / len(numbers[0::2]), sum(numbers[1::2]) / len(numbers[1::2])
    if not point:
        return centre
    corners = list(zip(numbers[0::2], numbers[1::2], strict=True))
    # A narrow triangle: its point is the corner farthest from its centre.
    return max(corners, key=lambda c: (c[0] - centre[0]) ** 2 + (c[1] - centre[1]) ** 2)


@pytest.mark.parametrize(
    ("direction", "layout", "second"),
    [
        ("LR", "stages", "below"),  # stages are columns, their touchpoints read downwards
        ("RL", "stages", "below"),
        ("TB", "stages", "right"),  # stages are rows, their touchpoints read rightwards
        ("BT", "stages", "right"),
        ("LR", "chain", "right"),  # one touchpoint after the other
        ("TB", "chain", "below"),
    ],
)
def test_layouts_place_a_stages_touchpoints_in_reading_order(
    renderer: Renderer, direction: str, layout: str, second: str
) -> None:
    options = DiagramOptions(direction=direction, layout=layout)
    result = render_flow_diagram(trial_map(diagram=options), renderer=renderer, diagram_id="layout")
    assert result.svg is not None, result.error
    centres = _centres(result.svg)
    (x1, y1), (x2, y2) = centres["Google search"], centres["Banner ad"]
    if second == "below":
        assert y2 > y1 + 10
        if layout == "stages":
            assert abs(x2 - x1) < 1  # the same column
    else:
        assert x2 > x1 + 10
        if layout == "stages":
            assert abs(y2 - y1) < 1  # the same row
    # The first edge points onwards, whichever way the DOT wrote it.
    tip = _arrow_tip(result.svg, 0, point=True)
    if layout == "chain":  # from the search to the banner ad
        assert abs(tip[0] - x2) + abs(tip[1] - y2) < abs(tip[0] - x1) + abs(tip[1] - y1)
    else:  # from Awareness to the border of Consideration (Graphviz stops it 1.5 pt short)
        left, top, right, bottom = _cluster_box(result.svg, "c1")
        assert left - 3 <= tip[0] <= right + 3
        assert top - 3 <= tip[1] <= bottom + 3
        left, top, right, bottom = _cluster_box(result.svg, "c0")
        assert not (left < tip[0] < right and top < tip[1] < bottom)


def test_stage_columns_start_level(renderer: Renderer) -> None:
    # The default layout: the first touchpoint of every stage on one line (no staircase).
    result = render_flow_diagram(trial_map(), renderer=renderer, diagram_id="level")
    assert result.svg is not None
    centres = _centres(result.svg)
    firsts = ["Google search", "Pricing page", "Welcome email", "Review site"]
    tops = [centres[name][1] for name in firsts]
    assert max(tops) - min(tops) < 1


def test_a_stages_touchpoints_keep_the_maps_order_whatever_the_flow(renderer: Renderer) -> None:
    # The flow enters Advocacy at its last touchpoint and never links the other two: the column
    # still lists them top to bottom as the map (and its stage table) does.
    stages = (
        Stage("Retention", touchpoints=(Touchpoint("renewal", "Renewal email", "Email"),)),
        Stage(
            "Advocacy",
            touchpoints=(
                Touchpoint("case", "Case study", "Referral"),
                Touchpoint("day", "User day", "Events"),
                Touchpoint("review", "Review request", "Email"),
            ),
        ),
    )
    journey_map = make_map(stages, flow=(FlowEdge("renewal", "review"),))
    result = render_flow_diagram(journey_map, renderer=renderer, diagram_id="kept")
    assert result.svg is not None, result.error
    centres = _centres(result.svg)
    ys = [centres[name][1] for name in ("Case study", "User day", "Review request")]
    assert ys == sorted(ys)
    assert len(set(ys)) == 3
    # Only the one drawn step is an arrow; the order is kept by edges nobody sees.
    assert len(visible_edges(parse(result.svg))) == 1


def test_observed_steps_without_an_arrow_become_one_note(renderer: Renderer) -> None:
    journey_map = trial_map(flow=(FlowEdge("search", "ad"),))
    result = render_flow_diagram(
        journey_map,
        renderer=renderer,
        diagram_id="undrawn",
        edge_volumes={
            ("search", "ad"): 40,
            ("ad", "nowhere"): 3,
            **{("x", f"y{i}"): i for i in range(1, 7)},
        },
    )
    assert result.svg is not None
    assert result.problems == ()
    [note] = result.notes
    assert note == (
        "flow diagram of journey map 'trial' on maps/trial.md:3:1: 7 observed steps of the data "
        "not drawn in the map's flow: 'x' -> 'y6' (6 times), 'x' -> 'y5' (5 times), "
        "'x' -> 'y4' (4 times), 'ad' -> 'nowhere' (3 times), 'x' -> 'y3' (3 times), and 2 more"
    )
