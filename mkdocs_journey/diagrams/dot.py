"""Turn a journey map into Graphviz DOT text.

Graphviz is fed only text we generate: node, edge and cluster ids are counters (``n0``, ``e0``,
``c0``) and every author string goes through :func:`dot_escape` inside a double-quoted label.
That is what makes a label unable to add attributes, nodes or edges, whatever the author types.
Tooltips never go through Graphviz at all: they are returned in :attr:`FlowDiagram.tooltips`
and written into the SVG's ``<title>`` elements afterwards, so they stay complete and literal.

Colours are deliberately absent from the DOT: stages, touchpoints and edges carry CSS classes
(``journey-*``) and the site's stylesheet decides the colours, so one SVG reads well on both the
light and the dark palette.

Fonts are the one thing the DOT and the stylesheet must agree on. Graphviz sizes every box from
its own measure of the label, but the browser draws the text with the stylesheet's font, so
``journey-diagrams.css`` uses the same metric-compatible family (:data:`FONT_FAMILY`), the same
sizes and the same weights (stage names bold) as below; a test keeps the two in step.
"""

from __future__ import annotations

import itertools
import math
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mkdocs_journey.model import FlowEdge, JourneyMap, PainPoint, Stage, Touchpoint

#: Labels longer than this are cut with an ellipsis; tooltips keep the full text.
LABEL_LIMIT = 60
#: Edge labels sit between nodes, where space is tighter.
EDGE_LABEL_LIMIT = 40
#: Characters per line before a label wraps.
WRAP_WIDTH = 24
ELLIPSIS = "…"
PAIN_MARKER = "⚠"
DIRECTIONS = ("LR", "TB", "RL", "BT")
LAYOUTS = ("stages", "chain")
#: Rank directions whose ranks run left to right: there, Graphviz puts the tail of an edge
#: inside a rank *below* its head, so a stage's steps are written head first to read downwards.
_UPWARD_IN_RANK = ("LR", "RL")
#: Helvetica and its metric-compatible clones (same advance widths), so that the boxes Graphviz
#: sizes fit the text the browser draws: Helvetica on macOS, Arial on Windows, Liberation Sans,
#: Arimo or Nimbus Sans on Linux. The stylesheet lists the same families in the same order.
FONT_FAMILY = ("Helvetica", "Arial", "Liberation Sans", "Arimo", "Nimbus Sans", "sans-serif")
#: Font sizes in points; the SVG's user unit is the point, so the stylesheet gives them in px.
STAGE_FONT_SIZE = 13
TOUCHPOINT_FONT_SIZE = 11
FLOW_FONT_SIZE = 10
#: Space in points between a stage's border and the touchpoints inside it. Set on each cluster:
#: clusters would otherwise inherit the graph's ``margin=0`` and draw nodes on their border.
STAGE_MARGIN = 10
FLOW_ARROW = " -> "

_EMOTION_CLASS = {-2: "neg2", -1: "neg1", 0: "neutral", 1: "pos1", 2: "pos2"}

