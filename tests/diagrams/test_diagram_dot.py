"""The DOT builder and its one escape function, without running Graphviz."""

from __future__ import annotations

import re

import pytest
from diagram_helpers import LOOP_FLOW, make_map, trial_map

from mkdocs_journey.diagrams.dot import (
    ELLIPSIS,
    LABEL_LIMIT,
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


def test_sequential_flow_connects_touchpoints_in_stage_order() -> None:
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
    assert [(e.source, e.target) for e in diagram.edges] == [
        (f"n{i}", f"n{i + 1}") for i in range(6)
    ]
    assert not any(edge.loop_back for edge in diagram.edges)
    # Clusters are written in stage order, each holding its own nodes.
    positions = [diagram.source.index(f"subgraph cluster_{i} {{") for i in range(5)]
    assert positions == sorted(positions)
    # Every stage is one rank; invisible edges level the stages' first touchpoints.
    order = [(a, b) for a, b, attrs in _edges(diagram.source) if "journey-order" in attrs]
    assert order == [("n0", "n2"), ("n2", "n3"), ("n3", "n4"), ("n4", "n6")]
    assert "{ rank=same; n0; n1; }" in diagram.source
    assert "{ rank=same; n4; n5; }" in diagram.source
    chain = build_dot(trial_map(diagram=DiagramOptions(layout="chain"))).source
    assert "journey-order" not in chain  # the real edges already order the stages
    assert "rank=same" not in chain


def test_steps_between_stages_do_not_pull_stages_out_of_line() -> None:
    attrs = {(a, b): attr for a, b, attr in _edges(build_dot(trial_map()).source)}
    assert "weight=0" in attrs[("n1", "n2")]  # Awareness -> Consideration
    assert "weight=0" not in attrs[("n0", "n1")]  # inside Awareness


def test_stage_without_touchpoints_still_gets_a_node() -> None:
    diagram = build_dot(trial_map())
    decision = re.search(r"subgraph cluster_2 \{(.*?)\n  \}", diagram.source, re.DOTALL)
    assert decision is not None
    assert 'class="journey-stage-node"' in decision.group(1)


def test_authored_flow_resolves_stage_names_to_first_and_last_nodes() -> None:
    diagram = build_dot(trial_map(flow=LOOP_FLOW))
    pairs = [(e.source, e.target, e.label, e.loop_back) for e in diagram.edges]
    assert pairs == [
        ("n0", "n1", "", False),
        ("n1", "n2", "", False),
        ("n2", "n3", "", False),  # Consideration (last) -> Decision (its stand-in)
        ("n3", "n4", "", False),  # Decision -> Retention (first)
        ("n4", "n5", "", False),
        ("n5", "n2", "upgrade", True),  # Retention (last) -> Consideration (first)
        ("n5", "n6", "", False),
    ]
    back = [
        attrs
        for source, target, attrs in _edges(diagram.source)
        if (source, target) == ("n5", "n2")
    ]
    assert back
    assert "constraint=false" in back[0]
    assert "journey-flow-back" in back[0]
    # Invisible ordering edges keep the stages in order whatever the authored flow says.
    assert diagram.source.count('class="journey-order"') == 4
    assert diagram.unresolved == ()


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


def test_edge_volumes_add_width_and_counts() -> None:
    volumes = {("search", "ad"): 1200, ("ad", "pricing"): 300, ("pricing", "search"): 5}
    diagram = build_dot(trial_map(), edge_volumes=volumes)
    observed = {(e.source, e.target): e.volume for e in diagram.edges if e.volume is not None}
    assert observed == {("n0", "n1"): 1200, ("n1", "n2"): 300}
    attrs = {(s, t): a for s, t, a in _edges(diagram.source)}
    assert "penwidth=6.00" in attrs[("n0", "n1")]
    assert "penwidth=3.50" in attrs[("n1", "n2")]
    assert 'label="1,200"' in attrs[("n0", "n1")]
    assert "journey-flow-observed" in attrs[("n0", "n1")]
    assert "penwidth" not in attrs[("n2", "n3")]
    assert diagram.unmatched_volumes == (("pricing", "search"),)
    assert "observed 1,200 times" in diagram.tooltips["e0"]


def test_edge_volumes_by_stage_name_and_with_labels() -> None:
    diagram = build_dot(
        trial_map(flow=LOOP_FLOW), edge_volumes={("Retention", "Consideration"): 42}
    )
    back = next(edge for edge in diagram.edges if edge.loop_back)
    assert back.volume == 42
    assert 'label="upgrade\\n42"' in diagram.source


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
        "Consideration: Pricing page (Web) -> Decision -> Retention: Welcome email (Email) -> "
        "Retention: Newsletter (Email) -> Consideration: Pricing page (Web); "
        "Retention: Newsletter (Email) -> Advocacy: Review site (G2)."
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
