"""The map page as a reviewer sees it, measured in Chromium on the example site.

Desktop sizes (1440x900, 1920x1080) in the light and the dark scheme, a 390x844 phone and an A4
landscape PDF: the map fits, the curve sits in the grid, the header stays in view, every text and
mark has its contrast, and axe-core finds nothing serious in the plugin's markup.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from mkdocs_journey.analytics.attribution import BY_NAME, MODELS
from tests.browser.conftest import (
    SET_SCHEME_JS,
    Browse,
    Chromium,
    axe_violations,
    contrast_sweep,
    show_every_map,
)

pytestmark = pytest.mark.browser

SAAS = "maps/saas-buyer/"  # one five-stage map, with data
MAP_PAGES = ("maps/saas-buyer/", "maps/smb-owner/", "maps/omni-shopper/")
DESKTOPS = [(1440, 900), (1920, 1080)]
SCHEMES = ["default", "slate"]
PHONE = (390, 844)
#: How far (px) a stage cluster's centre of a left-to-right diagram may sit from its column's.
ALIGNMENT = 2.0


# Geometry of each map's grid, curve and diagram on the page. Sizes of the diagram's text are
# taken from the transform the browser applies to each text (the drawing is never scaled as a
# whole when it stands over the grid's columns: its parts move apart instead).
GEOMETRY_JS = """
() => [...document.querySelectorAll('.journey-map')].map(map => {
  const centre = el => { const r = el.getBoundingClientRect(); return r.left + r.width / 2; };
  const wrap = map.querySelector('.journey-grid-wrap');
  const diagram = map.querySelector('.journey-flow > .journey-diagram');
  const svg = diagram && diagram.querySelector('svg');
  const heads = [...map.querySelectorAll('thead th.journey-stage')].map(th => ({
    name: th.textContent.trim(), centre: centre(th)}));
  const points = [...map.querySelectorAll('tr.journey-row--emotions td')].map(td => {
    const c = td.querySelector('circle.journey-curve__point');
    return c ? centre(c) : null;
  });
  const texts = svg ? [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a) : [];
  const legend = [...map.querySelectorAll('.journey-legend li')]
    .map(li => parseFloat(getComputedStyle(li).fontSize));
  return {
    id: map.id,
    grid: {scroll: wrap.scrollWidth, client: wrap.clientWidth},
    diagram: diagram ? {scroll: diagram.scrollWidth, client: diagram.clientWidth,
                        direction: svg.dataset.direction,
                        columns: svg.classList.contains('journey-diagram--columns'),
                        clusters: [...svg.querySelectorAll('g.journey-stage > path')].map(centre)} : null,
    page: {scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth},
    diagramTexts: texts.length, smallestDiagramText: Math.min(...texts),
    smallestLegendText: Math.min(...legend),
    heads, points,
  };
})
"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("width", "height"), DESKTOPS)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_map_fits_and_the_curve_and_the_diagram_sit_in_its_columns(
    browse_example: Browse, path: str, width: int, height: int, scheme: str
) -> None:
    page = browse_example.open(path, width=width, height=height).page
    page.evaluate(SET_SCHEME_JS, scheme)
    show_every_map(page)
    maps = page.evaluate(GEOMETRY_JS)
    assert maps
    for geometry in maps:
        where = f"{path} {geometry['id']} at {width}x{height}"
        # Nothing scrolls sideways: the grid, the diagram, the page.
        assert geometry["grid"]["scroll"] <= geometry["grid"]["client"], (where, geometry["grid"])
        assert geometry["page"]["scroll"] <= geometry["page"]["client"], (where, geometry["page"])
        diagram = geometry["diagram"]
        assert diagram is not None, where  # every example map has a flow diagram
        assert diagram["scroll"] <= diagram["client"], (where, diagram)
        assert geometry["diagramTexts"] > 20, where
        assert geometry["smallestDiagramText"] >= 12 - 0.01, (where, geometry)
        assert geometry["smallestLegendText"] >= 12 - 0.01, (where, geometry)
        # Each curve point is in the middle of its own stage's column.
        assert len(geometry["points"]) == len(geometry["heads"])
        for head, point in zip(geometry["heads"], geometry["points"], strict=True):
            if point is not None:
                assert abs(point - head["centre"]) <= 4, (where, head, point)
        # A left-to-right diagram's stage clusters stand over the same columns.
        if diagram["direction"] == "LR":
            assert diagram["columns"], where
            offsets = [
                round(cluster - head["centre"], 2)
                for cluster, head in zip(diagram["clusters"], geometry["heads"], strict=True)
            ]
            assert max(map(abs, offsets)) <= ALIGNMENT, (where, offsets)
            print(f"\n{where} {scheme}: cluster offsets {offsets} px")  # figures for the report


