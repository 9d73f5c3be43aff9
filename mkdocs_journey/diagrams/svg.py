"""Finish Graphviz's SVG for inline use in a page that may hold several diagrams and two palettes.

Graphviz writes a standalone document: an XML prolog and DOCTYPE, ids like ``node1`` that
repeat in every diagram, a white background, black strokes and Times. Inline in a page those
would clash between diagrams and ignore the dark scheme, so the SVG is parsed (never edited with
regular expressions) and rewritten: ids prefixed per diagram along with every reference to
them, theme colours and fonts left to CSS, only our ``journey-*`` classes kept, and the whole
made an image with a title and a text description for screen readers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping

from mkdocs_journey.diagrams.columns import COLUMNS_CLASS, fit_to_columns

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_SVG = f"{{{SVG_NS}}}"
_HREFS = ("href", f"{{{XLINK_NS}}}href")
# Colours Graphviz uses by default; CSS gives the theme's instead. "none" and "transparent"
# are kept: they say "nothing here", which holds on every palette.
_THEME_COLOURS = {"black", "white", "#000000", "#ffffff", "lightgrey", "#d3d3d3"}
# The presentation attributes that may hold url(#id); path data and text never do.
_URL_ATTRIBUTES = frozenset(
    (
        "fill",
        "stroke",
        "clip-path",
        "mask",
        "filter",
        "marker-start",
        "marker-mid",
        "marker-end",
        "style",
    )
)
_URL_REFERENCE = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")
CLASS_PREFIX = "journey-"
#: What :func:`finish_svg` does to Graphviz's output, as a version in the diagram cache's key:
#: change it with the finishing (the package version alone may stay the same between commits
#: that a CI cache spans).
FINISHING = "4: point-as-px, aligned stages, labels off lines and outlines, stage columns"


class SvgError(ValueError):
    """The renderer's output is not SVG we can finish."""


def safe_prefix(diagram_id: str) -> str:
    """An id prefix made of characters valid in ids and CSS selectors alike."""
    prefix = _SAFE_ID.sub("-", diagram_id).strip("-")
    if not prefix or not prefix[0].isalpha():
        prefix = "journey-" + prefix
    return prefix.rstrip("-")


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    elements = list(root.iter())
    renamed: dict[str, str] = {}
    for element in elements:
        old = element.get("id")
        if old is not None:
            renamed[old] = f"{prefix}-{old}"
            element.set("id", renamed[old])

    def rename_url(match: re.Match[str]) -> str:
        target = match.group(1)
        return f"url(#{renamed.get(target, target)})"

    for element in elements:
        for name, value in element.attrib.items():
            if value.startswith("#") and name in _HREFS:
                element.set(name, "#" + renamed.get(value[1:], value[1:]))
            elif name in _URL_ATTRIBUTES and "url(" in value:
                element.set(name, _URL_REFERENCE.sub(rename_url, value))


def _set_title(group: ET.Element, text: str) -> None:
    title = group.find(f"{_SVG}title")
    if title is None:
        title = ET.Element(f"{_SVG}title")
        group.insert(0, title)
    title.text = text


def _points(length: str) -> float | None:
    """Graphviz's ``width="1045pt"`` as a number of points; None if not in points."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*pt\s*", length)
    return float(match.group(1)) if match else None


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _outline(group: ET.Element) -> ET.Element | None:
    for child in group:
        if child.tag in (f"{_SVG}path", f"{_SVG}polygon"):
            return child
    return None


def _box(shape: ET.Element) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a Graphviz polygon or path (all its points are absolute)."""
    numbers = [float(n) for n in _NUMBER.findall(shape.get("points") or shape.get("d") or "")]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def _rounded_rectangle(left: float, top: float, right: float, bottom: float) -> str:
    """A rounded rectangle as path data with absolute x,y pairs only (as Graphviz writes)."""
    r = min(8.0, (right - left) / 4, (bottom - top) / 4)
    points = [
        f"M{left + r:.2f},{top:.2f}",
        f"L{right - r:.2f},{top:.2f}",
        f"Q{right:.2f},{top:.2f} {right:.2f},{top + r:.2f}",
        f"L{right:.2f},{bottom - r:.2f}",
        f"Q{right:.2f},{bottom:.2f} {right - r:.2f},{bottom:.2f}",
        f"L{left + r:.2f},{bottom:.2f}",
        f"Q{left:.2f},{bottom:.2f} {left:.2f},{bottom - r:.2f}",
        f"L{left:.2f},{top + r:.2f}",
        f"Q{left:.2f},{top:.2f} {left + r:.2f},{top:.2f}",
        "Z",
    ]
    return " ".join(points)


