"""``mkdocs-journey diff OLD [NEW]``: what changed in the maps between two versions of a site.

Each side is a ``journeys.json`` file, a built site folder, or a git ref of the current repository
(its map pages read with git and parsed with the site's current config); NEW defaults to the
working tree. Exit status: 0 compared (changes or not), 1 changes found with ``--fail-on-change``,
2 a side could not be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from mkdocs_journey.changes.diff import MapSet, compare
from mkdocs_journey.changes.git import HistoryError, Repository
from mkdocs_journey.changes.report import as_json, as_markdown, as_text
from mkdocs_journey.changes.versions import (
    SiteShape,
    maps_at_ref,
    maps_from_export,
    maps_from_site,
    maps_in_worktree,
)
from mkdocs_journey.finite_json import NonFiniteNumber, dumps

EXIT_SAME, EXIT_CHANGED, EXIT_UNREADABLE = 0, 1, 2


def add_diff(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diff",
        help="list what changed in the maps between two versions (for reviews and CI)",
        description="Compare the journey maps of two versions of a site, item by item: maps, "
        "stages, emotions, touchpoints, pain points, opportunities, KPIs, owner and review "
        "date. Each side is a journeys.json file, a built site folder or a git ref (the map "
        "pages at that commit, parsed with the site's current mkdocs.yml).",
    )
    parser.add_argument("old", help="journeys.json, site folder or git ref (e.g. v1.0)")
    parser.add_argument(
        "new", nargs="?", help="the same kinds; default: the pages in the working tree"
    )
    parser.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml"
    )
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.add_argument(
        "--fail-on-change", action="store_true", help="exit with status 1 when anything changed"
    )
    parser.set_defaults(handler=run_diff)


def run_diff(args: argparse.Namespace, out: TextIO) -> int:
    sides = _Sides(args.config)
    try:
        comparison = compare(sides.read(args.old), sides.read(args.new))
    except HistoryError as error:
        print(f"mkdocs-journey: error: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "json":
        try:
            text = dumps(as_json(comparison), "the comparison", indent=2, ensure_ascii=False)
        except NonFiniteNumber as error:
            print(f"mkdocs-journey: error: {error}", file=sys.stderr)
            return EXIT_UNREADABLE
        text += "\n"
    else:
        text = as_markdown(comparison) if args.format == "markdown" else as_text(comparison)
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        if out is sys.stdout:  # and Python must not complain when it flushes at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_SAME
    return EXIT_CHANGED if args.fail_on_change and comparison.changes else EXIT_SAME


class _Sides:
    """Reads each side; loads mkdocs.yml once, and only when a side needs it."""

    def __init__(self, config_file: Path) -> None:
        self.config_file = config_file
        self._shape: SiteShape | None = None

    def shape(self) -> SiteShape:
        if self._shape is None:
            self._shape = site_shape(self.config_file)
        return self._shape

    def read(self, spec: str | None) -> MapSet:
        if spec is None:
            return maps_in_worktree(self.shape())
        path = Path(spec)
        if path.is_file():
            return maps_from_export(path, spec)
        if path.is_dir():
            return maps_from_site(path)
        shape = self.shape()
        repository = Repository.around(self.config_file.resolve().parent)
        return maps_at_ref(repository, spec, shape)


def site_shape(config_file: Path) -> SiteShape:
    """What reading pages needs from the site's current mkdocs.yml (loaded as MkDocs does)."""
    from mkdocs_journey.site_config import SiteConfigError, load_site

    if not config_file.is_file():
        raise HistoryError(
            f"{config_file}: no such file; reading maps at a git ref or in the working tree "
            "needs the site's mkdocs.yml (give it with --config)"
        )
    try:
        loaded = load_site(config_file)
    except SiteConfigError as error:
        raise HistoryError(f"{config_file}: {error}") from error
    settings = loaded.settings
    return SiteShape(
        docs_dir=loaded.docs_dir,
        stages=settings.stages,
        today=settings.today,
        data_sources=tuple(settings.data_sources),
        json_export=settings.json_export,
    )
