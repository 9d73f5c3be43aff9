# ruff: noqa: S608  -- SQL is built here on purpose; values go through sql_text() or sql_name().
"""The one package that talks to the analytical engine (DuckDB); :func:`run` is its entry point
(:func:`run_windows`: the same for several date windows, from one read of the file).

Every query of the analytics lives here, in three steps, so that the same steps can later run on a
distributed engine:

1. **events** (:mod:`.reading`): read the file (CSV or Parquet) column-wise, map its columns to
   event fields, parse timestamps and revenue, and hash each raw row (for exact duplicates);
2. **clean events** (:mod:`.events`): give every row its first rejection reason (see
   :mod:`mkdocs_journey.data.quality`), group channels, and keep the used rows;
3. **path table and aggregates** (:mod:`.journeys`, :mod:`.aggregates`): put each lead's touches
   in time order (one list per lead), drop exact duplicates, split the lists into paths, count
   identical paths (the path table), and compute the stage, channel and insight aggregates from
   the same ordered lists.

Everything after step 3 (attribution models, funnel shares, view models) is plain Python over
small aggregated tables.

DuckDB itself is imported where a query runs, not with this package: its import costs about
70 ms, and a build whose analyses all come from the cache never runs one.

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
analysis inside a fixed memory budget: it aggregates out of core under ``memory_limit`` where Polars
holds everything in RAM (1.75 GB for the bare three-column query; a Polars version of the whole
analysis, tried, peaked at 2.0 GB and took 13 s), and the budget is 1.5 GB peak RSS at 10M rows
(``MEMORY_LIMIT``). DuckDB's slow part, ordered aggregates and windows over ten million rows, is
avoided: each touch becomes one 128-bit integer whose order is (time, file row) and which carries
the conversion flag and the stage, channel and touchpoint ids; an *unordered* list per lead sorted
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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from mkdocs_journey.data import quality
from mkdocs_journey.data.channels import (
    UNASSIGNED,
    ChannelSettings,
    channel_case_sql,
    source_categories,
)
from mkdocs_journey.data.engine.aggregates import (
    channel_counts,
    key_totals,
    path_insights,
    stage_funnel,
)
from mkdocs_journey.data.engine.common import (
    LISTED,
    LOCK,
    ONE_THREAD_BELOW,
    DataError,
    EngineOutput,
    FunnelCounts,
    MapShape,
    Measures,
    Rejected,
    TimeWindow,
    connection,
    exact_sum,
    sql_name,
    sql_text,
    sql_trim,
    temp_table,
)
from mkdocs_journey.data.engine.events import (
    OTHER_TOUCHPOINTS,
    classify,
    rejections,
)
from mkdocs_journey.data.engine.journeys import (
    aggregate_paths,
    deduplicate,
    order_touches,
    path_table_rows,
    split_paths,
    steps_across_conversions,
)
from mkdocs_journey.data.engine.measures import keep_window, measure, outside_window
from mkdocs_journey.data.engine.reading import load_events, resolve_columns, set_aside
from mkdocs_journey.data.paths import (
    AttributionSettings,
    TimeDecay,
    TouchShare,
)
from mkdocs_journey.data.sources import DataSource

if TYPE_CHECKING:
    import duckdb

#: What the rest of the package uses: one entry point per job, and the shapes of its results.
__all__ = [
    "OTHER_TOUCHPOINTS",
    "DataError",
    "EngineOutput",
    "FunnelCounts",
    "MapShape",
    "Measures",
    "Rejected",
    "TimeWindow",
    "group_channels",
    "resolve_columns",
    "run",
    "run_windows",
]


def run(
    source: DataSource,
    shape: MapShape | None,
    settings: ChannelSettings,
    rules: Mapping[str, TouchShare | TimeDecay],
    attribution: AttributionSettings | None = None,
    window: TimeWindow | None = None,
) -> EngineOutput:
    """Read ``source`` and compute every aggregate the analytics need, and the credits of the
    rule-based models in ``rules`` (by model name); the Markov chain at the order and the
    channel path table's rows for the resamples ``attribution`` asks for; from the events
    inside ``window`` if one is given. Raises :class:`DataError`, also for a failure of the
    engine itself (a memory limit, say): a build reports it for the source and goes on, it never
    ends in a traceback."""
    return run_windows(
        source, shape, settings, rules, [(attribution or AttributionSettings(), window)]
    )[0]


def run_windows(
    source: DataSource,
    shape: MapShape | None,
    settings: ChannelSettings,
    rules: Mapping[str, TouchShare | TimeDecay],
    jobs: Sequence[tuple[AttributionSettings, TimeWindow | None]],
) -> list[EngineOutput]:
    """What :func:`run` gives for each (attribution, window) of ``jobs``, in order, from one
    read of the file: it is loaded and its rows classified once, then each job runs the steps
    that follow (window, order, duplicates, paths, aggregates) on its own copy of the classified
    rows. A map and the date windows of its KPIs: one read instead of one per window."""
    import duckdb

    if not jobs:
        return []
    try:
        return _run(source, shape, settings, rules, jobs)
    except duckdb.Error as error:
        message = f"{source.file_label}: the analysis failed in the engine: {error}"
        raise DataError(message) from error


#: The classified rows each job of :func:`run_windows` starts from (all but the last take a
#: copy; the last takes the tables themselves, so that one job copies nothing).
_ALL_CLEAN, _ALL_BAD = "all_clean", "all_bad"


def _run(
    source: DataSource,
    shape: MapShape | None,
    settings: ChannelSettings,
    rules: Mapping[str, TouchShare | TimeDecay],
    jobs: Sequence[tuple[AttributionSettings, TimeWindow | None]],
) -> list[EngineOutput]:
    with LOCK, connection(one_thread=_small(source)) as con:
        columns, header, read = load_events(con, source)
        unreadable = set_aside(con, len(header)) if read != "fast" else []
        classify(con, source, shape, settings)
        records = int(con.execute("SELECT count(*) FROM ev").fetchone()[0])  # type: ignore[index]
        con.execute("DROP VIEW cls")
        con.execute("DROP TABLE ev")  # frees memory for the aggregates that follow
        if len(jobs) == 1:
            attribution, window = jobs[0]
            keep_window(con, window)
            return [_analyse(con, source, shape, rules, attribution, columns, records, unreadable)]
        con.execute(f"ALTER TABLE clean RENAME TO {_ALL_CLEAN}")
        con.execute(f"ALTER TABLE bad RENAME TO {_ALL_BAD}")
        shared = _temp_names(con)
        # The windows first, each from a copy of its own rows only; the whole file last, from
        # the classified tables themselves: no job copies every used row.
        order = sorted(range(len(jobs)), key=lambda number: not jobs[number][1])
        outputs: dict[int, EngineOutput] = {}
        for number in order:
            attribution, window = jobs[number]
            if number != order[-1]:
                outside = outside_window(window)
                where = f" WHERE NOT ({outside})" if outside else ""
                con.execute(f"CREATE TEMP TABLE clean AS FROM {_ALL_CLEAN}{where}")
                con.execute(f"CREATE TEMP TABLE bad AS FROM {_ALL_BAD}")
            else:
                con.execute(f"ALTER TABLE {_ALL_CLEAN} RENAME TO clean")
                con.execute(f"ALTER TABLE {_ALL_BAD} RENAME TO bad")
                keep_window(con, window)
            outputs[number] = _analyse(
                con, source, shape, rules, attribution, columns, records, unreadable
            )
            # What this job made goes, before the next job makes its own of the same names.
            for kind, name in _temp_names(con) - shared:
                con.execute(f"DROP {kind} {name}")
        return [outputs[number] for number in range(len(jobs))]


def _small(source: DataSource) -> bool:
    """Whether ``source`` is a file small enough for one thread (see ``ONE_THREAD_BELOW``); a
    file that cannot be looked at is left to :func:`load_events` to report."""
    try:
        return source.path.stat().st_size < ONE_THREAD_BELOW
    except OSError:
        return False


def _temp_names(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(TABLE or VIEW, quoted name) of the connection's temporary tables and views."""
    rows = con.execute(
        """SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary
           UNION ALL
           SELECT 'VIEW', view_name FROM duckdb_views() WHERE temporary AND NOT internal"""
    ).fetchall()
    return {(str(kind), sql_name(str(name))) for kind, name in rows}


