"""Limits on what a YAML text may cost to load: nesting depth and alias expansion.

PyYAML builds an alias as a second reference to the anchored value, which is cheap; everything
after it (positions, JSON Schema validation, the model) walks the data as a tree, where every
alias is a full copy. Nine anchors of nine aliases each are 420 bytes and nine to the ninth nodes:
gigabytes and minutes. Deep nesting fails differently: the pure-Python composer recurses once per
level and ends in ``RecursionError`` (the C composer recurses in C, where there is no such guard).

So the YAML is refused, with a message at the first alias or at the level that goes too deep,
when it is nested more than :data:`MAX_DEPTH` levels, uses more than :data:`MAX_ALIASES` aliases,
aliases a value from inside itself, or would expand to more than :data:`MAX_EXPANSION` times the
nodes written.

The limits are checked on the parser's event stream, which both PyYAML composers share and which
is produced without recursion: :func:`compose` checks each event as the pure-Python composer asks
for it (one pass, and the depth check stops the composer before it recurses too deep); with
libyaml's C composer, which takes its events inside C, it runs the same check over the C parser's
events first, then composes. Both report the same message at the same position.

:func:`compose_fast` is what the site reads maps with: libyaml where it is installed, and no
event pass at all when the text itself proves the limits cannot be broken
(:func:`provably_within_limits`: no ``*`` means no alias, and the indentation bounds the depth).
That pass would cost about as much as the C compose itself; a real map passes the proof.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import yaml

#: Mappings and lists inside each other. A journey map needs fewer than 10 levels.
MAX_DEPTH = 50
#: Uses of ``*name`` in one YAML text.
MAX_ALIASES = 100
#: Nodes after expanding every alias, as a multiple of the nodes written.
MAX_EXPANSION = 50

# The loaders built on libyaml's parser (the names PyYAML exports from its C module).
_C_COMPOSER: tuple[type, ...] = (
    (yaml.CBaseLoader, yaml.CSafeLoader, yaml.CLoader) if yaml.__with_libyaml__ else ()
)


class TextMark(Protocol):
    """Where something stands in a YAML text (PyYAML's marks, from either parser)."""

    line: int  # from 0
    column: int  # from 0


#: The loader :func:`compose_fast` uses: libyaml's where PyYAML was built with it.
Loader = type[yaml.SafeLoader] | type[yaml.CSafeLoader]
FAST_LOADER: Loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
#: What libyaml reads differently from the pure-Python parser (found by the differential test in
#: tests/parsing/test_libyaml.py): a tab, a byte-order mark, a tag or an explicit key (a ``!`` or
#: ``?`` that can start a token; ``Great!`` cannot), a block scalar header with stray characters:
#: ``[\t\ufeff]|(?:^|[\s,\[\]{}:?&-])[!?]|(?:^|[\s:-])[|>](?![0-9+-]*(?: |$))``, multiline.
#: Written to start at the character that matters (what comes before it is looked behind at):
#: a pattern that can start with a line start or a space is tried at every character of the text,
#: 0.6 ms for a 10 kB page, four times as long. (tests/parsing/test_libyaml.py holds it to the
#: pattern above; ``(?<![^...])`` is "at the start, or after one of ...".)
_PURE_ONLY = re.compile(
    r"(?=[\t\ufeff!?|>])(?:[\t\ufeff]|(?<![^\s,\[\]{}:?&-])[!?]"
    r"|(?<![^\s:-])[|>](?![0-9+-]*(?: |$)))",
    re.MULTILINE,
)
#: What a line may start with before its first collection starts: indentation and indicators.
_STRUCTURE = " \t?:-"
#: Characters that make a proof from the text alone impossible: flow collections, aliases, and
#: line breaks other than ``\n`` and ``\r`` (YAML 1.1 has more; one line here could be several).
_UNPROVABLE = frozenset("*[{\x85\u2028\u2029")


class YamlLimitError(Exception):
    """The YAML breaks a limit; ``mark`` is where (the first alias, or the level too deep)."""

    def __init__(self, message: str, mark: TextMark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


@dataclass
class _Open:
    """A mapping or list being read: its anchor and its nodes so far, aliases expanded."""

    anchor: str | None
    nodes: int = 1


@dataclass
class EventBudget:
    """Follows a parser's events and raises :class:`YamlLimitError` when a limit is broken."""

    written: int = 0  # nodes as written (an alias counts once)
    expanded: int = 0  # nodes of the finished top-level values, aliases expanded
    aliases: int = 0
    first_alias: TextMark | None = None
    anchored: dict[str, int] = field(default_factory=dict)  # finished anchor -> its nodes
    levels: list[_Open] = field(default_factory=list)  # the collections being read

    def see(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionStartEvent):
            if len(self.levels) >= MAX_DEPTH:
                raise YamlLimitError(
                    f"nested more than {MAX_DEPTH} levels deep (mappings and lists inside each "
                    "other); a journey map needs fewer than 10",
                    event.start_mark,
                )
            self.written += 1
            self.levels.append(_Open(event.anchor))
        elif isinstance(event, yaml.CollectionEndEvent):
            if self.levels:
                finished = self.levels.pop()
                if finished.anchor is not None:
                    self.anchored[finished.anchor] = finished.nodes
                self._add(finished.nodes)
        elif isinstance(event, yaml.ScalarEvent):
            self.written += 1
            if event.anchor is not None:
                self.anchored[event.anchor] = 1
            self._add(1)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.DocumentEndEvent):
            self._check_expansion()

    def _alias(self, event: yaml.AliasEvent) -> None:
        self.written += 1
        self.aliases += 1
        if self.first_alias is None:
            self.first_alias = event.start_mark
        if any(level.anchor == event.anchor for level in self.levels):
            raise YamlLimitError(
                f"alias '*{event.anchor}' is inside the value of its own anchor "
                f"'&{event.anchor}', which would make that value endless",
                event.start_mark,
            )
        if self.aliases > MAX_ALIASES:
            raise YamlLimitError(
                f"more than {MAX_ALIASES} aliases ('*name'); YAML that repeats anchored values "
                "this often is refused (this is the first alias)",
                self.first_alias,
            )
        # An alias of an unknown anchor is the composer's error to report; count it as one node.
        self._add(self.anchored.get(event.anchor or "", 1))

    def _add(self, nodes: int) -> None:
        if self.levels:
            self.levels[-1].nodes += nodes
        else:
            self.expanded += nodes

    def _check_expansion(self) -> None:
        # At the end of the document, before anything walks the composed nodes as a tree.
        if self.first_alias is not None and self.expanded > MAX_EXPANSION * self.written:
            raise YamlLimitError(
                f"aliases ('*name') would expand this YAML to more than {MAX_EXPANSION} times "
                "the size it is written in; write the values out instead "
                "(this is the first alias)",
                self.first_alias,
            )


class _BudgetedLoader(yaml.SafeLoader):
    """The pure-Python safe loader, with every event checked as the composer takes it."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.budget = EventBudget()

    def get_event(self) -> yaml.Event:
        event: yaml.Event = super().get_event()  # type: ignore[no-untyped-call]
        self.budget.see(event)
        return event


def compose(text: str, loader: Loader = yaml.SafeLoader) -> yaml.Node | None:
    """The node graph of ``text`` (one document), within the limits, with ``loader``'s composer.

    ``loader`` is :class:`yaml.SafeLoader` or :class:`yaml.CSafeLoader`. Raises
    :class:`YamlLimitError` or PyYAML's own errors.
    """
    if _C_COMPOSER and issubclass(loader, _C_COMPOSER):
        budget = EventBudget()
        for event in yaml.parse(text, Loader=loader):
            budget.see(event)
        composer = loader(text)
    elif loader is yaml.SafeLoader:
        composer = _BudgetedLoader(text)
    else:
        raise TypeError(f"no event budget for {loader.__name__}")
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


def provably_within_limits(text: str) -> bool:
    """True when ``text`` can break no limit, judged from the characters alone (a cheap proof).

    Without a ``*`` there is no alias, so no alias limit can be broken. Without ``[`` and ``{``
    every collection is a block collection, and a block mapping or list nested in another starts
    at a greater column, except a list that is a mapping's value, which may start at the
    mapping's own column (PyYAML's indentless sequence); so along any chain of nested
    collections the column grows at least every second level. Every collection starts at a
    line's first character after its indentation and indicators (``-``, ``?``, ``:``), so with
    the longest such run ``width`` long, no chain is deeper than ``2 * (width + 1)``.
    """
    if not _UNPROVABLE.isdisjoint(text):
        return False
    width = max(
        (len(line) - len(line.lstrip(_STRUCTURE)) for line in text.replace("\r", "\n").split("\n")),
        default=0,
    )
    return 2 * (width + 1) <= MAX_DEPTH


def compose_fast(text: str) -> yaml.Node | None:
    """:func:`compose` with :data:`FAST_LOADER`, skipping the event pass when the text proves it
    needless (:func:`provably_within_limits`). Raises what :func:`compose` raises.

    Where the two parsers are known to disagree, the pure-Python one reads the text: libyaml
    accepts tabs where it refuses them (``a<tab>``) and reads a bare ``!`` tag as an empty text
    where it reads nothing. A map needs neither, so this costs a real map nothing.
    """
    if _PURE_ONLY.search(text):
        return compose(text)
    if FAST_LOADER is yaml.SafeLoader or not provably_within_limits(text):
        return compose(text, FAST_LOADER)
    composer = FAST_LOADER(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()
