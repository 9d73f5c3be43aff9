"""The core as a Python-Markdown extension, for hosts without MkDocs plugins.

MkDocs 2.0 drops plugins; Python-Markdown extensions are what other hosts (Zensical, Pelican, a
script) still run. With this extension, each ```journey fence of a document becomes its stage
table, flow diagram, emotion curve and, with ``data_sources``, its numbers, exactly as the plugin
renders them:

    import markdown
    html = markdown.markdown(text, extensions=["journey"])                 # by entry point
    html = markdown.markdown(text, extensions=[JourneyExtension(page="maps/trial.md")])

One document at a time, so what needs the whole site is left to the plugin: the index of maps,
persona and pain-point pages, ``journeys.json``, and persona references to another page.

What the host tells us, we use: under Zensical, the page being rendered names the messages and
the folder of mkdocs.yml is where data paths start (its rendering context, found by duck typing so
nothing here imports Zensical). Problems render as error boxes in the page and are logged (logger
``mkdocs_journey``) as ``page:line:column``; with ``strict`` they also fail the conversion, once
the page's messages are out. The stylesheet goes into the page as a ``<style>`` element before the
first map, as no host lets a Markdown extension add a file to the site.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from mkdocs_journey.config.extension import OPTIONS, extension_settings
from mkdocs_journey.model import Severity
from mkdocs_journey.parsing.page import read_page
from mkdocs_journey.render.environment import make_environment, stylesheet
from mkdocs_journey.settings import Settings
from mkdocs_journey.site import SLOT, JourneySite, SourcePage

log = logging.getLogger("mkdocs_journey")

# Before fenced_code (25), which would otherwise turn the fences into code blocks; after the
# raw-HTML restore (30), so the maps' HTML is never mangled by Markdown.
PREPROCESSOR_PRIORITY = 35
POSTPROCESSOR_PRIORITY = 5


class JourneyExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {name: [default, text] for name, (default, text) in OPTIONS.items()}
        super().__init__(**kwargs)
        self.site: JourneySite | None = None
        self.host: HostContext = HostContext()
        self.failures: list[str] = []

    def settings(self) -> Settings:
        """The options as the core sees them. Raises ValueError naming a bad option."""
        return extension_settings(self.getConfigs(), self.host.root_dir)

    @property
    def page(self) -> str:
        return str(self.getConfig("page") or "") or self.host.page or DEFAULT_PAGE

    @property
    def strict(self) -> bool:
        return bool(self.getConfig("strict")) or self.host.strict

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(_FindMaps(md, self), "journey", PREPROCESSOR_PRIORITY)
        md.postprocessors.register(_RenderMaps(md, self), "journey", POSTPROCESSOR_PRIORITY)

    def reset(self) -> None:
        self.site = None
        self.host = HostContext()


DEFAULT_PAGE = "page.md"


class JourneyMapError(Exception):
    """Raised after a page is converted, in strict mode, when its maps have problems."""


@dataclass(frozen=True)
class HostContext:
    """What the host says about the page being converted, when it says anything."""

    page: str = ""  # docs-relative source path
    root_dir: str = ""  # the folder of the site's config
    strict: bool = False

    @classmethod
    def of(cls, md: Markdown) -> HostContext:
        # Zensical registers a preprocessor holding the page and the site config; the name and
        # attributes are all we rely on, so this stays free of a Zensical import.
        if "rendering_context" not in md.preprocessors:
            return cls()
        context = md.preprocessors["rendering_context"]
        page = getattr(context, "page", None)
        config = getattr(context, "config", None)
        config = config if isinstance(config, dict) else {}
        path = getattr(page, "path", "")
        return cls(
            page=path if isinstance(path, str) else "",
            root_dir=str(config.get("root_dir") or ""),
            strict=config.get("strict") is True,
        )


class _FindMaps(Preprocessor):
    """Reads the document's maps (and their data) and leaves a placeholder for each."""

    def __init__(self, md: Markdown, extension: JourneyExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "journey" not in text:
            return lines
        self.extension.host = HostContext.of(self.md)
        page = self.extension.page
        settings = self.extension.settings()
        # One page at a time: analyse only the data sources this page's maps use.
        used = {
            reading.journey_map.data
            for reading in read_page(page, text, settings.stages)
            if reading.journey_map is not None and reading.journey_map.data
        }
        settings = replace(
            settings,
            data_sources={k: v for k, v in settings.data_sources.items() if k in used},
        )
        site = JourneySite(settings, make_environment())
        report = site.collect([SourcePage(page, "", text)])
        if not site.catalogue.readings_of(page):
            # Nothing of ours, e.g. a page the MkDocs plugin already turned into placeholders:
            # those are the plugin's to fill, so the page is left alone.
            return lines
        for message in report.failures:
            log.warning(message)
        for problem in report.problems:
            if problem.severity is not Severity.ERROR:
                log.info(str(problem))
        self.extension.site = site
        self.extension.failures = list(report.failures)
        return site.page_markdown(page, text).split("\n")


class _RenderMaps(Postprocessor):
    """Renders each placeholder's map, then draws its diagram and curve."""

    def __init__(self, md: Markdown, extension: JourneyExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        site = self.extension.site
        # Postprocessors also run on fragments (the toc extension renders headings with them):
        # only the document holding our placeholders is ours to fill.
        if site is None or SLOT not in text:
            return text
        page = self.extension.page
        html, problems, notes = site.page_output(page, site.page_html(page, "", text))
        problems = [*site.render_warnings, *problems]
        site.render_warnings.clear()
        for problem in problems:
            log.warning(problem)
        for note in notes:
            log.info(note)
        failures = [*self.extension.failures, *problems]
        if self.extension.getConfig("stylesheet"):
            html = _STYLE_ANCHOR.sub(lambda m: _inline_stylesheet() + m.group(0), html, count=1)
        if failures and self.extension.strict:
            raise JourneyMapError(strict_message(page, failures))
        return html


# The first map of the page (or its error box), where the stylesheet goes.
_STYLE_ANCHOR = re.compile(r'<div class="journey-map[ "]')


def _inline_stylesheet() -> str:
    return make_environment().get_template("journey/stylesheet.html").render(css=stylesheet())


def strict_message(page: str, failures: list[str]) -> str:
    count = len(failures)
    listed = "\n".join(f"  {message}" for message in failures)
    return (
        f"{page}: {count} problem{'' if count == 1 else 's'} in journey maps, and the journey "
        f"extension is strict:\n{listed}"
    )


def makeExtension(**kwargs: Any) -> JourneyExtension:
    return JourneyExtension(**kwargs)
