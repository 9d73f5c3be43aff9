"""Whatever an author types, reading a page never crashes and never drops a block silently."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_journey.model import DEFAULT_STAGES
from mkdocs_journey.parsing.page import read_page

yaml_ish = st.lists(
    st.sampled_from(
        [*"abc:-[]{}'\"#&*!|>%@`\n\t 0123456789.,", "stages", "name", "id: x", "\n  - "]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(body=yaml_ish)
def test_any_fence_body_gives_a_map_or_a_positioned_problem(body: str) -> None:
    page = f"# Page\n\n```journey\n{body}\n```\n"
    [reading] = read_page("p.md", page, DEFAULT_STAGES)
    if reading.journey_map is None:
        assert reading.problems
        for problem in reading.problems:
            assert problem.position.page == "p.md"
            assert problem.position.line >= 3


@settings(max_examples=200)
@given(
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=30),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    )
)
@pytest.mark.slow
def test_any_value_in_any_field_is_handled(value: object) -> None:
    import yaml

    for field in ("title", "persona", "reviewed", "review_every", "tags", "diagram", "flow"):
        data = {
            "id": "m",
            "title": "T",
            "stages": [{"name": "Awareness", "emotion": {"score": 1}}],
            field: value,
        }
        body = yaml.safe_dump(data)
        [reading] = read_page("p.md", f"```journey\n{body}```\n", DEFAULT_STAGES)
        assert reading.journey_map is not None or reading.problems
