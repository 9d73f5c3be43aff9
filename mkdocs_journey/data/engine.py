# ruff: noqa: S608  -- SQL is built here on purpose; every value goes through _q() or _ident().
"""The one module that talks to the analytical engine (DuckDB).

Every query of the analytics lives here, in three steps, so that the same steps can later run on a
distributed engine:

1. **events**: read the file (CSV or Parquet) column-wise, map its columns to event fields, parse
   timestamps and revenue, and hash each raw row (for exact duplicates);
2. **clean events**: give every row its first rejection reason (see
   :mod:`mkdocs_journey.data.quality`), group channels, and keep the used rows;
3. **path table and aggregates**: put each lead's touches in time order (one list per lead),
   split them into paths, count identical paths (the path table), and compute the stage, channel
   and insight aggregates from the same ordered lists.

Everything after step 3 (attribution models, funnel shares, view models) is plain Python over
small aggregated tables.

Why DuckDB and not Polars
-------------------------
Measured on the project's 2-core machine over 10M events (a 675 MB CSV, ``bench/data.py``), with
the lists really built (``SELECT count(*)`` over a list aggregate lets DuckDB skip building them):

==============================================  ==============  ===================
query                                           DuckDB 2.0      Polars 2.1 (lazy)
==============================================  ==============  ===================
``GROUP BY source, medium``                     0.96 s          0.63 to 0.71 s
each lead's sources in time order, text lists   6.5 to 7.0 s    4.0 to 5.4 s
the same, packed 128-bit keys + ``list_sort``   3.5 s           (no equivalent)
==============================================  ==============  ===================

Polars builds lists of text faster than DuckDB's ordered aggregate, but DuckDB runs the whole
analysis inside a fixed memory budget: it aggregates out of core under ``memory_limit`` where
Polars holds everything in RAM (1.75 GB for the bare three-column query; a Polars version of the
whole analysis, tried, peaked at 2.0 GB and took 13 s), and the budget is 2 GB peak RSS at 10M
rows. DuckDB's slow part, ordered aggregates and windows over ten million rows, is avoided: each
touch becomes one 128-bit integer whose order is (time, file row) and which carries the
conversion flag and the stage, channel and touchpoint ids; an *unordered* list per lead sorted
with ``list_sort`` is every lead's journey in order, faster than either engine's bare query over
text. Other reasons: one SQL dialect for CSV and Parquet, the whole GA4 rule set as one ``CASE``
expression, and insertion order kept on load, which gives exact file row numbers from ``rowid``
without an ordered window. The figures are reproduced by ``bench/data.py``; see
``docs/data-engine.md``.

Leads are grouped by a 64-bit hash of their id (two different ids share one with a chance of
about n^2 / 2^65: 3e-8 for a million leads), which makes every per-lead aggregate several times
faster than grouping by text.

Rows are numbered as the file's lines (the header is line 1), also when a CSV has blank lines or
line breaks inside quoted fields (see :mod:`mkdocs_journey.data.lines`).
"""

from __future__ import annotations

import csv
import itertools
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from mkdocs_journey.analytics.attribution import DIRECT, START, Credit, Credits, PathRow
from mkdocs_journey.analytics.channels import (
    UNASSIGNED,
    ChannelSettings,
    channel_case_sql,
    source_categories,
)
from mkdocs_journey.data import lines, quality
from mkdocs_journey.data.sources import (
    DEFAULT_ALIASES,
    EVENT_FIELDS,
    REQUIRED_FIELDS,
    TRUE_VALUES,
    DataSource,
)
from mkdocs_journey.suggest import suggestion

#: Half-life of the time-decay model, in microseconds (7 days).
HALF_LIFE_US = 7 * 86_400 * 1_000_000
#: How many touchpoints (or channels) path insights compare, the most visited first.
INSIGHT_KEYS = 15
#: The target of path insights that means "converted".
CONVERSION = "conversion"
MEMORY_LIMIT = "1536MB"
#: Up to this many touchpoints (or channels), one pass finds every first visit (see _key_totals).
PIVOT_KEYS = 64


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
    funnel: tuple[FunnelCounts, ...]
    stage_channels: tuple[tuple[str, str, int], ...]  # stage, entry channel, leads
    channel_totals: tuple[tuple[str, int, int], ...]  # channel, touches, leads
    touchpoint_totals: tuple[tuple[str, int, int], ...]  # touchpoint, touches, leads
    unknown_touchpoints: tuple[tuple[str, int], ...]  # touchpoint not on the map, rows
    insights: tuple[tuple[str, str, int, int], ...]  # before, target, target leads, leads before
    unassigned: tuple[tuple[str, str, int], ...]  # source, medium, rows
    insight_subject: str = "touchpoint"  # or "channel"
    extra: Mapping[str, Any] = field(default_factory=dict)


_lock = threading.Lock()


