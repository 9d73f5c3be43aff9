"""KPIs as readers see them: status with its colour class, icon and word, the figures, where
each figure comes from and how fresh it is; the per-map summary and the site-wide dashboard.

Python decides every word and number here; the templates ``journey/kpi-card.html``,
``journey/kpi-summary.html`` and ``journey/kpi-dashboard.html`` only lay them out (a status's
icon is drawn by the stylesheet: a shape and a colour beside the word, never instead of it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from mkdocs_journey.analytics.kpi_status import (
    STATUS_WORDS,
    STATUSES,
    AssessedKpi,
    worst_first,
)
from mkdocs_journey.model import JourneyMap, Kpi, ReviewPolicy
from mkdocs_journey.render.numbers import count, format_number

#: The order of the statuses' counts and filters: the worst first.
STATUS_ORDER: tuple[str, ...] = STATUSES


def http_url(text: str) -> str | None:
    """``text`` when it is a plain http(s) URL with a host, else None: only such a source is
    ever written as a link (the template escapes it like any text)."""
    value = text.strip()
    if not value or any(ch.isspace() or ord(ch) < 32 for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class KpiFigure:
    """One KPI with everything a card, a summary row or a dashboard row shows."""

    kpi: Kpi
    stage: str
    status: str  # met, at-risk, missed, unknown
    words: str  # "on target", "at risk", "off target", "no data" (the icon's shape is CSS's)
    target_text: str  # "40%", "7 days or lower", "–"
    actual_text: str
    stale: bool
    as_of: str  # YYYY-MM-DD of the figure (data's latest event, or the written as_of); ""
    stale_text: str  # why it is stale, for the badge's title; "" when fresh
    computed: bool
    origin: str  # where the figure comes from, in a few words: "shop data", a source, a URL's host
    source_href: str | None  # a link for a hand-written source, only http(s)
    provenance: str  # file hash, rows and latest event of a computed figure; ""
    window: str  # "since 2024-03-01", "2024-01-01 to 2024-02-29"; ""
    alert: int  # 0 missed, 1 at risk, 2 stale, 3 no data, 4 met: the sort order

    @property
    def has_target(self) -> bool:
        return self.kpi.target is not None


def kpi_figure(item: AssessedKpi, review_every: ReviewPolicy | None) -> KpiFigure:
    kpi, assessment = item.kpi, item.assessment
    target = format_number(kpi.target, kpi.unit)
    if kpi.target is not None and kpi.direction == "lower":
        target += " or lower"
    as_of = assessment.as_of.isoformat() if assessment.as_of else ""
    stale_text = ""
    if assessment.stale and assessment.due is not None:
        stale_text = (
            f"Stale: {'its data ends' if assessment.computed else 'measured'} {as_of}, more than "
            f"{review_every} (the map's review cadence) before the build; fresh until "
            f"{assessment.due.isoformat()}"
        )
    provenance = ""
    if kpi.provenance is not None:
        found = kpi.provenance
        latest = f", latest event {_utc(found.as_of)}" if found.as_of else ""
        provenance = (
            f"{count(found.rows)} rows of {found.file} (source {found.source}){latest}; "
            f"SHA-256 {found.sha256}"
        )
        origin = f"{found.source} data"
    elif kpi.metric:
        origin = "no data"
    else:
        href = http_url(kpi.source)
        origin = (
            (urlsplit(href).hostname or href)
            if href
            else kpi.source or ("written by hand" if kpi.actual is not None else "")
        )
    return KpiFigure(
        kpi=kpi,
        stage=item.stage.name,
        status=assessment.status,
        words=STATUS_WORDS[assessment.status],
        target_text=target,
        actual_text=format_number(kpi.actual, kpi.unit),
        stale=assessment.stale,
        as_of=as_of,
        stale_text=stale_text,
        computed=assessment.computed,
        origin=origin,
        source_href=None if kpi.metric else http_url(kpi.source),
        provenance=provenance,
        window=_window(kpi),
        alert=assessment.alert,
    )


def _window(kpi: Kpi) -> str:
    if kpi.since and kpi.until:
        return f"{kpi.since.isoformat()} to {kpi.until.isoformat()}"
    if kpi.since:
        return f"since {kpi.since.isoformat()}"
    if kpi.until:
        return f"until {kpi.until.isoformat()}"
    return ""


@dataclass(frozen=True)
class StatusCount:
    status: str
    words: str
    count: int


def status_counts(
    figures: Iterable[KpiFigure], *, keep_empty: bool = False
) -> tuple[StatusCount, ...]:
    """How many KPIs have each status, the worst first (statuses nobody has left out)."""
    found = [figure.status for figure in figures]
    return tuple(
        StatusCount(status, STATUS_WORDS[status], found.count(status))
        for status in STATUS_ORDER
        if keep_empty or status in found
    )


@dataclass(frozen=True)
class KpiSummary:
    """The compact block near the top of a map: every KPI, the worst first."""

    rows: tuple[KpiFigure, ...]
    counts: tuple[StatusCount, ...]
    stale: int

    def __bool__(self) -> bool:
        return bool(self.rows)


def kpi_summary(journey_map: JourneyMap, kpis: Sequence[AssessedKpi]) -> KpiSummary:
    rows = tuple(kpi_figure(item, journey_map.review_every) for item in worst_first(tuple(kpis)))
    return KpiSummary(rows, status_counts(rows), sum(row.stale for row in rows))


# --- the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    figure: KpiFigure
    map_id: str
    map_title: str
    map_url: str  # relative to the dashboard, with the map's anchor
    persona: str
    owner: str
    stage_order: int  # the stage's place in the site's stages, for sorting
    order: int  # the row's place in the default order (worst first)
    trend_slot: str | None  # a sparkline slot, on sites with earlier versions


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str


@dataclass(frozen=True)
class DashboardFilter:
    key: str  # the row's data attribute: map, persona, stage, status, owner
    label: str
    options: tuple[FilterOption, ...]


@dataclass(frozen=True)
class Dashboard:
    rows: tuple[DashboardRow, ...]
    counts: tuple[StatusCount, ...]
    stale: int
    filters: tuple[DashboardFilter, ...]
    has_trends: bool
    maps: int


def dashboard(rows: Sequence[DashboardRow]) -> Dashboard:
    """Every KPI of the site, missed, at risk and stale figures first."""
    ordered = sorted(
        rows,
        key=lambda r: (r.figure.alert, r.map_title.lower(), r.stage_order, r.figure.kpi.name),
    )
    numbered = tuple(
        DashboardRow(
            r.figure,
            r.map_id,
            r.map_title,
            r.map_url,
            r.persona,
            r.owner,
            r.stage_order,
            number,
            r.trend_slot,
        )
        for number, r in enumerate(ordered)
    )

    def options(values: Iterable[tuple[str, str]]) -> tuple[FilterOption, ...]:
        unique = dict(values)
        return tuple(
            FilterOption(v, label)
            for v, label in sorted(unique.items(), key=lambda i: i[1].lower())
        )

    stage_names = sorted({(r.stage_order, r.figure.stage) for r in numbered})
    filters = (
        DashboardFilter("map", "Map", options((r.map_id, r.map_title) for r in numbered)),
        DashboardFilter(
            "persona", "Persona", options((r.persona, r.persona) for r in numbered if r.persona)
        ),
        DashboardFilter(
            "stage",
            "Stage",
            tuple(FilterOption(name, name) for _, name in dict.fromkeys(stage_names)),
        ),
        DashboardFilter(
            "status",
            "Status",
            (
                *(
                    FilterOption(status, STATUS_WORDS[status])
                    for status in STATUS_ORDER
                    if any(r.figure.status == status for r in numbered)
                ),
                *(
                    (FilterOption("stale", "stale"),)
                    if any(r.figure.stale for r in numbered)
                    else ()
                ),
            ),
        ),
        DashboardFilter("owner", "Owner", options((r.owner, r.owner) for r in numbered if r.owner)),
    )
    return Dashboard(
        rows=numbered,
        counts=status_counts(r.figure for r in numbered),
        stale=sum(r.figure.stale for r in numbered),
        filters=filters,
        has_trends=any(r.trend_slot for r in numbered),
        maps=len({r.map_id for r in numbered}),
    )