def _analyse(
    con: duckdb.DuckDBPyConnection,
    source: DataSource,
    shape: MapShape | None,
    rules: Mapping[str, TouchShare | TimeDecay],
    attribution: AttributionSettings,
    columns: dict[str, str],
    records: int,
    unreadable: list[tuple[int, str]],
) -> EngineOutput:
    """Step 3 and what follows, for the classified rows in ``clean`` and ``bad`` (the used rows
    already cut to the job's window)."""
    shares = {name: rule for name, rule in rules.items() if isinstance(rule, TouchShare)}
    decays = {name: rule for name, rule in rules.items() if isinstance(rule, TimeDecay)}
    rows_read = records + len(unreadable)
    order_touches(con)
    deduplicate(con)
    rejected_rows = con.execute(
        f"""SELECT reason, count(*),
                   min_by(struct_pack(line, detail, same_as), line, {quality.EXAMPLES})
            FROM bad GROUP BY reason"""
    ).fetchall()
    rejected = rejections(source, records, rejected_rows, unreadable)
    unknown = con.execute(
        f"""SELECT tp, count(*) FROM bad WHERE reason = {sql_text(quality.UNKNOWN_TOUCHPOINT)}
            GROUP BY tp ORDER BY count(*) DESC, tp LIMIT {LISTED}"""
    ).fetchall()
    con.execute("DROP TABLE bad")
    with_tps = "touchpoint" in columns
    channels = dict(con.execute("SELECT cid, channel FROM channel_ids").fetchall())
    touchpoints = {0: "(not set)", **dict(con.execute("SELECT tid, tp FROM tp_ids").fetchall())}
    split_paths(con, list(decays.values()))
    rows_used, leads, paths, conversions, converters, revenue = con.execute(
        # Every lead has at least one path: its leads are the rows of ``lt``, not a distinct
        # count over the paths (0.3 s at 10M rows).
        f"""SELECT (SELECT count(*) FROM clean), (SELECT count(*) FROM lt), count(*),
                  count(*) FILTER (WHERE converted),
                  count(DISTINCT lead) FILTER (WHERE converted),
                  coalesce({exact_sum("value", where="converted")}, 0)
           FROM paths"""
    ).fetchone()  # type: ignore[misc]
    order = attribution.markov_order
    channel_paths = aggregate_paths(con, "c", channels, shares, decays, order)
    channel_rows = (
        path_table_rows(con, "c", channels, shares, decays, order, attribution.max_rows)
        if attribution.resamples > 0
        else None
    )
    channel_table_size = int(con.execute("SELECT count(*) FROM pt").fetchone()[0])  # type: ignore[index]
    touchpoint_paths = (
        aggregate_paths(con, "t", touchpoints, shares, decays, order) if with_tps else None
    )
    conversion_steps = steps_across_conversions(con, touchpoints) if with_tps else {}
    funnel, stage_channels = stage_funnel(con, shape, channels)
    if with_tps:
        channel_ids = channel_counts(con, sorted(channels))
        touchpoint_ids = key_totals(con, "tid", "WHERE tid > 0")
    else:
        channel_ids = key_totals(con, "cid", "")
        touchpoint_ids = []
    channel_totals = [(channels[c], t, n) for c, t, n in channel_ids]
    touchpoint_totals = [(touchpoints[k], t, n) for k, t, n in touchpoint_ids]
    unassigned = con.execute(
        f"""SELECT k.source, k.medium, count(*) FROM clean c JOIN combo_ids k USING (kid)
            WHERE k.channel = {sql_text(UNASSIGNED)}
            GROUP BY k.source, k.medium ORDER BY count(*) DESC, k.source, k.medium
            LIMIT {LISTED}"""
    ).fetchall()
    insights = path_insights(
        con, touchpoints if with_tps else channels, touchpoint_ids if with_tps else channel_ids
    )
    stages = dict(con.execute("SELECT sid, name FROM stage_ids").fetchall())
    measures = measure(
        con, touchpoints if with_tps else {}, stages, has_event_field="event" in columns
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
        conversion_steps=conversion_steps,
        channel_rows=channel_rows,
        channel_table_size=channel_table_size,
        funnel=funnel,
        stage_channels=stage_channels,
        channel_totals=tuple((c, int(t), int(n)) for c, t, n in channel_totals),
        touchpoint_totals=tuple((k, int(t), int(n)) for k, t, n in touchpoint_totals),
        unknown_touchpoints=tuple((tp, int(n)) for tp, n in unknown),
        insights=insights,
        unassigned=tuple((s, m, int(n)) for s, m, n in unassigned),
        insight_subject="touchpoint" if with_tps else "channel",
        measures=measures,
    )


