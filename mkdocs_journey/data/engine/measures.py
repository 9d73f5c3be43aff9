# ruff: noqa: S608  -- SQL is built here on purpose; values go through sql_text() or sql_name().
"""Counts for KPI metrics and moments of truth, beside the funnel and the paths: event names,
a date window, the time span of the data, and who touched what before converting.

Three narrow hooks into the steps of :func:`mkdocs_journey.data.engine.run`:
:func:`name_events` (step 2, before rows are classified), :func:`keep_window` (after step 2,
before the journeys are put in order) and :func:`measure` (after step 3, from each lead's
ordered touches ``lt``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from mkdocs_journey.data.engine.common import (
    Measures,
    TimeWindow,
    key_part,
    leads_per_key,
    sql_text,
    sql_trim,
)

if TYPE_CHECKING:
    import duckdb

#: At most this many distinct event names are kept, the most frequent (a column of free text
#: must not fill an analysis); ``event:<name>`` of a rarer one then has no value.
EVENT_NAMES = 1000


def name_events(con: duckdb.DuckDBPyConnection) -> None:
    """Tables ``event_names`` (eid, name) and ``event_lookup`` (raw value, eid): the ``event``
    field trimmed and in lower case, looked up once per distinct value in the file."""
    con.execute(
        f"""CREATE TEMP TABLE event_raw AS
            SELECT raw, nullif(lower({sql_trim("raw")}), '') AS name
            FROM (SELECT DISTINCT event AS raw FROM ev WHERE event IS NOT NULL)"""
    )
    con.execute(
        """CREATE TEMP TABLE event_names AS
           SELECT name, CAST(row_number() OVER (ORDER BY name) AS INTEGER) AS eid
           FROM (SELECT DISTINCT name FROM event_raw WHERE name IS NOT NULL)"""
    )
    con.execute(
        """CREATE TEMP TABLE event_lookup AS
           SELECT r.raw, n.eid FROM event_raw r JOIN event_names n USING (name)"""
    )


def keep_window(con: duckdb.DuckDBPyConnection, window: TimeWindow | None) -> None:
    """Drop the used rows outside the window from ``clean``: they are neither used nor rejected.
    Days start at midnight in the session's time zone (the source's)."""
    outside = outside_window(window)
    if outside:
        con.execute(f"DELETE FROM clean WHERE {outside}")


def outside_window(window: TimeWindow | None) -> str:
    """SQL: true for a used row (its ``ts``) outside the window; "" for no window."""
    if not window:
        return ""
    outside = []
    if window.since is not None:
        outside.append(f"ts < {_midnight(window.since)}")
    if window.until is not None:
        outside.append(f"ts >= {_midnight(window.until + dt.timedelta(days=1))}")
    return " OR ".join(outside)


def _midnight(day: dt.date) -> str:
    return f"epoch_us(CAST({sql_text(day.isoformat())} AS TIMESTAMPTZ))"


def measure(
    con: duckdb.DuckDBPyConnection,
    touchpoints: Mapping[int, str],
    stages: Mapping[int, str],
    *,
    has_event_field: bool,
) -> Measures:
    """The data's time span, rows per event name, and reach before conversion (see
    :class:`Measures`), from ``clean`` and each lead's ordered touches ``lt``."""
    first, last = con.execute("SELECT min(ts), max(ts) FROM clean").fetchone() or (None, None)
    events = con.execute(
        f"""SELECT n.name, count(*) FROM clean c JOIN event_names n USING (eid)
            GROUP BY n.name ORDER BY count(*) DESC, n.name LIMIT {EVENT_NAMES + 1}"""
    ).fetchall()
    reach, stage_reach = _reach(con, sorted(k for k in touchpoints if k > 0), sorted(stages))
    return Measures(
        first_event_us=None if first is None else int(first),
        last_event_us=None if last is None else int(last),
        has_event_field=has_event_field,
        events=tuple((str(name), int(n)) for name, n in events[:EVENT_NAMES]),
        events_listed_all=len(events) <= EVENT_NAMES,
        reach=tuple(
            (touchpoints[key], leads, converters)
            for key, leads, converters in reach
            if key in touchpoints
        ),
        stage_reach=tuple(
            (stages[key], leads, converters)
            for key, leads, converters in stage_reach
            if key in stages
        ),
    )


def _reach(
    con: duckdb.DuckDBPyConnection, touchpoints: Sequence[int], stages: Sequence[int]
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """(key, leads, converters) for each of the ``touchpoints`` (ids) and ``stages`` (ids) that
    a lead touched before its first conversion (all of its touches if it never converted: a
    touch at the same time as the conversion, or after it, is not "before"), each lead counted
    once per key; keys no lead touched before converting are left out.

    Both from one pass over the leads (see :func:`leads_per_key`)."""
    if not touchpoints and not stages:
        return [], []
    flags = f"list_transform(k, lambda x: {key_part('x', 'conv')})"
    first_conversion = f"coalesce(list_position({flags}, true), 0)"
    earlier = f"{key_part('x', 'ts')} < {key_part('k[fc]', 'ts')}"
    before = f"""(SELECT fc > 0 AS converted,
                         CASE WHEN fc > 0 THEN list_filter(k, lambda x: {earlier}) ELSE k END AS b
                  FROM (SELECT k, {first_conversion} AS fc FROM lt))"""
    by_touchpoint, by_stage = leads_per_key(
        con,
        before,
        "b",
        [(key_part("x", "tid"), touchpoints), (key_part("x", "sid"), stages)],
        flag="converted",
    )
    return (
        sorted((key, leads, n) for key, (leads, n) in by_touchpoint.items()),
        sorted((key, leads, n) for key, (leads, n) in by_stage.items()),
    )