# Characters that Graphviz reads specially inside a quoted label, as DOT escapes: backslash
# starts \n, \N, \G...; the quote ends the string; & starts an HTML entity. The record-shape
# characters {}|<> are harmless with our box shapes, but are encoded anyway so that a later
# switch to record nodes cannot turn an author's text into fields or ports.
_DOT_REPLACEMENTS = {
    "\\": "\\\\",
    '"': '\\"',
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
}
# Characters that must not end a truncated label: they would dangle off a cut emoji or accent.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def clean_text(text: str) -> str:
    """Author text as one line of printable characters.

    Control characters (and the two code points XML forbids) would make Graphviz's SVG
    unparseable; line breaks are our decision (wrapping), not the author's.
    """
    if text.isprintable():
        # The common case, checked in C: no controls, no separators other than the space.
        return " ".join(text.split())
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\t\n\r\v\f\x85\u2028\u2029" or category == "Zs":
            kept.append(" ")
        elif category in ("Cc", "Cs") or char in "\ufffe\uffff":
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def truncate(text: str, limit: int) -> str:
    """Cut text to at most ``limit`` characters, ending with an ellipsis when cut."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    while cut and (cut[-1] in _JOINERS or unicodedata.combining(cut[-1]) or cut[-1] == " "):
        cut = cut[:-1]
    return cut + ELLIPSIS


def dot_escape(text: str, *, limit: int | None = None) -> str:
    """The inside of a DOT double-quoted string that Graphviz shows exactly as ``text``.

    The one escape function for author text: cleaned to one printable line, cut to ``limit``
    characters (an ellipsis marks the cut), then every character Graphviz would interpret is
    encoded. The result contains no unescaped quote, so it cannot close the string it sits in.
    """
    line = clean_text(text)
    if limit is not None:
        line = truncate(line, limit)
    return "".join(_DOT_REPLACEMENTS.get(char, char) for char in line)


def dot_label(lines: Sequence[str], *, limit: int = LABEL_LIMIT, wrap: int = WRAP_WIDTH) -> str:
    """A quoted DOT label: each line escaped, cut and wrapped, joined by Graphviz line breaks."""
    rows: list[str] = []
    for line in lines:
        text = truncate(clean_text(line), limit) if line else ""
        if not text:
            continue
        for row in textwrap.wrap(text, width=wrap, break_on_hyphens=False) or [text]:
            rows.append(dot_escape(row))
    return '"' + "\\n".join(rows) + '"'


def emotion_class(stage: Stage) -> str:
    """The CSS class for a stage's emotion score, clamped to the -2..+2 scale."""
    if stage.emotion is None:
        return "journey-emotion-none"
    score = max(-2, min(2, stage.emotion.score))
    return f"journey-emotion-{_EMOTION_CLASS[score]}"


@dataclass(frozen=True)
class DiagramNode:
    """One box in the diagram: a touchpoint, or the stand-in of a stage without touchpoints."""

    id: str
    stage_index: int
    order: int  # position in stage order, used to tell forward steps from loop-backs
    text: str  # how the node reads in the text description
    touchpoint: Touchpoint | None = None


@dataclass(frozen=True)
class DiagramEdge:
    id: str
    source: str  # node ids
    target: str
    label: str = ""
    loop_back: bool = False
    volume: int | None = None


@dataclass(frozen=True)
class FlowDiagram:
    """The DOT text of one map plus what the SVG post-processing needs to finish it."""

    source: str
    title: str
    description: str
    clusters: tuple[str, ...]  # cluster ids in stage order
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    tooltips: Mapping[str, str] = field(default_factory=dict)  # DOT id -> full text
    unresolved: tuple[FlowEdge, ...] = ()  # flow edges naming no touchpoint or stage
    unmatched_volumes: tuple[tuple[str, str], ...] = ()  # observed steps the map does not draw


def _touchpoint_text(touchpoint: Touchpoint) -> str:
    name = clean_text(touchpoint.name) or clean_text(touchpoint.id)
    channel = clean_text(touchpoint.channel)
    return f"{name} ({channel})" if channel else name


def _pain_text(pain: PainPoint) -> str:
    return f"{clean_text(pain.text)} (severity {pain.severity})"