#: Helvetica's mean advance width in em, a little generous: for estimating a label's width.
_EM_PER_CHARACTER = 0.58
#: Space in px between a moved label and the line it labels.
_LABEL_GAP = 5.0
_CUBIC = re.compile(r"([MC])\s*([^MC]+)")


def _path_points(path: ET.Element, steps: int = 12) -> list[tuple[float, float]]:
    """Points along a Graphviz edge path (``M x,y C x,y x,y x,y ...``: absolute cubics)."""
    points: list[tuple[float, float]] = []
    for command, body in _CUBIC.findall(path.get("d", "")):
        numbers = [float(n) for n in _NUMBER.findall(body)]
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=False))
        if command == "M":
            points.extend(pairs[:1])
            continue
        for index in range(0, len(pairs) - 2, 3):
            if not points:
                break
            p0, (p1, p2, p3) = points[-1], pairs[index : index + 3]
            for step in range(1, steps + 1):
                t = step / steps
                u = 1 - t
                points.append(
                    (
                        u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
                    )
                )
    return points


def _label_box(texts: list[ET.Element]) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a label's lines, from their anchors and an estimated width."""
    boxes = []
    for text in texts:
        size = float(text.get("font-size", "12"))
        width = len(text.text or "") * size * _EM_PER_CHARACTER
        x, y = float(text.get("x", "0")), float(text.get("y", "0"))
        anchor = text.get("text-anchor", "start")
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        boxes.append((left, y - size * 0.8, left + width, y + size * 0.25))
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    x, y = point
    pad = _LABEL_GAP - 1
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


def _labelled_steps(root: ET.Element) -> Iterator[tuple[ET.Element, list[ET.Element]]]:
    """Each step of the flow that has a label: its line and the label's text elements."""
    for group in root.iter(f"{_SVG}g"):
        if "journey-flow" not in (group.get("class") or "").split():
            continue
        path = group.find(f"{_SVG}path")
        texts = group.findall(f"{_SVG}text")
        if path is not None and texts:
            yield path, texts


def move_labels_off_lines(root: ET.Element) -> None:
    """Move each step's label beside its line where Graphviz drew it across the line.

    Dot centres the label of a step between two touchpoints of one stage (a "flat" edge) on
    the line itself. Such a label is moved clear of its line: beside it, left-aligned, for a
    line that runs up or down there; above it for a line that runs across.
    """
    for path, texts in _labelled_steps(root):
        points = _path_points(path)
        box = _label_box(texts)
        crossing = [point for point in points if _inside(point, box)]
        if not crossing:
            continue
        xs = [x for x, _ in crossing]
        ys = [y for _, y in crossing]
        if max(ys) - min(ys) >= max(xs) - min(xs):  # the line runs up or down here
            left = max(xs) + _LABEL_GAP
            for text in texts:
                text.set("text-anchor", "start")
                text.set("x", f"{left:.2f}")
        else:  # the line runs across: lift the label above it
            lift = box[3] - min(ys) + _LABEL_GAP
            for text in texts:
                text.set("y", f"{float(text.get('y', '0')) - lift:.2f}")


#: Room in px a step's label keeps from the outline of a stage it does not belong to.
_OUTLINE_CLEARANCE = 6.0
_TRANSLATE_Y = re.compile(r"translate\(\s*-?[\d.]+[ ,]+(-?[\d.]+)\s*\)")
_SCALE_Y = re.compile(r"scale\(\s*(-?[\d.]+)(?:[ ,]+(-?[\d.]+))?\s*\)")
_LENGTH = re.compile(r"(-?[\d.]+)([a-z]*)")


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grown(box: tuple[float, float, float, float], by: float) -> tuple[float, float, float, float]:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _stage_of(point: tuple[float, float], stages: list[tuple[float, float, float, float]]) -> int:
    """The stage whose outline (with a little reach, for arrowheads) holds a point; -1: none."""
    for index, box in enumerate(stages):
        if _inside(point, _grown(box, _OUTLINE_CLEARANCE)):
            return index
    return -1


