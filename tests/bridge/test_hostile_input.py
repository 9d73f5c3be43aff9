"""Whatever a file holds, import never raises, and what it writes passes the map parser."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mkdocs_journey.bridge.grid import LANES, MAP_FIELDS, STAGE_ROW, map_of_grid
from mkdocs_journey.bridge.mermaid import map_of_mermaid
from mkdocs_journey.bridge.page import map_page
from mkdocs_journey.bridge.sheets import csv_text, parse_csv
from mkdocs_journey.model import DEFAULT_STAGES, Severity
from mkdocs_journey.parsing.page import read_page

FIELD_LABELS = [label for label, _ in MAP_FIELDS] + ["", "Ownr"]
LANE_LABELS = [label for label, _ in LANES] + ["", "Pains", "kpi"]
STAGE_NAMES = ["Awareness", "decision", "Advocacy", "Nope", "", "Awareness", "Retention"]
PIECES = [
    "Awareness",
    "-2",
    "7",
    "3.5",
    "x",
    "#id",
    " #a-b",
    "Ad [channel: Email] #ad",
    "Ad",
    "[severity: 9]",
    "[severity: 2; touchpoint: ad]",
    '[owner: "a;b"]',
    "[status: done]",
    "[target: 5%; actual: lots]",
    "- cause",
    "\n",
    "```",
    "<script>",
    "{{ x }}",
    "'=1",
    "2026-02-30",
    "6 months",
    "[",
    "]",
    '"',
    ":",
    "é",
    "\u2212",
    "[addresses: awareness-pain-1]",
    "Slow [severity: 4] #slow",
    "Fix [addresses: slow]",
    "-1",
    "2",
]
cells = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=5).map("".join)


def _rows(labels: list[str]) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(
        st.tuples(st.sampled_from(labels), st.lists(cells, max_size=5)).map(
            lambda row: [row[0], *row[1]]
        ),
        max_size=12,
    )


rows = st.tuples(
    _rows(FIELD_LABELS),
    st.lists(st.sampled_from(STAGE_NAMES), min_size=1, max_size=6),
    _rows(LANE_LABELS),
).map(lambda parts: [*parts[0], [STAGE_ROW, *parts[1]], *parts[2]])


def _writes_a_valid_page(data: dict | None) -> None:
    if data is None:
        return
    page = map_page(data)
    for reading in read_page("imported.md", page, DEFAULT_STAGES):
        assert [p for p in reading.problems if p.severity is Severity.ERROR] == [], page


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=rows)
# Semicolons in a cell of the first line once made the reader take ";" for the separator.
@example(
    grid=[
        ["Map", "[severity: 2; touchpoint: ad][severity: 2; touchpoint: ad]"],
        [STAGE_ROW, "Awareness"],
    ]
)
@pytest.mark.slow
def test_any_grid(grid: list[list[str]]) -> None:
    data, problems = map_of_grid(grid, stages=DEFAULT_STAGES)
    for problem in problems:
        assert problem.cell[0].isalpha(), problem
    _writes_a_valid_page(data)
    # Through CSV the same grid reads the same.
    assert map_of_grid(parse_csv(csv_text(grid)), stages=DEFAULT_STAGES)[0] == data


MERMAID = [
    "journey",
    "title T",
    "section Awareness",
    "section nope",
    "section decision",
    "Task: 3: Me",
    "Task: 9: Me",
    "Task: x",
    ": 2",
    "accDescr: why",
    "accDescr {",
    "}",
    "%% note",
    "---",
    "#",
    ";",
    "Other: 1: A, B, A",
]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(MERMAID) | st.text(max_size=15), max_size=20))
def test_any_mermaid_text(lines: list[str]) -> None:
    reading = map_of_mermaid("\n".join(["journey", *lines]), stages=DEFAULT_STAGES)
    _writes_a_valid_page(reading.data)
