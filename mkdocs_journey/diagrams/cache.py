"""Rendered SVG kept in memory and on disk, keyed by everything that shapes it.

The key is the SHA-256 of the DOT text, the renderer's name and version and this package's
version: a new Graphviz or a new mkdocs-journey (whose DOT or post-processing may change)
never serves a stale drawing. The in-memory dict lives on the cache object, which the plugin
keeps across ``mkdocs serve`` rebuilds; the disk copy (``.cache/journey/`` next to
``mkdocs.yml`` by default) lets CI carry renders between runs. Disk writes are atomic
(:func:`mkdocs_journey.files.write_atomically`).

A file on disk is never trusted: it starts with the SHA-256 of the SVG after it (a truncated or
damaged file fails that check), and the SVG must be one the plugin could have written
(:func:`mkdocs_journey.diagrams.svg.svg_fault`: drawing elements only, no script, handler or
link). A file that fails either check is reported, deleted and drawn again.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from mkdocs_journey import __version__
from mkdocs_journey.diagrams.svg import svg_fault
from mkdocs_journey.files import checked_body, with_digest, write_atomically

#: The first line of a cache file: the SHA-256 of the SVG that follows it.
#: An SVG comment, so that an entry stays an SVG file.
_HEADER_TEXT = "<!-- sha256:{digest} -->\n"
_HEADER = re.compile(r"<!-- sha256:(?P<digest>[0-9a-f]{64}) -->\n")


def cache_key(dot_source: str, renderer_name: str, renderer_version: str, *extra: str) -> str:
    """SHA-256 of the DOT text, the renderer, its version, our version and ``extra`` inputs.

    ``extra`` carries what shapes the stored SVG besides the DOT (titles and tooltips that
    the finishing step writes in), so two maps that differ only there never share an entry.
    """
    digest = hashlib.sha256()
    for part in (dot_source, renderer_name, renderer_version, __version__, *extra):
        encoded = part.encode("utf-8")
        # Length-prefixed, so that no two different part lists hash the same bytes.
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


#: Drawings kept in memory across `mkdocs serve` rebuilds however small the site (see
#: :meth:`DiagramCache.begin_build`).
MEMORY_FLOOR = 64


class DiagramCache:
    """SVG text by cache key; ``directory=None`` keeps it in memory only."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._memory: dict[str, str] = {}
        # Finished results by the map object itself, so a `mkdocs serve` rebuild of an unchanged
        # map skips even building its DOT. Values are opaque to the cache.
        self._maps: dict[Hashable, object] = {}
        #: The keys of both that this build used, and the most any build used (the site's
        #: size, in drawings): see :meth:`begin_build`.
        self._used: set[Hashable] = set()
        self._most_used = 0
        self.hits = 0
        self.misses = 0
        #: Disk problems are not fatal (the render is still in memory); the plugin may log them.
        self.errors: list[str] = []

    def path(self, key: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / key[:2] / f"{key}.svg"

    def begin_build(self) -> None:
        """Keep in memory at most twice what the busiest build used (at least
        :data:`MEMORY_FLOOR`), dropping the least recently used first. `mkdocs serve` keeps
        this cache across rebuilds and every edit of a map makes a new drawing: a long session
        would otherwise hold every version of every diagram. The disk keeps them all."""
        self._most_used = max(self._most_used, len(self._used))
        limit = max(MEMORY_FLOOR, 2 * self._most_used)
        stores: tuple[dict[Any, Any], ...] = (self._memory, self._maps)
        for store in stores:
            for key in list(itertools.islice(store, max(0, len(store) - limit))):
                del store[key]
        self._used = set()

    def _touch(self, store: dict[Any, Any], key: Hashable) -> None:
        """``key`` used by this build: last in ``store``'s order, so dropped last."""
        self._used.add(key)
        store[key] = store.pop(key)

    @property
    def held(self) -> int:
        """How many drawings this cache holds in memory."""
        return len(self._memory) + len(self._maps)

    def get(self, key: str) -> str | None:
        self._used.add(key)
        if key in self._memory:
            self.hits += 1
            self._touch(self._memory, key)
            return self._memory[key]
        path = self.path(key)
        if path is not None:
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                pass
            except (OSError, UnicodeDecodeError) as error:
                self.errors.append(f"cannot read {path}: {error}")
                self._drop(path)
            else:
                svg, fault = _verified(text)
                if svg is not None:
                    self._memory[key] = svg
                    self.hits += 1
                    return svg
                self.errors.append(f"dropped the cached diagram {path}: {fault}; drawn again")
                self._drop(path)
        self.misses += 1
        return None

    def _drop(self, path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            self.errors.append(f"cannot delete {path}: {error}")

    def put(self, key: str, svg: str) -> None:
        self._used.add(key)
        self._memory.pop(key, None)
        self._memory[key] = svg
        path = self.path(key)
        if path is None:
            return
        try:
            write_atomically(path, with_digest(svg, _HEADER_TEXT))
        except OSError as error:
            self.errors.append(f"cannot write {path}: {error}")

    def recall(self, key: Hashable) -> object | None:
        self._used.add(key)
        found = self._maps.get(key)
        if found is not None:
            self.hits += 1
            self._touch(self._maps, key)
        return found

    def remember(self, key: Hashable, value: object) -> None:
        self._used.add(key)
        self._maps.pop(key, None)
        self._maps[key] = value

    def clear_memory(self) -> None:
        self._memory.clear()
        self._maps.clear()
        self._used.clear()
        self._most_used = 0

    def __len__(self) -> int:
        return len(self._memory)


def _verified(text: str) -> tuple[str | None, str]:
    """The SVG of a cache file when its hash matches and it is a drawing of ours, else why not."""
    svg, fault = checked_body(text, _HEADER)
    if svg is None:
        return None, fault
    not_ours = svg_fault(svg)
    return (None, not_ours) if not_ours else (svg, "")
