from __future__ import annotations

import pytest

from mkdocs_journey.parsing.yaml_source import Located, YamlSyntaxError, load_yaml


def test_positions_of_keys_and_values_are_page_lines() -> None:
    text = "id: a\nstages:\n  - name: Awareness\n    goal: know\n"
    data, index = load_yaml(text, Located("p.md", line=10, column=5))
    assert data["stages"][0]["goal"] == "know"
    assert str(index.of_value(("stages", 0, "goal"))) == "p.md:13:15"
    assert str(index.of_key(("stages", 0, "goal"))) == "p.md:13:9"
    # Unknown paths fall back to the nearest ancestor that exists.
    assert str(index.of_value(("stages", 0, "missing"))) == "p.md:12:9"


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo owned']",
        "x: !!python/name:os.system",
    ],
)
def test_python_tags_are_refused_not_executed(text: str) -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml(text, Located("p.md"))
    assert "could not determine a constructor" in raised.value.message


def test_syntax_error_points_at_the_line() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml("id: a\ntitle: [unclosed\nstages: []\n", Located("p.md", line=4, column=1))
    assert raised.value.position.page == "p.md"
    assert raised.value.position.line >= 5


def test_impossible_unquoted_date_is_a_positioned_error() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml("id: a\nreviewed: 2026-02-30\n", Located("p.md", line=3))
    assert raised.value.message == "invalid date '2026-02-30': day is out of range for month"
    assert str(raised.value.position) == "p.md:4:11"
