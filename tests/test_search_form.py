"""The search plugin reads a lean copy of the maps' markup (mkdocs_journey/search_form.py): a
search must find the same words in the same sections, and a reader must see the same page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser
from mkdocs.commands.build import build
from mkdocs.config import load_config

import mkdocs_journey.site as site_module
from mkdocs_journey import search_form
from mkdocs_journey.search_form import HeldFragments, restore, search_copy, searchable
from mkdocs_journey.site import JourneySite
from tests.conftest import copy_fixture, run_build
from tests.test_memo import Session


def sections(html: str) -> list[tuple[str | None, str, list[str]]]:
    """What Material's search plugin makes of ``html``: each section's id, title and words."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [
        (section.id, "".join(section.title), _words("".join(section.text)))
        for section in parser.data
    ]


def _words(text: str) -> list[str]:
    # Kept tags count as words: "<li>" must stay where it was.
    return re.sub(r"(<[^>]+>)", r" \1 ", text).split()


def _site(project: Path) -> tuple[dict[str, tuple[str, list[str]]], dict[str, bytes]]:
    config = load_config(str(project / "mkdocs.yml"))
    build(config)
    site = project / "site"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = {doc["location"]: (doc["title"], _words(doc["text"])) for doc in index["docs"]}
    pages = {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*.html"))
    }
    return entries, pages


