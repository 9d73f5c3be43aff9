"""Turn a journey map into Graphviz DOT text.

Graphviz is fed only text we generate: node, edge and cluster ids are counters (``n0``, ``e0``,
``c0``) and every author string goes through :func:`dot_escape` inside a double-quoted label.
That is what makes a label unable to add attributes, nodes or edges, whatever the author types.
Tooltips never go through Graphviz at all: they are returned in :attr:`FlowDiagram.tooltips`
and written into the SVG's ``<title>`` elements afterwards, so they stay complete and literal.

How a map reads as a drawing (``layout: stages``, the default):

- each stage is a cluster, one column (or row) in stage order, as wide as every other stage's;
- a stage's touchpoints are **alternatives**: stacked side by side in the column, never chained;
- a step that names a stage (and every step of a map without ``flow``) runs between the stage
  clusters, border to border, not from one arbitrary touchpoint to another;
- a step that names touchpoints runs between those boxes; a touchpoint of a stage whose own
  touchpoints the flow connects, but which no step reaches, is a **side** touchpoint.

Colours are deliberately absent from the DOT: stages, touchpoints and edges carry CSS classes
(``journey-*``) and the site's stylesheet decides the colours, so one SVG reads well on both the
light and the dark palette.

Fonts are the one thing the DOT and the stylesheet must agree on. Graphviz sizes every box from
its own measure of the label, but the browser draws the text with the stylesheet's font, so
``journey-diagrams.css`` uses the same metric-compatible family (:data:`FONT_FAMILY`), the same
sizes and the same weights (stage names bold) as below; a test keeps the two in step.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mkdocs_journey.model import FlowEdge, JourneyMap, PainPoint, Stage, Touchpoint
from mkdocs_journey.render.numbers import count

#: Labels longer than this are cut with an ellipsis; tooltips keep the full text.
LABEL_LIMIT = 60
#: Edge labels sit between nodes, where space is tighter.
EDGE_LABEL_LIMIT = 40
#: Characters per line before a touchpoint label wraps: the widest a line gets inside
#: :data:`NODE_WIDTH`, so that every touchpoint box (and so every stage column) is as wide.
WRAP_WIDTH = 21
#: Characters per line of a stage's title and of a step's label.
STAGE_WRAP_WIDTH = 19
EDGE_WRAP_WIDTH = 18
#: A step between two touchpoints of one stage has its label beside it, inside the column.
FLAT_EDGE_WRAP_WIDTH = 12
ELLIPSIS = "…"
PAIN_MARKER = "⚠"
MARK_SYMBOL = "★"
DIRECTIONS = ("LR", "TB", "RL", "BT")
#: ``auto`` (the default) draws LR and turns to TB when LR is wider than the page allows
#: (see :func:`mkdocs_journey.diagrams.render_flow_diagram`).
AUTO = "auto"
#: Rank directions whose ranks run left to right: there, Graphviz puts the tail of an edge
#: inside a rank *below* its head, so a stage's steps are written head first to read downwards.
_UPWARD_IN_RANK = ("LR", "RL")
#: Helvetica and its metric-compatible clones (same advance widths), so that the boxes Graphviz
#: sizes fit the text the browser draws: Helvetica on macOS, Arial on Windows, Liberation Sans,
#: Arimo or Nimbus Sans on Linux. The stylesheet lists the same families in the same order.
FONT_FAMILY = ("Helvetica", "Arial", "Liberation Sans", "Arimo", "Nimbus Sans", "sans-serif")
#: Font sizes in points. The finished SVG draws one Graphviz point as one CSS pixel (see
#: svg.py), so these are the sizes in px a reader sees when the drawing is not scaled: at least
#: 12 px, the legibility floor the stylesheet keeps (a drawing never shrinks below its size).
STAGE_FONT_SIZE = 14
TOUCHPOINT_FONT_SIZE = 12
FLOW_FONT_SIZE = 12
#: Every touchpoint box is at least this wide (inches), so stage columns come out equal.
NODE_WIDTH = 1.95
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
_DOT_ESCAPES = str.maketrans(_DOT_REPLACEMENTS)
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
    return line.translate(_DOT_ESCAPES)


def dot_label(lines: Sequence[str], *, limit: int = LABEL_LIMIT, wrap: int = WRAP_WIDTH) -> str:
    """A quoted DOT label: each line escaped, cut and wrapped, joined by Graphviz line breaks."""
    rows: list[str] = []
    for line in lines:
        text = truncate(clean_text(line), limit) if line else ""
        if not text:
            continue
        # A cleaned line (single spaces, none at either end) that fits is its own only row.
        if len(text) <= wrap:
            rows.append(dot_escape(text))
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


_MARK_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Mark:
    """A mark that data puts on a touchpoint, a stage or a step (e.g. a moment of truth).

    ``name`` becomes the CSS class ``journey-mark-<name>`` (lowercase letters, digits and
    hyphens only, so it can never break out of the class attribute); ``label`` is the words a
    reader sees in the tooltip and in the legend.
    """

    name: str
    label: str

    def __post_init__(self) -> None:
        if not _MARK_NAME.fullmatch(self.name):
            raise ValueError(f"a mark's name must be lowercase words joined by '-': {self.name!r}")

    @property
    def css_class(self) -> str:
        return f"journey-mark-{self.name}"


@dataclass(frozen=True)
class DiagramMarks:
    """Marks by what they mark: a touchpoint id or a stage name, or a step ``(from, to)`` named
    as in a map's ``flow`` (a map without ``flow`` has one step per pair of adjacent stages)."""

    nodes: Mapping[str, tuple[Mark, ...]] = field(default_factory=dict)
    steps: Mapping[tuple[str, str], tuple[Mark, ...]] = field(default_factory=dict)

    def key(self) -> tuple[object, ...]:
        """A hashable form, for the caches."""
        return (tuple(sorted(self.nodes.items())), tuple(sorted(self.steps.items())))


