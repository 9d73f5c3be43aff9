"""The rule-based models: fixed shares of each converted path, computed by the engine.

Definitions: shared/reference/attribution.md. A path that did not convert gets no credit. Each
share is a DuckDB expression over the path table's columns ``pos``, ``n`` and ``lnd`` (see
:class:`~mkdocs_journey.data.paths.TouchShare`).
"""

from __future__ import annotations

from mkdocs_journey.analytics.models import AttributionModel, TimeDecay, TouchShare

#: A touch's weight halves for every this many days between it and the conversion.
HALF_LIFE_DAYS = 7.0

MODELS = (
    AttributionModel(
        name="first_touch",
        title="First touch",
        definition=(
            "Each conversion goes entirely to the first touch of its path: the channel that "
            "started the journey. It shows what brings people in and ignores everything after."
        ),
        order=10,
        computed=TouchShare("CASE WHEN pos = 1 THEN 1.0 ELSE 0.0 END"),
    ),
    AttributionModel(
        name="last_touch",
        title="Last touch",
        definition=(
            "Each conversion goes entirely to the touch that converted: the channel that closed "
            "the journey. It shows what seals the deal and ignores what led up to it."
        ),
        order=20,
        computed=TouchShare("CASE WHEN pos = n THEN 1.0 ELSE 0.0 END"),
    ),
    AttributionModel(
        name="last_non_direct",
        title="Last non-direct",
        definition=(
            "Like last touch, but a final Direct visit (someone typing the address or using a "
            "bookmark) passes the credit back to the last channel before it, since Direct rarely "
            "convinced anyone on its own. A path of Direct touches only still credits Direct."
        ),
        order=30,
        computed=TouchShare("CASE WHEN pos = lnd THEN 1.0 ELSE 0.0 END"),
    ),
    AttributionModel(
        name="linear",
        title="Linear",
        definition=(
            "Each touch of a converted path gets an equal share of its conversion and revenue. A "
            "channel that appears twice in a path gets two shares."
        ),
        order=40,
        computed=TouchShare("1.0 / n"),
    ),
    AttributionModel(
        name="position_based",
        title="Position-based",
        definition=(
            "The first and the last touch get 40% each and the touches in between share the "
            "remaining 20% (a path of one touch gives it everything, a path of two splits 50/50): "
            "both the opening and the closing of a journey count most."
        ),
        order=50,
        computed=TouchShare(
            "CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 "
            "WHEN pos = 1 OR pos = n THEN 0.4 ELSE 0.2 / (n - 2) END"
        ),
    ),
    AttributionModel(
        name="time_decay",
        title="Time decay",
        definition=(
            "Touches closer to the conversion get more: a touch's weight halves for every "
            f"{HALF_LIFE_DAYS:g} days between it and the conversion, and the weights of a path "
            "add up to one conversion."
        ),
        order=60,
        computed=TimeDecay(HALF_LIFE_DAYS),
    ),
)