def _q(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _connection() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = {_q(MEMORY_LIMIT)}")
        con.execute(
            f"SET temp_directory = {_q(str(Path(tempfile.gettempdir()) / 'mkdocs-journey'))}"
        )
        con.execute("SET preserve_insertion_order = true")
        yield con
    finally:
        con.close()


#: Where a robust read (see :func:`_load_events`) leaves the records it could not parse.
READER_ERRORS = "reader_errors"


def _reader(source: DataSource, names: Sequence[str] = (), *, robust: bool = False) -> str:
    path = _q(str(source.path))
    if source.format == "parquet":
        return f"read_parquet({path})"
    struct = "{" + ", ".join(f"{_q(name)}: 'VARCHAR'" for name in names) + "}"
    extra = "" if source.encoding == "utf-8" else f", encoding = {_q(source.encoding)}"
    if robust:
        extra += (
            ", parallel = false, store_rejects = true, rejects_scan = 'reader_scans', "
            f"rejects_table = {_q(READER_ERRORS)}"
        )
    return (
        f"read_csv({path}, header = true, auto_detect = false, columns = {struct}, "
        f"delim = {_q(source.delimiter)}, quote = '\"', escape = '\"', null_padding = true"
        f"{extra})"
    )


def _csv_header(source: DataSource) -> list[str]:
    """The header's column names, read as CSV by Python: the engine's own sniffing gives up on
    a whole file for one malformed row, and the names are all it is needed for."""
    try:
        encoding = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
        with source.path.open(encoding=encoding, errors="replace", newline="") as handle:
            header = next(csv.reader(handle, delimiter=source.delimiter), [])
    except csv.Error as error:
        raise DataError(f"{source.path}:1: cannot read the header line: {error}") from error
    if not any(name.strip() for name in header):
        raise DataError(f"{source.path}:1: no header line (expected column names, e.g. lead_id)")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DataError(f"{source.path}:1: column {name!r} appears twice in the header")
        seen.add(name)
    return header


def _describe(con: duckdb.DuckDBPyConnection, source: DataSource) -> tuple[str, dict[str, str]]:
    """The FROM clause for the file and its columns with their types."""
    if not source.path.is_file():
        raise DataError(f"{source.path}: data file not found (source {source.name!r})")
    try:
        if source.format == "parquet":
            from_clause = _reader(source)
            rows = con.sql(f"DESCRIBE SELECT * FROM {from_clause}").fetchall()
            return from_clause, {row[0]: str(row[1]) for row in rows}
        names = _csv_header(source)
    except duckdb.Error as error:
        raise DataError(f"{source.path}: cannot read the file: {error}") from error
    return _reader(source, names), dict.fromkeys(names, "VARCHAR")


def resolve_columns(source: DataSource, header: Sequence[str]) -> dict[str, str]:
    """Event field -> file column. Raises :class:`DataError` naming the file and the column."""
    by_lower = {name.strip().lower(): name for name in header}
    resolved: dict[str, str] = {}
    for event_field, column in source.columns.items():
        if column not in header:
            hint = suggestion(column, header)
            raise DataError(
                f"{source.path}:1: no column {column!r} for {event_field!r} "
                f"(columns.{event_field} of source {source.name!r}){hint}; "
                f"the header has: {', '.join(header)}"
            )
        resolved[event_field] = column
    for event_field in EVENT_FIELDS:
        if event_field in resolved:
            continue
        for alias in DEFAULT_ALIASES.get(event_field, (event_field,)):
            if alias in by_lower:
                resolved[event_field] = by_lower[alias]
                break
    missing = [f for f in REQUIRED_FIELDS if f not in resolved]
    if missing:
        raise DataError(
            f"{source.path}:1: missing column(s) for {', '.join(missing)} (source "
            f"{source.name!r}); map them under 'columns', e.g. columns: {{{missing[0]}: ...}}; "
            f"the header has: {', '.join(header)}"
        )
    return resolved


def _conversion_sql(source: DataSource, columns: Mapping[str, str], header: Sequence[str]) -> str:
    rule = source.conversion
    if rule.event is not None:
        if "event" not in columns:
            raise DataError(
                f"{source.path}:1: the conversion rule needs an 'event' column "
                f"(map it with columns.event); the header has: {', '.join(header)}"
            )
        event = _q(rule.event.strip().lower())
        return f"lower(trim(CAST({_ident(columns['event'])} AS VARCHAR))) = {event}"
    if rule.column is not None:
        column = columns.get(rule.column, rule.column)
        if column not in header:
            raise DataError(
                f"{source.path}:1: conversion column {rule.column!r} is not in the file; "
                f"the header has: {', '.join(header)}"
            )
        value = (rule.value or "").strip().lower()
        return f"lower(trim(CAST({_ident(column)} AS VARCHAR))) = {_q(value)}"
    if "converted" not in columns:
        return "false"
    truthy = ", ".join(_q(v) for v in TRUE_VALUES)
    return f"lower(trim(CAST({_ident(columns['converted'])} AS VARCHAR))) IN ({truthy})"


def _timestamp_sql(source: DataSource, column: str, kind: str) -> str:
    col = _ident(column)
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return f"epoch_us(CAST({col} AS TIMESTAMPTZ))"
    text = f"trim(CAST({col} AS VARCHAR))"
    if source.timestamp_format:
        return f"epoch_us(CAST(try_strptime({text}, {_q(source.timestamp_format)}) AS TIMESTAMPTZ))"
    return f"epoch_us(TRY_CAST({text} AS TIMESTAMPTZ))"


def _text(columns: Mapping[str, str], name: str) -> str:
    if name not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"nullif(trim(CAST({_ident(columns[name])} AS VARCHAR)), '')"


def _load_events(
    con: duckdb.DuckDBPyConnection, source: DataSource
) -> tuple[dict[str, str], list[str], bool]:
    """Step 1: the ``ev`` table, one row per file row in file order (rowid + 2 = file row).

    Returns the column mapping, the header, and whether the read was robust: a CSV the fast
    parallel scan refuses (a row with too many fields, bytes that are not UTF-8, line breaks
    inside quoted fields next to short rows) is read again single-threaded, the records the
    reader cannot parse set aside in :data:`READER_ERRORS` to be reported, not to fail the file.
    """
    from_clause, types = _describe(con, source)
    header = list(types)
    columns = resolve_columns(source, header)
    ts_col = columns["timestamp"]
    ts = _timestamp_sql(source, ts_col, types[ts_col])
    if "revenue" in columns:
        rev_col = _ident(columns["revenue"])
        if types[columns["revenue"]] in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER") or types[
            columns["revenue"]
        ].startswith("DECIMAL"):
            rev = f"CAST({rev_col} AS DOUBLE)"
            rev_text = "CAST(NULL AS VARCHAR)"
        else:
            rev_text = f"nullif(trim(CAST({rev_col} AS VARCHAR)), '')"
            rev = f"TRY_CAST({rev_text} AS DOUBLE)"
    else:
        rev, rev_text = "CAST(NULL AS DOUBLE)", "CAST(NULL AS VARCHAR)"
    conv = _conversion_sql(source, columns, header)
    all_columns = ", ".join(_ident(name) for name in header)
    con.execute(f"SET TimeZone = {_q(source.timezone)}")
    sql = f"""
    CREATE TEMP TABLE ev AS
    SELECT CASE WHEN lead IS NOT NULL THEN hash(lead) END AS lead,
           ts, CASE WHEN ts IS NULL THEN ts_text END AS ts_raw,
           source, medium, campaign, hash(source, medium, campaign) AS sk, tp, stage, conv,
           CASE WHEN isfinite(rev) THEN rev END AS rev,
           CASE WHEN rev_text IS NOT NULL AND (rev IS NULL OR NOT isfinite(rev))
                THEN rev_text END AS rev_raw,
           h
    FROM (
      SELECT {_text(columns, "lead_id")} AS lead,
             {ts} AS ts,
             CAST({_ident(ts_col)} AS VARCHAR) AS ts_text,
             coalesce(CAST({_ident(columns["source"])} AS VARCHAR), '') AS source,
             coalesce(CAST({_ident(columns["medium"])} AS VARCHAR), '') AS medium,
             coalesce({_text(columns, "campaign")}, '') AS campaign,
             {_text(columns, "touchpoint")} AS tp,
             {_text(columns, "stage")} AS stage,
             coalesce({conv}, false) AS conv,
             {rev} AS rev,
             {rev_text} AS rev_text,
             hash({all_columns}) AS h
      FROM {from_clause}
    )
    """
    robust = False
    try:
        try:
            con.execute(sql)
        except duckdb.Error:
            if source.format != "csv":
                raise
            con.execute(sql.replace(from_clause, _reader(source, header, robust=True)))
            robust = True
    except duckdb.Error as error:
        raise DataError(f"{source.path}: cannot read the file: {error}") from error
    return columns, header, robust


