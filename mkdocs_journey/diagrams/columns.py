"""Stage clusters that stand over the stage grid's columns, at any page width.

A left-to-right diagram drawn by stages has one cluster per stage, in order, like the columns
of the stage grid below it. Scaling the drawing cannot put every cluster over its column: the
grid's columns grow with the window while the drawing's text must stay at its size (12 px). So
CSS moves the drawing's parts apart, each part keeping Graphviz's own coordinates:

- a stage cluster, its touchpoints and the steps inside it move sideways, as one, to the
  centre of the stage's column;
- a step from one stage to another is stretched sideways, as a whole, so that it still starts
  and ends where it did on the two clusters (its stroke keeps its width); its arrowheads move
  with the cluster they touch and its label moves with the line, never stretched.

Each part gets a class and custom properties (``--journey-k`` and ``--journey-q``; for a step
between stages also ``--journey-m``, ``--journey-n`` and ``--journey-g``); journey-diagrams.css
turns them into a ``transform`` from the column pitch and origin it computes from the width of
the diagram's box. Where the columns are narrower than the drawing's own stage spacing (a
phone, a narrow window), the pitch stays at that spacing and the drawing scrolls, as it would
unfitted; a browser that cannot do the arithmetic (and a printed page) shows the drawing as
Graphviz laid it out.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
_SVG = f"{{{SVG_NS}}}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_TRANSLATE = re.compile(r"translate\(\s*(-?[\d.]+)[ ,]+(-?[\d.]+)\s*\)")
_SCALE = re.compile(r"scale\(\s*(-?[\d.]+)(?:[ ,]+(-?[\d.]+))?\s*\)")
_CLUSTER_ID = re.compile(r"c(\d+)")
#: How far (px) a cluster's reach extends past its border into the gap on either side, so the
#: tail and the arrowhead of a step stay with the cluster they touch (never more than a third
#: of the gap, which keeps some of every gap to stretch).
REACH = 12.0

SHIFT_CLASS = "journey-shift"
STRETCH_CLASS = "journey-stretch"
COLUMNS_CLASS = "journey-diagram--columns"


@dataclass(frozen=True)
class Columns:
    """What the stylesheet needs of a drawing fitted to columns."""

    stages: int
    pitch: float  # the least distance between stage centres that keeps the drawing as laid out


@dataclass(frozen=True)
class _Stages:
    """Where the stage clusters lie along the drawing's x axis (graph coordinates)."""

    boxes: tuple[tuple[float, float, float, float], ...]
    offset: float  # the graph's translation into the SVG's own coordinates

    def centre(self, stage: int) -> float:
        left, _, right, _ = self.boxes[stage]
        return (left + right) / 2

    def at(self, x: float) -> int | None:
        """The stage whose cluster (with its reach into the gaps) holds ``x``; None in a gap."""
        for stage, (left, _, right, _) in enumerate(self.boxes):
            before = self._reach(stage - 1, stage) if stage else REACH
            after = self._reach(stage, stage + 1) if stage + 1 < len(self.boxes) else REACH
            if left - before <= x <= right + after:
                return stage
        if x < self.boxes[0][0]:
            return 0
        if x > self.boxes[-1][2]:
            return len(self.boxes) - 1
        return None

    def nearest(self, x: float) -> int:
        return min(range(len(self.boxes)), key=lambda stage: abs(self.centre(stage) - x))

    def _reach(self, left: int, right: int) -> float:
        return min(REACH, (self.boxes[right][0] - self.boxes[left][2]) / 3)

    def shift(self, stage: int) -> tuple[float, float]:
        """``(k, q)``: a part of ``stage`` moves by ``origin + k * pitch + q``."""
        return stage + 0.5, -(self.centre(stage) + self.offset)


@dataclass(frozen=True)
class _Step:
    """A step from one stage's cluster to another's, stretched as a whole between its ends."""

    start: float  # x of the line's first point
    end: float  # x of its last point
    source: int
    target: int

    def stretch(self, stages: _Stages) -> tuple[float, float, float, float, float]:
        """``(k, q, m, n, g)``: moved as its start's stage, scaled about its start by
        ``(m * pitch - n) / g`` so that its end lands where its end's stage moved it."""
        k, q = stages.shift(self.source)
        length = self.end - self.start
        spread = stages.centre(self.target) - stages.centre(self.source)
        return k, q, self.target - self.source, spread - length, length

    def shift(self, stages: _Stages, x: float) -> tuple[float, float]:
        """``(k, q)`` of a point at ``x`` carried along by the stretch (a label, unstretched)."""
        k, q = stages.shift(self.source)
        share = (x - self.start) / (self.end - self.start)
        spread = stages.centre(self.target) - stages.centre(self.source)
        return k + share * (self.target - self.source), q - share * spread


def _box(shape: ET.Element) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in _NUMBER.findall(shape.get("points") or shape.get("d") or "")]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _outline(group: ET.Element) -> ET.Element | None:
    for child in group:
        if child.tag in (f"{_SVG}path", f"{_SVG}polygon"):
            return child
    return None


def _classes(element: ET.Element) -> list[str]:
    return (element.get("class") or "").split()


def _set_shift(element: ET.Element, k: float, q: float) -> None:
    element.set("class", " ".join([*_classes(element), SHIFT_CLASS]))
    element.set("style", f"--journey-k: {k:.4f}; --journey-q: {q:.2f}px")


