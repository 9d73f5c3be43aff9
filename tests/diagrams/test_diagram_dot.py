"""The DOT builder and its one escape function, without running Graphviz."""

from __future__ import annotations

import re

import pytest
from diagram_helpers import LOOP_FLOW, make_map, trial_map

from mkdocs_journey.diagrams.dot import (
    ELLIPSIS,
    LABEL_LIMIT,
    DiagramMarks,
    Mark,
    build_dot,
    clean_text,
    dot_escape,
    dot_label,
    truncate,
)
from mkdocs_journey.model import DiagramOptions, Emotion, FlowEdge, JourneyMap, Stage, Touchpoint


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ('say "hi"', 'say \\"hi\\"'),
        ("back\\slash", "back\\\\slash"),
        ("ends with \\", "ends with \\\\"),
        ("\\N \\G \\n", "\\\\N \\\\G \\\\n"),
        ("a & b", "a &amp; b"),
        ("&nbsp;", "&amp;nbsp;"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("{x} | y", "&#123;x&#125; &#124; y"),
        ("two\nlines\r\nhere", "two lines here"),
        ("tab\there", "tab here"),
        ("bell\x07 nul\x00 del\x7f c1\x85x", "bell nul del c1 x"),
        ("  spaced   out  ", "spaced out"),
        ("emoji 🚀 and 👩‍💻", "emoji 🚀 and 👩‍💻"),
        ("Ünïcödé 日本語", "Ünïcödé 日本語"),
        ("\ufffe\uffff", ""),
        ('"]; evil [shape=box', '\\"]; evil [shape=box'),
    ],
)
def test_dot_escape(text: str, escaped: str) -> None:
    assert dot_escape(text) == escaped


@pytest.mark.parametrize(
    "text", ['"', '\\"', '\\\\"', "x\\", '"a" -> "b"', "];", '\\\n"', '"' * 50 + "\\" * 51]
)
def test_escaped_text_never_closes_its_string(text: str) -> None:
    escaped = dot_escape(text)
    # Every quote is preceded by an odd number of backslashes, i.e. is itself escaped.
    for match in re.finditer(r'(\\*)"', escaped):
        assert len(match.group(1)) % 2 == 1
    trailing = len(escaped) - len(escaped.rstrip("\\"))
    assert trailing % 2 == 0  # a final backslash never escapes the closing quote


def test_truncate_marks_the_cut_and_keeps_short_text() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 2000, LABEL_LIMIT)
    assert len(cut) == LABEL_LIMIT
    assert cut.endswith(ELLIPSIS)
    # Never leaves a dangling joiner of a cut emoji sequence.
    assert truncate("ab👩\u200d💻cd", 5) == "ab👩" + ELLIPSIS
    assert dot_escape("y" * 2000, limit=20) == "y" * 19 + ELLIPSIS


def test_labels_wrap_and_cut_long_names() -> None:
    label = dot_label(["A rather long touchpoint name that wraps", "Email"])
    assert label.startswith('"')
    assert label.endswith('"')
    assert label.count("\\n") >= 2
    assert "Email" in label
    long = dot_label(["z" * 2000])
    assert ELLIPSIS in long
    assert len(long) < LABEL_LIMIT + 20


def test_clean_text_collapses_whitespace_and_drops_controls() -> None:
    assert clean_text("a\u2028b\u00a0c\x1bd") == "a b cd"


def _edges(source: str) -> list[tuple[str, str, str]]:
    """(from, to, attributes) of every DOT edge, as drawn: ``dir=back`` edges point at their tail."""
    found = re.findall(r"^  (n\d+) -> (n\d+) \[(.*)\];$", source, re.MULTILINE)
    return [(b, a, attrs) if "dir=back" in attrs else (a, b, attrs) for a, b, attrs in found]


