"""Attribution for a marketer: tables with a long tail folded away, a chart and a sentence.

From an analysis's credits per model this makes what ``journey/analytics.html`` shows:

- one table per measure (conversions, revenue) whose columns are the models, each header linked
  to the model's definition (written once, in the model's entry of ``analytics.attribution``);
- channels credited with under 1% of the conversions on average over the models folded into
  one "Other" row, listed in full behind it;
- a chart comparing the models on the channels they credit most, and one sentence naming the
  channel the models disagree on most.

Python does the arithmetic and the layout (coordinates in px); the template draws the SVG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mkdocs_journey.analytics.attribution import BY_NAME, MODELS
from mkdocs_journey.analytics.intervals import LEVEL, Intervals
from mkdocs_journey.analytics.result import Attribution
from mkdocs_journey.render.numbers import Money, credit_format, decimal, percent
from mkdocs_journey.render.table import Cell, Row, width

#: A channel whose share of the conversions, averaged over the models, is under this goes to
#: Other (the same channels in the conversions and the revenue tables).
OTHER_SHARE = 0.01
OTHER_LABEL = "Other"
#: The model the disagreement sentence quotes as the data's own view.
DATA_DRIVEN = "markov"
#: How many channels the chart compares.
CHART_CHANNELS = 5

# Chart layout, in px (the SVG's user unit). Text is 12 px or more.
PANEL_WIDTH = 360
BAR_LEFT = 140
BAR_SPACE = 120  # the longest bar
BAR_HEIGHT = 14
BAR_STEP = 21
HEADING_HEIGHT = 26


@dataclass(frozen=True)
class ModelColumn:
    key: str  # the model's name in the JSON contract
    title: str
    definition: str
    anchor: str  # id of its definition on the page


@dataclass(frozen=True)
class OtherGroup:
    """The channels folded into "Other": their summed row, and each of them for the details."""

    row: Row
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class AttributionTable:
    caption: str
    subject: str  # "Channel" or "Touchpoint"
    models: tuple[ModelColumn, ...]
    rows: tuple[Row, ...]
    other: OtherGroup | None
    footer: Row


@dataclass(frozen=True)
class ChartBar:
    model: str  # the model's title
    text: str  # the value as printed beside the bar
    x: float
    y: float
    width: float
    height: float
    text_x: float
    label_y: float  # baseline of the model title and of the value


@dataclass(frozen=True)
class ChartPanel:
    id: str
    channel: str
    description: str
    width: int
    height: int
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True)
class AttributionChart:
    id: str
    caption: str
    panels: tuple[ChartPanel, ...]


def model_columns(anchor: str) -> tuple[ModelColumn, ...]:
    return tuple(
        ModelColumn(key, text.title, text.definition, f"{anchor}-model-{key}")
        for key, text in ((key, BY_NAME[key]) for key in MODELS)
    )


def _totals(attribution: Attribution, field: str) -> list[float]:
    return [sum(getattr(c, field) for c in attribution.get(m, {}).values()) for m in MODELS]


def _amount(attribution: Attribution, model: str, key: str, field: str) -> float:
    credit = attribution.get(model, {}).get(key)
    return 0.0 if credit is None else float(getattr(credit, field))


def small_keys(attribution: Attribution, threshold: float = OTHER_SHARE) -> frozenset[str]:
    """Channels (or touchpoints) whose share of the conversions, averaged over the models that
    credit any, is under ``threshold``."""
    return frozenset(
        key
        for key, by_model in _shares(attribution).items()
        if by_model and sum(by_model.values()) / len(by_model) < threshold
    )


def attribution_table(
    attribution: Attribution,
    *,
    subject: str,
    field: str,
    names: Mapping[str, str],
    anchor: str,
    money: Money,
    folded: frozenset[str] = frozenset(),
    intervals: Intervals | None = None,
) -> AttributionTable:
    """Credits per ``subject`` (channel, touchpoint) and model, the ``folded`` keys as Other;
    with ``intervals``, each key's cells carry their range (an Other group's sum has none)."""
    keys = sorted(
        {k for credits in attribution.values() for k in credits},
        key=lambda k: (-max(_amount(attribution, m, k, "conversions") for m in MODELS), k),
    )
    totals = _totals(attribution, field)
    fmt = credit_format(field, max(totals, default=0.0), money)

    def row(label: str, members: Sequence[str]) -> Row:
        cells = []
        for model, total in zip(MODELS, totals, strict=True):
            amount = sum(_amount(attribution, model, key, field) for key in members)
            span = ""
            if intervals is not None and len(members) == 1:
                found = intervals.attribution.get(model, {}).get(members[0])
                if found is not None:
                    low, high = getattr(found, field)
                    span = f"{fmt(low)}–{fmt(high)}"
            cells.append(Cell(fmt(amount), width(amount, total), span))
        return Row(label, tuple(cells))

    shown = [k for k in keys if k not in folded]
    hidden = [k for k in keys if k in folded]
    other = None
    if len(hidden) > 1:
        other = OtherGroup(
            row(f"{OTHER_LABEL} ({len(hidden)})", hidden),
            tuple(row(names.get(k, k), [k]) for k in hidden),
        )
    else:
        shown += hidden  # one small channel is shown as itself, not as a group of one
    measure = "Conversions" if field == "conversions" else "Revenue"
    return AttributionTable(
        caption=f"{measure} credited per {subject} by each model",
        subject=subject.capitalize(),
        models=model_columns(anchor),
        rows=tuple(row(names.get(k, k), [k]) for k in shown),
        other=other,
        footer=Row("Total", tuple(Cell(fmt(t), 100.0) for t in totals)),
    )


def _shares(attribution: Attribution) -> dict[str, dict[str, float]]:
    """Each channel's share of each model's conversions."""
    totals = dict(zip(MODELS, _totals(attribution, "conversions"), strict=True))
    keys = {k for credits in attribution.values() for k in credits}
    return {
        key: {
            model: _amount(attribution, model, key, "conversions") / totals[model]
            for model in MODELS
            if totals[model] > 0
        }
        for key in keys
    }


def disagreement(attribution: Attribution, names: Mapping[str, str] | None = None) -> str:
    """One sentence: the channel whose share of conversions differs most between two models."""
    names = names or {}
    shares = _shares(attribution)
    spreads = [
        (max(by_model.values()) - min(by_model.values()), key)
        for key, by_model in shares.items()
        if len(by_model) > 1
    ]
    if not spreads:
        return ""
    spread, key = min(spreads, key=lambda item: (-item[0], item[1]))
    by_model = shares[key]
    high = max(MODELS, key=lambda m: by_model.get(m, -1.0))
    low = min(MODELS, key=lambda m: by_model.get(m, 2.0))
    if spread < 0.01:
        return "The models agree: no channel's share of conversions differs by a point or more."
    sentence = (
        f"The models disagree most on {names.get(key, key)}: {BY_NAME[high].title} credits it "
        f"with {percent(by_model[high])} of the conversions, {BY_NAME[low].title} with "
        f"{percent(by_model[low])}"
    )
    if DATA_DRIVEN in by_model and DATA_DRIVEN not in (high, low):
        # The rule-based extremes often differ by construction (Direct under last touch and
        # last non-direct); the data-driven share says where the data itself puts the channel.
        sentence += f", and the data-driven model with {percent(by_model[DATA_DRIVEN])}"
    return sentence + "."


#: How many channels the sentence on the intervals names, the widest gaps first.
BEYOND_LISTED = 3


def beyond_intervals(
    attribution: Attribution, intervals: Intervals | None, names: Mapping[str, str] | None = None
) -> str:
    """One sentence: the channels two models credit differently by more than their intervals
    (the two intervals of conversions do not overlap), the widest gap first."""
    if intervals is None:
        return ""
    names = names or {}
    gaps: list[tuple[float, str, str, str]] = []
    channels = sorted({key for credits in attribution.values() for key in credits})
    for key in channels:
        spans = {
            model: intervals.attribution.get(model, {}).get(key)
            for model in MODELS
            if key in attribution.get(model, {})
        }
        found = [(model, span.conversions) for model, span in spans.items() if span is not None]
        best: tuple[float, str, str] | None = None
        for high_model, (high_low, _) in found:
            for low_model, (_, low_high) in found:
                gap = high_low - low_high
                if gap > 0 and (best is None or gap > best[0]):
                    best = (gap, high_model, low_model)
        if best is not None:
            gaps.append((best[0], key, best[1], best[2]))
    level = f"{LEVEL:.0%}"
    if not gaps:
        return f"Within their {level} intervals, the models agree on every channel."
    gaps.sort(key=lambda gap: (-gap[0], gap[1]))

    def credited(model: str, key: str) -> str:
        low, high = intervals.attribution[model][key].conversions
        return f"{BY_NAME[model].title} {decimal(low, 1)}–{decimal(high, 1)}"

    listed = [
        f"{names.get(key, key)} ({credited(high, key)} against {credited(low, key)})"
        for _, key, high, low in gaps[:BEYOND_LISTED]
    ]
    more = len(gaps) - BEYOND_LISTED
    tail = f", and {more} more" if more > 0 else ""
    return (
        f"The models credit {'these channels' if len(gaps) > 1 else 'this channel'} differently "
        f"by more than their {level} intervals of conversions: " + "; ".join(listed) + tail + "."
    )


def attribution_chart(
    attribution: Attribution,
    *,
    anchor: str,
    names: Mapping[str, str] | None = None,
    channels: int = CHART_CHANNELS,
) -> AttributionChart | None:
    """Bars of each model's share of conversions for the channels credited most on average."""
    names = names or {}
    shares = _shares(attribution)
    if not shares:
        return None
    models = [m for m in MODELS if any(m in by_model for by_model in shares.values())]
    top = sorted(shares, key=lambda k: (-sum(shares[k].values()) / max(len(shares[k]), 1), k))[
        :channels
    ]
    counts = {key: {m: _amount(attribution, m, key, "conversions") for m in models} for key in top}
    largest = max((shares[k].get(m, 0.0) for k in top for m in models), default=0.0)
    height = HEADING_HEIGHT + BAR_STEP * len(models) + 4
    panels = []
    for number, key in enumerate(top):
        bars = []
        for row, model in enumerate(models):
            share = shares[key].get(model, 0.0)
            length = round(BAR_SPACE * share / largest, 1) if largest > 0 else 0.0
            y = HEADING_HEIGHT + row * BAR_STEP
            bars.append(
                ChartBar(
                    model=BY_NAME[model].title,
                    text=f"{percent(share)} · {decimal(counts[key][model], 1)}",
                    x=BAR_LEFT,
                    y=y,
                    width=max(length, 1.0),
                    height=BAR_HEIGHT,
                    text_x=round(BAR_LEFT + max(length, 1.0) + 6, 1),
                    label_y=y + BAR_HEIGHT - 3,
                )
            )
        label = names.get(key, key)
        description = f"Share of conversions credited to {label}: " + "; ".join(
            f"{bar.model} {bar.text.replace(' · ', ', ')} conversions" for bar in bars
        )
        panels.append(
            ChartPanel(
                id=f"{anchor}-chart-{number}",
                channel=label,
                description=description + ".",
                width=PANEL_WIDTH,
                height=height,
                bars=tuple(bars),
            )
        )
    return AttributionChart(
        id=f"{anchor}-chart",
        caption=(
            f"Share of conversions each model credits to the {len(top)} channels credited most"
        ),
        panels=tuple(panels),
    )