def move_labels_off_stages(root: ET.Element) -> None:
    """Move a step's label off the outline of a stage the step does not start or end in.

    Graphviz keeps labels clear of the clusters it drew, but :func:`align_stages` then stretches
    every stage to one extent, and a stretched outline can run through the label of a step drawn
    round the stages' ends (a loop back to an earlier stage, whose label Graphviz puts by the
    loop's turn). Such a label moves past that stage's nearer end, clear of every other stage;
    if it then lies on its own line it goes on past the line (a loop's label below the loop),
    and the drawing grows to hold it.
    """
    stages = [
        _box(shape)
        for group in root.iter(f"{_SVG}g")
        if "journey-stage" in (group.get("class") or "").split()
        and (shape := _outline(group)) is not None
    ]
    found = _drawing_top(root)
    top = -found[0] if found else float("-inf")
    lowest = None
    for path, texts in _labelled_steps(root):
        points = _path_points(path)
        # The stages the step starts and ends in: its label may lie on or in them (a step in
        # a gap between its two stages, or one within a stage), never across any other.
        own = {_stage_of(points[0], stages), _stage_of(points[-1], stages)} if points else set()
        box = _label_box(texts)
        shift = _shift_off_stages(box, stages, own, top)
        if shift is None:
            continue
        box = (box[0], box[1] + shift, box[2], box[3] + shift)
        below = [y for x, y in points if box[0] - _LABEL_GAP <= x <= box[2] + _LABEL_GAP]
        if below and any(_inside(point, box) for point in points):
            # On its own line: past the line, on the side it moved to.
            extra = (
                max(below) + _LABEL_GAP - box[1] if shift > 0 else min(below) - _LABEL_GAP - box[3]
            )
            shift += extra
            box = (box[0], box[1] + extra, box[2], box[3] + extra)
        for text in texts:
            text.set("y", f"{float(text.get('y', '0')) + shift:.2f}")
        lowest = box[3] if lowest is None else max(lowest, box[3])
    if lowest is not None:
        _grow_to(root, lowest + _LABEL_GAP)


def _shift_off_stages(
    box: tuple[float, float, float, float],
    stages: list[tuple[float, float, float, float]],
    own: set[int],
    top: float,
) -> float | None:
    """How far down (+) or up (-) a label moves to clear the outlines; None: it is clear.

    The nearer way that clears every stage, never above the drawing's ``top`` (the drawing
    grows only at its foot); down when neither clears."""
    crossed = [
        stage
        for index, stage in enumerate(stages)
        if index not in own and _overlaps(box, _grown(stage, _OUTLINE_CLEARANCE))
    ]
    if not crossed:
        return None
    down = max(stage[3] for stage in crossed) + _OUTLINE_CLEARANCE - box[1]
    up = min(stage[1] for stage in crossed) - _OUTLINE_CLEARANCE - box[3]
    for shift in sorted((down, up), key=abs):
        moved = (box[0], box[1] + shift, box[2], box[3] + shift)
        if moved[1] >= top and not any(
            _overlaps(moved, _grown(stage, _OUTLINE_CLEARANCE))
            for index, stage in enumerate(stages)
            if index not in own
        ):
            return shift
    return down


def _drawing_top(root: ET.Element) -> tuple[float, float] | None:
    """Graphviz's y translation and scale of its graph group: the graph's top edge is at y =
    -translation; None when the transform is not Graphviz's usual one."""
    graph = root.find(f"{_SVG}g")
    transform = graph.get("transform", "") if graph is not None else ""
    translate = _TRANSLATE_Y.search(transform)
    scale = _SCALE_Y.search(transform)
    if translate is None:
        return None
    factor = float(scale.group(2) or scale.group(1)) if scale else 1.0
    return float(translate.group(1)), factor


def _grow_to(root: ET.Element, bottom: float) -> None:
    """Make the drawing tall enough to show graph coordinates down to ``bottom``."""
    view = (root.get("viewBox") or "").split()
    height = _LENGTH.fullmatch(root.get("height", ""))
    top = _drawing_top(root)
    if len(view) != 4 or height is None or top is None:
        return
    translation, factor = top
    missing = (bottom + translation) * factor - float(view[3])
    if missing <= 0:
        return
    view[3] = f"{float(view[3]) + missing:.2f}"
    root.set("viewBox", " ".join(view))
    root.set("height", f"{float(height.group(1)) + missing:.2f}{height.group(2)}")


