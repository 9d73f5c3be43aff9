"""Two runs over the same data give the same bytes, whatever order the engine returns rows in."""

from __future__ import annotations

import json
import random

from mkdocs_journey.analytics.models.markov import MarkovChain, markov_credits
from mkdocs_journey.analytics.result import _credits_json
from mkdocs_journey.data.paths import START, Credit

# Counts for which summing the start transitions in another order changes the last bits of
# the Markov credits (found by search; before sorting, two orders gave 4.22816977561503 and
# 4.228169775615032 for channel A).
STEPS = {
    ("A", "B"): 1.0,
    (START, "C"): 3.0,
    ("C", "A"): 7.0,
    (START, "D"): 1.0,
    ("D", "B"): 9.0,
    (START, "A"): 9.0,
}
ENDINGS = {
    "A": (5.0, 214 / 7, 5.0),
    "B": (5.0, 60 / 7, 2.0),
    "C": (5.0, 142 / 7, 1.0),
    "D": (3.0, 412 / 7, 5.0),
}


def test_markov_credits_do_not_depend_on_the_order_of_the_engine_rows() -> None:
    results = set()
    steps, endings = list(STEPS.items()), list(ENDINGS.items())
    for seed in range(24):
        shuffle = random.Random(seed).shuffle
        shuffle(steps)
        shuffle(endings)
        credits = markov_credits(MarkovChain.from_counts(dict(steps), dict(endings)), 7.0, 300.0)
        results.add(tuple(sorted((c, v.conversions, v.value) for c, v in credits.items())))
    assert len(results) == 1


def test_credits_equal_as_written_are_listed_by_name() -> None:
    # Equal to 6 decimals, different in the last bits: the order must not follow the noise.
    noisy = {
        "markov": {
            "Email": Credit(0.49999999999999994, 10.0),
            "Direct": Credit(0.5000000000000001, 10.0),
            "Organic Search": Credit(0.5, 10.0),
            "Paid Search": Credit(1.5, 10.0),
        }
    }
    written = _credits_json(noisy)["markov"]
    assert list(written) == ["Paid Search", "Direct", "Email", "Organic Search"]
    assert json.dumps(written) == json.dumps(
        _credits_json({"markov": dict(reversed(list(noisy["markov"].items())))})["markov"]
    )
