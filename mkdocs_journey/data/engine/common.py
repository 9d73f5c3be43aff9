"""What every step of the engine shares: its results' shapes, constants, SQL quoting, the
connection, and the layout of a touch's 128-bit sort key."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mkdocs_journey.data.paths import PathAggregates, PathTableRows

if TYPE_CHECKING:
    import duckdb

#: How many touchpoints (or channels) path insights compare, the most visited first.
INSIGHT_KEYS = 15
#: DuckDB's buffer budget. Peak RSS of a 10M-event analysis is this plus about 60 MiB (what
#: DuckDB allocates outside its buffers, and Python). 1250 MB keeps it at about 1.37 GB, under
#: the 1.5 GB the engine promises, for a few percent more time than 1536 MB (which peaked at
#: 1.59 GB): measured in bench/data.py's scale case, docs/data-engine.md.
MEMORY_LIMIT = "1250MB"
#: A file smaller than this (bytes on disk) is analysed on one of DuckDB's threads. Its queries
#: take milliseconds, and splitting each among threads cost more CPU than it saved: the
#: example site's data step (four files of 1 to 3 MB) took about 7% less CPU, and less wall
#: time, on one thread on 2 cores; a 300,000-row file (20 MB CSV, 5 MB Parquet) was about even,
#: and at a million rows two threads were faster (bench/data.py, docs/data-engine.md).
ONE_THREAD_BELOW = 4 * 2**20
#: Up to this many touchpoints (or channels), one pass finds every first visit (see key_totals),
#: and leads are counted per key by testing each lead's list (see leads_per_key).
PIVOT_KEYS = 64
#: How many touchpoint values not on the map, and source/medium pairs in channel Unassigned, an
#: analysis lists: the most frequent (a file with page paths as touchpoints has thousands).
LISTED = 50


class DataError(Exception):
    """A data file that cannot be analysed at all (missing, unreadable, missing columns)."""


@dataclass(frozen=True)
class MapShape:
    """What the engine needs to know about a journey map: its stages and touchpoint ids."""

    stages: tuple[str, ...]
    touchpoint_stages: Mapping[str, str]  # touchpoint id -> stage name
    #: touchpoints of other maps that share the source: not rejected, but without a stage here
    other_touchpoints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    reason: str
    count: int
    examples: tuple[tuple[int, str | None], ...]  # (row, offending value)


@dataclass(frozen=True)
class FunnelCounts:
    stage: str
    leads: int
    next_stage: str | None
    reached_next: int  # leads who reached the next stage at or after first reaching this one
    median_seconds_to_next: float | None


@dataclass(frozen=True)
class TimeWindow:
    """Only the events from ``since`` to ``until`` (whole days, both included, in the source's
    time zone); None on either side: open."""

    since: dt.date | None = None
    until: dt.date | None = None

    def __bool__(self) -> bool:
        return self.since is not None or self.until is not None


@dataclass(frozen=True)
class Measures:
    """Counts beyond the funnel and the paths, for KPI metrics and moments of truth.

    ``reach``: per touchpoint, the leads who touched it before their first conversion (any
    time, for leads who never converted) and how many of them converted; ``stage_reach``: the
    same per stage. ``events``: rows per value of the ``event`` field (trimmed, lower case),
    the most frequent first."""

    first_event_us: int | None = None  # the earliest and latest used event, microseconds (UTC)
    last_event_us: int | None = None
    has_event_field: bool = False  # the file has an ``event`` column
    events: tuple[tuple[str, int], ...] = ()
    events_listed_all: bool = True  # False: only the most frequent events are listed
    reach: tuple[tuple[str, int, int], ...] = ()  # touchpoint, leads, converters
    stage_reach: tuple[tuple[str, int, int], ...] = ()  # stage, leads, converters


@dataclass(frozen=True)
class EngineOutput:
    """Everything the analytics need, as small plain tables."""

    rows_read: int
    rows_used: int
    leads: int
    paths: int
    conversions: int
    revenue: float
    converters: int
    columns: Mapping[str, str]  # event field -> file column used
    rejected: tuple[Rejected, ...]
    channel_paths: PathAggregates
    touchpoint_paths: PathAggregates | None
    #: touchpoint steps from a converting touch to the lead's next touch (not in any path)
    conversion_steps: Mapping[tuple[str, str], int]
    #: the channel path table row by row, for the intervals (None: not asked for, or more
    #: rows than the settings' max_rows)
    channel_rows: PathTableRows | None
    channel_table_size: int  # rows of the channel path table (distinct paths and outcomes)
    funnel: tuple[FunnelCounts, ...]
    stage_channels: tuple[tuple[str, str, int], ...]  # stage, entry channel, leads
    channel_totals: tuple[tuple[str, int, int], ...]  # channel, touches, leads
    touchpoint_totals: tuple[tuple[str, int, int], ...]  # touchpoint, touches, leads
    unknown_touchpoints: tuple[tuple[str, int], ...]  # not on the map, rows (LISTED most)
    #: before, target (None: the first conversion), target leads, leads before
    insights: tuple[tuple[str, str | None, int, int], ...]
    unassigned: tuple[tuple[str, str, int], ...]  # source, medium, rows (LISTED most)
    insight_subject: str = "touchpoint"  # or "channel"
    measures: Measures = field(default_factory=Measures)


LOCK = threading.Lock()


#: Decimal places each term of an exact sum keeps. Terms are at most MAX_REVENUE (1e15): 38
#: digits leave room for 1e11 such terms, and the rounding of 10 million terms moves a total by
#: at most 5e-6, below the last decimal journeys.json writes.
EXACT_DECIMALS = 12


def exact_sum(expression: str, where: str = "") -> str:
    """SQL for the sum of a DOUBLE ``expression`` that the same rows always give to the bit.

    DuckDB adds a DOUBLE sum in whatever order its threads hand the rows over, and floating-point
    addition is not associative: two runs over the same 10 million events gave revenues differing
    in the sixth decimal. Each term is rounded to :data:`EXACT_DECIMALS` places and added as a
    DECIMAL (integer arithmetic, which any order adds alike), then turned back into a DOUBLE.
    ``where`` is the aggregate's FILTER condition, if any.
    """
    condition = f" FILTER (WHERE {where})" if where else ""
    return f"CAST(sum(CAST({expression} AS DECIMAL(38, {EXACT_DECIMALS}))){condition} AS DOUBLE)"


def temp_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: Mapping[str, str],
    rows: Sequence[Sequence[object]],
) -> None:
    """Create temp table ``name`` (``columns``: name -> SQL type) holding ``rows``, in one
    statement: DuckDB's executemany runs one INSERT per row (819 rows of GA4's source list
    took 150 ms, more than the rest of a small file's analysis)."""
    selects = ", ".join(
        f"unnest(?::{kind}[]) AS {sql_name(column)}" for column, kind in columns.items()
    )
    lists = [[row[i] for row in rows] for i in range(len(columns))]
    con.execute(f"CREATE TEMP TABLE {sql_name(name)} AS SELECT {selects}", lists)


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_name(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


#: What Python's ``str.strip()`` removes: tabs, line breaks, no-break and other Unicode spaces.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def sql_trim(text: str) -> str:
    """SQL: ``text`` without surrounding whitespace, as ``str.strip()`` (DuckDB's ``trim()``
    removes spaces only, so ``referral<TAB>`` would stay a different medium). Trimming with a
    set of characters is slow, so it runs only on values that start or end with something other
    than a visible ASCII character."""
    return (
        f"CASE WHEN ord({text}) NOT BETWEEN 33 AND 126 OR ord({text}[-1]) NOT BETWEEN 33 AND 126 "
        f"THEN trim({text}, {sql_text(WHITESPACE)}) ELSE {text} END"
    )


@contextmanager
def connection(*, one_thread: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    # Spill files go to a private folder of this connection's own, removed when it closes: a
    # fixed shared folder would belong to whichever user created it first (others could not
    # spill there), and would keep what a killed build left behind.
    spill = tempfile.TemporaryDirectory(prefix="mkdocs-journey-", ignore_cleanup_errors=True)
    import duckdb  # here, not above: see the package's docstring

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = {sql_text(MEMORY_LIMIT)}")
        con.execute(f"SET temp_directory = {sql_text(spill.name)}")
        con.execute("SET preserve_insertion_order = true")
        # DuckDB draws a progress bar on standard output for long queries, even when it is a
        # pipe: that would corrupt `mkdocs-journey analyze --format json`.
        con.execute("SET enable_progress_bar = false")
        if one_thread:
            con.execute("SET threads = 1")
        yield con
    finally:
        con.close()
        spill.cleanup()


def leads_per_key(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    touches: str,
    keys: Sequence[tuple[str, Sequence[int]]],
    flag: str | None = None,
) -> list[dict[int, tuple[int, int]]]:
    """How many rows of ``relation`` (one a lead) have each key among their ``touches`` (a list
    of sort keys), and how many of those rows have ``flag`` (0 without one). ``keys``: for each
    kind of key, its SQL over a touch ``x`` (see :func:`key_part`) and the ids to count; one
    dict per kind, id -> (leads, flagged), without the ids no lead has.

    With at most :data:`PIVOT_KEYS` ids in all, one pass tests each lead's lists for each id
    (0.4 s of CPU for channels, 0.65 s for reach at 10M rows); with more, one pass unnests each
    lead's distinct keys, each id written as ``id * kinds + kind``, and groups them (0.7 s and
    1.6 s)."""
    flagged = flag is not None
    kinds = len(keys)
    found: list[dict[int, tuple[int, int]]] = [{} for _ in keys]
    wanted = [{int(key) for key in ids} for _, ids in keys]
    flag_column = [f"{flag} AS flag"] if flagged else []
    if not any(wanted):
        return found
    if sum(len(ids) for ids in wanted) <= PIVOT_KEYS:
        lists = [
            f"list_transform({touches}, lambda x: {part}) AS l{kind}"
            for kind, (part, _) in enumerate(keys)
            if wanted[kind]
        ]
        tests = [(kind, key) for kind, ids in enumerate(wanted) for key in sorted(ids)]
        conditions = ("", "flag AND ") if flagged else ("",)
        counts = ", ".join(
            f"count(*) FILTER (WHERE {condition}list_contains(l{kind}, {key}))"
            for kind, key in tests
            for condition in conditions
        )
        # Our own SQL: the parts come from key_part, the ids are integers.
        columns = ", ".join(flag_column + lists)
        query = f"SELECT {counts} FROM (SELECT {columns} FROM {relation})"  # noqa: S608
        values = con.execute(query).fetchone() or ()
        for number, (kind, key) in enumerate(tests):
            counted = values[len(conditions) * number : len(conditions) * (number + 1)]
            if counted[0]:
                found[kind][key] = (int(counted[0]), int(counted[-1]) if flagged else 0)
        return found
    tagged = [
        part if kinds == 1 else f"({part}) * {kinds} + {kind}"
        for kind, (part, _) in enumerate(keys)
    ]
    listed = f"list_transform({touches}, lambda x: {tagged[0]})"
    if kinds > 1:
        listed = f"flatten(list_transform({touches}, lambda x: [{', '.join(tagged)}]))"
    distinct = f"list_distinct({listed})"
    query = f"""SELECT key, count(*), {"count(*) FILTER (WHERE flag)" if flagged else "0"}
                FROM (SELECT {", ".join([*flag_column, f"unnest({distinct}) AS key"])}
                      FROM {relation})
                GROUP BY key"""  # noqa: S608
    for tagged_key, leads, with_flag in con.execute(query).fetchall():
        key, kind = divmod(int(tagged_key), kinds)
        if key in wanted[kind]:
            found[kind][key] = (int(leads), int(with_flag))
    return found


#: A touch's code in a path: channel id * CODE + touchpoint id.
CODE = 65536


#: Bits of a touch's 128-bit sort key, high to low: time (64, offset to stay positive), file
#: row (31), conversion (1), stage id (8), channel id (8), touchpoint id (16).
TS_OFFSET = 1 << 62
LINE_LIMIT = (1 << 31) - 1


def key_part(x: str, part: str) -> str:
    """SQL for one field of a touch's sort key ``x`` (see :func:`split_paths`)."""
    return {
        "ts": f"(CAST({x} >> 64 AS BIGINT) - {TS_OFFSET})",
        "line": f"CAST(({x} >> 33) & {LINE_LIMIT} AS BIGINT)",
        "conv": f"(({x} >> 32) & 1 = 1)",
        "sid": f"CAST(({x} >> 24) & 255 AS INTEGER)",
        "cid": f"CAST(({x} >> 16) & 255 AS INTEGER)",
        "tid": f"CAST({x} & 65535 AS INTEGER)",
        "code": f"CAST({x} & 16777215 AS INTEGER)",  # cid * CODE + tid
    }[part]