class _Builder:
    """Collects nodes, edges and DOT lines for one map; used once by :func:`build_dot`."""

    def __init__(self, journey_map: JourneyMap, *, one_rank_per_stage: bool) -> None:
        self.map = journey_map
        self.one_rank_per_stage = one_rank_per_stage
        self.nodes: list[DiagramNode] = []
        self.stage_nodes: list[list[DiagramNode]] = []
        self.touchpoint_nodes: dict[str, DiagramNode] = {}
        self.stage_index: dict[str, int] = {}
        self.tooltips: dict[str, str] = {}
        self.lines: list[str] = []

    def _pains_by_touchpoint(
        self, stage: Stage
    ) -> tuple[dict[str, list[PainPoint]], list[PainPoint]]:
        own_ids = {tp.id for tp in stage.touchpoints}
        on_touchpoint: dict[str, list[PainPoint]] = {}
        on_stage: list[PainPoint] = []
        for pain in stage.pain_points:
            if pain.touchpoint is not None and pain.touchpoint in own_ids:
                on_touchpoint.setdefault(pain.touchpoint, []).append(pain)
            else:
                on_stage.append(pain)
        return on_touchpoint, on_stage

    def add_stages(self) -> list[str]:
        cluster_ids = []
        for index, stage in enumerate(self.map.stages):
            self.stage_index.setdefault(stage.name, index)
            cluster_id = f"c{index}"
            cluster_ids.append(cluster_id)
            on_touchpoint, on_stage = self._pains_by_touchpoint(stage)
            classes = ["journey-stage", emotion_class(stage)]
            title = clean_text(stage.name)
            if stage.emotion is not None:
                mood = clean_text(stage.emotion.label)
                score = f"{stage.emotion.score:+d}" if stage.emotion.score else "0"
                title_line = f"{title} · {mood} ({score})" if mood else f"{title} ({score})"
            else:
                title_line = title
            lines = [title_line]
            if on_stage:
                classes.append("journey-pain")
                lines.append(f"{PAIN_MARKER} {len(on_stage)}")
            tooltip = [title_line]
            if stage.goal:
                tooltip.append(f"Goal: {clean_text(stage.goal)}")
            if stage.emotion is not None and stage.emotion.thoughts:
                tooltip.append(
                    "Thoughts: " + "; ".join(clean_text(t) for t in stage.emotion.thoughts)
                )
            tooltip.extend(f"{PAIN_MARKER} {_pain_text(pain)}" for pain in on_stage)
            self.tooltips[cluster_id] = "\n".join(tooltip)
            self.lines.append(f"  subgraph cluster_{index} {{")
            label = dot_label(lines, wrap=32)
            self.lines.append(
                f'    id="{cluster_id}"; class="{" ".join(classes)}"; margin={STAGE_MARGIN}; '
                f"label={label};"
            )
            nodes = self._add_nodes(index, stage, on_touchpoint)
            self.stage_nodes.append(nodes)
            if self.one_rank_per_stage:
                self.lines.append(f"    {{ rank=same; {'; '.join(node.id for node in nodes)}; }}")
            self.lines.append("  }")
        return cluster_ids

    def _add_nodes(
        self, index: int, stage: Stage, pains: dict[str, list[PainPoint]]
    ) -> list[DiagramNode]:
        added: list[DiagramNode] = []
        if not stage.touchpoints:
            node = DiagramNode(
                f"n{len(self.nodes)}", index, len(self.nodes), clean_text(stage.name)
            )
            self.nodes.append(node)
            added.append(node)
            self.tooltips[node.id] = f"{clean_text(stage.name)}: no touchpoints"
            self.lines.append(
                f'    {node.id} [id="{node.id}", class="journey-stage-node", label=" ", width=0.4];'
            )
            return added
        for touchpoint in stage.touchpoints:
            node = DiagramNode(
                f"n{len(self.nodes)}",
                index,
                len(self.nodes),
                f"{clean_text(stage.name)}: {_touchpoint_text(touchpoint)}",
                touchpoint,
            )
            self.nodes.append(node)
            added.append(node)
            self.touchpoint_nodes.setdefault(touchpoint.id, node)
            classes = ["journey-touchpoint"]
            lines = [clean_text(touchpoint.name) or touchpoint.id, touchpoint.channel]
            tooltip = [_touchpoint_text(touchpoint)]
            tooltip.extend(f"Action: {clean_text(action)}" for action in touchpoint.actions)
            felt = pains.get(touchpoint.id, [])
            if felt:
                classes.append("journey-pain")
                lines.append(f"{PAIN_MARKER} {len(felt)}")
                tooltip.extend(f"{PAIN_MARKER} {_pain_text(pain)}" for pain in felt)
            self.tooltips[node.id] = "\n".join(tooltip)
            label = dot_label(lines)
            self.lines.append(
                f'    {node.id} [id="{node.id}", class="{" ".join(classes)}", label={label}];'
            )
        return added

    def resolve(self, name: str, *, as_source: bool) -> DiagramNode | None:
        """A flow endpoint: a touchpoint id first, else a stage name (its last or first node)."""
        if name in self.touchpoint_nodes:
            return self.touchpoint_nodes[name]
        if name in self.stage_index:
            nodes = self.stage_nodes[self.stage_index[name]]
            return nodes[-1] if as_source else nodes[0]
        return None

    def flow(self) -> tuple[list[tuple[DiagramNode, DiagramNode, str]], list[FlowEdge]]:
        steps: list[tuple[DiagramNode, DiagramNode, str]] = []
        unresolved: list[FlowEdge] = []
        if not self.map.flow:
            steps = [(a, b, "") for a, b in zip(self.nodes, self.nodes[1:], strict=False)]
            return steps, unresolved
        for edge in self.map.flow:
            source = self.resolve(edge.source, as_source=True)
            target = self.resolve(edge.target, as_source=False)
            if source is None or target is None:
                unresolved.append(edge)
            else:
                steps.append((source, target, edge.label))
        return steps, unresolved


