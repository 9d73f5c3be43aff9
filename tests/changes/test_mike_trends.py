"""KPI trends across versions published with real ``mike deploy`` into a local repository.

Version 1.0 of the basic fixture says the owner map's "Trial to paid" KPI is at 14%; version 2.0
says 17%. Building 2.0, the plugin reads 1.0's journeys.json from the gh-pages branch (git, no
network), so 2.0's journeys.json and map page carry the series 14 -> 17, and with
``compare_to: previous mike version`` the map says what changed since 1.0.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator

from mkdocs_journey.export import export_schema
from tests.changes.gitrepo import GitRepo
from tests.conftest import copy_fixture

pytestmark = pytest.mark.build

KPI = '{name: Trial to paid, target: 20, unit: "%", actual: 14}'


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    project = copy_fixture("basic", tmp_path_factory.mktemp("mike"))
    (project / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - journey:\n", "  - journey:\n      compare_to: previous mike version\n", 1
        )
        + "extra:\n  version:\n    provider: mike\n",
        encoding="utf-8",
    )
    repo = GitRepo.create(project)
    repo.commit("Release 1.0")
    done = repo.mike("deploy", "1.0")
    assert done.returncode == 0, done.stdout + done.stderr
    repo.edit("docs/maps/front.md", KPI, KPI.replace("actual: 14", "actual: 17"))
    repo.commit("Trial to paid is up")
    done = repo.mike("deploy", "2.0")
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def _show(repo: GitRepo, path: str) -> str:
    return repo.git("show", f"gh-pages:{path}")


def _kpi(document: dict, map_id: str, name: str) -> dict:
    journey = next(m for m in document["maps"] if m["id"] == map_id)
    return next(k for s in journey["stages"] for k in s["kpis"] if k["name"] == name)


def test_the_first_version_has_no_series(published: GitRepo) -> None:
    first = json.loads(_show(published, "1.0/journeys.json"))
    assert "trend" not in _kpi(first, "owner", "Trial to paid")


def test_the_series_comes_from_the_first_versions_journeys_json(published: GitRepo) -> None:
    second = json.loads(_show(published, "2.0/journeys.json"))
    assert _kpi(second, "owner", "Trial to paid")["trend"] == [
        {"version": "1.0", "generated": "2026-06-01", "target": 20, "actual": 14},
        {"version": "2.0", "generated": "2026-06-01", "target": 20, "actual": 17},
    ]
    Draft202012Validator(export_schema()).validate(second)


def test_the_map_page_shows_the_sparkline_with_its_values_as_text(published: GitRepo) -> None:
    page = BeautifulSoup(_show(published, "2.0/maps/front/index.html"), "html.parser")
    trends = page.select_one("#journey-owner section.journey-kpi-trends")
    assert trends is not None
    row = trends.select_one("tbody tr")
    assert row.select_one("th").get_text(strip=True) == "Trial to paid"
    values = [li.get_text(" ", strip=True) for li in row.select(".journey-kpi-trends__values li")]
    assert values == ["1.0: 14%", "2.0: 17%"]
    svg = row.select_one("svg.journey-sparkline[role=img]")
    assert svg.select_one("desc").get_text() == "1.0: 14%; 2.0 (this version): 17%; target 20%."
    assert len(svg.select("circle.journey-sparkline__point")) == 2
    assert "journey-kpi-trend--better" in row["class"]


def test_the_kpi_dashboard_draws_the_series_too(published: GitRepo) -> None:
    page = BeautifulSoup(_show(published, "2.0/journeys/kpis/index.html"), "html.parser")
    headings = [
        th.get_text(strip=True) for th in page.select(".journey-dashboard__table th[scope=col]")
    ]
    assert headings[-1] == "Across versions"
    row = next(
        tr
        for tr in page.select(".journey-dashboard__table tbody tr")
        if tr.select_one("th").get_text(strip=True) == "Trial to paid"
    )
    svg = row.select_one("svg.journey-sparkline[role=img]")
    assert svg.select_one("desc").get_text() == "1.0: 14%; 2.0 (this version): 17%; target 20%."
    # KPIs without earlier values have an empty cell, never a slot left unfilled.
    assert "journey-history-slot" not in str(page.select_one(".journey-dashboard__table"))


def test_previous_mike_version_is_what_the_map_is_compared_with(published: GitRepo) -> None:
    page = BeautifulSoup(_show(published, "2.0/maps/front/index.html"), "html.parser")
    block = page.select_one("#journey-owner details.journey-changes")
    assert (
        block.select_one("summary")
        .get_text(" ", strip=True)
        .startswith("Changed since version 1.0")
    )
    assert [li.get_text(strip=True) for li in block.select("li")] == [
        'Decision: KPI "Trial to paid": actual 14% → 17% (better)'
    ]
    first = BeautifulSoup(_show(published, "1.0/journeys/changes/index.html"), "html.parser")
    note = first.select_one(".journey-changes-note").get_text(" ", strip=True)
    assert "no version before 1.0 is published on the 'gh-pages' branch yet" in note


def test_a_build_without_mike_has_no_series_and_says_why_it_compares_nothing(
    published: GitRepo,
) -> None:
    done = published.mkdocs_build("--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    site = published.path / "site"
    document = json.loads((site / "journeys.json").read_text(encoding="utf-8"))
    assert "trend" not in _kpi(document, "owner", "Trial to paid")
    page = BeautifulSoup((site / "journeys/changes/index.html").read_text(), "html.parser")
    assert "not run by `mike deploy`" in page.select_one(".journey-changes-note").get_text()