def _unreadable(con: duckdb.DuckDBPyConnection, fields: int) -> list[tuple[int, str]]:
    """(byte offset of the line, what is wrong) of every record the robust read set aside."""
    rows = con.execute(
        f"""SELECT line_byte_position, any_value(error_type), max(column_idx)
            FROM {READER_ERRORS} GROUP BY line_byte_position ORDER BY line_byte_position"""
    ).fetchall()
    found = []
    for position, error_type, last_column in rows:
        kind = str(error_type).upper()
        if kind == "TOO MANY COLUMNS":
            detail = f"{last_column} fields, expected {fields}"
        elif "ENCODING" in kind or "UNICODE" in kind:
            detail = "not UTF-8 text (see the source's encoding option)"
        else:
            detail = kind.lower()
        found.append((int(position), detail))
    return found


def _classify(
    con: duckdb.DuckDBPyConnection,
    source: DataSource,
    shape: MapShape | None,
    settings: ChannelSettings,
) -> None:
    """Step 2: reasons, channels, the ``bad`` rows and the ``clean`` table of used rows.

    Exact duplicates are found later (:func:`_deduplicate`), from each lead's ordered touches;
    both tables keep every row's hash of all its columns for that."""
    # Channel of each distinct (source, medium, campaign): the rules run on a small table.
    categories = source_categories(settings)
    con.execute("CREATE TEMP TABLE cats (source VARCHAR, category VARCHAR)")
    con.executemany("INSERT INTO cats VALUES (?, ?)", list(categories.items()))
    con.execute(
        f"""
        CREATE TEMP TABLE combos AS
        WITH d AS (
          SELECT sk, any_value(source) AS source, any_value(medium) AS medium,
                 any_value(campaign) AS campaign
          FROM ev GROUP BY sk),
        n AS (
          SELECT sk, source, medium, campaign,
                 coalesce(nullif(lower(trim(source)), ''), '(not set)') AS s,
                 coalesce(nullif(lower(trim(medium)), ''), '(not set)') AS m,
                 lower(trim(campaign)) AS c
          FROM d)
        SELECT n.sk, n.source, n.medium, n.campaign,
               {channel_case_sql(settings, "n.s", "n.m", "n.c", "cats.category")} AS channel
        FROM n LEFT JOIN cats ON cats.source = n.s
        """
    )
    # Small integer ids for channels and touchpoints: the big tables carry ids, not text.
    con.execute(
        """
        CREATE TEMP TABLE channel_ids AS
        SELECT channel, CAST(row_number() OVER (ORDER BY channel) AS INTEGER) AS cid
        FROM (SELECT DISTINCT channel FROM combos)
        """
    )
    con.execute(
        """
        CREATE TEMP TABLE combo_ids AS
        SELECT c.*, i.cid, CAST(row_number() OVER () AS INTEGER) AS kid
        FROM combos c JOIN channel_ids i USING (channel)
        """
    )
    con.execute(
        """
        CREATE TEMP TABLE tp_ids AS
        SELECT tp, CAST(row_number() OVER (ORDER BY tp) AS INTEGER) AS tid
        FROM (SELECT DISTINCT tp FROM ev WHERE tp IS NOT NULL)
        """
    )
    stage_check = tp_check = ""
    con.execute("CREATE TEMP TABLE stage_ids (sid INTEGER, name VARCHAR)")
    if shape is not None:
        if shape.stages:
            con.executemany(
                "INSERT INTO stage_ids VALUES (?, ?)",
                [(i, name) for i, name in enumerate(shape.stages, start=1)],
            )
        con.execute(
            "CREATE TEMP TABLE map_stage AS SELECT lower(trim(name)) AS key, sid FROM stage_ids"
        )
        con.execute("CREATE TEMP TABLE map_tp (tp VARCHAR, stage VARCHAR)")
        known = list(shape.touchpoint_stages.items()) + [
            (tp, None) for tp in shape.other_touchpoints if tp not in shape.touchpoint_stages
        ]
        if known:
            con.executemany("INSERT INTO map_tp VALUES (?, ?)", known)
        # The touchpoint -> stage lookup runs on the distinct touchpoints, not on every row.
        con.execute(
            """CREATE TEMP TABLE tp_ids_map AS
               SELECT t.tp, t.tid, m.tp IS NOT NULL AS known, s.sid
               FROM tp_ids t LEFT JOIN map_tp m USING (tp)
               LEFT JOIN stage_ids s ON s.name = m.stage"""
        )
        stage_check = (
            f"WHEN e.stage IS NOT NULL AND ms.sid IS NULL THEN {_q(quality.UNKNOWN_STAGE)}"
        )
        tp_check = (
            f"WHEN e.tp IS NOT NULL AND NOT t.known THEN {_q(quality.UNKNOWN_TOUCHPOINT)}"
        )
        stage_expr = "coalesce(ms.sid, t.sid, 0)"
        joins = (
            "LEFT JOIN tp_ids_map t ON t.tp = e.tp "
            "LEFT JOIN map_stage ms ON ms.key = lower(e.stage)"
        )
    else:
        con.execute(
            """INSERT INTO stage_ids
               SELECT CAST(row_number() OVER (ORDER BY stage) AS INTEGER), stage
               FROM (SELECT DISTINCT stage FROM ev WHERE stage IS NOT NULL)"""
        )
        stage_expr = "coalesce(si.sid, 0)"
        joins = "LEFT JOIN tp_ids t ON t.tp = e.tp LEFT JOIN stage_ids si ON si.name = e.stage"
    _check_code_widths(con, source)
    con.execute(
        f"""
        CREATE TEMP VIEW cls AS
        SELECT e.rowid + 2 AS line, e.lead, e.ts, e.tp, coalesce(t.tid, 0) AS tid,
               {stage_expr} AS sid, e.conv, e.rev, c.cid, c.kid,
               CASE
                 WHEN e.lead IS NULL THEN {_q(quality.MISSING_LEAD)}
                 WHEN e.ts IS NULL THEN {_q(quality.BAD_TIMESTAMP)}
                 WHEN e.rev_raw IS NOT NULL THEN {_q(quality.NON_NUMERIC_REVENUE)}
                 WHEN e.rev < 0 THEN {_q(quality.NEGATIVE_REVENUE)}
                 {stage_check}
                 {tp_check}
               END AS reason,
               CASE
                 WHEN e.lead IS NULL THEN NULL
                 WHEN e.ts IS NULL THEN coalesce(e.ts_raw, '')
                 WHEN e.rev_raw IS NOT NULL THEN e.rev_raw
                 WHEN e.rev < 0 THEN CAST(e.rev AS VARCHAR)
                 ELSE coalesce(e.stage, e.tp)
               END AS detail,
               e.h
        FROM ev e
        JOIN combo_ids c ON c.sk = e.sk
        {joins}
        """
    )
    con.execute(
        """CREATE TEMP TABLE bad AS
           SELECT line, reason, detail, CAST(NULL AS BIGINT) AS same_as, tp, h
           FROM cls WHERE reason IS NOT NULL"""
    )
    con.execute(
        """
        CREATE TEMP TABLE clean AS
        SELECT line, lead, ts, kid, cid, tid, sid, conv,
               CASE WHEN conv THEN coalesce(rev, 0) ELSE 0 END AS value, h
        FROM cls WHERE reason IS NULL
        """
    )


