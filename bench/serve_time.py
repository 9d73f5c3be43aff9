"""`mkdocs serve` rebuilds timed in this process: the plugin's own part of each one.

MkDocs' serve loads the configuration again for every rebuild and keeps a plugin that defines
``on_startup`` (ours does) with its caches; :func:`serve_rebuilds` does the same through
MkDocs' own ``load_config`` and ``build``, and times every journey hook by wrapping the plugin
class's methods before the first build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_journey.plugin import JourneyPlugin

HOOKS = (
    "on_config",
    "on_files",
    "on_page_markdown",
    "on_page_content",
    "on_page_context",
    "on_post_build",
)


@dataclass
class Rebuild:
    total: float  # seconds, the whole rebuild
    plugin: float  # seconds inside journey hooks
    hooks: dict[str, float] = field(default_factory=dict)
    parsed: int = 0
    rendered: int = 0


def _timed(name: str, method: Callable[..., Any], spent: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    # MkDocs orders hooks by this attribute (set by @event_priority).
    if hasattr(method, "mkdocs_priority"):
        wrapper.mkdocs_priority = method.mkdocs_priority  # type: ignore[attr-defined]
    return wrapper


def serve_rebuilds(project: Path, map_pages: list[Path], rounds: int) -> list[Rebuild]:
    """Build twice, then ``rounds`` times: edit one map page (a stage goal), rebuild."""
    spent: dict[str, float] = {}
    originals = {name: getattr(JourneyPlugin, name) for name in HOOKS}
    for name, method in originals.items():
        setattr(JourneyPlugin, name, _timed(name, method, spent))
    try:
        plugin: JourneyPlugin | None = None

        def rebuild() -> Rebuild:
            nonlocal plugin
            spent.clear()
            start = time.perf_counter()
            config = load_config(str(project / "mkdocs.yml"))
            if plugin is None:
                config.plugins.on_startup(command="serve", dirty=False)
            build(config)
            total = time.perf_counter() - start
            plugin = config.plugins["journey"]  # type: ignore[assignment]
            memo = plugin.memo if plugin else None
            return Rebuild(
                total,
                sum(spent.values()),
                dict(spent),
                memo.parsed if memo else -1,
                memo.rendered if memo else -1,
            )

        rebuild()
        rebuild()
        results = []
        for number in range(rounds):
            page = map_pages[(number * 37 + 20) % len(map_pages)]
            text = page.read_text(encoding="utf-8")
            page.write_text(text.replace("  goal: ", f"  goal: Edit {number}. ", 1), "utf-8")
            results.append(rebuild())
        return results
    finally:
        for name, method in originals.items():
            setattr(JourneyPlugin, name, method)