@dataclass(frozen=True)
class DiagramNode:
    """One box in the diagram: a touchpoint, or the stand-in of a stage without touchpoints."""

    id: str
    stage_index: int
    order: int  # position in stage order, used to tell forward steps from loop-backs
    text: str  # how the node reads in the text description
    touchpoint: Touchpoint | None = None
    side: bool = False  # a touchpoint the flow passes by (see the module's docstring)
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class DiagramEdge:
    id: str
    source: str  # node ids Graphviz draws the edge between
    target: str
    label: str = ""
    loop_back: bool = False
    volume: int | None = None
    #: The stage index when an end is a whole stage: the edge stops at the stage's border.
    source_stage: int | None = None
    target_stage: int | None = None
    #: The map has observed steps, and none of them is this one: a declared step without data.
    unobserved: bool = False
    marks: tuple[Mark, ...] = ()


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
    direction: str = "LR"
    stage_marks: tuple[tuple[Mark, ...], ...] = ()  # per stage, in stage order


def _touchpoint_text(touchpoint: Touchpoint) -> str:
    name = clean_text(touchpoint.name) or clean_text(touchpoint.id)
    channel = clean_text(touchpoint.channel)
    return f"{name} ({channel})" if channel else name


def _pain_text(pain: PainPoint) -> str:
    return f"{clean_text(pain.text)} (severity {pain.severity})"


def _mark_classes(marks: Sequence[Mark]) -> list[str]:
    return ["journey-marked", *(mark.css_class for mark in marks)] if marks else []


def _mark_lines(marks: Sequence[Mark]) -> list[str]:
    return [f"{MARK_SYMBOL} {clean_text(mark.label)}" for mark in marks]


@dataclass(frozen=True)
class _End:
    """One end of a step: the node Graphviz draws it at, and the stage when it is a whole stage."""

    node: DiagramNode
    stage: int | None = None

    @property
    def stage_index(self) -> int:
        return self.node.stage_index if self.stage is None else self.stage


@dataclass(frozen=True)
class _Step:
    source: _End
    target: _End
    label: str
    names: tuple[str, str]  # as the author (or the default flow) named the ends


