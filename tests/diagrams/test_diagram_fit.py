"""Labels fit their boxes: Graphviz measures the text in the font the stylesheet draws it in.

Graphviz sizes every node and stage box from its own measure of the label; the browser then
draws the label with the site's CSS. If the two fonts (or weights, or sizes) differ, long labels
run into their borders. The first tests keep the DOT and the stylesheet in step without a
browser; the last one measures the drawn text in headless Chromium.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from diagram_helpers import LOOP_FLOW, SVG, make_map, parse, trial_map
from playwright.sync_api import sync_playwright

from mkdocs_journey.diagrams import CSS_FILE, Renderer, build_dot, render_flow_diagram
from mkdocs_journey.diagrams.dot import (
    FLOW_FONT_SIZE,
    FONT_FAMILY,
    STAGE_FONT_SIZE,
    STAGE_MARGIN,
    TOUCHPOINT_FONT_SIZE,
)
from mkdocs_journey.model import DiagramOptions, Emotion, JourneyMap, PainPoint, Stage, Touchpoint

pytestmark = pytest.mark.build

CSS = CSS_FILE.read_text(encoding="utf-8")
# Not just inside: clear of the border by this many points, so that no label touches its line.
# (Before the fonts matched, stage names came within 1.1 pt of their border, or overran it.)
CLEARANCE_ACROSS = 3
CLEARANCE_DOWN = 1
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def declarations(selector: str) -> dict[str, str]:
    """The declarations of the one rule whose selector list contains ``selector``."""
    text = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)
    found = [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text)
        if selector in (part.strip() for part in selectors.split(","))
    ]
    assert len(found) == 1, f"expected one rule for {selector!r}, found {len(found)}"
    pairs = (line.split(":", 1) for line in found[0].split(";") if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def wide_map(direction: str = "LR") -> JourneyMap:
    """Stage titles with moods and scores, long and wide touchpoint names, pains, an empty stage."""
    stages = (
        Stage(
            "Awareness",
            touchpoints=(Touchpoint("ad", "WWW Mobile Web Widget Ad", "Paid Social"),),
            emotion=Emotion(0, "curious"),
        ),
        Stage(
            "Consideration",
            touchpoints=(
                Touchpoint("demo", "Wholesale MMW demo with a sales engineer", "Meetings"),
                Touchpoint("calc", "Pricing calculator", "Web"),
            ),
            emotion=Emotion(-2, "overwhelmed by the WWW of options"),
            pain_points=(PainPoint("slow", "Demo takes weeks", touchpoint="demo"),),
        ),
        Stage("Decision", emotion=Emotion(1, "")),
        Stage(
            "Retention",
            touchpoints=(Touchpoint("mail", "Monthly MW email", "Email"),),
            emotion=Emotion(2, "vindicated"),
            pain_points=(PainPoint("noise", "Too many emails"),),
        ),
        Stage("Advocacy", touchpoints=(Touchpoint("wom", "Word of mouth", "Referral"),)),
    )
    journey_map = make_map(stages, map_id=f"wide-{direction.lower()}")
    return dataclasses.replace(journey_map, diagram=DiagramOptions(direction=direction))


def box(shape: ET.Element) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a Graphviz polygon or (rounded) path, in SVG units."""
    text = shape.get("points") or shape.get("d") or ""
    numbers = [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", text)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def outline(group: ET.Element) -> tuple[float, float, float, float]:
    shape = group.find(f"{SVG}path")
    if shape is None:
        shape = group.find(f"{SVG}polygon")
    assert shape is not None, f"{group.get('id')} has no outline"
    return box(shape)


def test_stylesheet_draws_labels_in_the_font_graphviz_measured() -> None:
    family = [
        name.strip().strip("\"'")
        for name in declarations(".journey-diagram text")["font-family"].split(",")
    ]
    assert tuple(family) == FONT_FAMILY
    # The SVG's user unit is Graphviz's point, so N px in CSS is N pt in Graphviz.
    assert declarations(".journey-diagram .journey-stage > text")["font-size"] == (
        f"{STAGE_FONT_SIZE}px"
    )
    assert declarations(".journey-diagram .journey-touchpoint > text")["font-size"] == (
        f"{TOUCHPOINT_FONT_SIZE}px"
    )
    assert declarations(".journey-diagram .journey-stage-node > text")["font-size"] == (
        f"{TOUCHPOINT_FONT_SIZE}px"
    )
    assert declarations(".journey-diagram .journey-flow > text")["font-size"] == (
        f"{FLOW_FONT_SIZE}px"
    )
    # Stage names are drawn bold; Graphviz measures them bold; everything else is regular.
    assert declarations(".journey-diagram .journey-stage > text")["font-weight"] == "700"
    assert declarations(".journey-diagram text")["font-weight"] == "400"


def test_dot_measures_in_the_stylesheet_fonts() -> None:
    source = build_dot(trial_map()).source
    family = ",".join(FONT_FAMILY)
    graph, node, edge = (
        next(line for line in source.splitlines() if line.strip().startswith(f"{kind} ["))
        for kind in ("graph", "node", "edge")
    )
    assert f'fontname="{family} Bold"' in graph
    assert f"fontsize={STAGE_FONT_SIZE}," in graph
    assert f'fontname="{family}"' in node
    assert f"fontsize={TOUCHPOINT_FONT_SIZE}," in node
    assert f'fontname="{family}"' in edge
    assert f"fontsize={FLOW_FONT_SIZE}," in edge
    # Every stage sets its own margin: the graph's margin=0 must not reach the clusters.
    assert source.count(f"margin={STAGE_MARGIN};") == len(trial_map().stages)


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_touchpoints_keep_clear_of_their_stage_border(renderer: Renderer, direction: str) -> None:
    journey_map = dataclasses.replace(
        trial_map(flow=LOOP_FLOW), diagram=DiagramOptions(direction=direction)
    )
    diagram = build_dot(journey_map)
    svg = render_flow_diagram(journey_map, renderer=renderer, diagram_id="fit").svg
    assert svg is not None
    root = parse(svg)
    by_id = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    for node in diagram.nodes:
        left, top, right, bottom = outline(by_id[f"fit-{node.id}"])
        c_left, c_top, c_right, c_bottom = outline(by_id[f"fit-c{node.stage_index}"])
        gaps = (left - c_left, top - c_top, c_right - right, c_bottom - bottom)
        assert min(gaps) >= STAGE_MARGIN - 1, (node.text, gaps)


# What the page around a diagram sets in mkdocs-material: its text font (Roboto, loaded from
# Google Fonts, then the system's sans-serif) and a larger text size, which the diagram's text
# must not inherit.
MATERIAL_PAGE = """
:root {
  --md-text-font-family: Roboto, -apple-system, BlinkMacSystemFont, Helvetica, Arial, sans-serif;
}
body { font-family: var(--md-text-font-family); font-size: 20px; font-weight: 300; }
"""

# For every node and stage outline: the smallest distance from its text to its border, in SVG
# units (Graphviz points), left/right and top/bottom apart. Blank labels are skipped.
MARGINS_JS = """
() => [...document.querySelectorAll('svg.journey-diagram g')].flatMap(group => {
  const shape = group.querySelector(':scope > path, :scope > polygon');
  const labels = [...group.querySelectorAll(':scope > text')]
    .filter(label => label.textContent.trim());
  const kind = ['journey-stage', 'journey-touchpoint', 'journey-stage-node']
    .find(name => group.classList.contains(name));
  if (!kind || !shape || !labels.length) return [];
  const s = shape.getBBox();
  return labels.map(label => {
    const t = label.getBBox();
    return {
      id: group.id, kind, text: label.textContent,
      font: getComputedStyle(label).fontFamily,
      across: Math.min(t.x - s.x, s.x + s.width - t.x - t.width),
      down: Math.min(t.y - s.y, s.y + s.height - t.y - t.height),
    };
  });
})
"""


def measure_in_chromium(
    html: str, script: str = MARGINS_JS, viewport: tuple[int, int] = (1600, 1200)
) -> list[dict[str, Any]]:
    """Open ``html`` in headless Chromium and return what ``script`` finds.

    Runs in a thread of its own: Playwright's sync API refuses a thread with a running asyncio
    loop, which the browser tests' session-wide Playwright leaves in the main thread.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium) to run the browser tests.",
            pytrace=False,
        )

    def measure() -> list[dict[str, Any]]:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
                page.set_content(html)
                page.evaluate("document.fonts.ready")
                return page.evaluate(script)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(measure).result(timeout=120)


@pytest.mark.browser
def test_labels_fit_their_boxes_in_the_browser(renderer: Renderer) -> None:
    maps = [wide_map("LR"), wide_map("TB"), trial_map(flow=LOOP_FLOW)]
    svgs = []
    for index, journey_map in enumerate(maps):
        result = render_flow_diagram(journey_map, renderer=renderer, diagram_id=f"fit{index}")
        assert result.svg is not None, result.error
        svgs.append(result.svg)
    # The diagrams inline in a page with mkdocs-material's text font and size, and our stylesheet.
    html = f"<!doctype html><style>{MATERIAL_PAGE}{CSS}</style><body>{''.join(svgs)}</body>"
    labels = measure_in_chromium(html)

    stage_labels = [label for label in labels if label["kind"] == "journey-stage"]
    assert len(stage_labels) >= 15  # every stage of every map was measured
    assert all(label["font"].startswith("Helvetica") for label in labels)
    cramped = [
        label
        for label in labels
        if label["across"] < CLEARANCE_ACROSS or label["down"] < CLEARANCE_DOWN
    ]
    assert cramped == [], cramped


# The rendered size (in CSS px) of the smallest text of each drawing, whether its box scrolls,
# and the scale it is drawn at (1 = one point of the drawing per CSS px): from the transform the
# browser applies, as a drawing fitted to stage columns is wider than its own size, not larger.
SIZES_JS = """
() => [...document.querySelectorAll('div.journey-diagram')].map(box => {
  const svg = box.querySelector('svg');
  return {
    scrolls: box.scrollWidth > box.clientWidth + 1,
    scale: svg.getScreenCTM().a,
    text: Math.min(...[...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)),
  };
})
"""


def _many_stage_map(direction: str = "auto") -> JourneyMap:
    stages = tuple(
        Stage(
            f"Stage {n} with a longer name",
            touchpoints=tuple(
                Touchpoint(f"t{n}{k}", f"Touchpoint {n}.{k} with a long name", "Email")
                for k in range(2)
            ),
        )
        for n in range(9)
    )
    return make_map(stages, map_id=f"many-{direction}", diagram=DiagramOptions(direction=direction))


@pytest.mark.browser
def test_diagrams_never_shrink_below_12_px_text(renderer: Renderer) -> None:
    two_stages = make_map(trial_map().stages[:2], map_id="short")
    maps = [_many_stage_map("LR"), _many_stage_map(), two_stages]
    svgs = []
    for index, journey_map in enumerate(maps):
        result = render_flow_diagram(journey_map, renderer=renderer, diagram_id=f"w{index}")
        assert result.svg is not None, result.error
        svgs.append(f'<div class="journey-diagram" style="overflow-x: auto">{result.svg}</div>')
    # The width of the wide map page's content on a 1440x900 screen, less the grid's lane names.
    html = (
        f"<!doctype html><style>{MATERIAL_PAGE}{CSS}</style>"
        f"<body style='width: 1256px'>{''.join(svgs)}</body>"
    )
    forced, turned, short = measure_in_chromium(html, SIZES_JS, viewport=(1440, 900))
    # Nine stages that must go left to right: drawn at their size, the box scrolls sideways.
    assert forced["scrolls"]
    assert forced["scale"] == pytest.approx(1, abs=0.01)
    # The same map left to decide (auto) turns top to bottom and fits.
    assert not turned["scrolls"]
    # A short map fits the column, a little larger than its size at most.
    assert not short["scrolls"]
    assert 1 - 0.01 <= short["scale"] <= 1.25 + 0.01
    for drawing in (forced, turned, short):
        assert drawing["text"] >= 12 - 0.01, drawing
