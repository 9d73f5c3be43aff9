"""Reading a grid a team wrote: a first draft becomes a page that passes check; every cell that
cannot be read is named by its reference."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_journey.bridge.grid import cell_ref, map_of_grid
from mkdocs_journey.bridge.sheets import csv_text
from mkdocs_journey.model import DEFAULT_STAGES
from tests.conftest import copy_fixture

DRAFT = [
    ["Title", "Café regulars"],
    ["Persona", "Morning commuter"],
    ["Owner", "Store marketing"],
    ["Tags", "cafe, loyalty"],
    [],
    ["Stage", "Awareness", "decision", "Retention"],
    ["Goal", "Find coffee on the way", "Get served fast", "Come back tomorrow"],
    ["Actions", "Walks past\nSees the board", "Orders at the counter", ""],
    ["Touchpoints", "Street board [channel: Offline]\nInstagram post", "Counter", "Loyalty app"],
    ["Emotion score", "1", "−1", "2"],
    ["Emotion label", "curious", "impatient", "at home"],
    [
        "Pain points",
        "",
        "Queue is long at 8am [severity: 4; touchpoint: Counter]\n- one barista\n- slow till",
        "",
    ],
    [
        "Opportunities",
        "",
        "Second barista at rush hour [owner: Operations; status: planned; "
        "addresses: Queue is long at 8am]",
        "",
    ],
    ["KPIs", "Passers-by who enter [target: 5%; actual: 3.5%]", "", "Visits per week [target: 3]"],
]


def test_cell_references() -> None:
    assert [cell_ref(0, 0), cell_ref(6, 2), cell_ref(0, 25), cell_ref(9, 26), cell_ref(0, 52)] == [
        "A1",
        "C7",
        "Z1",
        "AA10",
        "BA1",
    ]


def test_a_first_draft_becomes_map_data() -> None:
    data, problems = map_of_grid(DRAFT, stages=DEFAULT_STAGES, fallback_id="cafe.csv")
    assert problems == []
    assert data == {
        "id": "cafe-csv",
        "title": "Café regulars",
        "persona": {"id": "morning-commuter", "name": "Morning commuter"},
        "owner": "Store marketing",
        "tags": ["cafe", "loyalty"],
        "stages": [
            {
                "name": "Awareness",
                "goal": "Find coffee on the way",
                "actions": ["Walks past", "Sees the board"],
                "touchpoints": [
                    {"id": "street-board", "name": "Street board", "channel": "Offline"},
                    {"id": "instagram-post", "name": "Instagram post"},
                ],
                "emotion": {"score": 1, "label": "curious"},
                "kpis": [{"name": "Passers-by who enter", "target": 5, "actual": 3.5, "unit": "%"}],
            },
            {
                "name": "Decision",
                "goal": "Get served fast",
                "actions": ["Orders at the counter"],
                "touchpoints": [{"id": "counter", "name": "Counter"}],
                "emotion": {"score": -1, "label": "impatient"},
                "pain_points": [
                    {
                        "text": "Queue is long at 8am",
                        "causes": ["one barista", "slow till"],
                        "severity": 4,
                        "touchpoint": "counter",
                    }
                ],
                "opportunities": [
                    {
                        "text": "Second barista at rush hour",
                        "addresses": "decision-pain-1",
                        "owner": "Operations",
                        "status": "planned",
                    }
                ],
            },
            {
                "name": "Retention",
                "goal": "Come back tomorrow",
                "touchpoints": [{"id": "loyalty-app", "name": "Loyalty app"}],
                "emotion": {"score": 2, "label": "at home"},
                "kpis": [{"name": "Visits per week", "target": 3}],
            },
        ],
    }


def _import(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "import", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.build
def test_the_imported_page_passes_check(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    (project / "cafe.csv").write_text(csv_text(DRAFT), encoding="utf-8")
    done = _import(project, "cafe.csv", "-o", "docs/maps/cafe.md")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "wrote docs/maps/cafe.md (map 'cafe')\n"
    check = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout
    assert "4 maps checked: 0 errors" in check.stdout


BROKEN = [
    ["Map", "cafe map"],
    ["Reviewd", "2026-01-01"],
    ["Reviewed", "yesterday"],
    ["Stage", "Awareness", "Consideraton", "Decision"],
    ["Emotion score", "high", "0", "2.5"],
    ["Pains points", "x"],
    [
        "Pain points",
        "Too slow [severity: 9]\nToo loud [touchpoint: radio]",
        "",
        "Hidden fees [sevrity: 2]",
    ],
    ["Opportunities", "Quieter music [status: doing]", "", ""],
    ["KPIs", "", "", "Basket [target: lots]"],
    ["Emotion label", "", "", "calm"],
]


@pytest.mark.build
def test_every_unreadable_cell_is_named(tmp_path: Path) -> None:
    data, problems = map_of_grid(BROKEN, stages=DEFAULT_STAGES)
    assert [str(p) for p in problems] == [
        "A2: unknown field 'Reviewd' (did you mean 'Reviewed'?)",
        "C4: unknown stage 'Consideraton' (did you mean 'Consideration'?)",
        "A6: unknown lane 'Pains points' (did you mean 'Pain points'?)",
        "B1: 'cafe map' is not an id (letters, digits, . _ -)",
        "B3: 'yesterday' is not a date YYYY-MM-DD",
        "B5: emotion score 'high': expected a whole number from -2 to 2",
        "B7 (line 1): severity '9': expected 1 to 5",
        "B8 (line 1): status 'doing': expected one of idea, planned, in progress, done, dropped "
        "(did you mean 'done'?)",
        "D5: emotion score '2.5': expected a whole number from -2 to 2",
        "D7 (line 1): unknown attribute 'sevrity' (did you mean 'severity'?)",
        "D9 (line 1): target 'lots': expected a number",
        "B7 (line 2): touchpoint 'radio' is not a touchpoint of this map",
    ]
    _, problems = map_of_grid(
        [["Stage", "Awareness"], ["Emotion score", ""], ["Thoughts", "Hm."]], stages=DEFAULT_STAGES
    )
    assert [str(p) for p in problems] == [
        "B3: an emotion label or thoughts need an emotion score in B2"
    ]
    # What could be read is kept.
    assert data["id"] == "cafe-map"
    assert [s["name"] for s in data["stages"]] == ["Awareness", "Decision"]
    assert data["stages"][0]["pain_points"] == [
        {"text": "Too slow"},
        {"text": "Too loud"},
    ]
    assert data["stages"][1]["kpis"] == [{"name": "Basket"}]
    # The command writes the page anyway, reports each cell, and exits with 1.
    from mkdocs_journey.bridge.sheets import write_csv

    write_csv(BROKEN, tmp_path / "broken.csv")
    done = _import(tmp_path, "broken.csv", "-o", "page.md")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == "broken.csv: A2: unknown field 'Reviewd' (did you mean 'Reviewed'?)"
    assert lines[-1] == "wrote page.md (map 'cafe-map')"
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    block = page.split("```journey\n", 1)[1].split("```", 1)[0]
    assert yaml.safe_load(block) == data


@pytest.mark.build
def test_a_file_that_is_not_a_grid(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("just,some\nwords,here\n", encoding="utf-8")
    done = _import(tmp_path, "notes.csv")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "notes.csv: A1: no row with 'Stage' in column A: the grid needs a row that names the "
        "stages, one per column",
        "mkdocs-journey: error: notes.csv: no map to write",
    ]
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    done = _import(tmp_path, "bad.xlsx")
    assert done.returncode == 2
    assert done.stderr.startswith("mkdocs-journey: error: bad.xlsx: not an XLSX workbook")
    assert "Traceback" not in done.stderr


def test_formulas_stay_text_in_csv_and_xlsx(tmp_path: Path) -> None:
    """A cell that starts like a formula must not run when a spreadsheet opens the export."""
    from openpyxl import load_workbook

    from mkdocs_journey.bridge.sheets import parse_csv, read_xlsx, write_xlsx

    grid = [
        ["Title", '=HYPERLINK("http://evil.example","x")'],
        ["Stage", "Awareness"],
        ["Actions", "+1 upsell\n@mention"],
        ["Thoughts", "-Why so slow?"],
        ["Emotion score", "-2"],
        ["Goal", "'=already quoted"],
    ]
    text = csv_text(grid)
    assert "'=HYPERLINK" in text
    assert "\"'+1 upsell" in text
    assert "'-Why so slow?" in text
    assert "\r\nEmotion score,-2\r\n" in text  # a number stays a number
    assert parse_csv(text) == grid
    workbook = tmp_path / "grid.xlsx"
    write_xlsx(grid, workbook)
    cell = load_workbook(workbook).active["B1"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","x")'
    assert read_xlsx(workbook) == grid
