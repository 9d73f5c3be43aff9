"""A site can override our templates, and a missing renderer is loud but not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_build

pytestmark = pytest.mark.build


def _set(project: Path, old: str, new: str) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_theme_custom_dir_overrides_a_template(fixture_site) -> None:
    project = fixture_site("basic")
    _set(project, "  name: material\n", "  name: material\n  custom_dir: overrides\n")
    override = project / "overrides" / "journey" / "persona-card.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '<aside class="our-persona">{{ persona.name }} (house style)</aside>\n', encoding="utf-8"
    )
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    card = build.page("maps/front/").select_one("#journey-owner aside.our-persona")
    assert card is not None
    assert card.get_text() == "Olivia Owner (house style)"


def test_unavailable_renderer_warns_and_shows_error_box(fixture_site, tmp_path: Path) -> None:
    project = fixture_site("basic")
    _set(
        project,
        "      today: 2026-06-01\n",
        "      today: 2026-06-01\n      diagram_renderer: dot\n",
    )
    empty = tmp_path / "no-dot-here"
    empty.mkdir()
    strict = run_build(project, strict=True, path=str(empty))
    assert strict.returncode != 0
    warnings = [line for line in strict.output.splitlines() if line.startswith("WARNING")]
    assert len([w for w in warnings if "Graphviz" in w or "dot" in w]) == 1, warnings  # said once
    plain = run_build(project, path=str(empty))
    assert plain.returncode == 0, plain.output
    map_div = plain.page("maps/front/").select_one("#journey-owner")
    assert map_div.select_one(".journey-diagram-error[role=alert]") is not None
    assert (
        map_div.select_one("table.journey-table") is not None
    )  # the rest of the map still renders
    assert map_div.select_one("td.journey-curve-cell svg.journey-curve__drawing") is not None