def align_stages(root: ET.Element, *, columns: bool) -> None:
    """Give every stage cluster the same extent across the flow, with its title at its start.

    Graphviz makes each cluster just big enough for its touchpoints, so stage columns come out
    ragged. In columns (LR, RL) every cluster is stretched to the same top and bottom; in rows
    (TB, BT) to the same left and right. A stage's title moves with its top (or its centre).
    """
    stages = [
        (group, shape)
        for group in root.iter(f"{_SVG}g")
        if "journey-stage" in (group.get("class") or "").split()
        and (shape := _outline(group)) is not None
    ]
    if len(stages) < 2:
        return
    boxes = [_box(shape) for _, shape in stages]
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    for (group, shape), (x0, y0, x1, y1) in zip(stages, boxes, strict=True):
        if columns:
            new = (x0, top, x1, bottom)
            shift_x, shift_y = 0.0, top - y0
        else:
            new = (left, y0, right, y1)
            shift_x, shift_y = (left + right - x0 - x1) / 2, 0.0
        outline = ET.Element(f"{_SVG}path", {"d": _rounded_rectangle(*new)})
        for name in ("fill", "stroke"):
            if name in shape.attrib:
                outline.set(name, shape.attrib[name])
        position = list(group).index(shape)
        group.remove(shape)
        group.insert(position, outline)
        for text in group.findall(f"{_SVG}text"):
            text.set("x", f"{float(text.get('x', '0')) + shift_x:.2f}")
            text.set("y", f"{float(text.get('y', '0')) + shift_y:.2f}")


def finish_svg(
    raw_svg: str,
    *,
    prefix: str,
    title: str,
    description: str,
    tooltips: Mapping[str, str] | None = None,
    css_class: str = "journey-diagram",
    stage_columns: bool | None = None,
    direction: str | None = None,
) -> str:
    """Graphviz SVG in, inline-ready SVG out.

    ``tooltips`` maps DOT ids (which Graphviz copies to the SVG groups) to the full text shown
    on hover, so no author text ever depends on Graphviz's own escaping for tooltips.
    ``stage_columns`` aligns the stage clusters (:func:`align_stages`): True for stages as
    columns (LR, RL), False for rows (TB, BT), None to leave them as Graphviz drew them.
    """
    try:
        root = ET.fromstring(raw_svg)  # noqa: S314 - input is Graphviz's output for our own DOT
    except ET.ParseError as error:
        raise SvgError(f"the renderer's SVG does not parse: {error}") from error
    if root.tag != f"{_SVG}svg":
        raise SvgError(f"the renderer's output is not SVG (root element {root.tag!r})")
    prefix = safe_prefix(prefix)
    tooltips = tooltips or {}

    for group in list(root.iter(f"{_SVG}g")):
        classes = (group.get("class") or "").split()
        if "graph" in classes:
            # The graph's own title is Graphviz's graph name; its first polygon is the page.
            for child in list(group):
                if child.tag == f"{_SVG}title":
                    group.remove(child)
                elif child.tag == f"{_SVG}polygon":
                    group.remove(child)
                    break
        ours = [name for name in classes if name.startswith(CLASS_PREFIX)]
        if ours:
            group.set("class", " ".join(ours))
        elif "class" in group.attrib:
            del group.attrib["class"]
        tooltip = tooltips.get(group.get("id", ""))
        if tooltip is not None:
            _set_title(group, tooltip)

    for element in root.iter():
        for name in ("fill", "stroke"):
            if element.get(name, "").lower() in _THEME_COLOURS:
                del element.attrib[name]
        element.attrib.pop("font-family", None)

    if stage_columns is not None:
        align_stages(root, columns=stage_columns)
    move_labels_off_lines(root)
    move_labels_off_stages(root)
    width, height = _points(root.get("width", "")), _points(root.get("height", ""))
    columns = None
    if stage_columns and direction == "LR" and width is not None:
        columns = fit_to_columns(root, width=width)
    _prefix_ids(root, prefix)

    heading = ET.Element(f"{_SVG}title", {"id": f"{prefix}-title"})
    heading.text = title
    details = ET.Element(f"{_SVG}desc", {"id": f"{prefix}-desc"})
    details.text = description
    root.insert(0, details)
    root.insert(0, heading)
    if width is not None and height is not None:
        # One Graphviz point is drawn as one CSS pixel, so the font sizes of the DOT are the
        # sizes a reader sees (Graphviz's own 1pt = 4/3 px would only enlarge the drawing,
        # which the page then shrank back to fit). The stylesheet never lets the drawing
        # shrink below this size; it needs the number for that.
        root.set("width", f"{width:g}")
        root.set("height", f"{height:g}")
        style = f"--journey-width: {width:g}px"
        if columns is not None:
            # Drawn at its size from the left, however wide the box the columns give it.
            root.set("preserveAspectRatio", "xMinYMin meet")
            style += (
                f"; --journey-height: {height:g}px; --journey-stages: {columns.stages}"
                f"; --journey-pitch-min: {columns.pitch:.2f}px"
            )
            css_class = f"{css_class} {COLUMNS_CLASS}"
        root.set("style", style)
    if direction is not None:
        root.set("data-direction", direction)
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("aria-describedby", f"{prefix}-desc")
    root.set("class", css_class)
    return ET.tostring(root, encoding="unicode")


