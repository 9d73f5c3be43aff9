"""Flow diagrams and emotion curves of journey maps, without MkDocs.

The plugin is a thin adapter over :func:`render_flow_diagram` and :func:`build_emotion_lane`:
it chooses a renderer once (:func:`get_renderer`), keeps one :class:`DiagramCache` for the life
of the process, and turns a :class:`DiagramResult` with an ``error`` into a warning and an
error box. Author input never makes these functions raise; bugs still do, loudly.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mkdocs_journey.diagrams.cache import DiagramCache, cache_key
from mkdocs_journey.diagrams.curve import (
    CurveCell,
    EmotionLane,
    build_emotion_lane,
)
from mkdocs_journey.diagrams.dot import (
    AUTO,
    DiagramMarks,
    FlowDiagram,
    Mark,
    build_dot,
    dot_escape,
)
from mkdocs_journey.diagrams.renderers import (
    RENDERER_NAMES,
    Renderer,
    RenderError,
    RendererUnavailable,
    Rendering,
    available_renderers,
    get_renderer,
)
from mkdocs_journey.diagrams.svg import FINISHING, SvgError, finish_svg, safe_prefix
from mkdocs_journey.model import JourneyMap

#: The stylesheet for every class the diagrams and curves use; the plugin adds it to the site.
CSS_FILE = Path(__file__).resolve().parent.parent / "render" / "assets" / "journey-diagrams.css"

__all__ = [
    "CSS_FILE",
    "DEFAULT_MAX_WIDTH",
    "RENDERER_NAMES",
    "CurveCell",
    "DiagramCache",
    "DiagramMarks",
    "DiagramResult",
    "EmotionLane",
    "FlowDiagram",
    "Mark",
    "RenderError",
    "Renderer",
    "RendererUnavailable",
    "SvgError",
    "available_renderers",
    "build_dot",
    "build_emotion_lane",
    "cache_key",
    "dot_escape",
    "finish_svg",
    "get_renderer",
    "render_flow_diagram",
    "safe_prefix",
]


@dataclass(frozen=True)
class DiagramResult:
    """A finished inline SVG, or the reason there is none (naming the map and its page)."""

    svg: str | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    cached: bool = False
    diagram: FlowDiagram | None = None
    problems: tuple[str, ...] = ()  # flow steps that name nothing in the map
    #: what the author should hear without a failed build: observed steps the flow does not
    #: draw, Graphviz's warnings
    notes: tuple[str, ...] = ()


#: The id prefix of the SVG kept in the cache; each page's own prefix replaces it on the way out.
#: A map whose text contains it skips the cache, so the replacement only ever touches our ids.
_PREFIX_TOKEN = "jrnycachedid"  # noqa: S105 - an id placeholder, not a secret
#: The widest a left-to-right drawing may be before an ``auto`` map turns top to bottom: the
#: content column of a wide map page on a 1440 px screen, less the page's margins.
DEFAULT_MAX_WIDTH = 1100
#: The direction a too-wide ``auto`` map turns to.
TURNED = "TB"
_SVG_WIDTH = re.compile(r'<svg[^>]*?\swidth="(\d+(?:\.\d+)?)pt"')


def _where(journey_map: JourneyMap) -> str:
    place = f" on {journey_map.position}" if journey_map.position else ""
    return f"flow diagram of journey map '{journey_map.id}'{place}"


#: How many of the observed steps a flow does not draw a note names, the busiest first.
UNDRAWN_LISTED = 5


def _problems(journey_map: JourneyMap, diagram: FlowDiagram) -> tuple[str, ...]:
    return tuple(
        f"{edge.position or journey_map.position or journey_map.id}: flow step "
        f"'{edge.source}' -> '{edge.target}' names no touchpoint id or stage of the map"
        for edge in diagram.unresolved
    )


def _notes(
    journey_map: JourneyMap,
    diagram: FlowDiagram,
    warnings: tuple[str, ...],
    volumes: Mapping[tuple[str, str], int] | None,
) -> tuple[str, ...]:
    notes = [f"{_where(journey_map)}: Graphviz: {warning}" for warning in warnings]
    counted = [(a, b, (volumes or {}).get((a, b), 0)) for a, b in diagram.unmatched_volumes]
    undrawn = sorted(counted, key=lambda step: (-step[2], step[0], step[1]))
    if undrawn:
        listed = ", ".join(
            f"'{source}' -> '{target}' ({times:,} time{'' if times == 1 else 's'})"
            for source, target, times in undrawn[:UNDRAWN_LISTED]
        )
        more = len(undrawn) - UNDRAWN_LISTED
        count = f"{len(undrawn)} observed step{'s' if len(undrawn) > 1 else ''}"
        notes.append(
            f"{_where(journey_map)}: {count} of the data not drawn in the map's flow: {listed}"
            + (f", and {more} more" if more > 0 else "")
        )
    return tuple(notes)


@dataclass(frozen=True)
class _Finished:
    """What the cache keeps of one map: its diagram and its SVG under the placeholder prefix."""

    diagram: FlowDiagram
    svg: str
    warnings: tuple[str, ...]


def _rendered_width(svg: str) -> float:
    """The width in points of Graphviz's SVG (its root's ``width="…pt"``)."""
    match = _SVG_WIDTH.search(svg)
    return float(match.group(1)) if match else 0.0


def render_flow_diagram(
    journey_map: JourneyMap,
    *,
    renderer: Renderer,
    cache: DiagramCache | None = None,
    diagram_id: str,
    edge_volumes: Mapping[tuple[str, str], int] | None = None,
    marks: DiagramMarks | None = None,
    max_width: int = DEFAULT_MAX_WIDTH,
) -> DiagramResult:
    """Draw one map's flow as inline SVG whose ids all start with ``diagram_id``.

    ``diagram_id`` must be unique on the page (e.g. ``journey-<map id>``); it is made safe for
    ids and CSS. A map whose direction is ``auto`` (the default) is drawn left to right, or top
    to bottom when left to right would be wider than ``max_width`` px: a long map turns rather
    than shrinks below legible text. The cache keeps the finished SVG under a placeholder
    prefix, so a hit costs a dictionary look-up and one string replacement; an unchanged map
    object (a `mkdocs serve` rebuild) does not even rebuild its DOT.
    """
    volumes = tuple(sorted(edge_volumes.items())) if edge_volumes else ()
    marks_key = marks.key() if marks is not None else ()
    memo: tuple[object, ...] | None = (
        journey_map,
        renderer.name,
        renderer.version,
        volumes,
        marks_key,
        max_width,
    )
    try:
        hash(memo)
    except TypeError:  # a map holding a list somewhere: correct, just not memoised
        memo = None
    if cache is not None and memo is not None:
        remembered = cache.recall(memo)
        if isinstance(remembered, _Finished):
            return _with_problems(journey_map, remembered, diagram_id, edge_volumes, cached=True)

    auto = journey_map.diagram.direction.lower() == AUTO
    build = functools.partial(build_dot, journey_map, edge_volumes=edge_volumes, marks=marks)
    diagram = build(direction="LR" if auto else None)
    title = f"Flow of the journey map {diagram.title}"
    texts = (diagram.source, title, diagram.description, *diagram.tooltips.values())
    cacheable = cache is not None and not any(_PREFIX_TOKEN in text for text in texts)
    tooltips = json.dumps(sorted(diagram.tooltips.items()), ensure_ascii=False)
    turn = f"auto, at most {max_width} px wide" if auto else ""
    key = cache_key(
        diagram.source,
        renderer.name,
        renderer.version,
        title,
        diagram.description,
        tooltips,
        turn,
        FINISHING,
    )
    if cacheable and cache is not None:
        svg = cache.get(key)
        if svg is not None:
            if auto and f'data-direction="{TURNED}"' in svg:
                diagram = build(direction=TURNED)
            finished = _Finished(diagram, svg, ())
            if memo is not None:
                cache.remember(memo, finished)
            return _with_problems(journey_map, finished, diagram_id, edge_volumes, cached=True)

    try:
        rendering = _laid_out(renderer, diagram.source, cache)
        if auto and _rendered_width(rendering.svg) > max_width:
            diagram = build(direction=TURNED)
            rendering = _laid_out(renderer, diagram.source, cache)
        by_stage = journey_map.diagram.layout != "chain"
        svg = finish_svg(
            rendering.svg,
            prefix=_PREFIX_TOKEN if cacheable else diagram_id,
            title=title,
            description=diagram.description,
            tooltips=diagram.tooltips,
            stage_columns=(diagram.direction in ("LR", "RL")) if by_stage else None,
            direction=diagram.direction,
        )
    except (RenderError, SvgError) as error:
        return DiagramResult(
            None,
            f"{_where(journey_map)}: {error}",
            (),
            False,
            diagram,
            _problems(journey_map, diagram),
            _notes(journey_map, diagram, (), edge_volumes),
        )
    if not cacheable or cache is None:
        return DiagramResult(
            svg,
            None,
            rendering.warnings,
            False,
            diagram,
            _problems(journey_map, diagram),
            _notes(journey_map, diagram, rendering.warnings, edge_volumes),
        )
    finished = _Finished(diagram, svg, rendering.warnings)
    cache.put(key, svg)
    if memo is not None:
        cache.remember(memo, finished)
    return _with_problems(journey_map, finished, diagram_id, edge_volumes, cached=False)


def _laid_out(renderer: Renderer, source: str, cache: DiagramCache | None) -> Rendering:
    """Graphviz's drawing of ``source``, remembered in memory: an edit that leaves the DOT as it
    was (a goal, a thought or a KPI reworded: tooltips and titles are added after the layout)
    is not laid out again on the next `mkdocs serve` rebuild, only finished again."""
    key = ("layout", renderer.name, renderer.version, source)
    found = cache.recall(key) if cache is not None else None
    if isinstance(found, Rendering):
        return found
    rendering = renderer.render(source)
    if cache is not None:
        cache.remember(key, rendering)
    return rendering


def _with_problems(
    journey_map: JourneyMap,
    finished: _Finished,
    diagram_id: str,
    volumes: Mapping[tuple[str, str], int] | None,
    *,
    cached: bool,
) -> DiagramResult:
    svg = finished.svg.replace(f"{_PREFIX_TOKEN}-", f"{safe_prefix(diagram_id)}-")
    problems = _problems(journey_map, finished.diagram)
    notes = _notes(journey_map, finished.diagram, finished.warnings, volumes)
    return DiagramResult(svg, None, finished.warnings, cached, finished.diagram, problems, notes)
