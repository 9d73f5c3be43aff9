"""Benchmark of the data analytics (issues 4 and 9).

Generates touch events (CSV and Parquet) into ``bench/out/`` (gitignored). Every measurement
runs in a fresh subprocess, so its peak RSS and caches are its own (peak RSS is the process's
``VmHWM``: Linux's ``ru_maxrss`` survives ``exec`` and would report the parent's peak when that is
larger). Three cases:

``scale`` (1M and 10M rows): our full analytics time (read, clean, channels, paths, all seven
models, funnel, channel mix) and its peak RSS; the fastest bare path-building query (each lead's
channels in time order, grouped) and a bare ``GROUP BY source, medium``; and the ratios. For CSV
also the full analytics of the same file with a last row that is not UTF-8 (read again by the
single-threaded scan).
Targets at 10M rows (issue 15): full <= 2x the fastest bare path query of the same round,
peak RSS <= 1.5 GB (10^9 bytes; ``VmHWM`` counts MiB, the bench converts). The bare group-by
ratio is printed for reference (issue 4 set it).

``heavy-lead``: 100,000 touches of one lead against the same rows spread over 12,500 leads.
Target: at most 3x (the work per lead is linear, n log n for the sort).

``measures``: the full analytics of the 1M-row CSV against the same analysis without the counts
KPI metrics and moments of truth need (event names, the data's time span, who touched what before
converting: ``data/engine/measures.py``). Target: at most 1.15x.

``channelattribution``: the full analytics of a 1M-lead file (3.5M rows, Parquet and CSV read
alike by both) against the way a team does it without us: pandas reads the CSV, groups channels,
orders each lead's touches, splits them into paths at conversions and counts identical paths,
then ChannelAttribution (its C++ core) computes the heuristic models and the Markov model. Target:
the full analytics at least 5x faster.

``half-bad``: a 1M-row file with every other row bad (ten kinds in turn: unparsable and
far-off timestamps, too many and too few fields, missing lead, non-numeric and negative revenue,
unrecognised converted value, touchpoint not on the map, exact duplicate) against the clean
file. Target: at most 3x.

The machine is shared and busy, so absolute times drift: the two files of a comparison are run
in turn (a, b, a, b, ...), and each ratio is b / a of one round; the median and the range of the
rounds' ratios are printed.

    .venv/bin/python bench/data.py                            # every case
    .venv/bin/python bench/data.py --case scale --rows 1000000
    .venv/bin/python bench/data.py --case heavy-lead --case half-bad --repeats 5
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

#: (source, medium, weight): a mix that hits most GA4 channels.
PAIRS: list[tuple[str, str, int]] = [
    ("google", "organic", 30),
    ("google", "cpc", 18),
    ("(direct)", "(none)", 20),
    ("bing", "organic", 4),
    ("facebook", "paid_social", 6),
    ("l.facebook.com", "referral", 5),
    ("linkedin", "social", 4),
    ("newsletter", "email", 10),
    ("youtube", "cpv", 2),
    ("youtube", "organic", 2),
    ("criteo", "display", 4),
    ("partner.example.com", "referral", 3),
    ("awin", "affiliate", 2),
    ("sms", "sms", 1),
    ("firebase", "push", 1),
    ("spotify", "audio", 1),
    ("google shopping", "cpc", 2),
]
#: (touchpoint, stage) in journey order.
TOUCHPOINTS: list[tuple[str, str]] = [
    ("ad", "Awareness"),
    ("blog", "Awareness"),
    ("pricing", "Consideration"),
    ("review", "Consideration"),
    ("demo", "Consideration"),
    ("trial", "Decision"),
    ("checkout", "Decision"),
    ("support", "Retention"),
]


def generate(rows: int, out: Path, leads: int | None = None) -> tuple[Path, Path]:
    """Write ``events-<rows>.csv`` and ``.parquet`` (deterministic: hashes of the row number),
    ``leads`` leads (default: a lead per 8 rows)."""
    import duckdb

    name = f"events-{rows}" if leads is None else f"events-{rows}-{leads}-leads"
    csv_path, parquet_path = out / f"{name}.csv", out / f"{name}.parquet"
    if csv_path.exists() and parquet_path.exists():
        return csv_path, parquet_path
    out.mkdir(parents=True, exist_ok=True)
    leads = leads or max(1, rows // 8)
    weights = [w for _, _, w in PAIRS]
    total = sum(weights)
    bounds, acc = [], 0
    for w in weights:
        acc += w
        bounds.append(acc)
    pick = (
        "CASE "
        + " ".join(f"WHEN r < {b} THEN {i}" for i, b in enumerate(bounds))
        + f" ELSE {len(PAIRS) - 1} END"
    )
    sources = "[" + ", ".join(f"'{s}'" for s, _, _ in PAIRS) + "]"
    mediums = "[" + ", ".join(f"'{m}'" for _, m, _ in PAIRS) + "]"
    tps = "[" + ", ".join(f"'{t}'" for t, _ in TOUCHPOINTS) + "]"
    n_tp = len(TOUCHPOINTS)
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE g AS
        WITH base AS (
          SELECT i, hash(i, 1) % {leads} AS lead,
                 hash(i, 2) AS h2, hash(i, 3) AS h3, hash(i, 4) AS h4
          FROM range({rows}) t(i)),
        shaped AS (
          SELECT i, lead, h3,
                 -- 60% of a lead's touches come from its two favourite channels
                 CASE WHEN h2 % 10 < 6 THEN hash(lead, h2 % 2) % {total} ELSE h2 % {total} END AS r,
                 hash(lead, 9) % (90 * 86400) AS start_s,
                 h4 % (30 * 86400) AS offset_s
          FROM base)
        SELECT 'L' || lpad(CAST(lead AS VARCHAR), 8, '0') AS lead_id,
               strftime(make_timestamp(
                   CAST(1704067200000000 + (start_s + offset_s) * 1000000 AS BIGINT)),
                        '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
               {sources}[({pick}) + 1] AS source,
               {mediums}[({pick}) + 1] AS medium,
               'campaign-' || CAST(h3 % 12 AS VARCHAR) AS campaign,
               {tps}[least({n_tp}, CAST(floor(offset_s / (30 * 86400.0) * {n_tp}
                     + (h3 % 3) - 1) AS BIGINT) + 1)::BIGINT] AS touchpoint,
               h3 % 1000 < 30 AS conv,
               i
        FROM shaped
    """)
    con.execute("""
        CREATE TABLE events AS
        SELECT lead_id, timestamp, source, medium, campaign,
               coalesce(touchpoint, 'ad') AS touchpoint,
               CASE WHEN conv THEN 1 ELSE 0 END AS converted,
               CASE WHEN conv THEN round(20 + (hash(i, 5) % 50000) / 100.0, 2) END AS revenue
        FROM g ORDER BY i
    """)
    con.execute(f"COPY events TO '{csv_path}' (HEADER, DELIMITER ',')")
    con.execute(f"COPY events TO '{parquet_path}' (FORMAT parquet)")
    con.close()
    return csv_path, parquet_path


