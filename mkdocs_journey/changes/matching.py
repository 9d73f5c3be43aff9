"""Pairing the items of two versions of a map: by id, else by text, else by close text.

An item keeps its identity through a version when (in this order):

1. both versions carry the same id the author wrote (touchpoints, pain points with an ``id``);
2. else their texts are equal, ignoring case and runs of spaces (opportunities, KPIs, pain points
   without an id; the same stage is preferred when a text appears in several);
3. else their texts are close: :func:`difflib.SequenceMatcher` ratio of at least
   :data:`RENAME_THRESHOLD`, best pairs first. Such a pair is a *rename*: the same item, reworded.

What is left is removed (old side) or added (new side).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Two texts at least this similar (difflib ratio, 0..1) are one item reworded. Measured on the
#: example maps: a reworded sentence scores 0.91 ("Fourteen days is too short for a team that can
#: only test in the evenings" / "... for teams that test in the evenings"), a spelling fix 0.98,
#: "Trial-to-paid conversion" / "... conversion rate" 0.91; unrelated texts 0.25-0.56. Short
#: names one word apart can pass ("Gross" / "Net revenue retention": 0.82); a rename is always
#: reported with both texts, and a missed one shows as removed + added.
RENAME_THRESHOLD = 0.8

#: Above this many candidate pairs (old x new, per kind of item and map) close texts are not
#: compared, so that no map, however large, makes a diff slow; exact matches still apply.
MAX_SIMILARITY_PAIRS = 250_000

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Item:
    """One touchpoint, pain point, opportunity or KPI of one version of a map."""

    key: str | None  # the id the author wrote; None when there is none
    text: str  # what a reader calls it: a name or a sentence
    stage: str
    record: Mapping[str, Any]


@dataclass(frozen=True)
class Pair:
    old: Item
    new: Item
    by: str  # "id", "text" or "similar text"
    similarity: float = 1.0


@dataclass(frozen=True)
class Matching:
    pairs: tuple[Pair, ...]
    removed: tuple[Item, ...]
    added: tuple[Item, ...]
    skipped_similarity: bool = False  # too many candidates: close texts were not compared


def normalized(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, normalized(first), normalized(second)).ratio()


def match_items(old: Sequence[Item], new: Sequence[Item]) -> Matching:
    """Pair ``old`` and ``new`` items; pairs in the new version's order."""
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    found: dict[int, Pair] = {}  # new index -> pair

    def take(i: int, j: int, by: str, ratio: float = 1.0) -> None:
        taken_old.add(i)
        taken_new.add(j)
        found[j] = Pair(old[i], new[j], by, ratio)

    old_by_key = {item.key: i for i, item in enumerate(old) if item.key is not None}
    for j, item in enumerate(new):
        i = old_by_key.get(item.key) if item.key is not None else None
        if i is not None and i not in taken_old:
            take(i, j, "id")

    for same_stage in (True, False):
        by_text: dict[str, list[int]] = {}
        for i, item in enumerate(old):
            if i not in taken_old:
                by_text.setdefault(normalized(item.text), []).append(i)
        for j, item in enumerate(new):
            if j in taken_new:
                continue
            for i in by_text.get(normalized(item.text), []):
                if i not in taken_old and (not same_stage or old[i].stage == item.stage):
                    take(i, j, "text")
                    break

    rest_old = [i for i in range(len(old)) if i not in taken_old]
    rest_new = [j for j in range(len(new)) if j not in taken_new]
    skipped = len(rest_old) * len(rest_new) > MAX_SIMILARITY_PAIRS
    if not skipped:
        candidates = []
        for i in rest_old:
            for j in rest_new:
                matcher = difflib.SequenceMatcher(
                    None, normalized(old[i].text), normalized(new[j].text)
                )
                # The quick upper bounds rule most pairs out before the full comparison.
                if matcher.real_quick_ratio() < RENAME_THRESHOLD:
                    continue
                if matcher.quick_ratio() < RENAME_THRESHOLD:
                    continue
                ratio = matcher.ratio()
                if ratio >= RENAME_THRESHOLD:
                    candidates.append((-ratio, old[i].stage != new[j].stage, i, j))
        for negative_ratio, _, i, j in sorted(candidates):
            if i not in taken_old and j not in taken_new:
                take(i, j, "similar text", round(-negative_ratio, 3))

    return Matching(
        pairs=tuple(found[j] for j in sorted(found)),
        removed=tuple(old[i] for i in range(len(old)) if i not in taken_old),
        added=tuple(new[j] for j in range(len(new)) if j not in taken_new),
        skipped_similarity=skipped,
    )