class _Builder:
    """Collects nodes, edges and DOT lines for one map; used once by :func:`build_dot`."""

    def __init__(self, journey_map: JourneyMap, *, by_stage: bool, marks: DiagramMarks) -> None:
        self.map = journey_map
        self.by_stage = by_stage
        self.marks = marks
        self.nodes: list[DiagramNode] = []
        self.stage_nodes: list[list[DiagramNode]] = []
        self.touchpoint_nodes: dict[str, DiagramNode] = {}
        self.stage_index: dict[str, int] = {}
        self.tooltips: dict[str, str] = {}

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

    def add_stages(self) -> None:
        """Every stage's nodes, so that the flow can be resolved before any DOT is written."""
        for index, stage in enumerate(self.map.stages):
            self.stage_index.setdefault(stage.name, index)
            self.stage_nodes.append(self._add_nodes(index, stage))

    def _add_nodes(self, index: int, stage: Stage) -> list[DiagramNode]:
        added: list[DiagramNode] = []
        if not stage.touchpoints:
            node = DiagramNode(
                f"n{len(self.nodes)}", index, len(self.nodes), clean_text(stage.name)
            )
            self.nodes.append(node)
            return [node]
        for touchpoint in stage.touchpoints:
            node = DiagramNode(
                f"n{len(self.nodes)}",
                index,
                len(self.nodes),
                f"{clean_text(stage.name)}: {_touchpoint_text(touchpoint)}",
                touchpoint,
                marks=tuple(self.marks.nodes.get(touchpoint.id, ())),
            )
            self.nodes.append(node)
            added.append(node)
            self.touchpoint_nodes.setdefault(touchpoint.id, node)
        return added

    def write_stages(self) -> list[str]:
        """The DOT lines of every stage cluster and its nodes (with their final side flags)."""
        lines: list[str] = []
        for index, stage in enumerate(self.map.stages):
            on_touchpoint, on_stage = self._pains_by_touchpoint(stage)
            marks = tuple(self.marks.nodes.get(stage.name, ()))
            classes = ["journey-stage", emotion_class(stage)]
            title = clean_text(stage.name)
            mood_line = ""
            if stage.emotion is not None:
                mood = clean_text(stage.emotion.label)
                score = f"{stage.emotion.score:+d}" if stage.emotion.score else "0"
                mood_line = f"{mood} ({score})" if mood else f"({score})"
            if on_stage:
                classes.append("journey-pain")
                pain = f"{PAIN_MARKER} {len(on_stage)}"
                mood_line = f"{mood_line} · {pain}" if mood_line else pain
            classes.extend(_mark_classes(marks))
            title_line = f"{title} · {mood_line}" if mood_line else title
            tooltip = [title_line]
            if stage.goal:
                tooltip.append(f"Goal: {clean_text(stage.goal)}")
            if stage.emotion is not None and stage.emotion.thoughts:
                tooltip.append(
                    "Thoughts: " + "; ".join(clean_text(t) for t in stage.emotion.thoughts)
                )
            tooltip.extend(f"{PAIN_MARKER} {_pain_text(pain)}" for pain in on_stage)
            tooltip.extend(_mark_lines(marks))
            cluster_id = f"c{index}"
            self.tooltips[cluster_id] = "\n".join(tooltip)
            label = dot_label([title, mood_line, *_mark_lines(marks)], wrap=STAGE_WRAP_WIDTH)
            lines.append(f"  subgraph cluster_{index} {{")
            lines.append(
                f'    id="{cluster_id}"; class="{" ".join(classes)}"; margin={STAGE_MARGIN}; '
                f"label={label};"
            )
            nodes = self.stage_nodes[index]
            for node in nodes:
                lines.append(self._node_line(stage, node, on_touchpoint))
            if self.by_stage:
                lines.append(f"    {{ rank=same; {'; '.join(node.id for node in nodes)}; }}")
            lines.append("  }")
        return lines

    def _node_line(self, stage: Stage, node: DiagramNode, pains: dict[str, list[PainPoint]]) -> str:
        touchpoint = node.touchpoint
        if touchpoint is None:
            self.tooltips[node.id] = f"{clean_text(stage.name)}: no touchpoints"
            return (
                f'    {node.id} [id="{node.id}", class="journey-stage-node", '
                f'label="no touchpoints", width={NODE_WIDTH}];'
            )
        classes = ["journey-touchpoint"]
        if node.side:
            classes.append("journey-touchpoint-side")
        lines = [clean_text(touchpoint.name) or touchpoint.id, touchpoint.channel]
        tooltip = [_touchpoint_text(touchpoint)]
        if node.side:
            tooltip.append("Off the main flow of the map")
        tooltip.extend(f"Action: {clean_text(action)}" for action in touchpoint.actions)
        felt = pains.get(touchpoint.id, [])
        if felt:
            classes.append("journey-pain")
            lines.append(f"{PAIN_MARKER} {len(felt)}")
            tooltip.extend(f"{PAIN_MARKER} {_pain_text(pain)}" for pain in felt)
        classes.extend(_mark_classes(node.marks))
        lines.extend(_mark_lines(node.marks))
        tooltip.extend(_mark_lines(node.marks))
        self.tooltips[node.id] = "\n".join(tooltip)
        return (
            f'    {node.id} [id="{node.id}", class="{" ".join(classes)}", '
            f"label={dot_label(lines)}, width={NODE_WIDTH}];"
        )

    def resolve(self, name: str, *, as_source: bool) -> _End | None:
        """A flow endpoint: a touchpoint id first, else a stage name (the whole stage)."""
        if name in self.touchpoint_nodes:
            return _End(self.touchpoint_nodes[name])
        if name in self.stage_index:
            index = self.stage_index[name]
            nodes = self.stage_nodes[index]
            # Graphviz needs a node to draw from: the first one (the top row, where every
            # stage's first touchpoint is level) in stage columns; the last and the first in a
            # chain, where the stages follow each other.
            node = nodes[-1] if as_source and not self.by_stage else nodes[0]
            return _End(node, index)
        return None

    def steps(self) -> tuple[list[_Step], list[FlowEdge]]:
        steps: list[_Step] = []
        unresolved: list[FlowEdge] = []
        if not self.map.flow:
            if self.by_stage:
                # Without a flow, the journey goes stage by stage; a stage's touchpoints are
                # alternatives, so no step runs between them.
                for before, after in itertools.pairwise(range(len(self.map.stages))):
                    names = (self.map.stages[before].name, self.map.stages[after].name)
                    steps.append(
                        _Step(
                            _End(self.stage_nodes[before][0], before),
                            _End(self.stage_nodes[after][0], after),
                            "",
                            names,
                        )
                    )
            else:
                for a, b in itertools.pairwise(self.nodes):
                    names = (_name_of(a), _name_of(b))
                    steps.append(_Step(_End(a), _End(b), "", names))
            return steps, unresolved
        for edge in self.map.flow:
            source = self.resolve(edge.source, as_source=True)
            target = self.resolve(edge.target, as_source=False)
            if source is None or target is None:
                unresolved.append(edge)
            else:
                steps.append(_Step(source, target, edge.label, (edge.source, edge.target)))
        return steps, unresolved

    def mark_side_touchpoints(self, steps: Sequence[_Step]) -> None:
        """Flag the touchpoints the flow passes by (rule in the module's docstring)."""
        ends = [end for step in steps for end in (step.source, step.target)]
        exact = {end.node.id for end in ends if end.stage is None}
        stages_reached = {end.stage for end in ends if end.stage is not None}
        for index, nodes in enumerate(self.stage_nodes):
            connected = any(node.id in exact for node in nodes)
            for position, node in enumerate(nodes):
                if node.touchpoint is None or node.id in exact:
                    continue
                if connected or index not in stages_reached:
                    side = dataclasses.replace(node, side=True)
                    nodes[position] = side
                    self.nodes[node.order] = side
                    if self.touchpoint_nodes.get(node.touchpoint.id) is node:
                        self.touchpoint_nodes[node.touchpoint.id] = side