def not_utf8_copy(csv_path: Path) -> Path:
    """The same events with one more row holding a byte that is not UTF-8, as the last line: the
    worst case for the retry, since the fast scan reads the whole file before it refuses it, and
    the single-threaded scan that sets such rows aside then reads it again. (A row with the
    wrong number of fields, the usual fault of an export, needs no retry.)"""
    out = csv_path.with_name(csv_path.stem + "-not-utf8.csv")
    shutil.copyfile(csv_path, out)
    with out.open("ab") as target:
        target.write(b"L0,2024-01-01T00:00:00Z,google,organic,caf\xe9,ad,0,\n")
    return out


def peak_mb() -> float:
    """This process's peak resident memory, in MiB."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(kind: str, path: Path) -> dict[str, float]:
    """Run one measurement in this process (called in a subprocess)."""
    fmt = "parquet" if path.suffix == ".parquet" else "csv"
    start = time.perf_counter()
    if kind in ("full", "full-without-measures"):
        from mkdocs_journey.analytics.pipeline import analyze
        from mkdocs_journey.data.sources import DataSource
        from mkdocs_journey.model import JourneyMap, Stage, Touchpoint

        if kind == "full-without-measures":
            from mkdocs_journey.data import engine
            from mkdocs_journey.data.engine import Measures

            engine.measure = lambda *args, **kwargs: Measures()  # type: ignore[attr-defined]
        start = time.perf_counter()  # the analysis, not the imports

        stages: dict[str, list[Touchpoint]] = {}
        for tp, stage in TOUCHPOINTS:
            stages.setdefault(stage, []).append(Touchpoint(id=tp, name=tp))
        journey_map = JourneyMap(
            id="bench",
            title="Bench",
            persona=None,
            stages=tuple(Stage(name=n, touchpoints=tuple(t)) for n, t in stages.items()),
        )
        analysis = analyze(DataSource("bench", path, fmt), journey_map, cache=None)
        detail = analysis.totals.paths
    else:
        import duckdb

        reader = f"read_parquet('{path}')" if fmt == "parquet" else f"read_csv('{path}')"
        con = duckdb.connect()
        if kind == "paths":
            # sum(hash(...)) forces the lists to be built: with count(*) DuckDB prunes them.
            sql = (
                f"SELECT count(*), sum(hash(l)) FROM (SELECT lead_id, list(source || ' / ' || "
                f"medium ORDER BY timestamp) AS l FROM {reader} GROUP BY lead_id)"
            )
        elif kind == "packed-paths":
            # The engine's own trick, bare: (time, source/medium hash) packed in one 128-bit
            # integer, an unordered list sorted per lead; the lists hold source/medium keys.
            sql = (
                "SELECT count(*), sum(hash(l)) FROM (SELECT lead_id, list_transform(list_sort("
                "list((CAST(epoch_us(CAST(timestamp AS TIMESTAMP)) AS HUGEINT) << 64) | "
                "hash(source, medium))), lambda x: CAST(x & 18446744073709551615 AS UBIGINT)) "
                f"AS l FROM {reader} GROUP BY lead_id)"
            )
        else:
            sql = (
                f"SELECT count(*) FROM (SELECT source, medium, count(*) FROM {reader} GROUP BY ALL)"
            )
        detail = con.execute(sql).fetchone()[0]  # type: ignore[index]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_mb(), "detail": float(detail)}


def _measure_pandas_channelattribution(path: Path) -> dict[str, float]:
    """The baseline without us: pandas for the paths, ChannelAttribution for the models."""
    import contextlib
    import io

    import pandas as pd

    with contextlib.redirect_stdout(io.StringIO()):  # its banner
        from ChannelAttribution import heuristic_models, markov_model

    from mkdocs_journey.data.engine import group_channels

    start = time.perf_counter()
    frame = pd.read_csv(path, dtype={"source": "string", "medium": "string"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    # GA4's default channel group by our rules, once per distinct pair (a dozen here): the
    # baseline is not made to rewrite GA4's rules, only to do the per-row work itself.
    pairs = list(frame[["source", "medium"]].drop_duplicates().itertuples(index=False))
    names = dict(zip(pairs, group_channels([(s, m, "") for s, m in pairs]), strict=True))
    frame["channel"] = [names[pair] for pair in zip(frame["source"], frame["medium"], strict=True)]
    frame = frame.sort_values(["lead_id", "timestamp"], kind="stable")
    # A path ends at a conversion: the conversions a lead had before a touch number its path.
    converted = frame["converted"].astype(int)
    frame["path_no"] = frame.groupby("lead_id")["converted"].cumsum() - converted
    paths = frame.groupby(["lead_id", "path_no"], sort=False).agg(
        path=("channel", " > ".join), conversions=("converted", "max"), value=("revenue", "sum")
    )
    paths["nulls"] = 1 - paths["conversions"]
    table = (
        paths.groupby("path")
        .agg(
            total_conversions=("conversions", "sum"),
            total_conversion_value=("value", "sum"),
            total_null=("nulls", "sum"),
        )
        .reset_index()
    )
    with contextlib.redirect_stdout(io.StringIO()):
        heuristic_models(table, "path", "total_conversions", var_value="total_conversion_value")
        markov_model(
            table,
            "path",
            "total_conversions",
            var_value="total_conversion_value",
            var_null="total_null",
            order=1,
            verbose=False,
        )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_mb(), "detail": float(len(table))}


def _measure_polars(kind: str, path: Path) -> dict[str, float]:
    import polars as pl

    start = time.perf_counter()
    scan = pl.scan_parquet(path) if path.suffix == ".parquet" else pl.scan_csv(path)
    if kind == "paths":
        frame = scan.group_by("lead_id").agg(
            (pl.col("source") + " / " + pl.col("medium")).sort_by("timestamp")
        )
    else:
        frame = scan.group_by("source", "medium").len()
    detail = frame.collect().height
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_mb(), "detail": float(detail)}


def run_child(kind: str, path: Path, engine: str = "duckdb") -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--engine", engine, str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{kind} on {path} failed:\n{result.stderr}")
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "engine": engine}


def bench(rows: int, repeats: int) -> None:
    """Issue 15's rows: full analytics against the fastest bare path query of the same round,
    ``repeats`` interleaved rounds, and the full analytics' peak RSS."""
    started = time.perf_counter()
    files = generate(rows, OUT)
    print(f"\n== {rows:,} events (generated in {time.perf_counter() - started:.1f} s)")
    for path in files:
        size = path.stat().st_size / 1e6
        fulls, fastest, groups = [], [], []
        for _ in range(repeats):
            fulls.append(run_child("full", path))
            candidates = (
                run_child("paths", path, "duckdb"),
                {**run_child("packed-paths", path, "duckdb"), "engine": "duckdb, packed keys"},
                run_child("paths", path, "polars"),
            )
            fastest.append(min(candidates, key=lambda r: r["seconds"]))
            groups.append(
                min(
                    (run_child("group", path, e) for e in ("duckdb", "polars")),
                    key=lambda r: r["seconds"],
                )
            )
        print(f"{path.name} ({size:,.0f} MB), {repeats} interleaved rounds")
        for label, runs in (
            ("full analytics", fulls),
            ("bare path query", fastest),
            ("bare group-by", groups),
        ):
            engines = ", ".join(sorted({r["engine"] for r in runs}))
            print(
                f"  {label:<16} {_spread([r['seconds'] for r in runs], 's')}   "
                f"peak RSS {_gb(max(r['peak_mb'] for r in runs)):.2f} GB   (fastest: {engines})"
            )
        seconds = [r["seconds"] for r in fulls]
        to_paths = [f / p["seconds"] for f, p in zip(seconds, fastest, strict=True)]
        to_group = [f / g["seconds"] for f, g in zip(seconds, groups, strict=True)]
        print(f"  full / bare path query {_spread(to_paths, 'x')} (target <= 2x)")
        print(f"  full / bare group-by   {_spread(to_group, 'x')}")
        peak = max(r["peak_mb"] for r in fulls)
        print(f"  full analytics peak RSS {_gb(peak):.2f} GB ({peak:,.0f} MiB; target <= 1.5 GB)")
        if path.suffix == ".csv":
            retry_path = not_utf8_copy(path)
            retry = run_child("full", retry_path)
            retry_path.unlink()
            print(
                f"  full, last row not UTF-8 {retry['seconds']:7.2f} s   "
                f"peak RSS {_gb(retry['peak_mb']):.2f} GB   "
                f"{retry['seconds'] / statistics.median(r['seconds'] for r in fulls):.2f}x "
                "the clean file's median"
            )


