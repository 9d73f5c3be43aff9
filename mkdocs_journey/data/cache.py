"""In-memory cache of analyses, keyed by the data file's content hash + config + package version.

A ``mkdocs serve`` rebuild asks again for every map's analysis; when neither the file nor the
relevant configuration changed, the previous result is returned and the file is not parsed again.
To avoid even hashing an unchanged file, the content hash is remembered per (path, size, mtime).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from mkdocs_journey import __version__

T = TypeVar("T")
CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class AnalysisCache(Generic[T]):
    """Keeps computed values; ``computed`` counts how many times the compute function ran."""

    max_entries: int = 64
    computed: int = 0
    hashed: int = 0
    _values: dict[str, T] = field(default_factory=dict)
    _digests: dict[tuple[str, int, int], str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def content_hash(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            known = self._digests.get(key)
        if known is None:
            known = file_digest(path)
            with self._lock:
                self.hashed += 1
                self._digests[key] = known
        return known

    def key(self, path: Path, config: str) -> str:
        parts = (self.content_hash(path), config, __version__)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get_or_compute(self, path: Path, config: str, compute: Callable[[], T]) -> T:
        key = self.key(path, config)
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            self.computed += 1
            if len(self._values) >= self.max_entries:
                self._values.pop(next(iter(self._values)))
            self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._digests.clear()
