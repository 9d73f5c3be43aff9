"""Declared data sources: validation as a user writes them, path escapes, cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkdocs_journey.analytics.pipeline import CACHE, analyze, analyze_file
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.config.data import load_data_sources
from mkdocs_journey.data.cache import AnalysisCache
from mkdocs_journey.data.engine import DataError
from mkdocs_journey.data.sources import ConversionRule

EVENTS = "Lead ID,When,Source,Medium,Event,Amount\nL1,2024-01-01 10:00,google,cpc,purchase,5\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "crm.csv").write_text(EVENTS)
    return tmp_path


def test_a_full_source(project: Path) -> None:
    raw = {
        "crm": {
            "path": "data/crm.csv",
            "columns": {
                "lead_id": "Lead ID",
                "timestamp": "When",
                "source": "Source",
                "medium": "Medium",
                "event": "Event",
                "revenue": "Amount",
            },
            "timezone": "Europe/Berlin",
            "conversion": {"event": "Purchase"},
        }
    }
    sources, problems = load_data_sources(raw, project)
    assert problems == []
    crm = sources["crm"]
    assert crm.path == (project / "data" / "crm.csv").resolve()
    assert crm.format == "csv"
    assert crm.file_label == "data/crm.csv"
    assert crm.conversion == ConversionRule(event="Purchase")
    analysis = analyze(crm, cache=None)
    assert (analysis.totals.conversions, analysis.totals.revenue) == (1, 5.0)


@pytest.mark.parametrize("raw_path", ["../outside.csv", "data/../../outside.csv", "/etc/passwd"])
def test_paths_that_leave_the_project_are_refused(project: Path, raw_path: str) -> None:
    (project.parent / "outside.csv").write_text(EVENTS)
    sources, problems = load_data_sources({"crm": {"path": raw_path}}, project)
    assert sources == {}
    assert len(problems) == 1
    assert problems[0].startswith(f"data source 'crm': path {raw_path!r} leaves the project folder")
    assert "data files must live inside the folder of mkdocs.yml" in problems[0]


def test_a_symlink_out_of_the_project_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "secret.csv"
    elsewhere.write_text(EVENTS)
    os.symlink(elsewhere, project / "data" / "link.csv")
    _, problems = load_data_sources({"crm": {"path": "data/link.csv"}}, project)
    assert len(problems) == 1
    assert "leaves the project folder" in problems[0]


def test_unknown_keys_say_did_you_mean(project: Path) -> None:
    raw = {
        "crm": {
            "path": "data/crm.csv",
            "colums": {},
            "fromat": "csv",
            "conversion": {"evnt": "purchase"},
        },
        "web": {"path": "data/crm.csv", "columns": {"lead": "Lead ID"}, "format": "xlsx"},
    }
    _, problems = load_data_sources(raw, project)
    assert problems == [
        "data source 'crm': unknown key 'colums' (did you mean 'columns'?); known keys: path, "
        "format, columns, timestamp_format, timezone, conversion, delimiter, encoding, currency",
        "data source 'crm': unknown key 'fromat' (did you mean 'format'?); known keys: path, "
        "format, columns, timestamp_format, timezone, conversion, delimiter, encoding, currency",
        "data source 'crm': unknown key 'evnt' under 'conversion' (did you mean 'event'?)",
        "data source 'crm': conversion needs 'event', or 'column' and 'value'",
        "data source 'web': format 'xlsx' is not supported; use csv or parquet",
        "data source 'web': unknown event field 'lead' under 'columns' (did you mean "
        "'lead_id'?); event fields: lead_id, timestamp, source, medium, campaign, touchpoint, "
        "stage, event, converted, revenue",
    ]


def test_other_problems(project: Path) -> None:
    raw = {
        "a": {"path": "data/missing.csv"},
        "b": {"path": "data/crm.csv", "timezone": "Mars/Olympus", "timestamp_format": "dd/mm"},
        "c": 42,
    }
    _, problems = load_data_sources(raw, project)
    assert problems[0].startswith("data source 'a': file 'data/missing.csv' not found")
    assert problems[1:] == [
        "data source 'b': timestamp_format 'dd/mm' must use strftime codes, e.g. '%d/%m/%Y %H:%M'",
        "data source 'b': unknown time zone 'Mars/Olympus' (use an IANA name like 'UTC')",
        "data source 'c': expected a mapping with at least 'path', got 42",
    ]


def test_a_missing_column_names_file_and_header(project: Path) -> None:
    sources, _ = load_data_sources(
        {"crm": {"path": "data/crm.csv", "columns": {"lead_id": "Lead Id"}}}, project
    )
    with pytest.raises(DataError) as error:
        analyze(sources["crm"], cache=None)
    assert str(error.value) == (
        f"{project / 'data' / 'crm.csv'}:1: no column 'Lead Id' for 'lead_id' (columns.lead_id "
        "of source 'crm') (did you mean 'Lead ID'?); the header has: Lead ID, When, Source, "
        "Medium, Event, Amount"
    )


def test_timestamp_format_and_time_zone(project: Path) -> None:
    (project / "data" / "eu.csv").write_text(
        "lead_id,timestamp,source,medium,converted\n"
        "L1,01/02/2024 10:00,google,cpc,0\n"
        "L1,01/02/2024 09:30,newsletter,email,1\n"
        "L2,2024-02-01T10:00:00Z,google,cpc,0\n"
    )
    sources, problems = load_data_sources(
        {
            "eu": {
                "path": "data/eu.csv",
                "timestamp_format": "%d/%m/%Y %H:%M",
                "timezone": "Europe/Berlin",
            }
        },
        project,
    )
    assert problems == []
    analysis = analyze(sources["eu"], cache=None)
    # ISO is not the configured format any more: row 4 is rejected.
    assert [(r.reason, r.examples[0].row) for r in analysis.rejected] == [
        ("unparsable timestamp", 4)
    ]
    # 09:30 comes before 10:00, so the email converts a one-touch path and Paid Search is a
    # null path after it.
    assert analysis.attribution["last_touch"].keys() == {"Email"}


def test_the_cache_does_not_reread_an_unchanged_file(project: Path) -> None:
    sources, _ = load_data_sources(
        {
            "crm": {"path": "data/crm.csv"}
            | {
                "columns": {
                    "lead_id": "Lead ID",
                    "timestamp": "When",
                    "source": "Source",
                    "medium": "Medium",
                }
            }
        },
        project,
    )
    cache: AnalysisCache = AnalysisCache()
    first = analyze(sources["crm"], cache=cache)
    assert analyze(sources["crm"], cache=cache) is first
    assert (cache.computed, cache.hashed) == (1, 1)
    path = project / "data" / "crm.csv"
    path.write_text(EVENTS + "L2,2024-01-02 10:00,bing,organic,visit,\n")
    second = analyze(sources["crm"], cache=cache)
    assert second.totals.rows_read == 2
    assert cache.computed == 2
    assert CACHE is not cache


def test_a_long_session_of_edits_keeps_the_cache_bounded(project: Path) -> None:
    # `mkdocs serve` keeps one cache for hours while an analyst edits a data file: each edit
    # is a new content hash and a new analysis, but neither list grows without end.
    sources, _ = load_data_sources(
        {"crm": {"path": "data/crm.csv", "columns": {"lead_id": "Lead ID", "timestamp": "When"}}},
        project,
    )
    cache: AnalysisCache = AnalysisCache(max_entries=3)
    path = project / "data" / "crm.csv"
    for edit in range(6):
        path.write_text(EVENTS + f"L{edit},2024-01-02 10:00,bing,organic,visit,\n")
        assert analyze(sources["crm"], cache=cache).totals.rows_read == 2
    assert (cache.computed, cache.hashed) == (6, 6)
    assert len(cache._values) == 3
    assert len(cache._digests) == 1
    # The file as it is now is still known: no new hash, no new analysis.
    analyze(sources["crm"], cache=cache)
    assert (cache.computed, cache.hashed) == (6, 6)


def test_the_disk_cache_serves_a_new_process_and_survives_bad_entries(
    project: Path, tmp_path: Path
) -> None:
    sources, _ = load_data_sources(
        {"crm": {"path": "data/crm.csv", "columns": {"lead_id": "Lead ID", "timestamp": "When"}}},
        project,
    )
    folder = tmp_path / "analyses"
    first_cache: AnalysisCache[DataAnalysis] = AnalysisCache(directory=folder, kind=DataAnalysis)
    first = analyze(sources["crm"], cache=first_cache)
    assert (first_cache.computed, first_cache.loaded) == (1, 0)
    # A new cache object is a new process: it reads the entry back, equal field for field.
    second_cache: AnalysisCache[DataAnalysis] = AnalysisCache(directory=folder, kind=DataAnalysis)
    assert analyze(sources["crm"], cache=second_cache) == first
    assert (second_cache.computed, second_cache.loaded) == (0, 1)
    # An entry of the wrong shape is not trusted: recomputed, reported, rewritten.
    (entry,) = folder.rglob("*.json")
    entry.write_text('{"source": "crm", "totals": "lots"}', encoding="utf-8")
    third_cache: AnalysisCache[DataAnalysis] = AnalysisCache(directory=folder, kind=DataAnalysis)
    assert analyze(sources["crm"], cache=third_cache) == first
    assert third_cache.computed == 1
    assert len(third_cache.errors) == 1
    assert third_cache.errors[0].startswith(f"ignored the cached analysis {entry}")
    assert AnalysisCache(directory=folder, kind=DataAnalysis).file_for("ab" * 32) == (
        folder / "ab" / f"{'ab' * 32}.json"
    )


@pytest.mark.slow
def test_more_stages_than_the_engine_codes_is_an_error_naming_the_file(tmp_path: Path) -> None:
    # Without a map every distinct value of the stage column is a stage; touches carry their
    # stage in 8 bits, so a 256th stage is refused instead of being mixed up with another one.
    events = tmp_path / "stages.csv"
    rows = [f"L{i},2024-01-01T00:00:{i % 60:02d}Z,google,organic,Stage {i}" for i in range(256)]
    events.write_text("lead_id,timestamp,source,medium,stage\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError) as error:
        analyze_file(events)
    assert str(error.value) == (
        f"{events}: too many distinct stages for one analysis: 256 (at most 255)"
    )
    events.write_text("lead_id,timestamp,source,medium,stage\n" + "\n".join(rows[:255]) + "\n")
    assert len(analyze_file(events).funnel) == 255


def test_an_unknown_encoding_is_refused_with_the_likely_one(project: Path) -> None:
    _, problems = load_data_sources(
        {"crm": {"path": "data/crm.csv", "encoding": "latin1"}}, project
    )
    assert problems == [
        "data source 'crm': encoding must be one of utf-8, latin-1, got 'latin1' "
        "(did you mean 'latin-1'?)"
    ]


@pytest.mark.parametrize(
    ("written", "kept", "problem"),
    [
        ("EUR", "EUR", None),
        ("usd", "USD", None),
        (" gbp ", "GBP", None),
        (None, "", None),
        ("euro", None, "got 'euro'"),
        ("€", None, "got '€'"),
        (978, None, "got 978"),
    ],
)
def test_a_source_names_the_currency_of_its_revenue(
    project: Path, written: object, kept: str | None, problem: str | None
) -> None:
    raw = {"crm": {"path": "data/crm.csv", "currency": written}}
    sources, problems = load_data_sources(raw, project)
    if problem is None:
        assert problems == []
        assert sources["crm"].currency == kept
    else:
        assert sources == {}
        assert problems == [
            "data source 'crm': currency: expected a three-letter ISO 4217 currency code such as "
            f"EUR or USD, {problem}"
        ]
