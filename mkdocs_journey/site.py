"""The journey site: the core service a host (the MkDocs plugin today) drives page by page.

Two phases, like mkdocs-material's blog plugin: ``collect`` reads every page's maps before any
page renders (so personas, the index and the register know every map), then each page's maps are
swapped in for placeholders as that page renders. Nothing here imports MkDocs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Generic, TypeVar

from jinja2 import Environment
from markupsafe import Markup

from mkdocs_journey import finite_json
from mkdocs_journey.analytics.evidence_coverage import site_coverage
from mkdocs_journey.analytics.health import MapHealth, map_health
from mkdocs_journey.analytics.pipeline import CACHE
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.catalogue import Catalogue, build_catalogue
from mkdocs_journey.changes.site_history import SiteHistory, load_history
from mkdocs_journey.changes.trends import TrendPoint
from mkdocs_journey.data.cache import AnalysisCache
from mkdocs_journey.data.channels import channel_names
from mkdocs_journey.diagrams import DiagramCache, DiagramMarks
from mkdocs_journey.export import JsonObject, document_text, export_document, map_record
from mkdocs_journey.joined import DataJoin, configured_sources, join_data
from mkdocs_journey.memo import MapMemo, TemplateStamp, frozen_key, same
from mkdocs_journey.model import JourneyMap, Opportunity, Problem, Severity
from mkdocs_journey.page_parts import Heading, Placeholder, headings, placeholders, summaries
from mkdocs_journey.page_text import generated_page, plain_title
from mkdocs_journey.parsing.blocks import replace_fences
from mkdocs_journey.parsing.page import MapReading, read_page
from mkdocs_journey.render.analytics_view import analytics_view, quality_view
from mkdocs_journey.render.health_view import coverage_view, diagram_marks
from mkdocs_journey.render.history_view import (
    HistoryDrawings,
    kpi_trend_table,
    map_changes,
    sparkline_slot,
    what_changed,
)
from mkdocs_journey.render.kpi_views import Dashboard, DashboardRow, dashboard, kpi_figure
from mkdocs_journey.render.views import SEVERITY_WORDS, MapRow, MapView, PainRow, map_view
from mkdocs_journey.search_form import HeldFragments, restore, search_copy
from mkdocs_journey.settings import Settings
from mkdocs_journey.suggest import did_you_mean
from mkdocs_journey.urls import relative_url
from mkdocs_journey.visuals import Visuals, diagram_slot, place, slot_spans

T = TypeVar("T")

# Placeholders survive Python-Markdown untouched: letters, digits and hyphens only.
_SLOT = "journeyslot-a7c1"
#: What every placeholder starts with: a host adapter tells its documents from fragments by it.
SLOT = _SLOT
_SLOT_PARAGRAPH = re.compile(rf"(?:<p>\s*)?{_SLOT}-(?P<name>[a-z0-9-]+)(?:\s*</p>)?")
_FIRST_H1 = re.compile(r"\A(\s*#\s[^\n]*\n)")


@dataclass(frozen=True)
class SourcePage:
    """A documentation page as the host knows it."""

    path: str  # docs-relative source path, e.g. "maps/saas-buyer.md"
    url: str  # site-relative URL, e.g. "maps/saas-buyer/"
    source: str  # the whole file, front matter included


@dataclass(frozen=True)
class Report:
    """What a host should tell the author after collecting: problems fail a strict build."""

    problems: list[Problem]
    warnings: list[str]  # not tied to one map: configuration, data quality over the threshold
    notes: list[str]  # for information: rows not used, by reason

    @property
    def failures(self) -> list[str]:
        errors = [str(p) for p in self.problems if p.severity is Severity.ERROR]
        return errors + self.warnings


@dataclass(frozen=True)
class GeneratedPage:
    path: str
    title: str
    kind: str  # "index", "persona", "pain-points", "kpis", "data-quality", "changes"
    key: str = ""  # the persona id for persona pages


class JourneySite:
    def __init__(
        self,
        settings: Settings,
        env: Environment,
        diagram_cache: DiagramCache | None = None,
        analysis_cache: AnalysisCache[DataAnalysis] | None = None,
        memo: MapMemo | None = None,
        overrides: TemplateStamp = (),
    ) -> None:
        self.settings = settings
        self.env = env
        #: Readings and rendered maps kept between builds; None reads and renders every map.
        self.memo = memo
        # What every rendered map depends on besides its own inputs: the settings and the
        # journey templates a site overrides (``overrides``, see memo.template_stamp; the
        # package's own are in the memo's keys).
        self._render_inputs = frozen_key((repr(settings), overrides))
        #: Default: the process-wide, memory-only cache of the analytics layer.
        self.analysis_cache = CACHE if analysis_cache is None else analysis_cache
        self.visuals = Visuals(
            env,
            settings.diagram_renderer,
            settings.diagram_timeout,
            diagram_cache,
            max_width=settings.diagram_max_width,
        )
        self.catalogue = Catalogue()
        self.data = DataJoin()
        self.history = SiteHistory()
        self.generated: dict[str, GeneratedPage] = {}
        self._health: dict[str, MapHealth] = {}
        #: Each map's view, by page and id, before what depends on where it is shown (view_of).
        self._views: dict[tuple[str, str], MapView] = {}
        #: What every generated listing shows, as a memo key: made once a build, on the first
        #: listing rendered (page URLs are complete only then).
        self._listing_inputs: tuple[Hashable, ...] | None = None
        #: Each map's memo token, by page and id (see _map_token), for this build.
        self._map_tokens: dict[tuple[str, str], Hashable] = {}
        self._reading_tokens: dict[tuple[str, int], Hashable] = {}
        #: Each map page's last outputs for this build's inputs, by page path (see
        #: add_page_urls).
        self._holders: dict[str, _PageHolders] = {}
        self._history_drawings: HistoryDrawings | None = None
        #: The fragments each page's HTML holds back from search plugins until page_output.
        self._held: dict[str, tuple[str, ...]] = {}
        #: Problems found while rendering pages (a placeholder naming no map...), for the host
        #: to report; it empties the list.
        self.render_warnings: list[str] = []

    # -- phase 1: every page -------------------------------------------------------------
    def collect(self, pages: Iterable[SourcePage]) -> Report:
        """Read the maps of every page and join them to their data; report what is wrong."""
        self.read_maps(pages)
        self._health = {}
        self._views = {}
        self._forget_tokens()
        sources, config_problems = configured_sources(self.settings)
        self.data, self.catalogue = join_data(
            self.catalogue, self.settings, sources, config_problems, self.analysis_cache
        )
        # Earlier versions: read once every map and its data are known (KPI values included).
        self.history = SiteHistory()
        self.history = load_history(self.settings, self.export_records, os.environ)
        self.generated = self._plan_generated_pages()
        notes = [*self.data.notes]
        if self.history.note:
            notes.append(f"compare_to: {self.history.note}")
        return Report(self.catalogue.problems, self.data.warnings, notes)

    def read_maps(self, pages: Iterable[SourcePage]) -> Catalogue:
        """Read the maps of every page and resolve references across pages (no data yet)."""
        readings: list[MapReading] = []
        urls: dict[str, str] = {}
        stages = self.settings.stages
        if self.memo is not None:
            self.memo.begin_build()
        if self.visuals.cache is not None:
            self.visuals.cache.begin_build()
        for page in pages:
            urls[page.path] = page.url
            if "journey" not in page.source:
                continue
            if self.memo is None:
                readings.extend(read_page(page.path, page.source, stages))
            else:
                read = partial(read_page, page.path, page.source, stages)
                readings.extend(self.memo.readings(page.path, page.source, stages, read))
        # Every declared name counts here: a declared but refused source is reported once, as
        # a configuration problem, not again as "unknown" on each map that uses it.
        declared = list(self.settings.data_sources)
        self.catalogue = build_catalogue(
            readings,
            data_sources=declared,
            page_urls=urls,
            channels=list(channel_names(self.settings.channels)),
        )
        return self.catalogue

    def _plan_generated_pages(self) -> dict[str, GeneratedPage]:
        base = self.settings.pages_dir.strip("/")
        pages = [
            GeneratedPage(f"{base}/index.md", "Journey maps", "index"),
            GeneratedPage(f"{base}/pain-points.md", "Pain points", "pain-points"),
        ]
        if any(stage.kpis for m in self.catalogue.maps for stage in m.stages):
            pages.append(GeneratedPage(f"{base}/kpis.md", "KPI dashboard", "kpis"))
        if self.data.sources:
            pages.append(GeneratedPage(f"{base}/data-quality.md", "Data quality", "data-quality"))
        if self.history.compares:
            pages.append(GeneratedPage(f"{base}/changes.md", "What changed", "changes"))
        pages += [
            GeneratedPage(f"{base}/personas/{persona_id}.md", persona.name, "persona", persona_id)
            for persona_id, persona in sorted(self.catalogue.personas.items())
        ]
        return {page.path: page for page in pages}

    def pages_to_fill(self) -> frozenset[str]:
        """The pages phase 2 changes: those holding maps and the generated listings. A host may
        pass every other page by without asking (most pages of a big site)."""
        return frozenset(self.generated) | {
            path for path, _ in self.catalogue.pages_with_readings()
        }

    def add_page_urls(self, urls: Mapping[str, str]) -> None:
        """The host's URLs for pages, the generated ones included (known only once added)."""
        self.catalogue.page_urls = {**self.catalogue.page_urls, **urls}
        self._forget_tokens()
        if self.memo is not None:
            # Every map page's last outputs looked up now, in one loop, rather than each in its
            # page's hooks among a thousand pages' worth of other work (measured: several times
            # cheaper); the hooks then compare the page's HTML and are done.
            for path, page_readings in self.catalogue.pages_with_readings():
                self._holders[path] = self._page_holders(
                    path, self.catalogue.page_urls.get(path, ""), page_readings
                )

    def _forget_tokens(self) -> None:
        """Drop the memo keys made from the maps and URLs known so far (both change)."""
        self._listing_inputs = None
        self._map_tokens = {}
        self._reading_tokens = {}
        self._holders = {}

    def persona_url(self, persona_id: str) -> str:
        base = self.settings.pages_dir.strip("/")
        return self.catalogue.page_urls.get(f"{base}/personas/{persona_id}.md", "")

    def generated_markdown(self, path: str) -> str:
        """The page's Markdown: its title (author text, e.g. a persona's name, kept as text) and
        the placeholder its listing fills."""
        page = self.generated[path]
        # The index and the dashboard are wide tables: they take the room of the (empty) table
        # of contents, so the index's KPI and evidence columns are in view beside the maps.
        hide = ("toc",) if page.kind in ("kpis", "index") else ()
        return generated_page(plain_title(page.title) or page.key, f"{_SLOT}-site", hide)

    # -- phase 2: page by page -------------------------------------------------------------
    def _page_holders(self, path: str, url: str, readings: list[MapReading]) -> _PageHolders:
        """What a map page's hooks made last time for inputs like this build's (with a memo)."""
        assert self.memo is not None
        memo = self.memo
        page = memo.page_keys.get(path)
        maps = [r.journey_map for r in readings if r.journey_map]
        maps_key = (
            path,
            tuple((self._map_token(m), same(self.data.by_map.get(m.id))) for m in maps),
            self._render_inputs,
        )
        html_key = ("page-html", path, url, tuple(self._reading_token(r) for r in readings))
        return _PageHolders(
            url,
            memo.kept(("markdown", page, path), LastOutput, page=page),
            memo.kept(html_key, LastOutput, page=page),
            memo.kept(("restored", *html_key), LastOutput, page=page),
            memo.kept(("filled-page", *maps_key), LastOutput, page=page),
            maps_key,
        )

    def _holders_of(self, path: str, url: str | None = None) -> _PageHolders:
        held = self._holders.get(path)
        if held is not None and (url is None or held.url == url):
            return held
        # A host that did not give the URLs first (see add_page_urls), or another URL.
        url = self.catalogue.page_urls.get(path, "") if url is None else url
        return self._page_holders(path, url, self.catalogue.readings_of(path))

    def page_markdown(self, path: str, markdown: str) -> str:
        """Swap each map block of the page for a placeholder paragraph."""
        readings = self.catalogue.readings_of(path)
        if not readings:
            return markdown
        if self.memo is None:
            return self._page_markdown(readings, markdown)
        # The Markdown is compared with last time's, which is cheaper than hashing it.
        last = self._holders_of(path).markdown
        if last.given == markdown and last.output is not None:
            return last.output
        output = self._page_markdown(readings, markdown)
        last.given, last.output = markdown, output
        return output

    @staticmethod
    def _page_markdown(readings: list[MapReading], markdown: str) -> str:
        fence_slots = [f"{_SLOT}-map-{r.block.index}" for r in readings if r.block.kind == "fence"]
        markdown = replace_fences(
            markdown, lambda n: fence_slots[n] if n < len(fence_slots) else ""
        )
        if readings[0].block.kind == "front-matter":
            slot = f"\n\n{_SLOT}-map-0\n\n"
            heading = _FIRST_H1.match(markdown)
            markdown = (
                heading.group(1) + slot + markdown[heading.end() :] if heading else slot + markdown
            )
        return markdown

    def page_html(self, path: str, url: str, html: str, *, for_search: bool = False) -> str:
        """Render the page's maps (or site listing) into their placeholders.

        A map goes where its block was written (a front-matter map under the page's title),
        or where the author put a ``<!-- journey:map -->`` placeholder; its data section
        follows the map unless a ``<!-- journey:data -->`` placeholder puts it elsewhere. A
        ``summary`` admonition moves into the "at a glance" block of the map whose block it
        follows (or of the first map, when it comes before every map's block).

        ``for_search``: a search plugin reads the page next. Each fragment rendered here then
        stands as its searchable copy (see search_form), and page_output puts it back.
        """
        output, held = self._page_html(path, url, html, for_search)
        self._held[path] = held
        return output

    def _page_html(
        self, path: str, url: str, html: str, for_search: bool
    ) -> tuple[str, tuple[str, ...]]:
        if path in self.generated:
            page = self.generated[path]
            held = HeldFragments(for_search, self._search_copy)
            filled = _SLOT_PARAGRAPH.sub(
                lambda m: (
                    held.hold(self.render_generated(page, url)) if m.group("name") == "site" else ""
                ),
                html,
            )
            return filled, tuple(held.fragments)
        page_readings = self.catalogue.readings_of(path)
        if not page_readings:
            return html, ()
        if self.memo is None:
            return self._map_page_html(path, url, html, for_search)
        # A map page whose HTML from Markdown and whose maps' inputs are unchanged gets the
        # page it got last time (compared, not searched and rendered again); unless placing
        # its maps raised warnings, which must be reported on every build.
        last = self._holders_of(path, url).html
        if last.given == (html, for_search) and last.output is not None:
            return last.output
        warnings = len(self.render_warnings)
        output = self._map_page_html(path, url, html, for_search)
        if len(self.render_warnings) == warnings:
            last.given, last.output = (html, for_search), output
        return output

    def _search_copy(self, fragment: str) -> str | None:
        # A site page's listing is rendered again on every rebuild; kept, it is the same string
        # (whose hash Python keeps), and so is its copy: a megabyte-sized KPI dashboard's copy
        # costs 30 ms to make.
        if self.memo is None:
            return search_copy(fragment)
        return self.memo.kept(("search-copy", fragment), partial(search_copy, fragment))

    def _map_page_html(
        self, path: str, url: str, html: str, for_search: bool
    ) -> tuple[str, tuple[str, ...]]:
        readings = {f"map-{r.block.index}": r for r in self.catalogue.readings_of(path)}
        slots = {m.group("name"): m for m in _SLOT_PARAGRAPH.finditer(html)}
        drawable = {r.journey_map.id: r for r in readings.values() if r.journey_map is not None}
        edits: list[tuple[int, int, str]] = []
        placed: dict[tuple[str, str], Placeholder] = {}
        for placeholder in placeholders(html):
            map_id = self._placeholder_target(path, placeholder, list(drawable))
            if map_id is None or (placeholder.part, map_id) in placed:
                if map_id is not None:
                    self.render_warnings.append(
                        f"{path}: a second <!-- journey:{placeholder.part} --> placeholder "
                        f"for the map '{map_id}' is ignored"
                    )
                edits.append((placeholder.start, placeholder.end, ""))
                continue
            placed[(placeholder.part, map_id)] = placeholder

        def written_at(map_id: str) -> int:
            # Where the map's block was written (a front-matter map: under the title).
            slot = slots.get(f"map-{drawable[map_id].block.index}")
            return slot.start() if slot else len(html)

        order = sorted(drawable, key=written_at)
        summaries_of: dict[str, list[Markup]] = {}
        for block in summaries(html) if order else []:
            before = [map_id for map_id in order if written_at(map_id) < block.start]
            owner = before[-1] if before else order[0]
            # The page's own Markdown made this HTML: it moves, it is not author text from YAML.
            summaries_of.setdefault(owner, []).append(Markup(block.html))  # noqa: S704
            edits.append((block.start, block.end, ""))

        def render(map_id: str) -> str:
            reading = drawable[map_id]
            return self.render_reading(
                reading,
                url,
                summaries=summaries_of.get(map_id, []),
                with_data=("data", map_id) not in placed,
            )

        for name, slot in slots.items():
            reading = readings.get(name)
            if reading is None:
                edits.append((slot.start(), slot.end(), ""))
            elif reading.journey_map is None:
                edits.append((slot.start(), slot.end(), self.render_reading(reading, url)))
            elif ("map", reading.journey_map.id) in placed:
                edits.append((slot.start(), slot.end(), ""))
            else:
                edits.append((slot.start(), slot.end(), render(reading.journey_map.id)))
        for (part, map_id), placeholder in placed.items():
            content = (
                render(map_id) if part == "map" else self.render_data(path, drawable[map_id], url)
            )
            edits.append((placeholder.start, placeholder.end, content))
        held = HeldFragments(for_search, self._search_copy)
        return _apply(html, edits, held.hold), tuple(held.fragments)

    def _placeholder_target(
        self, path: str, placeholder: Placeholder, map_ids: list[str]
    ) -> str | None:
        if not map_ids:
            self.render_warnings.append(
                f"{path}: <!-- journey:{placeholder.part} --> placeholder, but no map on this "
                "page could be read"
            )
            return None
        if placeholder.map_id is None:
            return map_ids[0]
        if placeholder.map_id in map_ids:
            return placeholder.map_id
        hint = did_you_mean(placeholder.map_id, map_ids)
        self.render_warnings.append(
            f"{path}: <!-- journey:{placeholder.part} {placeholder.map_id} --> names no map of "
            f"this page ({hint or 'maps here: ' + ', '.join(map_ids)})"
        )
        return None

    def render_reading(
        self,
        reading: MapReading,
        url: str,
        *,
        summaries: list[Markup] | None = None,
        with_data: bool = True,
    ) -> str:
        if self.memo is None:
            return self._render_reading(reading, url, summaries or [], with_data)
        key = (self._reading_token(reading), url, tuple(summaries or ()), with_data)
        return self.memo.fragment(
            key,
            lambda: self._render_reading(reading, url, summaries or [], with_data),
            self.memo.page_keys.get(reading.page),
        )

    def _reading_token(self, reading: MapReading) -> Hashable:
        """Everything a map's rendering depends on besides its page's URL and HTML, as a memo
        key made once a build (and again once the generated pages' URLs are known)."""
        made = self._reading_tokens.get((reading.page, reading.block.index))
        if made is not None:
            return made
        map_id = reading.journey_map.id if reading.journey_map else ""
        persona = reading.journey_map.persona if reading.journey_map else None
        page_key = self.memo.page_keys.get(reading.page) if self.memo else None
        made = frozen_key(
            (
                # The reading as read (by its page's key: cheaper to hash than the model) and
                # what the catalogue changed in it (the persona a reference names, problems
                # across pages).
                (page_key, reading.block, persona, reading.problems) if page_key else reading,
                self._render_inputs,
                same(self.data.by_map.get(map_id)),
                self.persona_url(persona.id) if persona else "",
                self.catalogue.page_urls.get(
                    f"{self.settings.pages_dir.strip('/')}/data-quality.md"
                ),
                self.currency_of(reading.journey_map) if reading.journey_map else "",
                repr(map_changes(self.history, map_id)),
                repr(kpi_trend_table(self.history, map_id)),
            )
        )
        self._reading_tokens[(reading.page, reading.block.index)] = made
        return made

    def _render_reading(
        self, reading: MapReading, url: str, summaries: list[Markup], with_data: bool
    ) -> str:
        if reading.journey_map is None:
            return self.env.get_template("journey/broken-map.html").render(
                label=reading.label, problems=reading.problems
            )
        # Information (feelings vs behaviour) has its own place on the map, not the problems box.
        problems = tuple(p for p in reading.problems if p.severity is not Severity.INFO)
        view = self.view_of(reading.journey_map, url, problems, visuals=True)
        map_id = reading.journey_map.id
        return self.env.get_template("journey/map.html").render(
            view=view,
            summaries=summaries,
            with_data=with_data,
            changes=map_changes(self.history, map_id),
            kpi_trends=kpi_trend_table(self.history, map_id),
        )

    def render_data(self, path: str, reading: MapReading, url: str) -> str:
        """A map's data section on its own, where a ``<!-- journey:data -->`` placeholder is."""
        assert reading.journey_map is not None
        view = self.view_of(reading.journey_map, url, visuals=True)
        if view.analytics is None:
            self.render_warnings.append(
                f"{path}: <!-- journey:data --> placeholder for the map "
                f"'{reading.journey_map.id}', which has no data source (its `data` key)"
            )
            return ""
        return self.env.get_template("journey/analytics.html").render(
            analytics=view.analytics, anchor=view.anchor
        )

    def page_headings(self, html: str) -> list[Heading]:
        """The headings of a finished page; those the plugin rendered carry their label."""
        if self.memo is None:
            return headings(html)
        # Kept by the page's HTML: a `mkdocs serve` rebuild would search every map page again.
        return self.memo.kept(("headings", html), partial(headings, html))

    def page_output(self, path: str, html: str) -> tuple[str, list[str], list[str]]:
        """Draw the flow diagrams and history drawings of the page's maps into its finished
        content HTML (after search plugins have read it); also return the problems to report
        as warnings and the notes to log as information."""
        held = self._held.pop(path, ())
        # An unchanged map page is given the same lean HTML and fragments as last time (the
        # same objects, from the memo): its restored HTML is the same too, compared not made.
        last = (
            self._holders_of(path).restored
            if self.memo and held and path not in self.generated
            else None
        )
        if last is not None and last.given == (html, held) and last.output is not None:
            html, missing = last.output, 0
        else:
            lean, (html, missing) = html, restore(html, held)
            if last is not None and not missing:
                last.given, last.output = (lean, held), html
        content, problems, notes = self._filled_page(path, html)
        if missing:
            problems = [
                *problems,
                f"{path}: another plugin rewrote {missing} of the plugin's parts of this page "
                "before the theme rendered it; they are shown as the search index's plain text",
            ]
        return content, problems, notes

    def _filled_page(self, path: str, html: str) -> tuple[str, list[str], list[str]]:
        if self._history_drawings is None or self._history_drawings.history is not self.history:
            self._history_drawings = HistoryDrawings(self.env, self.history)
        html = self._history_drawings.fill(html)
        maps = [r.journey_map for r in self.catalogue.readings_of(path) if r.journey_map]
        if not maps:
            return html, [], []
        if self.memo is None:
            return self.visuals.fill(html, maps, self._volumes(maps), self._marks(maps))
        # Drawing a map page's diagrams costs about a millisecond a map, for every map page on
        # every `mkdocs serve` rebuild: the drawings of an unchanged map (the same map, data and
        # settings, which give the same flow volumes and moment marks) are kept. Drawings with
        # problems are made again, so that their problems are reported on every build.
        # And the page as filled last time, for the same maps: a page whose HTML is unchanged
        # (compared, which is cheaper than hashing it) gets the same result again.
        holders = self._holders_of(path)
        maps_key, last = holders.maps_key, holders.output
        page = self.memo.page_keys.get(path)
        if last.given == html and last.output is not None:
            return last.output
        spans = slot_spans(html, maps)
        drawings = self.memo.kept(
            ("drawings", tuple(spans), *maps_key),
            lambda: self.visuals.draw(spans, maps, self._volumes(maps), self._marks(maps)),
            page=page,
            keep=lambda made: not made.problems,
        )
        output = (place(html, spans, drawings), list(drawings.problems), list(drawings.notes))
        if not drawings.problems:
            last.given, last.output = html, output
        return output

    def _volumes(self, maps: list[JourneyMap]) -> dict[str, Mapping[tuple[str, str], int] | None]:
        return {m.id: self.data.edge_volumes(m.id) for m in maps}

    def _marks(self, maps: list[JourneyMap]) -> dict[str, DiagramMarks]:
        return {m.id: diagram_marks(m, self.health(m).moments) for m in maps}

    def view_of(
        self,
        journey_map: JourneyMap,
        url: str,
        problems: tuple[Problem, ...] = (),
        *,
        visuals: bool = False,
    ) -> MapView:
        draw = visuals and self.settings.diagrams and journey_map.diagram.enabled
        analysis = self.data.by_map.get(journey_map.id) if visuals else None
        quality = self.catalogue.page_urls.get(
            f"{self.settings.pages_dir.strip('/')}/data-quality.md"
        )
        persona = journey_map.persona
        persona_target = self.persona_url(persona.id) if persona else ""
        # A map is shown on its page and as a row of every listing it is in: its emotion lane,
        # glance and KPI figures are made once a build, not once for each of these.
        view = self._views.get((journey_map.page, journey_map.id))
        if view is None or view.journey_map is not journey_map:
            view = map_view(
                journey_map,
                today=self.settings.today,
                layout=self.settings.layout,
                health=self.health(journey_map),
            )
            self._views[(journey_map.page, journey_map.id)] = view
        return replace(
            view,
            persona_url=relative_url(persona_target, url) if persona_target else None,
            problems=problems,
            diagram_slot=diagram_slot(journey_map) if draw else None,
            analytics=(
                analytics_view(
                    analysis,
                    journey_map,
                    relative_url(quality, url) if quality else None,
                    currency=self.currency_of(journey_map),
                    anchor=f"journey-{journey_map.id}",
                )
                if analysis is not None
                else None
            ),
        )

    def currency_of(self, journey_map: JourneyMap) -> str:
        """The currency of a map's revenue: its data source's, else the site's."""
        source = self.data.sources.get(journey_map.data or "")
        return (source.currency if source is not None else "") or self.settings.currency

    # -- site-wide pages -------------------------------------------------------------------
    def render_generated(self, page: GeneratedPage, url: str) -> str:
        if self.memo is None or page.kind == "changes":
            return self._render_generated(page, url)
        if page.kind == "kpis":
            # The dashboard shows its board and nothing else: the same board object (see
            # kpi_dashboard), the same page.
            board = self.kpi_dashboard(url)
            key: Hashable = ("kpis-page", page, url, same(board), self._render_inputs)
            return self.memo.kept(key, partial(self._dashboard_page, board))
        if page.kind == "persona":
            # A persona's page lists only its maps: an edit elsewhere leaves it as it was.
            maps = self.catalogue.maps_of_persona(page.key)
            key = (
                "persona-page",
                page,
                url,
                self.catalogue.personas.get(page.key),
                tuple(self._row_key(m, url) for m in maps),
            )
            return self.memo.kept(key, partial(self._render_generated, page, url))
        if self._listing_inputs is None:
            self._listing_inputs = (
                # Every map as read, and every page's URL: what the listings show and link to.
                tuple(self.memo.page_keys.items()),
                tuple(sorted(self.catalogue.page_urls.items())),
                tuple(same(analysis) for analysis in self.data.by_source.values()),
                tuple(same(analysis) for analysis in self.data.by_map.values()),
                self._render_inputs,
            )
        key = ("site-page", page, url, self._listing_inputs)
        return self.memo.kept(key, partial(self._render_generated, page, url))

    def _render_generated(self, page: GeneratedPage, url: str) -> str:
        if page.kind == "index":
            rows = self._rows(self.catalogue.maps, url)
            return self.env.get_template("journey/index.html").render(
                rows=rows,
                row_html=self._rows_html(rows, url, without_persona=False),
                personas=self._persona_items(url),
                coverage=coverage_view(
                    site_coverage(self.health(m).coverage for m in self.catalogue.maps)
                ),
            )
        if page.kind == "persona":
            rows = self._rows(self.catalogue.maps_of_persona(page.key), url)
            return self.env.get_template("journey/persona.html").render(
                persona=self.catalogue.personas[page.key],
                rows=rows,
                row_html=self._rows_html(rows, url, without_persona=True),
            )
        if page.kind == "data-quality":
            return self.env.get_template("journey/data-quality.html").render(
                quality=quality_view(
                    list(self.data.by_source.values()), self.settings.max_rejected_share
                )
            )
        if page.kind == "kpis":
            return self._dashboard_page(self.kpi_dashboard(url))
        if page.kind == "changes":
            urls = {m.id: relative_url(self._map_url(m), url) for m in self.catalogue.maps}
            return self.env.get_template("journey/what-changed.html").render(
                page=what_changed(self.history, urls)
            )
        pains = self._pain_rows(url)
        return self.env.get_template("journey/pain-points.html").render(
            rows=[row for row, _ in pains],
            row_html=self._pain_rows_html(pains),
            severity_words=SEVERITY_WORDS,
        )

    def _dashboard_page(self, board: Dashboard) -> str:
        return self.env.get_template("journey/kpi-dashboard.html").render(
            board=board, row_html=self._dashboard_rows_html(board)
        )

    def kpi_dashboard(self, url: str) -> Dashboard:
        """Every KPI of every map, for the dashboard page at ``url``."""
        if self.memo is None:
            return dashboard(
                [row for m in self.catalogue.maps for row in self._dashboard_rows_of(m, url)]
            )
        memo = self.memo
        parts: list[tuple[DashboardRow, ...]] = []
        for journey_map in self.catalogue.maps:
            trends = repr(self.history.trends.of_map(journey_map.id))
            key = (*self._row_key(journey_map, url), "kpi-rows", trends)
            page = memo.page_keys.get(journey_map.page)
            made = memo.kept(key, partial(self._dashboard_rows_of, journey_map, url), page=page)
            # An edit that left the map's KPIs as they were leaves the whole board as it was.
            parts.append(memo.settled(("kpi-rows", journey_map.id, url), made))
        return memo.kept(
            ("dashboard", url, tuple(same(part) for part in parts)),
            lambda: dashboard([row for part in parts for row in part]),
        )

    def _dashboard_rows_of(self, journey_map: JourneyMap, url: str) -> tuple[DashboardRow, ...]:
        stage_order = {name: number for number, name in enumerate(self.settings.stages)}
        series = self.history.trends.of_map(journey_map.id)
        trend_numbers = {(one.stage, one.name): n for n, one in enumerate(series)}
        link = relative_url(self._map_url(journey_map), url) + f"#journey-{journey_map.id}"
        rows = []
        for item in self.health(journey_map).kpis:
            number = trend_numbers.get((item.stage.name, item.kpi.name))
            rows.append(
                DashboardRow(
                    figure=kpi_figure(item, journey_map.review_every),
                    map_id=journey_map.id,
                    map_title=journey_map.title,
                    map_url=link,
                    persona=journey_map.persona.name if journey_map.persona else "",
                    owner=journey_map.owner,
                    stage_order=stage_order.get(item.stage.name, len(stage_order)),
                    order=0,
                    trend_slot=None if number is None else sparkline_slot(journey_map.id, number),
                )
            )
        return tuple(rows)

    def _rows(self, maps: Iterable[JourneyMap], url: str) -> list[MapRow]:
        rows = [self._row(m, url) for m in maps]
        return sorted(rows, key=lambda row: row.view.journey_map.title.lower())

    def _row(self, journey_map: JourneyMap, url: str) -> MapRow:
        def row() -> MapRow:
            return MapRow(
                self.view_of(journey_map, url), relative_url(self._map_url(journey_map), url)
            )

        if self.memo is None:
            return row()
        page_key = self.memo.page_keys.get(journey_map.page)
        return self.memo.kept(self._row_key(journey_map, url), row, page=page_key)

    def _row_key(self, journey_map: JourneyMap, url: str) -> tuple[Hashable, ...]:
        # The map's analysis is part of it: a row shows the KPI statuses its data gives.
        return (
            "row",
            self._map_token(journey_map),
            same(self.data.by_map.get(journey_map.id)),
            url,
            self._map_url(journey_map),
            self._render_inputs,
        )

    def _rows_html(self, rows: list[MapRow], url: str, *, without_persona: bool) -> list[Markup]:
        """Each row of a table of maps as rendered; kept by the memo, so that a listing of
        hundreds of maps renders only the rows of the maps that changed."""
        template = self.env.get_template("journey/map-table-row.html")

        def rendered(row: MapRow) -> Markup:
            # Our own template's output, every author string in it escaped by autoescape.
            return Markup(template.render(row=row, without_persona=without_persona))  # noqa: S704

        if self.memo is None:
            return [rendered(row) for row in rows]
        return [
            self.memo.kept(
                (*self._row_key(row.view.journey_map, url), without_persona, "html"),
                partial(rendered, row),
                page=self.memo.page_keys.get(row.view.journey_map.page),
            )
            for row in rows
        ]

    def _map_token(self, journey_map: JourneyMap) -> Hashable:
        """A map as a memo key: its page's reading key and what the catalogue resolved in it
        (the persona a reference names), cheaper to hash than the whole model."""
        page_key = self.memo.page_keys.get(journey_map.page) if self.memo else None
        if page_key is None:
            return journey_map
        # Made once a build (and again once the generated pages' URLs are known): every key
        # of the map's fragments holds it, and a persona is a deep value to hash.
        made = self._map_tokens.get((journey_map.page, journey_map.id))
        if made is None:
            persona = journey_map.persona
            made = frozen_key(
                (page_key, journey_map.id, persona, self.persona_url(persona.id) if persona else "")
            )
            self._map_tokens[(journey_map.page, journey_map.id)] = made
        return made

    def _persona_items(self, url: str) -> list[dict[str, Any]]:
        return [
            {
                "persona": persona,
                "url": relative_url(self.persona_url(persona_id), url),
                "count": len(self.catalogue.maps_of_persona(persona_id)),
            }
            for persona_id, persona in sorted(self.catalogue.personas.items())
        ]

    def _dashboard_rows_html(self, board: Dashboard) -> list[Markup]:
        """The dashboard's rows as rendered, kept by the memo, so that after an edit only the
        changed map's rows, and rows whose place in the order moved, are rendered again. A
        row is known by its figure object: each map's rows are kept, figures included, under
        everything they show (see kpi_dashboard), so an unchanged map hands out the same ones."""
        template = self.env.get_template("journey/kpi-dashboard-row.html")

        def rendered(row: DashboardRow) -> Markup:
            # Our own template's output, every author string in it escaped by autoescape.
            return Markup(template.render(row=row, has_trends=board.has_trends))  # noqa: S704

        if self.memo is None:
            return [rendered(row) for row in board.rows]
        pages = {m.id: self.memo.page_keys.get(m.page) for m in self.catalogue.maps}
        return [
            self.memo.kept(
                ("kpi-row", same(row.figure), row.order, board.has_trends),
                partial(rendered, row),
                page=pages.get(row.map_id),
            )
            for row in board.rows
        ]

    def _pain_rows_html(self, rows: list[tuple[PainRow, Hashable]]) -> list[Markup]:
        """The register's rows as rendered, each kept by the memo under its map's row key and
        its place among the map's pain points."""
        template = self.env.get_template("journey/pain-point-row.html")

        def rendered(row: PainRow) -> Markup:
            # Our own template's output, every author string in it escaped by autoescape.
            return Markup(template.render(row=row))  # noqa: S704

        if self.memo is None:
            return [rendered(row) for row, _ in rows]
        return [
            self.memo.kept(
                key,
                partial(rendered, row),
                page=self.memo.page_keys.get(row.journey_map.page),
            )
            for row, key in rows
        ]

    def _pain_rows(self, url: str) -> list[tuple[PainRow, Hashable]]:
        """Every pain point of the site, worst first, each with its memo key."""
        rows: list[tuple[PainRow, Hashable]] = []
        for journey_map in self.catalogue.maps:
            made = partial(self._pain_rows_of, journey_map, url)
            if self.memo is None:
                rows += made()
            else:
                key = (*self._row_key(journey_map, url), "pain-rows")
                page = self.memo.page_keys.get(journey_map.page)
                rows += self.memo.kept(key, made, page=page)
        return sorted(
            rows,
            key=lambda r: (-r[0].pain.severity, r[0].journey_map.title.lower(), r[0].pain.text),
        )

    def _pain_rows_of(
        self, journey_map: JourneyMap, url: str
    ) -> tuple[tuple[PainRow, Hashable], ...]:
        row_key = self._row_key(journey_map, url)
        fixes_of: dict[str | None, list[Opportunity]] = {}
        for stage in journey_map.stages:
            for opportunity in stage.opportunities:
                fixes_of.setdefault(opportunity.addresses, []).append(opportunity)
        rows = []
        for number, (stage, pain) in enumerate(journey_map.pain_points()):
            anchor = f"#journey-{journey_map.id}-pain-{pain.id}"
            row = PainRow(
                journey_map,
                stage.name,
                pain,
                relative_url(self._map_url(journey_map), url) + anchor,
                tuple(fixes_of.get(pain.id, ())),
            )
            rows.append((row, frozen_key((*row_key, "pain", number))))
        return tuple(rows)

    def _map_url(self, journey_map: JourneyMap) -> str:
        return self.catalogue.url_of(journey_map)

    def health(self, journey_map: JourneyMap) -> MapHealth:
        """The map's KPI statuses, moments of truth, feelings vs behaviour and evidence
        coverage (computed once per build)."""
        found = self._health.get(journey_map.id)
        if found is None:
            analysis = self.data.by_map.get(journey_map.id)

            def made() -> MapHealth:
                return map_health(
                    journey_map, analysis, self.settings.today, self.settings.moment_min_leads
                )

            if self.memo is None:
                found = made()
            else:
                key = ("health", self._map_token(journey_map), same(analysis), self._render_inputs)
                page = self.memo.page_keys.get(journey_map.page)
                found = self.memo.kept(key, made, page=page)
            self._health[journey_map.id] = found
        return found

    def export_records(self, *, analytics: bool = False) -> list[dict[str, Any]]:
        """Every readable map as its ``journeys.json`` record."""
        return [self._record(m, analytics=analytics) for m in self.catalogue.maps]

    def _record(self, journey_map: JourneyMap, *, analytics: bool) -> dict[str, Any]:
        analysis = self.data.by_map.get(journey_map.id) if analytics else None

        def record() -> dict[str, Any]:
            health = self.health(journey_map) if analytics else None
            return map_record(
                journey_map,
                url=self._map_url(journey_map),
                today=self.settings.today,
                analytics=analysis.to_json() if analysis is not None else None,
                kpi_trend=self._trend_of(journey_map.id),
                moments=health.moments if health else None,
                feelings=health.feelings if health else None,
                coverage=health.coverage if health else None,
            )

        if self.memo is None:
            return record()
        key = (
            "record",
            analytics,
            self._map_token(journey_map),
            self._map_url(journey_map),
            same(analysis),
            repr(self.history.trends.of_map(journey_map.id)),
            self._render_inputs,
        )
        # Shared with the next build: readers (the export, the history) only read records.
        return self.memo.kept(key, record, page=self.memo.page_keys.get(journey_map.page))

    def _trend_of(self, map_id: str) -> Callable[[str, str], Sequence[TrendPoint] | None]:
        def points(stage: str, kpi: str) -> Sequence[TrendPoint] | None:
            series = self.history.trends.of(map_id, stage, kpi)
            return series.points if series else None

        return points

    def export_json(self) -> str:
        document = export_document(self.export_records(analytics=True), self.settings.today)
        if self.memo is None:
            return finite_json.dumps(
                document, self.settings.json_export, indent=2, ensure_ascii=False
            )
        memo = self.memo
        # Each record's text lives as long as its map's page is unchanged (kept even through
        # builds that reuse the whole text below and so never ask for it).
        pages = {
            id(record): memo.page_keys.get(journey_map.page)
            for journey_map, record in zip(self.catalogue.maps, document["maps"], strict=True)
        }

        def kept(record: JsonObject, make: Callable[[], str]) -> str:
            return memo.kept(("record-text", same(record)), make, page=pages.get(id(record)))

        # The same records (kept objects) on the same day: the same text as the last build.
        key = ("journeys-json", self.settings.today, tuple(same(r) for r in document["maps"]))
        return memo.kept(key, lambda: document_text(document, self.settings.json_export, kept))


