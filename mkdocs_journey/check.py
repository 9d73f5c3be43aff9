"""``mkdocs-journey check``: validate every map of a site without building it (for CI).

It loads mkdocs.yml the way MkDocs does (so the plugin's options are validated too), reads every
Markdown page under ``docs_dir`` and prints each problem as ``path:line:column: message``, the
form editors and CI annotations understand. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from mkdocs_journey.joined import disk_analysis_cache
from mkdocs_journey.model import Severity
from mkdocs_journey.render.environment import make_environment
from mkdocs_journey.site import JourneySite, Report, SourcePage


def read_docs(docs: Path) -> list[SourcePage]:
    """Every Markdown page under ``docs`` as the core reads pages."""
    return [
        SourcePage(path.relative_to(docs).as_posix(), "", path.read_text(encoding="utf-8-sig"))
        for path in sorted(docs.rglob("*.md"))
    ]


def collect_site(config_file: Path) -> tuple[JourneySite, Report, Path]:
    """Load mkdocs.yml as MkDocs does and collect every map of the site and its data.

    Raises ``mkdocs.exceptions.ConfigurationError`` for a bad config and ``LookupError`` when
    the site does not use the journey plugin.
    """
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    plugin = config.plugins.get("journey")
    if plugin is None:
        raise LookupError(f"{config_file}: the journey plugin is not enabled in this site")
    docs = Path(config.docs_dir)
    settings = plugin.config.to_settings(config_file.resolve().parent, docs)
    site = JourneySite(settings, make_environment(), analysis_cache=disk_analysis_cache(settings))
    return site, site.collect(read_docs(docs)), docs


def run_check(config_file: Path, out: TextIO = sys.stdout) -> int:
    from mkdocs.exceptions import ConfigurationError

    try:
        site, report, docs = collect_site(config_file)
    except (ConfigurationError, OSError, LookupError) as error:
        message = str(error)
        print(
            message if message.startswith(str(config_file)) else f"{config_file}: {message}",
            file=out,
        )
        return 2
    project = config_file.resolve().parent
    problems = report.failures
    shown = docs.relative_to(project) if docs.is_relative_to(project) else docs
    for problem in report.problems:
        if problem.severity is Severity.ERROR:
            print(f"{(shown / str(problem)).as_posix()}", file=out)
    for message in report.warnings:
        print(message, file=out)
    maps = len(site.catalogue.maps)
    print(
        f"{_count(maps, 'map')} checked, {_count(len(problems), 'problem')}",
        file=out,
    )
    return 1 if problems else 0


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