def test_the_diagram_stays_over_the_columns_where_scrollbars_take_room(
    chromium: Chromium, example_url: str
) -> None:
    # The grid scrolls down inside its box: with classic scrollbars (Windows) its scrollbar takes
    # room from its columns, and the diagram's box keeps the same gutter.
    context = chromium.browser_with_scrollbars.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(example_url + SAAS, wait_until="networkidle")
        gutter = page.evaluate(
            "() => { const w = document.querySelector('.journey-grid-wrap');"
            " return w.offsetWidth - w.clientWidth - 2; }"
        )
        assert gutter > 0  # a scrollbar that takes room
        (geometry,) = page.evaluate(GEOMETRY_JS)
        offsets = [
            cluster - head["centre"]
            for cluster, head in zip(
                geometry["diagram"]["clusters"], geometry["heads"], strict=True
            )
        ]
        assert max(map(abs, offsets)) <= ALIGNMENT, offsets
    finally:
        context.close()


def test_five_stage_map_uses_the_width_of_the_window(browse_example: Browse) -> None:
    page = browse_example.open(SAAS, width=1440, height=900).page
    grid = page.locator("#journey-saas-trial-to-paid .journey-grid-wrap").bounding_box()
    assert grid is not None
    assert grid["width"] >= 1300, grid  # Material's reading column alone is 688 px wide
    # Navigation and table of contents are one click away, in the drawer.
    sidebar = page.locator(".md-sidebar--primary")
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0
    page.locator("label.md-header__button[for='__drawer']").click()
    page.wait_for_timeout(400)
    assert sidebar.bounding_box()["x"] >= -1
    toc_link = sidebar.locator("nav.md-nav--secondary a", has_text="At a glance").first
    expect(toc_link).to_be_visible()
    toc_link.click()
    page.wait_for_timeout(400)
    assert page.url.endswith("#journey-saas-trial-to-paid-glance")


def test_a_normal_layout_keeps_the_reading_column(chromium, placement_url: str) -> None:
    browse = Browse(chromium, placement_url)
    try:
        page = browse.open("normal/", width=1440, height=900).page
        expect(page.locator(".md-sidebar--secondary")).to_be_visible()
        expect(page.locator(".md-sidebar--primary")).to_be_visible()
        content = page.locator("article").bounding_box()
        assert content is not None
        assert content["width"] < 800
        # The same site's other page holds a wide map: there, the sidebars give way.
        page = browse.open("", width=1440, height=900).page
        expect(page.locator(".md-sidebar--secondary")).to_be_hidden()
    finally:
        browse.close()


@pytest.mark.parametrize(("width", "height"), [*DESKTOPS, PHONE])
def test_stage_names_stay_in_view_deep_in_the_grid(
    browse_example: Browse, width: int, height: int
) -> None:
    page = browse_example.open(SAAS, width=width, height=height).page
    wrap = page.locator("#journey-saas-trial-to-paid .journey-grid-wrap")
    wrap.scroll_into_view_if_needed()
    page.evaluate(
        "() => window.scrollBy(0, document.querySelector('.journey-grid-wrap').getBoundingClientRect().top - 60)"
    )
    # Deep in the grid: the KPI lane, thousands of pixels below the header.
    depth = wrap.evaluate(
        "el => { const kpis = el.querySelector('tr.journey-row--kpis');"
        " el.scrollTop = kpis.offsetTop; return el.scrollTop; }"
    )
    assert depth > 1000
    box = wrap.bounding_box()
    for head in page.locator("#journey-saas-trial-to-paid thead th.journey-stage").all()[:1]:
        head_box = head.bounding_box()
        assert abs(head_box["y"] - box["y"]) <= 2, (head_box, box)
        # Nothing covers it: the topmost element at its centre is the header itself (asked
        # until the page has settled: on a loaded machine fonts and images land late).
        topmost = (
            "th => { const r = th.getBoundingClientRect();"
            " const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            " return th.contains(top) ? th.textContent.trim() : (top ? top.outerHTML.slice(0, 120) : null); }"
        )
        name = head.evaluate(topmost)
        for _ in range(20):
            if name == "Awareness":
                break
            page.wait_for_timeout(250)
            name = head.evaluate(topmost)
        assert name == "Awareness"


