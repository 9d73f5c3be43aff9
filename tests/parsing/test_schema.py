"""Table-driven: bad map data in, the author-facing message out."""

from __future__ import annotations

import pytest
import yaml

from mkdocs_journey.model import DEFAULT_STAGES
from mkdocs_journey.parsing.blocks import MapBlock
from mkdocs_journey.parsing.page import read_block

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
