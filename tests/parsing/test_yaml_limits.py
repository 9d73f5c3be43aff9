"""Depth and alias limits, checked the same way with the pure-Python and the C composer."""

from __future__ import annotations

import pytest
import yaml

from mkdocs_journey.parsing.yaml_limits import MAX_ALIASES, MAX_DEPTH, YamlLimitError, compose
from mkdocs_journey.parsing.yaml_source import Located, YamlSyntaxError, load_yaml

COMPOSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize("loader", COMPOSERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize(
    ("text", "line", "column", "start"),
    [
        ("x: " + "[" * 60 + "]" * 60, 0, 3 + MAX_DEPTH - 1, "nested more than 50 levels deep"),
        ("- " * 80 + "x", 0, 2 * MAX_DEPTH, "nested more than 50 levels deep"),
        ("a: 1\nb: " + "{k: " * 60 + "1" + "}" * 60, 1, 3 + 4 * (MAX_DEPTH - 1), "nested"),
        (BOMB, 1, 7, "aliases ('*name') would expand this YAML to more than 50 times"),
        ("w: &w x\nl: [" + ", ".join(["*w"] * (MAX_ALIASES + 1)) + "]", 1, 4, "more than 100"),
        ("s: &s\n  - name: x\n    goal: *s\n", 2, 10, "alias '*s' is inside the value of its own"),
        ("s: &s {a: [*s]}\n", 0, 11, "alias '*s' is inside the value of its own"),
    ],
    # Depth counts the top-level mapping or list as level 1: the error is at level 51.
    ids=["flow-lists", "block-lists", "flow-maps", "bomb", "many-aliases", "loop", "flow-loop"],
)
def test_limits_stop_composing_at_the_first_alias_or_the_level_too_deep(
    loader: type[yaml.SafeLoader], text: str, line: int, column: int, start: str
) -> None:
    with pytest.raises(YamlLimitError) as raised:
        compose(text, loader)
    assert raised.value.message.startswith(start)
    assert (raised.value.mark.line, raised.value.mark.column) == (line, column)


@pytest.mark.parametrize("loader", COMPOSERS, ids=lambda loader: loader.__name__)
def test_ordinary_aliases_and_depth_are_fine(loader: type[yaml.SafeLoader]) -> None:
    shared = "evidence: &ev\n  - {type: survey, source: s.pdf}\n"
    text = shared + "".join(f"k{n}: *ev\n" for n in range(MAX_ALIASES))
    text += "deep: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    node = compose(text, loader)
    assert isinstance(node, yaml.MappingNode)
    assert len(node.value) == MAX_ALIASES + 2


def test_load_yaml_turns_a_limit_into_a_positioned_problem() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml(BOMB, Located("maps/bomb.md", line=4, column=3))
    assert str(raised.value.position) == "maps/bomb.md:5:10"
    assert raised.value.message == (
        "aliases ('*name') would expand this YAML to more than 50 times the size it is "
        "written in; write the values out instead (this is the first alias)"
    )
