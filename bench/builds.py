"""What the site benchmarks share: the wall time of one real ``mkdocs build`` process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

#: Material prints a notice about MkDocs 2.0 on every run; it is noise in a benchmark.
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def build_seconds(project: Path, *, fresh_cache: bool) -> float:
    """Wall time of one ``mkdocs build`` process in ``project``; ``fresh_cache`` removes the
    plugin's disk cache first."""
    if fresh_cache:
        shutil.rmtree(project / ".cache", ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet"],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {project}:\n{done.stderr[-3000:]}")
    return elapsed