def test_phone_shows_one_stage_column_beside_the_lane_names(browse_example: Browse) -> None:
    page = browse_example.open(SAAS, width=PHONE[0], height=PHONE[1]).page
    wrap = page.locator("#journey-saas-trial-to-paid .journey-grid-wrap")
    sizes = wrap.evaluate(
        """el => ({
          client: el.clientWidth,
          inner: el.offsetWidth - 2,
          snap: getComputedStyle(el).scrollSnapType,
          lane: el.querySelector('tbody th.journey-lane').getBoundingClientRect().width,
          columns: [...el.querySelectorAll('thead th.journey-stage')].map(th => th.getBoundingClientRect().width),
        })"""
    )
    assert sizes["snap"].startswith("x")
    assert len(sizes["columns"]) == 5
    for column in sizes["columns"]:
        # Each stage column fits the scroll viewport beside the sticky lane names...
        assert column + sizes["lane"] <= sizes["client"] + 1, sizes
        # ...and uses it: one stage at a time, the next one not peeking in (a phone's scrollbar
        # takes no room, and neither does a kept gutter).
        assert column >= sizes["client"] - sizes["lane"] - 2, sizes
        assert column >= sizes["inner"] - sizes["lane"] - 2, sizes
    # Scrolled to the fourth stage, that stage's name is what the reader sees beside the lanes.
    wrap.scroll_into_view_if_needed()
    wrap.evaluate(
        "el => { el.scrollLeft = el.querySelectorAll('thead th.journey-stage')[3].offsetLeft; }"
    )
    page.wait_for_timeout(300)
    seen = wrap.evaluate(
        """el => { const r = el.getBoundingClientRect();
          const lane = el.querySelector('tbody th.journey-lane').getBoundingClientRect().width;
          const top = document.elementFromPoint(r.left + lane + 20, r.top + 10);
          return top.closest('th') ? top.closest('th').textContent.trim() : null; }"""
    )
    assert seen == "Retention"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_every_text_and_mark_has_its_contrast(
    browse_example: Browse, path: str, scheme: str
) -> None:
    page = browse_example.open(path, width=1440, height=900).page
    page.evaluate(SET_SCHEME_JS, scheme)
    show_every_map(page)
    records = contrast_sweep(page)
    texts = [r for r in records if r.kind == "text"]
    marks = [r for r in records if r.kind == "mark"]
    # The sweep covers the whole map: header, glance, grid, diagram (SVG text and shapes), data.
    assert len(texts) > 500
    assert len(marks) > 100
    assert any("svg" in r.what or r.what.startswith("text") for r in texts)  # diagram, charts
    assert any(r.what.startswith(("path", "polygon")) for r in marks)
    assert any("journey-flow" in r.text for r in marks)  # the diagram's arrows
    assert any(r.what.startswith("rect") for r in marks)  # the charts' bars
    assert any("journey-bar" in r.what for r in marks)  # the tables' bars
    # ...and the KPI summary's statuses, the moments at a glance, the lane's second series.
    assert any("journey-kpi__status" in r.what for r in texts)
    assert any("journey-moment__figure" in r.what for r in texts)
    assert any("journey-curve__going-text" in r.what for r in texts)
    assert any("journey-status-icon--at-risk" in r.what for r in marks)
    failures = [r for r in records if not r.passes]
    assert failures == [], failures[:20]
    print(  # the figures for the report: python -m pytest -s
        f"\n{path} {scheme}: {len(texts)} texts, min {min(r.ratio for r in texts):.2f}; "
        f"{len(marks)} marks, min {min(r.ratio for r in marks):.2f}"
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    "path", ["journeys/", "journeys/pain-points/", "journeys/personas/saas-buyer/"]
)
def test_site_pages_text_and_marks_have_their_contrast(
    browse_example: Browse, path: str, scheme: str
) -> None:
    page = browse_example.open(path, width=1440, height=900).page
    page.evaluate(SET_SCHEME_JS, scheme)
    records = contrast_sweep(page)
    assert len(records) > 20
    failures = [r for r in records if not r.passes]
    assert failures == [], failures[:20]


