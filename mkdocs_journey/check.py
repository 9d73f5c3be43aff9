"""``mkdocs-journey check``: validate every map of a site without building it (for CI).

It loads mkdocs.yml the way MkDocs does (so the plugin's options are validated too), reads every
Markdown page under ``docs_dir`` and prints each problem as ``path:line:column: message``, the
form editors and CI annotations understand. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from mkdocs_journey.model import Severity
from mkdocs_journey.render.environment import make_environment
from mkdocs_journey.settings import Settings
from mkdocs_journey.site import JourneySite, SourcePage


def run_check(config_file: Path, out: TextIO = sys.stdout) -> int:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(str(config_file))
    except (ConfigurationError, OSError) as error:
        print(f"{config_file}: {error}", file=out)
        return 2
    plugin = config.plugins.get("journey")
    if plugin is None:
        print(f"{config_file}: the journey plugin is not enabled in this site", file=out)
        return 2
    options = plugin.config
    project = config_file.resolve().parent
    settings = Settings(
        project_dir=project,
        stages=tuple(options.stages),
        pages_dir=options.pages_dir,
        data=dict(options.data_sources),
        channel_rules=list(options.channel_rules),
        source_categories=dict(options.source_categories),
        max_rejected_share=float(options.max_rejected_share),
    )
    docs = Path(config.docs_dir)
    pages = [
        SourcePage(path.relative_to(docs).as_posix(), "", path.read_text(encoding="utf-8-sig"))
        for path in sorted(docs.rglob("*.md"))
    ]
    site = JourneySite(settings, make_environment())
    report = site.collect(pages)
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
