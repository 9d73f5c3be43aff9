"""Benchmark of the credits' intervals (issue 14): what 200 bootstrap resamples cost.

The resampling re-weights the path table's rows, so its cost grows with the rows (distinct paths
and outcomes), not with the events. For path tables of growing size, this times the whole
analysis of one file with the intervals (``resamples: 200``) and without (``resamples: 0``), in
turn (a, b, a, b, ...), and prints the median and the range of the rounds' ratios b / a, with the
seconds of the last round. The machine is shared, so ratios within one run are what counts.

    .venv/bin/python bench/intervals.py                     # 1k, 10k and 100k rows
    .venv/bin/python bench/intervals.py --rows 20000 --repeats 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

CHANNELS = [
    ("google", "cpc"),
    ("google", "organic"),
    ("(direct)", "(none)"),
    ("newsletter", "email"),
    ("facebook", "paid_social"),
    ("linkedin", "social"),
    ("criteo", "display"),
    ("partner.example.com", "referral"),
    ("awin", "affiliate"),
    ("youtube", "cpv"),
]


def generate(rows: int) -> Path:
    """About ``rows`` distinct paths: leads with 1 to 8 touches over ten channels."""
    path = OUT / f"intervals-{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    lines = ["lead_id,timestamp,source,medium,converted,revenue"]
    leads = int(rows * 1.6)  # some paths repeat: this many leads give about ``rows`` rows
    for lead in range(leads):
        touches = rng.randint(1, 8)
        converts = rng.random() < 0.2
        for i in range(touches):
            source, medium = rng.choice(CHANNELS)
            last = converts and i == touches - 1
            revenue = f"{rng.randint(10, 400)}" if last else ""
            lines.append(
                f"L{lead},2024-01-01T{i:02d}:00:00Z,{source},{medium},{int(last)},{revenue}"
            )
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(path: Path, resamples: int) -> tuple[float, int]:
    from mkdocs_journey.analytics.pipeline import analyze
    from mkdocs_journey.data.paths import AttributionSettings
    from mkdocs_journey.data.sources import default_source

    start = time.perf_counter()
    analysis = analyze(
        default_source(path), cache=None, attribution=AttributionSettings(resamples=resamples)
    )
    seconds = time.perf_counter() - start
    if resamples and analysis.intervals is None:
        raise SystemExit(f"{path}: no intervals ({analysis.intervals_note})")
    return seconds, analysis.totals.paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = args.rows or [1_000, 10_000, 100_000]
    print("rows (distinct paths)  without  with 200 resamples  ratio median (min-max)")
    for rows in sizes:
        path = generate(rows)
        timed(path, 0)  # warm the imports and the file cache
        ratios, last = [], (0.0, 0.0)
        for _ in range(args.repeats):
            without, _ = timed(path, 0)
            with_intervals, _ = timed(path, 200)
            ratios.append(with_intervals / without)
            last = (without, with_intervals)
        print(
            f"{rows:>21,}  {last[0]:6.2f}s  {last[1]:17.2f}s  {statistics.median(ratios):5.1f}x "
            f"({min(ratios):.1f}-{max(ratios):.1f})"
        )


if __name__ == "__main__":
    main()
