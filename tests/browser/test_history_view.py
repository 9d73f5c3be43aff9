"""A map's history as a reviewer sees it in Chromium: the "Changed since" block with the old and
new emotion curves overlaid, the "What changed" page and KPI sparklines; light, dark, phone, print.

The basic fixture is published as 1.0 with real ``mike deploy``; then a stage's score moves, a
pain point gets worse and a KPI moves, and the site is built as mike builds version 2.0 (it sets
MIKE_DOCS_VERSION) with ``compare_to: previous mike version``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import THEME, Browse, Chromium, serve
from tests.browser.test_pages import SET_SCHEME_JS, contrast, seen_colours
from tests.changes.gitrepo import GitRepo
from tests.conftest import copy_fixture

pytestmark = pytest.mark.browser

MAP = "#journey-owner"
BLOCK = f"{MAP} details.journey-changes"
SHOTS = Path(__file__).parent.parent.parent / "bench" / "out" / "screenshots" / "history"


@pytest.fixture(scope="module")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = copy_fixture("basic", tmp_path_factory.mktemp("history-browser"))
    (project / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  name: material\n", THEME)
    text = text.replace("  - journey:\n", "  - journey:\n      compare_to: previous mike version\n")
    config.write_text(text, encoding="utf-8")
    repo = GitRepo.create(project)
    repo.commit("Release 1.0")
    done = repo.mike("deploy", "1.0")
    assert done.returncode == 0, done.stdout + done.stderr
    page = "docs/maps/front.md"
    repo.edit(
        page, "emotion: {score: -1, label: overwhelmed}", "emotion: {score: 1, label: confident}"
    )
    repo.edit(page, "actual: 14}", "actual: 17}")
    repo.edit(page, "severity: 2}", "severity: 4}")
    repo.commit("Second review")
    built = repo.mkdocs_build("--strict", env={"MIKE_DOCS_VERSION": "2.0"})
    assert built.returncode == 0, built.stdout + built.stderr

    yield from serve(project / "site")


@pytest.fixture
def browse(chromium: Chromium, history_url: str) -> Iterator[Browse]:
    helper = Browse(chromium, history_url)
    yield helper
    helper.close()


def _shot(page, name: str, selector: str | None = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = page.locator(selector).first if selector else page
    target.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("path", ["maps/front/", "journeys/changes/"])
def test_history_pages_load_without_errors(browse: Browse, path: str) -> None:
    visit = browse.open(path)
    expect(visit.page.locator("article")).to_be_visible()
    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.outside_requests == []


def test_changed_since_block_reads_well_in_light_and_dark(browse: Browse) -> None:
    page = browse.open("maps/front/").page
    block = page.locator(BLOCK)
    expect(block.locator("summary")).to_contain_text("Changed since version 1.0")
    expect(block.locator("li")).to_have_count(4)
    for scheme in ("default", "slate"):
        page.evaluate(SET_SCHEME_JS, scheme)
        _shot(page, f"changed-since-{scheme}", BLOCK)
        for selector in (f"{BLOCK} li", f"{BLOCK} .journey-changes__count"):
            text, background = seen_colours(page, selector)
            ratio = contrast(text, background)
            assert ratio >= 4.5, f"{scheme} {selector}: {ratio:.2f}"
        # The new curve stands out from the old one and from the background.
        new_line = page.locator(f"{BLOCK} polyline.journey-changes-curve__new")
        stroke = new_line.evaluate("el => getComputedStyle(el).stroke")
        old_stroke = page.locator(f"{BLOCK} polyline.journey-changes-curve__old").evaluate(
            "el => getComputedStyle(el).strokeDasharray"
        )
        assert stroke not in ("none", "")
        assert old_stroke not in ("none", "")
        _, body = seen_colours(page, "body")
        stroke_rgb = tuple(float(v) for v in stroke[stroke.index("(") + 1 : -1].split(",")[:3])
        assert contrast(stroke_rgb, body) >= 3, f"{scheme}: curve {stroke} on {body}"


def test_curve_and_list_fit_a_phone(browse: Browse) -> None:
    page = browse.open("maps/front/", width=390, height=844).page
    block = page.locator(BLOCK).bounding_box()
    svg = page.locator(f"{BLOCK} svg.journey-changes-curve").bounding_box()
    assert svg["x"] >= block["x"] - 0.5
    assert svg["x"] + svg["width"] <= block["x"] + block["width"] + 0.5
    assert svg["width"] > 250  # scaled to the column, still legible
    _shot(page, "changed-since-phone", BLOCK)


def test_kpi_trend_shows_the_values_and_the_sparkline(browse: Browse) -> None:
    page = browse.open("maps/front/").page
    trends = page.locator(f"{MAP} section.journey-kpi-trends")
    expect(trends.locator("tbody tr")).to_have_count(1)
    expect(trends.locator(".journey-kpi-trends__values li")).to_have_text(["1.0: 14%", "2.0: 17%"])
    spark = trends.locator("svg.journey-sparkline")
    box = spark.bounding_box()
    assert 100 <= box["width"] <= 140
    assert box["height"] <= 32
    # The latest value sits higher than the first one: 17 is above 14.
    first, last = (
        trends.locator("circle.journey-sparkline__point").nth(i).bounding_box() for i in (0, 1)
    )
    assert last["y"] < first["y"]
    for scheme in ("default", "slate"):
        page.evaluate(SET_SCHEME_JS, scheme)
        _shot(page, f"kpi-trend-{scheme}", f"{MAP} section.journey-kpi-trends")


def test_what_changed_page_and_print(browse: Browse) -> None:
    page = browse.open("journeys/changes/").page
    expect(page.locator("section.journey-changes-map")).to_have_count(1)
    expect(page.locator("section.journey-changes-map h2 a")).to_have_attribute(
        "href", "../../maps/front/"
    )
    _shot(page, "what-changed-desktop")
    page.emulate_media(media="print")
    _shot(page, "what-changed-print")
    assert page.locator("section.journey-changes-map svg").is_visible()
