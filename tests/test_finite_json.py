"""The package's JSON writer: the text ``json.dumps`` writes, and never NaN or an infinity."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_journey import finite_json


class Level(enum.IntEnum):
    HIGH = 3


class Word(str, enum.Enum):
    YES = "yes"


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from([Level.HIGH, Word.YES, -0.0, 1e16, 1e-7, 2**70, "\u2028", "\x7f", 'é"\\'])
)
KEYS = (
    st.text()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.none()
    | st.booleans()
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=30,
)


def _standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


@settings(max_examples=500)
@given(JSON)
def test_indented_writes_what_json_dumps_writes(value: Any) -> None:
    assert finite_json.indented(value) == _standard(value)
    assert finite_json.dumps(value, "it", indent=2, ensure_ascii=False) == _standard(value)


@given(JSON)
def test_an_item_two_levels_in_is_indented_as_in_its_document(value: Any) -> None:
    document = _standard({"maps": [value]})
    assert finite_json.indented(value, 2) in document


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("shape", ["value", "in a list", "as a key"])
def test_a_number_that_is_not_finite_is_refused_with_its_place(bad: float, shape: str) -> None:
    value: Any = {"a": [1, {"b": bad}]} if shape != "as a key" else {"a": {bad: 1}}
    if shape == "value":
        value = bad
    with pytest.raises(ValueError, match="not JSON compliant"):
        finite_json.indented(value)
    with pytest.raises(finite_json.NonFiniteNumber, match="it: "):
        finite_json.dumps(value, "it", indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [{"a": object()}, {(1, 2): "tuple key"}, {1, 2}])
def test_what_json_cannot_write_is_a_type_error_as_in_json(value: Any) -> None:
    with pytest.raises(TypeError):
        _standard(value)
    with pytest.raises(TypeError):
        finite_json.indented(value)
