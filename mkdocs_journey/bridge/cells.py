"""The syntax of one spreadsheet cell: one item per line, details after it.

A lane cell (touchpoints, pain points, opportunities, KPIs) holds one item per line::

    Setup wizard and data import [channel: Direct] #saas-setup-wizard
    Import fails on real exports [severity: 5; touchpoint: saas-setup-wizard] #saas-pp-import
    - Importer only accepts the template's column names
    Trial-to-paid conversion [target: 20; actual: 14; unit: %]

- the item's text comes first;
- ``[key: value; key: value]`` at the end of the line sets its attributes (values with ``;``,
  brackets or quotes are written in double quotes, as in JSON);
- ``#id`` at the very end gives its id (touchpoints and pain points);
- a line that starts with ``- `` under an item is a detail of it (a pain point's causes).

An item whose own text ends in something that reads like attributes or an id is written with an
empty ``[]`` after it, so that it reads back the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mkdocs_journey.suggest import did_you_mean

IDENTIFIER = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}"
_ID_AT_END = re.compile(rf"\s#(?P<id>{IDENTIFIER})\s*$")
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_ATTRIBUTES_AT_END = re.compile(rf"\[(?P<body>(?:[^\[\]\"]|{_QUOTED})*)\]\s*$")
_PAIR = re.compile(rf"\s*(?P<key>[A-Za-z][A-Za-z _]*?)\s*:\s*(?P<value>{_QUOTED}|[^;]*?)\s*(?:;|$)")
_DETAIL = re.compile(r"^\s*[-•*]\s+")


@dataclass(frozen=True)
class ItemLine:
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    id: str | None = None
    details: tuple[str, ...] = ()
    line: int = 1  # within the cell, 1-based


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str


def lines_of(cell: str) -> list[str]:
    """The non-empty lines of a cell, trimmed."""
    return [line.strip() for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def parse_items(
    cell: str,
    *,
    keys: Sequence[str] = (),
    with_id: bool = False,
    with_details: bool = False,
) -> tuple[list[ItemLine], list[LineProblem]]:
    """Every item of a lane cell; problems name the line of the cell they are on."""
    items: list[ItemLine] = []
    problems: list[LineProblem] = []
    for number, raw in enumerate(lines_of(cell), start=1):
        if not raw:
            continue
        if _DETAIL.match(raw):
            detail = _DETAIL.sub("", raw, count=1).strip()
            if not with_details:
                problems.append(LineProblem(number, "a '- ' detail line, but this lane has none"))
            elif not items:
                problems.append(LineProblem(number, "a '- ' detail line before any item"))
            elif detail:
                last = items[-1]
                items[-1] = ItemLine(
                    last.text, last.attributes, last.id, (*last.details, detail), last.line
                )
            continue
        item, problem = parse_line(raw, keys=keys, with_id=with_id)
        if problem is not None:
            problems.append(LineProblem(number, problem))
        if item is not None:
            items.append(ItemLine(item.text, item.attributes, item.id, (), number))
    return items, problems


def parse_line(
    raw: str, *, keys: Sequence[str] = (), with_id: bool = False
) -> tuple[ItemLine | None, str | None]:
    """One item line; the problem, when there is one, as a sentence."""
    text = raw.strip()
    item_id = None
    if with_id:
        found = _ID_AT_END.search(" " + text)
        if found:
            item_id = found.group("id")
            text = (" " + text)[: found.start()].strip()
    attributes: dict[str, str] = {}
    block = _ATTRIBUTES_AT_END.search(text)
    if block:
        pairs, problem = _attributes(block.group("body"), keys)
        if pairs is not None:
            attributes = pairs
            text = text[: block.start()].rstrip()
        elif problem is not None:
            return None, problem
    if not text:
        return None, "an item without text before its [attributes]"
    return ItemLine(text, attributes, item_id), None


def _attributes(body: str, keys: Sequence[str]) -> tuple[dict[str, str] | None, str | None]:
    """The ``key: value`` pairs of a bracket, or (None, None) when it is just text in brackets."""
    if not body.strip():
        return {}, None
    pairs: dict[str, str] = {}
    at = 0
    while at < len(body):
        match = _PAIR.match(body, at)
        if match is None or match.end() == at:
            first = body.split(":", 1)[0].split(";", 1)[0].strip().lower()
            if first in keys or did_you_mean(first, keys):
                return None, (
                    f"cannot read [{body}]: write each attribute as 'key: value', "
                    "separated by ';'"
                )
            return None, None  # text that happens to end in brackets
        key = " ".join(match.group("key").lower().split())
        value = match.group("value")
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                return None, f"cannot read the quoted value of '{key}': {value}"
        if key not in keys:
            if not pairs and not did_you_mean(key, keys) and at == 0 and ";" not in body:
                return None, None  # "[note: see appendix]" is text, unless it looks like ours
            hint = did_you_mean(key, keys)
            return None, (
                f"unknown attribute '{key}'"
                + (f" ({hint})" if hint else f"; this lane takes {', '.join(keys)}")
            )
        if key in pairs:
            return None, f"attribute '{key}' is given twice"
        pairs[key] = value.strip()
        at = match.end()
    return pairs, None


def format_item(
    text: str,
    attributes: Iterable[tuple[str, object]] = (),
    item_id: str | None = None,
    details: Iterable[str] = (),
    *,
    with_id: bool = False,
) -> str:
    """One item as a cell line (plus its detail lines); reads back to the same item."""
    parts = [(key, _value(value)) for key, value in attributes if value not in (None, "")]
    line = " ".join(text.split())
    if parts:
        line += " [" + "; ".join(f"{key}: {value}" for key, value in parts) + "]"
    elif _reads_as_more(line, with_id):
        line += " []"
    if item_id:
        line += f" #{item_id}"
    return "\n".join([line, *(f"- {' '.join(d.split())}" for d in details)])


def _reads_as_more(text: str, with_id: bool) -> bool:
    """Whether plain ``text`` would be read back with attributes or an id taken from it."""
    return bool(_ATTRIBUTES_AT_END.search(text)) or (
        with_id and bool(_ID_AT_END.search(" " + text))
    )


def _value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text or text != text.strip() or any(c in text for c in ';[]"') or "\n" in text:
        return json.dumps(text, ensure_ascii=False)
    return text


def format_lines(values: Iterable[str]) -> str:
    return "\n".join(" ".join(v.split()) for v in values)
