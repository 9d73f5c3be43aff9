"""Unusual and hostile rows, run through the real CLI (``mkdocs-journey analyze``): each ends in
a rejected row with its reason and line, or in the right number, never in a traceback, a whole
file refused, ``inf`` or ``NaN``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mkdocs_journey.finite_json import NonFiniteNumber, dumps

HEADER = "lead_id,timestamp,utm_source,utm_medium,touchpoint,converted,revenue\n"


def analyze(events: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "analyze", str(events), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def strict_json(text: str) -> Any:
    """JSON as any other parser reads it: NaN and Infinity are errors."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def analyze_json(events: Path) -> dict[str, Any]:
    done = analyze(events, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return strict_json(done.stdout)


def rejected(data: dict[str, Any]) -> dict[str, tuple[int, list[tuple[int, Any]]]]:
    return {
        reason: (entry["count"], [(e["row"], e["value"]) for e in entry["examples"]])
        for reason, entry in data["rejected"].items()
    }


@pytest.mark.build
def test_far_off_timestamps_are_rejected_rows(tmp_path: Path) -> None:
    events = tmp_path / "far.csv"
    events.write_text(
        HEADER
        + "L1,2024-01-01T00:00:00Z,google,organic,,0,\n"  # 2
        + "L2,150000-01-01T00:00:00Z,google,organic,,0,\n"  # 3: parsed, then out of range
        + "L3,-150000-01-01T00:00:00Z,google,organic,,0,\n"  # 4
        + "L4,300000-06-01T00:00:00Z,google,organic,,0,\n"  # 5: beyond what DuckDB parses
        + "L5,0000-12-31T00:00:00Z,google,organic,,0,\n"  # 6: year 0
        + "L6,9999-12-31T23:59:59Z,google,organic,,0,\n"  # 7: the last accepted second
        + "L7,not a date,google,organic,,0,\n"  # 8: still unparsable, not out of range
    )
    data = analyze_json(events)
    assert rejected(data) == {
        "timestamp out of range": (
            4,
            [
                (3, "150000-01-01T00:00:00Z"),
                (4, "-150000-01-01T00:00:00Z"),
                (5, "300000-06-01T00:00:00Z"),
                (6, "0000-12-31T00:00:00Z"),
            ],
        ),
        "unparsable timestamp": (1, [(8, "not a date")]),
    }
    assert data["totals"]["rows_read"] == 7
    assert data["totals"]["rows_used"] == 2
    table = analyze(events)
    assert table.returncode == 0, table.stderr
    assert "  timestamp out of range: 4 (rows 3, 4, 5, 6)" in table.stdout.splitlines()


@pytest.mark.build
def test_revenue_that_would_overflow_is_rejected_and_every_figure_is_finite(
    tmp_path: Path,
) -> None:
    events = tmp_path / "huge.csv"
    events.write_text(
        HEADER
        + "L1,2024-01-01T00:00:00Z,google,cpc,,1,1e308\n"  # 2: two of these sum to inf
        + "L2,2024-01-01T00:00:00Z,google,cpc,,1,1.5e308\n"  # 3
        + "L3,2024-01-01T00:00:00Z,google,cpc,,1,2000000000000000\n"  # 4: above 1e15
        + "L4,2024-01-01T00:00:00Z,google,cpc,,1,1000000000000000\n"  # 5: the largest kept
        + "L5,2024-01-01T00:00:00Z,google,cpc,,1,Infinity\n"  # 6
        + "L6,2024-01-01T00:00:00Z,google,cpc,,1,NaN\n"  # 7
        + "L7,2024-01-01T00:00:00Z,google,cpc,,1,-1e308\n"  # 8: negative first
    )
    data = analyze_json(events)
    assert rejected(data) == {
        "non-numeric revenue": (2, [(6, "Infinity"), (7, "NaN")]),
        "negative revenue": (1, [(8, "-1e+308")]),
        "revenue too large": (3, [(2, "1e308"), (3, "1.5e308"), (4, "2000000000000000")]),
    }
    assert data["totals"]["revenue"] == 1e15
    assert data["attribution"]["markov"] == {"Paid Search": {"conversions": 1.0, "value": 1e15}}
    table = analyze(events)
    assert table.returncode == 0, table.stderr
    assert "  revenue too large: 3 (rows 2, 3, 4)" in table.stdout.splitlines()
    assert not re.search(r"\b(inf|infinity|nan)\b", table.stdout, re.IGNORECASE)


@pytest.mark.build
def test_parquet_nan_and_infinite_revenue_are_rejected_not_zero(tmp_path: Path) -> None:
    import duckdb

    events = tmp_path / "numbers.parquet"
    duckdb.sql(
        """SELECT * FROM (VALUES
             ('L1', TIMESTAMP '2024-01-01 00:00:00', 'google', 'cpc', true, 'nan'::DOUBLE),
             ('L2', TIMESTAMP '2024-01-01 00:00:00', 'google', 'cpc', true, 'inf'::DOUBLE),
             ('L3', TIMESTAMP '2024-01-01 00:00:00', 'google', 'cpc', true, 1e300),
             ('L4', TIMESTAMP '2024-01-01 00:00:00', 'google', 'cpc', true, 12.5))
           t(lead_id, timestamp, source, medium, converted, revenue)"""
    ).write_parquet(str(events))
    data = analyze_json(events)
    assert rejected(data) == {
        "non-numeric revenue": (2, [(2, "nan"), (3, "inf")]),
        "revenue too large": (1, [(4, "1e+300")]),
    }
    assert data["totals"]["revenue"] == 12.5


def test_the_json_writers_refuse_non_finite_numbers() -> None:
    assert dumps({"a": [1.5]}, "journeys.json") == '{"a": [1.5]}'
    with pytest.raises(NonFiniteNumber) as refused:
        dumps({"maps": [{"analytics": {"totals": {"revenue": float("inf")}}}]}, "journeys.json")
    assert str(refused.value).startswith(
        "journeys.json: maps[0].analytics.totals.revenue is inf, not a finite number; "
        "nothing was written"
    )


@pytest.mark.build
def test_a_row_with_too_few_fields_is_unreadable_at_its_line(tmp_path: Path) -> None:
    events = tmp_path / "short.csv"
    events.write_text(
        HEADER
        + "L1,2024-01-01T00:00:00Z,google,organic,,0,\n"  # 2
        + "L2,2024-01-01T00:00:00Z,google\n"  # 3: three fields of seven
        + "L3,2024-01-01T00:00:00Z,google,organic,,1\n"  # 4: revenue missing, field and all
        + "L4\n"  # 5
        + "L5,2024-01-01T00:00:00Z,google,organic,,0,,\n"  # 6: an empty field too many
        + "L6,2024-01-02T00:00:00Z,google,organic,,0,\n"  # 7
    )
    data = analyze_json(events)
    assert rejected(data) == {
        "unreadable row": (
            4,
            [
                (3, "3 fields, expected 7"),
                (4, "6 fields, expected 7"),
                (5, "1 field, expected 7"),
                (6, "8 fields, expected 7"),
            ],
        ),
    }
    assert (data["totals"]["rows_read"], data["totals"]["rows_used"]) == (6, 2)
    assert data["channels"]["totals"] == {"Organic Search": {"touches": 2, "leads": 2}}


@pytest.mark.build
def test_whitespace_around_utm_values_is_trimmed(tmp_path: Path) -> None:
    events = tmp_path / "padded.csv"
    events.write_text(
        HEADER
        + "L1,2024-01-01T00:00:00Z,partner.example.com\t,referral\t,,0,\n"
        + 'L2,2024-01-01T00:00:00Z,"\tpartner.example.com\r\n","\r\nreferral\r",,0,\n'
        + "L3,2024-01-01T00:00:00Z,\u00a0google\u00a0,\u2003cpc,,0,\n"  # no-break, em spaces
        + "\tL1 ,2024-01-02T00:00:00Z, google ,organic ,,0,\n"  # the same lead as row 2
    )
    data = analyze_json(events)
    assert data["rejected"] == {}
    assert data["channels"]["totals"] == {
        "Referral": {"touches": 2, "leads": 2},
        "Organic Search": {"touches": 1, "leads": 1},
        "Paid Search": {"touches": 1, "leads": 1},
    }
    assert data["channels"]["unassigned"] == []
    assert data["totals"]["leads"] == 3


@pytest.mark.build
def test_converted_spellings(tmp_path: Path) -> None:
    spellings = ["1", "1.0", "TRUE", "Yes", "y", "t", " 1.00 ", "1e0"]
    falsy = ["0", "0.0", "false", "No", "N", "f", "", "\t0\t"]
    unknown = ["maybe", "2", "-1", "yes please", "nan"]
    rows = [
        f"L{i},2024-01-01T00:00:00Z,google,cpc,,{value},10\n"
        for i, value in enumerate(spellings + falsy + unknown)
    ]
    events = tmp_path / "flags.csv"
    events.write_text(HEADER + "".join(rows))
    data = analyze_json(events)
    first_unknown = 2 + len(spellings) + len(falsy)
    assert rejected(data) == {
        "unrecognised converted value": (
            len(unknown),
            [(first_unknown + i, value) for i, value in enumerate(unknown)],
        ),
    }
    assert data["totals"]["conversions"] == len(spellings)
    assert data["totals"]["revenue"] == 10 * len(spellings)
    assert data["totals"]["rows_used"] == len(spellings) + len(falsy)


@pytest.mark.build
def test_page_paths_in_the_touchpoint_column_do_not_refuse_the_file(tmp_path: Path) -> None:
    # More distinct touchpoint values than the 65,535 ids a touch's sort key holds. Without a
    # map every value is a touchpoint: the most frequent keep their own id, the rarest share
    # one; the whole file is analysed.
    rows = [
        f"L{i % 3000},2024-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z,google,organic,"
        f"/docs/page-{i},{1 if i % 40 == 0 else 0},\n"
        for i in range(70_000)
    ]
    rows += [f"L{i},2024-02-01T00:00:00Z,google,organic,/pricing,1,\n" for i in range(5)]
    events = tmp_path / "paths.csv"
    events.write_text(HEADER + "".join(rows))
    done = analyze(events, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = strict_json(done.stdout)
    assert data["rejected"] == {}
    assert (data["totals"]["rows_read"], data["totals"]["rows_used"]) == (70_005, 70_005)
    assert data["totals"]["conversions"] == 1_750 + 5
    touchpoints = data["touchpoint_attribution"]
    assert touchpoints["last_touch"]["/pricing"] == {"conversions": 5.0, "value": 0.0}
    for model, credits in touchpoints.items():
        assert sum(c["conversions"] for c in credits.values()) == pytest.approx(1_755), model
    # The data-driven model tells apart the 200 most visited; the rest share one state.
    assert len(touchpoints["markov"]) <= 200
    assert "(other touchpoints)" in touchpoints["markov"]
