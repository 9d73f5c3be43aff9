"""Table-driven: bad map data in, the author-facing message out."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_journey.model import DEFAULT_STAGES, SourcePosition
from mkdocs_journey.parsing import schema
from mkdocs_journey.parsing.blocks import MapBlock, find_map_blocks
from mkdocs_journey.parsing.page import read_block
from mkdocs_journey.parsing.yaml_source import (
    Located,
    PositionIndex,
    YamlSyntaxError,
    load_yaml,
    plain_json,
)

VALID = {"id": "m", "title": "T", "stages": [{"name": "Awareness"}]}


def _problems(data: object) -> list[str]:
    block = MapBlock(yaml.safe_dump(data, sort_keys=False), line=1, column=1, kind="fence", index=0)
    return [
        f"{p.message}" + (f" ({p.hint})" if p.hint else "")
        for p in read_block("p.md", block, DEFAULT_STAGES).problems
    ]


def _with(**changes: object) -> dict:
    return {**VALID, **changes}


def _stage(**fields: object) -> dict:
    return _with(stages=[{"name": "Awareness", **fields}])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_with(layout="big"), "layout: 'big' is not one of: wide, normal"),
        (_with(layuot="wide"), "unknown key 'layuot' in the map (did you mean 'layout'?)"),
        (_with(titel="x"), "unknown key 'titel' in the map (did you mean 'title'?)"),
        (
            {"id": "m", "stages": [{"name": "Awareness"}]},
            "the map is missing the required key 'title'",
        ),
        (
            _with(stages="Awareness"),
            "stages: expected a list (lines starting with '- '), got the text 'Awareness'",
        ),
        (_with(stages=[]), "stages: needs at least 1 item"),
        (_stage(emotion={"score": -3}), "stages[0].emotion.score must be between -2 and 2, got -3"),
        (
            _stage(emotion={"score": 1.5}),
            "stages[0].emotion.score: expected a whole number, got 1.5",
        ),
        (
            _stage(pain_points=[{"text": "x", "severity": 9}]),
            "stages[0].pain_points[0].severity must be between 1 and 5, got 9",
        ),
        (
            _stage(evidence=[{"type": "interviw", "source": "x"}]),
            "stages[0].evidence[0].type: 'interviw' is not one of: analytics, crm, heatmap, survey, ticket, interview, review, other (did you mean 'interview'?)",
        ),
        (_with(reviewed="2026-13-01"), "reviewed: expected a date as YYYY-MM-DD, got '2026-13-01'"),
        (
            _with(review_every="half a year"),
            "review_every: expected a period such as '6 months' (days, weeks, months or years), got 'half a year'",
        ),
        (
            _with(id="has space"),
            "id: expected an id of letters, digits, '-', '_' or '.', starting with a letter or digit, got 'has space'",
        ),
        (_with(persona={"id": "p"}), "persona is missing the required key 'name'"),
        (
            _with(persona=["p"]),
            "persona: got a list; expected: The persona inline, or the id of a persona defined in another map.",
        ),
        (
            _with(stages=[{"name": "Awarenes"}]),
            "unknown stage 'Awarenes' (did you mean 'Awareness'?)",
        ),
        (
            _with(stages=[{"name": "Awareness"}, {"name": "Awareness"}]),
            "stage 'Awareness' appears twice in this map",
        ),
        (
            _stage(touchpoints=[{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]),
            "touchpoint id 'a' is used twice in this map",
        ),
        (
            _stage(opportunities=[{"text": "x", "addresses": "nope"}]),
            "opportunity addresses unknown pain point 'nope'",
        ),
        (
            _stage(
                pain_points=[{"text": "x", "touchpoint": "ad"}],
                touchpoints=[{"id": "add", "name": "Ad"}],
            ),
            "pain point refers to unknown touchpoint 'ad' (did you mean 'add'?)",
        ),
        (
            _with(flow=[{"from": "Awareness", "to": "Retention"}]),
            "flow step to 'Retention' is neither a stage of this map nor a touchpoint id",
        ),
        (
            "just text",
            "a journey map must be a mapping with keys such as id, title and stages, got the text 'just text'",
        ),
    ],
)
def test_problem_messages(data: object, expected: str) -> None:
    assert expected in _problems(data)


def test_valid_map_has_no_problems() -> None:
    assert _problems(VALID) == []


# The quick check (jsonschema-rs) decides alone that a map is valid; jsonschema, which explains
# failures, runs only on a map it rejects. So a map the quick check passes must be one that
# jsonschema passes, or its mistakes would go unreported. (The other way round costs only time.)


def _base_maps() -> list[dict[str, Any]]:
    """The example site's maps and the fixture sites' valid maps, as the schema sees them."""
    root = Path(__file__).resolve().parents[2]
    found: list[dict[str, Any]] = []
    for page in [
        *root.glob("example-site/docs/**/*.md"),
        *root.glob("tests/fixtures/*/docs/**/*.md"),
    ]:
        text = page.read_text(encoding="utf-8")
        for block in find_map_blocks(text):
            try:
                data, _ = load_yaml(block.text, Located(str(page), block.line, block.column))
            except YamlSyntaxError:
                continue
            if block.kind == "front-matter":
                data = data.get("journey") if isinstance(data, dict) else None
            data = plain_json(data)
            if isinstance(data, dict) and _full_verdict(data):
                found.append(data)
    return found


def _full_verdict(data: Any) -> bool:
    return not any(True for _ in schema._validator().iter_errors(data))


def _quick_verdict(data: Any) -> bool:
    check = schema._quick_check()
    assert check is not None, "jsonschema-rs is a dependency of the package"
    return check(data)


BASES = _base_maps()
#: Keys whose values the schema constrains beyond their type (format, pattern, range, enum).
RULED = {
    "id",
    "persona",
    "data",
    "reviewed",
    "review_every",
    "as_of",
    "since",
    "until",
    "score",
    "severity",
    "target",
    "actual",
    "touchpoint",
    "addresses",
    "layout",
    "direction",
    "type",
    "status",
    "metric",
    "unit",
    "at_risk_within",
}

#: Values that sit on the edges of the schema's rules: dates, review cadences, identifiers,
#: percentages, scores, and the whitespace and line breaks that patterns treat differently.
EDGES = st.sampled_from(
    [
        "2024-02-29",
        "2026-02-29",
        "2026-13-01",
        "2026-1-01",
        "2026-01-01\n",
        " 2026-01-01",
        "20260101",
        "2026-W01-1",
        "2 weeks",
        " 2 weeks ",
        "2 weeks\n",
        "0 days",
        "1 fortnight",
        "\u00a03 months",
        "\x1c1 day",
        "1\u2028year",
        "１ day",
        "a.b-c_d",
        "-abc",
        "abc\n",
        "ab c",
        "é",
        "50%",
        " 5.5 % ",
        "5.%",
        "5 %\n",
        "",
        " ",
        0,
        1,
        -2,
        2,
        3,
        5,
        6,
        1.5,
        2.0,
        -0.0,
        10**20,
        True,
        False,
        None,
        [],
        {},
    ]
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 6)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | EDGES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=4,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value``."""
    places = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            places.extend(_places(item, (*path, key)))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            places.extend(_places(item, (*path, number)))
    return places


