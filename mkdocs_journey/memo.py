"""The per-map memo: pages' maps as read, and maps as rendered, kept between builds.

Reading a map (YAML with positions, the schema, the model) is the plugin's main cost on a big
site, and most builds (a ``mkdocs serve`` rebuild after one edit, a CI build after a one-page
change) read the same pages again. So the readings of a page are kept by a hash of everything
they depend on: the page's path and text, the site's stages, and this package's own source files
and templates (:func:`package_fingerprint`: in development the version does not change when
the code does). Data never shapes a reading: it joins the models afterwards.

Readings live in memory (the plugin keeps the memo across ``mkdocs serve`` rebuilds) and on
disk under ``<cache_dir>/maps/`` for the next process. A disk entry is JSON, decoded into the
model's own dataclasses by ``cattrs`` (never pickle: a cache file is data and cannot run code);
it starts with the SHA-256 of the JSON after it and must decode to readings of the key it is
filed under. An entry that fails any check is reported, deleted and read again from the page.

Rendered maps are kept in memory only, by everything their template sees (the reading, the
page's URL, the map's analysis, the site's settings and template files...). On disk a fragment
of HTML could not be checked as ours the way a diagram's SVG is, and a tampered one would put
markup into every page; rendering a map costs a tenth of reading it anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Hashable, Iterable
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar, cast

import cattrs

from mkdocs_journey import __version__
from mkdocs_journey.files import checked_body, with_digest, write_atomically
from mkdocs_journey.model import SourcePosition
from mkdocs_journey.parsing.page import MapReading
from mkdocs_journey.parsing.yaml_source import PositionIndex

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent
#: The first line of a disk entry: the SHA-256 of the JSON that follows it.
_HEADER = re.compile(r"(?P<digest>[0-9a-f]{64})\n")
#: What is part of the package's behaviour: code, templates, schemas, stylesheets, data.
_PACKAGE_FILES = {".py", ".html", ".json", ".css", ".js", ".csv", ".md", ".yml", ".yaml"}


@cache
def package_fingerprint() -> str:
    """SHA-256 of this package's version and every file it runs or renders with, once a process.

    A released version never changes its files; a checkout in development does, without a new
    version number, and must not be served what an older state of its code read or rendered."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in _PACKAGE_FILES and path.is_file() and "__pycache__" not in path.parts:
            _add(digest, path.relative_to(PACKAGE).as_posix())
            _add(digest, path.read_bytes())
    return digest.hexdigest()


def _add(digest: Any, part: str | bytes) -> None:
    data = part.encode("utf-8") if isinstance(part, str) else part
    # Length-prefixed, so that no two different part lists hash the same bytes.
    digest.update(len(data).to_bytes(8, "big"))
    digest.update(data)


def reading_key(page: str, source: str, stages: Iterable[str], package: str | None = None) -> str:
    """The memo key of a page's readings: SHA-256 of its path, text, stages and package."""
    digest = hashlib.sha256()
    for part in (package or package_fingerprint(), page, source, *stages):
        _add(digest, part)
    return digest.hexdigest()


#: Name, size and change time of each journey template a site overrides.
TemplateStamp = tuple[tuple[str, int, int], ...]