@pytest.mark.parametrize(
    "path", [*MAP_PAGES, "journeys/", "journeys/pain-points/", "journeys/personas/saas-buyer/"]
)
def test_axe_finds_nothing_serious_in_the_plugins_markup(browse_example: Browse, path: str) -> None:
    page = browse_example.open(path, width=1440, height=900).page
    roots = [
        s
        for s in (".journey-map", ".journey-analytics", ".journey-table-wrap", ".journey-persona")
        if page.locator(s).count()
    ]
    assert roots
    for scheme in SCHEMES:
        page.evaluate(SET_SCHEME_JS, scheme)
        assert axe_violations(page, roots) == [], scheme


# What lies at the right edge of each wide part of every map on the page: its stage names, the
# last stage's goal, the titles of the diagram's stage clusters, and the last column of each
# attribution table (its heading and every value).
EDGES_JS = """
() => [...document.querySelectorAll('.journey-map')].map(map => {
  const data = document.getElementById(map.id + '-data');
  const section = data ? data.closest('section.journey-analytics') : null;
  const texts = els => [...els].map(el => el.textContent.trim()).filter(Boolean);
  return {
    id: map.id,
    stages: texts(map.querySelectorAll('thead th.journey-stage')),
    lastGoal: texts(map.querySelectorAll('tr.journey-row--goal td')).pop() || null,
    clusters: texts(map.querySelectorAll('.journey-diagram g.journey-stage > text')),
    tables: section ? [...section.querySelectorAll('table.journey-attribution')].map(table => ({
      heading: [...table.querySelectorAll('thead th')].pop().textContent.trim(),
      values: texts(table.querySelectorAll('tbody tr td:last-child .journey-num')),
    })) : [],
  };
})
"""
# Anything of the plugin's that reaches past the right edge of the page's printable width.
CLIPPED_JS = """
() => [...document.querySelectorAll('.journey-map, .journey-analytics')]
  .flatMap(root => [root, ...root.querySelectorAll('*')])
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 0.5; })
  .map(el => el.tagName + '.' + (el.getAttribute('class') || '').split(' ').join('.'))
"""
#: A4 less the 10 mm margins of a map's pages, in CSS px (96 per inch): landscape and portrait.
PRINTABLE = {"landscape": (1047, 718), "portrait": (718, 1047)}


@pytest.mark.parametrize("path", MAP_PAGES)
def test_every_map_prints_on_a4_landscape_without_clipping(
    browse_example: Browse, path: str
) -> None:
    page = browse_example.open(path, width=1440, height=900).page
    maps = page.evaluate(EDGES_JS)
    assert maps
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)  # landscape
    flat = re.sub(r"\s+", " ", " ".join(page_.extract_text() for page_ in reader.pages))

    def present(words: str) -> bool:
        return re.sub(r"\s+", " ", words).strip() in flat

    for edges in maps:
        assert len(edges["stages"]) == 5, edges["id"]
        for words in (*edges["stages"], edges["lastGoal"], *edges["clusters"]):
            assert present(words), (edges["id"], words)
        assert len(edges["clusters"]) >= 10, edges["id"]  # five stages, a name and a mood each
        for table in edges["tables"]:
            assert table["heading"] == BY_NAME[MODELS[-1]].title  # the last column
            assert present(table["heading"])
            missing = [value for value in table["values"] if not present(value)]
            assert missing == [], (edges["id"], missing)
    assert any(edges["tables"] for edges in maps)
    # Laid out at the printable width (landscape, and portrait as best effort), nothing of the
    # plugin's reaches past the page's edge, so nothing is cut off or shrunk to fit.
    page.emulate_media(media="print")
    for orientation, (width, height) in PRINTABLE.items():
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate(CLIPPED_JS) == [], (path, orientation)


