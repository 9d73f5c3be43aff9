"""The journey-map model: plain frozen dataclasses, free of MkDocs.

Every object that an author wrote carries a :class:`SourcePosition` so that any later step
(validation, analytics, rendering) can point back at the page, line and column it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

#: The stages a map uses when the site configures none.
DEFAULT_STAGES: tuple[str, ...] = (
    "Awareness",
    "Consideration",
    "Decision",
    "Retention",
    "Advocacy",
)

OPPORTUNITY_STATUSES: tuple[str, ...] = ("idea", "planned", "in progress", "done", "dropped")

#: How a map's page is laid out: "wide" takes the whole window (navigation and table of contents
#: move to a drawer), "normal" keeps the theme's reading column.
LAYOUTS: tuple[str, ...] = ("wide", "normal")


@dataclass(frozen=True)
class SourcePosition:
    """Where something was written: a page (docs-relative path), a 1-based line and column."""

    page: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.page}:{self.line}:{self.column}"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    #: Worth knowing, never a failure (e.g. where feelings and behaviour disagree).
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """Something wrong in an author's input, with where it is and what was expected."""

    message: str
    position: SourcePosition
    severity: Severity = Severity.ERROR
    hint: str | None = None  # e.g. "did you mean 'touchpoints'?"

    def __str__(self) -> str:
        text = f"{self.position}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class Evidence:
    type: str
    source: str
    note: str = ""
    position: SourcePosition | None = None


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    role: str = ""
    goal: str = ""
    challenges: tuple[str, ...] = ()
    information_sources: tuple[str, ...] = ()
    quote: str = ""
    position: SourcePosition | None = None


@dataclass(frozen=True)
class MomentFlag:
    """An author's mark: this stage or touchpoint is a moment of truth, and why."""

    reason: str = ""
    position: SourcePosition | None = None


@dataclass(frozen=True)
class Touchpoint:
    id: str
    name: str
    channel: str = ""
    actions: tuple[str, ...] = ()
    emotions: tuple[str, ...] = ()  # the emotions this touchpoint tends to cause
    evidence: tuple[Evidence, ...] = ()
    position: SourcePosition | None = None
    moment_of_truth: MomentFlag | None = None  # flagged by the author


@dataclass(frozen=True)
class Emotion:
    score: int  # -2 (very negative) .. +2 (very positive)
    label: str = ""
    thoughts: tuple[str, ...] = ()
    position: SourcePosition | None = None


@dataclass(frozen=True)
class PainPoint:
    id: str
    text: str
    causes: tuple[str, ...] = ()  # the processes that lead to the pain
    severity: int = 3  # 1 (minor) .. 5 (critical)
    touchpoint: str | None = None  # id of the touchpoint where it is felt, if any
    evidence: tuple[Evidence, ...] = ()
    position: SourcePosition | None = None


@dataclass(frozen=True)
class Opportunity:
    text: str
    addresses: str | None = None  # id of the pain point it fixes
    owner: str = ""
    status: str = "idea"
    position: SourcePosition | None = None


@dataclass(frozen=True)
class Tolerance:
    """How far on the wrong side of its target a KPI is "at risk" rather than missed: a share of
    the target (``10%``, ``relative``) or an amount in the KPI's unit (``0.5``)."""

    amount: float
    relative: bool = False

    def band(self, target: float) -> float:
        return abs(target) * self.amount / 100 if self.relative else self.amount

    def __str__(self) -> str:
        text = f"{self.amount:g}"
        return f"{text}%" if self.relative else text


