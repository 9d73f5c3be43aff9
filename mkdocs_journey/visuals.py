"""Drawing the flow diagrams into a finished page.

They are inserted last, into empty slot elements of the page's HTML, so Python-Markdown never
parses a large inline SVG and search plugins (which read the page content earlier) never index it.
(The emotion curve is a lane of the stage table, drawn with it: small and without text.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from jinja2 import Environment
from markupsafe import Markup

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

_DIAGRAM_SLOT = re.compile(
    r'<div class="journey-diagram" data-journey-diagram="(?P<slot>[^"]+)"></div>'
)


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
        problems: list[str] = []
        notes: list[str] = []
        page_maps = list(page_maps)
        maps = {diagram_slot(m): m for m in page_maps}

        def diagram(match: re.Match[str]) -> str:
            journey_map = maps.get(match.group("slot"))
            if journey_map is None:
                return match.group(0)
            renderer = self.renderer()
            if renderer is None:
                return self._error(f"{self._unavailable}")
            result = render_flow_diagram(
                journey_map,
                renderer=renderer,
                cache=self.cache,
                diagram_id=match.group("slot"),
                edge_volumes=(volumes or {}).get(journey_map.id),
                marks=(marks or {}).get(journey_map.id),
                max_width=self.max_width,
            )
            notes.extend(result.notes)
            if result.error or result.svg is None or result.diagram is None:
                message = result.error or f"{journey_map.id}: the flow diagram came out empty"
                problems.append(message)
                return self._error(message)
            # The SVG is our own finished drawing: every author string in it went through
            # ElementTree's escaping (see diagrams/svg.py), so it is markup, not text.
            return self.env.get_template(FLOW_TEMPLATE).render(
                svg=Markup(result.svg),  # noqa: S704
                legend=build_legend(journey_map, result.diagram),
                legend_id=f"{safe_prefix(match.group('slot'))}-legend",
            )

        html = _DIAGRAM_SLOT.sub(diagram, html)
        # "No renderer works" is said once per build, not once per diagram.
        problems.extend(self.problems)
        self.problems.clear()
        return html, problems, notes

    def _error(self, message: str) -> str:
        return self.env.get_template("journey/diagram-error.html").render(message=message)
