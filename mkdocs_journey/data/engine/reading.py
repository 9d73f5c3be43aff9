# ruff: noqa: S608  -- SQL is built here on purpose; values go through sql_text() or sql_name().
"""Step 1: the ``ev`` table of every row of the file (read, parsed, hashed), one row per record
in file order, and the records the reader set aside."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from mkdocs_journey.data import quality
from mkdocs_journey.data.engine.common import DataError, sql_name, sql_text, sql_trim
from mkdocs_journey.data.sources import (
    DEFAULT_ALIASES,
    EVENT_FIELDS,
    FALSE_VALUES,
    REQUIRED_FIELDS,
    TRUE_VALUES,
    DataSource,
)
from mkdocs_journey.suggest import suggestion

if TYPE_CHECKING:
    import duckdb

#: Where a robust read (see :func:`load_events`) leaves the records it could not parse.
READER_ERRORS = "reader_errors"


#: How a CSV is read, tried in this order: the fast parallel scan, then the single-threaded
#: scan that sets aside the records it cannot parse (bytes that are not UTF-8, more fields than
#: the fast scan takes) and copes with line breaks inside quoted fields, which the parallel
#: scanner refuses next to padded rows. DuckDB's parallel scan that sets records aside is not
#: used: with a malformed record as the first line of one of its 16 MB buffers, it silently
#: drops the rest of the file (DuckDB 2.0).
READS = ("fast", "serial")

#: Fields a row may have beyond the header and still be read by the fast scan (and reported as
#: an unreadable row, see :func:`load_events`); a row with more sends the file to the serial
#: scan.
EXTRA_FIELDS = 8

#: Read as the CSV's null string, which no real field is: an empty field is then '' and only a
#: missing field (a row with too few fields, padded) is NULL.
NO_NULL = "\x1e\x1f"


def _extra_names(header: Sequence[str]) -> list[str]:
    """Names for the columns that catch fields beyond the header, none of them a header name."""
    names: list[str] = []
    i = 0
    while len(names) < EXTRA_FIELDS:
        i += 1
        name = f"extra field {i}"
        if name not in header:
            names.append(name)
    return names


def _reader(source: DataSource, names: Sequence[str] = (), *, read: str = "fast") -> str:
    path = sql_text(str(source.path))
    if source.format == "parquet":
        return f"read_parquet({path})"
    struct = "{" + ", ".join(f"{sql_text(name)}: 'VARCHAR'" for name in names) + "}"
    extra = "" if source.encoding == "utf-8" else f", encoding = {sql_text(source.encoding)}"
    if read != "fast":
        extra += (
            ", parallel = false, store_rejects = true, "
            f"rejects_scan = 'reader_scans', rejects_table = {sql_text(READER_ERRORS)}"
        )
    return (
        f"read_csv({path}, header = true, auto_detect = false, columns = {struct}, "
        f"delim = {sql_text(source.delimiter)}, quote = '\"', escape = '\"', null_padding = true, "
        f"nullstr = {sql_text(NO_NULL)}{extra})"
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
    """The FROM clause for the file and its columns with their types (a CSV's header only, not
    the columns that catch extra fields)."""
    import duckdb

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
    return _reader(source, [*names, *_extra_names(names)]), dict.fromkeys(names, "VARCHAR")


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
    """SQL: true for a conversion, false for a touch that is not, NULL for a ``converted`` value
    that is neither (a rejected row)."""
    rule = source.conversion
    if rule.event is not None:
        if "event" not in columns:
            raise DataError(
                f"{source.path}:1: the conversion rule needs an 'event' column "
                f"(map it with columns.event); the header has: {', '.join(header)}"
            )
        event = sql_text(rule.event.strip().lower())
        value = sql_trim(f"CAST({sql_name(columns['event'])} AS VARCHAR)")
        return f"coalesce(lower({value}) = {event}, false)"
    if rule.column is not None:
        column = columns.get(rule.column, rule.column)
        if column not in header:
            raise DataError(
                f"{source.path}:1: conversion column {rule.column!r} is not in the file; "
                f"the header has: {', '.join(header)}"
            )
        wanted = sql_text((rule.value or "").strip().lower())
        value = sql_trim(f"CAST({sql_name(column)} AS VARCHAR)")
        return f"coalesce(lower({value}) = {wanted}, false)"
    if "converted" not in columns:
        return "false"
    text = f"CAST({sql_name(columns['converted'])} AS VARCHAR)"

    def flag(value: str) -> str:
        cases = [f"WHEN {sql_text(v)} THEN true" for v in TRUE_VALUES]
        cases += [f"WHEN {sql_text(v)} THEN false" for v in FALSE_VALUES]
        return f"CASE {value} {' '.join(cases)} END"

    # The usual values match at once; others are trimmed of all whitespace and read as a
    # number (1.00, 0e0) before the row is rejected. A bare 0 or 1, what exports write, is
    # read before any of that: lower() and trim() on every row cost 0.8 s of CPU at 10M rows.
    exact = f"lower({sql_trim(text)})"
    return f"""CASE {text} WHEN '0' THEN false WHEN '1' THEN true ELSE
               coalesce({flag(f"lower(trim({text}))")}, CASE WHEN {text} IS NULL THEN false END,
                        {flag(exact)}, CASE TRY_CAST({exact} AS DOUBLE) WHEN 1 THEN true
                                                                     WHEN 0 THEN false END)
               END"""


def _timestamp_sql(source: DataSource, column: str, kind: str) -> str:
    col = sql_name(column)
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return f"epoch_us(CAST({col} AS TIMESTAMPTZ))"
    text = f"CAST({col} AS VARCHAR)"

    def parsed(value: str) -> str:
        if source.timestamp_format:
            return f"try_strptime({value}, {sql_text(source.timestamp_format)})"
        return f"TRY_CAST({value} AS TIMESTAMPTZ)"

    # Trimming all whitespace is slower than trimming spaces: only for what fails without it.
    value = f"coalesce({parsed(f'trim({text})')}, {parsed(sql_trim(text))})"
    return f"epoch_us(CAST({value} AS TIMESTAMPTZ))"


def _text(columns: Mapping[str, str], name: str) -> str:
    """SQL: the field, trimmed of all surrounding whitespace, NULL when empty."""
    if name not in columns:
        return "CAST(NULL AS VARCHAR)"
    column = sql_name(columns[name])
    return f"nullif({sql_trim(f'CAST({column} AS VARCHAR)')}, '')"


def _raw(columns: Mapping[str, str], name: str) -> str:
    """SQL: the field as written (touchpoints and stages are trimmed per distinct value)."""
    if name not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"CAST({sql_name(columns[name])} AS VARCHAR)"


def _fields_sql(header: Sequence[str]) -> str:
    """SQL: what is wrong with a CSV row whose field count is not the header's ("3 fields,
    expected 8"), else NULL. A short row is padded with NULLs and a long one fills the extra
    columns (see :data:`NO_NULL`), so only rows whose last column is NULL or whose first extra
    one is not need counting."""
    extra = _extra_names(header)
    count = " + ".join(
        f"CAST({sql_name(name)} IS NOT NULL AS INTEGER)" for name in [*header, *extra]
    )
    expected = sql_text(f", expected {len(header)}")
    return (
        f"CASE WHEN {sql_name(header[-1])} IS NULL OR {sql_name(extra[0])} IS NOT NULL "
        f"THEN CASE WHEN {count} = 1 THEN '1 field' ELSE CAST({count} AS VARCHAR) || ' fields' "
        f"END || {expected} END"
    )


def load_events(
    con: duckdb.DuckDBPyConnection, source: DataSource
) -> tuple[dict[str, str], list[str], str]:
    """Step 1: the ``ev`` table, one row per file row in file order (rowid + 2 = file row).

    Returns the column mapping, the header, and which of :data:`READS` read it. A CSV row with
    too few fields, or up to :data:`EXTRA_FIELDS` too many, is read like any other and carries
    its field count (``fields``), to be rejected as unreadable at its line; a CSV the fast scan
    refuses (bytes that are not UTF-8, more fields still, line breaks inside quoted fields next
    to short rows) is read again (see :data:`READS`), the records the reader cannot parse set
    aside in :data:`READER_ERRORS` to be reported, not to fail the file.
    """
    from_clause, types = _describe(con, source)
    header = list(types)
    columns = resolve_columns(source, header)
    ts_col = columns["timestamp"]
    ts = _timestamp_sql(source, ts_col, types[ts_col])
    if "revenue" in columns:
        rev_col = sql_name(columns["revenue"])
        kind = types[columns["revenue"]]
        if kind in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER") or kind.startswith("DECIMAL"):
            rev = f"CAST({rev_col} AS DOUBLE)"
            rev_in = rev_col
        else:
            text = f"CAST({rev_col} AS VARCHAR)"
            rev_in = f"nullif(trim({text}), '')"
            # Failed casts are slow: only values the first one could not read try the second.
            rev = (
                f"coalesce(TRY_CAST({rev_in} AS DOUBLE), CASE WHEN {rev_in} IS NOT NULL "
                f"THEN TRY_CAST({sql_trim(text)} AS DOUBLE) END)"
            )
    else:
        rev, rev_in = "CAST(NULL AS DOUBLE)", "CAST(NULL AS VARCHAR)"
    conv = _conversion_sql(source, columns, header)
    conv_in = sql_name(columns["converted"]) if "converted" in columns else "NULL"
    fields = _fields_sql(header) if source.format == "csv" else "CAST(NULL AS VARCHAR)"
    all_columns = ", ".join(sql_name(name) for name in header)
    con.execute(f"SET TimeZone = {sql_text(source.timezone)}")
    # A timestamp outside the years 1 to 9999 is rejected as out of range, also one too far out
    # for the engine to parse at all (a year of five digits or more).
    in_range = f"ts_any >= {quality.FIRST_TIMESTAMP_US} AND ts_any < {quality.END_TIMESTAMP_US}"
    far_text = r"regexp_matches(ts_text, '^\s*[+-]?\d{5,}-\d')"
    sql = f"""
    CREATE TEMP TABLE ev AS
    SELECT CASE WHEN lead IS NOT NULL THEN hash(lead) END AS lead,
           CASE WHEN {in_range} THEN ts_any END AS ts,
           CASE WHEN ts_any IS NULL OR NOT ({in_range}) THEN ts_text END AS ts_raw,
           CASE WHEN ts_any IS NULL THEN {far_text} ELSE NOT ({in_range}) END AS ts_far,
           source, medium, campaign, hash(source, medium, campaign) AS sk, tp, stage, event,
           coalesce(conv, false) AS conv,
           CASE WHEN conv IS NULL THEN CAST(conv_in AS VARCHAR) END AS conv_raw,
           CASE WHEN isfinite(rev) THEN rev END AS rev,
           CASE WHEN rev_in IS NOT NULL
                     AND (rev IS NULL OR NOT isfinite(rev) OR rev > {quality.MAX_REVENUE})
                     AND {sql_trim("CAST(rev_in AS VARCHAR)")} <> ''
                THEN CAST(rev_in AS VARCHAR) END AS rev_raw,
           fields, h
    FROM (
      SELECT {_text(columns, "lead_id")} AS lead,
             {ts} AS ts_any,
             CAST({sql_name(ts_col)} AS VARCHAR) AS ts_text,
             coalesce(CAST({sql_name(columns["source"])} AS VARCHAR), '') AS source,
             coalesce(CAST({sql_name(columns["medium"])} AS VARCHAR), '') AS medium,
             coalesce({_raw(columns, "campaign")}, '') AS campaign,
             {_raw(columns, "touchpoint")} AS tp,
             {_raw(columns, "stage")} AS stage,
             {_raw(columns, "event")} AS event,
             {conv} AS conv,
             {conv_in} AS conv_in,
             {rev} AS rev,
             {rev_in} AS rev_in,
             {fields} AS fields,
             hash({all_columns}) AS h
      FROM {from_clause}
    )
    """
    import duckdb

    failure: duckdb.Error | None = None
    names = [*header, *_extra_names(header)]
    for read in READS if source.format == "csv" else READS[:1]:
        # A robust read that failed may have left its tables of set-aside records behind.
        con.execute(f"DROP TABLE IF EXISTS {READER_ERRORS}; DROP TABLE IF EXISTS reader_scans")
        try:
            con.execute(sql.replace(from_clause, _reader(source, names, read=read)))
        except duckdb.Error as error:
            failure = error
        else:
            return columns, header, read
    raise DataError(f"{source.path}: cannot read the file: {failure}") from failure


def set_aside(con: duckdb.DuckDBPyConnection, fields: int) -> list[tuple[int, str]]:
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