def _spread(values: list[float], unit: str) -> str:
    """Median and range, as every figure of the issue's table is given."""
    return f"{statistics.median(values):6.2f} {unit} (min {min(values):.2f}, max {max(values):.2f})"


def _gb(mib: float) -> float:
    """MiB (what ``VmHWM`` counts) in GB (10^9 bytes, as the targets are set)."""
    return mib * 2**20 / 1e9


def heavy_lead_copy(csv_path: Path) -> Path:
    """The same rows, every one of them a touch of one lead."""
    out = csv_path.with_name(csv_path.stem + "-one-lead.csv")
    lines = csv_path.read_bytes().splitlines()
    body = [b"L0" + line[line.index(b",") :] for line in lines[1:]]
    out.write_bytes(b"\n".join([lines[0], *body]) + b"\n")
    return out


def _bad(kind: int, row: bytes, previous: bytes) -> bytes:
    """Row ``row`` made bad in one of ten ways (columns: lead_id, timestamp, source, medium,
    campaign, touchpoint, converted, revenue)."""
    fields = row.split(b",")
    if kind == 0:
        fields[1] = fields[1].replace(b"T", b" at ")  # unparsable timestamp
    elif kind == 1:
        fields[1] = b"15" + fields[1]  # year 152024: timestamp out of range
    elif kind == 2:
        fields.append(b"stray")  # a field too many
    elif kind == 3:
        fields = fields[:3]  # fields missing
    elif kind == 4:
        fields[0] = b""  # missing lead id
    elif kind == 5:
        fields[7] = b"12 EUR"  # non-numeric revenue
    elif kind == 6:
        fields[7] = b"-5"  # negative revenue
    elif kind == 7:
        fields[6] = b"maybe"  # unrecognised converted value
    elif kind == 8:
        fields[5] = b"/pricing?ref=" + fields[0]  # touchpoint not on the map
    else:
        return previous  # exact duplicate of the row before
    return b",".join(fields)


