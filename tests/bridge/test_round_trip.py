"""Export -> import -> export keeps every cell, for every example map, through CSV and XLSX.

The imported page is read the way the site reads it (the map parser, then the site catalogue with
every other page, so that personas named by id resolve), and exported again.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mkdocs_journey.bridge.cli import SiteMaps, site_maps
from mkdocs_journey.bridge.grid import grid_of_map, map_of_grid
from mkdocs_journey.bridge.page import map_page
from mkdocs_journey.bridge.sheets import csv_text, parse_csv, read_xlsx, write_xlsx
from mkdocs_journey.catalogue import build_catalogue
from mkdocs_journey.model import Severity
from mkdocs_journey.parsing.page import read_page
from tests.conftest import run_cli

EXAMPLE = Path(__file__).parents[2] / "example-site"
MAP_IDS = ["omni-store-first", "omni-online-first", "saas-trial-to-paid", "smb-accounting"]


@pytest.fixture(scope="module")
def site() -> SiteMaps:
    return site_maps(EXAMPLE / "mkdocs.yml")


def test_the_example_site_has_these_maps(site: SiteMaps) -> None:
    assert sorted(r.journey_map.id for r in site.readings if r.journey_map) == sorted(MAP_IDS)


def _reimported(site: SiteMaps, map_id: str, grid: list[list[str]]) -> list[list[str]]:
    """Import ``grid`` as a page, read it with the rest of the site, export it again."""
    data, problems = map_of_grid(grid, stages=site.stages)
    assert [str(p) for p in problems] == []
    page = map_page(data)
    fresh = read_page("maps/imported.md", page, site.stages)
    others = [r for r in site.readings if r.journey_map is None or r.journey_map.id != map_id]
    catalogue = build_catalogue(
        [*others, *fresh],
        data_sources=["smb-owner", "saas-buyer", "omni-store-first", "omni-online-first"],
    )
    (imported,) = [r for r in catalogue.readings if r.page == "maps/imported.md"]
    assert [str(p) for p in imported.problems if p.severity is Severity.ERROR] == []
    return grid_of_map(imported.journey_map, imported.persona_ref)


@pytest.mark.parametrize("map_id", MAP_IDS)
def test_csv_round_trip_keeps_every_cell(site: SiteMaps, map_id: str) -> None:
    reading = site.find(map_id)
    first = csv_text(grid_of_map(reading.journey_map, reading.persona_ref))
    again = csv_text(_reimported(site, map_id, parse_csv(first)))
    assert again == first


@pytest.mark.parametrize("map_id", MAP_IDS)
def test_xlsx_round_trip_keeps_every_cell(site: SiteMaps, map_id: str, tmp_path: Path) -> None:
    reading = site.find(map_id)
    grid = grid_of_map(reading.journey_map, reading.persona_ref)
    workbook = tmp_path / f"{map_id}.xlsx"
    write_xlsx(grid, workbook)
    # Every cell is in the workbook as written (scores as numbers, the rest as text).
    sheet = load_workbook(workbook).active
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c).value
            assert ("" if cell is None else str(cell)) == value, (r, c)
    again = _reimported(site, map_id, read_xlsx(workbook))
    assert again == grid


@pytest.mark.build
def test_cli_round_trip_and_check(tmp_path: Path) -> None:
    """The commands a team runs: export to XLSX, import it as the page, check, export again."""
    project = tmp_path / "example-site"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", ".cache"))

    def journey(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=project, timeout=300)

    before = journey("export", "smb-accounting", "--format", "csv")
    assert before.returncode == 0, before.stderr
    done = journey("export", "smb-accounting", "--format", "xlsx", "-o", "ledger.xlsx")
    assert done.returncode == 0, done.stderr
    page = project / "docs" / "maps" / "smb-owner.md"
    refused = journey("import", "ledger.xlsx", "-o", str(page))
    assert refused.returncode == 2
    assert "exists; give --force to overwrite it" in refused.stderr
    done = journey("import", "ledger.xlsx", "-o", str(page), "--force")
    assert done.returncode == 0, done.stderr
    assert page.read_text(encoding="utf-8").startswith(
        "# Small-business owner: from shoebox receipts to Northwind Ledger\n\n```journey\nid: "
        "smb-accounting\n"
    )
    check = journey("check")
    assert check.returncode == 0, check.stdout
    assert "4 maps checked: 0 errors" in check.stdout
    after = journey("export", "smb-accounting", "--format", "csv")
    assert after.stdout == before.stdout
