"""The names a KPI's ``metric:`` can take, and how a metric is read and checked against its map.

A metric is a name, optionally followed by arguments after colons:

- plain metrics of the whole map: ``conversion_rate``, ``revenue_per_lead``... (:data:`PLAIN`);
- stage metrics, with the stage's name: ``stage_conversion:Decision`` (:data:`STAGE`);
- ``event:<name>``: rows whose ``event`` field is the name (any case);
- ``channel_share:<Stage>:<Channel>``: a channel's share of the leads entering a stage;
- ``touched_before_conversion:<touchpoint id>``: share of converters who touched it first.

What can be checked against the map alone (the name, its stage, its touchpoint) is checked when
the map is read, at the metric's line; a channel is checked once the site's channels are known
(the GA4 channels and the site's own ``channel_rules``), and an event name only against the data.
This module computes nothing: :mod:`mkdocs_journey.analytics.kpis` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mkdocs_journey.suggest import did_you_mean

#: Metrics of the whole map, with what they count. Rates are percentages (0..100), so that a KPI
#: written as ``target: 5, unit: "%"`` compares directly.
PLAIN: Mapping[str, str] = {
    "leads": "leads with at least one used touch",
    "converters": "leads that converted at least once",
    "conversions": "converted paths",
    "conversion_rate": "converters / leads, in %",
    "revenue": "sum of conversion values",
    "revenue_per_conversion": "revenue / conversions",
    "revenue_per_lead": "revenue / leads",
    "paths": "paths (a lead's touches up to and between conversions)",
    "rows_rejected": "rows not used, in % of rows read",
}
#: Metrics of one stage: ``<name>:<Stage>``.
STAGE: Mapping[str, str] = {
    "stage_leads": "leads that reached the stage",
    "stage_conversion": "% of the stage's leads that reached the next stage",
    "stage_drop_off": "% of the stage's leads that did not reach the next stage",
    "stage_days": "median days to the next stage",
}
EVENT = "event"
CHANNEL_SHARE = "channel_share"
TOUCHED_BEFORE_CONVERSION = "touched_before_conversion"
#: Metrics with their own arguments, written as a reader types them.
WITH_ARGUMENTS: Mapping[str, tuple[str, str]] = {
    EVENT: ("event:<name>", "rows whose event field is <name> (any case)"),
    CHANNEL_SHARE: (
        "channel_share:<Stage>:<Channel>",
        "% of the stage's leads whose first touch in it came through the channel",
    ),
    TOUCHED_BEFORE_CONVERSION: (
        "touched_before_conversion:<touchpoint id>",
        "% of converters who touched the touchpoint before they first converted",
    ),
}

#: Every metric as a reader writes it, arguments in angle brackets.
KNOWN_METRICS: tuple[str, ...] = (
    *PLAIN,
    *(f"{name}:<Stage>" for name in STAGE),
    *(form for form, _ in WITH_ARGUMENTS.values()),
)
METRIC_DESCRIPTIONS: Mapping[str, str] = {
    **PLAIN,
    **{f"{name}:<Stage>": text for name, text in STAGE.items()},
    **dict(WITH_ARGUMENTS.values()),
}
_NAMES: tuple[str, ...] = (*PLAIN, *STAGE, *WITH_ARGUMENTS)


@dataclass(frozen=True)
class MetricRef:
    """A metric as read: its name and whichever arguments its kind takes."""

    name: str
    stage: str | None = None
    channel: str | None = None
    touchpoint: str | None = None
    event: str | None = None
    text: str = ""  # as written


@dataclass(frozen=True)
class MetricProblem:
    message: str
    hint: str | None = None


def parse_metric(text: str) -> MetricRef | MetricProblem:
    """The metric written as ``text``, or what is wrong with its form (not with its names)."""
    name, _, rest = text.partition(":")
    name, rest = name.strip(), rest.strip()
    if name in PLAIN:
        if rest:
            return MetricProblem(f"metric {text!r}: {name} takes no argument after ':'")
        return MetricRef(name, text=text)
    if name in STAGE:
        if not rest:
            return MetricProblem(f"metric {text!r} needs a stage: {name}:<Stage>")
        return MetricRef(name, stage=rest, text=text)
    if name == EVENT:
        if not rest:
            return MetricProblem(f"metric {text!r} needs an event name: event:<name>")
        return MetricRef(name, event=rest, text=text)
    if name == TOUCHED_BEFORE_CONVERSION:
        if not rest:
            form = f"{TOUCHED_BEFORE_CONVERSION}:<touchpoint id>"
            return MetricProblem(f"metric {text!r} needs a touchpoint id: {form}")
        return MetricRef(name, touchpoint=rest, text=text)
    if name == CHANNEL_SHARE:
        stage, _, channel = rest.partition(":")
        stage, channel = stage.strip(), channel.strip()
        if not stage or not channel:
            return MetricProblem(
                f"metric {text!r} needs a stage and a channel: {CHANNEL_SHARE}:<Stage>:<Channel>"
            )
        return MetricRef(name, stage=stage, channel=channel, text=text)
    return MetricProblem(
        f"unknown metric {text!r}",
        did_you_mean(name, _NAMES) or f"known metrics: {', '.join(KNOWN_METRICS)}",
    )


def map_problems(
    ref: MetricRef, stages: Iterable[str], touchpoints: Iterable[str]
) -> list[MetricProblem]:
    """What the metric names that the map does not have: a stage or a touchpoint."""
    problems = []
    stage_names = list(stages)
    if ref.stage is not None and ref.stage not in stage_names:
        problems.append(
            MetricProblem(
                f"metric {ref.text or ref.name!r}: the map has no stage {ref.stage!r}",
                did_you_mean(ref.stage, stage_names)
                or f"its stages: {', '.join(stage_names) or 'none'}",
            )
        )
    touchpoint_ids = list(touchpoints)
    if ref.touchpoint is not None and ref.touchpoint not in touchpoint_ids:
        problems.append(
            MetricProblem(
                f"metric {ref.text or ref.name!r}: the map has no touchpoint {ref.touchpoint!r}",
                did_you_mean(ref.touchpoint, touchpoint_ids)
                or f"its touchpoint ids: {', '.join(touchpoint_ids) or 'none'}",
            )
        )
    return problems


def channel_problem(
    channel: str, channels: Iterable[str], metric: str = ""
) -> MetricProblem | None:
    """None when ``channel`` is a channel of the site, else what to tell the author."""
    names = list(channels)
    if channel in names:
        return None
    return MetricProblem(
        f"metric {metric or CHANNEL_SHARE!r}: no channel {channel!r} on this site",
        did_you_mean(channel, names)
        or f"channels: {', '.join(names)} (add your own with the plugin's channel_rules)",
    )
