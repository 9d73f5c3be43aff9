"""Drawing the flow diagrams into a page's finished content.

They are inserted last, into empty slot elements of the content's HTML, after search plugins
have read it (the MkDocs host does it in ``on_page_context``, after theirs), so Python-Markdown
never parses a large inline SVG and no search index holds one.
(The emotion curve is a lane of the stage table, drawn with it: small and without text.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from jinja2 import Environment
from markupsafe import Markup, escape

from mkdocs_journey.diagrams import (
    DEFAULT_MAX_WIDTH,
    DiagramCache,
    DiagramMarks,
    Renderer,
    RendererUnavailable,
    get_renderer,
    render_flow_diagram,
    safe_prefix,
)
from mkdocs_journey.diagrams.legend import build_legend
from mkdocs_journey.model import JourneyMap

FLOW_TEMPLATE = "journey/flow-diagram.html"


@dataclass(frozen=True)
class Drawings:
    """A page's finished flow diagrams by slot, and what drawing them reported."""

    by_slot: Mapping[str, str]
    problems: tuple[str, ...]
    notes: tuple[str, ...]


def slot_element(slot: str) -> str:
    """The empty element map.html leaves where a map's flow diagram goes."""
    return f'<div class="journey-diagram" data-journey-diagram="{escape(slot)}"></div>'


def slot_spans(html: str, page_maps: Iterable[JourneyMap]) -> dict[str, tuple[int, int]]:
    """Where in ``html`` each map's diagram slot is, by slot (the last one, when an author's
    raw HTML repeats it)."""
    spans = {}
    for journey_map in page_maps:
        slot = diagram_slot(journey_map)
        element = slot_element(slot)
        start = html.rfind(element)
        if start >= 0:
            spans[slot] = (start, start + len(element))
    return spans


def place(html: str, spans: Mapping[str, tuple[int, int]], drawings: Drawings) -> str:
    """``html`` with each slot of ``spans`` replaced by its drawing."""
    pieces: list[str] = []
    end = len(html)
    for slot, (start, stop) in sorted(spans.items(), key=lambda item: item[1], reverse=True):
        drawing = drawings.by_slot.get(slot)
        if drawing is not None:
            pieces += [html[stop:end], drawing]
            end = start
    pieces.append(html[:end])
    return "".join(reversed(pieces))


def diagram_slot(journey_map: JourneyMap) -> str:
    return f"jd-{journey_map.id}"


@dataclass
class Visuals:
    env: Environment
    renderer_name: str = "auto"
    timeout: float = 10.0
    cache: DiagramCache | None = None
    max_width: int = DEFAULT_MAX_WIDTH
    _renderer: Renderer | None = None
    _unavailable: str | None = None
    problems: list[str] = field(default_factory=list)

    def renderer(self) -> Renderer | None:
        if self._renderer is None and self._unavailable is None:
            try:
                self._renderer = get_renderer(self.renderer_name, timeout=self.timeout)
            except RendererUnavailable as error:
                self._unavailable = str(error)
                self.problems.append(self._unavailable)
        return self._renderer

    def fill(
        self,
        html: str,
        page_maps: Iterable[JourneyMap],
        volumes: Mapping[str, Mapping[tuple[str, str], int] | None] | None = None,
        marks: Mapping[str, DiagramMarks] | None = None,
    ) -> tuple[str, list[str], list[str]]:
        """Draw every slot of the page; return the page, the problems to report (warnings)
        and the notes (information: observed steps a flow does not draw, Graphviz's warnings).

        ``volumes`` maps a map id to its observed touchpoint-to-touchpoint counts; ``marks``
        to what its moments of truth mark. A flow step that names nothing in the map is not
        reported here: reading the map reported it.
        """
        page_maps = list(page_maps)
        spans = slot_spans(html, page_maps)
        drawings = self.draw(spans, page_maps, volumes, marks)
        return place(html, spans, drawings), list(drawings.problems), list(drawings.notes)

    def draw(
        self,
        slots: Iterable[str],
        page_maps: Iterable[JourneyMap],
        volumes: Mapping[str, Mapping[tuple[str, str], int] | None] | None = None,
        marks: Mapping[str, DiagramMarks] | None = None,
    ) -> Drawings:
        """The finished drawing of each of ``slots`` (see :meth:`fill`)."""
        problems: list[str] = []
        notes: list[str] = []
        maps = {diagram_slot(m): m for m in page_maps}
        by_slot: dict[str, str] = {}
        for slot in slots:
            journey_map = maps.get(slot)
            if journey_map is None:
                continue
            renderer = self.renderer()
            if renderer is None:
                by_slot[slot] = self._error(f"{self._unavailable}")
                continue
            result = render_flow_diagram(
                journey_map,
                renderer=renderer,
                cache=self.cache,
                diagram_id=slot,
                edge_volumes=(volumes or {}).get(journey_map.id),
                marks=(marks or {}).get(journey_map.id),
                max_width=self.max_width,
            )
            notes.extend(result.notes)
            if result.error or result.svg is None or result.diagram is None:
                message = result.error or f"{journey_map.id}: the flow diagram came out empty"
                problems.append(message)
                by_slot[slot] = self._error(message)
                continue
            # The SVG is our own finished drawing: every author string in it went through
            # ElementTree's escaping (see diagrams/svg.py), so it is markup, not text.
            by_slot[slot] = self.env.get_template(FLOW_TEMPLATE).render(
                svg=Markup(result.svg),  # noqa: S704
                legend=build_legend(journey_map, result.diagram),
                legend_id=f"{safe_prefix(slot)}-legend",
            )
        # "No renderer works" is said once per build, not once per diagram.
        problems.extend(self.problems)
        self.problems.clear()
        return Drawings(by_slot, tuple(problems), tuple(notes))

    def _error(self, message: str) -> str:
        return self.env.get_template("journey/diagram-error.html").render(message=message)
