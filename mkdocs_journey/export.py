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
from importlib import resources
from typing import Any, Protocol

from mkdocs_journey.model import (
    DiagramOptions,
    Emotion,
    Evidence,
    FlowEdge,
    JourneyMap,
    Kpi,
    Opportunity,
    PainPoint,
    Persona,
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
) -> JsonObject:
    """One entry of ``maps``: the map as written, plus where it is and its review status.

    ``kpi_trend`` gives the values of a KPI in earlier published versions (sites built with
    mike); a KPI that has them carries them under ``trend``.
    """
    due = journey_map.review_due()
    record: JsonObject = {
        "id": journey_map.id,
        "title": journey_map.title,
        "persona": persona_record(journey_map.persona) if journey_map.persona else None,
        "stages": [stage_record(stage, kpi_trend) for stage in journey_map.stages],
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
    if analytics is not None:
        record["analytics"] = analytics
    return record


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


def stage_record(stage: Stage, kpi_trend: KpiTrendLookup | None = None) -> JsonObject:
    return {
        "name": stage.name,
        "goal": stage.goal,
        "actions": list(stage.actions),
        "touchpoints": [touchpoint_record(tp) for tp in stage.touchpoints],
        "emotion": emotion_record(stage.emotion) if stage.emotion else None,
        "pain_points": [pain_point_record(pain) for pain in stage.pain_points],
        "opportunities": [opportunity_record(o) for o in stage.opportunities],
        "kpis": [
            kpi_record(kpi, kpi_trend(stage.name, kpi.name) if kpi_trend else None)
            for kpi in stage.kpis
        ],
        "evidence": _evidence(stage.evidence),
    }


def touchpoint_record(touchpoint: Touchpoint) -> JsonObject:
    return {
        "id": touchpoint.id,
        "name": touchpoint.name,
        "channel": touchpoint.channel,
        "actions": list(touchpoint.actions),
        "emotions": list(touchpoint.emotions),
        "evidence": _evidence(touchpoint.evidence),
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


def kpi_record(kpi: Kpi, trend: Sequence[TrendPoint] | None = None) -> JsonObject:
    record: JsonObject = {
        "name": kpi.name,
        "target": kpi.target,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "actual": kpi.actual,
        "metric": kpi.metric,
        "evidence": _evidence(kpi.evidence),
    }
    if trend:
        record["trend"] = [trend_record(point) for point in trend]
    return record


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


def _evidence(items: tuple[Evidence, ...]) -> list[JsonObject]:
    return [evidence_record(item) for item in items]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