def half_bad_copy(csv_path: Path) -> Path:
    """The same file with every other row bad, the ten kinds in turn."""
    out = csv_path.with_name(csv_path.stem + "-half-bad.csv")
    lines = csv_path.read_bytes().splitlines()
    body = lines[1:]
    bad = [_bad((i // 2) % 10, line, body[i - 1]) if i % 2 else line for i, line in enumerate(body)]
    out.write_bytes(b"\n".join([lines[0], *bad]) + b"\n")
    return out


def compare(
    label: str,
    baseline: Path,
    case: Path,
    repeats: int,
    target: float,
    kinds: tuple[str, str] = ("full", "full"),
) -> None:
    """Full analytics of ``baseline`` and ``case`` in turn, ``repeats`` rounds; prints medians,
    the per-round ratio case / baseline (median, min-max) and peak RSS. ``kinds``: what each
    side runs (the same analysis by default)."""
    base_runs, case_runs = [], []
    for _ in range(repeats):
        base_runs.append(run_child(kinds[0], baseline))
        case_runs.append(run_child(kinds[1], case))
    ratios = [c["seconds"] / b["seconds"] for b, c in zip(base_runs, case_runs, strict=True)]

    def line(name: str, runs: list[dict[str, Any]]) -> str:
        seconds = [r["seconds"] for r in runs]
        return (
            f"  {name:<28} median {statistics.median(seconds):6.2f} s  "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f})  "
            f"peak RSS {_gb(max(r['peak_mb'] for r in runs)):.2f} GB"
        )

    print(f"\n== {label}: {repeats} interleaved rounds")
    print(
        line(f"{baseline.name} ({kinds[0]})" if kinds[0] != kinds[1] else baseline.name, base_runs)
    )
    print(line(f"{case.name} ({kinds[1]})" if kinds[0] != kinds[1] else case.name, case_runs))
    print(
        f"  ratio {statistics.median(ratios):.2f}x median "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}; target <= {target:g}x)"
    )


