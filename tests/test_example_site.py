"""The example site, built for real with --strict: every map has its table, diagram and curve."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator, FormatChecker

from mkdocs_journey.export import export_schema
from tests.conftest import Build, run_build

pytestmark = pytest.mark.build

EXAMPLE = Path(__file__).parent.parent / "example-site"


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = tmp_path_factory.mktemp("example") / "example-site"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", ".cache"))
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build


def _map_pages(build: Build) -> list[Path]:
    return sorted(p for p in (build.site / "maps").rglob("index.html"))


def test_every_map_has_stage_table_diagram_and_curve(example_build: Build) -> None:
    pages = _map_pages(example_build)
    assert len(pages) >= 3
    total = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        maps = soup.select("div.journey-map")
        assert maps, page
        for map_div in maps:
            total += 1
            assert map_div.select_one("table.journey-table"), page
            assert map_div.select_one(".journey-diagram svg[role=img]"), page
            # The emotion curve is a lane of the stage grid: a drawing in every stage column.
            curve_cells = map_div.select("tr.journey-row--emotions td.journey-curve-cell")
            assert len(curve_cells) == len(map_div.select("thead th.journey-stage")), page
            assert all(c.select_one("svg.journey-curve__drawing") for c in curve_cells), page
    assert total >= 4


def test_diagram_svgs_parse_with_unique_ids_and_stage_order(example_build: Build) -> None:
    for page in _map_pages(example_build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids = [tag["id"] for tag in soup.select(".journey-map [id]")]
        assert len(ids) == len(set(ids)), page
        for map_div in soup.select("div.journey-map"):
            svg = map_div.select_one(".journey-diagram svg")
            ElementTree.fromstring(str(svg).replace("viewbox=", "viewBox="))  # well-formed XML
            assert not str(svg).startswith("<?xml")
            assert svg.select_one("title") is not None
            assert svg.select_one("desc") is not None
            stages = [th.get_text(strip=True) for th in map_div.select("thead th.journey-stage")]
            clusters = [
                g.select_one("text").get_text(strip=True).split(" · ")[0]
                for g in svg.select("g.journey-stage")
            ]
            assert clusters == stages, page


def test_curve_marks_lowest_and_highest_stage(example_build: Build) -> None:
    for page in _map_pages(example_build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for map_div in soup.select("div.journey-map"):
            scores = {}
            for th, td in zip(
                map_div.select("thead th.journey-stage"),
                map_div.select("tr.journey-row--emotions td"),
                strict=True,
            ):
                score = td.select_one(".journey-score")
                if score is not None:
                    scores[th.get_text(strip=True)] = int(score.get_text())
            stages = [th.get_text(strip=True) for th in map_div.select("thead th.journey-stage")]
            marked = {
                stages[index]: moment.get_text(strip=True)
                for index, td in enumerate(map_div.select("tr.journey-row--emotions td"))
                for moment in td.select(".journey-curve__moment")
            }
            low_stage = min(scores, key=lambda s: scores[s])  # first of equals, in stage order
            high_stage = max(scores, key=lambda s: scores[s])
            assert marked == {
                low_stage: "moment of truth: low point",
                high_stage: "moment of truth: high point",
            }, page
            # The glance block names the same two stages.
            glance = [
                a.get_text(strip=True)
                for kind in ("emotional-low", "emotional-peak")
                for a in map_div.select(f".journey-moment--{kind} .journey-moment__where")
            ]
            assert glance == [low_stage, high_stage], page


def test_css_has_a_rule_for_every_class_the_drawings_use(example_build: Build) -> None:
    css = (example_build.site / "assets" / "journey" / "journey.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.(journey-[a-z0-9_-]+)", css))
    used: set[str] = set()
    for page in _map_pages(example_build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for drawing in soup.select(".journey-diagram svg, svg.journey-curve__drawing"):
            for tag in [drawing, *drawing.find_all(True)]:
                used.update(c for c in tag.get("class", []) if c.startswith("journey-"))
    assert used, "no classes found in drawings"
    assert used <= styled, sorted(used - styled)
    assert '[data-md-color-scheme="slate"]' in css


def test_generated_pages_and_stale_map(example_build: Build) -> None:
    index = example_build.page("journeys/")
    rows = index.select("table.journey-index tbody tr")
    assert len(rows) >= 4
    assert any(row.select_one(".journey-badge--stale") for row in rows)
    register = example_build.page("journeys/pain-points/")
    severities = [int(r["data-severity"]) for r in register.select("tbody tr")]
    assert severities == sorted(severities, reverse=True)
    assert len(severities) >= 6


def test_every_map_shows_its_data(example_build: Build) -> None:
    for page in _map_pages(example_build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for map_div in soup.select("div.journey-map"):
            anchor = map_div["id"]
            # After the map, or where the page's <!-- journey:data --> placeholder put it.
            section = soup.select_one(f"#{anchor}-data").find_parent(class_="journey-analytics")
            assert section is not None, anchor
            for part in (
                "funnel",
                "channel-mix",
                "attribution",
                "path-insights",
                "declared-observed",
            ):
                assert section.select_one(f"#{anchor}-{part}") is not None, (anchor, part)
            assert len(section.select(".journey-funnel tbody tr")) == len(
                map_div.select("thead th.journey-stage")
            )
            # Observed volumes from the data thicken the diagram's edges.
            assert map_div.select(".journey-diagram svg .journey-flow-observed"), anchor


def test_data_quality_page_lists_every_source(example_build: Build) -> None:
    page = example_build.page("journeys/data-quality/")
    text = page.select_one("article").get_text(" ", strip=True)
    for source in ("smb-owner", "saas-buyer", "omni-store-first", "omni-online-first"):
        assert f"data/{source}.csv" in text
    for reason in (
        "unreadable row",
        "exact duplicate",
        "missing lead id",
        "unparsable timestamp",
        "negative revenue",
    ):
        assert reason in text


def test_the_author_places_map_data_and_summary(example_build: Build) -> None:
    page = example_build.page("maps/smb-owner/")
    article = page.select_one("article")
    map_div = article.select_one("div.journey-map")
    # <!-- journey:map --> after the introduction and the author's warning, not under the title.
    assert map_div.find_previous("div", class_="admonition warning") is not None
    # <!-- journey:data --> after the notes on evidence, outside the map.
    data = article.select_one("#journey-smb-accounting-data").find_parent(
        class_="journey-analytics"
    )
    assert data.find_parent(class_="journey-map") is None
    assert data.find_previous("h2", id="how-the-evidence-was-gathered") is not None
    # The summary admonition now opens the map's "At a glance" block.
    summary = map_div.select_one(".journey-glance__summary .admonition.summary")
    assert "The moment of truth is the bank connection" in summary.get_text()
    assert "<!--" not in str(article)
    # The table of contents lists the map's sections and its data, in page order.
    toc = [a.get_text(" ", strip=True) for a in page.select("nav.md-nav--secondary a")]
    title = map_div.select_one("h2.journey-title").get_text(strip=True)
    assert toc.index(title) < toc.index("At a glance") < toc.index("Stage by stage")
    assert (
        toc.index("How the evidence was gathered")
        < toc.index("Data")
        < toc.index("Changes since the last review")
    )


def test_journeys_json_validates_against_the_published_schema(example_build: Build) -> None:
    document = json.loads((example_build.site / "journeys.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(export_schema(), format_checker=FormatChecker())
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    assert len(document["maps"]) == 4
    assert all("analytics" in m for m in document["maps"])
