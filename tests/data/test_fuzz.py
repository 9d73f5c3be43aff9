"""Hypothesis: whatever bytes an events file holds, the analysis never crashes and never loses a
row: every row read is used or rejected with a reason, and every example points at a real line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_journey.analytics.pipeline import analyze_file
from mkdocs_journey.data.engine import DataError

HEADER = b"lead_id,timestamp,source,medium,touchpoint,converted,revenue\n"

FIELDS = st.sampled_from(
    [
        b"L1",
        b"L2",
        b"",
        b"2024-01-01T10:00:00Z",
        b"2024-02-30T10:00:00Z",
        b"05/01/2024",
        b"google",
        b"(direct)",
        b"cpc",
        b"organic",
        b"blog",
        b"1",
        b"0",
        b"-5",
        b"12 EUR",
        b"3.50",
        b'"quoted, with comma"',
        b'"two\nlines"',
        b'"say ""hi"""',
        b"caf\xe9",  # not UTF-8
        b"\xef\xbb\xbf",
        b" padded ",
        b"x" * 300,
    ]
)
ROWS = st.lists(st.lists(FIELDS, min_size=0, max_size=9), max_size=25)
ENDINGS = st.sampled_from([b"\n", b"\r\n"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.slow
@given(rows=ROWS, ending=ENDINGS, final=st.booleans())
def test_any_events_file_is_analysed_or_refused_with_its_name(
    tmp_path: Path, rows: list[list[bytes]], ending: bytes, final: bool
) -> None:
    body = ending.join(b",".join(fields) for fields in rows)
    events = tmp_path / "fuzz.csv"
    events.write_bytes(HEADER.replace(b"\n", ending) + body + (ending if final else b""))
    try:
        analysis = analyze_file(events)
    except DataError as error:
        refusal = str(error)
    else:
        refusal = ""
    if refusal:
        assert str(events) in refusal
        return
    totals = analysis.totals
    assert totals.rows_read - totals.rows_used == sum(r.count for r in analysis.rejected)
    lines = events.read_bytes().count(b"\n") + 1
    for rejection in analysis.rejected:
        assert 0 < len(rejection.examples) <= rejection.count
        rows_shown = [example.row for example in rejection.examples]
        assert rows_shown == sorted(rows_shown)
        assert all(2 <= row <= lines for row in rows_shown), (rejection, lines)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xff\xfe\x00", b",,,\n"])
def test_files_without_a_usable_header_are_refused_by_name(tmp_path: Path, content: bytes) -> None:
    events = tmp_path / "bad.csv"
    events.write_bytes(content)
    with pytest.raises(DataError, match=r"bad\.csv"):
        analyze_file(events)
