"""Where maps, data and summaries go on a page, and the table of contents that lists them."""

from __future__ import annotations

import pytest

from tests.conftest import run_build

pytestmark = pytest.mark.build


def test_placeholders_summaries_and_table_of_contents(fixture_site) -> None:
    project = fixture_site("placement")
    build = run_build(project)
    assert build.returncode == 0, build.output
    # A placeholder naming no map is a warning, with a suggestion; --strict fails on it.
    assert "<!-- journey:data secnd --> names no map of this page (did you mean 'second'?)" in (
        build.output
    )
    assert run_build(project, strict=True).returncode != 0

    page = build.page("")
    article = page.select_one("article")
    maps = article.select("div.journey-map")
    assert [m["id"] for m in maps] == ["journey-second", "journey-first"]  # second placed first
    # The placeholder put the second map after "Why we mapped this"; nothing is left at its block.
    why = article.select_one("h2#why-we-mapped-this")
    assert why.find_next("div", class_="journey-map") is maps[0]
    assert "journey:" not in str(article).replace("&lt;!-- journey:map first --&gt;", "")
    # A placeholder in code stays text.
    assert "<!-- journey:map first -->" in article.get_text()
    # Each summary moved into the glance block of its map, and left its old place.
    first_summary = maps[1].select_one(".journey-glance__summary")
    second_summary = maps[0].select_one(".journey-glance__summary")
    assert "Before every map" in first_summary.get_text()
    assert "About the second map" in second_summary.get_text()
    assert len(article.select(".admonition.summary")) == 2
    assert all(
        a.find_parent(class_="journey-glance") for a in article.select(".admonition.summary")
    )
    # Layout: the site says normal, the first map says wide.
    assert "journey-map--normal" in maps[0]["class"]
    assert "journey-map--wide" in maps[1]["class"]

    # Material's table of contents lists the maps' sections, in page order, nested.
    toc = page.select_one("nav.md-nav--secondary")
    entries = [
        (len(a.find_parents("ul")), a.get_text(" ", strip=True), a["href"])
        for a in toc.select("a.md-nav__link")
    ]
    assert entries == [  # depth 2: under the page's title; 3: under a map
        (2, "Why we mapped this", "#why-we-mapped-this"),
        (2, "Second map", "#journey-second-title"),
        (3, "At a glance", "#journey-second-glance"),
        (3, "Flow diagram", "#journey-second-flow"),
        (3, "Stage by stage", "#journey-second-stages"),
        (2, "First map", "#journey-first-title"),
        (3, "At a glance", "#journey-first-glance"),
        (3, "Flow diagram", "#journey-first-flow"),
        (3, "Stage by stage", "#journey-first-stages"),
        (2, "Afterwards", "#afterwards"),
    ]
    for _, _, href in entries:
        assert page.select_one(href) is not None
