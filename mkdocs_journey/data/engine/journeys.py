# ruff: noqa: S608  -- SQL is built here on purpose; values go through sql_text() or sql_name().
"""Step 3: each lead's touches in order, duplicates, paths, and the path table's aggregates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mkdocs_journey.data import quality
from mkdocs_journey.data.channels import DIRECT
from mkdocs_journey.data.engine.common import (
    CODE,
    TS_OFFSET,
    exact_sum,
    key_part,
    sql_name,
    sql_text,
)
from mkdocs_journey.data.paths import (
    START,
    ChainCounts,
    Credit,
    Credits,
    PathAggregates,
    PathRow,
    PathTableRows,
    State,
    TimeDecay,
    TouchShare,
)

if TYPE_CHECKING:
    import duckdb


def order_touches(con: duckdb.DuckDBPyConnection) -> None:
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


def deduplicate(con: duckdb.DuckDBPyConnection) -> None:
    """Exact duplicates: rows whose hash of every column equals an earlier row's (64-bit hash).

    Identical rows have identical values, so they share a reason: either both are used or both
    are rejected. Used ones share their lead and time, so they sit next to each other in the
    lead's ordered touches (``lt``): only such neighbours are compared, instead of grouping
    every row of the file by its hash. Rejected rows (usually few) are compared directly. A
    duplicate is rejected as one, whatever else is wrong with it, and leaves ``clean`` and
    ``lt``; the first copy stays."""
    ts = key_part("k[i]", "ts")
    before = key_part("k[i - 1]", "ts")
    # Each touch sharing its time with a neighbour, with its lead and its position in ``k``.
    con.execute(
        f"""
        CREATE TEMP TABLE same_time AS
        SELECT DISTINCT lead, n, unnest([i - 1, i]) AS pos,
                        unnest([{key_part("k[i - 1]", "line")}, {key_part("k[i]", "line")}])
                        AS line
        FROM (SELECT lead, k, len(k) AS n,
                     unnest(list_filter(range(2, len(k) + 1), lambda i: {ts} = {before})) AS i
              FROM lt WHERE len(k) > 1)
        """
    )
    # A row with the wrong number of fields is unreadable first (its hash covers the header's
    # columns only), never a duplicate.
    con.execute(
        f"""
        CREATE TEMP TABLE dup AS
        SELECT line, first_line, used, lead, n, pos FROM (
          SELECT line, min(line) OVER (PARTITION BY h) AS first_line,
                 count(*) OVER (PARTITION BY h) AS copies, used, lead, n, pos
          FROM (SELECT c.line, c.h, true AS used, s.lead, s.n, s.pos
                FROM clean c JOIN same_time s USING (line)
                UNION ALL
                SELECT line, h, false, NULL, NULL, NULL FROM bad
                WHERE reason <> {sql_text(quality.UNREADABLE)}))
        WHERE copies > 1 AND line > first_line
        """
    )
    if not con.execute("SELECT count(*) FROM dup").fetchone()[0]:  # type: ignore[index]
        return
    con.execute(
        f"""UPDATE bad SET reason = {sql_text(quality.DUPLICATE)}, detail = NULL,
                          same_as = d.first_line
            FROM dup d WHERE NOT d.used AND bad.line = d.line"""
    )
    con.execute(
        f"""INSERT INTO bad
            SELECT line, {sql_text(quality.DUPLICATE)}, NULL, first_line, NULL, NULL
            FROM dup WHERE used"""
    )
    # Keep the touches between the duplicates' positions: list_select over the kept positions
    # is linear in the lead's touches, where testing each touch against the list of duplicates
    # (or slicing the list, which copies it whole) is quadratic for a lead with many touches.
    con.execute(
        """
        UPDATE lt SET k = list_select(lt.k, flatten(list_transform(
                range(1, len(d.b)), lambda j: range(d.b[j] + 1, d.b[j + 1]))))
        FROM (SELECT lead, list_concat([0], list_sort(list(pos)), [any_value(n) + 1]) AS b
              FROM dup WHERE used GROUP BY lead) d
        WHERE lt.lead = d.lead
        """
    )
    con.execute("DELETE FROM clean WHERE line IN (SELECT line FROM dup WHERE used)")


def _named_rows(con: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, Any]]:
    """The rows of ``query``, each a mapping from column name to value."""
    cursor = con.execute(query)
    columns = [column[0] for column in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def split_paths(con: duckdb.DuckDBPyConnection, decays: Sequence[TimeDecay] = ()) -> None:
    """Step 3b: paths, slices of each lead's ordered touches cut after each conversion.

    Time decay (one weight per rule of ``decays``, field ``w<i>`` of each touch of ``decay``):
    weight 2^(-age / half-life) with the age measured to the path's conversion, normalised later
    (``decay_total<i>``: the sum of a path's weights, kept as a column so that it is not summed
    again for every touch when the paths are unnested)."""
    last = "seg[-1]"
    weights = "".join(
        f", w{i} := pow(2.0, ({key_part('x', 'ts')} - last_ts) / {_half_life_us(rule)}.0)"
        for i, rule in enumerate(decays)
    )
    totals = "".join(
        f", list_sum(list_transform(decay, lambda y: y.w{i})) AS decay_total{i}"
        for i in range(len(decays))
    )
    # A path's value is its conversion's revenue, joined by row: far cheaper than carrying
    # revenue through the list aggregate.
    con.execute(
        f"""
        CREATE TEMP TABLE paths AS
        SELECT *{totals} FROM (
        SELECT p.lead, p.converted, coalesce(v.value, 0) AS value,
               list_transform(seg, lambda x: {key_part("x", "code")}) AS codes,
               CASE WHEN p.converted THEN list_transform(seg, lambda x: struct_pack(
                   c := {key_part("x", "cid")}, t := {key_part("x", "tid")}{weights}))
               END AS decay
        FROM (
          SELECT lead, seg, {key_part(last, "conv")} AS converted,
                 {key_part(last, "line")} AS last_line, {key_part(last, "ts")} AS last_ts
          FROM (
            SELECT lead, list_select(k, range(b.s, b.e + 1)) AS seg
            FROM (
              -- path bounds: from after the previous conversion to the next one (or the end)
              SELECT lead, k, unnest(list_transform(e, lambda x, i: struct_pack(
                       s := CASE WHEN i = 1 THEN 1 ELSE e[i - 1] + 1 END, e := x))) AS b
              FROM (
                SELECT lead, k,
                       CASE WHEN {key_part("k[-1]", "conv")} THEN c
                            ELSE list_append(c, len(k)) END AS e
                FROM (SELECT lead, k, list_filter(range(1, len(k) + 1),
                                                  lambda i: {key_part("k[i]", "conv")}) AS c
                      FROM lt))))) p
        LEFT JOIN (SELECT lead, line, value FROM clean WHERE conv) v
          ON p.converted AND v.lead = p.lead AND v.line = p.last_line)
        """
    )


def steps_across_conversions(
    con: duckdb.DuckDBPyConnection, names: Mapping[int, str]
) -> dict[tuple[str, str], int]:
    """Touchpoint steps from a converting touch to the same lead's next touch: (from, to) ->
    times. Paths end at a conversion (attribution credits each path on its own), so their
    steps never cross one; a journey map's flow does (Decision's checkout leads on to
    Retention's kick-off), and its diagram needs them. Repeats (the same touchpoint on both
    sides) are left out, as in the paths' steps."""
    rows = con.execute(
        f"""
        SELECT f, t, count(*) FROM (
          SELECT {key_part("k[i]", "tid")} AS f, {key_part("k[i + 1]", "tid")} AS t
          FROM (SELECT k, unnest(list_filter(range(1, len(k)),
                                             lambda i: {key_part("k[i]", "conv")})) AS i
                FROM lt))
        WHERE f <> t
        GROUP BY f, t
        """
    ).fetchall()
    return {(names[f], names[t]): int(n) for f, t, n in rows if f in names and t in names}


