"""libyaml (PyYAML's C parser) and the pure-Python parser read every map alike: the same models,
the same messages at the same page, line and column, and the same positions of every value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_journey.model import DEFAULT_STAGES
from mkdocs_journey.parsing.page import MapReading, read_page
from mkdocs_journey.parsing.yaml_limits import _PURE_ONLY, provably_within_limits

# The fuzz test's pieces of YAML and what the two parsers were found to read differently (tabs,
# byte-order marks, tags, explicit keys, block scalar headers, other line breaks).
yaml_ish = st.lists(
    st.sampled_from(
        [
            *"abc:-[]{}'\"#&*!|>%@`?\\,.\n\r\t 0123456789",
            *"\x85\u2028\ufeff\x00\x07é😀",
            "stages",
            "name",
            "id: x",
            "title: ",
            "\n  - ",
            "2026-02-30",
            "&a ",
            "*a",
            "!!str ",
            "? ",
            "--- ",
            "<<: ",
        ]
    ),
    max_size=60,
).map("".join)

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    path
    for folder in ("tests/fixtures", "example-site/docs", "docs")
    for path in (ROOT / folder).rglob("*.md")
)

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")


def _both(page: str, source: str) -> tuple[list[MapReading], list[MapReading]]:
    fast = read_page(page, source, DEFAULT_STAGES, libyaml=True)
    pure = read_page(page, source, DEFAULT_STAGES, libyaml=False)
    return fast, pure


def _assert_same(fast: list[MapReading], pure: list[MapReading]) -> None:
    assert fast == pure  # models, problems (message, page, line, column, hint), labels
    assert [str(p) for r in fast for p in r.problems] == [str(p) for r in pure for p in r.problems]
    for one, other in zip(fast, pure, strict=True):
        if one.positions is None or other.positions is None:
            assert one.positions is other.positions
            continue
        assert one.positions.values == other.positions.values
        assert one.positions.keys == other.positions.keys


def test_the_fixtures_hold_maps_and_broken_maps() -> None:
    readings = [
        r for path in PAGES for r in read_page(path.name, path.read_text("utf-8"), DEFAULT_STAGES)
    ]
    assert sum(r.journey_map is not None for r in readings) >= 10
    assert sum(r.journey_map is None for r in readings) >= 3


@pytest.mark.parametrize("path", PAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_fixture_page_reads_the_same_with_both_parsers(path: Path) -> None:
    page = str(path.relative_to(ROOT))
    _assert_same(*_both(page, path.read_text(encoding="utf-8")))


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(body=yaml_ish)
def test_any_fence_body_reads_the_same_with_both_parsers(body: str) -> None:
    _assert_same(*_both("p.md", f"# Page\n\n```journey\n{body}\n```\n"))


@pytest.mark.parametrize(
    ("text", "provable"),
    [
        ("id: a\nstages:\n  - name: Awareness\n    touchpoints:\n      - id: t\n", True),
        ("a: *b\n", False),  # an alias: the event pass counts it
        ("a: [1, 2]\n", False),  # flow collections nest on one line
        ("a: {b: 1}\n", False),
        ("a: 1\u2028b: 2\n", False),  # a line break Python's split would not see
        # Two levels a column at most: 12 compact lists (24 columns) prove at most 50 levels.
        ("- " * 12 + "x\n", True),
        ("- " * 13 + "x\n", False),
    ],
)
def test_the_text_proof_of_limits_is_conservative(text: str, provable: bool) -> None:
    assert provably_within_limits(text) is provable


# The pattern as the differential test found it; _PURE_ONLY is written to be searched faster.
_PURE_ONLY_AS_FOUND = re.compile(
    r"[\t\ufeff]|(?:^|[\s,\[\]{}:?&-])[!?]|(?:^|[\s:-])[|>](?![0-9+-]*(?: |$))", re.MULTILINE
)


@settings(max_examples=2000)
@given(
    st.text(alphabet=st.sampled_from(list("\t\ufeff!?|>-:,[]{}& \n\r\x85\u20280+9a")), max_size=12)
)
def test_the_pure_python_triggers_are_found_as_the_pattern_found_them(text: str) -> None:
    assert bool(_PURE_ONLY.search(text)) == bool(_PURE_ONLY_AS_FOUND.search(text))
