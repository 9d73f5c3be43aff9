"""What a reviewer sees in the browser: the stage table, phones, light and dark, print, the catalogue."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    RGB,
    SET_SCHEME_JS,
    Browse,
    contrast,
    luminance,
    over,
    parse_colour,
)

pytestmark = pytest.mark.browser

MAP = "#journey-owner"
WRAP = f"{MAP} .journey-table-wrap"
GOAL_LANE = f"{MAP} tr.journey-row--goal th.journey-lane"
GOAL_CELL = f"{MAP} tr.journey-row--goal td"  # first cell: "Notice the problem"

# Colour of an element and the background colours of it and every ancestor, innermost first.
COLOURS_JS = """
element => {
  const backgrounds = [];
  for (let node = element; node; node = node.parentElement) {
    backgrounds.push(getComputedStyle(node).backgroundColor);
  }
  return {color: getComputedStyle(element).color, backgrounds};
}
"""


def seen_colours(page: Page, selector: str) -> tuple[RGB, RGB]:
    """The text colour and the background it sits on, as painted (over a white canvas)."""
    colours = page.locator(selector).first.evaluate(COLOURS_JS)
    background: RGB = (255.0, 255.0, 255.0)
    for css in reversed(colours["backgrounds"]):
        background = over(parse_colour(css), background)
    return over(parse_colour(colours["color"]), background), background


@pytest.mark.parametrize(
    ("rgb", "expected"),
    [
        (((0, 0, 0), (255, 255, 255)), 21.0),
        (((255, 255, 255), (255, 255, 255)), 1.0),
        (((118, 118, 118), (255, 255, 255)), 4.54),
    ],
)
def test_contrast_formula(rgb: tuple[RGB, RGB], expected: float) -> None:
    assert contrast(*rgb) == pytest.approx(expected, abs=0.01)


def test_stage_table_shows_stages_in_site_order(browse: Browse) -> None:
    page = browse.open("maps/front/").page
    table = page.locator(f"{MAP} table.journey-table")
    expect(table).to_be_visible()
    stages = table.locator("thead th.journey-stage")
    expect(stages).to_have_text(["Awareness", "Consideration", "Decision"])
    for index in range(3):
        expect(stages.nth(index)).to_be_visible()


def test_stage_headers_are_underlined_in_their_emotion_colour(browse: Browse) -> None:
    page = browse.open("maps/front/").page
    borders = page.locator(f"{MAP} table.journey-table thead th.journey-stage").evaluate_all(
        "cells => cells.map(cell => [getComputedStyle(cell).borderBottomWidth,"
        " getComputedStyle(cell).borderBottomColor])"
    )
    # Awareness 0 (neutral), Consideration -1, Decision +1: three different, thick underlines.
    widths = [float(width.removesuffix("px")) for width, _ in borders]
    colours = [colour for _, colour in borders]
    assert min(widths) >= 3, f"stage underlines too thin to carry the emotion: {borders}"
    assert len(set(colours)) == 3, f"each emotion should have its own colour: {borders}"


def test_phone_scrolls_the_table_and_keeps_the_lane_names_in_view(browse: Browse) -> None:
    page = browse.open("maps/front/", width=390, height=844).page
    wrap = page.locator(WRAP)
    expect(wrap).to_be_visible()
    sizes = wrap.evaluate("el => ({scroll: el.scrollWidth, client: el.clientWidth})")
    assert sizes["scroll"] > sizes["client"], (
        f"the table should scroll sideways on a phone: {sizes}"
    )

    lane = page.locator(GOAL_LANE)
    cell = page.locator(GOAL_CELL).first
    wrap_box = wrap.bounding_box()
    cell_before = cell.bounding_box()
    assert wrap_box
    assert cell_before

    scrolled = wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }")
    assert scrolled > 0
    cell_after = cell.bounding_box()
    lane_box = lane.bounding_box()
    assert cell_after
    assert lane_box
    assert cell_after["x"] < cell_before["x"] - 100, "the stage cells move when the wrapper scrolls"
    expect(lane).to_be_visible()
    expect(lane).to_have_text("Goal")
    # Sticky: the lane name stays at the wrapper's left edge, inside the wrapper.
    assert wrap_box["x"] - 1 <= lane_box["x"] <= wrap_box["x"] + 4, (lane_box, wrap_box)
    assert lane_box["x"] + lane_box["width"] < wrap_box["x"] + wrap_box["width"] / 2
    # It hides what scrolls under it: its background is opaque.
    _, _, _, alpha = parse_colour(lane.evaluate("el => getComputedStyle(el).backgroundColor"))
    assert alpha == 1.0


def test_table_text_reads_well_in_light_and_dark(browse: Browse) -> None:
    page = browse.open("maps/front/").page
    seen = {}
    for scheme in ("default", "slate"):
        page.evaluate(SET_SCHEME_JS, scheme)
        text, background = seen_colours(page, GOAL_CELL)
        _, page_background = seen_colours(page, "body")
        ratio = contrast(text, page_background)
        assert ratio >= 4.5, f"{scheme}: table text {text} on page {page_background}: {ratio:.2f}"
        # The cell paints no background of its own: the page background is what the text sits on.
        assert background == page_background
        seen[scheme] = (text, page_background)
    light_text, light_page = seen["default"]
    dark_text, dark_page = seen["slate"]
    assert light_text != dark_text
    assert luminance(light_page) > luminance(dark_page)
    assert luminance(light_text) < luminance(dark_text)


def test_catalogue_shows_the_stale_badge_for_the_overdue_map(browse: Browse) -> None:
    page = browse.open("journeys/").page
    badge = page.locator("table.journey-index tr[data-journey-map='owner'] .journey-badge--stale")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("Stale")
    expect(page.locator("table.journey-index .journey-badge--stale")).to_have_count(1)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "maps/front/",
        "maps/fenced/",
        "journeys/",
        "journeys/pain-points/",
        "journeys/personas/owner/",
        "journeys/personas/buyer/",
    ],
)
def test_pages_load_without_errors(browse: Browse, path: str) -> None:
    visit = browse.open(path)
    expect(visit.page.locator("article")).to_be_visible()
    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.outside_requests == []


def test_print_shows_the_whole_table(browse: Browse) -> None:
    page = browse.open("maps/front/", width=390, height=844).page
    wrap = page.locator(WRAP)
    lane = page.locator(GOAL_LANE)
    overflow = "el => [getComputedStyle(el).overflowX, getComputedStyle(el).overflowY]"
    assert wrap.evaluate(overflow) != ["visible", "visible"]  # on screen it scrolls
    page.emulate_media(media="print")
    assert wrap.evaluate(overflow) == ["visible", "visible"]
    assert lane.evaluate("el => getComputedStyle(el).position") == "static"


# True when some word of the element's text is split over two lines.
_SPLIT_WORD = """el => {
  const text = el.firstChild;
  const range = document.createRange();
  let start = 0;
  for (const word of text.data.split(' ')) {
    range.setStart(text, start);
    range.setEnd(text, start + word.length);
    start += word.length + 1;
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 1) return true;
  }
  return false;
}"""


def test_pain_point_register_keeps_words_whole(browse: Browse) -> None:
    page = browse.open("journeys/pain-points/", width=1280, height=900).page
    links = page.locator("table.journey-register td.journey-register__pain a")
    assert links.count() > 0
    for index in range(links.count()):
        link = links.nth(index)
        assert link.evaluate(_SPLIT_WORD) is False, link.inner_text()
        assert link.bounding_box()["width"] > 100