def test_a_link_from_the_register_highlights_its_pain_point(browse_example: Browse) -> None:
    page = browse_example.open("journeys/pain-points/", width=1440, height=900).page
    link = page.locator("table.journey-register td.journey-register__pain a").first
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_load_state("networkidle")
    card = page.locator(f"#{target}")
    expect(card).to_be_in_viewport()
    styles = card.evaluate(
        "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert styles[0] == "solid"
    assert float(styles[1].removesuffix("px")) >= 2
    other = page.locator(f".journey-card--pain:not(#{target})").first
    assert other.evaluate("el => getComputedStyle(el).outlineStyle") == "none"


def test_the_header_link_opens_the_persona_card(browse_example: Browse) -> None:
    page = browse_example.open(SAAS, width=1440, height=900).page
    details = page.locator("#journey-saas-trial-to-paid-persona")
    assert details.evaluate("el => el.open") is False
    page.locator(".journey-header__more").first.click()
    page.wait_for_timeout(300)
    assert details.evaluate("el => el.open") is True
    expect(page.locator("#journey-saas-trial-to-paid-persona-card")).to_be_in_viewport()


# Words of an element's text that are broken across two lines anywhere but after the hyphen of
# a compound word ("auto-|mapping" is how English breaks; "Lindqvis|t" and "2026-09-|30" are not).
SPLIT_WORDS_JS = """root => {
  const split = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let start = 0;
    for (const word of node.data.split(/(\\s+)/)) {
      if (word.trim()) {
        let previousTop = null;
        for (let i = 0; i < word.length; i++) {
          const range = document.createRange();
          range.setStart(node, start + i);
          range.setEnd(node, start + i + 1);
          const rect = [...range.getClientRects()][0];
          if (!rect) continue;
          const top = Math.round(rect.top);
          if (previousTop !== null && top !== previousTop) {
            const compound = word[i - 1] === '-' && /\\p{L}/u.test(word[i - 2] || '') && /\\p{L}/u.test(word[i]);
            if (!compound) split.push(word);
          }
          previousTop = top;
        }
      }
      start += word.length;
    }
  }
  return split;
}"""


@pytest.mark.parametrize(
    "path",
    [
        "journeys/",
        "journeys/pain-points/",
        "journeys/personas/saas-buyer/",
        "journeys/personas/smb-owner/",
    ],
)
def test_site_tables_keep_words_whole_on_a_phone(browse_example: Browse, path: str) -> None:
    page = browse_example.open(path, width=PHONE[0], height=PHONE[1]).page
    tables = page.locator(".journey-table-wrap, .journey-persona")
    assert tables.count() > 0
    for index in range(tables.count()):
        assert tables.nth(index).evaluate(SPLIT_WORDS_JS) == []


def test_long_tags_wrap_on_a_phone(browse_example: Browse) -> None:
    page = browse_example.open("maps/smb-owner/", width=PHONE[0], height=PHONE[1]).page
    tags = page.locator(".journey-tag").all_inner_texts()
    assert max(len(tag) for tag in tags) > 40  # the example has one very long tag
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


# ---- The emotion lane and the flow diagram, measured where they were crowded ----------------

#: The widths a reviewer reads a map at: desktop (light and dark), a phone, and a printed A4
#: landscape page (its printable width in CSS px, laid out with the print styles).
LANE_VIEWS = [
    pytest.param(1440, 900, "default", "screen", id="desktop-light"),
    pytest.param(1440, 900, "slate", "screen", id="desktop-dark"),
    pytest.param(*PHONE, "default", "screen", id="phone"),
    pytest.param(*PRINTABLE["landscape"], "default", "print", id="print"),
]

# Every piece of text in the curve lane's header (the lane's name, its second line, the key's
# diamond, each scale label), one rectangle per line as laid out; and the header's own box.
LANE_HEADER_TEXTS_JS = r"""
map => {
  const th = map.querySelector('tr.journey-row--emotions th.journey-lane');
  const rect = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const pieces = [];
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = node.data.trim();
    if (!words) continue;
    const element = node.parentElement;
    if (element.closest('svg')) {
      if (getComputedStyle(element).display !== 'none')
        pieces.push({text: words, scale: true, ...rect(element.getBoundingClientRect())});
      continue;
    }
    const scale = Boolean(element.closest('.journey-curve__scale'));
    const range = document.createRange();  // the words only, not the spaces around them
    const start = node.data.search(/\S/);
    range.setStart(node, start);
    range.setEnd(node, start + words.length);
    for (const line of range.getClientRects())
      if (line.width > 0) pieces.push({text: words, scale, ...rect(line)});
  }
  for (const key of th.querySelectorAll('.journey-curve__going-key'))
    pieces.push({text: '(diamond key)', scale: false, ...rect(key.getBoundingClientRect())});
  const cell = th.parentElement.querySelector('td');
  const lines = [...cell.querySelectorAll('line.journey-curve__grid')]
    .map(line => line.getBoundingClientRect().top);
  return {header: rect(th.getBoundingClientRect()), pieces, lines};
}
"""


def _overlap(a: dict, b: dict) -> float:
    """Area (px²) that two rectangles share."""
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def _grown(box: dict, by: float) -> dict:
    return {
        "left": box["left"] - by,
        "top": box["top"] - by,
        "right": box["right"] + by,
        "bottom": box["bottom"] + by,
    }


#: The least gap (px) between a label of the curve lane's scale and the lane's name.
SCALE_GAP = 2.0


def _open_lane_view(browse: Browse, path: str, width: int, height: int, scheme: str, media: str):
    page = browse.open(path, width=width, height=height).page
    page.evaluate(SET_SCHEME_JS, scheme)
    page.emulate_media(media=media)
    show_every_map(page)
    page.wait_for_timeout(100)
    return page


@pytest.mark.parametrize(("width", "height", "scheme", "media"), LANE_VIEWS)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_no_text_of_the_curve_lanes_header_overlaps_another(
    browse_example: Browse, path: str, width: int, height: int, scheme: str, media: str
) -> None:
    page = _open_lane_view(browse_example, path, width, height, scheme, media)
    for map_ in page.locator(".journey-map").all():
        measured = map_.evaluate(LANE_HEADER_TEXTS_JS)
        pieces, header = measured["pieces"], measured["header"]
        texts = [piece["text"] for piece in pieces]
        assert {"Emotion", "+2", "-2"} <= set(texts), texts
        if path == SAAS and width > PHONE[0]:
            assert {"100%", "0%"} <= set(texts), texts  # the second axis, with data
        # No two texts overlap, and the scale keeps a gap from the lane's name.
        clashes = [
            (a["text"], b["text"])
            for index, a in enumerate(pieces)
            for b in pieces[index + 1 :]
            if _overlap(_grown(a, SCALE_GAP / 2), _grown(b, SCALE_GAP / 2))
            if a["scale"] != b["scale"] or _overlap(a, b)
        ]
        assert clashes == [], (path, width, media, clashes)
        # ...and nothing spills out of the header into the first stage's column.
        outside = [
            piece["text"]
            for piece in pieces
            if piece["left"] < header["left"] - 0.5 or piece["right"] > header["right"] + 0.5
        ]
        assert outside == [], (path, width, media, header, pieces)
        # Each scale label stands level with its grid line in the stage columns.
        assert len(measured["lines"]) == 5
        adrift = [
            (piece["text"], centre)
            for piece in pieces
            if piece["scale"]
            and min(
                abs((centre := (piece["top"] + piece["bottom"]) / 2) - y) for y in measured["lines"]
            )
            > 2.5
        ]
        assert adrift == [], (path, width, media, adrift, measured["lines"])


# The emotion point and the "going on" diamond of every stage column that has both: their boxes
# (a moment's ring included), and what lies on top at the middle of each.
CURVE_MARKERS_JS = """
map => [...map.querySelectorAll('tr.journey-row--emotions td')].map((td, index) => {
  const point = td.querySelector('circle.journey-curve__point');
  const diamond = td.querySelector('.journey-curve__going-point');
  if (!point || !diamond) return null;
  const ring = td.querySelector('circle.journey-curve__ring');
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
            x: r.left + r.width / 2, y: r.top + r.height / 2}; };
  const onTop = b => (b.x >= 0 && b.y >= 0 && b.x < innerWidth && b.y < innerHeight)
    ? document.elementFromPoint(b.x, b.y) : undefined;
  const p = box(point), d = box(diamond);
  const stage = map.querySelectorAll('thead th.journey-stage')[index].textContent.trim();
  return {stage, point: p, diamond: d, ring: ring ? box(ring) : null,
          pointOnTop: onTop(p) === undefined ? null : onTop(p) === point,
          diamondOnTop: onTop(d) === undefined ? null : onTop(d) === diamond};
})
"""


@pytest.mark.parametrize(("width", "height", "scheme", "media"), LANE_VIEWS)
def test_the_going_on_diamond_and_the_emotion_point_never_hide_each_other(
    browse_example: Browse, width: int, height: int, scheme: str, media: str
) -> None:
    page = _open_lane_view(browse_example, SAAS, width, height, scheme, media)
    lane = page.locator("#journey-saas-trial-to-paid tr.journey-row--emotions")
    lane.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -40)")
    cells = [
        cell
        for cell in page.locator("#journey-saas-trial-to-paid").evaluate(CURVE_MARKERS_JS)
        if cell
    ]
    assert len(cells) == 4  # every stage but the last has its share going on
    # The Decision stage: about half go on at an emotion of 0, so both marks share a height.
    decision = next(cell for cell in cells if cell["stage"] == "Decision")
    assert abs(decision["point"]["y"] - decision["diamond"]["y"]) < 6, decision
    seen = 0
    for cell in cells:
        for other in (cell["point"], cell["ring"]):
            if other is not None:
                assert _overlap(cell["diamond"], other) == 0, cell
        for on_top in ("pointOnTop", "diamondOnTop"):
            if cell[on_top] is not None:
                seen += 1
                assert cell[on_top], (on_top, cell)
    assert seen >= 2  # at least one stage's marks were in view and probed