def _ends(path: ET.Element) -> tuple[float, float] | None:
    """The x of a path's first and last points (Graphviz writes absolute coordinates)."""
    numbers = _NUMBER.findall(path.get("d", ""))
    if len(numbers) < 4:
        return None
    return float(numbers[0]), float(numbers[-2])


def _fit_step(group: ET.Element, stages: _Stages) -> None:
    """Shift or stretch the lines of one step, and carry its arrowheads and label along."""
    step: _Step | None = None
    for path in group.findall(f"{_SVG}path"):
        ends = _ends(path)
        if ends is None:
            continue
        source = stages.at(ends[0])
        target = stages.at(ends[1])
        source = stages.nearest(ends[0]) if source is None else source
        target = stages.nearest(ends[1]) if target is None else target
        if source == target or abs(ends[1] - ends[0]) < 1:
            _set_shift(path, *stages.shift(source))
            continue
        step = _Step(ends[0], ends[1], source, target)
        k, q, m, n, g = step.stretch(stages)
        path.set("class", " ".join([*_classes(path), STRETCH_CLASS]))
        path.set(
            "style",
            f"--journey-k: {k:.4f}; --journey-q: {q:.2f}px; --journey-m: {m}; "
            f"--journey-n: {n:.2f}px; --journey-g: {g:.2f}px; transform-origin: {ends[0]:.2f}px 0",
        )
        # The stroke keeps its width (and a dashed line its dashes) however far it stretches.
        path.set("vector-effect", "non-scaling-stroke")
    for shape in group.findall(f"{_SVG}polygon"):
        left, _, right, _ = _box(shape)
        middle = (left + right) / 2
        stage = stages.at(middle)
        if stage is None and step is not None:
            _set_shift(shape, *step.shift(stages, middle))
        else:
            _set_shift(shape, *stages.shift(stages.nearest(middle) if stage is None else stage))
    texts = group.findall(f"{_SVG}text")
    if texts:
        middle = _label_centre(texts)
        if step is not None:
            k, q = step.shift(stages, middle)
        else:
            stage = stages.at(middle)
            k, q = stages.shift(stages.nearest(middle) if stage is None else stage)
        for text in texts:
            _set_shift(text, k, q)


def _label_centre(texts: list[ET.Element]) -> float:
    """The middle of a label's lines, from their anchors (widths estimated)."""
    centres = []
    for text in texts:
        x = float(text.get("x", "0"))
        width = len(text.text or "") * float(text.get("font-size", "12")) * 0.58
        anchor = text.get("text-anchor", "start")
        shift = {"middle": 0.0, "end": -width / 2}.get(anchor, width / 2)
        centres.append(x + shift)
    return sum(centres) / len(centres)


def _graph_offset(root: ET.Element) -> tuple[ET.Element, float] | None:
    """Graphviz's top group and its x translation; None when it scales (a ``size`` attribute)."""
    graph = root.find(f"{_SVG}g")
    if graph is None:
        return None
    transform = graph.get("transform", "")
    scale = _SCALE.search(transform)
    if scale and any(float(s) != 1 for s in scale.groups() if s is not None):
        return None
    translate = _TRANSLATE.search(transform)
    return graph, float(translate.group(1)) if translate else 0.0


def fit_to_columns(root: ET.Element, *, width: float) -> Columns | None:
    """Mark the pieces of a left-to-right, stage-by-stage drawing for the columns' CSS.

    ``width`` is the drawing's own width (px). Returns None, leaving the drawing as it is, when
    it is not one cluster per stage in stage order from left to right.
    """
    found = _graph_offset(root)
    if found is None:
        return None
    graph, offset = found
    clusters: dict[int, tuple[ET.Element, tuple[float, float, float, float]]] = {}
    for group in graph.findall(f"{_SVG}g"):
        match = _CLUSTER_ID.fullmatch(group.get("id", ""))
        shape = _outline(group)
        if match and "journey-stage" in _classes(group) and shape is not None:
            clusters[int(match.group(1))] = (group, _box(shape))
    count = len(clusters)
    if count < 2 or sorted(clusters) != list(range(count)):
        return None
    boxes = [clusters[k][1] for k in range(count)]
    if any(a[2] >= b[0] for a, b in itertools.pairwise(boxes)):
        return None  # not side by side from left to right (RL, or overlapping)
    stages = _Stages(tuple(boxes), offset)
    clustered = {id(clusters[k][0]): k for k in clusters}
    for group in graph.findall(f"{_SVG}g"):
        if id(group) in clustered:
            _set_shift(group, *stages.shift(clustered[id(group)]))
        elif "journey-flow" in _classes(group):
            _fit_step(group, stages)
        elif (shape := _outline(group)) is not None:
            left, _, right, _ = _box(shape)
            middle = (left + right) / 2
            stage = stages.at(middle)
            _set_shift(group, *stages.shift(stages.nearest(middle) if stage is None else stage))

    # The least pitch that keeps every pair of neighbours as far apart as Graphviz put them, and
    # the drawing's overhang before the first centre and after the last within half a pitch.
    centres = [stages.centre(stage) for stage in range(count)]
    first, last = centres[0] + offset, centres[-1] + offset
    spreads = [b - a for a, b in itertools.pairwise(centres)]
    pitch = max(*spreads, 2 * first, 2 * (width - last))
    return Columns(count, pitch)


__all__ = ["COLUMNS_CLASS", "SHIFT_CLASS", "STRETCH_CLASS", "Columns", "fit_to_columns"]
