"""Flow diagrams and emotion curves of journey maps, without MkDocs.

The plugin is a thin adapter over :func:`render_flow_diagram` and :func:`build_emotion_curve`:
it chooses a renderer once (:func:`get_renderer`), keeps one :class:`DiagramCache` for the life
of the process, and turns a :class:`DiagramResult` with an ``error`` into a warning and an
error box. Author input never makes these functions raise; bugs still do, loudly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_journey.diagrams.cache import DiagramCache, cache_key
from mkdocs_journey.diagrams.curve import (
    CURVE_TEMPLATE,
    CurvePoint,
    EmotionCurve,
    build_emotion_curve,
)
from mkdocs_journey.diagrams.dot import FlowDiagram, build_dot, dot_escape
from mkdocs_journey.diagrams.renderers import (
    RENDERER_NAMES,
    Renderer,
    RenderError,
    RendererUnavailable,
    available_renderers,
    get_renderer,
)
from mkdocs_journey.diagrams.svg import SvgError, finish_svg, safe_prefix
from mkdocs_journey.model import JourneyMap

#: The stylesheet for every class the diagrams and curves use; the plugin adds it to the site.
CSS_FILE = Path(__file__).resolve().parent.parent / "render" / "assets" / "journey-diagrams.css"

__all__ = [
    "CSS_FILE",
    "CURVE_TEMPLATE",
    "RENDERER_NAMES",
    "CurvePoint",
    "DiagramCache",
    "DiagramResult",
    "EmotionCurve",
    "FlowDiagram",
    "RenderError",
    "Renderer",
    "RendererUnavailable",
    "SvgError",
    "available_renderers",
    "build_dot",
    "build_emotion_curve",
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
    diagram: FlowDiagram | None = None  # its ``unresolved`` flow edges are worth reporting
    problems: tuple[str, ...] = field(default=())


def _where(journey_map: JourneyMap) -> str:
    place = f" on {journey_map.position}" if journey_map.position else ""
    return f"flow diagram of journey map '{journey_map.id}'{place}"


def render_flow_diagram(
    journey_map: JourneyMap,
    *,
    renderer: Renderer,
    cache: DiagramCache | None = None,
    diagram_id: str,
    edge_volumes: Mapping[tuple[str, str], int] | None = None,
) -> DiagramResult:
    """Draw one map's flow as inline SVG whose ids all start with ``diagram_id``.

    ``diagram_id`` must be unique on the page (e.g. ``journey-<map id>``); it is made safe for
    ids and CSS. The raw Graphviz output is cached; the per-page finishing (ids, titles) is
    redone each time because it is cheap and depends on the page.
    """
    diagram = build_dot(journey_map, edge_volumes=edge_volumes)
    problems = tuple(
        f"{edge.position or journey_map.position or journey_map.id}: flow step "
        f"'{edge.source}' -> '{edge.target}' names no touchpoint id or stage of the map"
        for edge in diagram.unresolved
    ) + tuple(
        f"{journey_map.id}: observed step '{source}' -> '{target}' is not drawn in the map's flow"
        for source, target in diagram.unmatched_volumes
    )
    key = cache_key(diagram.source, renderer.name, renderer.version)
    raw = cache.get(key) if cache is not None else None
    cached = raw is not None
    warnings: tuple[str, ...] = ()
    if raw is None:
        try:
            rendering = renderer.render(diagram.source)
        except RenderError as error:
            return DiagramResult(
                None, f"{_where(journey_map)}: {error}", (), False, diagram, problems
            )
        raw, warnings = rendering.svg, rendering.warnings
    try:
        svg = finish_svg(
            raw,
            prefix=diagram_id,
            title=f"Flow of the journey map {diagram.title}",
            description=diagram.description,
            tooltips=diagram.tooltips,
        )
    except SvgError as error:
        return DiagramResult(
            None, f"{_where(journey_map)}: {error}", warnings, cached, diagram, problems
        )
    if cache is not None and not cached:
        cache.put(key, raw)
    return DiagramResult(svg, None, warnings, cached, diagram, problems)