@dataclass(frozen=True)
class DataProvenance:
    """Where a figure computed from data comes from, so that it can be reproduced from the exact
    file: the source, its file, the file's SHA-256, the rows the figure used and the time of the
    latest event among them (UTC), within the KPI's date window if it has one."""

    source: str
    file: str
    sha256: str
    rows: int
    as_of: dt.datetime | None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Kpi:
    name: str
    target: float | None = None
    unit: str = ""
    direction: str = "higher"  # "higher" or "lower" is better
    actual: float | None = None
    metric: str | None = None  # a metric computed from attribution data (filled by analytics)
    evidence: tuple[Evidence, ...] = ()
    position: SourcePosition | None = None
    at_risk_within: Tolerance | None = None
    as_of: dt.date | None = None  # when a hand-written actual was measured
    source: str = ""  # where a hand-written actual comes from: text or a URL
    since: dt.date | None = None  # a metric's date window (both ends included)
    until: dt.date | None = None
    provenance: DataProvenance | None = None  # filled by analytics for a metric's actual

    @property
    def met(self) -> bool | None:
        """Whether the actual value meets the target, or None when either is unknown."""
        if self.target is None or self.actual is None:
            return None
        if self.direction == "lower":
            return self.actual <= self.target
        return self.actual >= self.target


@dataclass(frozen=True)
class Stage:
    name: str
    goal: str = ""
    actions: tuple[str, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    emotion: Emotion | None = None
    pain_points: tuple[PainPoint, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    position: SourcePosition | None = None
    moment_of_truth: MomentFlag | None = None  # flagged by the author


@dataclass(frozen=True)
class FlowEdge:
    """A step of the journey between two stages or touchpoints (ids or stage names)."""

    source: str
    target: str
    label: str = ""
    position: SourcePosition | None = None


@dataclass(frozen=True)
class DiagramOptions:
    enabled: bool = True
    #: Graphviz rankdir: LR, TB, RL, BT, or "auto": LR, turning TB when LR is too wide to read.
    direction: str = "auto"
    #: "stages": one column (LR, RL) or row (TB, BT) per stage, its touchpoints stacked in it;
    #: "chain": every touchpoint one step further, in a single long line.
    layout: str = "stages"


@dataclass(frozen=True)
class ReviewPolicy:
    """How often a map must be reviewed, e.g. ``6 months``."""

    amount: int
    unit: str  # "days", "weeks", "months" or "years"

    def due(self, reviewed: dt.date) -> dt.date:
        if self.unit == "days":
            return reviewed + dt.timedelta(days=self.amount)
        if self.unit == "weeks":
            return reviewed + dt.timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "years" else 1)
        year, month = divmod(reviewed.month - 1 + months, 12)
        year += reviewed.year
        # Clamp the day so that e.g. 31 August + 6 months is the last day of February.
        for day in range(reviewed.day, 27, -1):
            try:
                return dt.date(year, month + 1, day)
            except ValueError:
                continue
        return dt.date(year, month + 1, min(reviewed.day, 28))

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


@dataclass(frozen=True)
class JourneyMap:
    id: str
    title: str
    persona: Persona | None
    stages: tuple[Stage, ...]
    objective: str = ""
    owner: str = ""
    reviewed: dt.date | None = None
    review_every: ReviewPolicy | None = None
    tags: tuple[str, ...] = ()
    flow: tuple[FlowEdge, ...] = ()  # empty: stages follow one another in order
    diagram: DiagramOptions = field(default_factory=DiagramOptions)
    data: str | None = None  # name of a data source declared in the site config
    layout: str | None = None  # "wide" or "normal"; None: the site's `layout` option
    position: SourcePosition | None = None

    @property
    def page(self) -> str:
        return self.position.page if self.position else ""

    def review_due(self) -> dt.date | None:
        if self.reviewed is None or self.review_every is None:
            return None
        return self.review_every.due(self.reviewed)

    def is_stale(self, today: dt.date) -> bool:
        due = self.review_due()
        return due is not None and due < today

    def touchpoints(self) -> tuple[tuple[Stage, Touchpoint], ...]:
        return tuple((stage, tp) for stage in self.stages for tp in stage.touchpoints)

    def pain_points(self) -> tuple[tuple[Stage, PainPoint], ...]:
        return tuple((stage, pp) for stage in self.stages for pp in stage.pain_points)
