"""Real builds of fixture sites with MkDocs and mkdocs-material; assertions on the parsed HTML."""

from __future__ import annotations

import json
import os

import pytest
from bs4 import BeautifulSoup
from mkdocs.structure.files import File

from mkdocs_journey.plugin import PageTexts
from tests.conftest import Build, run_build

pytestmark = pytest.mark.build

LANES = [
    "Goal",
    "Actions",
    "Touchpoints",
    "Emotion",
    "Pain points",
    "Opportunities",
    "KPIs",
]


def _stage_names(map_div) -> list[str]:
    return [
        th.get_text(strip=True)
        for th in map_div.select("table.journey-table thead th.journey-stage")
    ]


def _lanes(map_div) -> list[str]:
    return [
        th.get_text(strip=True)
        for th in map_div.select("table.journey-table tbody th.journey-lane .journey-lane__name")
    ]


def test_front_matter_map_renders_stages_in_site_order(basic_build: Build) -> None:
    page = basic_build.page("maps/front/")
    map_div = page.select_one("#journey-owner")
    assert map_div is not None
    # Written Consideration, Awareness, Decision; shown in the site's stage order.
    assert _stage_names(map_div) == ["Awareness", "Consideration", "Decision"]
    assert _lanes(map_div) == LANES
    assert map_div.select_one(".journey-title").get_text(strip=True) == "Owner buys software"
    # The map sits after the page's H1 and before the prose.
    h1 = page.select_one("article h1")
    assert h1.find_next("div", class_="journey-map") is map_div
    touchpoints = {
        li.select_one(".journey-touchpoint__name").get_text(): li.select_one(
            ".journey-channel"
        ).get_text()
        for li in map_div.select(".journey-touchpoints li")
    }
    assert touchpoints == {"Search results": "Organic Search", "Review site": "Referral"}


def test_kpi_status_pain_points_and_stale_badge(basic_build: Build) -> None:
    map_div = basic_build.page("maps/front/").select_one("#journey-owner")
    kpi = map_div.select_one(".journey-kpi")
    assert "journey-kpi--missed" in kpi["class"]  # 14% actual against a 20% target
    assert "target 20%" in kpi.get_text(" ", strip=True)
    assert "actual 14%" in kpi.get_text(" ", strip=True)
    pain = map_div.select_one("#journey-owner-pain-price")
    assert pain.select_one(".journey-severity").get_text() == "5"
    assert "Add-ons priced separately" in pain.select_one(".journey-pain__causes").get_text()
    fix = map_div.select_one(".journey-opportunity__fixes")
    assert fix["href"] == "#journey-owner-pain-price"
    # Reviewed 2025-01-10 every 6 months: due 2025-07-10, before the fixed "today" 2026-06-01.
    assert map_div.select_one(".journey-badge--stale") is not None
    assert map_div.select_one("time[datetime='2025-07-10']") is not None


def test_fenced_maps_inside_admonition_and_content_tab(basic_build: Build) -> None:
    page = basic_build.page("maps/fenced/")
    maps = page.select("div.journey-map")
    assert [m["data-journey-map"] for m in maps] == ["buyer", "owner-again"]
    assert maps[0].find_parent("div", class_="admonition") is not None
    assert maps[1].find_parent("div", class_="tabbed-block") is not None
    # A journey block never falls through as a plain code block.
    assert not [code for code in page.select("code") if "stages:" in code.get_text()]
    # The second map reuses the persona defined on another page by id.
    assert maps[1].select_one(".journey-persona__name a").get_text(strip=True) == "Olivia Owner"
    assert maps[0].select_one(".journey-badge--stale") is None  # reviewed 2026-05-01, yearly


def test_index_lists_every_map_with_working_links(basic_build: Build) -> None:
    page = basic_build.page("journeys/")
    rows = page.select("table.journey-index tbody tr")
    titles = [row.select_one("td a").get_text(strip=True) for row in rows]
    assert titles == ["Buyer trial to paid", "Owner buys software", "Owner renews"]
    for row in rows:
        link = row.select_one("td a")["href"]
        target = (basic_build.site / "journeys" / link).resolve() / "index.html"
        target_page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        assert target_page.select_one(f"#journey-{row['data-journey-map']}") is not None
    stale = {
        row["data-journey-map"]: row.select_one(".journey-badge--stale") is not None for row in rows
    }
    assert stale == {"buyer": False, "owner": True, "owner-again": False}


def test_persona_links_lead_to_the_persona_from_every_page_showing_the_map(
    basic_build: Build,
) -> None:
    # The same map is shown on its own page (persona card) and as a row of the index, at two
    # different depths: each link must be relative to the page it is on.
    shown = [
        ("maps/front/", "#journey-owner .journey-persona__name a"),
        ("maps/fenced/", "#journey-owner-again .journey-persona__name a"),
        ("journeys/", "tr[data-journey-map='owner'] td a[href*='personas']"),
        ("journeys/", "tr[data-journey-map='owner-again'] td a[href*='personas']"),
    ]
    for url, selector in shown:
        link = basic_build.page(url).select_one(selector)
        assert link is not None, (url, selector)
        target = (basic_build.site / url / link["href"]).resolve() / "index.html"
        assert target == (basic_build.site / "journeys/personas/owner/index.html").resolve()
        assert target.is_file()


