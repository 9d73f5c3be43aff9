"""Data quality on a CSV holding every kind of bad row: exact counts and row numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_journey.analytics.data_quality import describe_rejections, quality_problems
from mkdocs_journey.analytics.pipeline import analyze_file
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.data import quality
from mkdocs_journey.data.sources import DataSource
from mkdocs_journey.model import JourneyMap, Stage, Touchpoint

FIXTURE = Path(__file__).parent.parent / "fixtures" / "data" / "quality.csv"

MAP = JourneyMap(
    id="quality",
    title="Quality",
    persona=None,
    stages=(
        Stage(
            "Awareness", touchpoints=(Touchpoint("blog", "Blog post", channel="Organic Search"),)
        ),
        Stage("Consideration", touchpoints=(Touchpoint("pricing", "Pricing page"),)),
        Stage("Decision", touchpoints=(Touchpoint("checkout", "Checkout"),)),
    ),
)

# Row numbers count the header as line 1.
EXPECTED = {
    quality.DUPLICATE: (2, [(5, "same as row 4"), (16, "same as row 6")]),
    quality.MISSING_LEAD: (1, [(6, None)]),
    quality.BAD_TIMESTAMP: (3, [(7, "2024-02-30T10:00:00Z"), (8, "05/01/2024 13:45"), (9, "")]),
    quality.NON_NUMERIC_REVENUE: (1, [(11, "12 EUR")]),
    quality.NEGATIVE_REVENUE: (1, [(10, "-10.0")]),
    quality.UNKNOWN_STAGE: (1, [(14, "Nowhere")]),
    quality.UNKNOWN_TOUCHPOINT: (1, [(12, "webinar")]),
}


@pytest.fixture(scope="module")
def with_map() -> DataAnalysis:
    return analyze_file(FIXTURE, journey_map=MAP)


def rejections(analysis: DataAnalysis) -> dict[str, tuple[int, list[tuple[int, str | None]]]]:
    return {r.reason: (r.count, [(e.row, e.value) for e in r.examples]) for r in analysis.rejected}


def test_every_bad_row_is_counted_with_its_row(with_map: DataAnalysis) -> None:
    assert rejections(with_map) == EXPECTED
    # Reported in the order of the reasons (this file has the common kinds of bad row; the
    # others are in tests/data/test_hostile_rows.py).
    assert [r.reason for r in with_map.rejected] == [r for r in quality.REASONS if r in EXPECTED]
    assert quality.REASONS[0] == quality.UNREADABLE


def test_good_rows_are_all_used(with_map: DataAnalysis) -> None:
    totals = with_map.totals
    # Used: rows 2, 3, 4 (L1 converts, 120.50), 13 (L3, empty source kept), 15 (L2 converts, 80)
    assert (totals.rows_read, totals.rows_used) == (15, 5)
    assert totals.rows_read - totals.rows_used == sum(c for c, _ in EXPECTED.values())
    assert (totals.leads, totals.paths, totals.conversions) == (3, 3, 2)
    assert totals.revenue == pytest.approx(200.5)
    # The empty source/medium is kept as (not set) and lands in Unassigned, reported.
    assert with_map.unassigned == (("", "", 1),)
    assert {c.channel: c.touches for c in with_map.channels} == {
        "Organic Search": 1,
        "Email": 1,
        "Direct": 1,
        "Unassigned": 1,
        "Paid Search": 1,
    }


def test_without_a_map_touchpoints_and_stages_are_not_checked() -> None:
    analysis = analyze_file(FIXTURE)
    found = rejections(analysis)
    assert quality.UNKNOWN_STAGE not in found
    assert quality.UNKNOWN_TOUCHPOINT not in found
    assert analysis.totals.rows_used == 7


def test_declared_vs_observed(with_map: DataAnalysis) -> None:
    coverage = with_map.coverage
    assert coverage is not None
    assert coverage.touchpoints_without_events == ()
    assert coverage.unknown_touchpoints == (("webinar", 1),)
    # Only "Organic Search" is declared (on the blog touchpoint).
    assert dict(coverage.undeclared_channels) == {
        "Email": 1,
        "Direct": 1,
        "Unassigned": 1,
        "Paid Search": 1,
    }


@pytest.mark.parametrize(
    ("threshold", "fails"),
    [
        (0.0, True),
        (0.5, True),
        (10 / 15 - 0.001, True),
        (10 / 15, False),
        (0.7, False),
        (1.0, False),
    ],
)
def test_threshold(with_map: DataAnalysis, threshold: float, fails: bool) -> None:
    problems = quality_problems(with_map, threshold)
    assert bool(problems) is fails
    if fails:
        label = with_map.file_label
        assert problems[0].startswith(f"{label}: 10 of 15 rows not used (66.7%, more than")
        assert f"{label}: 3 rows not used, unparsable timestamp: {label}:7" in problems[3]


def test_descriptions_name_file_and_row(with_map: DataAnalysis) -> None:
    lines = describe_rejections(with_map)
    assert lines[0] == (
        f"2 rows not used, exact duplicate: {with_map.file_label}:5 ('same as row 4'), "
        f"{with_map.file_label}:16 ('same as row 6')"
    )


def test_a_clean_file_never_fails(tmp_path: Path) -> None:
    events = tmp_path / "clean.csv"
    events.write_text("lead_id,timestamp,source,medium\nL1,2024-01-01T00:00:00Z,google,organic\n")
    analysis = analyze_file(events)
    assert analysis.rejected == ()
    assert quality_problems(analysis, 0.0) == []


def test_only_five_examples_are_kept(tmp_path: Path) -> None:
    events = tmp_path / "many.csv"
    lines = ["lead_id,timestamp,source,medium"] + [
        f"L{i},not a date,google,organic" for i in range(8)
    ]
    events.write_text("\n".join(lines) + "\n")
    (rejection,) = analyze_file(events).rejected
    assert rejection.count == 8
    assert [e.row for e in rejection.examples] == [2, 3, 4, 5, 6]


def test_rows_are_file_lines_with_blank_lines_and_line_breaks_in_quotes(tmp_path: Path) -> None:
    # The same rows, but row 2's campaign holds a line break (two lines, one record; DuckDB's
    # parallel reader refuses that) and a blank line follows row 3: every later row moves down
    # by two lines, and the report must say so.
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("organic,,blog", 'organic,"spring\nlaunch",blog')
    lines.insert(3, "")
    moved = tmp_path / "moved.csv"
    moved.write_text("\n".join(lines) + "\n", encoding="utf-8")

    analysis = analyze_file(moved, journey_map=MAP)

    def shifted(value: str | None) -> str | None:
        if value and value.startswith("same as row "):
            return f"same as row {int(value.removeprefix('same as row ')) + 2}"
        return value

    assert rejections(analysis) == {
        reason: (count, [(row + 2, shifted(value)) for row, value in examples])
        for reason, (count, examples) in EXPECTED.items()
    }
    assert (analysis.totals.rows_read, analysis.totals.rows_used) == (15, 5)


def test_rows_the_reader_cannot_parse_are_reported_not_fatal(tmp_path: Path) -> None:
    # One row with too many fields, one with a Latin-1 byte, a blank line and a quoted line
    # break: the fast parallel reader refuses this file; it is read again row by row.
    events = tmp_path / "mixed.csv"
    events.write_bytes(
        b"lead_id,timestamp,source,medium\n"  # line 1
        b"L1,2024-01-01T00:00:00Z,google,organic\n"  # 2
        b"L1,2024-01-02T00:00:00Z,google,organic,extra,fields\n"  # 3: too many fields
        b"\n"  # 4
        b"L2,2024-01-01T00:00:00Z\n"  # 5: too few fields
        b"L3,2024-01-01T00:00:00Z,caf\xe9,organic\n"  # 6: not UTF-8
        b'L4,2024-01-01T00:00:00Z,"multi\nline",organic\n'  # 7-8
        b",2024-01-05T00:00:00Z,a,b,c\n"  # 9: too many fields (and no lead)
        b",2024-01-05T00:00:00Z,google,cpc\n"  # 10: missing lead id
    )
    analysis = analyze_file(events)
    assert rejections(analysis) == {
        quality.UNREADABLE: (
            4,
            [
                (3, "6 fields, expected 4"),
                (5, "2 fields, expected 4"),
                (6, "not UTF-8 text (see the source's encoding option)"),
                (9, "5 fields, expected 4"),
            ],
        ),
        quality.MISSING_LEAD: (1, [(10, None)]),
    }
    assert (analysis.totals.rows_read, analysis.totals.rows_used) == (7, 2)
    assert analysis.totals.leads == 2  # L1, L4


def test_latin_1_files_read_with_the_encoding_option(tmp_path: Path) -> None:
    events = tmp_path / "latin.csv"
    events.write_bytes(
        b"lead_id,timestamp,source,medium,campaign\n"
        b"L1,2024-01-01T00:00:00Z,google,cpc,caf\xe9 cr\xe8me\n"
        b"L2,2024-01-01T00:00:00Z,google,cpc,\n"
    )
    source = DataSource("latin", events, encoding="latin-1")
    analysis = analyze_file(events, source=source)
    assert (analysis.totals.rows_read, analysis.totals.rows_used) == (2, 2)
    assert analysis.rejected == ()
    assert [c.channel for c in analysis.channels] == ["Paid Search"]


def test_duplicates_are_found_wherever_the_copies_stand(tmp_path: Path) -> None:
    events = tmp_path / "copies.csv"
    events.write_text(
        "lead_id,timestamp,source,medium,campaign,touchpoint\n"
        "L1,2024-01-01T10:00:00Z,google,cpc,a,blog\n"  # 2
        "L1,2024-01-01T10:00:00Z,google,cpc,b,blog\n"  # 3: same lead and time, not a copy
        "L2,2024-01-02T10:00:00Z,bing,cpc,a,blog\n"  # 4
        "L1,2024-01-01T10:00:00Z,google,cpc,a,blog\n"  # 5: copy of 2, row 3 between them
        "L3,2024-01-03T10:00:00Z,google,cpc,a,webinar\n"  # 6: touchpoint not on the map
        "L3,2024-01-03T10:00:00Z,google,cpc,a,webinar\n"  # 7: copy of 6: a duplicate first
        "L1,2024-01-01T10:00:00Z,google,cpc,a,blog\n"  # 8: copy of 2 again
        "L2,2024-01-02T10:00:00Z,bing,cpc,a,blog\n"  # 9: copy of 4
    )
    analysis = analyze_file(events, journey_map=MAP)
    assert rejections(analysis) == {
        quality.DUPLICATE: (
            4,
            [
                (5, "same as row 2"),
                (7, "same as row 6"),
                (8, "same as row 2"),
                (9, "same as row 4"),
            ],
        ),
        quality.UNKNOWN_TOUCHPOINT: (1, [(6, "webinar")]),
    }
    # Rows 2, 3 and 4 are used: L1 has two touches at 10:00, L2 one.
    assert (analysis.totals.rows_read, analysis.totals.rows_used) == (8, 3)
    assert {c.channel: c.touches for c in analysis.channels} == {"Paid Search": 3}
    assert analysis.totals.paths == 2
