"""Path insights ("72% of converters read a blog post first") and declared vs observed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mkdocs_journey.analytics.result import CONVERSION, Coverage, PathInsight
from mkdocs_journey.model import JourneyMap

#: Insights below this share, or resting on fewer leads, are not worth a sentence; shares of
#: (almost) 100% are structural (every lead passes there), not insights.
MIN_SHARE = 0.05
MAX_SHARE = 0.995
MIN_TARGET_LEADS = 5


def build_insights(rows: Iterable[tuple[str, str | None, int, int]]) -> tuple[PathInsight, ...]:
    """(before, target, target leads, leads before) -> insights, the conversion target (None
    from the engine) first, then by share."""
    insights = [
        PathInsight(
            before,
            CONVERSION if target is None else target,
            target_leads,
            leads_before,
            leads_before / target_leads,
        )
        for before, target, target_leads, leads_before in rows
        if target_leads
    ]
    insights.sort(key=lambda i: (i.target != CONVERSION, -i.share, i.before, i.target))
    return tuple(insights)


def notable(
    insights: Sequence[PathInsight], limit: int = 8, target: str | None = None
) -> tuple[PathInsight, ...]:
    """The insights worth showing, strongest first: half about converting, half about reaching
    a touchpoint (when there are enough of each)."""
    chosen = [
        i
        for i in insights
        if i.target_leads >= MIN_TARGET_LEADS
        and MIN_SHARE <= i.share <= MAX_SHARE
        and (target is None or i.target == target)
    ]
    chosen.sort(key=lambda i: (-i.share, i.target, i.before))
    converting = [i for i in chosen if i.target == CONVERSION]
    reaching = [i for i in chosen if i.target != CONVERSION]
    half = limit // 2
    picked = converting[: max(half, limit - len(reaching))]
    picked += reaching[: limit - len(picked)]
    return tuple(picked)


def build_coverage(
    journey_map: JourneyMap,
    touchpoint_totals: Iterable[tuple[str, int, int]],
    unknown_touchpoints: Iterable[tuple[str, int]],
    channel_totals: Iterable[tuple[str, int, int]],
    has_touchpoint_column: bool,
) -> Coverage:
    """Map touchpoints with no events; touchpoints and channels with traffic the map does not
    declare (a touchpoint's ``channel`` declares it, compared without case)."""
    seen = {tp for tp, touches, _ in touchpoint_totals if touches}
    declared_channels = {
        tp.channel.strip().lower(): tp.channel.strip()
        for _, tp in journey_map.touchpoints()
        if tp.channel.strip()
    }
    observed = {channel.lower(): (channel, touches) for channel, touches, _ in channel_totals}
    return Coverage(
        touchpoints_without_events=tuple(
            tp.id
            for _, tp in journey_map.touchpoints()
            if has_touchpoint_column and tp.id not in seen
        ),
        unknown_touchpoints=tuple(unknown_touchpoints),
        undeclared_channels=tuple(
            (channel, touches)
            for key, (channel, touches) in observed.items()
            if declared_channels and key not in declared_channels
        ),
        declared_channels_without_traffic=tuple(
            name for key, name in sorted(declared_channels.items()) if key not in observed
        ),
    )