def _name_of(node: DiagramNode) -> str:
    return node.touchpoint.id if node.touchpoint is not None else node.text


def _penwidth(volume: int, largest: int) -> str:
    # Square root so that a step with a quarter of the traffic still looks half as wide.
    return f"{1.5 + 4.5 * math.sqrt(volume / largest):.2f}" if largest > 0 else "1.5"


def _assign_volumes(
    builder: _Builder, steps: Sequence[_Step], edge_volumes: Mapping[tuple[str, str], int]
) -> tuple[dict[int, int], list[tuple[str, str]]]:
    """Each observed step counted on the most specific drawn step it belongs to.

    A step between two touchpoints first, then between a touchpoint and the other's stage, then
    between their stages. A move between two touchpoints of one stage (alternatives) that no
    step draws is left out; any other observed step no drawn step covers is returned.
    """

    def ends(name: str) -> tuple[str | None, int | None]:
        node = builder.touchpoint_nodes.get(name)
        if node is not None:
            return node.id, node.stage_index
        return None, builder.stage_index.get(name)

    def key(end: _End) -> tuple[str | None, int]:
        return (None if end.stage is not None else end.node.id), end.stage_index

    index: dict[tuple[str | None, int, str | None, int], int] = {}
    for number, step in enumerate(steps):
        index.setdefault((*key(step.source), *key(step.target)), number)
    found: dict[int, int] = {}
    unmatched: list[tuple[str, str]] = []
    for (source_name, target_name), times in edge_volumes.items():
        source, source_stage = ends(source_name)
        target, target_stage = ends(target_name)
        if source_stage is None or target_stage is None:
            unmatched.append((source_name, target_name))
            continue
        candidates = [
            (source, source_stage, target, target_stage),
            (source, source_stage, None, target_stage),
            (None, source_stage, target, target_stage),
            (None, source_stage, None, target_stage),
        ]
        drawn = next(
            (index[c] for c in candidates if c in index and (c[0] or c[2] or c[1] != c[3])),
            None,
        )
        if drawn is not None:
            found[drawn] = found.get(drawn, 0) + int(times)
        elif source_stage != target_stage or source is None or target is None:
            unmatched.append((source_name, target_name))
    return found, unmatched


