"""Find the journey maps written in a Markdown page.

A map lives either under a ``journey:`` key of the page's YAML front matter or in a fenced code
block whose info string is ``journey``. Fences are found by us, before Python-Markdown runs, so
they work inside admonitions and content tabs and whether or not the site enables
``pymdownx.superfences``; fences of other languages (e.g. a four-backtick ``markdown`` example that
shows a journey block) are skipped whole.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

FENCE_LANGUAGE = "journey"

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
_FRONT_MATTER = re.compile(
    r"\A-{3}[ \t]*\n(?P<body>.*?\n)?(?:-{3}|\.{3})[ \t]*(?:\n|\Z)", re.DOTALL
)


@dataclass(frozen=True)
class MapBlock:
    """The YAML text of one map and where it sits in the page source."""

    text: str
    line: int  # 1-based page line of the first line of ``text``
    column: int  # 1-based column the YAML lines start at (after any indentation)
    kind: str  # "front-matter", "fence" or "misplaced" (a fence that cannot be read there)
    index: int  # 0-based order of the block on the page
    closed: bool = True


@dataclass(frozen=True)
class _Fence:
    start: int  # 0-based line index of the opening fence within the scanned text
    end: int  # 0-based line index of the closing fence (or of the last line when unclosed)
    indent: str  # what precedes the fence: blockquote markers and indentation
    body: str
    closed: bool


@dataclass(frozen=True)
class _Misplaced:
    """A journey fence opened where it cannot be read, e.g. on a list item's marker line."""

    line: int  # 0-based line index within the scanned text
    column: int  # 1-based column of the fence


def front_matter(source: str) -> tuple[str, int] | None:
    """The front matter YAML text and the page line it starts on, if the page has front matter."""
    match = _FRONT_MATTER.match(source)
    if not match:
        return None
    return match.group("body") or "", 2


def body_offset(source: str, markdown: str) -> int:
    """How many page lines precede ``markdown`` (the page body MkDocs hands to plugins)."""
    if markdown and source.endswith(markdown):
        return source[: len(source) - len(markdown)].count("\n")
    match = _FRONT_MATTER.match(source)
    return source[: match.end()].count("\n") if match else 0


# One blockquote marker ('>') with the space that may follow it.
_QUOTE = re.compile(r"[ \t]*>[ ]?")
_AFTER_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?=`{3,}|~{3,})")


def _unquote(line: str, depth: int) -> tuple[str, str] | None:
    """(the ``depth`` blockquote markers a line starts with, the rest), or None if it has fewer."""
    at = 0
    for _ in range(depth):
        marker = _QUOTE.match(line, at)
        if marker is None:
            return None
        at = marker.end()
    return line[:at], line[at:]


def _quote_depth(line: str) -> int:
    depth, at = 0, 0
    while (marker := _QUOTE.match(line, at)) is not None:
        depth, at = depth + 1, marker.end()
    return depth


def _scan_fences(markdown: str) -> tuple[list[_Fence], list[_Misplaced]]:
    """Journey fences, at any indentation and inside blockquotes (``> ```journey``), and
    journey fences opened where they cannot be read."""
    lines = markdown.split("\n")
    fences: list[_Fence] = []
    misplaced: list[_Misplaced] = []
    number = 0
    while number < len(lines):
        depth = _quote_depth(lines[number])
        quotes, rest = _unquote(lines[number], depth) or ("", lines[number])
        opening = _FENCE_OPEN.match(rest)
        if not opening:
            listed = _AFTER_LIST_MARKER.match(rest)
            if listed and _FENCE_OPEN.match(rest[listed.end() :]):
                info = _FENCE_OPEN.match(rest[listed.end() :])
                if info and _language(info.group("info")) == FENCE_LANGUAGE:
                    width = len((quotes + rest[: listed.end()]).expandtabs(4))
                    misplaced.append(_Misplaced(number, width + 1))
            number += 1
            continue
        marker, inner = opening.group("fence"), opening.group("indent")
        if marker[0] == "`" and "`" in opening.group("info"):
            number += 1  # an inline code span, not a fence
            continue
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        body: list[str] = []
        end, closed = number + 1, False
        while end < len(lines):
            parts = _unquote(lines[end], depth)
            if parts is None:  # the blockquote ended, and with it the fence
                break
            if closing.match(parts[1]):
                closed = True
                break
            body.append(_dedent(parts[1], inner))
            end += 1
        if _language(opening.group("info")) == FENCE_LANGUAGE:
            last = end if closed else max(end - 1, number)
            fences.append(_Fence(number, last, quotes + inner, "\n".join(body), closed))
        number = end + 1 if closed else end
    return fences, misplaced


def _language(info: str) -> str:
    return info.lstrip("{.").split(" ")[0].split("}")[0]


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")


def looks_like_map_key(front_matter_text: str) -> bool:
    """Whether a line of the front matter starts with ``journey:``: where YAML that cannot be
    read is worth reporting, since its author most likely meant a map."""
    return re.search(rf"^{FENCE_LANGUAGE}[ \t]*:", front_matter_text, re.MULTILINE) is not None


def find_map_blocks(source: str, markdown: str | None = None) -> list[MapBlock]:
    """Every map written in a page: the front matter one first, then the fences in page order.

    The front matter block is a candidate; see :func:`mkdocs_journey.parsing.page.read_page`.

    ``source`` is the whole page file; ``markdown`` is the body MkDocs passes to plugins (the
    source without front matter) when known.
    """
    blocks: list[MapBlock] = []
    matter = front_matter(source)
    # Only a candidate: whether ``journey`` is a top-level key is decided from the composed YAML
    # (:func:`mkdocs_journey.parsing.page.read_page`), since a quoted or block value can hold a
    # line that starts with ``journey:`` too.
    if matter is not None and FENCE_LANGUAGE in matter[0]:
        blocks.append(MapBlock(matter[0], matter[1], 1, "front-matter", 0))
    if markdown is None:
        match = _FRONT_MATTER.match(source)
        markdown = source[match.end() :] if match else source
    offset = body_offset(source, markdown)
    fences, misplaced = _scan_fences(markdown)
    found: list[tuple[int, MapBlock]] = [
        (
            fence.start,
            MapBlock(
                text=fence.body,
                line=offset + fence.start + 2,
                column=len(fence.indent.expandtabs(4)) + 1,
                kind="fence",
                index=0,
                closed=fence.closed,
            ),
        )
        for fence in fences
    ]
    found += [
        (place.line, MapBlock("", offset + place.line + 1, place.column, "misplaced", 0))
        for place in misplaced
    ]
    for _, block in sorted(found, key=lambda item: item[0]):
        blocks.append(dataclasses.replace(block, index=len(blocks)))
    return blocks


def replace_fences(markdown: str, placeholder: Callable[[int], str]) -> str:
    """Replace each journey fence with a paragraph holding ``placeholder(n)``.

    ``n`` counts the journey fences of the page from 0. Blank lines around the placeholder keep it
    a paragraph of its own, at the fence's indentation so it stays inside admonitions and tabs.
    """
    lines = markdown.split("\n")
    for number, fence in reversed(list(enumerate(_scan_fences(markdown)[0]))):
        # Blank lines (inside a blockquote: bare '>' lines) keep the placeholder a paragraph.
        blank = fence.indent.rstrip()
        lines[fence.start : fence.end + 1] = [blank, f"{fence.indent}{placeholder(number)}", blank]
    return "\n".join(lines)
