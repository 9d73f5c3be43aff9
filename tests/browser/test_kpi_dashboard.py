"""The KPI dashboard of the example site in Chromium: filters and sorting work, the table is
complete without scripts, on a phone and on paper, and every status reads in both colour
schemes."""

from __future__ import annotations

import io
import json
import re
import shutil
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page
from pypdf import PdfReader

from tests.browser.conftest import SET_SCHEME_JS, Browse, Chromium, serve
from tests.conftest import run_build

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).parent.parent.parent / "example-site"
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
DASHBOARD = "journeys/kpis/"
ROWS = ".journey-dashboard__table tbody tr"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("dashboard") / "example-site"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", ".cache"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # No Google Fonts: the checks run offline and make no request outside the loopback server.
    config.write_text(
        text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  font: false\n"),
        encoding="utf-8",
    )
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build.site


@pytest.fixture(scope="module")
def example_url(example_site: Path) -> Iterator[str]:
    yield from serve(example_site)


@pytest.fixture
def browse_example(chromium: Chromium, example_url: str) -> Iterator[Browse]:
    helper = Browse(chromium, example_url)
    yield helper
    helper.close()


@pytest.fixture(scope="module")
def kpis(example_site: Path) -> list[dict[str, object]]:
    document = json.loads((example_site / "journeys.json").read_text(encoding="utf-8"))
    return [
        {"map": m["id"], "owner": m["owner"], "stage": s["name"], **k}
        for m in document["maps"]
        for s in m["stages"]
        for k in s["kpis"]
    ]