def _check_code_widths(con: duckdb.DuckDBPyConnection, source: DataSource) -> None:
    """Touches are packed into one 128-bit sort key (see :func:`_paths`); refuse what does not fit
    instead of mixing codes up."""
    rows, channels, touchpoints, stages = con.execute(
        """SELECT (SELECT count(*) FROM ev), (SELECT max(cid) FROM channel_ids),
                  (SELECT max(tid) FROM tp_ids), (SELECT max(sid) FROM stage_ids)"""
    ).fetchone()  # type: ignore[misc]
    limits = (
        (rows, LINE_LIMIT, "rows"),
        (channels, 255, "channels"),
        (touchpoints, CODE - 1, "distinct touchpoints"),
        (stages, 255, "distinct stages"),
    )
    for value, limit, what in limits:
        if (value or 0) > limit:
            raise DataError(
                f"{source.path}: too many {what} for one analysis: {value} (at most {limit})"
            )


#: A touch's code in a path: channel id * CODE + touchpoint id.
CODE = 65536


@dataclass(frozen=True)
class PathAggregates:
    """What the attribution needs from one path table (channels or touchpoints)."""

    credits: Mapping[str, Credits]  # the rule-based models and time decay, by model name
    steps: Mapping[tuple[str, str], float]  # Markov transitions (START first), repeats collapsed
    endings: Mapping[str, tuple[float, float, float]]  # last state: conversions, value, nulls
    top_paths: tuple[PathRow, ...]
    distinct_paths: int


