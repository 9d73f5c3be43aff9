"""The flow diagram and the attribution charts of the example site, as a reader sees them.

Measured in Chromium at 1440x900 and 1920x1080, light and dark, on the example site's three
map pages (five stages, up to 15 touchpoints), read back from the built HTML with BeautifulSoup
and checked against the analysis in ``journeys.json``, and printed to an A4 landscape PDF.

The map pages are built with the content column as wide as Material allows (navigation and
table of contents hidden, as a wide map page has them): the column the diagram must fit.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Page
from pypdf import PdfReader

from mkdocs_journey.analytics.attribution import BY_NAME, MODELS
from tests.browser.conftest import LOOPBACK, Browse, Chromium, _QuietHandler
from tests.conftest import run_build

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).parent.parent.parent / "example-site"
MAP_PAGES = ("maps/saas-buyer/", "maps/smb-owner/", "maps/omni-shopper/")
DESKTOPS = [(1440, 900), (1920, 1080)]
SCHEMES = ["default", "slate"]
WIDE = "hide:\n  - navigation\n  - toc\n"
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")


def build_wide_example(destination: Path) -> Path:
    project = destination / "example-site"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", ".cache"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  font: false\n"),
        encoding="utf-8",
    )
    for page in (project / "docs" / "maps").glob("*.md"):
        source = page.read_text(encoding="utf-8")
        if source.startswith("---\n"):
            source = "---\n" + WIDE + source.removeprefix("---\n")
        else:
            source = "---\n" + WIDE + "---\n\n" + source
        page.write_text(source, encoding="utf-8")
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build.site


@pytest.fixture(scope="module")
def wide_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wide_example(tmp_path_factory.mktemp("charts"))


@pytest.fixture(scope="module")
def wide_url(wide_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(wide_site))
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="charts-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def browse_wide(chromium: Chromium, wide_url: str) -> Iterator[Browse]:
    helper = Browse(chromium, wide_url)
    yield helper
    helper.close()


def set_scheme(page: Page, scheme: str) -> None:
    """Switch Material's scheme as its toggle does, and let the transitions end (a transition
    cut short by another rejects its promise: settled is enough)."""
    page.evaluate(
        """async scheme => {
          document.body.setAttribute('data-md-color-scheme', scheme);
          getComputedStyle(document.body).backgroundColor;
          await Promise.allSettled(document.getAnimations().map(a => a.finished));
        }""",
        scheme,
    )


def show_every_map(page: Page) -> None:
    """Lay out the maps inside content tabs (omni-shopper) too."""
    page.add_style_tag(
        content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }"
    )


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def analyses(site: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((site / "journeys.json").read_text(encoding="utf-8"))
    return {m["id"]: m["analytics"] for m in document["maps"] if m.get("analytics")}


# ---- The flow diagram -------------------------------------------------------------------------

FIT_JS = """
() => [...document.querySelectorAll('div.journey-flow')].map(flow => {
  const box = flow.querySelector('div.journey-diagram');
  const svg = box.querySelector('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const legend = [...flow.querySelectorAll('.journey-legend li')]
    .map(li => parseFloat(getComputedStyle(li).fontSize));
  return {
    id: svg.id, direction: svg.dataset.direction,
    box: {scroll: box.scrollWidth, client: box.clientWidth},
    page: {scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth},
    smallest: Math.min(...sizes), count: sizes.length, legend: Math.min(...legend),
    width: svg.getBoundingClientRect().width,
  };
})
"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("width", "height"), DESKTOPS)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_diagrams_fit_with_text_of_12_px_or_more(
    browse_wide: Browse, path: str, width: int, height: int, scheme: str
) -> None:
    page = browse_wide.open(path, width=width, height=height).page
    set_scheme(page, scheme)
    show_every_map(page)
    diagrams = page.evaluate(FIT_JS)
    assert len(diagrams) == (2 if "omni" in path else 1)
    for diagram in diagrams:
        where = (path, width, scheme, diagram)
        assert diagram["count"] > 20, where
        assert diagram["smallest"] >= 12 - 0.01, where
        assert diagram["legend"] >= 12 - 0.01, where
        assert diagram["box"]["scroll"] <= diagram["box"]["client"], where
        assert diagram["page"]["scroll"] <= diagram["page"]["client"], where