@pytest.mark.parametrize("fixture", ["basic", "placement", "data-site", "kpis"])
def test_search_finds_the_same_words_in_the_same_sections_and_readers_see_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str
) -> None:
    project = copy_fixture(fixture, tmp_path)
    lean_index, lean_pages = _site(project)
    # The same site, with the search plugin reading the full markup.
    full_html = JourneySite.page_html

    def without_lean_copies(
        self: JourneySite, path: str, url: str, html: str, *, for_search: bool = False
    ) -> str:
        return full_html(self, path, url, html, for_search=False)

    monkeypatch.setattr(JourneySite, "page_html", without_lean_copies)
    full_index, full_pages = _site(project)

    assert lean_pages == full_pages
    assert lean_index.keys() == full_index.keys()
    different = [where for where in full_index if lean_index[where] != full_index[where]]
    assert different == []
    # Not a site without maps: the index holds map sections, and no marker is left anywhere.
    assert any(where.endswith("-stages") for where in full_index)
    assert all(b"journeyslot" not in page for page in lean_pages.values())
    text = (project / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "journeyslot" not in text


@pytest.mark.build
def test_a_plugin_that_rewrites_the_held_copies_is_reported(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    # A hook that drops HTML comments from every page's content after the journey plugin.
    (project / "strip_comments.py").write_text(
        "import re\n\n"
        "def on_page_content(html, page, config, files):\n"
        "    return re.sub(r'<!--.*?-->', '', html, flags=re.S)\n",
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "hooks:\n  - strip_comments.py\n", encoding="utf-8"
    )
    result = run_build(project)
    assert result.returncode == 0, result.output
    assert "maps/front.md: another plugin rewrote" in result.output
    assert "shown as the search index's plain text" in result.output


def test_restore_puts_each_fragment_back_and_counts_those_it_did_not_find() -> None:
    held = HeldFragments()
    first = held.hold('<div class="a"><h2 id="x">X</h2><table><tr><td>one</td></tr></table></div>')
    second = held.hold('<p class="b"><span>two</span></p>')
    page = f"<p>before</p>{first}<p>between</p>{second}"
    assert "<table>" not in page
    assert restore(page, held.fragments) == (
        f"<p>before</p>{held.fragments[0]}<p>between</p>{held.fragments[1]}",
        0,
    )
    assert restore(f"<p>before</p>{first}", held.fragments)[1] == 1
    # Markup that search plugins or other plugins treat specially is not held.
    for special in ("<div data-search-exclude><p>x</p></div>", '<p><img src="a.png"></p>'):
        assert HeldFragments().hold(special) == special
    assert HeldFragments(enabled=False).hold(second) == second


# -- the reduction, against Material's own parser ----------------------------------------------
_DROPPED = ["span", "a", "td", "strong", "em", "q", "table", "tr", "small", "time", "svg", "text"]
_TEXT = st.text(alphabet=" \n\tab&;\"'=/-xyzé", max_size=12).map(lambda s: s.replace("&", "&amp;"))
_ATTRIBUTES = st.sampled_from(["", ' class="c"', " title='t x'", ' id="i" data-x="1"'])


def _element(children: st.SearchStrategy[str], tags: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attributes, inner: f"<{tag}{attributes}>{''.join(inner)}</{tag}>",
        st.sampled_from(tags),
        _ATTRIBUTES,
        st.lists(children, max_size=4),
    )


_INLINE = st.recursive(_TEXT, lambda inner: _element(inner, [*_DROPPED, "code"]), max_leaves=8)
_HEADING = st.builds(
    lambda level, number, inner: (
        f'<h{level} id="h{number}">{inner}<a class="headerlink" href="#h{number}">¶</a></h{level}>'
    ),
    st.integers(2, 4),
    st.integers(0, 9),
    _INLINE,
)
_LIST = _element(_element(_INLINE, ["li"]), ["ul", "ol"])
# Headings stand in sections and divisions only, as in the plugin's templates.
_BLOCK = st.recursive(
    st.one_of(_INLINE, _HEADING, _element(_INLINE, ["p"]), _LIST),
    lambda inner: _element(inner, ["div", "section"]),
    max_leaves=20,
)


@given(st.lists(_BLOCK, max_size=6).map("".join))
def test_searchable_gives_material_the_same_sections_titles_and_words(fragment: str) -> None:
    # A fragment stands in a page, after its title.
    title = '<h1 id="page">Page</h1>'
    assert sections(title + searchable(fragment)) == sections(title + fragment)


def test_searchable_keeps_headings_and_preformatted_text_as_written() -> None:
    fragment = (
        '<div class="m"><h2 id="a" class="x">A <span>b</span></h2>'
        '<pre class="p"><span>x  =  1</span>\n  y</pre><table><tr><td>t</td></tr></table></div>'
    )
    assert searchable(fragment) == (
        '<div><h2 id="a" class="x">A <span>b</span></h2>'
        '<pre class="p"><span>x  =  1</span>\n  y</pre>t</div>'
    )


_SPECIAL_PATTERN = re.compile(r"data-search-|linenodiv|<img\b", re.I)


def test_the_lowercase_shortcut_knows_every_character_ignorecase_takes_for_a_letter() -> None:
    # The shortcut misses a match only where IGNORECASE takes a character for one of the
    # words' letters that lower() does not make that letter: those are listed, to be searched
    # the slow way. Any other such character in some Python's tables must be listed too.
    letters = sorted(set("".join(search_form._SPECIAL_WORDS)))
    every_character = "".join(map(chr, range(0x110000)))
    taken = set(re.findall("[" + re.escape("".join(letters)) + "]", every_character, re.I))
    not_lowered = {c for c in taken if len(c.lower()) != 1 or c.lower() not in letters}
    assert not_lowered == set(search_form._FOLDED_OTHERWISE)
    assert search_form._SPECIAL.pattern == _SPECIAL_PATTERN.pattern


# The characters IGNORECASE also takes for a letter of the words, besides its two cases.
_OTHER_FOLDS = {"i": "\u0130\u0131", "s": "\u017f"}
_WORD_CASES = st.sampled_from(
    ["data-search-exclude", "linenodiv", "<img ", "<img>", "<imgx"]
).flatmap(
    lambda word: st.tuples(
        *(st.sampled_from(sorted({c, c.upper(), *_OTHER_FOLDS.get(c, "")})) for c in word)
    ).map("".join)
)


@given(st.lists(st.one_of(_WORD_CASES, st.text(max_size=8)), max_size=6).map("".join))
def test_the_lowercase_shortcut_gives_the_same_answer_as_the_pattern(fragment: str) -> None:
    special = _SPECIAL_PATTERN.search(fragment) is not None
    assert (search_copy(fragment) is None) == special


@pytest.mark.parametrize(
    "hostile",
    [
        "<a " * 100_000,
        '<a title="' * 100_000,
        "<h2" * 100_000,
        "<pre>" * 100_000,
        "<!--" * 100_000,
        "<" * 300_000,
        "<div>" * 100_000,
    ],
)
def test_hostile_markup_is_reduced_in_one_pass(hostile: str) -> None:
    # Each of these would take hours if a stray "<", quote or unclosed element made the
    # reduction scan to the end of the page from every tag.
    reduced = searchable(hostile)
    assert len(reduced) <= len(hostile)


def test_a_serve_rebuild_copies_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies: list[str] = []

    def counted(fragment: str) -> str | None:
        copies.append(fragment)
        return search_copy(fragment)

    monkeypatch.setattr(site_module, "search_copy", counted)
    project = copy_fixture("basic", tmp_path)
    session = Session(project)
    session.build()
    first = len(copies)
    assert first > 0
    session.build()  # nothing changed: every fragment and listing is kept, and its copy
    assert len(copies) == first
    page = project / "docs" / "maps" / "front.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nOne more line.\n", encoding="utf-8")
    session.build()  # the page changed around its map: the map's fragment is kept, and its copy
    assert len(copies) == first
    page.write_text(text.replace("goal: Compare tools", "goal: Compare three tools"), "utf-8")
    session.build()
    # The edited map, and the site pages that show its stage goals, if any; not every page.
    changed = copies[first:]
    assert any("Compare three tools" in fragment for fragment in changed)
    assert all("Compare three tools" in fragment for fragment in changed)
