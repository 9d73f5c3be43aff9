"""Finding the parts of a rendered page that the map layout moves or fills.

Pure functions over the HTML that Markdown made of an author's page, free of MkDocs:

- placeholders an author writes on their own line to place a map or its data section,
  ``<!-- journey:map -->`` and ``<!-- journey:data -->`` (optionally with a map id);
- the author's summary, a ``summary`` admonition (``!!! summary``, or ``??? summary`` with
  pymdownx.details), which the map shows in its "at a glance" block;
- the page's headings, so a host can list the map's sections in its table of contents.

Markdown escapes ``<`` inside code, so a placeholder or an admonition shown as an example in a
code block never matches.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(
    r"(?:<p>\s*)?<!--\s*journey:(?P<part>map|data)(?:\s+(?P<id>[^\s>]+))?\s*-->(?:\s*</p>)?"
)
_SUMMARY_OPEN = re.compile(
    r'<(?P<tag>div|details)\b[^>]*?\bclass="(?:admonition\s+)?summary(?:\s[^"]*)?"[^>]*>'
)
_HEADING = re.compile(
    r"<h(?P<level>[1-6])\b(?P<attributes>[^>]*)>(?P<inner>.*?)</h(?P=level)>", re.S
)
_TAG = re.compile(r"<[^>]*>")
_PERMALINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.S)
_ATTRIBUTE = re.compile(r'\b(?P<name>id|data-toc-label)="(?P<value>[^"]*)"')


@dataclass(frozen=True)
class Placeholder:
    part: str  # "map" or "data"
    map_id: str | None  # None: the page's first map
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A piece of HTML: where it starts and ends in the page, and its text."""

    start: int
    end: int
    html: str


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    #: Set on headings a journey template rendered, unescaped: their data-toc-label, or their
    #: text when their id is one of ours (``journey-...``); None on the author's headings.
    label: str | None


def placeholders(page_html: str) -> list[Placeholder]:
    return [
        Placeholder(match.group("part"), match.group("id"), match.start(), match.end())
        for match in PLACEHOLDER.finditer(page_html)
    ]


def summaries(page_html: str) -> list[Block]:
    """Every top-level summary admonition of the page, whole (title and body)."""
    found: list[Block] = []
    position = 0
    while match := _SUMMARY_OPEN.search(page_html, position):
        end = _closing(page_html, match.group("tag"), match.end())
        if end is None:  # unbalanced markup: leave it where the author put it
            break
        found.append(Block(match.start(), end, page_html[match.start() : end]))
        position = end
    return found


def _closing(text: str, tag: str, position: int) -> int | None:
    """The end of the element whose opening tag ends at ``position``."""
    tokens = re.compile(rf"<(/?){tag}\b[^>]*>")
    depth = 1
    for token in tokens.finditer(text, position):
        depth += -1 if token.group(1) else 1
        if depth == 0:
            return token.end()
    return None


def headings(page_html: str) -> list[Heading]:
    """The page's headings that have an id, in document order."""
    found = []
    for match in _HEADING.finditer(page_html):
        attributes = {
            a.group("name"): a.group("value")
            for a in _ATTRIBUTE.finditer(match.group("attributes"))
        }
        if "id" in attributes:
            label = attributes.get("data-toc-label")
            if label is None and attributes["id"].startswith("journey-"):
                inner = _PERMALINK.sub("", match.group("inner"))
                label = " ".join(_TAG.sub("", inner).split())
            found.append(
                Heading(
                    int(match.group("level")),
                    html.unescape(attributes["id"]),
                    html.unescape(label) if label is not None else None,
                )
            )
    return found
