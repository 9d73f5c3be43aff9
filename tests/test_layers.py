"""The package's layers: every import runs down the chain, never up.

The test reads every module's imports with ``ast`` (also those inside functions, which a lazy
import would hide from an import-time check) and fails on an edge that runs up: ``data/`` below
``analytics/``, the rendering below the site that assembles it, the hosts on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mkdocs_journey

PACKAGE = Path(mkdocs_journey.__file__).parent

#: Layers from the bottom up; a module may import its own layer and those below it. A module is
#: in the layer of its longest listed prefix ("render.numbers" before "render").
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation: the model, its parsing, and helpers anyone may use",
        (
            "",  # the package itself: its version
            "model",
            "parsing",
            "suggest",
            "files",
            "inert",
            "finite_json",
            "urls",
            "page_text",
            "render.numbers",  # the one number formatter, also for diagrams and change reports
        ),
    ),
    ("data: sources, channels, the engine", ("data",)),
    ("analytics: models, funnel, insights over the engine's results", ("analytics",)),
    (
        "domain services: catalogue, exports, changes, spreadsheets, diagrams",
        (
            "settings",  # validated options: data sources and channel rules
            "catalogue",
            "export",
            "advisories",
            "editor_schema",
            "scaffold",
            "joined",
            "changes",
            "bridge",
            "diagrams",
        ),
    ),
    ("rendering: view models and templates", ("render", "visuals")),
    (
        "the site and the commands' core",
        ("site", "site_config", "config", "check", "check_output", "new_map", "init_ci"),
    ),
    ("hosts: plugin, Markdown extension, command line", ("plugin", "extension", "cli")),
)
#: Modules whose package sits lower but which are hosts themselves (a command's entry point).
HOSTS = ("bridge.cli", "changes.cli")


def _layer(module: str) -> int:
    if any(module == host or module.startswith(host + ".") for host in HOSTS):
        return len(LAYERS) - 1
    best, rank = -1, -1
    for number, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".") or prefix == ""
            if matches and len(prefix) > best:
                best, rank = len(prefix), number
    return rank


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The package's modules ``path`` imports (relative to the package, "" for the package)."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                targets = [
                    ".".join(["mkdocs_journey", *base, *([node.module] if node.module else [])])
                ]
            else:
                targets = [node.module or ""]
            # ``from mkdocs_journey.data import quality`` imports the module data.quality.
            targets += [f"{targets[0]}.{alias.name}" for alias in node.names]
        for target in targets:
            if target == "mkdocs_journey" or target.startswith("mkdocs_journey."):
                module = target.removeprefix("mkdocs_journey").removeprefix(".")
                if _is_module(module):
                    found.add(module)
    return found


def _is_module(module: str) -> bool:
    path = PACKAGE.joinpath(*module.split(".")) if module else PACKAGE
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _edges() -> list[tuple[str, str]]:
    return sorted(
        (_module_name(path), target) for path in PACKAGE.rglob("*.py") for target in _imports(path)
    )


def test_every_module_is_in_a_layer() -> None:
    unplaced = [_module_name(p) for p in PACKAGE.rglob("*.py") if _layer(_module_name(p)) < 0]
    assert unplaced == []


def test_no_import_runs_up_the_layers() -> None:
    upward = [
        f"{source} ({LAYERS[_layer(source)][0].split(':')[0]}) imports {target} "
        f"({LAYERS[_layer(target)][0].split(':')[0]})"
        for source, target in _edges()
        if _layer(target) > _layer(source)
    ]
    assert upward == []


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("data", "analytics"),
        ("render", "data"),  # views read analyses, never the engine or its constants
        ("model", "parsing"),
        ("parsing", "data"),
    ],
)
def test_named_boundaries(lower: str, higher: str) -> None:
    crossing = [
        (source, target)
        for source, target in _edges()
        if (source == lower or source.startswith(lower + "."))
        and (target == higher or target.startswith(higher + "."))
    ]
    assert crossing == []


def test_the_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The test would be blind to a lazy import if ast.walk skipped function bodies.
    module = PACKAGE / "data" / "engine" / "__init__.py"
    assert "data.channels" in _imports(module)
    assert "site_config" in {target for source, target in _edges() if source == "cli"}
    assert _layer("render.numbers") < _layer("data") < _layer("analytics") < _layer("render")
