"""What a search plugin reads of the plugin's own markup, and putting the markup back after.

Material's search plugin (and MkDocs' own) index a page by feeding its content to Python's
``HTMLParser`` in ``on_page_context``, at about 15 microseconds a tag. A map's stage grid, glance
and KPI table are some 600 tags: 9 ms a page to index, more than the page costs the plugin, and
most of what a one-map-a-page site's build spends on maps. The index keeps only a few tags of them
(paragraphs, lists, code, headings); the rest it reads and drops.

So between ``on_page_content`` and the search plugin's ``on_page_context``, each fragment the
plugin wrote stands in the page as a reduced copy between two markers: the same headings (as
written: their ids make the table of contents and the search sections), the same text, and only
the tags that the index keeps or that nest sections. After the search plugin, ``restore`` puts
the fragments back. A search finds the same words in the same sections; the page a reader sees
is the full markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_MARK = "journeyslot-a7c1-held"

# The tags Material's index keeps (it drops every other tag and keeps the text), those that
# nest sections (a heading's depth among them says where its section ends) and those whose
# content it skips.
_KEPT = (
    "p|li|ol|ul|code|sub|sup"
    "|div|section|article|aside|header|footer|nav|details|figure"
    "|script|style|object"
)
# Every other start or end tag, dropped; then the kept ones without their attributes. A tag
# stops at "<", so that a stray "<" costs a scan to the next tag, never to the end of the page.
# (A comment stays as it is: a search plugin skips it.)
_DROPPED = re.compile(rf"<(?!/?(?:{_KEPT})[\s/>])/?[a-zA-Z][^<>]*>", re.I)
_BARE = re.compile(rf"<(/?)({_KEPT})(?=[\s/>])[^<>]*>", re.I)
# (\s\s+ rather than \s{2,}: the same runs, found in two thirds of the time.)
_SPACE = re.compile(r"\s\s+|\n")
# Written as they are: a heading (its id and permalink) and preformatted text (its spaces).
_VERBATIM = re.compile(r"<(h[1-6]|pre)\b", re.I)
# Markup a search plugin treats specially, and images, which other plugins look for in
# on_page_content (to download them, to wrap them in a lightbox): a fragment holding any is
# read as it is.
_SPECIAL = re.compile(r"data-search-|linenodiv|<img\b", re.I)
# Searched case-insensitively, a pattern that starts with a letter is tried at every character
# of the fragment: 1 ms for a map's 50 kB, half of making its copy. Its words are looked for in
# the lowercased fragment first. That finds every match, except where IGNORECASE takes a
# character that lower() does not turn into the ASCII letter: dotted and dotless I for "i",
# long s for "s" (tests/test_search_form.py checks the list against every code point).
_SPECIAL_WORDS = ("data-search-", "linenodiv", "<img")
_FOLDED_OTHERWISE = ("\u0130", "\u0131", "\u017f")


def _bare(tag: re.Match[str]) -> str:
    return f"<{tag[1]}{tag[2]}>"  # (a template string is expanded in Python: slower)


def _plain(part: str) -> str:
    return _SPACE.sub(" ", _BARE.sub(_bare, _DROPPED.sub("", part)))


def searchable(fragment: str) -> str:
    """``fragment`` as a search index reads it: its headings and preformatted blocks as they
    are, its text, and only the tags the index keeps or that nest sections."""
    pieces: list[str] = []
    unclosed: set[str] = set()  # no closing tag after some point: none after any later one
    position = 0
    for block in _VERBATIM.finditer(fragment):
        name = block.group(1).lower()
        if block.start() < position or name in unclosed:
            continue
        end = fragment.find(f"</{name}", block.end())
        stop = fragment.find(">", end) if end >= 0 else -1
        if stop < 0:
            unclosed.add(name)
            continue
        pieces += [_plain(fragment[position : block.start()]), fragment[block.start() : stop + 1]]
        position = stop + 1
    pieces.append(_plain(fragment[position:]))
    return "".join(pieces)


def search_copy(fragment: str) -> str | None:
    """The searchable copy of ``fragment``; None when it has markup a search plugin treats
    specially, or an image: then the fragment itself stands in the page."""
    if _special(fragment):
        return None
    return searchable(fragment)


def _special(fragment: str) -> bool:
    """Whether ``_SPECIAL`` matches ``fragment`` (the same answer, sooner)."""
    if not any(character in fragment for character in _FOLDED_OTHERWISE):
        lowered = fragment.lower()
        if not any(word in lowered for word in _SPECIAL_WORDS):
            return False
    return _SPECIAL.search(fragment) is not None


class HeldFragments:
    """The fragments of one page that stand in it as searchable copies until ``restore``."""

    def __init__(
        self, enabled: bool = True, copy: Callable[[str], str | None] = search_copy
    ) -> None:
        self.enabled = enabled
        #: Makes a fragment's copy (the site's memo keeps them between rebuilds).
        self.copy = copy
        self.fragments: list[str] = []

    def hold(self, fragment: str) -> str:
        """What stands in the page for ``fragment``: its searchable copy between two markers,
        or the fragment itself (holding is off, or see search_copy)."""
        copy = self.copy(fragment) if self.enabled else None
        if copy is None:
            return fragment
        number = len(self.fragments)
        self.fragments.append(fragment)
        return f"<!--{_MARK}-{number}-->{copy}<!--/{_MARK}-{number}-->"


def restore(html: str, fragments: Sequence[str]) -> tuple[str, int]:
    """``html`` with each held copy replaced by its fragment; and how many were not found
    (another plugin rewrote the page in between)."""
    if not fragments:
        return html, 0
    # Found with str.find, in page order: a regular expression tried at every "<" of a map
    # page cost 0.15 ms a page, on every page of every `mkdocs serve` rebuild.
    pieces: list[str] = []
    position = found = 0
    for number, fragment in enumerate(fragments):
        opening, closing = f"<!--{_MARK}-{number}-->", f"<!--/{_MARK}-{number}-->"
        start = html.find(opening, position)
        end = html.find(closing, start) if start >= 0 else -1
        if end < 0:
            continue
        pieces += [html[position:start], fragment]
        position = end + len(closing)
        found += 1
    pieces.append(html[position:])
    return "".join(pieces), len(fragments) - found