def group_channels(
    rows: Sequence[tuple[str, str, str]], settings: ChannelSettings | None = None
) -> list[str]:
    """The channel of each (source, medium, campaign), computed by the engine (tests, CLI)."""
    settings = settings or ChannelSettings()
    if not rows:
        return []
    with LOCK, connection() as con:
        temp_table(
            con,
            "cats",
            {"source": "VARCHAR", "category": "VARCHAR"},
            list(source_categories(settings).items()),
        )
        temp_table(
            con,
            "input",
            {"i": "INTEGER", "source": "VARCHAR", "medium": "VARCHAR", "campaign": "VARCHAR"},
            [(i, s, m, c) for i, (s, m, c) in enumerate(rows)],
        )
        result = con.execute(
            f"""
            WITH n AS (
              SELECT i, coalesce(nullif(lower({sql_trim("source")}), ''), '(not set)') AS s,
                     coalesce(nullif(lower({sql_trim("medium")}), ''), '(not set)') AS m,
                     coalesce(lower({sql_trim("campaign")}), '') AS c
              FROM input)
            SELECT {channel_case_sql(settings, "n.s", "n.m", "n.c", "cats.category")}
            FROM n LEFT JOIN cats ON cats.source = n.s ORDER BY i
            """
        ).fetchall()
    return [row[0] for row in result]