def _penwidth(volume: int, largest: int) -> str:
    # Square root so that a step with a quarter of the traffic still looks half as wide.
    return f"{1 + 5 * math.sqrt(volume / largest):.2f}" if largest > 0 else "1"


def build_dot(
    journey_map: JourneyMap, *, edge_volumes: Mapping[tuple[str, str], int] | None = None
) -> FlowDiagram:
    """Build the DOT text of a map's flow diagram.

    ``edge_volumes`` maps a step (touchpoint ids or stage names, as in a map's ``flow``) to how
    often it was observed; matching edges get a width and a count. Flow edges and volumes that
    name nothing in the map are returned, not raised, so the caller can report where they are.
    """
    direction = journey_map.diagram.direction.upper()
    if direction not in DIRECTIONS:
        direction = "LR"
    by_stage = journey_map.diagram.layout != "chain"
    builder = _Builder(journey_map, one_rank_per_stage=by_stage)
    family = ",".join(FONT_FAMILY)
    header = [
        "digraph journey {",
        # The graph's font is the stage (cluster) labels' font; the stylesheet sets them in bold,
        # so Graphviz must measure them in bold too or long stage names overrun their border.
        f'  graph [rankdir={direction}, charset="UTF-8", fontname="{family} Bold", '
        f'fontsize={STAGE_FONT_SIZE}, nodesep=0.25, ranksep=0.45, style="rounded", margin=0];',
        f'  node [shape=box, style="rounded", fontname="{family}", '
        f'fontsize={TOUCHPOINT_FONT_SIZE}, margin="0.14,0.07", height=0.4];',
        f'  edge [fontname="{family}", fontsize={FLOW_FONT_SIZE}, arrowsize=0.7];',
    ]
    clusters = builder.add_stages()
    steps, unresolved = builder.flow()

    volumes: dict[tuple[str, str], int] = {}
    unmatched: list[tuple[str, str]] = []
    for (source_name, target_name), count in (edge_volumes or {}).items():
        source = builder.resolve(source_name, as_source=True)
        target = builder.resolve(target_name, as_source=False)
        pair = (source.id, target.id) if source and target else None
        if pair is None or not any((a.id, b.id) == pair for a, b, _ in steps):
            unmatched.append((source_name, target_name))
        else:
            volumes[pair] = volumes.get(pair, 0) + int(count)
    largest = max(volumes.values(), default=0)

    edges: list[DiagramEdge] = []
    edge_lines: list[str] = []
    drawn: set[tuple[str, str]] = set()  # (tail, head) as written in the DOT
    for source, target, label in steps:
        edge = DiagramEdge(
            id=f"e{len(edges)}",
            source=source.id,
            target=target.id,
            label=clean_text(label),
            loop_back=target.order <= source.order,
            volume=volumes.pop((source.id, target.id), None),
        )
        edges.append(edge)
        classes = ["journey-flow"]
        attributes = [f'id="{edge.id}"']
        if edge.loop_back:
            # A step back to an earlier stage must not pull that stage to the right: it is
            # drawn, but takes no part in ranking (this also keeps old Graphviz from losing it).
            classes.append("journey-flow-back")
            attributes.append("constraint=false")
        label_lines = [label] if label else []
        tooltip = f"{source.text} → {target.text}"
        if edge.label:
            tooltip += f": {edge.label}"
        if edge.volume is not None:
            classes.append("journey-flow-observed")
            label_lines.append(f"{edge.volume:,}")
            attributes.append(f"penwidth={_penwidth(edge.volume, largest)}")
            tooltip += f" (observed {edge.volume:,} times)"
        if label_lines:
            attributes.append(f"label={dot_label(label_lines, limit=EDGE_LABEL_LIMIT)}")
        tail, head = source.id, target.id
        if by_stage and source.stage_index != target.stage_index:
            # Steps between stages do not pull the stage columns out of line (no staircase):
            # the ordering edges below align every stage's first touchpoint instead.
            attributes.append("weight=0")
        elif by_stage and direction in _UPWARD_IN_RANK and not edge.loop_back:
            tail, head = head, tail
            attributes.append("dir=back")
        attributes.insert(1, f'class="{" ".join(classes)}"')
        builder.tooltips[edge.id] = tooltip
        edge_lines.append(f"  {tail} -> {head} [{', '.join(attributes)}];")
        drawn.add((tail, head))

    if by_stage:
        # Each stage is one rank; invisible edges between the stages' first touchpoints keep
        # the stages in order and their first touchpoints level, and invisible edges inside a
        # stage keep its touchpoints in the map's order, as in the stage table, whatever the
        # flow connects. The SVG never shows them.
        order_edges: list[tuple[str, str, str]] = []
        for before, after in itertools.pairwise(builder.stage_nodes):
            order_edges.append((before[0].id, after[0].id, "weight=10"))
        upward = direction in _UPWARD_IN_RANK
        for nodes in builder.stage_nodes:
            for first, second in itertools.pairwise(nodes):
                pair = (second.id, first.id) if upward else (first.id, second.id)
                # A second, invisible edge beside a drawn one would bend the drawn arrow.
                if pair not in drawn:
                    order_edges.append((*pair, "weight=1"))
        for index, (tail, head, weight) in enumerate(order_edges):
            edge_lines.append(
                f'  {tail} -> {head} [id="o{index}", class="journey-order", style=invis, {weight}];'
            )
    elif journey_map.flow:
        # An authored flow may skip stages or start anywhere; invisible edges keep the stage
        # clusters in stage order regardless. The SVG post-processing never sees them.
        for index, (before, after) in enumerate(
            zip(builder.stage_nodes, builder.stage_nodes[1:], strict=False)
        ):
            edge_lines.append(
                f'  {before[-1].id} -> {after[0].id} [id="o{index}", class="journey-order", '
                "style=invis, weight=2];"
            )

    title = clean_text(journey_map.title) or clean_text(journey_map.id)
    return FlowDiagram(
        source="\n".join([*header, *builder.lines, *edge_lines, "}", ""]),
        title=title,
        description=describe_flow(journey_map, builder.nodes, edges),
        clusters=tuple(clusters),
        nodes=tuple(builder.nodes),
        edges=tuple(edges),
        tooltips=builder.tooltips,
        unresolved=tuple(unresolved),
        unmatched_volumes=tuple(unmatched),
    )


def describe_flow(
    journey_map: JourneyMap, nodes: Sequence[DiagramNode], edges: Sequence[DiagramEdge]
) -> str:
    """The flow as a sentence for screen readers: chains of steps, then the pain points."""
    text = {node.id: node.text for node in nodes}
    chains: list[list[str]] = []
    last_target: str | None = None
    for edge in edges:
        if chains and edge.source == last_target:
            chains[-1].append(text[edge.target])
        else:
            chains.append([text[edge.source], text[edge.target]])
        last_target = edge.target
    linked = {node_id for edge in edges for node_id in (edge.source, edge.target)}
    chains.extend([node.text] for node in nodes if node.id not in linked)
    parts = [FLOW_ARROW.join(chain) for chain in chains]
    sentence = "; ".join(parts) + "." if parts else "No stages."
    pains = [
        f"{clean_text(stage.name)}: {clean_text(pain.text)}"
        for stage, pain in journey_map.pain_points()
    ]
    if pains:
        sentence += " Pain points: " + "; ".join(pains) + "."
    return sentence
