"""The maps of one version of a site, from wherever that version is kept.

- a ``journeys.json`` file, or a built site folder holding one: the maps as published, KPI values
  computed from data included;
- a git ref of the current repository: the site's map pages at that commit, read with git (no
  checkout) and parsed with the site's *current* settings (its stages, data sources, docs folder);
- the working tree: the pages on disk now;
- a version published with mike: its ``journeys.json`` in the mike branch.

Each reader returns a :class:`~mkdocs_journey.changes.diff.MapSet` or raises
:class:`~mkdocs_journey.changes.git.HistoryError` with a sentence for the user.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs_journey.catalogue import build_catalogue
from mkdocs_journey.changes.diff import MapSet
from mkdocs_journey.changes.git import HistoryError, Repository
from mkdocs_journey.export import EXPORT_VERSION, map_record
from mkdocs_journey.model import Severity
from mkdocs_journey.parsing.page import MapReading, read_page

#: The folder mike keeps its list of versions in, relative to its deploy prefix.
MIKE_VERSIONS_FILE = "versions.json"
#: A journeys.json larger than this is refused rather than read into memory.
MAX_EXPORT_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class SiteShape:
    """What reading pages needs to know about the site, from its current configuration."""

    docs_dir: Path
    stages: tuple[str, ...]
    today: dt.date
    data_sources: tuple[str, ...] = ()
    json_export: str = "journeys.json"


# --- published exports ----------------------------------------------------------------------


class _NotJsonNumber(ValueError):
    """NaN or Infinity: Python reads them as numbers; no JSON parser does, nor do we write them."""


def _not_a_number(word: str) -> Any:
    raise _NotJsonNumber(f"{word} is not a number JSON knows")


def export_from_bytes(data: bytes, where: str) -> list[dict[str, Any]]:
    """The map records of a ``journeys.json``. Raises :class:`HistoryError` naming ``where``."""
    if len(data) > MAX_EXPORT_BYTES:
        raise HistoryError(f"{where}: larger than {MAX_EXPORT_BYTES // 2**20} MiB; not read")
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_not_a_number)
    except _NotJsonNumber as error:
        raise HistoryError(f"{where}: not valid JSON: {error}") from error
    except UnicodeDecodeError as error:
        raise HistoryError(f"{where}: not UTF-8 text (byte {error.start})") from error
    except json.JSONDecodeError as error:
        raise HistoryError(
            f"{where}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from error
    except RecursionError as error:
        raise HistoryError(f"{where}: JSON nested too deeply") from error
    if not isinstance(document, dict) or not isinstance(document.get("maps"), list):
        raise HistoryError(f"{where}: not a journeys.json (expected an object with 'maps')")
    version = document.get("version")
    if version != EXPORT_VERSION:
        raise HistoryError(
            f"{where}: journeys.json format version {version!r}; this mkdocs-journey reads "
            f"version {EXPORT_VERSION}"
        )
    return [record for record in document["maps"] if isinstance(record, dict)]


def maps_from_export(path: Path, label: str | None = None) -> MapSet:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise HistoryError(f"{path}: cannot read: {error.strerror}") from error
    shown = label or str(path)
    return MapSet(shown, tuple(export_from_bytes(data, str(path))), True, f"{path} (journeys.json)")


def maps_from_site(folder: Path, json_export: str = "journeys.json") -> MapSet:
    export = folder / json_export
    if not export.is_file():
        raise HistoryError(
            f"{folder}: a folder without {json_export}; build the site first "
            "(`mkdocs build`) or give the journeys.json file"
        )
    return maps_from_export(export, str(folder))


# --- pages ----------------------------------------------------------------------------------


def maps_from_pages(
    pages: Iterable[tuple[str, str]],
    shape: SiteShape,
    *,
    label: str,
    description: str,
) -> MapSet:
    """Parse pages (docs-relative path, text) as the site would and export their maps."""
    readings: list[MapReading] = []
    urls: dict[str, str] = {}
    for path, text in pages:
        urls[path] = page_url(path)
        if "journey" in text:
            readings.extend(read_page(path, text, shape.stages))
    catalogue = build_catalogue(readings, data_sources=shape.data_sources, page_urls=urls)
    records = tuple(
        map_record(m, url=catalogue.url_of(m), today=shape.today) for m in catalogue.maps
    )
    broken = [r for r in catalogue.readings if r.journey_map is None]
    notes = []
    if broken:
        first = next(
            (p for p in broken[0].problems if p.severity is Severity.ERROR), broken[0].problems[0]
        )
        notes.append(
            f"{label}: {len(broken)} map block{'s' if len(broken) != 1 else ''} could not be "
            f"read with the site's current settings and {'are' if len(broken) != 1 else 'is'} "
            f"left out (first: {first})"
        )
    return MapSet(label, records, False, description, tuple(notes))


def maps_in_worktree(shape: SiteShape) -> MapSet:
    docs = shape.docs_dir
    pages = [
        (path.relative_to(docs).as_posix(), path.read_text(encoding="utf-8-sig", errors="replace"))
        for path in sorted(docs.rglob("*.md"))
        if path.is_file()
    ]
    return maps_from_pages(
        pages, shape, label="working tree", description=f"the pages under {docs} now"
    )


def maps_at_ref(repository: Repository, ref: str, shape: SiteShape) -> MapSet:
    commit = repository.commit(ref)
    docs = repository.relative(shape.docs_dir)
    files = repository.files(commit, docs)
    names = sorted(name for name in files if name.endswith(".md"))
    contents = repository.read_blobs([files[name] for name in names])
    pages, notes = [], []
    for name, data in zip(names, contents, strict=True):
        try:
            pages.append((name, data.decode("utf-8-sig")))
        except UnicodeDecodeError:
            notes.append(f"{ref}: {docs / name} is not UTF-8 text and was left out")
    description = f"git ref {ref} (commit {commit[:10]})"
    if not names:
        notes.append(
            f"{ref}: no Markdown pages under {docs}/ at commit {commit[:10]}, so every map "
            f"counts as new. If the docs folder was renamed since, compare built journeys.json "
            "files instead"
        )
    found = maps_from_pages(pages, shape, label=ref, description=description)
    return MapSet(found.label, found.records, False, description, (*notes, *found.notes))


def page_url(path: str) -> str:
    """The URL MkDocs gives a page with directory URLs: ``maps/a.md`` -> ``maps/a/``."""
    stem = PurePosixPath(path).with_suffix("")
    if stem.name in ("index", "README"):
        parent = str(stem.parent)
        return "" if parent == "." else f"{parent}/"
    return f"{stem}/"


# --- mike -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MikeVersion:
    version: str
    title: str
    aliases: tuple[str, ...]


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key in the spirit of mike's loose versions: numbers by value, words by text."""
    parts = re.findall(r"\d+|[a-z]+", version.lower())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