def visible_rows(page: Page) -> list[dict[str, str]]:
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
             .filter(row => !row.hidden && row.offsetParent !== null)
             .map(row => ({...row.dataset, name: row.querySelector('th').textContent.trim()}))""",
        ROWS,
    )


def column_values(page: Page, column: int) -> list[str]:
    return page.evaluate(
        """([selector, column]) => [...document.querySelectorAll(selector)]
             .map(row => row.cells[column].getAttribute('data-value'))""",
        [ROWS, column],
    )


def test_filters_show_only_the_matching_kpis(browse_example: Browse, kpis: list) -> None:
    visit = browse_example.open(DASHBOARD, width=1440, height=900)
    page = visit.page
    assert page.locator("form.journey-dashboard__filters").is_visible()
    assert len(visible_rows(page)) == len(kpis)
    shown = page.locator("[data-journey-shown]")
    assert shown.inner_text() == f"{len(kpis)} of {len(kpis)} KPIs shown"

    page.select_option("select[name=status]", "missed")
    rows = visible_rows(page)
    assert {row["status"] for row in rows} == {"missed"}
    assert len(rows) == sum(k["status"] == "missed" for k in kpis)
    assert shown.inner_text() == f"{len(rows)} of {len(kpis)} KPIs shown"

    page.select_option("select[name=map]", "saas-trial-to-paid")
    rows = visible_rows(page)
    assert {(r["map"], r["status"]) for r in rows} == {("saas-trial-to-paid", "missed")}
    assert len(rows) == sum(
        k["status"] == "missed" and k["map"] == "saas-trial-to-paid" for k in kpis
    )

    page.select_option("select[name=map]", "")
    page.select_option("select[name=status]", "stale")
    rows = visible_rows(page)
    assert rows
    assert all(row["stale"] == "true" for row in rows)
    assert len(rows) == sum(bool(k["stale"]) for k in kpis)

    page.select_option("select[name=status]", "")
    page.select_option("select[name=stage]", "Decision")
    assert {row["stage"] for row in visible_rows(page)} == {"Decision"}
    page.select_option("select[name=stage]", "")
    owner = next(str(k["owner"]) for k in kpis if k["owner"])
    page.select_option("select[name=owner]", owner)
    assert {row["owner"] for row in visible_rows(page)} == {owner}
    persona = page.locator("select[name=persona] option").nth(1).get_attribute("value")
    page.select_option("select[name=owner]", "")
    page.select_option("select[name=persona]", persona)
    assert {row["persona"] for row in visible_rows(page)} == {persona}

    page.click("button.journey-dashboard__reset")
    page.wait_for_function(
        "n => document.querySelector('[data-journey-shown]').textContent.startsWith(n + ' of')",
        arg=len(kpis),
    )
    assert len(visible_rows(page)) == len(kpis)
    assert visit.console_errors == []
    assert visit.page_errors == []


def test_headings_sort_the_table(browse_example: Browse, kpis: list) -> None:
    page = browse_example.open(DASHBOARD, width=1440, height=900).page
    headings = page.locator(".journey-dashboard__table thead th")
    names = headings.all_inner_texts()
    actual = names.index("Actual")
    status = names.index("Status")
    title = names.index("Map")
    # The first order: missed, at risk, stale, no data, met (the status column's rank).
    ranks = [int(v) for v in column_values(page, status)]
    assert ranks == sorted(ranks)
    assert headings.nth(status).get_attribute("aria-sort") == "ascending"

    headings.nth(actual).locator("button").click()
    values = column_values(page, actual)
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers)
    assert values[len(numbers) :] == [""] * (len(values) - len(numbers))  # no value: last
    assert headings.nth(actual).get_attribute("aria-sort") == "ascending"
    headings.nth(actual).locator("button").click()
    values = column_values(page, actual)
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers, reverse=True)
    assert values[len(numbers) :] == [""] * (len(values) - len(numbers))
    assert headings.nth(actual).get_attribute("aria-sort") == "descending"

    headings.nth(title).locator("button").click()
    titles = column_values(page, title)
    assert titles == sorted(titles, key=str.lower)
    assert headings.nth(actual).get_attribute("aria-sort") is None
    # Sorting keeps a filter: still only the filtered rows are shown.
    page.select_option("select[name=status]", "at-risk")
    headings.nth(actual).locator("button").click()
    assert {row["status"] for row in visible_rows(page)} == {"at-risk"}
    # The buttons are reachable with the keyboard: Enter sorts, again reverses.
    headings.nth(title).locator("button").focus()
    page.keyboard.press("Enter")
    assert headings.nth(title).get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert headings.nth(title).get_attribute("aria-sort") == "descending"
    assert len(page.locator(ROWS).all()) == len(kpis)


def test_without_scripts_the_table_is_complete(
    chromium: Chromium, example_url: str, kpis: list
) -> None:
    context = chromium.browser.new_context(
        viewport={"width": 1440, "height": 900}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(example_url + DASHBOARD, wait_until="networkidle")
        assert not page.locator("form.journey-dashboard__filters").is_visible()
        rows = page.locator(ROWS)
        assert rows.count() == len(kpis)
        assert all(row.is_visible() for row in rows.all())
        names = {(r.get_attribute("data-map"), r.locator("th").inner_text()) for r in rows.all()}
        assert names == {(k["map"], k["name"]) for k in kpis}
        # Headings are plain text, not buttons that would do nothing.
        assert page.locator(".journey-dashboard__table thead button").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_every_status_reads_in_both_schemes(browse_example: Browse, scheme: str) -> None:
    page = browse_example.open(DASHBOARD, width=1440, height=900).page
    page.evaluate(
        """async scheme => {
          document.body.setAttribute('data-md-color-scheme', scheme);
          getComputedStyle(document.body).backgroundColor;
          await Promise.allSettled(document.getAnimations().map(a => a.finished));
        }""",
        scheme,
    )
    records = page.evaluate(
        CONTRAST_JS,
        {
            "roots": ["div.journey-dashboard"],
            "marks": [[".journey-coverage__item", "border-top-color"]],
            "decorative": [],
        },
    )
    texts = [r for r in records if r["kind"] == "text"]
    assert len(texts) > 100
    statuses = [
        r for r in texts if "journey-kpi__status" in r["what"] or "journey-kpi-count" in r["what"]
    ]
    assert statuses, "the status words are measured"
    failing = [r for r in records if r["ratio"] < (4.5 if r["kind"] == "text" else 3.0) - 0.005]
    assert failing == [], failing


def test_on_a_phone_the_filters_fit_and_the_table_scrolls_in_its_box(
    browse_example: Browse, kpis: list
) -> None:
    page = browse_example.open(DASHBOARD, width=390, height=844).page
    geometry = page.evaluate(
        """() => {
          const box = document.querySelector('.journey-dashboard .journey-kpi-scroll');
          return {
            page: document.scrollingElement.scrollWidth,
            width: innerWidth,
            filters: [...document.querySelectorAll('.journey-dashboard__filter, .journey-dashboard__reset')]
              .map(el => el.getBoundingClientRect().right),
            boxWidth: box.clientWidth,
            tableWidth: box.scrollWidth,
          };
        }"""
    )
    # The page itself never scrolls sideways; every filter is on the screen.
    assert geometry["page"] <= geometry["width"]
    assert max(geometry["filters"]) <= geometry["width"]
    # The table keeps readable columns and scrolls sideways in its own box instead.
    assert geometry["tableWidth"] > geometry["boxWidth"]
    assert page.locator(ROWS).count() == len(kpis)
    # A filter still works by touch: one persona's KPIs only.
    persona = page.locator("select[name=persona] option").nth(1).get_attribute("value")
    page.select_option("select[name=persona]", persona)
    shown = visible_rows(page)
    assert shown
    assert {row["persona"] for row in shown} == {persona}


def test_printed_the_whole_table_is_on_the_page(browse_example: Browse, kpis: list) -> None:
    page = browse_example.open(DASHBOARD, width=1440, height=900).page
    # The page asks for landscape paper (as a map page does), whatever the printer's default.
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    text = " ".join(p.extract_text() for p in reader.pages)
    flat = re.sub(r"\s+", "", text)
    missing = [k["name"] for k in kpis if re.sub(r"\s+", "", k["name"]) not in flat]
    assert missing == []
    # Laid out at that page's printable width, no cell reaches past the page's edge, and the
    # filters, which need a script and a screen, are not printed.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 718})
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.journey-dashboard *')]
             .filter(el => { const r = el.getBoundingClientRect();
                             return r.width > 0 && r.right > innerWidth + 0.5; })
             .map(el => el.className || el.tagName)"""
    )
    assert clipped == []
    assert not page.locator("form.journey-dashboard__filters").is_visible()


