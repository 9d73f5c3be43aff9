"""The core as a Python-Markdown extension, for hosts without MkDocs plugins.

MkDocs 2.0 drops plugins; Python-Markdown extensions are what other hosts (a MkDocs successor,
Pelican, a script) still run. With this extension, each ```journey fence of a document becomes
its stage table, flow diagram, emotion curve and, with ``data_sources``, its numbers, exactly as
the plugin renders them:

    import markdown
    html = markdown.markdown(text, extensions=["journey"])                 # by entry point
    html = markdown.markdown(text, extensions=[JourneyExtension(page="maps/trial.md")])

One document at a time, so what needs the whole site is left to the plugin: the index of maps,
persona and pain-point pages, ``journeys.json``, and persona references to another page. The
stylesheet is the host's to include (``mkdocs-journey stylesheet > journey.css``). Problems render
as error boxes in the page and are logged (logger ``mkdocs_journey``) as ``page:line:column``.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from mkdocs_journey.model import DEFAULT_STAGES, Severity
from mkdocs_journey.render.environment import make_environment
from mkdocs_journey.settings import Settings, build_date
from mkdocs_journey.site import JourneySite, SourcePage

log = logging.getLogger("mkdocs_journey")

# Before fenced_code (25), which would otherwise turn the fences into code blocks; after the
# raw-HTML restore (30), so the maps' HTML is never mangled by Markdown.
PREPROCESSOR_PRIORITY = 35
POSTPROCESSOR_PRIORITY = 5


class JourneyExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "page": ["page.md", "The document's name in problem messages."],
            "project_dir": [".", "Folder that data source paths are relative to."],
            "stages": [list(DEFAULT_STAGES), "The stages of the site, in order."],
            "today": ["", "ISO date for stale checks; empty: SOURCE_DATE_EPOCH, else today."],
            "diagrams": [True, "Draw flow diagrams (emotion curves are always drawn)."],
            "diagram_renderer": ["auto", "auto, pygraphviz or dot."],
            "data_sources": [{}, "Data sources, as under the plugin's data_sources option."],
        }
        super().__init__(**kwargs)
        self.site: JourneySite | None = None

    def settings(self) -> Settings:
        today = str(self.getConfig("today") or "")
        return Settings(
            project_dir=Path(self.getConfig("project_dir")).resolve(),
            stages=tuple(self.getConfig("stages")),
            today=dt.date.fromisoformat(today) if today else build_date(),
            diagrams=bool(self.getConfig("diagrams")),
            diagram_renderer=str(self.getConfig("diagram_renderer")),
            data=dict(self.getConfig("data_sources")),
        )

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(_FindMaps(md, self), "journey", PREPROCESSOR_PRIORITY)
        md.postprocessors.register(_RenderMaps(md, self), "journey", POSTPROCESSOR_PRIORITY)

    def reset(self) -> None:
        self.site = None


class _FindMaps(Preprocessor):
    """Reads the document's maps (and their data) and leaves a placeholder for each."""

    def __init__(self, md: Markdown, extension: JourneyExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "journey" not in text:
            return lines
        page = str(self.extension.getConfig("page"))
        site = JourneySite(self.extension.settings(), make_environment())
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
        return site.page_markdown(page, text).split("\n")


class _RenderMaps(Postprocessor):
    """Renders each placeholder's map, then draws its diagram and curve."""

    def __init__(self, md: Markdown, extension: JourneyExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        site = self.extension.site
        if site is None:
            return text
        page = str(self.extension.getConfig("page"))
        html, problems = site.page_output(page, site.page_html(page, "", text))
        for problem in problems:
            log.warning(problem)
        return html


def makeExtension(**kwargs: Any) -> JourneyExtension:
    return JourneyExtension(**kwargs)
