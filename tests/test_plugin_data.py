"""Real builds of a site whose map is joined to a small, deliberately dirty events file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_build

pytestmark = pytest.mark.build

MODELS = ["First touch", "Last touch", "Last non-direct", "Linear", "Position-based", "Time decay"]


def _set_option(project: Path, old: str, new: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


def test_map_page_shows_funnel_channels_attribution_and_data_kpi(fixture_site) -> None:
    build = run_build(fixture_site("data-site"), strict=True)
    assert build.returncode == 0, build.output
    map_div = build.page("").select_one("#journey-trial")
    section = map_div.select_one(".journey-analytics")
    assert section is not None
    funnel = [
        row.select_one("th, td").get_text(strip=True)
        for row in section.select(".journey-funnel tbody tr")
    ]
    assert funnel == ["Awareness", "Consideration", "Decision"]
    headers = [
        th.get_text(" ", strip=True)
        for th in section.select("#journey-trial-attribution ~ div table thead th")
    ]
    for model in MODELS:
        assert any(h.startswith(model) for h in headers), headers
    # The KPI bound to `conversions` shows the number from the data, not a hand value.
    kpi = map_div.select_one(".journey-kpi")
    document = json.loads((build.site / "journeys.json").read_text(encoding="utf-8"))
    conversions = document["maps"][0]["analytics"]["totals"]["conversions"]
    assert f"actual {conversions}" in kpi.get_text(" ", strip=True)
    assert set(document["maps"][0]["analytics"]["attribution"]) >= {
        "first_touch",
        "last_touch",
        "last_non_direct",
        "linear",
        "position_based",
        "time_decay",
        "markov",
    }


def test_data_quality_page_and_notes(fixture_site) -> None:
    build = run_build(fixture_site("data-site"))
    assert build.returncode == 0, build.output
    page = build.page("journeys/data-quality/")
    text = page.select_one("article").get_text(" ", strip=True)
    assert "data/events.csv" in text
    assert "exact duplicate" in text
    assert "unparsable timestamp" in text
    # The same reasons are logged, with file:row examples, without failing the build.
    assert "data/events.csv:5" in build.output


def test_strict_fails_when_rejected_share_is_over_the_threshold(fixture_site) -> None:
    project = fixture_site("data-site")
    _set_option(project, "max_rejected_share: 0.9", "max_rejected_share: 0.05")
    strict = run_build(project, strict=True)
    assert strict.returncode != 0
    assert "data/events.csv:" in strict.output
    assert "more than max_rejected_share 5.0%" in strict.output
    plain = run_build(project)
    assert plain.returncode == 0, plain.output


def test_data_path_may_not_leave_the_project(fixture_site) -> None:
    project = fixture_site("data-site")
    _set_option(project, "path: data/events.csv", "path: ../../etc/passwd")
    build = run_build(project, strict=True)
    assert build.returncode != 0
    warnings = [line for line in build.output.splitlines() if "WARNING" in line]
    assert warnings == [
        "WARNING -  journey: mkdocs.yml: data_sources: data source 'crm': path '../../etc/passwd' "
        f"leaves the project folder {project} (it resolves to {project.parent.parent / 'etc' / 'passwd'}); "
        "data files must live inside the folder of mkdocs.yml"
    ]


def test_check_command_reports_positions_and_exit_status(fixture_site) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_journey.cli",
            "check",
            "--config",
            str(FIXTURES / "errors" / "mkdocs.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=FIXTURES / "errors",  # paths are printed relative to the current directory
    )
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert (
        "docs/score.md:9:14: error: stages[0].emotion.score must be between -2 and 2, got 7"
        in lines
    )
    assert lines[-1] == "2 maps checked: 4 errors, 0 warnings"
    # A copy: check keeps the analyses in the site's cache folder, for the build after it.
    data_site = fixture_site("data-site")
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_journey.cli",
            "check",
            "--config",
            str(data_site / "mkdocs.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.splitlines()[-1] == "1 map checked: 0 errors, 0 warnings"
    assert len(list((data_site / ".cache" / "journey" / "analyses").rglob("*.json"))) == 1


def test_the_next_build_reads_the_analysis_from_the_disk_cache(fixture_site) -> None:
    project = fixture_site("data-site")
    first = run_build(project, strict=True)
    assert first.returncode == 0, first.output
    stored = list((project / ".cache" / "journey" / "analyses").rglob("*.json"))
    assert len(stored) == 1
    real = json.loads(stored[0].read_text(encoding="utf-8"))["totals"]["conversions"]

    # A number changed in the cache file shows up: the second build read it, not the events.
    entry = json.loads(stored[0].read_text(encoding="utf-8"))
    entry["totals"]["conversions"] = 987654
    stored[0].write_text(json.dumps(entry), encoding="utf-8")
    second = run_build(project, strict=True)
    assert second.returncode == 0, second.output
    assert "actual 987,654" in second.page("").select_one(".journey-kpi").get_text(" ", strip=True)

    # A broken entry is recomputed from the data and written again.
    stored[0].write_text("{not json", encoding="utf-8")
    third = run_build(project, strict=True)
    assert third.returncode == 0, third.output
    kpi = third.page("").select_one(".journey-kpi").get_text(" ", strip=True)
    assert f"actual {real}" in kpi
    assert json.loads(stored[0].read_text(encoding="utf-8"))["totals"]["conversions"] == real

    # Changed events are a new entry: the cache never serves numbers of another file.
    events = project / "data" / "events.csv"
    events.write_text(events.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fourth = run_build(project, strict=True)
    assert fourth.returncode == 0, fourth.output
    assert len(list((project / ".cache" / "journey" / "analyses").rglob("*.json"))) == 2


def test_a_mistake_in_the_data_options_stops_the_build_naming_each(fixture_site) -> None:
    project = fixture_site("data-site")
    _set_option(project, "path: data/events.csv", "path: data/events.csv\n          fromat: csv")
    _set_option(project, "max_rejected_share: 0.9", "max_rejected_share: 90")
    build = run_build(project)
    assert build.returncode != 0
    assert (
        "Plugin 'journey' option 'data_sources': data source 'crm': unknown key 'fromat' "
        "(did you mean 'format'?)"
    ) in build.output
    assert (
        "Plugin 'journey' option 'max_rejected_share': expected a share between 0 and 1 "
        "(0.05 is 5%), got 90"
    ) in build.output


def test_observed_steps_the_flow_does_not_draw_reach_the_author(fixture_site) -> None:
    project = fixture_site("data-site")
    page = project / "docs" / "index.md"
    text = page.read_text(encoding="utf-8")
    # The flow draws pricing -> checkout only: the data's blog -> pricing has no arrow.
    page.write_text(
        text.replace("data: crm\n", "data: crm\nflow:\n  - {from: pricing, to: checkout}\n"),
        encoding="utf-8",
    )
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output  # information, not a failure
    notes = [line for line in build.output.splitlines() if "not drawn" in line]
    assert len(notes) == 1, build.output
    assert notes[0].startswith(
        "INFO    -  journey: flow diagram of journey map 'trial' on index.md:4:1: 1 observed step "
        "of the data not drawn in the map's flow: 'blog' -> 'pricing' (1 time)"
    )