def build_dot(
    journey_map: JourneyMap,
    *,
    edge_volumes: Mapping[tuple[str, str], int] | None = None,
    marks: DiagramMarks | None = None,
    direction: str | None = None,
) -> FlowDiagram:
    """Build the DOT text of a map's flow diagram.

    ``edge_volumes`` maps a step (touchpoint ids or stage names, as in a map's ``flow``) to how
    often it was observed; drawn steps get a width and a count (see :func:`_assign_volumes`).
    ``marks`` puts data's marks on touchpoints, stages and steps. ``direction`` overrides the
    map's own (``auto`` reads as LR here). Flow edges and volumes that name nothing in the map
    are returned, not raised, so the caller can report where they are.
    """
    direction = (direction or journey_map.diagram.direction).upper()
    if direction not in DIRECTIONS:
        direction = "LR"
    marks = marks or DiagramMarks()
    by_stage = journey_map.diagram.layout != "chain"
    builder = _Builder(journey_map, by_stage=by_stage, marks=marks)
    family = ",".join(FONT_FAMILY)
    header = [
        "digraph journey {",
        # The graph's font is the stage (cluster) labels' font; the stylesheet sets them in bold,
        # so Graphviz must measure them in bold too or long stage names overrun their border.
        # compound=true lets a step stop at a stage's border (lhead, ltail).
        f'  graph [rankdir={direction}, charset="UTF-8", fontname="{family} Bold", '
        f'fontsize={STAGE_FONT_SIZE}, nodesep=0.22, ranksep=0.55, style="rounded", margin=0, '
        "compound=true];",
        f'  node [shape=box, style="rounded", fontname="{family}", '
        f'fontsize={TOUCHPOINT_FONT_SIZE}, margin="0.1,0.06", height=0.4];',
        f'  edge [fontname="{family}", fontsize={FLOW_FONT_SIZE}, arrowsize=0.8];',
    ]
    builder.add_stages()
    steps, unresolved = builder.steps()
    builder.mark_side_touchpoints(steps)
    stage_lines = builder.write_stages()

    observed = bool(edge_volumes)
    volumes, unmatched = _assign_volumes(builder, steps, edge_volumes or {})
    largest = max(volumes.values(), default=0)

    order_edges = _order_edges(builder, by_stage=by_stage, direction=direction)
    upward = direction in _UPWARD_IN_RANK
    edges: list[DiagramEdge] = []
    edge_lines: list[str] = []
    for number, step in enumerate(steps):
        source, target = step.source, step.target
        crossing = source.stage_index != target.stage_index
        loop_back = (
            target.stage_index < source.stage_index
            if crossing
            else target.node.order <= source.node.order
        )
        edge = DiagramEdge(
            id=f"e{len(edges)}",
            source=source.node.id,
            target=target.node.id,
            label=clean_text(step.label),
            loop_back=loop_back,
            volume=volumes.get(number),
            source_stage=source.stage,
            target_stage=target.stage,
            unobserved=observed and number not in volumes,
            marks=tuple(marks.steps.get(step.names, ())),
        )
        edges.append(edge)
        classes = ["journey-flow"]
        attributes = [f'id="{edge.id}"']
        tail, head = source.node.id, target.node.id
        if crossing and source.stage is not None:
            attributes.append(f"ltail=cluster_{source.stage}")
        if crossing and target.stage is not None:
            attributes.append(f"lhead=cluster_{target.stage}")
        if edge.loop_back:
            # A step back to an earlier stage must not pull that stage to the right: it is
            # drawn, but takes no part in ranking (this also keeps old Graphviz from losing it).
            classes.append("journey-flow-back")
            attributes.append("constraint=false")
        elif by_stage and crossing:
            # Steps between stages do not pull the stage columns out of line (no staircase):
            # the ordering edges align every stage's first touchpoint instead. A step between
            # two first touchpoints takes the place (and the weight) of their ordering edge.
            attributes.append(f"weight={order_edges.pop((tail, head), 0)}")
        elif by_stage and upward:
            tail, head = head, tail
            attributes.append("dir=back")
            order_edges.pop((tail, head), None)  # a second edge beside it would bend it
        elif by_stage:
            order_edges.pop((tail, head), None)
        label_lines = [step.label] if step.label else []
        tooltip = f"{_end_text(builder, source)} → {_end_text(builder, target)}"
        if edge.label:
            tooltip += f": {edge.label}"
        if edge.volume is not None:
            classes.append("journey-flow-observed")
            label_lines.append(count(edge.volume))
            attributes.append(f"penwidth={_penwidth(edge.volume, largest)}")
            tooltip += f" (observed {count(edge.volume)} times)"
        elif edge.unobserved:
            classes.append("journey-flow-unobserved")
            tooltip += " (declared; not seen in the data)"
        classes.extend(_mark_classes(edge.marks))
        if edge.marks:
            # A step's moments are one star on its line: their words would widen the gap between
            # two stage columns (and turn a long map top to bottom); the words are in the
            # tooltip, on the curve lane below and in the "at a glance" block.
            label_lines.append(MARK_SYMBOL)
        if edge.marks:
            tooltip += "".join(f"\n{line}" for line in _mark_lines(edge.marks))
        if label_lines:
            wrap = EDGE_WRAP_WIDTH if crossing or not by_stage else FLAT_EDGE_WRAP_WIDTH
            label = dot_label(label_lines, limit=EDGE_LABEL_LIMIT, wrap=wrap)
            attributes.append(f"label={label}")
        attributes.insert(1, f'class="{" ".join(classes)}"')
        builder.tooltips[edge.id] = tooltip
        edge_lines.append(f"  {tail} -> {head} [{', '.join(attributes)}];")

    for index, ((tail, head), weight) in enumerate(order_edges.items()):
        edge_lines.append(
            f'  {tail} -> {head} [id="o{index}", class="journey-order", style=invis, '
            f"weight={weight}];"
        )

    title = clean_text(journey_map.title) or clean_text(journey_map.id)
    return FlowDiagram(
        source="\n".join([*header, *stage_lines, *edge_lines, "}", ""]),
        title=title,
        description=describe_flow(journey_map, builder, edges),
        clusters=tuple(f"c{index}" for index in range(len(journey_map.stages))),
        nodes=tuple(builder.nodes),
        edges=tuple(edges),
        tooltips=builder.tooltips,
        unresolved=tuple(unresolved),
        unmatched_volumes=tuple(unmatched),
        direction=direction,
        stage_marks=tuple(tuple(marks.nodes.get(stage.name, ())) for stage in journey_map.stages),
    )


