"""`mkdocs serve` after one edit: of a 200-map site, the plugin reads and renders one map."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.test_memo import Session

BENCH = Path(__file__).parent.parent / "bench"


def _synthetic():  # bench/ is not a package: the benchmarks' site writer, loaded by path
    spec = importlib.util.spec_from_file_location("synthetic", BENCH / "synthetic.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.build
def test_editing_one_map_page_reads_and_renders_that_map_only(tmp_path: Path) -> None:
    synthetic = _synthetic()
    project = synthetic.write_site(tmp_path / "site", pages=210, maps=200, nav_depth=2)
    map_pages = [
        project / "docs" / path
        for path, holds_map in synthetic.page_paths(210, 200, 2, 4)
        if holds_map
    ]
    assert len(map_pages) == 200
    session = Session(project)
    session.build()
    assert (session.memo.parsed, session.memo.rendered) == (200, 200)
    session.build()  # serve's first rebuild: nothing changed
    assert (session.memo.parsed, session.memo.rendered) == (0, 0)

    # The 100th map (its persona is defined elsewhere): a stage's goal, as an author edits it.
    page = map_pages[99]
    text = page.read_text(encoding="utf-8")
    edited = text.replace("  goal: ", "  goal: Revised. ", 1)
    assert edited != text
    page.write_text(edited, encoding="utf-8")
    session.build()
    assert (session.memo.parsed, session.memo.rendered) == (1, 1)
    html = project / "site" / page.relative_to(project / "docs").with_suffix("") / "index.html"
    assert "Revised." in html.read_text(encoding="utf-8")
