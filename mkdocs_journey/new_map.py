"""``mkdocs-journey new PAGE``: start a map page from the site's own stages.

The page holds one ``journey`` block: the site's stages in order, a persona (an existing id, or a
new one to describe), the owner, today's date as ``reviewed``, and for every lane of every stage
a commented example. Texts still to write start with ``TODO``, which ``mkdocs-journey check``
reports as warnings, so the page is valid from the start and CI says what is left to fill in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import TextIO

from mkdocs_journey.scaffold import render
from mkdocs_journey.suggest import did_you_mean

EXIT_OK, EXIT_ERROR, EXIT_CONFIG = 0, 1, 2
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
_NEW_PERSONA = "TODO-persona-id"


class NewMapError(Exception):
    """Something that stops the page from being written (exit status 1)."""


def add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "new",
        help="start a map page with the site's stages and a placeholder for every lane",
        description="Write a new map page under the site's docs folder: the site's stages, a "
        "persona, the owner, today as 'reviewed' and a commented example for every lane. "
        "Texts still to write start with TODO; 'mkdocs-journey check' warns about them.",
    )
    parser.add_argument("page", help="the page to write, e.g. docs/maps/onboarding.md; - prints it")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="the site's config")
    parser.add_argument("--id", dest="map_id", help="the map's id (default: from the file name)")
    parser.add_argument("--title", help="the map's title (default: a TODO placeholder)")
    parser.add_argument(
        "--persona",
        help="a persona id: an existing one is referred to, a new one gets a block to fill in",
    )
    parser.add_argument("--owner", help="who keeps the map up to date (default: a placeholder)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing page")
    parser.set_defaults(handler=run_new)


def run_new(args: argparse.Namespace, out: TextIO) -> int:
    # Reading the site loads the whole pipeline: only when this command runs.
    from mkdocs_journey.check import collect_site, relative_to
    from mkdocs_journey.site_config import SiteConfigError

    try:
        site, _, docs = collect_site(args.config)
    except SiteConfigError as error:
        print(f"{args.config}: error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        target = _target(args.page, docs, force=args.force)
        map_id = args.map_id or _id_from(target)
        _check_id(map_id, {m.id: m.page for m in site.catalogue.maps})
        persona_id = args.persona or _NEW_PERSONA
        if args.persona:
            _check_identifier(args.persona, "persona id")
        personas = site.catalogue.personas
        text = scaffold(
            map_id=map_id,
            title=args.title or "TODO: a title for the map",
            stages=site.settings.stages,
            persona_id=persona_id,
            persona_exists=persona_id in personas,
            owner=args.owner or "TODO: the team that keeps this map up to date",
            today=dt.date.today(),
        )
    except NewMapError as error:
        print(f"mkdocs-journey new: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if target is None:
        out.write(text)
        return EXIT_OK
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    shown = relative_to(target, Path.cwd())
    print(f"wrote {shown}: map '{map_id}' with {len(site.settings.stages)} stages", file=out)
    if args.persona and persona_id not in personas:
        close = did_you_mean(persona_id, list(personas))
        known = f" ({close})" if close else ""
        print(f"persona '{persona_id}' is new: describe it in the page{known}", file=out)
    print(
        f"next: replace the TODO texts, then run: mkdocs-journey check --config {args.config}",
        file=out,
    )
    return EXIT_OK


def scaffold(
    *,
    map_id: str,
    title: str,
    stages: tuple[str, ...],
    persona_id: str,
    persona_exists: bool,
    owner: str,
    today: dt.date,
) -> str:
    """The text of a new map page."""
    return render(
        "map.md",
        map_id=map_id,
        title=title,
        stages=[{"name": name, "slug": slug(name)} for name in stages],
        persona_id=persona_id,
        persona_exists=persona_exists,
        owner=owner,
        today=today.isoformat(),
    )


def slug(text: str) -> str:
    """An id made of a name: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "stage"


def _target(page: str, docs: Path, *, force: bool) -> Path | None:
    from mkdocs_journey.check import relative_to

    if page == "-":
        return None
    target = Path(page).resolve()
    if target.suffix != ".md":
        raise NewMapError(f"{page}: a map page is a Markdown file ending in .md")
    if not target.is_relative_to(docs.resolve()):
        inside = relative_to(docs / Path(page).name, Path.cwd())
        raise NewMapError(
            f"{page} is outside the site's docs folder {relative_to(docs, Path.cwd())}, so the "
            f"site would not show it (did you mean {inside}?)"
        )
    if target.exists() and not force:
        raise NewMapError(f"{page} already exists (--force overwrites it)")
    return target


def _id_from(target: Path | None) -> str:
    if target is None:
        raise NewMapError("printing the page (-) needs the map's id: pass --id")
    return slug(target.stem)


def _check_id(map_id: str, existing: dict[str, str]) -> None:
    _check_identifier(map_id, "map id")
    if map_id in existing:
        raise NewMapError(
            f"map id '{map_id}' is already used by the map in {existing[map_id]}; "
            "choose another with --id"
        )


def _check_identifier(value: str, what: str) -> None:
    if not _IDENTIFIER.fullmatch(value):
        raise NewMapError(
            f"{what} '{value}' must start with a letter or digit and use only letters, digits, "
            "'-', '_' and '.' (80 at most)"
        )
