"""`mkdocs serve` after one edit: of a 200-map site, the plugin reads and renders one map."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

import mkdocs_journey.diagrams.cache
from tests.conftest import copy_fixture, run_build
from tests.test_memo import Session, _digests

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


@pytest.mark.build
def test_serve_rebuilds_after_edits_write_the_site_a_fresh_build_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rebuilds reuse what an edit left as it was (listings, the KPI board, journeys.json, the
    # pages without maps): after each edit the served site must be the one a fresh build of the
    # same files writes, file by file.
    epoch = {"SOURCE_DATE_EPOCH": "1811808000"}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch["SOURCE_DATE_EPOCH"])
    project = copy_fixture("data-site", tmp_path / "served")
    session = Session(project)
    session.build()
    session.build()
    page = project / "docs" / "index.md"
    dashboard = project / "site" / "journeys" / "kpis" / "index.html"
    edits = (
        ("name: Blog post", "name: Blog article"),  # the map changes, its KPIs do not
        ("target: 5,", "target: 3,"),  # a KPI changes: the board must show it
    )
    for number, (old, new) in enumerate(edits):
        text = page.read_text(encoding="utf-8")
        assert old in text
        page.write_text(text.replace(old, new), encoding="utf-8")
        session.build()
        fresh = tmp_path / f"fresh-{number}"
        shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("site", ".cache"))
        # In its own process: MkDocs hands this process's builds the same plugin instance.
        assert run_build(fresh, env=epoch).returncode == 0
        assert _digests(project / "site") == _digests(fresh / "site")
    assert "Blog article" in (project / "site" / "index.html").read_text(encoding="utf-8")
    board = dashboard.read_text(encoding="utf-8")
    assert 'data-value="3"' in board, board


@pytest.mark.build
def test_a_long_serve_session_holds_the_drawings_of_its_maps_not_of_every_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every edit of a touchpoint's name is a new flow diagram. Serve keeps drawings in memory
    # across rebuilds, up to twice what a build uses; past that the oldest go, or a day of
    # autosaved edits would hold every version of every diagram (the disk keeps them all).
    # The floor that keeps a small site's drawings is lifted, so that 12 edits reach the bound.
    monkeypatch.setattr(mkdocs_journey.diagrams.cache, "MEMORY_FLOOR", 0)
    project = copy_fixture("data-site", tmp_path / "served")
    session = Session(project)
    session.build()
    page = project / "docs" / "index.md"
    text = page.read_text(encoding="utf-8")
    assert "name: Blog post" in text
    held = []
    for number in range(12):
        page.write_text(text.replace("name: Blog post", f"name: Blog post {number}"), "utf-8")
        plugin = session.build()
        assert plugin.diagram_cache is not None
        held.append(plugin.diagram_cache.held)
        html = project / "site" / "index.html"
        assert f"Blog post {number}" in html.read_text(encoding="utf-8")
    assert held[5] == held[-1], held  # a plateau, not one more drawing an edit
    assert len(list((project / ".cache").rglob("*.svg"))) >= 12  # the disk keeps every one