def test_without_a_flow_the_journey_goes_stage_by_stage() -> None:
    diagram = build_dot(trial_map())
    assert diagram.clusters == ("c0", "c1", "c2", "c3", "c4")
    assert [node.text for node in diagram.nodes] == [
        "Awareness: Google search (Organic Search)",
        "Awareness: Banner ad (Display)",
        "Consideration: Pricing page (Web)",
        "Decision",
        "Retention: Welcome email (Email)",
        "Retention: Newsletter (Email)",
        "Advocacy: Review site (G2)",
    ]
    # One step per pair of adjacent stages, from stage to stage (drawn between the stages'
    # first boxes, clipped at the clusters' borders); none between a stage's touchpoints.
    steps = [(e.source, e.source_stage, e.target, e.target_stage) for e in diagram.edges]
    assert steps == [
        ("n0", 0, "n2", 1),
        ("n2", 1, "n3", 2),
        ("n3", 2, "n4", 3),
        ("n4", 3, "n6", 4),
    ]
    attrs = {(a, b): attr for a, b, attr in _edges(diagram.source)}
    assert "ltail=cluster_0" in attrs[("n0", "n2")]
    assert "lhead=cluster_1" in attrs[("n0", "n2")]
    assert "compound=true" in diagram.source
    assert not any(edge.loop_back for edge in diagram.edges)
    assert not any(node.side for node in diagram.nodes)  # alternatives, not side touchpoints
    # Clusters are written in stage order, each holding its own nodes.
    positions = [diagram.source.index(f"subgraph cluster_{i} {{") for i in range(5)]
    assert positions == sorted(positions)
    # Every stage is one rank. The stage steps join the stages' first touchpoints with the
    # weight that levels them; invisible edges keep each stage's touchpoints in map order.
    assert all("weight=10" in attrs[pair] for pair in [("n0", "n2"), ("n2", "n3"), ("n3", "n4")])
    order = [(a, b) for a, b, attrs in _edges(diagram.source) if "journey-order" in attrs]
    assert order == [("n1", "n0"), ("n5", "n4")]  # written upwards: LR ranks read downwards
    assert "{ rank=same; n0; n1; }" in diagram.source
    assert "{ rank=same; n4; n5; }" in diagram.source
    chain = build_dot(trial_map(diagram=DiagramOptions(layout="chain"))).source
    assert "journey-order" not in chain  # the real edges already order the stages
    assert "rank=same" not in chain
    assert [
        (e.source, e.target)
        for e in build_dot(trial_map(diagram=DiagramOptions(layout="chain"))).edges
    ] == [(f"n{i}", f"n{i + 1}") for i in range(6)]


def test_steps_between_stages_do_not_pull_stages_out_of_line() -> None:
    flow = (FlowEdge("ad", "pricing"), FlowEdge("search", "ad"))
    attrs = {(a, b): attr for a, b, attr in _edges(build_dot(trial_map(flow=flow)).source)}
    assert "weight=0" in attrs[("n1", "n2")]  # Awareness -> Consideration, banner ad onwards
    assert "weight=" not in attrs[("n0", "n1")]  # inside Awareness


def test_stage_without_touchpoints_still_gets_a_node() -> None:
    diagram = build_dot(trial_map())
    decision = re.search(r"subgraph cluster_2 \{(.*?)\n  \}", diagram.source, re.DOTALL)
    assert decision is not None
    assert 'class="journey-stage-node"' in decision.group(1)
    assert 'label="no touchpoints"' in decision.group(1)


def test_authored_flow_joins_touchpoints_and_stages() -> None:
    diagram = build_dot(trial_map(flow=LOOP_FLOW))
    pairs = [
        (e.source, e.source_stage, e.target, e.target_stage, e.label, e.loop_back)
        for e in diagram.edges
    ]
    assert pairs == [
        ("n0", None, "n1", None, "", False),  # touchpoint ids: exactly those boxes
        ("n1", None, "n2", None, "", False),
        ("n2", 1, "n3", 2, "", False),  # Consideration -> Decision: stage to stage
        ("n3", 2, "n4", 3, "", False),
        ("n4", None, "n5", None, "", False),
        ("n4", 3, "n2", 1, "upgrade", True),  # Retention -> Consideration: a loop back
        ("n4", 3, "n6", 4, "", False),
    ]
    back = [attrs for source, target, attrs in _edges(diagram.source) if "upgrade" in attrs]
    assert len(back) == 1
    assert "constraint=false" in back[0]
    assert "journey-flow-back" in back[0]
    assert "ltail=cluster_3" in back[0]
    assert "lhead=cluster_1" in back[0]
    # Invisible ordering edges keep the stages in order whatever the authored flow says.
    # (Here only Awareness -> Consideration: every other pair of first boxes has a step.)
    assert diagram.source.count('class="journey-order"') == 1
    assert diagram.unresolved == ()


