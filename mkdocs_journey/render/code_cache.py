"""The plugin's templates kept compiled between builds.

Compiling the journey templates (Jinja to Python to bytecode) took about 0.13 s of CPU in
every build, a third of what the example site costs without the plugin. Jinja's own
:class:`~jinja2.FileSystemBytecodeCache` keeps that bytecode, checked against each template's
source, in the folder Jinja picks for the user: ``_jinja2-cache-<uid>`` in the system's
temporary folder, which Jinja makes private to the user (mode 0700, owner checked) and refuses
to use otherwise.

Not in ``cache_dir``: that folder sits in the project, and CI restores it from a cache that
other branches write; bytecode is code, and a tampered file there would run in the build.
``cache_dir`` holds only data, checked before use.

The file names carry a stamp of this package's files and Jinja's version, because the compiled
code depends on the environment's options and on Jinja, not only on the template's text. Files
of other stamps not written for a day (an older checkout, a version since upgraded) are removed
when a cache is made; two versions in use side by side keep theirs. A file that cannot be read
or written is compiled again, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import types
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

#: The start of every file name this package writes in Jinja's folder.
PREFIX = "__mkdocs_journey_"
#: Files of another stamp unchanged for this long are removed.
STALE_AFTER = 24 * 3600


class TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, with read and write failures treated as misses."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged or unreadable file (Jinja unpickles and unmarshals it)
            bucket.reset()
        if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        # A full or read-only disk: the next build compiles again.
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def code_cache(package_stamp: str) -> TemplateCodeCache | None:
    """A cache for the environment of a package whose files hash to ``package_stamp``; None
    when Jinja finds no folder private to this user (or the platform has none)."""
    stamp = hashlib.sha256(f"{package_stamp}\0{jinja2.__version__}".encode()).hexdigest()[:16]
    ours = f"{PREFIX}{stamp}_"
    try:
        cache = TemplateCodeCache(pattern=f"{ours}%s.cache")
    except (RuntimeError, OSError):
        return None
    _remove_others(Path(cache.directory), ours)
    return cache


def _remove_others(folder: Path, ours: str) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    stale = time.time() - STALE_AFTER
    for name in names:
        if name.startswith(PREFIX) and not name.startswith(ours):
            path = folder / name
            try:
                if path.stat().st_mtime < stale:
                    path.unlink()
            except OSError:
                pass


def code_cache_folder() -> Path | None:
    """Where :func:`code_cache` keeps its files (benchmarks clear it for a cold build)."""
    try:
        return Path(jinja2.FileSystemBytecodeCache().directory)
    except (RuntimeError, OSError):
        return None