LABELS_JS = """
() => [...document.querySelectorAll('svg.journey-diagram')].filter(s => s.getClientRects().length)
  .flatMap(svg => {
    const lines = [...svg.querySelectorAll('g.journey-flow > path')];
    const boxes = [...svg.querySelectorAll('g.journey-touchpoint > path, g.journey-stage-node > path')]
      .map(p => p.getBBox());
    return [...svg.querySelectorAll('g.journey-flow')].flatMap(edge =>
      [...edge.querySelectorAll(':scope > text')].map(text => {
        const b = text.getBBox();
        const inside = (x, y) => x > b.x && x < b.x + b.width && y > b.y && y < b.y + b.height;
        const crossed = lines.filter(line => {
          const length = line.getTotalLength();
          for (let d = 0; d <= length; d += 0.5) {
            const p = line.getPointAtLength(d);
            if (inside(p.x, p.y)) return true;
          }
          return false;
        }).map(line => line.parentElement.id);
        const covered = boxes.filter(n => n.x < b.x + b.width && n.x + n.width > b.x
          && n.y < b.y + b.height && n.y + n.height > b.y).length;
        return {svg: svg.id, edge: edge.id, text: text.textContent, crossed, covered};
      }));
  })
"""


@pytest.mark.parametrize("path", MAP_PAGES)
def test_step_labels_sit_off_every_line_and_box(browse_wide: Browse, path: str) -> None:
    page = browse_wide.open(path, width=1440, height=900).page
    show_every_map(page)
    labels = page.evaluate(LABELS_JS)
    assert labels, "the example maps label their steps (counts, the author's words)"
    wrong = [label for label in labels if label["crossed"] or label["covered"]]
    assert wrong == []


def test_the_legend_is_in_the_page_and_names_what_the_diagram_shows(wide_site: Path) -> None:
    page = soup(wide_site, "maps/saas-buyer")
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
def test_attribution_reads_for_a_marketer(wide_site: Path, path: str) -> None:
    map_id, sign = MAPS_BY_PAGE[path]
    analysis = analyses(wide_site)[map_id]
    section = soup(wide_site, path).select_one(f"#journey-{map_id} section.journey-analytics")
    assert section is not None
    by_channel = shares(analysis)
    mean = {c: sum(s.values()) / len(s) for c, s in by_channel.items()}

    # "Other" groups exactly the channels under 1% of conversions on average, with their sum.
    small = sorted(c for c, share in mean.items() if share < 0.01)
    assert len(small) >= 2
    table = section.select_one("table.journey-attribution--conversions")
    assert table is not None
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
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


def test_model_definitions_are_one_click_away(browse_wide: Browse) -> None:
    page = browse_wide.open("maps/saas-buyer/", width=1440, height=900).page
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


# ---- Colour ------------------------------------------------------------------------------------

ROOTS = ["div.journey-flow", "section.journey-analytics"]
MARKS = [[".journey-bar", "background-color"]]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_diagram_and_charts_have_their_contrast(
    browse_wide: Browse, path: str, scheme: str
) -> None:
    page = browse_wide.open(path, width=1440, height=900).page
    set_scheme(page, scheme)
    show_every_map(page)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    records = page.evaluate(CONTRAST_JS, {"roots": ROOTS, "marks": MARKS, "decorative": []})
    texts = [r for r in records if r["kind"] == "text"]
    marks = [r for r in records if r["kind"] == "mark"]
    assert len(texts) > 200
    assert len(marks) > 80
    assert any(r["what"].startswith("text") for r in texts)  # SVG text: diagram and charts
    assert any("journey-flow" in r["text"] for r in marks)  # arrows
    assert any(r["what"].startswith("rect") for r in marks)  # bars of the charts
    failing = [r for r in records if r["ratio"] < (4.5 if r["kind"] == "text" else 3.0) - 0.005]
    assert failing == [], failing
    print(
        f"\n{path} {scheme}: {len(texts)} texts, lowest {min(r['ratio'] for r in texts):.2f}; "
        f"{len(marks)} marks, lowest {min(r['ratio'] for r in marks):.2f}"
    )


# ---- Print -------------------------------------------------------------------------------------


def test_a4_landscape_pdf_keeps_every_stage_of_the_diagram_and_every_attribution_column(
    browse_wide: Browse,
) -> None:
    page = browse_wide.open("maps/saas-buyer/", width=1440, height=900).page
    flow = page.locator("#journey-saas-trial-to-paid div.journey-flow")
    stage_titles = flow.locator("g.journey-stage > text").all_text_contents()
    assert len(stage_titles) >= 10  # five stages, a name and a mood each
    table = page.locator("table.journey-attribution--conversions")
    last_heading = table.locator("thead th").last.inner_text()
    assert last_heading == BY_NAME["markov"].title
    last_values = table.locator("tbody td:last-child .journey-num").all_inner_texts()
    # In print the drawing is scaled to the page: no wider than A4 landscape's printable width.
    page.emulate_media(media="print")
    printed = flow.locator("svg.journey-diagram").evaluate(
        "svg => svg.getBoundingClientRect().width"
    )
    page.set_viewport_size({"width": 1047, "height": 720})  # 277 mm x 190 mm at 96 px per inch
    printed = flow.locator("svg.journey-diagram").evaluate(
        "svg => svg.getBoundingClientRect().width"
    )
    assert printed <= 1047
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for title in stage_titles:
        assert title in text, title
    assert last_heading in text
    missing = [value for value in last_values if value not in text]
    assert missing == []
