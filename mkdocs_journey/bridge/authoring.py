"""A map back in the form an author writes it (the YAML of a ``journey`` block).

The inverse of :mod:`mkdocs_journey.parsing.build`: keys in the documented order, defaults and
empty values left out, a persona named by id written as that id, generated pain point ids left
out. Parsing the result gives the same map.
"""

from __future__ import annotations

from typing import Any

from mkdocs_journey.model import (
    DiagramOptions,
    Evidence,
    JourneyMap,
    MomentFlag,
    Persona,
    Stage,
    Tolerance,
)
from mkdocs_journey.parsing.build import generated_pain_id


def authoring_data(journey_map: JourneyMap, persona_ref: str | None = None) -> dict[str, Any]:
    m = journey_map
    data: dict[str, Any] = {"id": m.id, "title": m.title}
    if persona_ref:
        data["persona"] = persona_ref
    elif m.persona is not None:
        data["persona"] = _persona(m.persona)
    _put(data, "objective", m.objective)
    _put(data, "owner", m.owner)
    _put(data, "reviewed", m.reviewed)
    _put(data, "review_every", str(m.review_every) if m.review_every else None)
    _put(data, "tags", list(m.tags))
    _put(data, "data", m.data)
    diagram = _diagram(m.diagram)
    if diagram is not None:
        data["diagram"] = diagram
    _put(
        data,
        "flow",
        [
            {"from": e.source, "to": e.target, **({"label": e.label} if e.label else {})}
            for e in m.flow
        ],
    )
    data["stages"] = [_stage(stage) for stage in m.stages]
    return data


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        data[key] = value


def _persona(persona: Persona) -> dict[str, Any]:
    data: dict[str, Any] = {"id": persona.id, "name": persona.name}
    _put(data, "role", persona.role)
    _put(data, "goal", persona.goal)
    _put(data, "challenges", list(persona.challenges))
    _put(data, "information_sources", list(persona.information_sources))
    _put(data, "quote", persona.quote)
    return data


def _diagram(diagram: DiagramOptions) -> Any:
    default = DiagramOptions()
    if diagram == default:
        return None
    if not diagram.enabled and (diagram.direction, diagram.layout) == (
        default.direction,
        default.layout,
    ):
        return False
    found: dict[str, Any] = {}
    if not diagram.enabled:
        found["enabled"] = False
    if diagram.direction != default.direction:
        found["direction"] = diagram.direction
    if diagram.layout != default.layout:
        found["layout"] = diagram.layout
    return found


def _evidence(items: tuple[Evidence, ...]) -> list[dict[str, str]]:
    return [
        {"type": e.type, "source": e.source, **({"note": e.note} if e.note else {})} for e in items
    ]


def _stage(stage: Stage) -> dict[str, Any]:
    data: dict[str, Any] = {"name": stage.name}
    _put(data, "goal", stage.goal)
    _put(data, "actions", list(stage.actions))
    touchpoints = []
    for tp in stage.touchpoints:
        item: dict[str, Any] = {"id": tp.id, "name": tp.name}
        _put(item, "channel", tp.channel)
        _put(item, "actions", list(tp.actions))
        _put(item, "emotions", list(tp.emotions))
        _put(item, "evidence", _evidence(tp.evidence))
        _put(item, "moment_of_truth", _moment(tp.moment_of_truth))
        touchpoints.append(item)
    _put(data, "touchpoints", touchpoints)
    if stage.emotion is not None:
        emotion: dict[str, Any] = {"score": stage.emotion.score}
        _put(emotion, "label", stage.emotion.label)
        _put(emotion, "thoughts", list(stage.emotion.thoughts))
        data["emotion"] = emotion
    pains = []
    for number, pain in enumerate(stage.pain_points, start=1):
        item = {} if pain.id == generated_pain_id(stage.name, number) else {"id": pain.id}
        item["text"] = pain.text
        _put(item, "causes", list(pain.causes))
        item["severity"] = pain.severity
        _put(item, "touchpoint", pain.touchpoint)
        _put(item, "evidence", _evidence(pain.evidence))
        pains.append(item)
    _put(data, "pain_points", pains)
    opportunities = []
    for o in stage.opportunities:
        item = {"text": o.text}
        _put(item, "addresses", o.addresses)
        _put(item, "owner", o.owner)
        item["status"] = o.status
        opportunities.append(item)
    _put(data, "opportunities", opportunities)
    kpis = []
    for kpi in stage.kpis:
        item = {"name": kpi.name}
        _put(item, "target", kpi.target)
        _put(item, "unit", kpi.unit)
        if kpi.direction != "higher":
            item["direction"] = kpi.direction
        _put(item, "actual", kpi.actual)
        _put(item, "metric", kpi.metric)
        _put(item, "at_risk_within", _tolerance(kpi.at_risk_within))
        _put(item, "as_of", kpi.as_of)
        _put(item, "source", kpi.source)
        _put(item, "since", kpi.since)
        _put(item, "until", kpi.until)
        _put(item, "evidence", _evidence(kpi.evidence))
        kpis.append(item)
    _put(data, "kpis", kpis)
    _put(data, "evidence", _evidence(stage.evidence))
    _put(data, "moment_of_truth", _moment(stage.moment_of_truth))
    return data


def _moment(flag: MomentFlag | None) -> str | bool | None:
    """``moment_of_truth`` as written: its reason, or true without one."""
    if flag is None:
        return None
    return flag.reason or True


def _tolerance(tolerance: Tolerance | None) -> str | float | int | None:
    if tolerance is None:
        return None
    if tolerance.relative:
        return str(tolerance)
    amount = tolerance.amount
    return int(amount) if amount.is_integer() else amount
