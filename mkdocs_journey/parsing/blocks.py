"""Find the journey maps written in a Markdown page.

A map lives either under a ``journey:`` key of the page's YAML front matter or in a fenced code
block whose info string is ``journey``. Fences are found by us, before Python-Markdown runs, so
they work inside admonitions and content tabs and whether or not the site enables
``pymdownx.superfences``; fences of other languages (e.g. a four-backtick ``markdown`` example that
shows a journey block) are skipped whole.
"""

from __future__ import annotations

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
    kind: str  # "front-matter" or "fence"
    index: int  # 0-based order of the block on the page
    closed: bool = True


@dataclass(frozen=True)
class _Fence:
    start: int  # 0-based line index of the opening fence within the scanned text
    end: int  # 0-based line index of the closing fence (or last line when unclosed)
    indent: str
    body: str
    closed: bool


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


def _scan_fences(markdown: str) -> list[_Fence]:
    lines = markdown.split("\n")
    fences: list[_Fence] = []
    number = 0
    while number < len(lines):
        opening = _FENCE_OPEN.match(lines[number])
        if not opening:
            number += 1
            continue
        marker, indent = opening.group("fence"), opening.group("indent")
        language = opening.group("info").lstrip("{.").split(" ")[0].split("}")[0]
        if marker[0] == "`" and "`" in opening.group("info"):
            number += 1  # an inline code span, not a fence
            continue
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = number + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        closed = end < len(lines)
        if language == FENCE_LANGUAGE:
            body = "\n".join(_dedent(line, indent) for line in lines[number + 1 : end])
            fences.append(_Fence(number, min(end, len(lines) - 1), indent, body, closed))
        number = end + 1
    return fences


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
    for fence in _scan_fences(markdown):
        blocks.append(
            MapBlock(
                text=fence.body,
                line=offset + fence.start + 2,
                column=len(fence.indent.expandtabs(4)) + 1,
                kind="fence",
                index=len(blocks),
                closed=fence.closed,
            )
        )
    return blocks


def replace_fences(markdown: str, placeholder: Callable[[int], str]) -> str:
    """Replace each journey fence with a paragraph holding ``placeholder(n)``.

    ``n`` counts the journey fences of the page from 0. Blank lines around the placeholder keep it
    a paragraph of its own, at the fence's indentation so it stays inside admonitions and tabs.
    """
    lines = markdown.split("\n")
    for number, fence in reversed(list(enumerate(_scan_fences(markdown)))):
        lines[fence.start : fence.end + 1] = ["", f"{fence.indent}{placeholder(number)}", ""]
    return "\n".join(lines)
