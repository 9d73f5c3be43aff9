"""`mkdocs-journey analyze --config`: the numbers of the built page, the config read as MkDocs
reads it; and output cut short by its reader ends quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_journey.analytics.attribution import MODELS
from tests.conftest import copy_fixture, run_build, run_cli

pytestmark = pytest.mark.build

FIXTURE_EVENTS = Path(__file__).parent / "fixtures" / "data" / "quality.csv"


def _cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data site with a second map on the same source, and its data path read via !ENV."""
    project = copy_fixture("data-site", tmp_path_factory.mktemp("analyze"))
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace("path: data/events.csv", "path: !ENV [JOURNEY_EVENTS, data/events.csv]")
        .replace("      today:", "      currency: chf\n      today:"),
        encoding="utf-8",
    )
    (project / "docs" / "short.md").write_text(
        "# Short\n\n```journey\nid: short\ntitle: Short trial\ndata: crm\nstages:\n"
        "  - name: Awareness\n    touchpoints:\n      - {id: blog, name: Blog post}\n"
        "  - name: Decision\n    touchpoints:\n      - {id: checkout, name: Checkout}\n```\n",
        encoding="utf-8",
    )
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return project


def _page_analytics(project: Path, map_id: str) -> dict:
    export = json.loads((project / "site" / "journeys.json").read_text(encoding="utf-8"))
    [record] = [m for m in export["maps"] if m["id"] == map_id]
    return record["analytics"]


@pytest.mark.parametrize("map_id", ["trial", "short"])
def test_analyze_with_the_site_prints_the_numbers_of_the_built_page(
    built_site: Path, map_id: str
) -> None:
    result = _cli(
        "analyze", "--config", "mkdocs.yml", "--map", map_id, "--format", "json", cwd=built_site
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    printed = json.loads(result.stdout)
    assert printed == _page_analytics(built_site, map_id)
    # The map really applies: its stages make the funnel, its touchpoints the coverage.
    stages = [step["stage"] for step in printed["funnel"]]
    assert stages == (
        ["Awareness", "Decision"]
        if map_id == "short"
        else ["Awareness", "Consideration", "Decision"]
    )
    # And the page shows the same totals.
    from bs4 import BeautifulSoup

    page = "short/index.html" if map_id == "short" else "index.html"
    soup = BeautifulSoup((built_site / "site" / page).read_text(encoding="utf-8"), "html.parser")
    text = soup.select_one(f"#journey-{map_id} .journey-analytics").get_text(" ", strip=True)
    totals = printed["totals"]
    assert f"Rows used {totals['rows_used']} of {totals['rows_read']}" in text


def test_revenue_reads_in_the_sites_currency_on_the_page_and_in_the_terminal(
    built_site: Path,
) -> None:
    from bs4 import BeautifulSoup

    result = _cli("analyze", "--config", "mkdocs.yml", "--map", "trial", cwd=built_site)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    table = lines[lines.index("Revenue credited per channel by each model") :]
    total = next(line for line in table if line.startswith("Total")).split("  ")
    figures = [cell.strip() for cell in total[1:] if cell.strip()]
    assert len(figures) == len(MODELS)  # "CHF 200.50" holds a no-break space, not a gap
    soup = BeautifulSoup(
        (built_site / "site" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    cells = [
        td.get_text()
        for td in soup.select("#journey-trial table.journey-attribution--revenue tfoot td")
    ]
    assert cells
    assert all(cell.startswith("CHF\u00a0") for cell in cells)
    assert figures == cells


def test_analyze_says_which_map_it_chose_or_asks_for_one(built_site: Path, tmp_path: Path) -> None:
    several = _cli("analyze", "--config", "mkdocs.yml", cwd=built_site)
    assert several.returncode == 1
    assert several.stderr == (
        "mkdocs-journey: error: maps 'trial', 'short' read data source 'crm'; "
        "choose one with --map\n"
    )
    unknown = _cli("analyze", "--config", "mkdocs.yml", "--map", "trail", cwd=built_site)
    assert unknown.returncode == 1
    assert unknown.stderr.endswith(
        f"no map with id 'trail' in {built_site / 'docs'} (did you mean 'trial'?)\n"
    )
    # With one map on the source, that map is the default, and the command says so.
    (built_site / "docs" / "short.md").rename(tmp_path / "short.md")
    try:
        chosen = _cli("analyze", "--config", "mkdocs.yml", "--format", "json", cwd=built_site)
    finally:
        (tmp_path / "short.md").rename(built_site / "docs" / "short.md")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stderr == (
        "mkdocs-journey: map 'trial', the only map that reads data source 'crm' "
        "(choose another with --map)\n"
    )
    printed = json.loads(chosen.stdout)
    assert [step["stage"] for step in printed["funnel"]] == [
        "Awareness",
        "Consideration",
        "Decision",
    ]
    assert printed["coverage"] is not None


def test_analyze_reads_env_tags_as_mkdocs_does(built_site: Path) -> None:
    other = built_site / "data" / "other.csv"
    other.write_bytes(FIXTURE_EVENTS.read_bytes()[:400])
    try:
        result = _cli(
            "analyze",
            "--config",
            "mkdocs.yml",
            "--map",
            "trial",
            "--format",
            "json",
            cwd=built_site,
            JOURNEY_EVENTS="data/other.csv",
        )
    finally:
        other.unlink()
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["file"] == "data/other.csv"
    assert (
        printed["totals"]["rows_read"] < _page_analytics(built_site, "trial")["totals"]["rows_read"]
    )
    missing = _cli(
        "analyze",
        "--config",
        "mkdocs.yml",
        "--map",
        "trial",
        cwd=built_site,
        JOURNEY_EVENTS="data/gone.csv",
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith(
        "mkdocs-journey: error: mkdocs.yml: data_sources: data source 'crm': "
        "file 'data/gone.csv' not found"
    )


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    # A reader that has already gone: every write meets a closed pipe.
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_journey.cli", "analyze", str(FIXTURE_EVENTS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, errors = process.communicate(timeout=300)
    assert errors == b""
    assert process.returncode == 141
    # And as a user writes it, through a shell pipe into `head`.
    shell = subprocess.run(
        [
            "bash",
            "-o",
            "pipefail",
            "-c",
            f"{sys.executable} -m mkdocs_journey.cli analyze --format json {FIXTURE_EVENTS}"
            " | head -n 0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert shell.stderr == ""
    assert shell.returncode == 141