def test_touchpoints_the_flow_passes_by_are_side_touchpoints() -> None:
    flow = (FlowEdge("search", "pricing"), FlowEdge("Consideration", "Retention"))
    diagram = build_dot(trial_map(flow=flow))
    side = {node.text.split(": ", 1)[-1] for node in diagram.nodes if node.side}
    # Awareness: the flow starts at the search, so the banner ad is off it. Retention: reached
    # as a stage, so both its touchpoints are alternatives on the flow. Advocacy: never reached.
    assert side == {"Banner ad (Display)", "Review site (G2)"}
    banner = re.search(r"n1 \[(.*)\];", diagram.source)
    assert banner is not None
    assert "journey-touchpoint-side" in banner.group(1)
    assert "Off the main flow" in diagram.tooltips["n1"]


def test_marks_from_data_reach_nodes_stages_and_steps() -> None:
    bottleneck = Mark("bottleneck", "bottleneck: most leads stop here")
    star = Mark("moment-of-truth", "moment of truth")
    marks = DiagramMarks(
        nodes={"pricing": (bottleneck,), "Retention": (star,)},
        steps={("Awareness", "Consideration"): (star,)},
    )
    diagram = build_dot(trial_map(), marks=marks)
    pricing = next(node for node in diagram.nodes if node.id == "n2")
    assert pricing.marks == (bottleneck,)
    assert (
        'class="journey-touchpoint journey-pain journey-marked journey-mark-bottleneck"'
        in diagram.source
    )
    assert "★ bottleneck: most leads stop here" in diagram.tooltips["n2"]
    assert "journey-mark-moment-of-truth" in re.search(
        r"subgraph cluster_3 \{\n(.*)", diagram.source
    ).group(1)
    first_step = diagram.edges[0]
    assert first_step.marks == (star,)
    assert "★ moment of truth" in diagram.tooltips["e0"]
    with pytest.raises(ValueError, match="lowercase"):
        Mark('x" onload="alert(1)', "evil")


def test_unknown_flow_endpoints_are_returned_not_raised() -> None:
    bad = FlowEdge("search", "nowhere")
    diagram = build_dot(trial_map(flow=(FlowEdge("search", "ad"), bad)))
    assert diagram.unresolved == (bad,)
    assert len(diagram.edges) == 1


def test_emotion_and_pain_classes() -> None:
    source = build_dot(trial_map()).source
    assert 'class="journey-stage journey-emotion-pos1"' in source
    assert 'class="journey-stage journey-emotion-neg1 journey-pain"' in source  # stage-level pain
    assert 'class="journey-stage journey-emotion-neg2"' in source
    assert 'class="journey-stage journey-emotion-pos2"' in source
    assert 'class="journey-stage journey-emotion-none"' in source
    pricing = re.search(r"n2 \[(.*)\];", source)
    assert pricing is not None
    assert "journey-touchpoint journey-pain" in pricing.group(1)
    assert "⚠ 1" in pricing.group(1)


def test_emotion_scores_are_clamped() -> None:
    wild = make_map((Stage("A", emotion=Emotion(7)), Stage("B", emotion=Emotion(-9))))
    source = build_dot(wild).source
    assert "journey-emotion-pos2" in source
    assert "journey-emotion-neg2" in source


def test_tooltips_keep_full_text_that_labels_cut() -> None:
    name = "Very long touchpoint name " * 40
    diagram = build_dot(make_map((Stage("Only", touchpoints=(Touchpoint("t", name, "Web"),)),)))
    assert diagram.tooltips["n0"].startswith(clean_text(name))
    assert clean_text(name) not in diagram.source
    assert ELLIPSIS in diagram.source


