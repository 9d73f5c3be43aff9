"""``mkdocs-journey init-ci``: write the GitHub Actions workflows into a user's repository.

Two workflows, from the templates in ``mkdocs_journey/scaffold/workflows`` (the one source: this
repository's own ``.github/workflows`` and the CI page of the docs are the same files):

- ``journey-check.yml``: on every pull request, ``mkdocs-journey check --format github``
  (annotations on the changed lines) and ``mkdocs build --strict``;
- ``journey-publish.yml``: on a merge to the main branch, ``mike deploy ... dev``; on a version tag,
  ``mike deploy ... X.Y latest`` and ``latest`` as the default. Aliases are redirects, one deploy
  runs at a time, and the job may write to the repository (mike pushes gh-pages).

Paths in the workflows are relative to the repository root, where GitHub runs every step.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TextIO

from mkdocs_journey.scaffold import render

EXIT_OK, EXIT_EXISTS, EXIT_CONFIG = 0, 1, 2
WORKFLOW_DIR = PurePosixPath(".github/workflows")
WORKFLOWS = ("journey-check.yml", "journey-publish.yml")
DEFAULT_INSTALL = "pip install mkdocs-journey mike"
DEFAULT_PYTHON = "3.12"
DEFAULT_BRANCH = "main"


@dataclass(frozen=True)
class SiteLayout:
    """Where a site's files are, relative to the repository root (POSIX paths)."""

    config: str  # e.g. "handbook/mkdocs.yml"
    docs_dir: str  # e.g. "handbook/docs"
    cache_dir: str  # e.g. "handbook/.cache/journey"


def add_init_ci(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "init-ci",
        help="write GitHub Actions workflows that check pull requests and publish with mike",
        description="Write .github/workflows/journey-check.yml (pull requests: check with "
        "annotations, strict build) and journey-publish.yml (merge to the main branch: mike "
        "version 'dev'; tag vX.Y[.Z]: version X.Y, alias 'latest') into the repository.",
    )
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="the site's config")
    parser.add_argument(
        "--repo", type=Path, help="the repository root (default: the git top level of here)"
    )
    parser.add_argument(
        "--install",
        default=DEFAULT_INSTALL,
        help=f"the command that installs the site's tools (default: {DEFAULT_INSTALL})",
    )
    parser.add_argument("--python", default=DEFAULT_PYTHON, help="the Python version to run")
    parser.add_argument("--branch", default=DEFAULT_BRANCH, help="the branch that publishes 'dev'")
    parser.add_argument("--force", action="store_true", help="overwrite existing workflows")
    parser.set_defaults(handler=run_init_ci)


def run_init_ci(args: argparse.Namespace, out: TextIO) -> int:
    repo = (args.repo or _git_top_level(Path.cwd()) or Path.cwd()).resolve()
    try:
        layout, notes = site_layout(args.config, repo)
    except ValueError as error:
        print(f"{args.config}: error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    texts = workflows(layout, install=args.install, python=args.python, branch=args.branch)
    targets = {name: repo / WORKFLOW_DIR / name for name in texts}
    existing = [str(WORKFLOW_DIR / name) for name, path in targets.items() if path.exists()]
    if existing and not args.force:
        print(
            f"mkdocs-journey init-ci: error: {' and '.join(existing)} already "
            f"{'exists' if len(existing) == 1 else 'exist'} in {repo} (--force overwrites)",
            file=sys.stderr,
        )
        return EXIT_EXISTS
    for name, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts[name], encoding="utf-8")
        print(f"wrote {WORKFLOW_DIR / name}", file=out)
    for note in notes:
        print(f"note: {note}", file=out)
    return EXIT_OK


def workflows(
    layout: SiteLayout,
    *,
    install: str = DEFAULT_INSTALL,
    python: str = DEFAULT_PYTHON,
    branch: str = DEFAULT_BRANCH,
) -> dict[str, str]:
    """The text of each workflow file, by file name."""
    inputs = [f"{layout.docs_dir}/**", layout.config]
    context = {
        "config": layout.config,
        "cache_dir": layout.cache_dir,
        # GitHub expression strings are single-quoted; a quote inside is doubled.
        "cache_inputs": ", ".join("'" + path.replace("'", "''") + "'" for path in inputs),
        "install": install,
        "python": python,
        "branch": branch,
    }
    return {name: render(f"workflows/{name}", **context) for name in WORKFLOWS}


def site_layout(config_file: Path, repo: Path) -> tuple[SiteLayout, list[str]]:
    """Where the site's files are relative to ``repo``, and notes about the site's config.

    Raises :class:`ValueError` for a config that cannot be used.
    """
    from mkdocs_journey.site_config import SiteConfigError, load_mkdocs_config

    config_path = config_file.resolve()
    if not config_path.is_file():
        raise ValueError("no such file (pass the site's config with --config)")
    if not config_path.is_relative_to(repo):
        raise ValueError(f"the config is outside the repository {repo}")
    try:
        config, _ = load_mkdocs_config(config_path)
    except SiteConfigError as error:
        raise ValueError(str(error)) from error
    plugin = config.plugins.get("journey")
    if plugin is None:
        raise ValueError("the journey plugin is not enabled in this site")
    project = config_path.parent

    def inside_repo(path: Path) -> str:
        return path.resolve().relative_to(repo).as_posix()

    layout = SiteLayout(
        config=inside_repo(config_path),
        docs_dir=inside_repo(Path(config.docs_dir)),
        cache_dir=inside_repo(project / plugin.config.cache_dir),
    )
    notes = []
    if config.theme.name != "material":
        notes.append(
            f"the site's theme is '{config.theme.name}', not 'material': mike builds with "
            "ProperDocs when ProperDocs is installed, and ProperDocs has no built-in 'mkdocs' "
            "theme, so set 'theme: name: material' (the maps are styled for it anyway)"
        )
    if (config.extra.get("version") or {}).get("provider") != "mike":
        notes.append(
            "add 'extra: version: provider: mike' to the site's config for Material's version "
            "selector"
        )
    return layout, notes


def _git_top_level(here: Path) -> Path | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=here,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except OSError:
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
