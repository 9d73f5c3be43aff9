"""The same events file gives the same numbers to the bit, however DuckDB's threads share the
work: sums of money and of fractional credits do not depend on the order rows are added in."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from mkdocs_journey.analytics.pipeline import analyze
from mkdocs_journey.data import engine
from mkdocs_journey.data.sources import DataSource
from mkdocs_journey.model import JourneyMap, Stage, Touchpoint

#: More than three of DuckDB's row groups (122,880 rows), so that both threads sum rows.
ROWS = 400_000
CHANNELS = ["google/cpc", "google/organic", "newsletter/email", "(direct)/(none)", "bing/cpc"]
STAGES = {"Awareness": ["ad", "blog"], "Consideration": ["pricing", "demo"], "Decision": ["trial"]}


def _events(path: Path) -> Path:
    """A deterministic file: 50,000 leads, 3% of touches converting with revenue in cents."""
    sources = "[" + ", ".join(f"'{c.split('/')[0]}'" for c in CHANNELS) + "]"
    mediums = "[" + ", ".join(f"'{c.split('/')[1]}'" for c in CHANNELS) + "]"
    touchpoints = "[" + ", ".join(f"'{t}'" for ts in STAGES.values() for t in ts) + "]"
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT 'L' || CAST(hash(i, 1) % 50000 AS VARCHAR) AS lead_id,
                     strftime(make_timestamp(1704067200000000
                         + CAST(hash(i, 2) % (60 * 86400) AS BIGINT) * 1000000),
                         '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
                     {sources}[CAST(hash(i, 3) % {len(CHANNELS)} AS BIGINT) + 1] AS source,
                     {mediums}[CAST(hash(i, 3) % {len(CHANNELS)} AS BIGINT) + 1] AS medium,
                     'spring' AS campaign,
                     {touchpoints}[CAST(hash(i, 4) % 5 AS BIGINT) + 1] AS touchpoint,
                     CASE WHEN hash(i, 5) % 100 < 3 THEN 1 ELSE 0 END AS converted,
                     CASE WHEN hash(i, 5) % 100 < 3
                          THEN round(19.99 + (hash(i, 6) % 90000) / 100.0, 2) END AS revenue
              FROM range({ROWS}) t(i) ORDER BY i
            ) TO '{path}' (HEADER, DELIMITER ',')
            """
        )
    return path


@pytest.mark.slow
def test_two_runs_over_a_large_file_give_identical_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = DataSource("events", _events(tmp_path / "events.csv"))
    # Large enough that DuckDB's threads share the work (a smaller file runs on one thread).
    assert source.path.stat().st_size >= engine.ONE_THREAD_BELOW
    journey_map = JourneyMap(
        id="spring",
        title="Spring",
        persona=None,
        stages=tuple(
            Stage(name=name, touchpoints=tuple(Touchpoint(id=t, name=t) for t in ids))
            for name, ids in STAGES.items()
        ),
    )
    runs = [analyze(source, journey_map, cache=None) for _ in range(3)]
    # And the same file on one thread, as a small file is analysed.
    monkeypatch.setattr(engine, "ONE_THREAD_BELOW", 2**62)
    runs.append(analyze(source, journey_map, cache=None))
    assert runs[0].totals.rows_used == ROWS
    assert runs[0].totals.revenue > 100_000
    # Every number, unrounded (journeys.json rounds to 6 decimals, which hides most but not
    # all of a sum's last bits), and the export's bytes.
    assert runs[1] == runs[0]
    assert runs[2] == runs[0]
    assert runs[3] == runs[0]
    exports = {json.dumps(run.to_json(), ensure_ascii=False) for run in runs}
    assert len(exports) == 1
