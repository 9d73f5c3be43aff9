"""A build whose maps and analyses all come from the cache loads no computing library.

The engine (DuckDB), numpy (the bootstrap, higher-order Markov chains) and jsonschema (reading a
map) together take about a fifth of a second to import: a second build of an unchanged site
must not pay for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_fixture

HEAVY = ("duckdb", "numpy", "jsonschema")
# One build in this process, then the heavy modules it loaded, as JSON on the last line.
BUILD = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml"))
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def _loaded(project: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", BUILD.format(heavy=HEAVY)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.build
def test_a_warm_build_loads_no_engine_numpy_or_schema_library(tmp_path: Path) -> None:
    project = copy_fixture("data-site", tmp_path)
    assert _loaded(project) == sorted(HEAVY)  # cold: the maps are read and the data analysed
    assert (project / "site" / "index.html").is_file()
    assert _loaded(project) == []  # warm: all of it from the cache
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text() + "\nA new closing line.\n"
    )
    assert _loaded(project) == ["jsonschema"]  # the edited page's map is read (and checked) again