def _order_edges(
    builder: _Builder, *, by_stage: bool, direction: str
) -> dict[tuple[str, str], int]:
    """Invisible edges (tail, head) -> weight that keep the drawing in the map's order.

    In stage columns: each stage one rank after the other, the stages' first touchpoints level
    (heavy edges between them), and each stage's touchpoints in the map's order, as in the stage
    table, whatever the flow connects. In a chain with an authored flow (which may skip stages
    or start anywhere): the stages in stage order. The SVG never shows them.
    """
    order: dict[tuple[str, str], int] = {}
    if by_stage:
        for before, after in itertools.pairwise(builder.stage_nodes):
            order[(before[0].id, after[0].id)] = 10
        upward = direction in _UPWARD_IN_RANK
        for nodes in builder.stage_nodes:
            for first, second in itertools.pairwise(nodes):
                order[(second.id, first.id) if upward else (first.id, second.id)] = 1
    elif builder.map.flow:
        for before, after in itertools.pairwise(builder.stage_nodes):
            order[(before[-1].id, after[0].id)] = 2
    return order


def _end_text(builder: _Builder, end: _End) -> str:
    if end.stage is not None:
        return clean_text(builder.map.stages[end.stage].name)
    return end.node.text


def describe_flow(journey_map: JourneyMap, builder: _Builder, edges: Sequence[DiagramEdge]) -> str:
    """The flow as a sentence for screen readers: chains of steps, then the pain points."""
    chains: list[list[str]] = []
    last_target: tuple[str, int | None] | None = None
    for edge in edges:
        source = _end_text(builder, _End(_node(builder, edge.source), edge.source_stage))
        target = _end_text(builder, _End(_node(builder, edge.target), edge.target_stage))
        if chains and (edge.source, edge.source_stage) == last_target:
            chains[-1].append(target)
        else:
            chains.append([source, target])
        last_target = (edge.target, edge.target_stage)
    linked = {
        node_id
        for edge in edges
        for node_id, stage in ((edge.source, edge.source_stage), (edge.target, edge.target_stage))
        if stage is None
    }
    stages_linked = {
        stage
        for edge in edges
        for stage in (edge.source_stage, edge.target_stage)
        if stage is not None
    }
    alternatives: list[str] = []
    for index, nodes in enumerate(builder.stage_nodes):
        loose = [node for node in nodes if node.id not in linked and node.touchpoint is not None]
        if index in stages_linked and loose:
            names = ", ".join(
                _touchpoint_text(node.touchpoint) + (" (off the main flow)" if node.side else "")
                for node in loose
                if node.touchpoint is not None
            )
            alternatives.append(f"{clean_text(journey_map.stages[index].name)}: {names}")
        elif index not in stages_linked:
            chains.extend([node.text] for node in nodes if node.id not in linked)
    parts = [FLOW_ARROW.join(chain) for chain in chains]
    sentence = "; ".join(parts) + "." if parts else "No stages."
    if alternatives:
        sentence += " Touchpoints within the stages: " + "; ".join(alternatives) + "."
    pains = [
        f"{clean_text(stage.name)}: {clean_text(pain.text)}"
        for stage, pain in journey_map.pain_points()
    ]
    if pains:
        sentence += " Pain points: " + "; ".join(pains) + "."
    return sentence


def _node(builder: _Builder, node_id: str) -> DiagramNode:
    return builder.nodes[int(node_id[1:])]
