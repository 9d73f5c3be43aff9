"""Cache of analyses, keyed by the data file's content hash + config + package version.

A ``mkdocs serve`` rebuild asks again for every map's analysis; when neither the file nor the
relevant configuration changed, the previous result is returned from memory and the file is not
parsed again. To avoid even hashing an unchanged file, the content hash is remembered per
(path, size, mtime).

With a ``directory`` (the plugin uses ``<cache_dir>/analyses``), every analysis is also kept on
disk as JSON, so a new process (the next ``mkdocs build``, a CI run that restores the cache, a
restarted ``mkdocs serve``) reads the numbers instead of the events file. JSON, not pickle: a
cache file is only ever data, decoded into the result's own dataclasses by ``cattrs``, so a
tampered cache cannot run code. An unreadable or outdated entry is recomputed and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import cattrs

from mkdocs_journey import __version__, finite_json
from mkdocs_journey.files import write_atomically

T = TypeVar("T")
CHUNK = 1 << 20
_converter = cattrs.Converter()


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class AnalysisCache(Generic[T]):
    """Keeps computed values; ``computed`` counts how many times the compute function ran.

    ``directory`` and ``kind`` (the dataclass of the values) switch the disk copy on."""

    max_entries: int = 64
    directory: Path | None = None
    kind: type[T] | None = None
    computed: int = 0
    hashed: int = 0
    loaded: int = 0  # values read back from disk
    #: Disk problems are not fatal (the value is recomputed); the host may log them.
    errors: list[str] = field(default_factory=list)
    _values: dict[str, T] = field(default_factory=dict)
    #: The content hash of each file by its path, for the size and change time it had: one
    #: entry a file, replaced when the file changes (a long `mkdocs serve` session edits a data
    #: file many times).
    _digests: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def content_hash(self, path: Path) -> str:
        stat = path.stat()
        where, seen = str(path.resolve()), (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            known = self._digests.get(where)
        if known is not None and known[:2] == seen:
            return known[2]
        digest = file_digest(path)
        with self._lock:
            self.hashed += 1
            self._digests[where] = (*seen, digest)
        return digest

    def key(self, path: Path, config: str) -> str:
        parts = (self.content_hash(path), config, __version__)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get_or_compute(self, path: Path, config: str, compute: Callable[[], T]) -> T:
        # The key is taken before computing: it names the content the value is computed from.
        key = self.key(path, config)
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def get(self, key: str) -> T | None:
        """The value kept under ``key`` (see :meth:`key`), from memory or disk, or None."""
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = self._load(key)
        if value is not None:
            self._remember(key, value)
        return value

    def put(self, key: str, value: T) -> None:
        """Keep a value just computed under ``key`` (it counts as computed)."""
        self.computed += 1
        self._store(key, value)
        self._remember(key, value)

    def _remember(self, key: str, value: T) -> None:
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values.pop(next(iter(self._values)))
            self._values[key] = value

    def file_for(self, key: str) -> Path | None:
        if self.directory is None or self.kind is None:
            return None
        return self.directory / key[:2] / f"{key}.json"

    def _load(self, key: str) -> T | None:
        path = self.file_for(key)
        if path is None or self.kind is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            value = _converter.structure(data, self.kind)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, cattrs.BaseValidationError) as error:
            self.errors.append(f"ignored the cached analysis {path}: {error}")
            return None
        self.loaded += 1
        return value

    def _store(self, key: str, value: T) -> None:
        path = self.file_for(key)
        if path is None:
            return
        try:
            write_atomically(path, finite_json.dumps(_converter.unstructure(value), str(path)))
        except (OSError, finite_json.NonFiniteNumber) as error:
            self.errors.append(f"cannot write {path}: {error}")

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._digests.clear()