# The labels of the flow diagram's steps, and the stage clusters' outlines, as drawn.
FLOW_LABELS_JS = """
map => {
  const svg = map.querySelector('.journey-flow svg.journey-diagram');
  const rect = el => { const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  return {
    stages: [...svg.querySelectorAll('g.journey-stage > path')].map(rect),
    labels: [...svg.querySelectorAll('g.journey-flow')].map(step => {
      const texts = [...step.querySelectorAll('text')].filter(t => t.textContent.trim());
      if (!texts.length) return null;
      const boxes = texts.map(rect);
      return {text: texts.map(t => t.textContent.trim()).join(' '),
              back: step.classList.contains('journey-flow-back'),
              left: Math.min(...boxes.map(b => b.left)), top: Math.min(...boxes.map(b => b.top)),
              right: Math.max(...boxes.map(b => b.right)), bottom: Math.max(...boxes.map(b => b.bottom))};
    }).filter(Boolean),
  };
}
"""
#: Room (px) every step's label keeps from a stage's outline, inside or outside it.
LABEL_CLEARANCE = 4.0


@pytest.mark.parametrize(
    ("width", "height", "media"),
    [(1440, 900, "screen"), (*PRINTABLE["landscape"], "print")],
    ids=["desktop", "print"],
)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_step_labels_keep_clear_of_the_stage_outlines(
    browse_example: Browse, path: str, width: int, height: int, media: str
) -> None:
    page = _open_lane_view(browse_example, path, width, height, "default", media)
    loops = 0
    for map_ in page.locator(".journey-map").all():
        drawn = map_.evaluate(FLOW_LABELS_JS)
        for label in drawn["labels"]:
            loops += label["back"]
            for stage in drawn["stages"]:
                grown = _grown(stage, LABEL_CLEARANCE)
                inside = (
                    label["left"] >= stage["left"] + LABEL_CLEARANCE
                    and label["right"] <= stage["right"] - LABEL_CLEARANCE
                    and label["top"] >= stage["top"] + LABEL_CLEARANCE
                    and label["bottom"] <= stage["bottom"] - LABEL_CLEARANCE
                )
                assert inside or _overlap(label, grown) == 0, (path, media, label, stage)
    if path == SAAS:
        assert loops >= 1  # "second team trials an add-on"
