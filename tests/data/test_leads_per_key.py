"""Leads per key (channel leads, reach before conversion): both ways of counting, the test of
each lead's list for a few keys and the unnest for many, give what counting in Python gives."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_journey.data.engine import common
from mkdocs_journey.data.engine.common import connection, leads_per_key

Lead = tuple[list[int], bool]

leads_strategy = st.lists(
    st.tuples(st.lists(st.integers(1, 9), max_size=6), st.booleans()), max_size=12
)
ids_strategy = st.lists(st.integers(1, 12), unique=True, max_size=6)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with connection() as opened:
        yield opened


def relation(leads: list[Lead]) -> str:
    rows = ", ".join(f"({touches}::INTEGER[], {str(flag).lower()})" for touches, flag in leads)
    return (
        f"(SELECT * FROM (VALUES {rows}) AS leads(k, converted))"
        if leads
        else ("(SELECT []::INTEGER[] AS k, false AS converted WHERE false)")
    )


def expected(leads: list[Lead], shift: int, ids: list[int]) -> dict[int, tuple[int, int]]:
    """Counted by hand: the leads with ``id`` among their touches plus ``shift``."""
    found = {}
    for key in ids:
        holding = [flag for touches, flag in leads if key in {t + shift for t in touches}]
        if holding:
            found[key] = (len(holding), sum(holding))
    return found


@pytest.mark.parametrize("pivot_keys", [0, common.PIVOT_KEYS], ids=["unnest", "list-test"])
@given(leads=leads_strategy, first=ids_strategy, second=ids_strategy)
def test_each_key_counts_the_leads_that_touched_it_once(
    con: duckdb.DuckDBPyConnection,
    pivot_keys: int,
    leads: list[Lead],
    first: list[int],
    second: list[int],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "PIVOT_KEYS", pivot_keys)
        counted = leads_per_key(
            con, relation(leads), "k", [("x", first), ("x + 3", second)], flag="converted"
        )
        (unflagged,) = leads_per_key(con, relation(leads), "k", [("x", first)])
    assert counted == [expected(leads, 0, first), expected(leads, 3, second)]
    assert unflagged == {key: (leads, 0) for key, (leads, _) in expected(leads, 0, first).items()}
