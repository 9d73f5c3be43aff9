"""Joining maps to their data: a new catalogue, the one given left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs_journey.catalogue import build_catalogue
from mkdocs_journey.config.data import DataSources
from mkdocs_journey.joined import configured_sources, join_data
from mkdocs_journey.parsing.page import read_page
from mkdocs_journey.settings import Settings
from tests.conftest import FIXTURES

PAGE = (FIXTURES / "data-site" / "docs" / "index.md").read_text(encoding="utf-8")
BROKEN = PAGE.replace("id: trial", "id: broken").replace("data: crm", "data: gone")


def test_join_data_returns_a_new_catalogue(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "data-site" / "data", tmp_path / "data")
    (tmp_path / "data" / "empty.csv").write_text("no,header,we,know\n", encoding="utf-8")
    settings = Settings(
        project_dir=tmp_path,
        data_sources=DataSources().run_validation(
            {"crm": {"path": "data/events.csv"}, "gone": "data/empty.csv"}
        ),
    )
    catalogue = build_catalogue(
        [
            *read_page("index.md", PAGE, settings.stages),
            *read_page("b.md", BROKEN, settings.stages),
        ],
        data_sources=["crm", "gone"],
    )
    before = list(catalogue.readings)
    sources, problems = configured_sources(settings)
    assert problems == []
    joined, with_data = join_data(catalogue, settings, sources, [], cache=None)

    assert catalogue.readings == before  # the given catalogue is untouched
    kpi = with_data.maps[0].stages[1].kpis[0]
    assert kpi.actual == joined.by_map["trial"].totals.conversions
    assert catalogue.maps[0].stages[1].kpis[0].actual is None
    # The map whose file cannot be analysed gets a problem in the new catalogue only.
    [broken] = [r for r in with_data.readings if r.page == "b.md"]
    assert [p.message for p in broken.problems] == [
        f"data of map 'broken': {joined.errors['broken']}"
    ]
    assert next(r for r in catalogue.readings if r.page == "b.md").problems == ()
