"""The flow diagram and the attribution charts of the example site, as a reader sees them.

Measured in Chromium on the example site's three map pages (five stages, up to 15 touchpoints),
in their wide layout, and read back from the built HTML with BeautifulSoup against the analysis
in ``journeys.json``. (Fit, text size, alignment with the grid, contrast, axe and print of the
whole map page, diagram and charts included, are in test_map_page.py.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from mkdocs_journey.analytics.attribution import BY_NAME, MODELS
from tests.browser.conftest import Browse, show_every_map

pytestmark = pytest.mark.browser

MAP_PAGES = ("maps/saas-buyer/", "maps/smb-owner/", "maps/omni-shopper/")
DESKTOPS = [(1440, 900), (1920, 1080)]


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def analyses(site: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((site / "journeys.json").read_text(encoding="utf-8"))
    return {m["id"]: m["analytics"] for m in document["maps"] if m.get("analytics")}


def data_section(page: BeautifulSoup, map_id: str) -> Any:
    """A map's data section, wherever the page placed it (after the map, or at a placeholder)."""
    heading = page.find(id=f"journey-{map_id}-data")
    assert heading is not None, map_id
    return heading.find_parent("section", class_="journey-analytics")


# ---- The flow diagram -------------------------------------------------------------------------

# Every step's label against every line and every touchpoint box, in the page's own pixels (the
# drawing's parts move apart to stand over the grid's columns, so its own coordinates no longer
# tell where a label lands).
LABELS_JS = """
() => {
  const onScreen = (shape, x, y) => new DOMPoint(x, y).matrixTransform(shape.getScreenCTM());
  return [...document.querySelectorAll('svg.journey-diagram')].filter(s => s.getClientRects().length)
  .flatMap(svg => {
    const lines = [...svg.querySelectorAll('g.journey-flow > path')].map(line => {
      const points = [];
      const length = line.getTotalLength();
      for (let d = 0; d <= length; d += 0.5) {
        const p = line.getPointAtLength(d);
        points.push(onScreen(line, p.x, p.y));
      }
      return {edge: line.parentElement.id, points};
    });
    const boxes = [...svg.querySelectorAll('g.journey-touchpoint > path, g.journey-stage-node > path')]
      .map(p => p.getBoundingClientRect());
    return [...svg.querySelectorAll('g.journey-flow')].flatMap(edge =>
      [...edge.querySelectorAll(':scope > text')].filter(t => t.textContent.trim()).map(text => {
        const b = text.getBoundingClientRect();
        const inside = p => p.x > b.left && p.x < b.right && p.y > b.top && p.y < b.bottom;
        const crossed = lines.filter(line => line.points.some(inside)).map(line => line.edge);
        const covered = boxes.filter(n => n.left < b.right && n.right > b.left
          && n.top < b.bottom && n.bottom > b.top).length;
        return {svg: svg.id, edge: edge.id, text: text.textContent, crossed, covered};
      }));
  });
}
"""


@pytest.mark.parametrize(("width", "height"), DESKTOPS)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_step_labels_sit_off_every_line_and_box(
    browse_example: Browse, path: str, width: int, height: int
) -> None:
    page = browse_example.open(path, width=width, height=height).page
    show_every_map(page)
    labels = page.evaluate(LABELS_JS)
    assert labels, "the example maps label their steps (counts, the author's words)"
    wrong = [label for label in labels if label["crossed"] or label["covered"]]
    assert wrong == []


# Where each step's line ends and where its arrowheads are, both in the drawing's own coordinates
# (as Graphviz drew them) and in the page's pixels (after a line was stretched across the grid's
# columns and its arrowhead moved with its stage): how far each arrowhead is from the nearest
# end of its line, before and after.
STEP_ENDS_JS = """
() => {
  const gap = (ends, box) => Math.min(...ends.map(([x, y]) =>
    Math.max(box.left - x, 0, x - box.right) + Math.max(box.top - y, 0, y - box.bottom)));
  return [...document.querySelectorAll('svg.journey-diagram')].filter(s => s.getClientRects().length)
  .flatMap(svg => [...svg.querySelectorAll('g.journey-flow')].flatMap(edge => {
    const lines = [...edge.querySelectorAll(':scope > path')];
    const ends = screen => lines.flatMap(line => [0, line.getTotalLength()].map(d => {
      const p = line.getPointAtLength(d);
      const s = screen ? new DOMPoint(p.x, p.y).matrixTransform(line.getScreenCTM()) : p;
      return [s.x, s.y];
    }));
    const drawn = ends(false), shown = ends(true);
    return [...edge.querySelectorAll(':scope > polygon')].map(head => {
      const b = head.getBBox();
      return {
        edge: edge.id, stretched: lines.some(l => l.classList.contains('journey-stretch')),
        drawn: gap(drawn, {left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height}),
        shown: gap(shown, head.getBoundingClientRect()),
      };
    });
  }));
}
"""


