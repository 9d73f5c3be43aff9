"""What the site benchmarks share: the wall time of one real ``mkdocs build`` process."""

from __future__ import annotations

import os
import resource
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
    return build_times(project, fresh_cache=fresh_cache)[0]


def build_times(
    project: Path, *, fresh_cache: bool, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the process and its children) of one
    ``mkdocs build`` process (``env``: its environment, ``ENV`` by default). On a shared
    machine the CPU time is the steadier figure: other people's work makes a build wait, which
    wall time counts and CPU time does not."""
    if fresh_cache:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        clear_template_code()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet"],
        cwd=project,
        env=ENV if env is None else env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {project}:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def clear_template_code() -> None:
    """Remove the plugin's compiled templates (kept outside the project, in Jinja's folder for
    the user): a cold build compiles them, as on a fresh machine."""
    from mkdocs_journey.render.code_cache import PREFIX, code_cache_folder

    folder = code_cache_folder()
    if folder is not None:
        for path in folder.glob(f"{PREFIX}*"):
            path.unlink(missing_ok=True)


def byte_compile_package() -> None:
    """Compile the plugin's modules to bytecode, as ``pip install`` does for an installed
    package. The checkout is installed editable, and a machine that sets
    PYTHONDONTWRITEBYTECODE (this one does) would otherwise compile its 130 modules from source
    in every build process: about 0.1 s of CPU that no installed copy pays."""
    import compileall

    import mkdocs_journey

    compileall.compile_dir(Path(mkdocs_journey.__file__).parent, quiet=1)
