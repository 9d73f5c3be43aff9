"""Any text an author may type renders: escape function + real Graphviz, under Hypothesis."""

from __future__ import annotations

import re
import textwrap

from diagram_helpers import make_map, node_groups, parse, texts, visible_edges
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_journey.diagrams import get_renderer, render_flow_diagram
from mkdocs_journey.diagrams.dot import (
    ELLIPSIS,
    LABEL_LIMIT,
    clean_text,
    dot_escape,
    dot_label,
    truncate,
)
from mkdocs_journey.model import FlowEdge, Stage, Touchpoint

RENDERER = get_renderer("pygraphviz")
# Every code point Python can encode, plus the characters DOT and SVG care about most.
author_text = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from([*list('"\\{}|<>&;[]=-\n\r\t#/*'), "\u200d", "️", "🚀"]),
    ),
    max_size=120,
)


@given(author_text)
def test_escape_never_leaves_an_unescaped_quote(text: str) -> None:
    escaped = dot_escape(text)
    assert "\n" not in escaped
    assert "\r" not in escaped
    for match in re.finditer(r'(\\*)"', escaped):
        assert len(match.group(1)) % 2 == 1
    assert (len(escaped) - len(escaped.rstrip("\\"))) % 2 == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=author_text, channel=author_text, stage=author_text, label=author_text)
def test_any_text_renders_as_itself(name: str, channel: str, stage: str, label: str) -> None:
    journey_map = make_map(
        (
            Stage(stage, touchpoints=(Touchpoint("a", name, channel), Touchpoint("b", label))),
            Stage("Next", touchpoints=(Touchpoint("c", "Fixed"),)),
        ),
        flow=(FlowEdge("a", "b", label), FlowEdge("b", "c"), FlowEdge("c", "a", label)),
    )
    result = render_flow_diagram(journey_map, renderer=RENDERER, diagram_id="fuzz")
    assert result.error is None
    root = parse(result.svg or "")
    nodes = node_groups(root)
    assert len(nodes) == 3
    assert len(visible_edges(root)) == 3

    # Graphviz drew exactly the cleaned, cut text (wrapping only moved spaces to line breaks).
    def squash(value: str) -> str:
        return re.sub(r"\s+", "", value)

    expected = squash(truncate(clean_text(name) or "a", LABEL_LIMIT))
    expected += squash(truncate(clean_text(channel), LABEL_LIMIT)) if clean_text(channel) else ""
    assert squash(texts(nodes[0])) == expected
    title = nodes[0].findtext("{http://www.w3.org/2000/svg}title", "")
    assert title.startswith(clean_text(name) or "a")  # tooltips keep the full text
    # ... and are never cut: an ellipsis there is one the author typed (name or channel).
    assert ELLIPSIS not in title or ELLIPSIS in name + channel


@given(st.lists(author_text, max_size=4), st.integers(min_value=1, max_value=40))
def test_labels_wrap_as_textwrap_wraps_them(lines: list[str], wrap: int) -> None:
    # dot_label skips textwrap for a line that fits; textwrap must agree that it is one row.
    rows = []
    for line in lines:
        text = truncate(clean_text(line), LABEL_LIMIT) if line else ""
        if text:
            wrapped = textwrap.wrap(text, width=wrap, break_on_hyphens=False) or [text]
            rows += [dot_escape(row) for row in wrapped]
    assert dot_label(lines, wrap=wrap) == '"' + "\\n".join(rows) + '"'