def test_at_1440_pixels_every_column_is_on_the_screen(browse_example: Browse) -> None:
    page = browse_example.open(DASHBOARD, width=1440, height=900).page
    box = page.evaluate(
        """() => { const box = document.querySelector('.journey-dashboard .journey-kpi-scroll');
                   return {inner: box.clientWidth, table: box.scrollWidth,
                           right: box.getBoundingClientRect().right,
                           owner: [...box.querySelectorAll('.journey-dashboard__owner')]
                             .map(cell => cell.getBoundingClientRect().right)}; }"""
    )
    # All ten columns fit the content column: nothing waits behind a sideways scroll.
    assert box["table"] <= box["inner"]
    assert box["owner"]
    assert max(box["owner"]) <= box["right"] + 0.5


def edge_shades(page: Page) -> tuple[float, float, float]:
    """Median brightness (0-255) of a thin strip inside the left and right edges of the
    dashboard's scroll box, over its first body rows as they appear on the screen, and of the
    page's own background beside the box."""
    rows = page.locator(".journey-dashboard__table tbody")
    rows.scroll_into_view_if_needed()
    rect = page.evaluate(
        """() => { const box = document.querySelector('.journey-dashboard .journey-kpi-scroll');
                   const r = box.getBoundingClientRect();
                   const body = box.querySelector('tbody').getBoundingClientRect();
                   return {left: r.left, right: r.left + box.clientWidth,
                           top: Math.max(body.top, 0), bottom: Math.min(body.bottom, innerHeight)}; }"""
    )
    shot = Image.open(io.BytesIO(page.screenshot())).convert("L")
    top, bottom = int(rect["top"]) + 2, int(rect["bottom"]) - 2
    assert bottom - top > 100

    def strip(x0: float, x1: float) -> float:
        # The median: a letter cut by the edge must not pass for a shadow.
        return statistics.median(shot.crop((int(x0), top, int(x1), bottom)).getdata())

    # Inside the 1-pixel table border and the cells' padding, where no text is drawn.
    return (
        strip(rect["left"] + 2, rect["left"] + 6),
        strip(rect["right"] - 7, rect["right"] - 3),
        strip(rect["left"] - 6, rect["left"] - 2),
    )


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_a_table_wider_than_the_screen_shows_that_it_scrolls(
    browse_example: Browse, scheme: str
) -> None:
    page = browse_example.open(DASHBOARD, width=1024, height=768).page
    page.evaluate(SET_SCHEME_JS, scheme)
    box = page.locator(".journey-dashboard .journey-kpi-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    _, right_at_start, page_colour = edge_shades(page)
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    left_at_end, right_at_end, _ = edge_shades(page)
    # A shadow (darker on the light scheme, lighter on the dark one) marks the edge that has
    # more table beyond it, and goes once that edge's end is reached.
    assert abs(right_at_start - page_colour) >= 8, (right_at_start, page_colour)
    assert abs(right_at_end - page_colour) < 2, (right_at_end, page_colour)
    assert abs(left_at_end - page_colour) >= 8, (left_at_end, page_colour)