def _aggregate_paths(
    con: duckdb.DuckDBPyConnection, part: str, names: Mapping[int, str], top: int = 20
) -> PathAggregates:
    """Step 3b: the path table (identical paths counted together) and everything the models
    need from it, computed in the engine so that a large path table never reaches Python.

    ``part`` picks the channel (``c``) or the touchpoint (``t``) of each touch. The rule-based
    models are the same rules as :mod:`mkdocs_journey.analytics.attribution`, written over the
    exploded path table; the tests check that both give the same credits.
    """
    key = f"x // {CODE}" if part == "c" else f"x % {CODE}"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE pt AS
        SELECT chs,
               count(*) FILTER (WHERE converted) AS conversions,
               coalesce(sum(value) FILTER (WHERE converted), 0) AS value,
               count(*) FILTER (WHERE NOT converted) AS nulls
        FROM (SELECT list_transform(codes, lambda x: {key}) AS chs, converted, value FROM paths)
        GROUP BY chs
        """
    )
    direct = next((i for i, name in names.items() if name == DIRECT), -1) if part == "c" else -1
    rows = con.execute(
        f"""
        SELECT ch,
          sum(conversions) FILTER (WHERE pos = 1), sum(value) FILTER (WHERE pos = 1),
          sum(conversions) FILTER (WHERE pos = n), sum(value) FILTER (WHERE pos = n),
          sum(conversions) FILTER (WHERE pos = lnd), sum(value) FILTER (WHERE pos = lnd),
          sum(conversions / n), sum(value / n),
          sum(conversions * pb), sum(value * pb)
        FROM (
          SELECT *, CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5
                         WHEN pos = 1 OR pos = n THEN 0.4 ELSE 0.2 / (n - 2) END AS pb
          FROM (
            SELECT unnest(chs) AS ch, unnest(range(1, len(chs) + 1)) AS pos, len(chs) AS n,
                   coalesce(list_max(list_filter(range(1, len(chs) + 1),
                                                 lambda i: chs[i] <> {direct})), len(chs)) AS lnd,
                   CAST(conversions AS DOUBLE) AS conversions, value
            FROM pt WHERE conversions > 0))
        GROUP BY ch
        """
    ).fetchall()
    models = ("first_touch", "last_touch", "last_non_direct", "linear", "position_based")
    credits: dict[str, Credits] = {model: {} for model in (*models, "time_decay")}
    for ch, *numbers in rows:
        for i, model in enumerate(models):
            conversions, value = numbers[2 * i], numbers[2 * i + 1]
            if conversions:
                credits[model][names[ch]] = Credit(float(conversions), float(value or 0.0))
    # Time decay: each converted path's weights over their sum, credited to the touch's key.
    decay = con.execute(
        f"""
        SELECT d.{part}, sum(d.w / total), sum(d.w / total * value) FROM (
          SELECT unnest(decay) AS d, list_sum(list_transform(decay, lambda y: y.w)) AS total,
                 value
          FROM paths WHERE converted)
        GROUP BY d.{part}
        """
    ).fetchall()
    credits["time_decay"] = {names[k]: Credit(float(c), float(v)) for k, c, v in decay if c}
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE chain AS
        SELECT list_filter(chs, lambda x, i: i = 1 OR x <> chs[i - 1]) AS cs,
               conversions, value, nulls
        FROM pt
        """
    )
    steps = con.execute(
        """
        SELECT f, t, sum(conversions + nulls) FROM (
          SELECT unnest(list_concat([-1], cs[1:len(cs) - 1])) AS f, unnest(cs) AS t,
                 conversions, nulls
          FROM chain)
        GROUP BY f, t
        """
    ).fetchall()
    endings = con.execute(
        "SELECT cs[-1], sum(conversions), sum(value), sum(nulls) FROM chain GROUP BY cs[-1]"
    ).fetchall()
    top_rows = con.execute(
        f"""SELECT chs, conversions, value, nulls FROM pt
            ORDER BY conversions DESC, nulls DESC, chs LIMIT {int(top)}"""
    ).fetchall()
    distinct = con.execute("SELECT count(*) FROM pt").fetchone()[0]  # type: ignore[index]
    named = {**names, -1: START}
    return PathAggregates(
        credits=credits,
        steps={(named[f], named[t]): float(n) for f, t, n in steps},
        endings={named[last]: (float(c), float(v), float(n)) for last, c, v, n in endings},
        top_paths=tuple(
            PathRow(tuple(names[k] for k in chs), int(c), float(v), int(n))
            for chs, c, v, n in top_rows
        ),
        distinct_paths=int(distinct),
    )


#: Bits of a touch's 128-bit sort key, high to low: time (64, offset to stay positive), file
#: row (31), conversion (1), stage id (8), channel id (8), touchpoint id (16).
TS_OFFSET = 1 << 62
LINE_LIMIT = (1 << 31) - 1


def _key_part(x: str, part: str) -> str:
    """SQL for one field of a touch's sort key ``x`` (see :func:`_paths`)."""
    return {
        "ts": f"(CAST({x} >> 64 AS BIGINT) - {TS_OFFSET})",
        "line": f"CAST(({x} >> 33) & {LINE_LIMIT} AS BIGINT)",
        "conv": f"(({x} >> 32) & 1 = 1)",
        "sid": f"CAST(({x} >> 24) & 255 AS INTEGER)",
        "cid": f"CAST(({x} >> 16) & 255 AS INTEGER)",
        "tid": f"CAST({x} & 65535 AS INTEGER)",
        "code": f"CAST({x} & 16777215 AS INTEGER)",  # cid * CODE + tid
    }[part]


def _journeys(con: duckdb.DuckDBPyConnection) -> None:
    """Step 3a: each lead's touches in time order (ties: file order), as table ``lt``.

    Each touch is packed into one 128-bit integer whose order is (time, file row), so one
    unordered aggregate and a ``list_sort`` give every lead's touches in order, much faster than
    an ordered aggregate or a window over ten million rows.
    """
    con.execute(
        f"""
        CREATE TEMP TABLE lt AS
        SELECT lead, list_sort(list(key)) AS k
        FROM (SELECT lead, ((CAST(ts AS HUGEINT) + {TS_OFFSET}) << 64)
                           | CAST((CAST(line AS UBIGINT) << 33) | (CAST(conv AS UBIGINT) << 32)
                                  | (CAST(sid AS UBIGINT) << 24) | (CAST(cid AS UBIGINT) << 16)
                                  | CAST(tid AS UBIGINT) AS HUGEINT) AS key
              FROM clean)
        GROUP BY lead
        """
    )


def _deduplicate(con: duckdb.DuckDBPyConnection) -> None:
    """Exact duplicates: rows whose hash of every column equals an earlier row's (64-bit hash).

    Identical rows have identical values, so they share a reason: either both are used or both
    are rejected. Used ones share their lead and time, so they sit next to each other in the
    lead's ordered touches (``lt``): only such neighbours are compared, instead of grouping
    every row of the file by its hash. Rejected rows (usually few) are compared directly. A
    duplicate is rejected as one, whatever else is wrong with it, and leaves ``clean`` and
    ``lt``; the first copy stays."""
    ts = _key_part("k[i]", "ts")
    before = _key_part("k[i - 1]", "ts")
    con.execute(
        f"""
        CREATE TEMP TABLE same_time AS
        SELECT DISTINCT unnest([{_key_part("k[i - 1]", "line")}, {_key_part("k[i]", "line")}])
                        AS line
        FROM (SELECT k, unnest(list_filter(range(2, len(k) + 1), lambda i: {ts} = {before}))
                        AS i
              FROM lt WHERE len(k) > 1)
        """
    )
    con.execute(
        """
        CREATE TEMP TABLE dup AS
        SELECT line, first_line, used FROM (
          SELECT line, min(line) OVER (PARTITION BY h) AS first_line,
                 count(*) OVER (PARTITION BY h) AS copies, used
          FROM (SELECT c.line, c.h, true AS used FROM clean c SEMI JOIN same_time USING (line)
                UNION ALL
                SELECT line, h, false FROM bad))
        WHERE copies > 1 AND line > first_line
        """
    )
    if not con.execute("SELECT count(*) FROM dup").fetchone()[0]:  # type: ignore[index]
        return
    con.execute(
        f"""UPDATE bad SET reason = {_q(quality.DUPLICATE)}, detail = NULL,
                          same_as = d.first_line
            FROM dup d WHERE NOT d.used AND bad.line = d.line"""
    )
    con.execute(
        f"""INSERT INTO bad
            SELECT line, {_q(quality.DUPLICATE)}, NULL, first_line, NULL, NULL
            FROM dup WHERE used"""
    )
    line = _key_part("x", "line")
    con.execute(
        f"""
        UPDATE lt SET k = list_filter(lt.k, lambda x: NOT list_contains(d.lines, {line}))
        FROM (SELECT c.lead, list(c.line) AS lines
              FROM clean c SEMI JOIN (SELECT line FROM dup WHERE used) USING (line)
              GROUP BY c.lead) d
        WHERE lt.lead = d.lead
        """
    )
    con.execute("DELETE FROM clean WHERE line IN (SELECT line FROM dup WHERE used)")