def bench_heavy_lead(repeats: int) -> None:
    spread, _ = generate(100_000, OUT)
    heavy = heavy_lead_copy(spread)
    compare("100,000 touches: one lead vs 12,500 leads", spread, heavy, repeats, target=3)
    heavy.unlink()


def bench_measures(repeats: int) -> None:
    events, _ = generate(1_000_000, OUT)
    compare(
        "1M rows: full analytics vs the same without the KPI and moment counts",
        events,
        events,
        repeats,
        target=1.15,
        kinds=("full-without-measures", "full"),
    )


def bench_half_bad(repeats: int) -> None:
    clean, _ = generate(1_000_000, OUT)
    half_bad = half_bad_copy(clean)
    compare("1M rows: every other row bad vs clean", clean, half_bad, repeats, target=3)
    half_bad.unlink()


def bench_channelattribution(repeats: int) -> None:
    events, _ = generate(3_500_000, OUT, leads=1_000_000)
    compare(
        "1M leads, 3.5M rows: our full analytics vs pandas + ChannelAttribution",
        events,
        events,
        repeats,
        target=0.2,
        kinds=("pandas-channelattribution", "full"),
    )
    print("  (a ratio of 0.2x or less: the full analytics at least 5x faster, the target)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--case",
        action="append",
        choices=("scale", "heavy-lead", "half-bad", "measures", "channelattribution"),
        help="what to measure (repeatable; default: all)",
    )
    parser.add_argument("--rows", type=int, action="append", help="scale: event count")
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="rounds of every case (default 5)",
    )
    parser.add_argument(
        "--child",
        choices=(
            "full",
            "full-without-measures",
            "paths",
            "packed-paths",
            "group",
            "pandas-channelattribution",
        ),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "pandas-channelattribution":
        print(json.dumps(_measure_pandas_channelattribution(args.file)))
        return
    if args.child:
        measure = _measure_polars if args.engine == "polars" else _measure
        print(json.dumps(measure(args.child, args.file)))
        return
    cases: dict[str, Callable[[], None]] = {
        "heavy-lead": lambda: bench_heavy_lead(args.repeats),
        "half-bad": lambda: bench_half_bad(args.repeats),
        "measures": lambda: bench_measures(args.repeats),
        "channelattribution": lambda: bench_channelattribution(args.repeats),
        "scale": lambda: [
            bench(rows, args.repeats) for rows in args.rows or [1_000_000, 10_000_000]
        ],
    }
    for case in args.case or list(cases):
        cases[case]()


if __name__ == "__main__":
    main()
