"""The MkDocs adapter: MkDocs events in, calls to :class:`mkdocs_journey.site.JourneySite` out.

Everything a future host needs is in the core; this module only translates MkDocs objects.
"""

from __future__ import annotations

import html
import logging
import os
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from mkdocs_journey import finite_json
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.config import JourneyConfig
from mkdocs_journey.data.cache import AnalysisCache
from mkdocs_journey.diagrams import DiagramCache
from mkdocs_journey.joined import disk_analysis_cache
from mkdocs_journey.memo import MapMemo, TemplateStamp, package_fingerprint, template_stamp
from mkdocs_journey.model import Severity
from mkdocs_journey.page_parts import Heading
from mkdocs_journey.render.code_cache import code_cache
from mkdocs_journey.render.environment import (
    dashboard_script,
    forget_templates,
    make_environment,
    stylesheet,
)
from mkdocs_journey.site import JourneySite, SourcePage

log = get_plugin_logger("journey")

CSS_PATH = "assets/journey/journey.css"
JS_PATH = "assets/journey/journey-kpis.js"


class JourneyPlugin(BasePlugin[JourneyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: JourneySite | None = None
        self.diagram_cache: DiagramCache | None = None
        self.analysis_cache: AnalysisCache[DataAnalysis] | None = None
        self.memo: MapMemo | None = None
        #: The templates, compiled once per theme folders (and template_cache setting) and kept
        #: across `mkdocs serve` rebuilds, with the overrides as they were (see on_config):
        #: compiling them is about 0.13 s.
        self.environment: tuple[tuple[tuple[str, ...], bool], Environment] | None = None
        self.overrides: TemplateStamp = ()
        self.page_texts = PageTexts()
        #: The pages this build's page hooks change (see JourneySite.pages_to_fill): the hooks
        #: run for every page of the site, and pass the others by with one look-up.
        self.pages_to_fill: frozenset[str] = frozenset()
        #: Every warning of this build, for strict mode when ``-q`` hides them (see on_post_build).
        self.failures: list[str] = []

    # Defining on_startup keeps this instance across `mkdocs serve` rebuilds, and with it the
    # in-memory diagram and analysis caches and the map memo.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.diagram_cache = None
        self.analysis_cache = None
        self.memo = None
        self.environment = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.failures = []
        self.pages_to_fill = frozenset()
        if not self.config.enabled:
            return None
        project_dir = Path(config.config_file_path or ".").resolve().parent
        settings = self.config.to_settings(project_dir, Path(config.docs_dir))
        if self.diagram_cache is None or self.diagram_cache.directory != settings.cache_path:
            self.diagram_cache = DiagramCache(settings.cache_path)
            self.analysis_cache = disk_analysis_cache(settings)
            self.memo = None
        if not settings.map_cache:
            self.memo = None
        elif self.memo is None:
            self.memo = MapMemo(settings.cache_path / "maps")
        shape = (tuple(config.theme.dirs), bool(self.config.template_cache))
        overrides = template_stamp(shape[0])
        if self.environment is None or self.environment[0] != shape:
            theme_dirs, compiled = shape
            cache = code_cache(package_fingerprint()) if compiled else None
            self.environment = (shape, make_environment(theme_dirs, cache))
        elif overrides != self.overrides:
            # An override edited, added or removed during `mkdocs serve`.
            forget_templates(self.environment[1])
        self.overrides = overrides
        self.site = JourneySite(
            settings,
            self.environment[1],
            self.diagram_cache,
            self.analysis_cache,
            self.memo,
            overrides,
        )
        if CSS_PATH not in config.extra_css:
            config.extra_css.append(CSS_PATH)
        if JS_PATH not in [str(script) for script in config.extra_javascript]:
            config.extra_javascript.append(JS_PATH)
        return config

    # Runs after other plugins have added their files, so generated pages see every map.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.site is None:
            return None
        pages = [
            SourcePage(f.src_uri, f.url, self.page_texts.text(f))
            for f in files.documentation_pages()
            if f.src_uri.endswith(".md")
        ]
        report = self.site.collect(pages)
        for message in report.failures:
            self._warn(message)
        for problem in report.problems:
            if problem.severity is not Severity.ERROR:
                log.info(str(problem))
        for note in report.notes:
            log.info(note)
        for path in self.site.generated:
            if files.get_file_from_path(path) is None:
                files.append(
                    File.generated(config, path, content=self.site.generated_markdown(path))
                )
        try:
            export = self.site.export_json()
        except finite_json.NonFiniteNumber as error:
            raise PluginError(str(error)) from error
        for path, content in (
            (CSS_PATH, stylesheet()),
            (JS_PATH, dashboard_script()),
            (self.config.json_export, export),
        ):
            files.append(File.generated(config, path, content=content))
        self.site.add_page_urls({f.src_uri: f.url for f in files.documentation_pages()})
        self.pages_to_fill = self.site.pages_to_fill()
        return files

    # Early, so fences become placeholders before other plugins or Markdown see them.
    @event_priority(50)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.site is None or page.file.src_uri not in self.pages_to_fill:
            return None
        return self.site.page_markdown(page.file.src_uri, markdown)

    # Before the search plugin reads page.content and page.toc, so the stage grids are
    # searchable text and the maps' sections are entries of the table of contents and search.
    # The search plugin reads a lean copy of the maps' markup (see search_form), a quarter of
    # the cost to index; on_page_context puts the full markup back.
    @event_priority(50)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.site is None or page.file.src_uri not in self.pages_to_fill:
            return None
        output = self.site.page_html(page.file.src_uri, page.url, html, for_search=True)
        for message in self.site.render_warnings:
            self._warn(message)
        self.site.render_warnings.clear()
        if output != html:
            page.toc = _with_map_sections(page.toc, self.site.page_headings(output))
        return output

    # After the search plugin has indexed the page (its on_page_context, at the default
    # priority), so SVGs stay out of it; into the page's content, before the theme puts the
    # content into the page (a tenth of the page's size on a site with a large navigation).
    @event_priority(-100)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.site is None or page.file.src_uri not in self.pages_to_fill:
            return None
        if page.content is None:
            return None
        content, problems, notes = self.site.page_output(page.file.src_uri, page.content)
        page.content = content
        for problem in problems:
            self._warn(problem)
        for note in notes:
            log.info(note)
        return context

    def _warn(self, message: str) -> None:
        self.failures.append(message)
        log.warning(message)

    # Cache trouble costs time, not correctness: worth a line in the log, not a warning.
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for cache in (self.diagram_cache, self.analysis_cache, self.memo):
            if cache is not None:
                for message in cache.errors:
                    log.info(message)
                cache.errors.clear()
        # `--strict -q` (a common CI spelling): MkDocs drops warnings below its log level before
        # its strict-mode counter sees them, so a broken map would pass. Stop the build here,
        # as an error, which -q still shows; without -q MkDocs' own counter does the job.
        if config.strict and self.failures and not log.isEnabledFor(logging.WARNING):
            raise PluginError(strict_failure_message(self.failures))

    # Data files live outside docs/: watch them so an edited export rebuilds the site.
    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.site is not None:
            for path in self.site.data.data_files:
                server.watch(str(path))
        return server


class PageTexts:
    """The Markdown of each page, read again only when its file changed: a `mkdocs serve`
    rebuild of a 1,000-page site would otherwise read every page to find the one edited."""

    def __init__(self, settling_ns: int = 2_000_000_000) -> None:
        #: A file changed this recently is read whatever its stat says: two writes within the
        #: file system's timestamp granularity can leave size and times as they were.
        self.settling_ns = settling_ns
        self._known: dict[str, tuple[tuple[int, ...], str]] = {}

    def text(self, file: File) -> str:
        path = file.abs_src_path
        if path is None:  # made in memory by a plugin
            return file.content_string
        try:
            stat = os.stat(path)
        except OSError:
            return file.content_string  # MkDocs' own read says what is wrong
        signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        known = self._known.get(path)
        if known is not None and known[0] == signature:
            return known[1]
        text = file.content_string
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > self.settling_ns:
            self._known[path] = (signature, text)
        return text


def strict_failure_message(failures: list[str]) -> str:
    count = len(failures)
    listed = "\n".join(f"  {message}" for message in failures)
    return (
        f"journey: {count} problem{'' if count == 1 else 's'} in journey maps or their data, "
        f"and strict mode is on:\n{listed}"
    )


def _with_map_sections(toc: TableOfContents, headings: list[Heading]) -> TableOfContents:
    """The page's table of contents with the headings the plugin rendered, in page order.

    Markdown's entries are kept as they are (titles, ids); a rendered heading becomes a new
    entry, its label escaped the way Markdown's toc escapes titles (themes print them raw).
    """
    existing: dict[str, AnchorLink] = {}

    def flatten(links: list[AnchorLink]) -> None:
        for link in links:
            existing[link.id] = link
            flatten(link.children)

    flatten(list(toc))
    found = {heading.id for heading in headings}
    if not set(existing) <= found:
        return toc  # headings we cannot place (made by something else): leave the toc alone
    flat: list[AnchorLink] = []
    for heading in headings:
        if heading.id in existing:
            link = existing[heading.id]
        elif heading.label is not None:
            link = AnchorLink(html.escape(heading.label, quote=False), heading.id, heading.level)
        else:
            continue
        link.children = []
        flat.append(link)
    roots: list[AnchorLink] = []
    parents: list[AnchorLink] = []
    for link in flat:
        while parents and parents[-1].level >= link.level:
            parents.pop()
        (parents[-1].children if parents else roots).append(link)
        parents.append(link)
    return TableOfContents(roots)