# What a finished diagram may contain: Graphviz's drawing elements in the SVG namespace, their
# presentation attributes, and references inside the drawing only. Anything else in an SVG read
# back from the disk cache (a script, an event handler, a link, foreign content) means the file
# is not one we wrote.
_DRAWING_ELEMENTS = frozenset(
    f"{_SVG}{name}"
    for name in (
        "svg",
        "g",
        "title",
        "desc",
        "path",
        "polygon",
        "polyline",
        "ellipse",
        "circle",
        "rect",
        "line",
        "text",
        "tspan",
        "defs",
        "linearGradient",
        "radialGradient",
        "stop",
    )
)
_DRAWING_ATTRIBUTES = frozenset(
    (
        "id",
        "class",
        "role",
        "data-direction",  # LR or TB, as finish_svg writes it
        "d",
        "points",
        "x",
        "y",
        "x1",
        "x2",
        "y1",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "dx",
        "dy",
        "width",
        "height",
        "viewBox",
        "transform",
        "preserveAspectRatio",
        "opacity",
        "offset",
        "gradientUnits",
        "gradientTransform",
        "stop-color",
        "stop-opacity",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "fill-opacity",
        "stroke-width",
        "stroke-dasharray",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "vector-effect",
        "{http://www.w3.org/XML/1998/namespace}space",
        *_URL_ATTRIBUTES,
    )
)
_LOCAL_URL = re.compile(r"url\(\s*#[A-Za-z0-9_.-]+\s*\)")
_STYLE_VALUE = re.compile(r"[A-Za-z0-9\s:;.,#%()_-]*")


def svg_fault(svg: str) -> str | None:
    """Why ``svg`` is not a drawing we could have made (None when it is one).

    Used on SVG read back from the disk cache: it must be one well-formed ``<svg>`` element
    holding drawing elements only, with no script, event handler, link or external reference.
    """
    if "<!DOCTYPE" in svg or "<!ENTITY" in svg:
        return "it declares a document type or entities"
    try:
        root = ET.fromstring(svg)  # noqa: S314 - no DTD (checked above), so no entity expansion
    except ET.ParseError as error:
        return f"it is not well-formed XML ({error})"
    if root.tag != f"{_SVG}svg":
        return f"its root element is {root.tag!r}, not svg"
    for element in root.iter():
        if element.tag not in _DRAWING_ELEMENTS:
            return f"it holds a {element.tag!r} element"
        for name, value in element.attrib.items():
            if name.startswith("aria-"):
                continue
            if name not in _DRAWING_ATTRIBUTES:
                return f"a {element.tag.removeprefix(_SVG)!r} element has a {name!r} attribute"
            rest = _LOCAL_URL.sub("", value)
            if name in _URL_ATTRIBUTES and (
                "url(" in rest or "expression" in rest.lower() or not _STYLE_VALUE.fullmatch(rest)
            ):
                return f"a {name!r} attribute holds {value!r}"
    # Exactly what our serializer writes for that tree: no comment, CDATA section or processing
    # instruction, which an HTML parser reads differently from XML (inside <title>, say).
    if ET.tostring(root, encoding="unicode") != svg:
        return "it is not written the way the plugin writes diagrams"
    return None
