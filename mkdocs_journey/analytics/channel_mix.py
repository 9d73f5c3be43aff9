"""Channel mix: which channels bring leads into each stage, with shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from mkdocs_journey.analytics.result import ChannelShare, ChannelTotal, StageMix


def build_channel_mix(
    stage_channels: Iterable[tuple[str, str, int]], stage_order: Sequence[str]
) -> tuple[StageMix, ...]:
    """(stage, entry channel, leads) rows -> one :class:`StageMix` per stage, in funnel order."""
    by_stage: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for stage, channel, leads in stage_channels:
        by_stage[stage].append((channel, leads))
    order = list(stage_order) + sorted(s for s in by_stage if s not in stage_order)
    mixes = []
    for stage in order:
        rows = sorted(by_stage.get(stage, []), key=lambda row: (-row[1], row[0]))
        total = sum(leads for _, leads in rows)
        mixes.append(
            StageMix(
                stage=stage,
                leads=total,
                channels=tuple(
                    ChannelShare(channel, leads, leads / total if total else 0.0)
                    for channel, leads in rows
                ),
            )
        )
    return tuple(mixes)


def build_channel_totals(rows: Iterable[tuple[str, int, int]]) -> tuple[ChannelTotal, ...]:
    return tuple(ChannelTotal(channel, touches, leads) for channel, touches, leads in rows)
