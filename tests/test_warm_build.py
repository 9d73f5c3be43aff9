"""A build whose maps and analyses all come from the cache loads no computing library.

The engine (DuckDB), numpy (the bootstrap, higher-order Markov chains) and the schema checks
(reading a map: jsonschema-rs's quick check, and jsonschema's, which explains a failure) together
take about a fifth of a second to import: a second build of an unchanged site must not pay for
them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_fixture

HEAVY = ("duckdb", "numpy", "jsonschema", "jsonschema_rs")
# One build in this process, then the heavy modules it loaded, as JSON on the last line.
BUILD = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml"))
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def _last_line(script: str, project: Path) -> list[str]:
    """Run ``script`` in a new Python process in ``project``: the JSON list it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _loaded(project: Path) -> list[str]:
    return _last_line(BUILD.format(heavy=HEAVY), project)


@pytest.mark.build
def test_a_warm_build_loads_no_engine_numpy_or_schema_library(tmp_path: Path) -> None:
    project = copy_fixture("data-site", tmp_path)
    # Cold: the maps are read and the data analysed. The map is valid, so the quick check is
    # all its reading needs: jsonschema explains failures, and there are none.
    assert _loaded(project) == ["duckdb", "jsonschema_rs", "numpy"]
    assert (project / "site" / "index.html").is_file()
    assert _loaded(project) == []  # warm: all of it from the cache
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text() + "\nA new closing line.\n"
    )
    assert _loaded(project) == ["jsonschema_rs"]  # the edited page's map is read and checked again


# One build in this process with the temporary folder given, then the journey templates it
# compiled (from source, not from Jinja's cache), as JSON on the last line.
COMPILING_BUILD = """
import json, jinja2, tempfile
tempfile.tempdir = {temporary!r}
compiled = []
compile_source = jinja2.Environment.compile
def counted(self, source, name=None, filename=None, *args, **kwargs):
    if name and name.startswith("journey/"):
        compiled.append(name)
    return compile_source(self, source, name, filename, *args, **kwargs)
jinja2.Environment.compile = counted
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml"))
print(json.dumps(sorted(compiled)))
"""


def _compiled(project: Path, temporary: Path) -> list[str]:
    return _last_line(COMPILING_BUILD.format(temporary=str(temporary)), project)


@pytest.mark.build
def test_a_second_build_compiles_none_of_the_plugins_templates(tmp_path: Path) -> None:
    project = copy_fixture("data-site", tmp_path)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    first = _compiled(project, temporary)
    assert "journey/map.html" in first
    page = (project / "site" / "index.html").read_bytes()
    # Kept in Jinja's folder for the user, private to them; nothing in the project.
    (folder,) = temporary.glob("_jinja2-cache-*")
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert len(list(folder.glob("__mkdocs_journey_*.cache"))) == len(set(first))
    assert not list((project / ".cache").rglob("*jinja*"))
    # The next build, even with the project's own cache gone, compiles none of them.
    shutil.rmtree(project / ".cache")
    assert _compiled(project, temporary) == []
    assert (project / "site" / "index.html").read_bytes() == page
    # A damaged file is compiled again, the page the same.
    damaged = sorted(folder.glob("__mkdocs_journey_*.cache"))[0]
    damaged.write_bytes(damaged.read_bytes()[:40] + b"\x00garbage")
    assert len(_compiled(project, temporary)) == 1
    assert (project / "site" / "index.html").read_bytes() == page


@pytest.mark.build
def test_template_cache_false_keeps_nothing_compiled(tmp_path: Path) -> None:
    project = copy_fixture("data-site", tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  - journey:\n", "  - journey:\n      template_cache: false\n")
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    assert "journey/map.html" in _compiled(project, temporary)
    assert "journey/map.html" in _compiled(project, temporary)
    assert not list(temporary.rglob("__mkdocs_journey_*"))