def _paths(con: duckdb.DuckDBPyConnection) -> None:
    """Step 3b: paths, slices of each lead's ordered touches cut after each conversion. Time
    decay: weight 2^(-age / 7 days) with the age measured to the path's conversion, normalised
    later."""
    last = "seg[-1]"
    # A path's value is its conversion's revenue, joined by row: far cheaper than carrying
    # revenue through the list aggregate.
    con.execute(
        f"""
        CREATE TEMP TABLE paths AS
        SELECT p.lead, p.converted, coalesce(v.value, 0) AS value,
               list_transform(seg, lambda x: {_key_part("x", "code")}) AS codes,
               CASE WHEN p.converted THEN list_transform(seg, lambda x: struct_pack(
                   c := {_key_part("x", "cid")}, t := {_key_part("x", "tid")},
                   w := pow(2.0, ({_key_part("x", "ts")} - last_ts) / {HALF_LIFE_US}.0)))
               END AS decay
        FROM (
          SELECT lead, seg, {_key_part(last, "conv")} AS converted,
                 {_key_part(last, "line")} AS last_line, {_key_part(last, "ts")} AS last_ts
          FROM (
            SELECT lead, k[b.s:b.e] AS seg
            FROM (
              -- path bounds: from after the previous conversion to the next one (or the end)
              SELECT lead, k, unnest(list_transform(e, lambda x, i: struct_pack(
                       s := CASE WHEN i = 1 THEN 1 ELSE e[i - 1] + 1 END, e := x))) AS b
              FROM (
                SELECT lead, k,
                       CASE WHEN {_key_part("k[-1]", "conv")} THEN c
                            ELSE list_append(c, len(k)) END AS e
                FROM (SELECT lead, k, list_filter(range(1, len(k) + 1),
                                                  lambda i: {_key_part("k[i]", "conv")}) AS c
                      FROM lt))))) p
        LEFT JOIN (SELECT lead, line, value FROM clean WHERE conv) v
          ON p.converted AND v.lead = p.lead AND v.line = p.last_line
        """
    )


def _at_first(values: str, value: str | int, part: str) -> str:
    """SQL: field ``part`` of the lead's first touch (in ``k``) whose entry in the parallel list
    ``values`` is ``value``; NULL when there is none."""
    return _key_part(f"k[nullif(list_position({values}, {value}), 0)]", part)


def _funnel(
    con: duckdb.DuckDBPyConnection, shape: MapShape | None, channels: Mapping[int, str]
) -> tuple[tuple[FunnelCounts, ...], tuple[tuple[str, str, int], ...]]:
    """Stage funnel and entry channels, from each lead's ordered touches (``lt``): a stage's
    first touch gives the lead's time of reaching it and the channel that brought them in."""
    stage_names = dict(con.execute("SELECT sid, name FROM stage_ids ORDER BY sid").fetchall())
    if not stage_names:
        return (), ()
    firsts = ", ".join(
        f"{_at_first('ss', int(sid), 'ts')} AS s{int(sid)}, "
        f"{_at_first('ss', int(sid), 'cid')} AS e{int(sid)}"
        for sid in stage_names
    )
    con.execute(
        f"""CREATE TEMP TABLE ls AS
            SELECT {firsts}
            FROM (SELECT k, list_transform(k, lambda x: {_key_part("x", "sid")}) AS ss FROM lt)"""
    )
    stats = (
        con.execute(
            "SELECT " + ", ".join(f"count(s{sid}), avg(s{sid})" for sid in stage_names) + " FROM ls"
        ).fetchone()
        or ()
    )
    leads = {name: int(stats[2 * i]) for i, name in enumerate(stage_names.values())}
    sid_of = {name: sid for sid, name in stage_names.items()}
    if shape is not None and shape.stages:
        order = list(shape.stages)
    else:
        reached = [
            (stats[2 * i + 1], name)
            for i, name in enumerate(stage_names.values())
            if stats[2 * i]
        ]
        order = [name for _, name in sorted(reached)]
    if not order:
        return (), ()
    steps = []
    for here, there in itertools.pairwise(order):
        a, b = f"s{sid_of[here]}", f"s{sid_of[there]}"
        both = f"{a} IS NOT NULL AND {b} >= {a}"
        steps.append(f"count(*) FILTER (WHERE {both})")
        steps.append(f"median({b} - {a}) FILTER (WHERE {both})")
    values: Sequence[Any] = ()
    if steps:
        values = con.execute(f"SELECT {', '.join(steps)} FROM ls").fetchone() or ()
    funnel = []
    for i, stage in enumerate(order):
        if i < len(order) - 1:
            reached_next, median_us = values[2 * i], values[2 * i + 1]
            funnel.append(
                FunnelCounts(
                    stage,
                    leads.get(stage, 0),
                    order[i + 1],
                    int(reached_next or 0),
                    None if median_us is None else float(median_us) / 1e6,
                )
            )
        else:
            funnel.append(FunnelCounts(stage, leads.get(stage, 0), None, 0, None))
    mix = con.execute(
        " UNION ALL ".join(
            f"SELECT {_q(name)} AS stage, e{sid} AS entry, count(*) AS n FROM ls "
            f"WHERE e{sid} IS NOT NULL GROUP BY e{sid}"
            for sid, name in stage_names.items()
        )
        + " ORDER BY stage, n DESC, entry"
    ).fetchall()
    return tuple(funnel), tuple((s, channels[c], int(n)) for s, c, n in mix)