def test_persona_pages_list_their_maps(basic_build: Build) -> None:
    owner = basic_build.page("journeys/personas/owner/")
    assert [li["data-journey-map"] for li in owner.select("table.journey-index tbody tr")] == [
        "owner",
        "owner-again",
    ]
    assert owner.select_one(".journey-persona__role").get_text() == "Runs a bakery"
    buyer = basic_build.page("journeys/personas/buyer/")
    assert [li["data-journey-map"] for li in buyer.select("table.journey-index tbody tr")] == [
        "buyer"
    ]
    # The same table as the index, with each map's stages, status and pain points, but not the
    # persona column: every map on the page is this persona's.
    headers = [th.get_text(strip=True) for th in owner.select("table.journey-index thead th")]
    assert headers == [
        "Map",
        "Stages",
        "Owner",
        "Last reviewed",
        "Status",
        "Pain points",
        "KPIs",
        "Evidence",
    ]
    stale = owner.select_one("tr[data-journey-map='owner'] .journey-badge--stale")
    assert stale is not None


def test_pain_point_register_sorted_by_severity(basic_build: Build) -> None:
    page = basic_build.page("journeys/pain-points/")
    rows = page.select("table.journey-register tbody tr")
    assert [int(r["data-severity"]) for r in rows] == [5, 4, 3, 2]
    assert [r.select_one("td a").get_text(strip=True) for r in rows] == [
        "Pricing page hides the real cost",
        "Renewal email lands in spam",
        "Ad promises too much",
        "Too much jargon",
    ]
    first_link = rows[0].select_one("td a")["href"]
    assert first_link.endswith("maps/front/#journey-owner-pain-price")
    assert "All-in price" in rows[0].get_text()


def test_journeys_json_export(basic_build: Build) -> None:
    document = json.loads((basic_build.site / "journeys.json").read_text(encoding="utf-8"))
    assert document["version"] == 1
    by_id = {m["id"]: m for m in document["maps"]}
    assert set(by_id) == {"owner", "buyer", "owner-again"}
    owner = by_id["owner"]
    assert owner["page"] == "maps/front.md"
    assert owner["url"] == "maps/front/"
    assert owner["stale"] is True
    assert owner["review_every"] == "6 months"
    assert [s["name"] for s in owner["stages"]] == ["Awareness", "Consideration", "Decision"]
    assert by_id["owner-again"]["persona"]["name"] == "Olivia Owner"


def test_maps_render_without_superfences(fixture_site) -> None:
    build = run_build(fixture_site("no-superfences"), strict=True)
    assert build.returncode == 0, build.output
    page = build.page("maps/fenced/")
    maps = page.select("div.journey-map")
    assert [m["data-journey-map"] for m in maps] == ["buyer", "owner-again"]
    assert maps[0].find_parent("div", class_="admonition") is not None


def test_builds_under_properdocs(fixture_site) -> None:
    build = run_build(fixture_site("basic"), strict=True, tool="properdocs")
    assert build.returncode == 0, build.output
    page = build.page("maps/fenced/")
    assert [m["data-journey-map"] for m in page.select("div.journey-map")] == [
        "buyer",
        "owner-again",
    ]
    assert (build.site / "journeys" / "index.html").is_file()


def test_flow_diagrams_are_on_the_page_and_not_in_the_search_index(basic_build: Build) -> None:
    # Drawn into the page's content after the search plugin read it: a reader sees the
    # drawing, a search finds the map's text but never the SVG's labels and markup.
    page = basic_build.page("maps/front/")
    drawing = page.select_one("div.journey-flow svg")
    assert drawing is not None
    assert page.select("div.journey-diagram:empty") == []  # every slot filled
    index = json.loads((basic_build.site / "search" / "search_index.json").read_text("utf-8"))
    entries = [doc for doc in index["docs"] if doc["location"].startswith("maps/front/")]
    assert entries
    text = " ".join(doc["text"] for doc in entries)
    assert "Awareness" in text
    # The drawing's own words (its legend, its title and its labels) are on the page only.
    assert "How to read the flow diagram" in page.get_text()
    assert drawing.title is not None
    title = drawing.title.get_text(strip=True)
    assert title
    for words in ("How to read the flow diagram", title, "★ Emotional low"):
        assert words not in text, words


def test_page_texts_are_read_again_only_when_their_file_changed(tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "page.md"
    page.write_text("first version\n", encoding="utf-8")
    file = File("page.md", str(docs), str(tmp_path / "site"), True)
    texts = PageTexts(settling_ns=0)  # a file on disk counts as settled at once
    first = texts.text(file)
    assert first == "first version\n"
    assert texts.text(file) is first  # unchanged on disk: the text kept from the last build

    # Same size, and the modification time put back: the change time still tells.
    mtime = page.stat().st_mtime_ns
    page.write_text("other version\n", encoding="utf-8")
    os.utime(page, ns=(mtime, mtime))
    assert texts.text(file) == "other version\n"

    # With the default settling time, a page changed just now is read on every build.
    page.write_text("third version\n", encoding="utf-8")
    fresh = PageTexts()
    now = fresh.text(file)
    assert now == "third version\n"
    again = fresh.text(file)
    assert again == now
    assert again is not now
