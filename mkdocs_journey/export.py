"""``journeys.json``: every map as data, the site's public machine-readable export.

Shape (version 1, stable): ``{"version": 1, "generated": "YYYY-MM-DD", "maps": [...]}``. Every
record is written from the explicit mapping below, one function per model object, keys in the
order they appear in the file. A field added to the model therefore never reaches the export by
accident: it appears only once a line here says so, with its key documented in ``docs/format.md``
and in the published schema ``mkdocs_journey/schema/journeys.schema.json``.

Values are written as the author wrote them (numbers stay ``int`` or ``float``), with the
defaults of the model for keys that were not written; source positions never appear.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from functools import partial
from importlib import resources
from typing import Any, Protocol

from mkdocs_journey import finite_json
from mkdocs_journey.analytics.evidence_coverage import EvidenceCoverage, Share
from mkdocs_journey.analytics.feelings import FeelingFinding
from mkdocs_journey.analytics.kpi_status import KpiAssessment, assess
from mkdocs_journey.analytics.moment_words import describe, feeling_sentence
from mkdocs_journey.analytics.moments import MomentOfTruth
from mkdocs_journey.model import (
    DataProvenance,
    DiagramOptions,
    Emotion,
    Evidence,
    FlowEdge,
    JourneyMap,
    Kpi,
    Opportunity,
    PainPoint,
    Persona,
    ReviewPolicy,
    Stage,
    Touchpoint,
)

EXPORT_VERSION = 1

#: Where the published JSON Schema of the export lives inside the package.
SCHEMA_RESOURCE = "schema/journeys.schema.json"

JsonObject = dict[str, Any]


class TrendPoint(Protocol):
    """One published version's value of a KPI (see mkdocs_journey.changes.trends)."""

    @property
    def version(self) -> str: ...
    @property
    def generated(self) -> str | None: ...
    @property
    def target(self) -> float | None: ...
    @property
    def actual(self) -> float | None: ...


#: A KPI's values across published versions, by stage name and KPI name; None: no series.
KpiTrendLookup = Callable[[str, str], Sequence[TrendPoint] | None]


def export_schema() -> JsonObject:
    """The JSON Schema of ``journeys.json`` (format version 1), as shipped in the package."""
    text = resources.files("mkdocs_journey").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: JsonObject = json.loads(text)
    return schema


def map_record(
    journey_map: JourneyMap,
    *,
    url: str,
    today: dt.date,
    analytics: JsonObject | None = None,
    kpi_trend: KpiTrendLookup | None = None,
    moments: Sequence[MomentOfTruth] | None = None,
    feelings: Sequence[FeelingFinding] | None = None,
    coverage: EvidenceCoverage | None = None,
) -> JsonObject:
    """One entry of ``maps``: the map as written, plus where it is and its review status.

    ``kpi_trend`` gives the values of a KPI in earlier published versions (sites built with
    mike); a KPI that has them carries them under ``trend``. ``moments``, ``feelings`` and
    ``coverage`` (what the map and its data say: moments of truth, feelings vs behaviour,
    evidence coverage) are written when given, as a build gives them.
    """
    due = journey_map.review_due()
    judge = KpiJudge(journey_map.review_every, today)
    record: JsonObject = {
        "id": journey_map.id,
        "title": journey_map.title,
        "persona": persona_record(journey_map.persona) if journey_map.persona else None,
        "stages": [stage_record(stage, kpi_trend, judge) for stage in journey_map.stages],
        "objective": journey_map.objective,
        "owner": journey_map.owner,
        "reviewed": _date(journey_map.reviewed),
        "review_every": str(journey_map.review_every) if journey_map.review_every else None,
        "tags": list(journey_map.tags),
        "flow": [flow_record(edge) for edge in journey_map.flow],
        "diagram": diagram_record(journey_map.diagram),
        "layout": journey_map.layout,
        "data": journey_map.data,
        "page": journey_map.page,
        "url": url,
        "review_due": _date(due),
        "stale": journey_map.is_stale(today),
    }
    if moments is not None:
        record["moments"] = [moment_record(moment, journey_map) for moment in moments]
    if feelings is not None:
        record["feelings_vs_behaviour"] = [feeling_record(finding) for finding in feelings]
    if coverage is not None:
        record["evidence_coverage"] = coverage_record(coverage)
    if analytics is not None:
        record["analytics"] = analytics
    return record