@st.composite
def mutated_maps(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        places = _places(data)
        ruled = [place for place in places if place and place[-1] in RULED]
        on_rule = bool(ruled) and draw(st.booleans())
        path = draw(st.sampled_from(ruled if on_rule else places))
        if not path:
            continue
        *parents, last = path
        holder: Any = data
        for step in parents:
            holder = holder[step]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            holder[last] = draw(EDGES if on_rule else JSON_VALUES)
        elif action == "remove":
            del holder[last]
        elif isinstance(holder, dict):
            holder[draw(st.text(max_size=8) | st.sampled_from(["layuot", "id ", "Stage"]))] = draw(
                JSON_VALUES
            )
        else:
            holder.append(draw(JSON_VALUES))
    return data


def test_the_base_maps_cover_the_format() -> None:
    keys = {key for data in BASES for path in _places(data) for key in path if isinstance(key, str)}
    assert len(BASES) >= 5
    assert {
        "reviewed",
        "review_every",
        "kpis",
        "pain_points",
        "evidence",
        "emotion",
        "persona",
    } <= keys


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_maps())
def test_a_map_the_quick_check_passes_is_one_jsonschema_passes(data: dict[str, Any]) -> None:
    if _quick_verdict(data):
        assert _full_verdict(data)


def test_where_the_quick_check_is_stricter_jsonschema_decides() -> None:
    # Python's \s matches the information separators (\x1c to \x1f), Rust's does not: the quick
    # check rejects such a cadence, jsonschema accepts it, and the map reads as it always did.
    data = copy.deepcopy(BASES[0]) | {"review_every": "\x1c1 day"}
    assert not _quick_verdict(data)
    assert _full_verdict(data)
    assert schema.schema_problems(data, PositionIndex(SourcePosition("p.md", 1, 1))) == []


def test_without_jsonschema_rs_every_map_gets_the_full_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The package declares jsonschema-rs, but a platform without its wheel still reads maps.
    bad = copy.deepcopy(BASES[0]) | {"layuot": "wide", "reviewed": "2026-13-01"}
    where = PositionIndex(SourcePosition("p.md", 1, 1))
    expected = [schema.schema_problems(data, where) for data in (*BASES, bad)]
    assert expected[-1]
    assert not any(expected[:-1])
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import fails, as when not installed
    schema._quick_check.cache_clear()
    try:
        assert schema._quick_check() is None
        assert [schema.schema_problems(data, where) for data in (*BASES, bad)] == expected
    finally:
        schema._quick_check.cache_clear()