@pytest.mark.parametrize(("width", "height"), [*DESKTOPS, (1280, 800)])
@pytest.mark.parametrize("path", MAP_PAGES)
def test_every_step_still_meets_its_arrowhead(
    browse_example: Browse, path: str, width: int, height: int
) -> None:
    page = browse_example.open(path, width=width, height=height).page
    show_every_map(page)
    heads = page.evaluate(STEP_ENDS_JS)
    assert any(head["stretched"] for head in heads)  # steps between stages stretch...
    for head in heads:
        # ...and each arrowhead stays where Graphviz drew it against its line's end (0.5 px).
        assert head["shown"] <= head["drawn"] + 0.5, (path, width, head)


def test_the_legend_is_in_the_page_and_names_what_the_diagram_shows(example_site: Path) -> None:
    page = soup(example_site, "maps/saas-buyer")
    flow = page.select_one("div.journey-flow")
    assert flow is not None
    legend = flow.select_one("div.journey-legend")
    assert legend is not None  # HTML, outside the SVG: read aloud, found by search, printed
    assert legend.find_parent("svg") is None
    words = legend.get_text(" ", strip=True)
    for sign in (
        "-2 very negative",
        "+2 very positive",
        "pain points felt here",
        "off the main flow",
        "observed step",
        "loop back to an earlier stage",
        "declared step the data never shows",
    ):
        assert sign in words, sign
    svg = flow.select_one("svg.journey-diagram")
    assert svg is not None
    for css_class in (
        "journey-pain",
        "journey-touchpoint-side",
        "journey-flow-observed",
        "journey-flow-back",
        "journey-flow-unobserved",
    ):
        assert svg.select(f".{css_class}"), css_class


# ---- Attribution and funnel ---------------------------------------------------------------------

MAPS_BY_PAGE = {
    "maps/saas-buyer": ("saas-trial-to-paid", "$"),
    "maps/smb-owner": ("smb-accounting", "£"),
    "maps/omni-shopper": ("omni-store-first", "€"),
}


def shares(analysis: dict[str, Any]) -> dict[str, dict[str, float]]:
    attribution = analysis["attribution"]
    totals = {m: sum(c["conversions"] for c in attribution[m].values()) for m in MODELS}
    channels = {c for m in MODELS for c in attribution[m]}
    return {
        c: {m: attribution[m].get(c, {"conversions": 0})["conversions"] / totals[m] for m in MODELS}
        for c in channels
    }


