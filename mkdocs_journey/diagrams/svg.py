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
from collections.abc import Mapping

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


def _width_in_px(width: str) -> int | None:
    """Graphviz's ``width="1045pt"`` as CSS pixels (1pt = 4/3 px); None if not in points."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*pt\s*", width)
    return round(float(match.group(1)) * 4 / 3) if match else None


def finish_svg(
    raw_svg: str,
    *,
    prefix: str,
    title: str,
    description: str,
    tooltips: Mapping[str, str] | None = None,
    css_class: str = "journey-diagram",
) -> str:
    """Graphviz SVG in, inline-ready SVG out.

    ``tooltips`` maps DOT ids (which Graphviz copies to the SVG groups) to the full text shown
    on hover, so no author text ever depends on Graphviz's own escaping for tooltips.
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

    _prefix_ids(root, prefix)

    heading = ET.Element(f"{_SVG}title", {"id": f"{prefix}-title"})
    heading.text = title
    details = ET.Element(f"{_SVG}desc", {"id": f"{prefix}-desc"})
    details.text = description
    root.insert(0, details)
    root.insert(0, heading)
    width = _width_in_px(root.get("width", ""))
    if width is not None:
        # The stylesheet fits the drawing to the page but keeps it legible (see
        # journey-diagrams.css); it needs the drawing's own size for that.
        root.set("style", f"--journey-width: {width}px")
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
