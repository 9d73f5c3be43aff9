"""Stage funnel: leads reaching each stage, conversion to the next stage, drop-off, time between."""

from __future__ import annotations

from collections.abc import Iterable

from mkdocs_journey.analytics.result import FunnelStep
from mkdocs_journey.data.engine import FunnelCounts

SECONDS_PER_DAY = 86_400.0


def build_funnel(counts: Iterable[FunnelCounts]) -> tuple[FunnelStep, ...]:
    """Turn the engine's counts into funnel steps with shares (fractions) and days."""
    steps = []
    for count in counts:
        rate = count.reached_next / count.leads if count.next_stage and count.leads else None
        steps.append(
            FunnelStep(
                stage=count.stage,
                leads=count.leads,
                next_stage=count.next_stage,
                reached_next=count.reached_next,
                conversion_to_next=rate,
                median_days_to_next=(
                    None
                    if count.median_seconds_to_next is None
                    else count.median_seconds_to_next / SECONDS_PER_DAY
                ),
            )
        )
    return tuple(steps)