@pytest.mark.parametrize("path", list(MAPS_BY_PAGE))
def test_attribution_reads_for_a_marketer(example_site: Path, path: str) -> None:
    map_id, sign = MAPS_BY_PAGE[path]
    analysis = analyses(example_site)[map_id]
    section = data_section(soup(example_site, path), map_id)
    assert section is not None
    by_channel = shares(analysis)
    mean = {c: sum(s.values()) / len(s) for c, s in by_channel.items()}

    # "Other" groups exactly the channels under 1% of conversions on average, with their sum.
    small = sorted(c for c, share in mean.items() if share < 0.01)
    assert len(small) >= 2
    table = section.select_one("table.journey-attribution--conversions")
    assert table is not None
    rows = {
        tr.th.get_text(strip=True): [
            td.select_one(".journey-num").get_text(strip=True) for td in tr.select("td")
        ]
        for tr in table.select("tbody tr")
    }
    # Under each credit of a channel, its interval, in the same format as the credit.
    ranges = [r.get_text(" ", strip=True) for r in table.select("tbody .journey-range")]
    assert ranges
    assert all(re.fullmatch(r"interval [\d,.]+–[\d,.]+", r) for r in ranges), ranges
    shown = [label for label in rows if not label.startswith("Other")]
    assert sorted(shown) == sorted(c for c in by_channel if c not in small)
    other = next(label for label in rows if label.startswith("Other"))
    assert other == f"Other ({len(small)})"
    details = table.find_parent("div").find_next_sibling("details")
    listed = sorted(tr.th.get_text(strip=True) for tr in details.select("tbody tr"))
    assert listed == small
    for column, model in enumerate(MODELS):
        expected = sum(
            analysis["attribution"][model].get(c, {"conversions": 0})["conversions"] for c in small
        )
        assert float(rows[other][column].replace(",", "")) == pytest.approx(expected, abs=0.05)

    # Whole credits are printed whole: first and last touch hand out whole conversions.
    for model in ("first_touch", "last_touch", "last_non_direct"):
        column = MODELS.index(model)
        for values in rows.values():
            assert re.fullmatch(r"\d{1,3}(,\d{3})*", values[column]), (model, values[column])
    totals = [td.get_text(strip=True) for td in table.select("tfoot td")]
    assert totals == [f"{analysis['totals']['conversions']:,}"] * len(MODELS)

    # Revenue in the data source's currency.
    revenue = section.select_one("table.journey-attribution--revenue")
    assert revenue is not None
    for td in revenue.select("tbody td, tfoot td"):
        assert td.get_text(strip=True).startswith(sign), td.get_text()
    assert sign in section.select_one("dl.journey-totals").get_text()

    # A chart of the top five channels: each model's share, as text, against the analysis.
    chart = section.select_one("figure.journey-attribution-chart")
    assert chart is not None
    panels = chart.select("svg.journey-chart-panel")
    top = sorted(by_channel, key=lambda c: (-mean[c], c))[:5]
    assert [p.title.get_text() for p in panels] == top
    for panel, channel in zip(panels, top, strict=True):
        assert panel["role"] == "img"
        assert chart.find(id=panel["aria-labelledby"]) is not None
        assert chart.find(id=panel["aria-describedby"]) is not None
        bars = panel.select("g.journey-chart-bar")
        assert [b.select_one("text.journey-chart-label").get_text() for b in bars] == [
            BY_NAME[m].title for m in MODELS
        ]
        for bar, model in zip(bars, MODELS, strict=True):
            value = bar.select_one("text.journey-chart-value").get_text()
            assert value.startswith(f"{by_channel[channel][model]:.1%} · ")

    # One sentence names the channel the models disagree on most.
    spread = {c: max(s.values()) - min(s.values()) for c, s in by_channel.items()}
    widest = max(spread, key=lambda c: (spread[c], c))
    sentence = section.select_one("p.journey-disagreement").get_text()
    assert sentence.startswith(f"The models disagree most on {widest}:")

    # The funnel as a funnel: one band per stage, as wide as its share of the leads.
    funnel = section.select_one("figure.journey-funnel-chart svg")
    assert funnel is not None
    assert funnel["role"] == "img"
    bands = funnel.select("g.journey-funnel-band")
    assert [b.select("text")[0].get_text() for b in bands] == [
        s["stage"] for s in analysis["funnel"]
    ]
    assert [b.select("text")[1].get_text() for b in bands] == [
        f"{s['leads']:,} leads" for s in analysis["funnel"]
    ]
    widths = [float(b.rect["width"]) for b in bands]
    largest = max(s["leads"] for s in analysis["funnel"])
    for width, step in zip(widths, analysis["funnel"], strict=True):
        assert width == pytest.approx(max(3.0, 380 * step["leads"] / largest), abs=0.1)


def test_model_definitions_are_one_click_away(browse_example: Browse) -> None:
    page = browse_example.open("maps/saas-buyer/", width=1440, height=900).page
    link = page.locator("table.journey-attribution--conversions thead a", has_text="Markov").first
    link.click()
    page.wait_for_timeout(300)
    target = page.locator(str(link.get_attribute("href")))
    assert target.is_visible()
    assert target.evaluate("el => el.closest('details').open")
    definition = target.evaluate("el => el.nextElementSibling.textContent")
    assert definition == BY_NAME["markov"].definition
    box = target.bounding_box()
    assert box is not None
    assert 0 <= box["y"] <= 900
