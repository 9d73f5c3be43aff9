"""Warnings worth a line in CI that never break a build: maps past their review date, and
placeholder text that ``mkdocs-journey new`` left for the author to fill in.

Both are :class:`~mkdocs_journey.model.Problem` objects of severity ``WARNING``, positioned like
every other message; ``mkdocs-journey check --fail-on-stale`` turns the stale ones into errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from mkdocs_journey.model import Problem, Severity
from mkdocs_journey.parsing.page import MapReading
from mkdocs_journey.parsing.yaml_source import (
    Located,
    Path,
    YamlSyntaxError,
    load_yaml,
)

#: Text values starting with this word are placeholders still to be written.
PLACEHOLDER = "TODO"


def stale_maps(readings: Iterable[MapReading], today: dt.date) -> list[Problem]:
    """One warning per map whose review is overdue, at its ``reviewed`` date."""
    problems = []
    for reading in readings:
        journey_map = reading.journey_map
        if journey_map is None or not journey_map.is_stale(today):
            continue
        problems.append(
            Problem(
                f"map '{journey_map.id}' is past its review date: reviewed "
                f"{journey_map.reviewed}, to be reviewed every {journey_map.review_every}, "
                f"so due on {journey_map.review_due()}",
                reading.at(("reviewed",)),
                Severity.WARNING,
                hint="review the map, then set 'reviewed' to the day you did",
            )
        )
    return problems


def placeholders(readings: Iterable[MapReading]) -> list[Problem]:
    """One warning per text value that still starts with ``TODO``."""
    problems: list[Problem] = []
    for reading in readings:
        block = reading.block
        try:
            data, index = load_yaml(block.text, Located(reading.page, block.line, block.column))
        except YamlSyntaxError:
            continue  # already reported as an error of the map
        if block.kind == "front-matter" and isinstance(data, dict):
            data, index = data.get("journey"), index.subtree(("journey",))
        problems.extend(
            Problem(
                f"placeholder left in {_name(path)}: {text!r}",
                index.of_value(path),
                Severity.WARNING,
                hint="write the real content, or remove the line",
            )
            for path, text in _placeholder_texts(data, ())
        )
    return problems


def _placeholder_texts(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        if value.lstrip().startswith(PLACEHOLDER):
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholder_texts(item, (*path, str(key)))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _placeholder_texts(item, (*path, number))


def _name(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or "the map"
