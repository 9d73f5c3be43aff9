"""Read every map of one page: find blocks, load YAML with positions, validate, build models."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from mkdocs_journey.model import JourneyMap, Problem, SourcePosition
from mkdocs_journey.parsing.blocks import MapBlock, find_map_blocks, looks_like_map_key
from mkdocs_journey.parsing.build import ChannelRef, build_map
from mkdocs_journey.parsing.schema import schema_problems
from mkdocs_journey.parsing.yaml_source import (
    Located,
    Path,
    PositionIndex,
    YamlSyntaxError,
    load_yaml,
    plain_json,
)


@dataclass(frozen=True)
class MapReading:
    """One map block of a page as read: its model when it could be built, and its problems."""

    page: str
    block: MapBlock
    journey_map: JourneyMap | None
    problems: tuple[Problem, ...] = ()
    persona_ref: str | None = None
    label: str = ""  # how to name the block to a reader when it has no usable id
    # Where each key and value of the map was written, for checks made after reading.
    positions: PositionIndex | None = field(default=None, compare=False, repr=False)
    #: Channels its KPIs' metrics name, checked once the site's channels are known.
    channel_refs: tuple[ChannelRef, ...] = ()

    @property
    def position(self) -> SourcePosition:
        return SourcePosition(self.page, self.block.line, self.block.column)

    def at(self, path: Path) -> SourcePosition:
        """Where the value at ``path`` (e.g. ``("data",)``) was written in the page."""
        return self.positions.of_value(path) if self.positions else self.position


def read_page(
    page: str,
    source: str,
    stages: tuple[str, ...],
    markdown: str | None = None,
    *,
    libyaml: bool = True,
) -> list[MapReading]:
    """Every map block of a page, in page order. Never raises for bad author input.

    The front matter holds a map only when its YAML has a top-level ``journey`` key; when its
    YAML cannot be read, only when a line starts with ``journey:`` (then the error is reported).
    """
    readings: list[MapReading] = []
    skipped = 0  # the front matter, when it turns out not to be a map
    for block in find_map_blocks(source, markdown):
        if skipped:
            block = dataclasses.replace(block, index=block.index - skipped)
        reading = read_block(page, block, stages, libyaml=libyaml)
        if reading is None:
            skipped += 1
        else:
            readings.append(reading)
    return readings


def read_block(
    page: str, block: MapBlock, stages: tuple[str, ...], *, libyaml: bool = True
) -> MapReading | None:
    """The map of one block; None for front matter without a top-level ``journey`` key.

    ``libyaml=False`` reads the YAML with the pure-Python parser (the tests compare the two)."""
    label = (
        "front matter map" if block.kind == "front-matter" else f"journey block {block.index + 1}"
    )
    where = Located(page, block.line, block.column)
    if block.kind == "misplaced":
        problem = Problem(
            "this journey block is not read: a fence on the line of a list item's marker stays a "
            "code block; put the fence on a line of its own, indented under the item",
            SourcePosition(page, block.line, block.column),
        )
        return MapReading(page, block, None, (problem,), label=label)
    try:
        data, index = load_yaml(block.text, where, libyaml=libyaml)
    except YamlSyntaxError as error:
        if block.kind == "front-matter" and not looks_like_map_key(block.text):
            return None  # the page's own front matter, MkDocs' to read
        return MapReading(page, block, None, (Problem(error.message, error.position),), label=label)
    if block.kind == "front-matter":
        if not isinstance(data, dict) or "journey" not in data:
            return None
        data, index = data["journey"], index.subtree(("journey",))
    problems: list[Problem] = []
    if not block.closed:
        problems.append(Problem("journey block is not closed: add a closing fence", index.origin))
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        label = f"map '{data['id']}'"
    problems.extend(schema_problems(plain_json(data), index))
    if problems:
        return MapReading(page, block, None, tuple(problems), label=label)
    built = build_map(data, index, stages)
    return MapReading(
        page,
        block,
        built.journey_map,
        tuple(built.problems),
        built.persona_ref,
        label,
        index,
        built.channel_refs,
    )
