# ruff: noqa: S608  -- SQL is built here on purpose; values go through sql_text() or sql_name().
"""Step 2: each row's rejection reason, channels, touchpoint and stage ids, the ``bad`` and
``clean`` tables; and the report of rejected rows at their file lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mkdocs_journey.data import lines, quality
from mkdocs_journey.data.channels import (
    ChannelSettings,
    channel_case_sql,
    source_categories,
)
from mkdocs_journey.data.engine.common import (
    CODE,
    LINE_LIMIT,
    DataError,
    MapShape,
    Rejected,
    sql_text,
    sql_trim,
    temp_table,
)
from mkdocs_journey.data.engine.measures import name_events
from mkdocs_journey.data.sources import DataSource

if TYPE_CHECKING:
    import duckdb


def classify(
    con: duckdb.DuckDBPyConnection,
    source: DataSource,
    shape: MapShape | None,
    settings: ChannelSettings,
) -> None:
    """Step 2: reasons, channels, the ``bad`` rows and the ``clean`` table of used rows.

    Exact duplicates are found later (:func:`deduplicate`), from each lead's ordered touches;
    both tables keep every row's hash of all its columns for that."""
    # Channel of each distinct (source, medium, campaign): the rules run on a small table.
    categories = source_categories(settings)
    temp_table(con, "cats", {"source": "VARCHAR", "category": "VARCHAR"}, list(categories.items()))
    con.execute(
        f"""
        CREATE TEMP TABLE combos AS
        WITH d AS (
          SELECT sk, any_value(source) AS source, any_value(medium) AS medium,
                 any_value(campaign) AS campaign
          FROM ev GROUP BY sk),
        n AS (
          SELECT sk, source, medium, campaign,
                 coalesce(nullif(lower({sql_trim("source")}), ''), '(not set)') AS s,
                 coalesce(nullif(lower({sql_trim("medium")}), ''), '(not set)') AS m,
                 lower({sql_trim("campaign")}) AS c
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
    # Touchpoint and stage values are trimmed and looked up once per distinct value in the file,
    # not once per row: tp_lookup and stage_lookup map each raw value to its name and its id.
    con.execute(
        f"""CREATE TEMP TABLE tp_raw AS
            SELECT raw, nullif({sql_trim("raw")}, '') AS tp
            FROM (SELECT DISTINCT tp AS raw FROM ev WHERE tp IS NOT NULL)"""
    )
    con.execute(
        f"""CREATE TEMP TABLE stage_raw AS
            SELECT raw, nullif({sql_trim("raw")}, '') AS name
            FROM (SELECT DISTINCT stage AS raw FROM ev WHERE stage IS NOT NULL)"""
    )
    stages = list(enumerate(shape.stages, start=1)) if shape is not None else []
    temp_table(con, "stage_ids", {"sid": "INTEGER", "name": "VARCHAR"}, stages)
    checks = ""
    if shape is not None:
        # A stage column matches a stage of the map without regard to case.
        con.execute(
            f"""CREATE TEMP TABLE stage_lookup AS
                SELECT r.raw, r.name, s.sid FROM stage_raw r
                LEFT JOIN stage_ids s ON lower({sql_trim("s.name")}) = lower(r.name)"""
        )
        known = list(shape.touchpoint_stages.items()) + [
            (tp, None) for tp in shape.other_touchpoints if tp not in shape.touchpoint_stages
        ]
        temp_table(con, "map_tp", {"tp": "VARCHAR", "stage": "VARCHAR"}, known)
        # Ids only for the touchpoints of the maps using the source: a value on none of them is
        # a rejected row and needs no id (page paths in the column cost nothing).
        con.execute(
            """
            CREATE TEMP TABLE tp_ids AS
            SELECT tp, CAST(row_number() OVER (ORDER BY tp) AS INTEGER) AS tid
            FROM (SELECT DISTINCT tp FROM tp_raw WHERE tp IS NOT NULL) SEMI JOIN map_tp USING (tp)
            """
        )
        con.execute(
            """CREATE TEMP TABLE tp_lookup AS
               SELECT r.raw, r.tp, t.tid, s.sid
               FROM tp_raw r LEFT JOIN tp_ids t USING (tp)
               LEFT JOIN map_tp m USING (tp) LEFT JOIN stage_ids s ON s.name = m.stage"""
        )
        checks = f"""
            WHEN s.name IS NOT NULL AND s.sid IS NULL THEN {sql_text(quality.UNKNOWN_STAGE)}
            WHEN t.tp IS NOT NULL AND t.tid IS NULL THEN {sql_text(quality.UNKNOWN_TOUCHPOINT)}"""
    else:
        con.execute(
            """INSERT INTO stage_ids
               SELECT CAST(row_number() OVER (ORDER BY name) AS INTEGER), name
               FROM (SELECT DISTINCT name FROM stage_raw WHERE name IS NOT NULL)"""
        )
        con.execute(
            """CREATE TEMP TABLE stage_lookup AS
               SELECT r.raw, r.name, s.sid FROM stage_raw r LEFT JOIN stage_ids s USING (name)"""
        )
        _touchpoint_ids(con)
    _check_code_widths(con, source)
    name_events(con)
    q = quality
    con.execute(
        f"""
        CREATE TEMP VIEW cls AS
        SELECT line, lead, ts, tp, tid, sid, eid, conv, rev, cid, kid, reason,
               CASE reason
                 WHEN {sql_text(q.UNREADABLE)} THEN fields
                 WHEN {sql_text(q.BAD_TIMESTAMP)} THEN coalesce(ts_raw, '')
                 WHEN {sql_text(q.FAR_TIMESTAMP)} THEN ts_raw
                 WHEN {sql_text(q.NON_NUMERIC_REVENUE)} THEN rev_raw
                 WHEN {sql_text(q.NEGATIVE_REVENUE)} THEN CAST(rev AS VARCHAR)
                 WHEN {sql_text(q.REVENUE_TOO_LARGE)} THEN rev_raw
                 WHEN {sql_text(q.UNKNOWN_CONVERTED)} THEN conv_raw
                 WHEN {sql_text(q.UNKNOWN_STAGE)} THEN stage
                 WHEN {sql_text(q.UNKNOWN_TOUCHPOINT)} THEN tp
               END AS detail,
               h
        FROM (
          SELECT e.rowid + 2 AS line, e.lead, e.ts, t.tp, coalesce(t.tid, 0) AS tid,
                 coalesce(s.sid, t.sid, 0) AS sid, coalesce(v.eid, 0) AS eid,
                 e.conv, e.rev, c.cid, c.kid,
                 e.fields, e.ts_raw, e.rev_raw, e.conv_raw, s.name AS stage, e.h,
                 CASE
                   WHEN e.fields IS NOT NULL THEN {sql_text(q.UNREADABLE)}
                   WHEN e.lead IS NULL THEN {sql_text(q.MISSING_LEAD)}
                   WHEN e.ts IS NULL AND e.ts_far THEN {sql_text(q.FAR_TIMESTAMP)}
                   WHEN e.ts IS NULL THEN {sql_text(q.BAD_TIMESTAMP)}
                   WHEN e.rev IS NULL AND e.rev_raw IS NOT NULL
                     THEN {sql_text(q.NON_NUMERIC_REVENUE)}
                   WHEN e.rev < 0 THEN {sql_text(q.NEGATIVE_REVENUE)}
                   WHEN e.rev_raw IS NOT NULL THEN {sql_text(q.REVENUE_TOO_LARGE)}
                   WHEN e.conv_raw IS NOT NULL THEN {sql_text(q.UNKNOWN_CONVERTED)}
                   {checks}
                 END AS reason
          FROM ev e
          JOIN combo_ids c ON c.sk = e.sk
          LEFT JOIN tp_lookup t ON t.raw = e.tp
          LEFT JOIN stage_lookup s ON s.raw = e.stage
          LEFT JOIN event_lookup v ON v.raw = e.event)
        """
    )
    # One pass over the rows writes them all, each with a flag for a rejected row; only when
    # some row is rejected does a second pass over the view pick those out with their details
    # (and they leave ``clean``). Writing ``clean`` and ``bad`` each from the view ran the
    # lookups over every row twice: 0.7 to 1.1 s of CPU at 10M rows, even with no row rejected.
    con.execute(
        """
        CREATE TEMP TABLE clean AS
        SELECT line, lead, ts, kid, cid, tid, sid, eid, conv,
               CASE WHEN conv THEN coalesce(rev, 0) ELSE 0 END AS value, h,
               reason IS NOT NULL AS rejected
        FROM cls
        """
    )
    rejected = con.execute("SELECT count(*) FROM clean WHERE rejected").fetchone()[0]  # type: ignore[index]
    con.execute(
        f"""CREATE TEMP TABLE bad AS
            SELECT line, reason, detail, CAST(NULL AS BIGINT) AS same_as, tp, h
            FROM cls WHERE {"reason IS NOT NULL" if rejected else "false"}"""
    )
    if rejected:
        con.execute("DELETE FROM clean WHERE rejected")
    con.execute("ALTER TABLE clean DROP COLUMN rejected")


#: Without a map, at most this many distinct touchpoints get ids of their own (the most
#: frequent); the rest share one, named :data:`OTHER_TOUCHPOINTS`, so that a file with page paths
#: in its touchpoint column is analysed, not refused. Ids fill 16 bits of a touch's sort key.
TOUCHPOINT_IDS = CODE - 2
OTHER_TOUCHPOINTS = "(other touchpoints)"


def _touchpoint_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Tables ``tp_ids`` and ``tp_lookup`` of a file analysed without a map."""
    con.execute(
        """
        CREATE TEMP TABLE tp_ids AS
        SELECT tp, CAST(row_number() OVER (ORDER BY tp) AS INTEGER) AS tid
        FROM (SELECT DISTINCT tp FROM tp_raw WHERE tp IS NOT NULL)
        """
    )
    other = "NULL"
    distinct = con.execute("SELECT count(*) FROM tp_ids").fetchone()[0]  # type: ignore[index]
    if distinct > TOUCHPOINT_IDS:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE tp_ids AS
            SELECT tp, CAST(row_number() OVER (ORDER BY tp) AS INTEGER) AS tid
            FROM (SELECT r.tp FROM ev e JOIN tp_raw r ON r.raw = e.tp WHERE r.tp IS NOT NULL
                  GROUP BY r.tp ORDER BY count(*) DESC, r.tp LIMIT {TOUCHPOINT_IDS})
            UNION ALL SELECT {sql_text(OTHER_TOUCHPOINTS)}, {CODE - 1}
            """
        )
        other = str(CODE - 1)
    con.execute(
        f"""CREATE TEMP TABLE tp_lookup AS
            SELECT r.raw, r.tp, CASE WHEN r.tp IS NOT NULL THEN coalesce(t.tid, {other}) END
                   AS tid, CAST(NULL AS INTEGER) AS sid
            FROM tp_raw r LEFT JOIN tp_ids t USING (tp)"""
    )


def _check_code_widths(con: duckdb.DuckDBPyConnection, source: DataSource) -> None:
    """Touches are packed into one 128-bit sort key (see :func:`.common.key_part`); refuse what
    does not fit instead of mixing codes up."""
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


def rejections(
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
    found = {
        reason: Rejected(
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
    }
    if unreadable:
        # Rows with the wrong number of fields were read and rejected by the engine; the records
        # the reader set aside are not in its table: one reason, both kinds, in file order.
        mine = found.get(quality.UNREADABLE)
        examples = sorted(
            [(set_aside[position], detail) for position, detail in unreadable[: quality.EXAMPLES]]
            + list(mine.examples if mine else ())
        )[: quality.EXAMPLES]
        count = len(unreadable) + (mine.count if mine else 0)
        found[quality.UNREADABLE] = Rejected(quality.UNREADABLE, count, tuple(examples))
    order = {reason: i for i, reason in enumerate(quality.REASONS)}
    return tuple(sorted(found.values(), key=lambda r: order.get(r.reason, len(order))))
