"""The analysis of one data file (for one map): frozen dataclasses and the stable JSON contract.

``DataAnalysis.to_json()`` is what ``mkdocs-journey analyze --format json`` prints and what goes
into ``journeys.json`` under each map::

    {
      "source": "crm", "file": "data/crm.csv",
      "totals": {"rows_read", "rows_used", "leads", "paths", "conversions", "revenue"},
      "rejected": {reason: {"count": n, "examples": [{"row": 7, "value": "2024-02-30"}]}},
      "attribution": {model: {channel: {"conversions": x, "value": y}}},
      "touchpoint_attribution": {model: {touchpoint: {"conversions": x, "value": y}}},
      "funnel": [{"stage", "leads", "next_stage", "reached_next", "conversion_to_next",
                  "drop_off", "median_days_to_next"}],
      "channels": {"totals": {channel: {"touches", "leads"}},
                   "by_stage": {stage: {"leads": n, "channels": {channel: {"leads", "share"}}}},
                   "unassigned": [{"source", "medium", "rows"}]},
      "insights": [{"before", "target", "target_leads", "leads_before", "share"}],
      "coverage": {"touchpoints_without_events", "unknown_touchpoints", "undeclared_channels",
                   "declared_channels_without_traffic"},   # null without a map
      "touchpoint_transitions": [{"from", "to", "count"}],  # consecutive touchpoints, repeats
                                                            # collapsed; empty without touchpoints
      "markov_order": 1,                                    # the Markov chain's memory (1 to 4)
      "breakdowns": {model: {"caption", "columns": [...], "rows": {channel: [x, ...]}}},
      "intervals": {"level": 0.95, "resamples", "seed",     # null when not computed, and
                    "attribution": {model: {channel: {"conversions": [low, high],
                                                      "value": [low, high]}}}},
      "intervals_note": "",                                 # ... then why not, here
      "paths": [{"path": [channel, ...], "conversions", "value", "nulls"}],  # the 20 most common
      "provenance": {"sha256", "rows_used", "first_event", "as_of", "since", "until"},
      "events": {name: rows},                 # the `event` field, trimmed, lower case
      "touchpoints": {id: {"touches", "leads"}},
      "reach_before_conversion": {"touchpoints": {id: {"leads", "converters"}},
                                  "stages": {stage: {"leads", "converters"}}}
    }

``provenance`` says which file the numbers come from (its SHA-256), how many rows they used,
and the time of the earliest and latest event used (``as_of``, ISO 8601 in UTC); ``since`` and
``until`` are the date window of an analysis restricted to one. ``reach_before_conversion``
counts, per touchpoint and per stage, the leads who touched it before their first conversion
(any time, for leads who never converted) and how many of them converted.

Model names: the registry's (:data:`mkdocs_journey.analytics.attribution.MODELS`: ``first_touch``,
``last_touch``, ``last_non_direct``, ``linear``, ``position_based``, ``time_decay``, ``markov``,
``shapley``); channel names exactly as in GA4's table; rows count the header as 1; shares are
fractions (0..1); numbers are rounded to 6 decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mkdocs_journey.analytics.attribution import MODELS
from mkdocs_journey.analytics.intervals import LEVEL, Intervals
from mkdocs_journey.analytics.models import Breakdown
from mkdocs_journey.data.paths import Credit, PathRow

JSON_DECIMALS = 6
#: Credits by model, then by channel (or touchpoint).
Attribution = Mapping[str, Mapping[str, Credit]]
#: The target of a path insight that means the lead's first conversion.
CONVERSION = "conversion"


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), JSON_DECIMALS)


@dataclass(frozen=True)
class Totals:
    rows_read: int
    rows_used: int
    leads: int
    paths: int
    conversions: int
    revenue: float


@dataclass(frozen=True)
class RejectedExample:
    row: int  # file line, the header being line 1
    value: str | None = None  # the offending value, when there is one


@dataclass(frozen=True)
class Rejection:
    reason: str
    count: int
    examples: tuple[RejectedExample, ...]


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    leads: int  # leads with at least one touch in this stage
    next_stage: str | None
    reached_next: int  # of those, leads who later reached the next stage
    conversion_to_next: float | None  # reached_next / leads
    median_days_to_next: float | None

    @property
    def drop_off(self) -> float | None:
        return None if self.conversion_to_next is None else 1.0 - self.conversion_to_next


@dataclass(frozen=True)
class ChannelShare:
    channel: str
    leads: int
    share: float  # of the stage's leads


@dataclass(frozen=True)
class StageMix:
    """Which channels brought leads into a stage (the channel of their first touch in it)."""

    stage: str
    leads: int
    channels: tuple[ChannelShare, ...]


@dataclass(frozen=True)
class ChannelTotal:
    channel: str  # a channel, or a touchpoint id for touchpoint totals
    touches: int
    leads: int


@dataclass(frozen=True)
class PathInsight:
    """``share`` of the ``target_leads`` who reached ``target`` had touched ``before`` first."""

    before: str
    target: str  # a touchpoint (or channel) id, or "conversion"
    target_leads: int
    leads_before: int
    share: float


@dataclass(frozen=True)
class Coverage:
    """Declared (on the map) vs observed (in the data)."""

    touchpoints_without_events: tuple[str, ...]
    unknown_touchpoints: tuple[tuple[str, int], ...]  # id, rows; the 50 most frequent
    undeclared_channels: tuple[tuple[str, int], ...]  # channel, touches
    declared_channels_without_traffic: tuple[str, ...]


@dataclass(frozen=True)
class Provenance:
    """Where an analysis' numbers come from, to reproduce them from the exact file."""

    sha256: str  # of the file's bytes
    rows_used: int
    first_event: str | None  # ISO 8601, UTC; None without a used row
    as_of: str | None  # the latest used event
    since: str | None = None  # the analysis' date window (YYYY-MM-DD), if it has one
    until: str | None = None


