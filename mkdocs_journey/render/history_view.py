"""View models of a map's history: the "Changed since" block, the "What changed" page and the
KPI trends, with their drawings (the old and new emotion curves overlaid, KPI sparklines).

Python computes the sentences and the coordinates; the templates ``journey/changes.html``,
``journey/what-changed.html``, ``journey/kpi-trend.html``, ``journey/changes-curve.html`` and
``journey/kpi-sparkline.html`` make the HTML and SVG. The drawings go into empty slot elements
that :class:`HistoryDrawings` fills in the finished page, after the search index has read it, as
the map's own diagrams are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from mkdocs_journey.changes.diff import Change, Comparison, MapDiff
from mkdocs_journey.changes.report import headline, sentence, symbol
from mkdocs_journey.changes.site_history import SiteHistory
from mkdocs_journey.changes.trends import KpiSeries
from mkdocs_journey.render.numbers import format_number

CURVE_TEMPLATE = "journey/changes-curve.html"
SPARKLINE_TEMPLATE = "journey/kpi-sparkline.html"
_SLOT = re.compile(
    r'<span class="journey-history-slot" data-journey-history="(?P<slot>[^"]+)">'
    r"</span>"
)

# The overlaid curves: small, beside the list of changes.
CURVE_WIDTH, CURVE_HEIGHT = 440, 170
CURVE_LEFT, CURVE_RIGHT, CURVE_TOP, CURVE_BOTTOM = 34, 16, 14, 36
CURVE_INSET = 40  # the first and last stage stand this far inside the plot, for their names
STAGE_LABEL_LIMIT = 13
# A sparkline: the size of a line of text, a little wider.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 30, 4

_KIND_CLASS = {"+": "added", "-": "removed", ">": "moved", "~": "changed"}


@dataclass(frozen=True)
class ChangeLine:
    text: str  # the sentence (plain text; the template escapes it)
    kind: str  # the change kind, e.g. "emotion-score"
    css_class: str  # journey-change--added, --removed, --moved, --changed
    verdict: str | None  # "better", "worse" or None


@dataclass(frozen=True)
class CurvePoint:
    x: float
    y: float
    stage: str
    score: int


@dataclass(frozen=True)
class OverlayCurve:
    """The old and new emotion curves of one map on one scale."""

    id: str
    width: int
    height: int
    left: float
    right: float
    title: str
    description: str
    old_label: str
    new_label: str
    new_phrase: str  # "now", or "in version 2.0"
    grid: tuple[tuple[str, float], ...]  # ("+2", y) ...
    stages: tuple[tuple[str, str, float], ...]  # (name, what fits under the axis, x)
    old_points: tuple[CurvePoint, ...]
    new_points: tuple[CurvePoint, ...]
    old_line: str
    new_line: str
    axis_y: float


@dataclass(frozen=True)
class MapChanges:
    """The "Changed since <baseline>" block of one map."""

    baseline: str
    status: str  # "added" or "changed"
    lines: tuple[ChangeLine, ...]
    curve_slot: str | None  # slot of the overlaid curves, None when no emotion changed

    @property
    def count(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class MapChangesRow:
    """One map on the "What changed" page."""

    map_id: str
    title: str
    url: str | None  # None for a removed map
    status: str
    lines: tuple[ChangeLine, ...]
    curve_slot: str | None


@dataclass(frozen=True)
class WhatChanged:
    baseline: str
    note: str  # why nothing is compared, when that is the case
    headline: str
    rows: tuple[MapChangesRow, ...]
    unchanged: tuple[tuple[str, str], ...]  # (title, url)
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Sparkline:
    id: str
    width: int
    height: int
    title: str
    description: str  # every value as text, for screen readers
    points: tuple[tuple[float, float], ...]
    line: str
    last: tuple[float, float] | None
    target_y: float | None


@dataclass(frozen=True)
class TrendValue:
    version: str
    text: str
    current: bool


@dataclass(frozen=True)
class KpiTrendRow:
    stage: str
    name: str
    slot: str
    values: tuple[TrendValue, ...]
    target_text: str
    direction: str  # "higher" or "lower" is better
    verdict: str | None  # the last move: "better", "worse" or None


@dataclass(frozen=True)
class KpiTrendTable:
    versions: tuple[str, ...]
    rows: tuple[KpiTrendRow, ...]


# --- the "Changed since" block and page -------------------------------------------------


def change_lines(changes: Sequence[Change]) -> tuple[ChangeLine, ...]:
    return tuple(
        ChangeLine(sentence(c), c.kind, f"journey-change--{_KIND_CLASS[symbol(c)]}", c.verdict)
        for c in changes
    )


def curve_slot(map_id: str) -> str:
    return f"jh-curve-{map_id}"


def _emotion_moved(map_diff: MapDiff) -> bool:
    return any(
        c.kind in ("emotion-score", "stage-added", "stage-removed") for c in map_diff.changes
    )


def map_changes(history: SiteHistory, map_id: str) -> MapChanges | None:
    """The block for one map, or None when the map has not changed (or nothing compares)."""
    comparison = history.comparison
    map_diff = comparison.of_map(map_id) if comparison else None
    if map_diff is None or map_diff.status not in ("added", "changed"):
        return None
    slot = curve_slot(map_id) if map_diff.status == "changed" and _emotion_moved(map_diff) else None
    return MapChanges(history.baseline, map_diff.status, change_lines(map_diff.changes), slot)


def what_changed(history: SiteHistory, urls: Mapping[str, str]) -> WhatChanged:
    """The "What changed" page; ``urls`` maps a map id to its link from that page."""
    comparison = history.comparison
    if comparison is None:
        return WhatChanged(
            history.baseline or str(history.compare_to), history.note, "", (), (), ()
        )
    rows = tuple(
        MapChangesRow(
            m.map_id,
            m.title or m.map_id,
            urls.get(m.map_id) if m.status != "removed" else None,
            m.status,
            change_lines(m.changes),
            curve_slot(m.map_id) if m.status == "changed" and _emotion_moved(m) else None,
        )
        for m in comparison.changed
    )
    unchanged = tuple(
        (m.title or m.map_id, urls.get(m.map_id, ""))
        for m in comparison.maps
        if m.status == "unchanged"
    )
    notes = list(comparison.notes)
    if comparison.computed_kpis_skipped:
        notes.append(
            f"KPI values computed from data are not compared with {history.baseline}: the pages "
            "of a git ref carry no data."
        )
    return WhatChanged(history.baseline, "", headline(comparison), rows, unchanged, tuple(notes))


def overlay_curve(
    comparison: Comparison, map_id: str, old_label: str, new_label: str = "now"
) -> OverlayCurve | None:
    """Both curves of one map; ``old_label`` and ``new_label`` name the versions in the legend."""
    map_diff = comparison.of_map(map_id)
    if map_diff is None or map_diff.old is None or map_diff.new is None:
        return None
    old_scores = _scores(map_diff.old)
    new_scores = _scores(map_diff.new)
    names = _stage_union(list(old_scores), list(new_scores))
    if not names:
        return None
    first, last = CURVE_LEFT + CURVE_INSET, CURVE_WIDTH - CURVE_RIGHT - CURVE_INSET
    step = (last - first) / (len(names) - 1) if len(names) > 1 else 0
    xs = {
        name: round(first + i * step if len(names) > 1 else (first + last) / 2, 2)
        for i, name in enumerate(names)
    }

    def points(scores: Mapping[str, int]) -> tuple[CurvePoint, ...]:
        return tuple(
            CurvePoint(xs[name], _curve_y(scores[name]), name, scores[name])
            for name in names
            if name in scores
        )

    old_points, new_points = points(old_scores), points(new_scores)
    now = new_label if new_label == "now" else f"in {new_label}"
    described = "; ".join(
        f"{name}: {_score(old_scores.get(name))} in {old_label}, "
        f"{_score(new_scores.get(name))} {now}"
        for name in names
    )
    return OverlayCurve(
        id=curve_slot(map_id),
        width=CURVE_WIDTH,
        height=CURVE_HEIGHT,
        left=CURVE_LEFT,
        right=CURVE_WIDTH - CURVE_RIGHT,
        title=f"Emotion curve in {old_label} and {now}",
        description=described + ".",
        old_label=old_label,
        new_label=new_label,
        new_phrase=now,
        grid=tuple((f"{s:+d}" if s else "0", _curve_y(s)) for s in (2, 1, 0, -1, -2)),
        stages=tuple((name, _short(name), xs[name]) for name in names),
        old_points=old_points,
        new_points=new_points,
        old_line=" ".join(f"{p.x},{p.y}" for p in old_points),
        new_line=" ".join(f"{p.x},{p.y}" for p in new_points),
        axis_y=CURVE_HEIGHT - CURVE_BOTTOM + 18,
    )


def _short(name: str) -> str:
    return name if len(name) <= STAGE_LABEL_LIMIT else name[: STAGE_LABEL_LIMIT - 1] + "…"


def _curve_y(score: int) -> float:
    plot = CURVE_HEIGHT - CURVE_TOP - CURVE_BOTTOM
    return round(CURVE_TOP + (2 - max(-2, min(2, score))) / 4 * plot, 2)


def _score(score: int | None) -> str:
    return "no score" if score is None else f"{score:+d}" if score else "0"


def _scores(record: Mapping[str, Any]) -> dict[str, int]:
    scores = {}
    stages = record.get("stages")
    for stage in stages if isinstance(stages, list) else []:
        emotion = stage.get("emotion") if isinstance(stage, Mapping) else None
        score = emotion.get("score") if isinstance(emotion, Mapping) else None
        if isinstance(stage, Mapping) and isinstance(score, int) and not isinstance(score, bool):
            scores[str(stage.get("name"))] = score
    return scores


def _stage_union(old: list[str], new: list[str]) -> list[str]:
    """The new order, with stages only in the old version where they used to be."""
    names = list(new)
    for i, name in enumerate(old):
        if name not in names:
            following = next((n for n in old[i + 1 :] if n in names), None)
            names.insert(names.index(following) if following else len(names), name)
    return names


# --- KPI trends ---------------------------------------------------------------------------


def sparkline_slot(map_id: str, number: int) -> str:
    return f"jh-spark-{map_id}-{number}"


def kpi_trend_table(history: SiteHistory, map_id: str) -> KpiTrendTable | None:
    series = history.trends.of_map(map_id)
    if not series:
        return None
    rows = []
    for number, one in enumerate(series):
        values = tuple(
            TrendValue(p.version, format_number(p.actual, one.unit), i == len(one.points) - 1)
            for i, p in enumerate(one.points)
        )
        known = [v for v in one.values if v is not None]
        verdict = None
        if len(known) >= 2 and known[-1] != known[-2]:
            verdict = (
                "better" if (known[-1] > known[-2]) == (one.direction == "higher") else "worse"
            )
        rows.append(
            KpiTrendRow(
                one.stage,
                one.name,
                sparkline_slot(map_id, number),
                values,
                format_number(one.points[-1].target, one.unit),
                one.direction,
                verdict,
            )
        )
    return KpiTrendTable(history.trends.versions, tuple(rows))


def sparkline(series: KpiSeries, slot: str) -> Sparkline:
    values = series.values
    target = series.points[-1].target
    scale = [v for v in [*values, target] if v is not None]
    low, high = (min(scale), max(scale)) if scale else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    count = len(values)
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def x(i: int) -> float:
        return round(SPARK_PAD + (i * inner_w / (count - 1) if count > 1 else inner_w / 2), 2)

    def y(value: float) -> float:
        return round(SPARK_PAD + (high - value) / (high - low) * inner_h, 2)

    points = tuple((x(i), y(v)) for i, v in enumerate(values) if v is not None)
    text = "; ".join(
        f"{p.version}{' (this version)' if i == count - 1 else ''}: "
        f"{format_number(p.actual, series.unit)}"
        for i, p in enumerate(series.points)
    )
    if target is not None:
        text += f"; target {format_number(target, series.unit)}"
    return Sparkline(
        id=slot,
        width=SPARK_WIDTH,
        height=SPARK_HEIGHT,
        title=f"{series.name} across versions",
        description=text + ".",
        points=points,
        line=" ".join(f"{px},{py}" for px, py in points),
        last=points[-1] if values and values[-1] is not None and points else None,
        target_y=y(target) if target is not None else None,
    )


# --- drawing into the finished page ------------------------------------------------------


class HistoryDrawings:
    """Fills the history slots of a finished page with their SVG drawings."""

    def __init__(self, env: Environment, history: SiteHistory) -> None:
        self.env = env
        self.history = history
        self.old_label = history.baseline
        self.new_label = f"version {history.mike_version}" if history.mike_version else "now"
        self._series: dict[str, KpiSeries] | None = None

    def fill(self, html: str) -> str:
        if "journey-history-slot" not in html:
            return html
        return _SLOT.sub(lambda match: self.drawing(match.group("slot")), html)

    def drawing(self, slot: str) -> str:
        comparison = self.history.comparison
        if slot.startswith("jh-curve-") and comparison is not None:
            curve = overlay_curve(
                comparison,
                slot.removeprefix("jh-curve-"),
                self.old_label or comparison.old.label,
                self.new_label,
            )
            if curve is not None:
                return self.env.get_template(CURVE_TEMPLATE).render(curve=curve)
        if self._series is None:
            trends = self.history.trends
            maps = dict.fromkeys(map_id for map_id, _, _ in trends.series)
            self._series = {
                sparkline_slot(map_id, number): series
                for map_id in maps
                for number, series in enumerate(trends.of_map(map_id))
            }
        series = self._series.get(slot)
        if series is not None:
            return self.env.get_template(SPARKLINE_TEMPLATE).render(spark=sparkline(series, slot))
        return ""
