"""A comparison told to people: one sentence per change, as text, Markdown or JSON.

The sentences are plain text (the site's templates escape them; the Markdown form escapes them
itself). The JSON form is a stable contract for scripts (``"format": 1``): every change with its
kind, map, stage, item, old and new values, verdict and sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs_journey.changes.diff import Change, Comparison, MapDiff
from mkdocs_journey.inert import markdown_text
from mkdocs_journey.render.numbers import format_number

REPORT_FORMAT = 1
_LONGEST_QUOTE = 100


def _quote(text: Any) -> str:
    value = "" if text is None else str(text)
    value = " ".join(value.split())
    if len(value) > _LONGEST_QUOTE:
        value = value[: _LONGEST_QUOTE - 1].rstrip() + "…"
    return f'"{value}"'


def _value(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return format_number(value, unit)
    return str(value)


def _move(change: Change, unit: str = "") -> str:
    text = f"{_value(change.old, unit)} → {_value(change.new, unit)}"
    return f"{text} ({change.verdict})" if change.verdict else text


_LANE_WORDS = {
    "touchpoint": "touchpoint",
    "pain-point": "pain point",
    "opportunity": "opportunity",
    "kpi": "KPI",
}

_SENTENCES: dict[str, Callable[[Change], str]] = {
    "map-added": lambda c: f"map added: {_quote(c.new)}",
    "map-removed": lambda c: f"map removed: {_quote(c.old)}",
    "map-moved": lambda c: (
        f"page renamed: {c.old} → {c.new}"
        if c.item == "page renamed"
        else f"moved from page {c.old} to {c.new}"
    ),
    "map-retitled": lambda c: f"title: {_quote(c.old)} → {_quote(c.new)}",
    "owner-changed": lambda c: f"owner: {_quote(c.old)} → {_quote(c.new)}",
    "reviewed-changed": lambda c: f"last reviewed: {_move(c)}",
    "review-period-changed": lambda c: f"review every: {_move(c)}",
    "stage-added": lambda c: "stage added",
    "stage-removed": lambda c: "stage removed",
    "emotion-score": lambda c: f"emotion score {_move(c)}",
    "emotion-label": lambda c: f"emotion label {_quote(c.old)} → {_quote(c.new)}",
    "touchpoint-channel": lambda c: f"touchpoint {_quote(c.text)}: channel {_move(c)}",
    "pain-point-resolved": lambda c: f"pain point resolved: {_quote(c.text)}",
    "pain-point-added": lambda c: f"new pain point: {_quote(c.text)}",
    "pain-point-severity": lambda c: f"pain point {_quote(c.text)}: severity {_move(c)}",
    "opportunity-status": lambda c: f"opportunity {_quote(c.text)}: status {_move(c)}",
    "opportunity-owner": lambda c: (
        f"opportunity {_quote(c.text)}: owner {_quote(c.old)} → {_quote(c.new)}"
    ),
    "kpi-target": lambda c: f"KPI {_quote(c.text)}: target {_move(c, c.unit)}",
    "kpi-actual": lambda c: f"KPI {_quote(c.text)}: actual {_move(c, c.unit)}",
    "kpi-status": lambda c: f"KPI {_quote(c.text)}: {_move(c)}",
}


def sentence(change: Change) -> str:
    """The change in words, without the map (and with its stage in front when it has one)."""
    describe = _SENTENCES.get(change.kind)
    if describe is not None:
        text = describe(change)
    else:
        lane = _LANE_WORDS.get(change.lane, change.lane)
        action = change.kind.rsplit("-", 1)[-1]
        if action == "added":
            text = f"{lane} added: {_quote(change.text)}"
        elif action == "removed":
            text = f"{lane} removed: {_quote(change.text)}"
        elif action == "renamed":
            text = f"{lane} reworded: {_quote(change.old)} → {_quote(change.new)}"
        elif action == "moved":
            text = f"{lane} {_quote(change.text)} moved here from {change.old}"
        else:
            text = f"{change.kind}: {_move(change)}"
    return f"{change.stage}: {text}" if change.stage else text


def symbol(change: Change) -> str:
    """One character for a terminal: + added, - removed or resolved, > moved, ~ changed."""
    if change.kind.endswith("-added"):
        return "+"
    if change.kind.endswith(("-removed", "-resolved")):
        return "-"
    if change.kind.endswith("-moved"):
        return ">"
    return "~"


def headline(comparison: Comparison) -> str:
    changes = comparison.changes
    changed = comparison.changed
    if not changes:
        return f"No changes to journey maps ({_count(len(comparison.maps), 'map')} compared)."
    return (
        f"{_count(len(changes), 'change')} in {len(changed)} of "
        f"{_count(len(comparison.maps), 'map')}."
    )


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _map_heading(map_diff: MapDiff) -> str:
    return f"{map_diff.title or map_diff.map_id} [{map_diff.map_id}]"


def all_notes(comparison: Comparison) -> list[str]:
    notes = list(comparison.notes)
    if comparison.computed_kpis_skipped:
        side = "new" if comparison.old.computed else "old"
        notes.append(
            "the actual values of KPIs computed from data (with `metric:`) are left out: the "
            f"{side} side was read from pages, which do not carry them; compare two built "
            "journeys.json files to see them move"
        )
    return notes


def as_text(comparison: Comparison) -> str:
    lines = [
        f"Journey maps: {comparison.old.label} → {comparison.new.label}",
        f"  old: {comparison.old.description or comparison.old.label}",
        f"  new: {comparison.new.description or comparison.new.label}",
        headline(comparison),
    ]
    for map_diff in comparison.changed:
        lines += ["", _map_heading(map_diff)]
        lines += [f"  {symbol(c)} {sentence(c)}" for c in map_diff.changes]
    if notes := all_notes(comparison):
        lines += ["", "Notes:"] + [f"  - {note}" for note in notes]
    return "\n".join(lines) + "\n"


def as_markdown(comparison: Comparison) -> str:
    old, new = markdown_text(comparison.old.label), markdown_text(comparison.new.label)
    lines = [f"## Journey map changes: {old} → {new}", "", markdown_text(headline(comparison))]
    for map_diff in comparison.changed:
        lines += ["", f"### {markdown_text(map_diff.title or map_diff.map_id)}", ""]
        lines += [f"- {markdown_text(sentence(c))}" for c in map_diff.changes]
    if notes := all_notes(comparison):
        lines += [""] + [f"> {markdown_text(note)}" for note in notes]
    return "\n".join(lines) + "\n"


def change_json(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "map": change.map,
        "stage": change.stage,
        "item": change.item,
        "text": change.text or None,
        "old": change.old,
        "new": change.new,
        "verdict": change.verdict,
        "unit": change.unit or None,
        "summary": sentence(change),
    }


def as_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "format": REPORT_FORMAT,
        "old": {"label": comparison.old.label, "description": comparison.old.description},
        "new": {"label": comparison.new.label, "description": comparison.new.description},
        "summary": {
            "maps_compared": len(comparison.maps),
            "maps_changed": len(comparison.changed),
            "changes": len(comparison.changes),
        },
        "maps": [
            {
                "id": m.map_id,
                "title": m.title,
                "status": m.status,
                "changes": len(m.changes),
            }
            for m in comparison.maps
        ],
        "changes": [change_json(c) for c in comparison.changes],
        "notes": all_notes(comparison),
    }