@dataclass
class LastOutput(Generic[T]):
    """A page's text (Markdown or HTML) as a hook was given it last time (with the hook's
    options, if any), and what it made."""

    given: object = None
    output: T | None = None


@dataclass(frozen=True)
class _PageHolders:
    """A map page's last outputs in each hook, for this build's inputs (see page_markdown,
    page_html and page_output), and the key of its maps' drawings."""

    url: str
    markdown: LastOutput[str]
    html: LastOutput[tuple[str, tuple[str, ...]]]
    restored: LastOutput[str]
    output: LastOutput[tuple[str, list[str], list[str]]]
    maps_key: tuple[Hashable, ...]


def _apply(
    html: str, edits: list[tuple[int, int, str]], hold: Callable[[str], str] | None = None
) -> str:
    """Replace spans of ``html``; a span inside one already replaced (the later of two that
    start at one place) is dropped. ``hold``, if given, is applied to each new text in page
    order."""
    kept: list[tuple[int, int, str]] = []
    end = len(html)
    for start, stop, text in sorted(edits, key=lambda edit: edit[0], reverse=True):
        if stop > end:
            continue
        kept.append((start, stop, text))
        end = start
    pieces: list[str] = []
    position = 0
    for start, stop, text in reversed(kept):
        pieces += [html[position:start], hold(text) if hold is not None and text else text]
        position = stop
    pieces.append(html[position:])
    return "".join(pieces)