@dataclass(frozen=True)
class MikeBranch:
    """The branch mike publishes to: its versions and each version's files."""

    repository: Repository
    branch: str = "gh-pages"
    prefix: str = ""

    def commit(self) -> str | None:
        return self.repository.branch(self.branch)

    def path(self, *parts: str) -> str:
        return str(PurePosixPath(self.prefix.strip("/") or ".", *parts))

    def versions(self) -> list[MikeVersion]:
        """Published versions, oldest first; [] without the branch or its versions.json."""
        commit = self.commit()
        data = self.repository.read(commit, self.path(MIKE_VERSIONS_FILE)) if commit else None
        try:
            entries = json.loads(data.decode("utf-8")) if data else []
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return []
        found = [
            MikeVersion(
                e["version"],
                str(e.get("title") or e["version"]),
                tuple(str(a) for a in e.get("aliases") or () if isinstance(a, str)),
            )
            for e in (entries if isinstance(entries, list) else [])
            if isinstance(e, dict) and isinstance(e.get("version"), str) and e["version"]
        ]
        return sorted(found, key=lambda v: version_key(v.version))

    def earlier(self, current: str) -> list[MikeVersion]:
        """The published versions that come before ``current``, oldest first."""
        key = version_key(current)
        return [v for v in self.versions() if v.version != current and version_key(v.version) < key]

    def document_of(
        self, version: str, json_export: str = "journeys.json"
    ) -> dict[str, Any] | None:
        """A published version's whole journeys.json, or None when it has none.
        Raises :class:`HistoryError` when it has one that cannot be read."""
        commit = self.commit()
        where = self.path(version, json_export)
        data = self.repository.read(commit, where) if commit else None
        if data is None:
            return None
        records = export_from_bytes(data, f"{self.branch}:{where}")
        document: dict[str, Any] = json.loads(data.decode("utf-8-sig"))
        document["maps"] = records
        return document

    def export_of(self, version: str, json_export: str = "journeys.json") -> MapSet | None:
        """A published version's maps, or None when it has no journeys.json."""
        document = self.document_of(version, json_export)
        if document is None:
            return None
        return MapSet(
            version, tuple(document["maps"]), True, f"version {version} published with mike"
        )