class KpiJudge:
    """A KPI's status and freshness on the build's day, by the map's review cadence."""

    def __init__(self, review_every: ReviewPolicy | None, today: dt.date) -> None:
        self.review_every = review_every
        self.today = today

    def __call__(self, kpi: Kpi) -> KpiAssessment:
        return assess(kpi, self.review_every, self.today)


def persona_record(persona: Persona) -> JsonObject:
    return {
        "id": persona.id,
        "name": persona.name,
        "role": persona.role,
        "goal": persona.goal,
        "challenges": list(persona.challenges),
        "information_sources": list(persona.information_sources),
        "quote": persona.quote,
    }


def stage_record(
    stage: Stage, kpi_trend: KpiTrendLookup | None = None, judge: KpiJudge | None = None
) -> JsonObject:
    return {
        "name": stage.name,
        "goal": stage.goal,
        "actions": list(stage.actions),
        "touchpoints": [touchpoint_record(tp) for tp in stage.touchpoints],
        "emotion": emotion_record(stage.emotion) if stage.emotion else None,
        "pain_points": [pain_point_record(pain) for pain in stage.pain_points],
        "opportunities": [opportunity_record(o) for o in stage.opportunities],
        "kpis": [
            kpi_record(
                kpi,
                kpi_trend(stage.name, kpi.name) if kpi_trend else None,
                judge(kpi) if judge else None,
            )
            for kpi in stage.kpis
        ],
        "evidence": _evidence(stage.evidence),
        "moment_of_truth": _moment_flag(stage),
    }


def touchpoint_record(touchpoint: Touchpoint) -> JsonObject:
    return {
        "id": touchpoint.id,
        "name": touchpoint.name,
        "channel": touchpoint.channel,
        "actions": list(touchpoint.actions),
        "emotions": list(touchpoint.emotions),
        "evidence": _evidence(touchpoint.evidence),
        "moment_of_truth": _moment_flag(touchpoint),
    }


def emotion_record(emotion: Emotion) -> JsonObject:
    return {"score": emotion.score, "label": emotion.label, "thoughts": list(emotion.thoughts)}


def pain_point_record(pain: PainPoint) -> JsonObject:
    return {
        "id": pain.id,
        "text": pain.text,
        "causes": list(pain.causes),
        "severity": pain.severity,
        "touchpoint": pain.touchpoint,
        "evidence": _evidence(pain.evidence),
    }


def opportunity_record(opportunity: Opportunity) -> JsonObject:
    return {
        "text": opportunity.text,
        "addresses": opportunity.addresses,
        "owner": opportunity.owner,
        "status": opportunity.status,
    }


def kpi_record(
    kpi: Kpi,
    trend: Sequence[TrendPoint] | None = None,
    assessment: KpiAssessment | None = None,
) -> JsonObject:
    """A KPI as written (``actual`` computed for a ``metric``), with its status and, for a
    computed actual, where it comes from (``provenance``)."""
    assessment = assessment or assess(kpi, None, dt.date.min)
    record: JsonObject = {
        "name": kpi.name,
        "target": kpi.target,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "actual": kpi.actual,
        "metric": kpi.metric,
        "evidence": _evidence(kpi.evidence),
        "at_risk_within": _tolerance(kpi),
        "as_of": _date(kpi.as_of),
        "source": kpi.source,
        "since": _date(kpi.since),
        "until": _date(kpi.until),
        "status": assessment.status,
        "stale": assessment.stale,
        "fresh_until": _date(assessment.due),
        "provenance": provenance_record(kpi.provenance) if kpi.provenance else None,
    }
    if trend:
        record["trend"] = [trend_record(point) for point in trend]
    return record


def provenance_record(provenance: DataProvenance) -> JsonObject:
    return {
        "source": provenance.source,
        "file": provenance.file,
        "sha256": provenance.sha256,
        "rows": provenance.rows,
        "as_of": (provenance.as_of.strftime("%Y-%m-%dT%H:%M:%SZ") if provenance.as_of else None),
        "since": _date(provenance.since),
        "until": _date(provenance.until),
    }


