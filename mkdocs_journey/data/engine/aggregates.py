# ruff: noqa: S608  -- SQL is built here on purpose; values go through sql_text() or sql_name().
"""Step 3, continued: stage funnel and entry channels, first visits, key totals and path
insights, all read from each lead's ordered touches."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mkdocs_journey.data.engine.common import (
    INSIGHT_KEYS,
    PIVOT_KEYS,
    FunnelCounts,
    MapShape,
    key_part,
    leads_per_key,
    sql_text,
)

if TYPE_CHECKING:
    import duckdb


def _at_first(values: str, value: str | int, part: str) -> str:
    """SQL: field ``part`` of the lead's first touch (in ``k``) whose entry in the parallel list
    ``values`` is ``value``; NULL when there is none."""
    return key_part(f"k[nullif(list_position({values}, {value}), 0)]", part)


def stage_funnel(
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
            FROM (SELECT k, list_transform(k, lambda x: {key_part("x", "sid")}) AS ss FROM lt)"""
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
            (stats[2 * i + 1], name) for i, name in enumerate(stage_names.values()) if stats[2 * i]
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
            f"SELECT {sql_text(name)} AS stage, e{sid} AS entry, count(*) AS n FROM ls "
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
            FROM (SELECT k, list_transform(k, lambda x: {key_part("x", key)}) AS ks,
                         list_transform(k, lambda x: {key_part("x", "conv")}) AS cs
                  FROM lt)"""
    )


def key_totals(con: duckdb.DuckDBPyConnection, key: str, where: str) -> list[tuple[int, int, int]]:
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


def channel_counts(
    con: duckdb.DuckDBPyConnection, channels: Sequence[int]
) -> list[tuple[int, int, int]]:
    """(channel id, touches, leads) for every one of ``channels`` with touches, busiest first
    (files with touchpoints; without, :func:`key_totals` counts channels as the keys). The leads
    come from each lead's ordered touches (``lt``), not from a distinct count over rows (see
    :func:`leads_per_key`)."""
    touches = con.execute("SELECT cid, count(*) FROM clean GROUP BY cid").fetchall()
    (leads,) = leads_per_key(con, "lt", "k", [(key_part("x", "cid"), channels)])
    return sorted(
        ((int(c), int(n), leads[int(c)][0]) for c, n in touches if int(c) in leads),
        key=lambda row: (-row[1], row[0]),
    )


def _insight_keys(totals: Sequence[tuple[int, int, int]]) -> list[int]:
    """The keys path insights compare: the most visited (by leads), ties by id."""
    ranked = sorted((row for row in totals if row[0] > 0), key=lambda row: (-row[2], row[0]))
    return [row[0] for row in ranked[:INSIGHT_KEYS]]


def path_insights(
    con: duckdb.DuckDBPyConnection,
    names: Mapping[int, str],
    totals: Sequence[tuple[int, int, int]],
) -> tuple[tuple[str, str | None, int, int], ...]:
    """Share of leads reaching a target who touched X strictly before their first visit to the
    target (targets: the most visited keys, and the first conversion, written None). ``totals``:
    (key id, touches, leads) rows, to pick the keys; the first visits come from ``fv``."""
    ids = _insight_keys(totals)
    if not ids:
        return ()
    keys = [names[k] for k in ids]
    targets: list[tuple[str, str | None]] = [
        *((f"k{k}", name) for k, name in zip(ids, keys, strict=True)),
        ("fc", None),  # the first conversion
    ]
    aggregates: list[str] = []
    labels: list[tuple[str, str | None]] = []
    for target_col, target in targets:
        aggregates.append(f"count({target_col})")
        labels.append(("", target))
        for k, name in zip(ids, keys, strict=True):
            if name == target:
                continue
            aggregates.append(f"count_if(k{k} < {target_col})")
            labels.append((name, target))
    values = con.execute(f"SELECT {', '.join(aggregates)} FROM fv").fetchone() or ()
    result: list[tuple[str, str | None, int, int]] = []
    target_leads = 0
    for (before, target), value in zip(labels, values, strict=True):
        if not before:
            target_leads = int(value)
            continue
        if target_leads and value:
            result.append((before, target, target_leads, int(value)))
    return tuple(result)