def template_stamp(override_dirs: Iterable[str]) -> TemplateStamp:
    """Name, size and change time of every journey template a site overrides (a theme's
    ``custom_dir``): editing one during ``mkdocs serve`` must render the maps again."""
    found = []
    for folder in override_dirs:
        journey = Path(folder) / "journey"
        if journey.is_dir():
            for path in sorted(journey.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(dt.date, lambda value, _: dt.date.fromisoformat(value))

    # Numbers as YAML gave them: a KPI target of 20 stays 20 (not 20.0), and prints the same.
    def number(value: Any, _: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected a number, got {value!r}")
        return value

    def boolean(value: Any, _: Any) -> bool:
        if not isinstance(value, bool):
            raise TypeError(f"expected true or false, got {value!r}")
        return value

    converter.register_structure_hook(float, number)
    converter.register_structure_hook(int, number)
    converter.register_structure_hook(bool, boolean)  # else int's hook would take it

    # Positions are most of a reading (one per key and value) and all on one page: written as
    # [path, line, column] rows under the page, and decoded without the generic machinery.
    def unstructure_index(index: PositionIndex) -> dict[str, Any]:
        origin = index.origin
        return {
            "page": origin.page,
            "origin": [origin.line, origin.column],
            "values": [[list(p), line, column] for p, (line, column) in index.values.items()],
            "keys": [[list(p), line, column] for p, (line, column) in index.keys.items()],
        }

    def structure_index(data: dict[str, Any], _: Any) -> PositionIndex:
        page = data["page"]
        if not isinstance(page, str):
            raise TypeError(f"expected a page path, got {page!r}")

        # A map has hundreds of positions: their types are checked column by column (in C),
        # not row by row.
        def positions(rows: list[Any]) -> dict[tuple[str | int, ...], tuple[int, int]]:
            if not rows:
                return {}
            if not set(map(len, rows)) <= {3}:
                raise TypeError("expected [path, line, column] rows")
            paths, lines, columns = zip(*rows, strict=True)
            if not {*map(type, lines), *map(type, columns)} <= {int}:
                raise TypeError("expected a line and a column in every position")
            if not set(map(type, chain.from_iterable(paths))) <= {str, int}:
                raise TypeError("a position path holds keys and list numbers only")
            return dict(zip(map(tuple, paths), zip(lines, columns, strict=True), strict=True))

        line, column = data["origin"]
        return PositionIndex(
            origin=SourcePosition(page, line, column),
            values=positions(data["values"]),
            keys=positions(data["keys"]),
        )

    converter.register_unstructure_hook(PositionIndex, unstructure_index)
    converter.register_structure_hook(PositionIndex, structure_index)
    return converter


_CONVERTER = _converter()


class _Same:
    """A value compared by identity (an analysis, which the analysis cache hands out again
    unchanged while its data file is unchanged), kept alive by the key that holds it."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


def frozen_key(key: Hashable) -> Hashable:
    """``key`` hashed once: for a part of many keys (a map's token, the settings)."""
    return key if isinstance(key, _HashedKey) else _HashedKey(key)


def same(value: object) -> Hashable:
    """``value`` as part of a fragment key, compared by identity."""
    return _Same(value)


class MapMemo:
    """Readings by page (memory and ``directory``), rendered maps by their inputs (memory).

    ``parsed`` and ``rendered`` count the maps read from page text and rendered from templates
    since :meth:`begin_build`; a host logs ``errors`` (disk trouble costs time, not output)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._readings: dict[str, list[MapReading]] = {}
        # key -> (the reading key of the page it was made from, or None; what was made)
        self._fragments: dict[Hashable, tuple[str | None, object]] = {}
        self._used_readings: set[str] = set()
        self._used_fragments: set[Hashable] = set()
        #: page path -> (its text, the stages, its reading key) as last computed.
        self._keys: dict[str, tuple[str, tuple[str, ...], str]] = {}
        #: How many fragments the last sweep kept (see :meth:`begin_build`).
        self._swept_size = 0
        #: The reading key of every page read in this build, by page path.
        self.page_keys: dict[str, str] = {}
        self.parsed = 0
        self.rendered = 0
        self.loaded = 0  # pages whose readings came from disk
        self.errors: list[str] = []

    def begin_build(self) -> None:
        """Start counting a build; forget what the previous build did not use (serve edits)."""
        self._readings = {k: v for k, v in self._readings.items() if k in self._used_readings}
        # Sweeping every fragment costs milliseconds on a big site at every `mkdocs serve`
        # rebuild, and an edit leaves only its own map's fragments stale: sweep once those
        # that may be stale grow past a quarter of what the last sweep kept (so at most a
        # quarter more is held than is live).
        if len(self._fragments) > self._swept_size * 5 // 4 + 64:
            # What was made from a page still as it was is kept even when the last build did
            # not ask for it (a map's row under an index page that was itself kept); the rest
            # only if used.
            live = set(self.page_keys.values())
            self._fragments = {
                key: (page, value)
                for key, (page, value) in self._fragments.items()
                if page in live or key in self._used_fragments
            }
            self._swept_size = len(self._fragments)
        self._used_readings, self._used_fragments = set(), set()
        self.page_keys = {}
        self.parsed = self.rendered = self.loaded = 0

    @property
    def held(self) -> int:
        """How many rendered fragments are held in memory."""
        return len(self._fragments)

    # -- readings ------------------------------------------------------------------------------
    def readings(
        self, page: str, source: str, stages: tuple[str, ...], read: Callable[[], list[MapReading]]
    ) -> list[MapReading]:
        """The page's readings: kept ones when the page, stages and package are unchanged,
        else ``read()`` (counted, kept)."""
        # The key hashes the page's whole text: computed again only for a new text object
        # (a host hands out the same one while the file is unchanged, see plugin.PageTexts).
        last = self._keys.get(page)
        if last is not None and last[0] is source and last[1] == stages:
            key = last[2]
        else:
            key = reading_key(page, source, stages)
            self._keys[page] = (source, stages, key)
        self._used_readings.add(key)
        self.page_keys[page] = key
        found = self._readings.get(key)
        if found is None:
            found = self._load(key)
            if found is None:
                found = read()
                self.parsed += len(found)
                self._store(key, found)
            self._readings[key] = found
        return found

    def file_for(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key[:2] / f"{key}.json"

    def _load(self, key: str) -> list[MapReading] | None:
        path = self.file_for(key)
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            self.errors.append(f"cannot read {path}: {error}")
            self._drop(path)
            return None
        readings, fault = _decoded(text, key)
        if readings is None:
            self.errors.append(f"dropped the cached map {path}: {fault}; read again")
            self._drop(path)
            return None
        self.loaded += 1
        return readings

    def _store(self, key: str, readings: list[MapReading]) -> None:
        path = self.file_for(key)
        if path is None:
            return
        body = json.dumps(
            {"key": key, "readings": _CONVERTER.unstructure(readings)},
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
        try:
            write_atomically(path, with_digest(body))
        except OSError as error:
            self.errors.append(f"cannot write {path}: {error}")

    def _drop(self, path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            self.errors.append(f"cannot delete {path}: {error}")

    # -- rendered maps -------------------------------------------------------------------------
    def fragment(self, key: Hashable, render: Callable[[], str], page: str | None) -> str:
        """The HTML ``render()`` made for a map with ``key`` (everything its template sees),
        from the page whose reading key is ``page``; counted in ``rendered``."""
        return self.kept(("map", key), render, page=page, count=True)

    def kept(
        self,
        key: Hashable,
        make: Callable[[], T],
        *,
        page: str | None = None,
        count: bool = False,
        keep: Callable[[T], bool] | None = None,
    ) -> T:
        """What ``make()`` made for ``key`` (a site page's listing, a map's JSON record, a map's
        row in a listing); ``key`` holds everything that shapes it, ``page`` the reading key of
        the page it comes from, if one. With ``keep``, only what it accepts is kept."""
        key = frozen_key(key)
        self._used_fragments.add(key)
        found_before = self._fragments.get(key)
        if found_before is not None:
            return cast(T, found_before[1])
        found = make()
        self.rendered += count
        if keep is None or keep(found):
            self._fragments[key] = (page, found)
        return found

    def settled(self, key: Hashable, value: T) -> T:
        """``value``, or the equal value an earlier build kept under ``key``: what is keyed by
        identity further on (a listing of every map's rows) stays kept when an edit left a
        map's rows as they were (a goal reworded, say)."""
        key = frozen_key(("settled", key))
        self._used_fragments.add(key)
        found = self._fragments.get(key)
        if found is not None and found[1] == value:
            return found[1]
        self._fragments[key] = (None, value)
        return value


class _HashedKey:
    """A fragment key that hashes once: a key is a tuple holding long strings and nested
    tuples, which Python hashes again at every set or dict lookup (three a call, and once more
    for every kept fragment when a build begins)."""

    __slots__ = ("hash", "key")

    def __init__(self, key: Hashable) -> None:
        self.key = key
        self.hash = hash(key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _HashedKey) and other.hash == self.hash and other.key == self.key


def _decoded(text: str, key: str) -> tuple[list[MapReading] | None, str]:
    """The readings of a disk entry when it checks out, else why not."""
    body, fault = checked_body(text, _HEADER)
    if body is None:
        return None, fault
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or data.get("key") != key:
            return None, "it holds the maps of another page or version"
        readings = _CONVERTER.structure(data["readings"], list[MapReading])
    except (ValueError, TypeError, KeyError, AttributeError, cattrs.BaseValidationError) as error:
        return None, f"it does not decode to maps ({error})"
    return readings, ""