def moment_record(moment: MomentOfTruth, journey_map: JourneyMap) -> JsonObject:
    words = describe(moment, journey_map)
    return {
        "kind": moment.kind,
        "title": words.title,
        "origin": moment.origin,
        "stage": moment.stage,
        "next_stage": moment.next_stage,
        "touchpoint": moment.touchpoint,
        "pain_point": moment.pain_point,
        "value": _round(moment.value),
        "numbers": {name: _round(number) for name, number in moment.numbers},
        "figure": words.figure,
        "reason": words.reason,
    }


def feeling_record(finding: FeelingFinding) -> JsonObject:
    stage = finding.behaviour
    return {
        "kind": finding.kind,
        "stage": stage.stage,
        "next_stage": stage.next_stage,
        "emotion_score": stage.score,
        "leads": stage.leads,
        "reached_next": stage.reached_next,
        "going_on": _round(stage.going_on),
        "drop_off": _round(stage.drop_off),
        "rank": finding.rank,
        "compared": finding.compared,
        "text": feeling_sentence(finding),
    }


def coverage_record(coverage: EvidenceCoverage) -> JsonObject:
    return {
        "touchpoints": _share(coverage.touchpoints),
        "pain_points": _share(coverage.pain_points),
        "kpis": _share(coverage.kpis),
        "touchpoints_with_events": (
            _share(coverage.touchpoints_with_events)
            if coverage.touchpoints_with_events is not None
            else None
        ),
    }


def _share(share: Share) -> JsonObject:
    return {"covered": share.covered, "total": share.total, "share": _round(share.share)}


def _round(value: float | None) -> float | None:
    """Shares and figures to 6 decimals, as the analytics write theirs."""
    return None if value is None else round(value, 6)


def _tolerance(kpi: Kpi) -> str | float | None:
    """``"10%"`` for a share of the target, a number for an amount, as the author wrote it."""
    if kpi.at_risk_within is None:
        return None
    if kpi.at_risk_within.relative:
        return str(kpi.at_risk_within)
    return kpi.at_risk_within.amount


def _moment_flag(item: Stage | Touchpoint) -> JsonObject | None:
    flag = item.moment_of_truth
    return None if flag is None else {"reason": flag.reason}


def trend_record(point: TrendPoint) -> JsonObject:
    return {
        "version": point.version,
        "generated": point.generated,
        "target": point.target,
        "actual": point.actual,
    }


def evidence_record(evidence: Evidence) -> JsonObject:
    return {"type": evidence.type, "source": evidence.source, "note": evidence.note}


def flow_record(edge: FlowEdge) -> JsonObject:
    return {"source": edge.source, "target": edge.target, "label": edge.label}


def diagram_record(diagram: DiagramOptions) -> JsonObject:
    return {"enabled": diagram.enabled, "direction": diagram.direction, "layout": diagram.layout}


def export_document(records: list[JsonObject], today: dt.date) -> JsonObject:
    return {"version": EXPORT_VERSION, "generated": today.isoformat(), "maps": records}


def document_text(
    document: JsonObject, what: str, kept: Callable[[JsonObject, Callable[[], str]], str]
) -> str:
    """``document`` as ``json.dumps(document, indent=2, ensure_ascii=False)`` writes it, each
    map's record written once: ``kept(record, make)`` gives the text ``make()`` wrote for that
    very record object before (a memo; the site hands out a map's record object again while
    the map and its data are unchanged), so a rebuild writes only the changed maps' records."""
    head = {key: value for key, value in document.items() if key != "maps"}

    try:
        # A record is an item of the "maps" list, two levels in.
        texts = [
            kept(record, partial(finite_json.indented, record, 2)) for record in document["maps"]
        ]
    except ValueError:  # a NaN or infinity: the plain path names where it is
        return finite_json.dumps(document, what, indent=2, ensure_ascii=False)
    # "maps" is the document's last key (export_document). The parts are joined once: on a
    # big site the document is megabytes, and every concatenation would copy all of it.
    head_text = finite_json.indented(head)
    maps = ["[\n    ", ",\n    ".join(texts), "\n  ]"] if texts else ["[]"]
    return "".join([head_text.removesuffix("\n}"), ',\n  "maps": ', *maps, "\n}"])


def _evidence(items: tuple[Evidence, ...]) -> list[JsonObject]:
    return [evidence_record(item) for item in items]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