def _first_visits(con: duckdb.DuckDBPyConnection, key: str, keys: Sequence[int]) -> None:
    """Table ``fv``: one row per lead with its first visit to each of ``keys`` (column ``k<id>``)
    and its first conversion (``fc``), from each lead's ordered touches (``lt``)."""
    pivot = "".join(f"{_at_first('ks', int(k), 'ts')} AS k{int(k)}, " for k in keys)
    first_conversion = _at_first("cs", "true", "ts")
    con.execute(
        f"""CREATE TEMP TABLE fv AS
            SELECT {pivot}{first_conversion} AS fc
            FROM (SELECT k, list_transform(k, lambda x: {_key_part("x", key)}) AS ks,
                         list_transform(k, lambda x: {_key_part("x", "conv")}) AS cs
                  FROM lt)"""
    )


def _key_totals(con: duckdb.DuckDBPyConnection, key: str, where: str) -> list[tuple[int, int, int]]:
    """(key id, touches, leads) for every ``key`` value, busiest first; also builds ``fv`` (see
    :func:`_first_visits`) for the keys that path insights compare.

    With at most :data:`PIVOT_KEYS` distinct keys, one pass gives every key's first visits, and
    the leads per key are counted from them; with more, the leads are counted separately and only
    the most visited keys are pivoted."""
    touches = con.execute(f"SELECT {key}, count(*) FROM clean {where} GROUP BY {key}").fetchall()
    if len(touches) <= PIVOT_KEYS:
        keys = sorted(int(k) for k, _ in touches)
        _first_visits(con, key, keys)
        leads = (
            con.execute(
                f"SELECT {', '.join([f'count(k{k})' for k in keys] or ['0'])} FROM fv"
            ).fetchone()
            or ()
        )
        led = dict(zip(keys, leads, strict=False))
        return sorted(
            ((int(k), int(n), int(led[int(k)])) for k, n in touches),
            key=lambda row: (-row[1], row[0]),
        )
    totals = [
        (int(k), int(n), int(m))
        for k, n, m in con.execute(
            f"""SELECT {key}, count(*), count(DISTINCT lead) FROM clean {where}
                GROUP BY {key} ORDER BY count(*) DESC, {key}"""
        ).fetchall()
    ]
    _first_visits(con, key, _insight_keys(totals))
    return totals


def _insight_keys(totals: Sequence[tuple[int, int, int]]) -> list[int]:
    """The keys path insights compare: the most visited (by leads), ties by id."""
    ranked = sorted((row for row in totals if row[0] > 0), key=lambda row: (-row[2], row[0]))
    return [row[0] for row in ranked[:INSIGHT_KEYS]]


def _insights(
    con: duckdb.DuckDBPyConnection,
    names: Mapping[int, str],
    totals: Sequence[tuple[int, int, int]],
) -> tuple[tuple[str, str, int, int], ...]:
    """Share of leads reaching a target who touched X strictly before their first visit to the
    target (targets: the most visited keys, and the first conversion). ``totals``: (key id,
    touches, leads) rows, to pick the keys; the first visits come from ``fv``."""
    ids = _insight_keys(totals)
    if not ids:
        return ()
    keys = [names[k] for k in ids]
    targets = [*((f"k{k}", name) for k, name in zip(ids, keys, strict=True)), ("fc", CONVERSION)]
    aggregates: list[str] = []
    labels: list[tuple[str, str]] = []
    for target_col, target in targets:
        aggregates.append(f"count({target_col})")
        labels.append(("", target))
        for k, name in zip(ids, keys, strict=True):
            if name == target:
                continue
            aggregates.append(f"count_if(k{k} < {target_col})")
            labels.append((name, target))
    values = con.execute(f"SELECT {', '.join(aggregates)} FROM fv").fetchone() or ()
    result: list[tuple[str, str, int, int]] = []
    target_leads = 0
    for (before, target), value in zip(labels, values, strict=True):
        if not before:
            target_leads = int(value)
            continue
        if target_leads and value:
            result.append((before, target, target_leads, int(value)))
    return tuple(result)


def _rejections(
    source: DataSource,
    records_read: int,
    rows: Sequence[tuple[str, int, list[dict[str, Any]]]],
    unreadable: Sequence[tuple[int, str]] = (),
) -> tuple[Rejected, ...]:
    """Rejections in the order of :data:`quality.REASONS`, their examples at their file line.

    ``records_read``: the records in the engine's table; ``unreadable``: (byte offset, detail)
    of the records the reader set aside, which are not in it."""
    records = {e["line"] for _, _, examples in rows for e in examples}
    records |= {e["same_as"] for _, _, examples in rows for e in examples if e["same_as"]}
    set_aside = lines.lines_at(source.path, (position for position, _ in unreadable))
    line = (
        lines.line_numbers(
            source.path,
            records_read,
            records,
            source.delimiter,
            set_aside.values(),
            encoding=source.encoding,
        )
        if source.format == "csv"
        else int
    )
    order = {reason: i for i, reason in enumerate(quality.REASONS)}
    found = []
    if unreadable:
        examples = tuple(
            (set_aside[position], detail) for position, detail in unreadable[: quality.EXAMPLES]
        )
        found.append(Rejected(quality.UNREADABLE, len(unreadable), examples))
    return tuple(found) + tuple(
        sorted(
            (
                Rejected(
                    reason,
                    int(count),
                    tuple(
                        (
                            line(int(e["line"])),
                            f"same as row {line(int(e['same_as']))}"
                            if e["same_as"] is not None
                            else e["detail"],
                        )
                        for e in examples
                    ),
                )
                for reason, count, examples in rows
            ),
            key=lambda r: order.get(r.reason, len(order)),
        )
    )