def test_observed_steps_add_up_on_the_stage_steps_they_belong_to() -> None:
    volumes = {
        ("search", "pricing"): 1200,  # Awareness -> Consideration
        ("ad", "pricing"): 300,  # Awareness -> Consideration
        ("search", "ad"): 50,  # between two alternatives of one stage: no step, no problem
        ("pricing", "search"): 5,  # back to Awareness: no step draws it
        ("welcome", "review"): 20,  # Retention -> Advocacy
    }
    diagram = build_dot(trial_map(), edge_volumes=volumes)
    observed = [(e.source_stage, e.target_stage, e.volume, e.unobserved) for e in diagram.edges]
    assert observed == [
        (0, 1, 1500, False),
        (1, 2, None, True),  # declared (stage after stage) but never seen in the data
        (2, 3, None, True),
        (3, 4, 20, False),
    ]
    attrs = {(s, t): a for s, t, a in _edges(diagram.source)}
    assert "penwidth=6.00" in attrs[("n0", "n2")]
    assert "penwidth=2.02" in attrs[("n4", "n6")]
    assert 'label="1,500"' in attrs[("n0", "n2")]
    assert "journey-flow-observed" in attrs[("n0", "n2")]
    assert "journey-flow-unobserved" in attrs[("n2", "n3")]
    assert "penwidth" not in attrs[("n2", "n3")]
    assert diagram.unmatched_volumes == (("pricing", "search"),)
    assert "observed 1,500 times" in diagram.tooltips["e0"]
    assert "not seen in the data" in diagram.tooltips["e1"]
    # Without data, no step is "unobserved": there is nothing to observe it with.
    assert not any(edge.unobserved for edge in build_dot(trial_map()).edges)


def test_an_observed_step_counts_on_the_most_specific_step_drawn() -> None:
    volumes = {
        ("ad", "pricing"): 300,  # drawn exactly
        ("search", "pricing"): 100,  # LOOP_FLOW has no Awareness -> Consideration step
        ("Retention", "Consideration"): 42,  # stage names, as some exports have them
        ("news", "pricing"): 8,  # Retention -> Consideration, from a touchpoint
    }
    diagram = build_dot(trial_map(flow=LOOP_FLOW), edge_volumes=volumes)
    by_label = {(e.source, e.target, e.label): e.volume for e in diagram.edges}
    assert by_label[("n1", "n2", "")] == 300
    assert by_label[("n4", "n2", "upgrade")] == 50
    assert diagram.unmatched_volumes == (("search", "pricing"),)
    assert 'label="upgrade\\n50"' in diagram.source


@pytest.mark.parametrize(
    ("direction", "expected"), [("TB", "TB"), ("rl", "RL"), ("sideways", "LR")]
)
def test_direction(direction: str, expected: str) -> None:
    journey_map = JourneyMap(
        id="d",
        title="D",
        persona=None,
        stages=(Stage("A"),),
        diagram=DiagramOptions(direction=direction),
    )
    assert f"rankdir={expected}," in build_dot(journey_map).source


def test_description_reads_the_flow_in_order() -> None:
    diagram = build_dot(trial_map(flow=LOOP_FLOW))
    assert diagram.description.startswith(
        "Awareness: Google search (Organic Search) -> Awareness: Banner ad (Display) -> "
        "Consideration: Pricing page (Web); Consideration -> Decision -> Retention; "
        "Retention: Welcome email (Email) -> Retention: Newsletter (Email); "
        "Retention -> Consideration; Retention -> Advocacy. "
        "Touchpoints within the stages: Advocacy: Review site (G2)."
    )
    stage_by_stage = build_dot(trial_map()).description
    assert stage_by_stage.startswith(
        "Awareness -> Consideration -> Decision -> Retention -> Advocacy. Touchpoints within "
        "the stages: Awareness: Google search (Organic Search), Banner ad (Display); "
    )
    assert "Pain points: Consideration: Prices are unclear; Consideration: Too many plans." in (
        diagram.description
    )


def test_empty_map_builds() -> None:
    diagram = build_dot(make_map(()))
    assert diagram.nodes == ()
    assert diagram.edges == ()
    assert diagram.description == "No stages."


def test_node_ids_never_come_from_author_text() -> None:
    hostile = make_map(
        (Stage('a" -> "b', touchpoints=(Touchpoint('x"];y', "n0 -> n1", "e0"),)),),
        flow=(FlowEdge('x"];y', 'x"];y'),),
    )
    source = build_dot(hostile).source
    statements = re.findall(r"^\s+(\S+) (?:->|\[)", source, re.MULTILINE)
    names = [name for name in statements if name not in ("graph", "node", "edge")]
    assert names == ["n0", "n0"]  # the node, then the self-loop the flow asks for
