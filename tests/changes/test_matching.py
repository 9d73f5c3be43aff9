"""Pairing items of two versions: by id, by text, by close text; the rest added or removed."""

from __future__ import annotations

import pytest

from mkdocs_journey.changes import matching
from mkdocs_journey.changes.matching import RENAME_THRESHOLD, Item, match_items, similarity


def item(text: str, key: str | None = None, stage: str = "Awareness") -> Item:
    return Item(key, text, stage, {})


def pairs(result: matching.Matching) -> list[tuple[str, str, str]]:
    return [(p.old.text, p.new.text, p.by) for p in result.pairs]


def test_ids_win_over_text() -> None:
    result = match_items(
        [item("Slow checkout", "pp-1"), item("Confusing prices", "pp-2")],
        [item("Confusing prices", "pp-1"), item("Slow checkout", "pp-2")],
    )
    assert pairs(result) == [
        ("Slow checkout", "Confusing prices", "id"),
        ("Confusing prices", "Slow checkout", "id"),
    ]


def test_equal_text_ignores_case_and_spaces_and_prefers_the_same_stage() -> None:
    old = [item("Visits", stage="Awareness"), item("Visits", stage="Decision")]
    new = [item("visits ", stage="Decision"), item("VISITS", stage="Awareness")]
    result = match_items(old, new)
    assert [(p.old.stage, p.new.stage, p.by) for p in result.pairs] == [
        ("Decision", "Decision", "text"),
        ("Awareness", "Awareness", "text"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "renamed"),
    [
        # A sentence reworded, a spelling fix, a word added to a name: one item.
        (
            "Fourteen days is too short for a team that can only test in the evenings",
            "Fourteen days is too short for teams that test in the evenings",
            True,
        ),
        ("Visitors to trial signup rate", "Visitors to trial sign-up rate", True),
        ("Trial-to-paid conversion", "Trial-to-paid conversion rate", True),
        # Unrelated texts of similar length: one removed, one added.
        ("Net Promoter Score", "New reviews per quarter", False),
        ("Leads that become paying customers", "Trials that reach the buying decision", False),
    ],
)
def test_close_texts_are_a_rename(old: str, new: str, renamed: bool) -> None:
    result = match_items([item(old)], [item(new)])
    assert (pairs(result) == [(old, new, "similar text")]) is renamed
    assert (similarity(old, new) >= RENAME_THRESHOLD) is renamed
    if not renamed:
        assert [i.text for i in result.removed] == [old]
        assert [i.text for i in result.added] == [new]


def test_the_closest_pair_wins() -> None:
    old = [item("Renewal email lands in spam")]
    new = [item("Renewal emails land in the spam folder"), item("Renewal email lands in spam!")]
    result = match_items(old, new)
    assert pairs(result) == [
        ("Renewal email lands in spam", "Renewal email lands in spam!", "similar text")
    ]
    assert [i.text for i in result.added] == ["Renewal emails land in the spam folder"]


def test_many_items_skip_close_text_but_keep_exact_matches(monkeypatch) -> None:
    monkeypatch.setattr(matching, "MAX_SIMILARITY_PAIRS", 4)
    old = [item(f"Old pain number {n}") for n in range(3)] + [item("Same")]
    new = [item(f"Old pain number {n}!") for n in range(3)] + [item("Same")]
    result = match_items(old, new)
    assert result.skipped_similarity
    assert pairs(result) == [("Same", "Same", "text")]
    assert len(result.removed) == len(result.added) == 3
