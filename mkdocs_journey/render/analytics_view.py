"""View models for a map's analytics and the data-quality page.

Python turns a :class:`DataAnalysis` into plain rows with preformatted numbers and bar widths
(percent); the templates ``journey/analytics.html`` and ``journey/data-quality.html`` make the
HTML. :func:`text_report` is the plain-text form the CLI prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mkdocs_journey.analytics.attribution import BY_NAME
from mkdocs_journey.analytics.data_quality import rejected_share
from mkdocs_journey.analytics.insights import notable
from mkdocs_journey.analytics.intervals import LEVEL
from mkdocs_journey.analytics.models import Breakdown
from mkdocs_journey.analytics.result import CONVERSION, DataAnalysis, PathInsight
from mkdocs_journey.model import JourneyMap
from mkdocs_journey.render.attribution_view import (
    AttributionChart,
    AttributionTable,
    ModelColumn,
    attribution_chart,
    attribution_table,
    beyond_intervals,
    disagreement,
    model_columns,
    small_keys,
)
from mkdocs_journey.render.funnel_chart import FunnelChart, funnel_chart
from mkdocs_journey.render.numbers import (
    Money,
    count,
    credit_format,
    days,
    percent,
    small_percent,
)
from mkdocs_journey.render.table import Cell, Row, Table, width

#: Templates (under the package's ``render/templates``) and the CSS they need.
ANALYTICS_TEMPLATE = "journey/analytics.html"
QUALITY_TEMPLATE = "journey/data-quality.html"
ANALYTICS_CSS = "assets/journey-analytics.css"


@dataclass(frozen=True)
class Total:
    label: str
    value: str


@dataclass(frozen=True)
class FunnelRow:
    stage: str
    leads: str
    width: float  # % of the largest stage
    next_stage: str
    conversion: str
    drop_off: str
    median_time: str


@dataclass(frozen=True)
class Sentence:
    text: str  # the whole sentence, its share first (the terminal report prints this)
    share: str
    width: float

    @property
    def rest(self) -> str:
        """The sentence after its share, which the page shows as a figure of its own."""
        return self.text.removeprefix(self.share).lstrip()


@dataclass(frozen=True)
class CoverageView:
    touchpoints_without_events: tuple[str, ...]
    unknown_touchpoints: tuple[Total, ...]
    undeclared_channels: tuple[Total, ...]
    declared_channels_without_traffic: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.touchpoints_without_events
            or self.unknown_touchpoints
            or self.undeclared_channels
            or self.declared_channels_without_traffic
        )


@dataclass(frozen=True)
class AnalyticsView:
    source: str
    file: str
    totals: tuple[Total, ...]
    rows_not_used: str  # "12 (0.1%)"
    has_rejections: bool
    funnel: tuple[FunnelRow, ...]
    funnel_chart: FunnelChart | None
    channel_mix: Table | None
    attribution: AttributionTable
    attribution_value: AttributionTable
    touchpoint_attribution: AttributionTable | None
    attribution_chart: AttributionChart | None
    disagreement: str  # one sentence: where the models disagree most
    #: one sentence: the channels models credit differently beyond their intervals ("": none)
    intervals_sentence: str
    intervals_note: str  # what the ranges are, or why there are none
    breakdowns: tuple[Table, ...]  # models' credits split further (Shapley's by position)
    markov_note: str  # the Markov chain's memory, when it looks further back than one channel
    models: tuple[ModelColumn, ...]  # titles and definitions, in column order
    currency: str  # ISO 4217 code of the revenue, "" when the site names none
    insights: tuple[Sentence, ...]
    coverage: CoverageView | None
    quality_url: str | None  # link to the data-quality page, when the plugin generates one


@dataclass(frozen=True)
class Example:
    location: str  # file:row
    value: str


@dataclass(frozen=True)
class ReasonView:
    reason: str
    count: str
    examples: tuple[Example, ...]
    more: bool


@dataclass(frozen=True)
class SourceQuality:
    source: str
    file: str
    rows_read: str
    rows_used: str
    rows_not_used: str
    share_not_used: str
    reasons: tuple[ReasonView, ...]
    unassigned: tuple[Total, ...]  # "source / medium": rows in channel Unassigned


@dataclass(frozen=True)
class QualityView:
    sources: tuple[SourceQuality, ...]
    max_rejected_share: str | None


def insight_sentence(insight: PathInsight, subject: str, names: Mapping[str, str]) -> str:
    before = names.get(insight.before, insight.before)
    if insight.target == CONVERSION:
        return (
            f"{percent(insight.share)} of the {count(insight.target_leads)} leads who converted "
            f"had touched {before} before converting."
        )
    target = names.get(insight.target, insight.target)
    return (
        f"{percent(insight.share)} of the {count(insight.target_leads)} leads who reached "
        f"{target} had touched {before} first."
    )


def analytics_view(
    analysis: DataAnalysis,
    journey_map: JourneyMap | None = None,
    quality_url: str | None = None,
    insights: int = 8,
    *,
    currency: str = "",
    anchor: str = "journey",
) -> AnalyticsView:
    """The view model for ``journey/analytics.html`` (context name: ``analytics``).

    ``currency`` is the ISO 4217 code of the revenue; ``anchor`` prefixes the ids the page
    links to (the map's anchor).
    """
    money = Money(currency)
    names: dict[str, str] = {}
    if journey_map is not None:
        names = {tp.id: tp.name for _, tp in journey_map.touchpoints()}
    totals = analysis.totals
    largest = max((step.leads for step in analysis.funnel), default=0)
    funnel = tuple(
        FunnelRow(
            stage=step.stage,
            leads=count(step.leads),
            width=width(step.leads, largest),
            next_stage=step.next_stage or "",
            conversion=percent(step.conversion_to_next),
            drop_off=percent(step.drop_off),
            median_time=days(step.median_days_to_next),
        )
        for step in analysis.funnel
    )
    mix: Table | None = None
    if analysis.channel_mix:
        channels = sorted(
            {c.channel for m in analysis.channel_mix for c in m.channels},
            key=lambda ch: (
                -sum(c.leads for m in analysis.channel_mix for c in m.channels if c.channel == ch),
                ch,
            ),
        )
        rows = []
        for channel in channels:
            cells = []
            for stage_mix in analysis.channel_mix:
                share = next((c for c in stage_mix.channels if c.channel == channel), None)
                cells.append(
                    Cell(percent(share.share), width(share.share, 1.0)) if share else Cell("–", 0.0)
                )
            rows.append(Row(channel, tuple(cells)))
        mix = Table(
            caption="Channel that brought each lead into the stage (share of the stage's leads)",
            headers=("Channel", *(m.stage for m in analysis.channel_mix)),
            rows=tuple(rows),
            footer=Row("Leads", tuple(Cell(count(m.leads), 100.0) for m in analysis.channel_mix)),
        )
    sentences = tuple(
        Sentence(
            insight_sentence(i, analysis.insight_subject, names),
            percent(i.share),
            width(i.share, 1),
        )
        for i in notable(analysis.insights, insights)
    )
    coverage = None
    if analysis.coverage is not None:
        c = analysis.coverage
        coverage = CoverageView(
            touchpoints_without_events=tuple(
                f"{names.get(t, t)} ({t})" for t in c.touchpoints_without_events
            ),
            unknown_touchpoints=tuple(Total(t, count(n)) for t, n in c.unknown_touchpoints),
            undeclared_channels=tuple(Total(ch, count(n)) for ch, n in c.undeclared_channels),
            declared_channels_without_traffic=c.declared_channels_without_traffic,
        )
    not_used = totals.rows_read - totals.rows_used
    folded = small_keys(analysis.attribution)
    touchpoint_table = None
    if analysis.touchpoint_attribution is not None:
        touchpoint_table = attribution_table(
            analysis.touchpoint_attribution,
            subject="touchpoint",
            field="conversions",
            names=names,
            anchor=anchor,
            money=money,
            folded=small_keys(analysis.touchpoint_attribution),
        )
    return AnalyticsView(
        source=analysis.source,
        file=analysis.file_label,
        totals=(
            Total("Leads", count(totals.leads)),
            Total("Paths", count(totals.paths)),
            Total("Conversions", count(totals.conversions)),
            Total("Revenue", money(totals.revenue, cents=abs(totals.revenue) < 10_000)),
            Total("Rows used", f"{count(totals.rows_used)} of {count(totals.rows_read)}"),
        ),
        rows_not_used=f"{count(not_used)} ({small_percent(rejected_share(analysis))})",
        has_rejections=not_used > 0,
        funnel=funnel,
        funnel_chart=funnel_chart(analysis.funnel, anchor=anchor),
        channel_mix=mix,
        attribution=attribution_table(
            analysis.attribution,
            subject="channel",
            field="conversions",
            names={},
            anchor=anchor,
            money=money,
            folded=folded,
            intervals=analysis.intervals,
        ),
        attribution_value=attribution_table(
            analysis.attribution,
            subject="channel",
            field="value",
            names={},
            anchor=anchor,
            money=money,
            folded=folded,
            intervals=analysis.intervals,
        ),
        touchpoint_attribution=touchpoint_table,
        attribution_chart=attribution_chart(analysis.attribution, anchor=anchor),
        disagreement=disagreement(analysis.attribution),
        intervals_sentence=beyond_intervals(analysis.attribution, analysis.intervals),
        intervals_note=_intervals_note(analysis),
        breakdowns=tuple(
            _breakdown_table(BY_NAME[model].title, breakdown)
            for model, breakdown in analysis.breakdowns.items()
        ),
        markov_note=(
            ""
            if analysis.markov_order == 1
            else f"Here the Markov model remembers the last {analysis.markov_order} channels "
            "of a journey: a state of its chain is a window of that many channels in a row "
            "(a shorter journey is one state), and removing a channel removes every state "
            "that holds it."
        ),
        models=model_columns(anchor),
        currency=currency,
        insights=sentences,
        coverage=coverage,
        quality_url=quality_url,
    )


def _intervals_note(analysis: DataAnalysis) -> str:
    intervals = analysis.intervals
    if intervals is None:
        return analysis.intervals_note.capitalize() + "." if analysis.intervals_note else ""
    return (
        f"Under each credit, its {LEVEL:.0%} interval: the middle {LEVEL:.0%} of the credits "
        f"{intervals.resamples} resamples of the paths give (drawn with replacement, seed "
        f"{intervals.seed}), so that a difference inside it may be chance."
    )


def _breakdown_table(title: str, breakdown: Breakdown) -> Table:
    totals = [sum(row[i] for row in breakdown.rows.values()) for i in range(len(breakdown.columns))]
    largest = max(totals, default=0.0)
    fmt = credit_format("conversions", largest)
    rows = sorted(breakdown.rows.items(), key=lambda item: (-sum(item[1]), item[0]))
    return Table(
        caption=f"{title}: {breakdown.caption[0].lower()}{breakdown.caption[1:]}",
        headers=("Channel", *breakdown.columns),
        rows=tuple(
            Row(channel, tuple(Cell(fmt(x), width(x, max(numbers) or 1.0)) for x in numbers))
            for channel, numbers in rows
        ),
        footer=Row("Total", tuple(Cell(fmt(t), 100.0) for t in totals)),
    )


def quality_view(
    analyses: Sequence[DataAnalysis], max_rejected_share: float | None = None
) -> QualityView:
    """The view model for ``journey/data-quality.html`` (context name: ``quality``)."""
    sources = []
    for analysis in analyses:
        totals = analysis.totals
        sources.append(
            SourceQuality(
                source=analysis.source,
                file=analysis.file_label,
                rows_read=count(totals.rows_read),
                rows_used=count(totals.rows_used),
                rows_not_used=count(totals.rows_read - totals.rows_used),
                share_not_used=small_percent(rejected_share(analysis)),
                reasons=tuple(
                    ReasonView(
                        reason=r.reason,
                        count=count(r.count),
                        examples=tuple(
                            Example(f"{analysis.file_label}:{e.row}", e.value or "")
                            for e in r.examples
                        ),
                        more=r.count > len(r.examples),
                    )
                    for r in analysis.rejected
                ),
                unassigned=tuple(
                    Total(f"{s or '(not set)'} / {m or '(not set)'}", count(n))
                    for s, m, n in analysis.unassigned
                ),
            )
        )
    return QualityView(
        sources=tuple(sources),
        max_rejected_share=None if max_rejected_share is None else percent(max_rejected_share),
    )


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return lines


def text_report(analysis: DataAnalysis, currency: str = "") -> str:
    """A plain-text report for the terminal (``mkdocs-journey analyze --format table``)."""
    view = analytics_view(analysis, currency=currency)
    lines = [f"{view.source} ({view.file})", ""]
    lines += [f"{t.label}: {t.value}" for t in view.totals]
    lines.append(f"Rows not used: {view.rows_not_used}")
    for r in analysis.rejected:
        rows = ", ".join(str(e.row) for e in r.examples)
        lines.append(
            f"  {r.reason}: {r.count} (rows {rows}{', ...' if r.count > len(r.examples) else ''})"
        )
    lines += ["", "Channels"]
    lines += _text_table(
        ("Channel", "Touches", "Leads"),
        [(c.channel, count(c.touches), count(c.leads)) for c in analysis.channels],
    )
    if view.funnel:
        lines += ["", "Funnel"]
        lines += _text_table(
            ("Stage", "Leads", "To next", "Drop-off", "Median time"),
            [(f.stage, f.leads, f.conversion, f.drop_off, f.median_time) for f in view.funnel],
        )
    if view.channel_mix:
        lines += ["", view.channel_mix.caption]
        lines += _text_table(
            view.channel_mix.headers,
            [(r.label, *(c.text for c in r.cells)) for r in view.channel_mix.rows],
        )
    for table in (view.attribution, view.attribution_value):
        lines += ["", table.caption]
        credited = [(r.label, *(c.text for c in r.cells)) for r in table.rows]
        if table.other is not None:
            credited.append((table.other.row.label, *(c.text for c in table.other.row.cells)))
            credited += [(f"  {r.label}", *(c.text for c in r.cells)) for r in table.other.rows]
        credited.append((table.footer.label, *(c.text for c in table.footer.cells)))
        lines += _text_table((table.subject, *(m.title for m in table.models)), credited)
    if view.disagreement:
        lines += ["", view.disagreement]
    if view.intervals_sentence:
        lines += ["", view.intervals_sentence]
    for breakdown in view.breakdowns:
        lines += ["", breakdown.caption]
        lines += _text_table(
            breakdown.headers, [(r.label, *(c.text for c in r.cells)) for r in breakdown.rows]
        )
    if view.insights:
        lines += ["", "Path insights"]
        lines += [f"- {s.text}" for s in view.insights]
    return "\n".join(lines) + "\n"
