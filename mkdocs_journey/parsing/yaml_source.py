"""Safe YAML loading that remembers where every key and value was written.

PyYAML's composed node tree keeps start marks; we keep them in a flat index keyed by the path of
the value (``("stages", 2, "emotion", "score")``) so validation errors can name a line and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from mkdocs_journey.model import SourcePosition
from mkdocs_journey.parsing.yaml_limits import TextMark, YamlLimitError, compose, compose_fast

Path = tuple[str | int, ...]
#: A 1-based line and column of the page.
LineColumn = tuple[int, int]


class YamlSyntaxError(Exception):
    def __init__(self, message: str, position: SourcePosition) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Located:
    """A YAML text placed in a page: its first line and the column its lines start at."""

    page: str
    line: int = 1
    column: int = 1

    def at(self, mark: TextMark | None) -> SourcePosition:
        return SourcePosition(self.page, *self.line_column(mark))

    def line_column(self, mark: TextMark | None) -> LineColumn:
        if mark is None:  # PyYAML gives every node and event a mark; this is for the types
            return (self.line, self.column)
        return (self.line + mark.line, self.column + mark.column)


@dataclass
class PositionIndex:
    """Positions of values (and of mapping keys) by path, all on the page of ``origin``.

    Kept as (line, column) pairs: a map has hundreds of positions, and plain pairs of numbers
    are left alone by the garbage collector, which walked every SourcePosition on every full
    collection of a build."""

    origin: SourcePosition
    values: dict[Path, LineColumn] = field(default_factory=dict)
    keys: dict[Path, LineColumn] = field(default_factory=dict)

    def of_value(self, path: Path) -> SourcePosition:
        """The position of the value at ``path``, or of its nearest known ancestor."""
        for cut in range(len(path), -1, -1):
            found = self.values.get(tuple(path[:cut]))
            if found is not None:
                return SourcePosition(self.origin.page, *found)
        return self.origin

    def of_key(self, path: Path) -> SourcePosition:
        found = self.keys.get(tuple(path))
        return (
            SourcePosition(self.origin.page, *found) if found is not None else self.of_value(path)
        )

    def subtree(self, prefix: Path) -> PositionIndex:
        size = len(prefix)
        return PositionIndex(
            origin=self.of_value(prefix),
            values={p[size:]: v for p, v in self.values.items() if p[:size] == prefix},
            keys={
                p[size:]: v for p, v in self.keys.items() if p[:size] == prefix and len(p) > size
            },
        )


def load_yaml(text: str, where: Located, *, libyaml: bool = True) -> tuple[Any, PositionIndex]:
    """Load ``text`` with PyYAML's safe loader, returning the data and a position index.

    Nesting depth and alias expansion are limited (:mod:`.yaml_limits`); breaking a limit is a
    :class:`YamlSyntaxError` like any other. ``libyaml`` composes with libyaml's C parser where
    it is installed (ten times faster); ``False`` forces the pure-Python one."""
    loader = yaml.SafeLoader("")  # constructs Python values from the composed nodes
    node: yaml.Node | None = None
    try:
        node = _compose(text, libyaml=libyaml)
        data = loader.construct_document(node) if node is not None else None
    except YamlLimitError as error:
        raise YamlSyntaxError(error.message, where.at(error.mark)) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = where.at(mark) if mark else SourcePosition(where.page, where.line, where.column)
        problem = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        raise YamlSyntaxError(f"invalid YAML: {problem}{context}", position) from error
    except yaml.YAMLError as error:
        origin = SourcePosition(where.page, where.line, where.column)
        raise YamlSyntaxError(f"invalid YAML: {error}", origin) from error
    except ValueError as error:
        # PyYAML builds dates itself; an impossible one (2026-02-30) fails without a position.
        bad = _first_bad_timestamp(node, loader) if node is not None else None
        position = where.at(bad.start_mark) if bad else SourcePosition(where.page, where.line)
        value = f" '{bad.value}'" if bad else ""
        raise YamlSyntaxError(f"invalid date{value}: {error}", position) from error
    finally:
        loader.dispose()
    index = PositionIndex(origin=SourcePosition(where.page, where.line, where.column))
    if node is not None:
        _index_node(node, (), index, where)
    return data, index


def _compose(text: str, *, libyaml: bool) -> yaml.Node | None:
    if not libyaml:
        return compose(text)
    try:
        return compose_fast(text)
    except yaml.YAMLError:
        # libyaml words its syntax errors its own way; the pure-Python parser's message (the
        # one documented and tested) is worth a second parse of a text that is broken anyway.
        return compose(text)


def _first_bad_timestamp(node: yaml.Node, loader: yaml.SafeLoader) -> yaml.ScalarNode | None:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                loader.construct_yaml_timestamp(node)
            except ValueError:
                return node
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    for child in children:
        found = _first_bad_timestamp(child, loader)
        if found is not None:
            return found
    return None


def _index_node(node: yaml.Node, path: Path, index: PositionIndex, where: Located) -> None:
    index.values[path] = where.line_column(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            key_path = (*path, key)
            index.keys[key_path] = where.line_column(key_node.start_mark)
            _index_node(value_node, key_path, index, where)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            _index_node(item, (*path, number), index, where)


def plain_json(value: Any) -> Any:
    """YAML data as JSON types: dates become ISO strings, keys become strings."""
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_json(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
