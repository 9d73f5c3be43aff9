"""Finding placeholders, summary admonitions and headings in a page's HTML."""

from __future__ import annotations

import pytest

from mkdocs_journey.page_parts import Heading, headings, placeholders, summaries


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<!-- journey:map -->", [("map", None)]),
        ("<p><!-- journey:data trial --></p>", [("data", "trial")]),
        ("<!--journey:map   a.b-c-->\n<!-- journey:data -->", [("map", "a.b-c"), ("data", None)]),
        ("<code>&lt;!-- journey:map --&gt;</code>", []),
        ("<!-- journey:legend -->", []),
    ],
)
def test_placeholders(html: str, found: list[tuple[str, str | None]]) -> None:
    assert [(p.part, p.map_id) for p in placeholders(html)] == found


def test_placeholder_span_takes_its_paragraph() -> None:
    html = "<p>a</p>\n<p><!-- journey:map --></p>\n<p>b</p>"
    (placeholder,) = placeholders(html)
    assert html[placeholder.start : placeholder.end] == "<p><!-- journey:map --></p>"


def test_summaries_are_taken_whole_with_nested_blocks() -> None:
    html = (
        '<div class="admonition note"><p>not this</p></div>'
        '<div class="admonition summary"><p class="admonition-title">S</p>'
        '<div class="inner"><div>deep</div></div><p>end</p></div>'
        "<p>after</p>"
        '<details class="summary" open="open"><summary>D</summary><p>x</p></details>'
    )
    found = summaries(html)
    assert [block.html for block in found] == [
        '<div class="admonition summary"><p class="admonition-title">S</p>'
        '<div class="inner"><div>deep</div></div><p>end</p></div>',
        '<details class="summary" open="open"><summary>D</summary><p>x</p></details>',
    ]


def test_an_unbalanced_summary_is_left_alone() -> None:
    assert summaries('<div class="admonition summary"><p>never closed</p>') == []


def test_headings_carry_the_labels_of_ours_only() -> None:
    html = (
        '<h1 id="page">Page</h1><h2 id="intro">Intro &amp; more</h2>'
        '<h2 class="journey-title" id="journey-x-title" data-toc-label="A &amp; B">A &amp; B</h2>'
        '<h3 id="journey-x-data">Data <a class="headerlink" href="#journey-x-data">¶</a></h3>'
        "<h4>no id</h4>"
    )
    assert headings(html) == [
        Heading(1, "page", None),
        Heading(2, "intro", None),
        Heading(2, "journey-x-title", "A & B"),
        Heading(3, "journey-x-data", "Data"),
    ]
