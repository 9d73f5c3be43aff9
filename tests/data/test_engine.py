"""How the engine reads files: which read takes which file, large files with bad rows, and
nothing drawn on standard output."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_journey.analytics.pipeline import analyze_file
from mkdocs_journey.data import quality
from mkdocs_journey.data.engine.common import connection
from mkdocs_journey.data.engine.reading import load_events
from mkdocs_journey.data.sources import DataSource

HEADER = b"lead_id,timestamp,source,medium,revenue\n"
GOOD = b"L1,2024-01-01T00:00:00Z,google,organic,\n"


def read_used(path: Path) -> str:
    with connection() as con:
        return load_events(con, DataSource("events", path))[2]


@pytest.mark.parametrize(
    ("body", "read"),
    [
        (GOOD * 3, "fast"),
        # Too many fields (up to EXTRA_FIELDS more), too few: read, then rejected by the engine.
        (GOOD + b"L2,2024-01-01T00:00:00Z,google,organic,,extra\n" + GOOD, "fast"),
        (GOOD + b"L2,2024-01-01T00:00:00Z\n" + b"L3,x,y,z,1,2,3\n" + GOOD, "fast"),
        # Still more fields, and a quoted line break next to short rows: only the
        # single-threaded scan copes.
        (GOOD + b"L2,2024-01-01T00:00:00Z,google,organic" + b",x" * 10 + b"\n" + GOOD, "serial"),
        (b'L2,2024-01-01T00:00:00Z,"two\nlines",organic\nL3,a,b,c,1,2\n' + GOOD, "serial"),
    ],
    ids=["clean", "too-many-fields", "short-and-long", "far-too-many", "quoted-line-break"],
)
def test_each_file_gets_the_fastest_read_that_copes(tmp_path: Path, body: bytes, read: str) -> None:
    events = tmp_path / "events.csv"
    events.write_bytes(HEADER + body)
    assert read_used(events) == read


@pytest.mark.slow
def test_a_large_file_with_bad_rows_keeps_every_row_at_its_line(tmp_path: Path) -> None:
    # Larger than one of DuckDB's CSV buffers, so the parallel scan splits it between threads;
    # the bad rows sit in different parts, and the rows after them must keep their lines.
    rows = 1_000_000  # about 40 MB
    bad_lines = {2 + 10: b"L0,2024-01-01T00:00:00Z,google,organic,,extra\n"}
    bad_lines[2 + rows // 2] = b"L0,2024-01-01T00:00:00Z,google,organic,1,2,3\n"
    bad_lines[2 + rows - 5] = b"L0,2024-01-01T00:00:00Z,google,organic,,extra\n"
    negative_line = 2 + rows + len(bad_lines) - 1  # the last line of the file
    events = tmp_path / "large.csv"
    with events.open("wb") as handle:
        handle.write(HEADER)
        line = 2
        for i in range(rows):
            while line in bad_lines:
                handle.write(bad_lines[line])
                line += 1
            revenue = b"-5" if line == negative_line else b""
            handle.write(
                b"L%d,2024-01-%02dT%02d:%02d:00Z,google,cpc,%s\n"
                % (i % 50_000, 1 + i % 28, i % 24, i % 60, revenue)
            )
            line += 1
    assert events.stat().st_size > 32 * 2**20
    assert read_used(events) == "fast"

    analysis = analyze_file(events)
    found = {r.reason: (r.count, [(e.row, e.value) for e in r.examples]) for r in analysis.rejected}
    assert found == {
        quality.UNREADABLE: (
            3,
            [
                (12, "6 fields, expected 5"),
                (2 + rows // 2, "7 fields, expected 5"),
                (2 + rows - 5, "6 fields, expected 5"),
            ],
        ),
        quality.NEGATIVE_REVENUE: (1, [(negative_line, "-5.0")]),
    }
    assert analysis.totals.rows_read == rows + len(bad_lines)
    assert analysis.totals.rows_used == rows - 1


def test_long_queries_draw_no_progress_bar() -> None:
    # DuckDB draws a progress bar on standard output for queries longer than two seconds, even
    # into a pipe, which would corrupt `mkdocs-journey analyze --format json`; a query that long
    # needs millions of rows, so the setting itself is checked.
    with connection() as con:
        enabled = con.execute("SELECT current_setting('enable_progress_bar')").fetchone()
    assert enabled == (False,)


def test_each_connection_spills_to_a_folder_of_its_own() -> None:
    # A shared folder would belong to whichever user created it first; each folder goes when
    # its connection closes.
    with connection() as first, connection() as second:
        folders = [
            Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])  # type: ignore[index]
            for con in (first, second)
        ]
        assert folders[0] != folders[1]
        assert all(folder.is_dir() for folder in folders)
    assert not any(folder.exists() for folder in folders)