@dataclass(frozen=True)
class Reach:
    """Leads who touched a touchpoint (or a stage) before their first conversion, or at any
    time if they never converted, and how many of them converted."""

    key: str
    leads: int
    converters: int


@dataclass(frozen=True)
class DataAnalysis:
    source: str
    file_label: str  # the file as shown in messages (relative to the project when possible)
    totals: Totals
    rejected: tuple[Rejection, ...]
    attribution: Attribution
    touchpoint_attribution: Attribution | None
    funnel: tuple[FunnelStep, ...]
    channel_mix: tuple[StageMix, ...]
    channels: tuple[ChannelTotal, ...]
    insights: tuple[PathInsight, ...]
    insight_subject: str  # "touchpoint" or "channel"
    coverage: Coverage | None
    top_paths: tuple[PathRow, ...]
    unassigned: tuple[tuple[str, str, int], ...]  # source, medium, rows in channel Unassigned
    converters: int = 0  # leads that converted at least once
    #: observed steps between touchpoints (from, to, count), busiest first
    touchpoint_transitions: tuple[tuple[str, str, int], ...] = ()
    #: the Markov chain's memory: a state is the last ``markov_order`` channels
    markov_order: int = 1
    #: models' credits split further, by model (Shapley's by position)
    breakdowns: Mapping[str, Breakdown] = field(default_factory=dict)
    #: the channel credits' intervals, or None and why in ``intervals_note``
    intervals: Intervals | None = None
    intervals_note: str = ""
    provenance: Provenance | None = None
    has_event_field: bool = False  # the file has an ``event`` column
    events: tuple[tuple[str, int], ...] = ()  # rows per event name, the most frequent first
    events_complete: bool = True  # False: only the most frequent event names are listed
    reach: tuple[Reach, ...] = ()  # per touchpoint
    stage_reach: tuple[Reach, ...] = ()  # per stage
    #: touches and leads per touchpoint (at any time), the busiest first; empty without a
    #: touchpoint column
    touchpoint_totals: tuple[ChannelTotal, ...] = ()

    def stage(self, name: str) -> FunnelStep | None:
        return next((step for step in self.funnel if step.stage == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "file": self.file_label,
            "totals": {
                "rows_read": self.totals.rows_read,
                "rows_used": self.totals.rows_used,
                "leads": self.totals.leads,
                "paths": self.totals.paths,
                "conversions": self.totals.conversions,
                "revenue": _r(self.totals.revenue),
            },
            "rejected": {
                r.reason: {
                    "count": r.count,
                    "examples": [{"row": e.row, "value": e.value} for e in r.examples],
                }
                for r in self.rejected
            },
            "attribution": _credits_json(self.attribution),
            "touchpoint_attribution": (
                None
                if self.touchpoint_attribution is None
                else _credits_json(self.touchpoint_attribution)
            ),
            "funnel": [
                {
                    "stage": s.stage,
                    "leads": s.leads,
                    "next_stage": s.next_stage,
                    "reached_next": s.reached_next,
                    "conversion_to_next": _r(s.conversion_to_next),
                    "drop_off": _r(s.drop_off),
                    "median_days_to_next": _r(s.median_days_to_next),
                }
                for s in self.funnel
            ],
            "channels": {
                "totals": {
                    c.channel: {"touches": c.touches, "leads": c.leads} for c in self.channels
                },
                "by_stage": {
                    m.stage: {
                        "leads": m.leads,
                        "channels": {
                            c.channel: {"leads": c.leads, "share": _r(c.share)} for c in m.channels
                        },
                    }
                    for m in self.channel_mix
                },
                "unassigned": [
                    {"source": s, "medium": m, "rows": n} for s, m, n in self.unassigned
                ],
            },
            "insights": [
                {
                    "before": i.before,
                    "target": i.target,
                    "target_leads": i.target_leads,
                    "leads_before": i.leads_before,
                    "share": _r(i.share),
                }
                for i in self.insights
            ],
            "coverage": None
            if self.coverage is None
            else {
                "touchpoints_without_events": list(self.coverage.touchpoints_without_events),
                "unknown_touchpoints": dict(self.coverage.unknown_touchpoints),
                "undeclared_channels": dict(self.coverage.undeclared_channels),
                "declared_channels_without_traffic": list(
                    self.coverage.declared_channels_without_traffic
                ),
            },
            "touchpoint_transitions": [
                {"from": a, "to": b, "count": n} for a, b, n in self.touchpoint_transitions
            ],
            "markov_order": self.markov_order,
            "breakdowns": {
                model: {
                    "caption": b.caption,
                    "columns": list(b.columns),
                    "rows": {key: [_r(x) for x in numbers] for key, numbers in b.rows.items()},
                }
                for model, b in self.breakdowns.items()
            },
            "intervals": None if self.intervals is None else _intervals_json(self.intervals),
            "intervals_note": self.intervals_note,
            "paths": [
                {
                    "path": list(p.path),
                    "conversions": p.conversions,
                    "value": _r(p.value),
                    "nulls": p.nulls,
                }
                for p in self.top_paths
            ],
            "provenance": None
            if self.provenance is None
            else {
                "sha256": self.provenance.sha256,
                "rows_used": self.provenance.rows_used,
                "first_event": self.provenance.first_event,
                "as_of": self.provenance.as_of,
                "since": self.provenance.since,
                "until": self.provenance.until,
            },
            "events": dict(self.events),
            "touchpoints": {
                t.channel: {"touches": t.touches, "leads": t.leads} for t in self.touchpoint_totals
            },
            "reach_before_conversion": {
                "touchpoints": {
                    r.key: {"leads": r.leads, "converters": r.converters} for r in self.reach
                },
                "stages": {
                    r.key: {"leads": r.leads, "converters": r.converters} for r in self.stage_reach
                },
            },
        }


def _credits_json(
    attribution: Attribution,
) -> dict[str, dict[str, dict[str, float | None]]]:
    return {
        model: {
            channel: {"conversions": _r(credit.conversions), "value": _r(credit.value)}
            # By the credit as written (rounded), then by name: credits equal on the page are
            # listed by name, whatever noise the last bits of two computations carry.
            for channel, credit in sorted(
                attribution.get(model, {}).items(),
                key=lambda item: (-(_r(item[1].conversions) or 0.0), item[0]),
            )
        }
        for model in MODELS
    }


def _intervals_json(intervals: Intervals) -> dict[str, Any]:
    return {
        "level": LEVEL,
        "resamples": intervals.resamples,
        "seed": intervals.seed,
        "attribution": {
            model: {
                channel: {
                    "conversions": [_r(x) for x in interval.conversions],
                    "value": [_r(x) for x in interval.value],
                }
                for channel, interval in intervals.attribution.get(model, {}).items()
            }
            for model in MODELS
        },
    }
