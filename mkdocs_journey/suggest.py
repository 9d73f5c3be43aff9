"""Near-miss suggestions for misspelt keys and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """Return a hint such as ``did you mean 'touchpoints'?`` or None when nothing is close."""
    options = list(candidates)
    lowered = {option.lower(): option for option in options}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return f"did you mean '{lowered[word.lower()]}'?"
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not matches:
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in matches]
    return f"did you mean '{matches[0]}'?" if matches else None


def suggestion(word: str, candidates: Iterable[str]) -> str:
    """The hint as a suffix for a sentence: `` (did you mean 'x'?)``, or nothing."""
    hint = did_you_mean(word, candidates)
    return f" ({hint})" if hint else ""