def _half_life_us(rule: TimeDecay) -> int:
    """The half-life in whole microseconds, the unit of the sort keys' times."""
    return round(rule.half_life_days * 86_400 * 1_000_000)


def aggregate_paths(
    con: duckdb.DuckDBPyConnection,
    part: str,
    names: Mapping[int, str],
    shares: Mapping[str, TouchShare],
    decays: Mapping[str, TimeDecay],
    markov_order: int = 1,
    top: int = 20,
) -> PathAggregates:
    """Step 3b: the path table (identical paths counted together) and everything the models
    need from it, computed in the engine so that a large path table never reaches Python.

    ``part`` picks the channel (``c``) or the touchpoint (``t``) of each touch. ``shares`` and
    ``decays``: the rule-based models by name (see :class:`TouchShare`, :class:`TimeDecay`;
    ``decays`` in the order :func:`split_paths` was given them); their credits are read back
    by name. The path table stays behind as table ``pt`` (see :func:`path_table_rows`).
    """
    key = f"x // {CODE}" if part == "c" else f"x % {CODE}"
    direct = next((i for i, name in names.items() if name == DIRECT), -1) if part == "c" else -1
    # A path's length and last non-direct position are columns of the path table, computed once
    # per distinct path: written in the query that unnests the paths, DuckDB would compute them
    # again for every touch, quadratic in the length of a path.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE pt AS
        SELECT chs, len(chs) AS n,
               coalesce(list_max(list_filter(range(1, len(chs) + 1),
                                             lambda i: chs[i] <> {direct})), len(chs)) AS lnd,
               conversions, value, nulls
        FROM (
          SELECT chs,
                 count(*) FILTER (WHERE converted) AS conversions,
                 coalesce({exact_sum("value", where="converted")}, 0) AS value,
                 count(*) FILTER (WHERE NOT converted) AS nulls
          FROM (SELECT list_transform(codes, lambda x: {key}) AS chs, converted, value FROM paths)
          GROUP BY chs)
        """
    )
    credits: dict[str, Credits] = {model: {} for model in (*shares, *decays)}
    for model, rows in _rule_credits(con, "pt", part, names, shares, decays).items():
        credits[model] = {key: Credit(c, v) for _, key, c, v in rows}
    steps = [(f, t, n) for _, f, t, n in _collapsed_steps(con, "pt", names)]
    endings = [(last, c, v, n) for _, last, c, v, n in _collapsed_endings(con, "pt", names)]
    chain = None
    if markov_order > 1:
        chain = ChainCounts(
            markov_order,
            {(f, t): n for _, f, t, n in _chain_steps(con, "pt", names, markov_order)},
            {
                last: (c, v, n)
                for _, last, c, v, n in _chain_endings(con, "pt", names, markov_order)
            },
        )
    top_rows = con.execute(
        f"""SELECT chs, conversions, value, nulls FROM pt
            ORDER BY conversions DESC, nulls DESC, chs LIMIT {int(top)}"""
    ).fetchall()
    return PathAggregates(
        credits=credits,
        steps={(f, t): n for f, t, n in steps},
        endings={last: (c, v, n) for last, c, v, n in endings},
        top_paths=tuple(
            PathRow(tuple(names[k] for k in chs), int(c), float(v), int(n))
            for chs, c, v, n in top_rows
        ),
        coalitions={seq: (c, v) for _, seq, c, v in _coalitions(con, "pt", names)},
        chain=chain,
    )


def path_table_rows(
    con: duckdb.DuckDBPyConnection,
    part: str,
    names: Mapping[int, str],
    shares: Mapping[str, TouchShare],
    decays: Mapping[str, TimeDecay],
    markov_order: int,
    limit: int,
) -> PathTableRows | None:
    """Every summary of :func:`aggregate_paths`, row by row of the path table it left behind
    (``pt``), for resampling; None when the table has more than ``limit`` rows. Rows are
    numbered in the order of their paths, so that the same data gives the same rows."""
    count = con.execute("SELECT count(*) FROM pt").fetchone()[0]  # type: ignore[index]
    if count > limit:
        return None
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pr AS "
        "SELECT CAST(row_number() OVER (ORDER BY chs) - 1 AS INTEGER) AS r, * FROM pt"
    )
    counts = con.execute("SELECT conversions, value, nulls FROM pr ORDER BY r").fetchall()
    chain_steps: list[tuple[int, State, State, float]] = []
    chain_endings: list[tuple[int, State, float, float, float]] = []
    if markov_order > 1:
        chain_steps = _chain_steps(con, "pr", names, markov_order)
        chain_endings = _chain_endings(con, "pr", names, markov_order)
    return PathTableRows(
        conversions=tuple(int(c) for c, _, _ in counts),
        value=tuple(float(v) for _, v, _ in counts),
        nulls=tuple(int(n) for _, _, n in counts),
        credits={
            model: tuple(rows)
            for model, rows in _rule_credits(con, "pr", part, names, shares, decays).items()
        },
        steps=tuple(_collapsed_steps(con, "pr", names)),
        endings=tuple(_collapsed_endings(con, "pr", names)),
        coalitions=tuple(_coalitions(con, "pr", names)),
        chain_steps=tuple(chain_steps),
        chain_endings=tuple(chain_endings),
    )


def _by_row(table: str) -> str:
    """The row column to select and group by: rows of the path table (``pr``) keep theirs,
    the whole table (``pt``) sums over them (each row's number is -1)."""
    return "r" if table == "pr" else "-1"


def _rule_credits(
    con: duckdb.DuckDBPyConnection,
    table: str,
    part: str,
    names: Mapping[int, str],
    shares: Mapping[str, TouchShare],
    decays: Mapping[str, TimeDecay],
) -> dict[str, list[tuple[int, str, float, float]]]:
    """The rule-based models' credits by model: (row, key, conversions, value), keys with no
    credit left out."""
    found: dict[str, list[tuple[int, str, float, float]]] = {m: [] for m in (*shares, *decays)}
    row = _by_row(table)
    if shares:
        columns = ", ".join(
            f"{exact_sum(f'conversions * ({rule.sql})')} AS {sql_name(model + ':conversions')}, "
            f"{exact_sum(f'value * ({rule.sql})')} AS {sql_name(model + ':value')}"
            for model, rule in shares.items()
        )
        for named in _named_rows(
            con,
            f"""
            SELECT {row} AS row, ch, {columns}
            FROM (
              SELECT {row if table == "pr" else ""}{", " if table == "pr" else ""}unnest(chs) AS ch,
                     unnest(range(1, n + 1)) AS pos, n, lnd,
                     CAST(conversions AS DOUBLE) AS conversions, value
              FROM {table} WHERE conversions > 0)
            GROUP BY {"r, " if table == "pr" else ""}ch
            """,
        ):
            for model in shares:
                conversions, value = named[model + ":conversions"], named[model + ":value"]
                if conversions:
                    found[model].append(
                        (
                            int(named["row"]),
                            names[named["ch"]],
                            float(conversions),
                            float(value or 0.0),
                        )
                    )
    # Time decay: each converted path's weights over their sum, credited to the touch's key;
    # by row, each path is matched to its row of the path table by its keys.
    key = f"x // {CODE}" if part == "c" else f"x % {CODE}"
    for i, model in enumerate(decays):
        if table == "pr":
            query = f"""
                SELECT pr.r, d.{part}, {exact_sum(f"d.w{i} / total")},
                       {exact_sum(f"d.w{i} / total * p.value")} FROM (
                  SELECT list_transform(codes, lambda x: {key}) AS chs, unnest(decay) AS d,
                         decay_total{i} AS total, value FROM paths WHERE converted) p
                JOIN pr USING (chs)
                GROUP BY pr.r, d.{part}
                """
        else:
            query = f"""
                SELECT -1, d.{part}, {exact_sum(f"d.w{i} / total")},
                       {exact_sum(f"d.w{i} / total * value")} FROM (
                  SELECT unnest(decay) AS d, decay_total{i} AS total, value FROM paths
                  WHERE converted)
                GROUP BY d.{part}
                """
        found[model] = [
            (int(r), names[k], float(c), float(v))
            for r, k, c, v in con.execute(query).fetchall()
            if c
        ]
    return found


def _collapsed_steps(
    con: duckdb.DuckDBPyConnection, table: str, names: Mapping[int, str]
) -> list[tuple[int, str, str, float]]:
    """The first-order chain's steps (repeats collapsed): (row, from, to, paths taking it)."""
    named = {**names, -1: START}
    row = _by_row(table)
    rows = con.execute(
        f"""
        SELECT {row}, f, t, sum(conversions + nulls) FROM (
          SELECT {row} AS r, unnest(list_concat([-1], cs[1:len(cs) - 1])) AS f, unnest(cs) AS t,
                 conversions, nulls
          FROM (SELECT {row} AS r, list_filter(chs, lambda x, i: i = 1 OR x <> chs[i - 1]) AS cs,
                       conversions, nulls FROM {table}))
        GROUP BY {"r, " if table == "pr" else ""}f, t
        """
    ).fetchall()
    return [(int(r), named[f], named[t], float(n)) for r, f, t, n in rows]


def _collapsed_endings(
    con: duckdb.DuckDBPyConnection, table: str, names: Mapping[int, str]
) -> list[tuple[int, str, float, float, float]]:
    """How paths end (the last channel): (row, last, conversions, value, nulls)."""
    row = _by_row(table)
    rows = con.execute(
        f"""SELECT {row}, chs[-1], sum(conversions), {exact_sum("value")}, sum(nulls) FROM {table}
            GROUP BY {"r, " if table == "pr" else ""}chs[-1]"""
    ).fetchall()
    return [(int(r), names[k], float(c), float(v), float(n)) for r, k, c, v, n in rows]


#: Bits per key in a packed Markov state of order k (keys + 1 fit: at most 65,536).
STATE_BITS = 24


def _window(start: str, order: int) -> str:
    """SQL: the keys ``chs[start]`` .. ``chs[start + order - 1]`` (those up to ``n``) packed
    into one integer, each key + 1 in 24 bits, first key lowest: a Markov state of that order.
    Element access, not list slices: a slice copies the whole list, quadratic for a lead with
    a long path."""
    return (
        "("
        + " + ".join(
            f"CASE WHEN {start} + {j} <= n THEN (CAST(chs[{start} + {j}] AS HUGEINT) + 1) "
            f"<< {STATE_BITS * j} ELSE CAST(0 AS HUGEINT) END"
            for j in range(order)
        )
        + ")"
    )


def _state(code: int, names: Mapping[int, str]) -> State:
    if code < 0:
        return (START,)
    keys = []
    while code:
        keys.append(names[(code & ((1 << STATE_BITS) - 1)) - 1])
        code >>= STATE_BITS
    return tuple(keys)


def _chain_steps(
    con: duckdb.DuckDBPyConnection, table: str, names: Mapping[int, str], order: int
) -> list[tuple[int, State, State, float]]:
    """Steps of the chain of order ``order`` (2 to 4): a state is the window of the last
    ``order`` touches, repeats kept (a path shorter than that is one state); the path's first
    window follows the start state. (row, from, to, paths taking it)."""
    row = _by_row(table)
    rows = con.execute(
        f"""
        SELECT {row}, f, t, sum(conversions + nulls) FROM (
          SELECT {row} AS r, CASE WHEN i = 1 THEN CAST(-1 AS HUGEINT)
                      ELSE {_window("i - 1", order)} END AS f,
                 {_window("i", order)} AS t, conversions, nulls
          FROM (SELECT {row} AS r, chs, n, conversions, nulls,
                       unnest(range(1, greatest(n - {order} + 1, 1) + 1)) AS i
                FROM {table}))
        GROUP BY {"r, " if table == "pr" else ""}f, t
        """
    ).fetchall()
    return [(int(r), _state(int(f), names), _state(int(t), names), float(n)) for r, f, t, n in rows]


def _chain_endings(
    con: duckdb.DuckDBPyConnection, table: str, names: Mapping[int, str], order: int
) -> list[tuple[int, State, float, float, float]]:
    """The last state of each path at that order: (row, state, conversions, value, nulls)."""
    row = _by_row(table)
    last = _window(f"greatest(n - {order} + 1, 1)", order)
    rows = con.execute(
        f"""SELECT {row}, {last} AS s, sum(conversions), {exact_sum("value")}, sum(nulls)
            FROM {table}
            GROUP BY {"r, " if table == "pr" else ""}s"""
    ).fetchall()
    return [(int(r), _state(int(s), names), float(c), float(v), float(n)) for r, s, c, v, n in rows]


def _coalitions(
    con: duckdb.DuckDBPyConnection, table: str, names: Mapping[int, str]
) -> list[tuple[int, tuple[str, ...], float, float]]:
    """Converted paths by their distinct keys in order of first touch: (row, keys,
    conversions, value). First touches come from a grouping, not from a search of the list
    for each touch, which would be quadratic in the length of a path."""
    row = _by_row(table)
    rows = con.execute(
        f"""
        SELECT {row}, keys, sum(conversions), {exact_sum("value")} FROM (
          SELECT p, any_value(r) AS r, list(ch ORDER BY first) AS keys,
                 any_value(conversions) AS conversions, any_value(value) AS value
          FROM (
            SELECT p, any_value(r) AS r, ch, min(pos) AS first,
                   any_value(conversions) AS conversions, any_value(value) AS value
            FROM (SELECT chs AS p, {row} AS r, unnest(chs) AS ch, unnest(range(1, n + 1)) AS pos,
                         conversions, value
                  FROM {table} WHERE conversions > 0)
            GROUP BY p, ch)
          GROUP BY p)
        GROUP BY {"r, " if table == "pr" else ""}keys
        """
    ).fetchall()
    return [(int(r), tuple(names[k] for k in keys), float(c), float(v)) for r, keys, c, v in rows]