def run(source: DataSource, shape: MapShape | None, settings: ChannelSettings) -> EngineOutput:
    """Read ``source`` and compute every aggregate the analytics need."""
    with _lock, _connection() as con:
        columns, header, robust = _load_events(con, source)
        unreadable = _unreadable(con, len(header)) if robust else []
        _classify(con, source, shape, settings)
        records = int(con.execute("SELECT count(*) FROM ev").fetchone()[0])  # type: ignore[index]
        rows_read = records + len(unreadable)
        con.execute("DROP VIEW cls")
        con.execute("DROP TABLE ev")  # frees memory for the aggregates that follow
        _journeys(con)
        _deduplicate(con)
        rejected_rows = con.execute(
            f"""SELECT reason, count(*),
                       min_by(struct_pack(line, detail, same_as), line, {quality.EXAMPLES})
                FROM bad GROUP BY reason"""
        ).fetchall()
        rejected = _rejections(source, records, rejected_rows, unreadable)
        unknown = con.execute(
            f"""SELECT tp, count(*) FROM bad WHERE reason = {_q(quality.UNKNOWN_TOUCHPOINT)}
                GROUP BY tp ORDER BY count(*) DESC, tp"""
        ).fetchall()
        con.execute("DROP TABLE bad")
        with_tps = "touchpoint" in columns
        channels = dict(con.execute("SELECT cid, channel FROM channel_ids").fetchall())
        touchpoints = {0: "(not set)", **dict(con.execute("SELECT tid, tp FROM tp_ids").fetchall())}
        _paths(con)
        rows_used, leads, paths, conversions, converters, revenue = con.execute(
            """SELECT (SELECT count(*) FROM clean), count(DISTINCT lead), count(*),
                      count(*) FILTER (WHERE converted),
                      count(DISTINCT lead) FILTER (WHERE converted),
                      coalesce(sum(value) FILTER (WHERE converted), 0)
               FROM paths"""
        ).fetchone()  # type: ignore[misc]
        channel_paths = _aggregate_paths(con, "c", channels)
        touchpoint_paths = _aggregate_paths(con, "t", touchpoints) if with_tps else None
        funnel, stage_channels = _funnel(con, shape, channels)
        if with_tps:
            # Leads per channel from each lead's distinct channels: no distinct count over rows.
            channel_ids = con.execute(
                f"""SELECT cid, touches, leads
                    FROM (SELECT cid, count(*) AS touches FROM clean GROUP BY cid)
                    JOIN (SELECT cid, count(*) AS leads
                          FROM (SELECT unnest(list_distinct(list_transform(
                                  k, lambda x: {_key_part("x", "cid")}))) AS cid FROM lt)
                          GROUP BY cid) USING (cid)
                    ORDER BY touches DESC, cid"""
            ).fetchall()
            touchpoint_ids = _key_totals(con, "tid", "WHERE tid > 0")
        else:
            channel_ids = _key_totals(con, "cid", "")
            touchpoint_ids = []
        channel_totals = [(channels[c], t, n) for c, t, n in channel_ids]
        touchpoint_totals = [(touchpoints[k], t, n) for k, t, n in touchpoint_ids]
        unassigned = con.execute(
            f"""SELECT k.source, k.medium, count(*) FROM clean c JOIN combo_ids k USING (kid)
                WHERE k.channel = {_q(UNASSIGNED)}
                GROUP BY k.source, k.medium ORDER BY count(*) DESC, k.source, k.medium LIMIT 50"""
        ).fetchall()
        insights = _insights(
            con, touchpoints if with_tps else channels, touchpoint_ids if with_tps else channel_ids
        )
    return EngineOutput(
        rows_read=int(rows_read),
        rows_used=int(rows_used),
        leads=int(leads),
        paths=int(paths),
        conversions=int(conversions),
        revenue=float(revenue),
        converters=int(converters),
        columns=columns,
        rejected=rejected,
        channel_paths=channel_paths,
        touchpoint_paths=touchpoint_paths,
        funnel=funnel,
        stage_channels=stage_channels,
        channel_totals=tuple((c, int(t), int(n)) for c, t, n in channel_totals),
        touchpoint_totals=tuple((k, int(t), int(n)) for k, t, n in touchpoint_totals),
        unknown_touchpoints=tuple((tp, int(n)) for tp, n in unknown),
        insights=insights,
        unassigned=tuple((s, m, int(n)) for s, m, n in unassigned),
        insight_subject="touchpoint" if with_tps else "channel",
    )


def group_channels(
    rows: Sequence[tuple[str, str, str]], settings: ChannelSettings | None = None
) -> list[str]:
    """The channel of each (source, medium, campaign), computed by the engine (tests, CLI)."""
    settings = settings or ChannelSettings()
    if not rows:
        return []
    with _lock, _connection() as con:
        con.execute("CREATE TEMP TABLE cats (source VARCHAR, category VARCHAR)")
        con.executemany("INSERT INTO cats VALUES (?, ?)", list(source_categories(settings).items()))
        con.execute(
            "CREATE TEMP TABLE input (i INTEGER, source VARCHAR, medium VARCHAR, campaign VARCHAR)"
        )
        con.executemany(
            "INSERT INTO input VALUES (?, ?, ?, ?)",
            [(i, s, m, c) for i, (s, m, c) in enumerate(rows)],
        )
        result = con.execute(
            f"""
            WITH n AS (
              SELECT i, coalesce(nullif(lower(trim(source)), ''), '(not set)') AS s,
                     coalesce(nullif(lower(trim(medium)), ''), '(not set)') AS m,
                     coalesce(lower(trim(campaign)), '') AS c
              FROM input)
            SELECT {channel_case_sql(settings, "n.s", "n.m", "n.c", "cats.category")}
            FROM n LEFT JOIN cats ON cats.source = n.s ORDER BY i
            """
        ).fetchall()
    return [row[0] for row in result]
