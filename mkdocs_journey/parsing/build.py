"""Schema-valid map data -> model objects, with the checks a schema cannot express.

Those checks are references inside a map (stage names, pain points an opportunity addresses,
touchpoints a pain point or a flow edge names) and duplicate ids. References that cross pages
(personas, map ids, data sources) are checked later by the catalogue, once every page is read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from mkdocs_journey.model import (
    DiagramOptions,
    Emotion,
    Evidence,
    FlowEdge,
    JourneyMap,
    Kpi,
    MomentFlag,
    Opportunity,
    PainPoint,
    Persona,
    Problem,
    ReviewPolicy,
    SourcePosition,
    Stage,
    Tolerance,
    Touchpoint,
)
from mkdocs_journey.parsing.metrics import MetricProblem, map_problems, parse_metric
from mkdocs_journey.parsing.yaml_source import Path, PositionIndex
from mkdocs_journey.suggest import did_you_mean

# Other names teams use for the default stages, so a near-miss still gets a useful hint.
STAGE_SYNONYMS = {
    "purchase": "Decision",
    "buy": "Decision",
    "conversion": "Decision",
    "onboarding": "Retention",
    "loyalty": "Retention",
    "discovery": "Awareness",
    "research": "Consideration",
    "evaluation": "Consideration",
    "referral": "Advocacy",
}

_PERIOD = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$")


@dataclass
class _Builder:
    index: PositionIndex
    stages: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)
    channel_refs: list[ChannelRef] = field(default_factory=list)

    def at(self, path: Path) -> SourcePosition:
        return self.index.of_value(path)

    def error(self, message: str, path: Path, hint: str | None = None) -> None:
        self.problems.append(Problem(message, self.at(path), hint=hint))


@dataclass(frozen=True)
class ChannelRef:
    """A channel a KPI's metric names, to be checked once the site's channels are known."""

    channel: str
    position: SourcePosition
    metric: str = ""  # the metric as written
    kpi: str = ""  # the KPI's name


@dataclass(frozen=True)
class BuiltMap:
    journey_map: JourneyMap
    persona_ref: str | None  # a persona named by id, to be resolved across the site
    problems: list[Problem]
    channel_refs: tuple[ChannelRef, ...] = ()


def build_map(data: dict[str, Any], index: PositionIndex, stages: tuple[str, ...]) -> BuiltMap:
    """Build a :class:`JourneyMap` from data that already passed the schema."""
    builder = _Builder(index, stages)
    persona, persona_ref = None, None
    raw_persona = data.get("persona")
    if isinstance(raw_persona, dict):
        persona = _persona(raw_persona, builder.at(("persona",)))
    elif isinstance(raw_persona, str):
        persona_ref = raw_persona
    built_stages = _stages(data["stages"], builder)
    journey_map = JourneyMap(
        id=data["id"],
        title=data["title"],
        persona=persona,
        stages=built_stages,
        objective=data.get("objective", ""),
        owner=data.get("owner", ""),
        reviewed=_date(data.get("reviewed")),
        review_every=_period(data.get("review_every")),
        tags=tuple(data.get("tags", ())),
        flow=_flow(data.get("flow", ()), built_stages, builder),
        diagram=_diagram(data.get("diagram", True)),
        data=data.get("data"),
        layout=data.get("layout"),
        position=index.origin,
    )
    return BuiltMap(journey_map, persona_ref, builder.problems, tuple(builder.channel_refs))


def _persona(raw: dict[str, Any], position: SourcePosition) -> Persona:
    return Persona(
        id=raw["id"],
        name=raw["name"],
        role=raw.get("role", ""),
        goal=raw.get("goal", ""),
        challenges=tuple(raw.get("challenges", ())),
        information_sources=tuple(raw.get("information_sources", ())),
        quote=raw.get("quote", ""),
        position=position,
    )


def _stages(raw_stages: list[dict[str, Any]], builder: _Builder) -> tuple[Stage, ...]:
    order = {name: number for number, name in enumerate(builder.stages)}
    seen: set[str] = set()
    touchpoint_ids: set[str] = set()
    pain_ids: set[str] = set()
    built: list[Stage] = []
    for number, raw in enumerate(raw_stages):
        path: Path = ("stages", number)
        name = raw["name"]
        if name not in order:
            builder.error(
                f"unknown stage '{name}'",
                (*path, "name"),
                hint=did_you_mean(name, builder.stages)
                or _synonym_hint(name, builder.stages)
                or f"expected one of the site's stages: {', '.join(builder.stages)}",
            )
            continue
        if name in seen:
            builder.error(f"stage '{name}' appears twice in this map", (*path, "name"))
            continue
        seen.add(name)
        built.append(_stage(raw, path, builder, touchpoint_ids, pain_ids))
    built.sort(key=lambda stage: order[stage.name])
    _check_references(raw_stages, built, builder, touchpoint_ids, pain_ids)
    return tuple(built)


def _stage(
    raw: dict[str, Any],
    path: Path,
    builder: _Builder,
    touchpoint_ids: set[str],
    pain_ids: set[str],
) -> Stage:
    touchpoints = []
    for number, item in enumerate(raw.get("touchpoints", ())):
        here = (*path, "touchpoints", number)
        if item["id"] in touchpoint_ids:
            builder.error(f"touchpoint id '{item['id']}' is used twice in this map", (*here, "id"))
        touchpoint_ids.add(item["id"])
        touchpoints.append(
            Touchpoint(
                id=item["id"],
                name=item["name"],
                channel=item.get("channel", ""),
                actions=tuple(item.get("actions", ())),
                emotions=tuple(item.get("emotions", ())),
                evidence=_evidence(item, here, builder),
                moment_of_truth=_moment(item, here, builder),
                position=builder.at(here),
            )
        )
    pain_points = []
    for number, item in enumerate(raw.get("pain_points", ())):
        here = (*path, "pain_points", number)
        pain_id = item.get("id") or generated_pain_id(raw["name"], number + 1)
        if pain_id in pain_ids:
            builder.error(f"pain point id '{pain_id}' is used twice in this map", (*here, "id"))
        pain_ids.add(pain_id)
        pain_points.append(
            PainPoint(
                id=pain_id,
                text=item["text"],
                causes=tuple(item.get("causes", ())),
                severity=item.get("severity", 3),
                touchpoint=item.get("touchpoint"),
                evidence=_evidence(item, here, builder),
                position=builder.at(here),
            )
        )
    raw_emotion = raw.get("emotion")
    emotion = (
        Emotion(
            score=raw_emotion["score"],
            label=raw_emotion.get("label", ""),
            thoughts=tuple(raw_emotion.get("thoughts", ())),
            position=builder.at((*path, "emotion")),
        )
        if raw_emotion
        else None
    )
    return Stage(
        name=raw["name"],
        goal=raw.get("goal", ""),
        actions=tuple(raw.get("actions", ())),
        touchpoints=tuple(touchpoints),
        emotion=emotion,
        pain_points=tuple(pain_points),
        opportunities=tuple(
            Opportunity(
                text=item["text"],
                addresses=item.get("addresses"),
                owner=item.get("owner", ""),
                status=item.get("status", "idea"),
                position=builder.at((*path, "opportunities", number)),
            )
            for number, item in enumerate(raw.get("opportunities", ()))
        ),
        kpis=tuple(
            _kpi(item, (*path, "kpis", number), builder)
            for number, item in enumerate(raw.get("kpis", ()))
        ),
        evidence=_evidence(raw, path, builder),
        moment_of_truth=_moment(raw, path, builder),
        position=builder.at(path),
    )


def _kpi(item: dict[str, Any], path: Path, builder: _Builder) -> Kpi:
    since, until = _date(item.get("since")), _date(item.get("until"))
    metric = item.get("metric")
    if metric is None:
        for key in ("since", "until"):
            if key in item:
                builder.error(
                    f"KPI '{item['name']}': '{key}' sets the date window of a metric, "
                    "and this KPI has no 'metric'",
                    (*path, key),
                    hint="add a metric computed from the map's data, or remove the window",
                )
    elif since is not None and until is not None and since > until:
        builder.error(
            f"KPI '{item['name']}': the window ends ({until}) before it starts ({since})",
            (*path, "until"),
        )
    if metric is not None and "as_of" in item:
        builder.error(
            f"KPI '{item['name']}': 'as_of' dates a hand-written actual; a metric's figure "
            "carries the time of the latest event of its data",
            (*path, "as_of"),
            hint="remove 'as_of', or the metric",
        )
    return Kpi(
        name=item["name"],
        target=item.get("target"),
        unit=item.get("unit", ""),
        direction=item.get("direction", "higher"),
        actual=item.get("actual"),
        metric=metric,
        evidence=_evidence(item, path, builder),
        position=builder.at(path),
        at_risk_within=_tolerance(item.get("at_risk_within")),
        as_of=_date(item.get("as_of")),
        source=item.get("source", ""),
        since=since,
        until=until,
    )


def _tolerance(raw: Any) -> Tolerance | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return Tolerance(float(raw.strip().rstrip("%")), relative=True)
    return Tolerance(float(raw))


def _moment(raw: dict[str, Any], path: Path, builder: _Builder) -> MomentFlag | None:
    """``moment_of_truth: true`` or ``moment_of_truth: <the reason>``; false or absent: none."""
    flag = raw.get("moment_of_truth")
    if flag is None or flag is False:
        return None
    reason = flag.strip() if isinstance(flag, str) else ""
    return MomentFlag(reason, builder.at((*path, "moment_of_truth")))


def _check_references(
    raw_stages: list[dict[str, Any]],
    built: list[Stage],
    builder: _Builder,
    touchpoint_ids: set[str],
    pain_ids: set[str],
) -> None:
    stage_names = [stage.name for stage in built]
    for number, raw in enumerate(raw_stages):
        path: Path = ("stages", number)
        for item_number, item in enumerate(raw.get("kpis", ())):
            if item.get("metric") is not None:
                _check_metric(
                    item, (*path, "kpis", item_number), stage_names, touchpoint_ids, builder
                )
        for item_number, item in enumerate(raw.get("pain_points", ())):
            ref = item.get("touchpoint")
            if ref and ref not in touchpoint_ids:
                builder.error(
                    f"pain point refers to unknown touchpoint '{ref}'",
                    (*path, "pain_points", item_number, "touchpoint"),
                    hint=did_you_mean(ref, touchpoint_ids),
                )
        for item_number, item in enumerate(raw.get("opportunities", ())):
            ref = item.get("addresses")
            if ref and ref not in pain_ids:
                builder.error(
                    f"opportunity addresses unknown pain point '{ref}'",
                    (*path, "opportunities", item_number, "addresses"),
                    hint=did_you_mean(ref, pain_ids)
                    or (
                        f"pain point ids in this map: {', '.join(sorted(pain_ids))}"
                        if pain_ids
                        else None
                    ),
                )


def _check_metric(
    item: dict[str, Any],
    path: Path,
    stage_names: list[str],
    touchpoint_ids: set[str],
    builder: _Builder,
) -> None:
    """The metric's form, and the stage or touchpoint it names; its channel is kept to be
    checked against the site's channels (see :class:`ChannelRef`)."""
    where = (*path, "metric")
    found = parse_metric(item["metric"])
    problems: list[MetricProblem]
    if isinstance(found, MetricProblem):
        problems = [found]
    else:
        problems = map_problems(found, stage_names, sorted(touchpoint_ids))
        if found.channel is not None:
            builder.channel_refs.append(
                ChannelRef(found.channel, builder.at(where), item["metric"], item["name"])
            )
    for problem in problems:
        builder.error(f"KPI '{item['name']}': {problem.message}", where, hint=problem.hint)


def _flow(raw_flow: Any, stages: tuple[Stage, ...], builder: _Builder) -> tuple[FlowEdge, ...]:
    ends = {stage.name for stage in stages} | {
        tp.id for stage in stages for tp in stage.touchpoints
    }
    edges = []
    for number, item in enumerate(raw_flow):
        for key in ("from", "to"):
            if item[key] not in ends:
                builder.error(
                    f"flow step {key} '{item[key]}' is neither a stage of this map "
                    "nor a touchpoint id",
                    ("flow", number, key),
                    hint=did_you_mean(item[key], ends),
                )
        edges.append(
            FlowEdge(item["from"], item["to"], item.get("label", ""), builder.at(("flow", number)))
        )
    return tuple(edges)


def _evidence(raw: dict[str, Any], path: Path, builder: _Builder) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            type=item["type"],
            source=item["source"],
            note=item.get("note", ""),
            position=builder.at((*path, "evidence", number)),
        )
        for number, item in enumerate(raw.get("evidence", ()))
    )


def _diagram(raw: Any) -> DiagramOptions:
    if isinstance(raw, bool):
        return DiagramOptions(enabled=raw)
    return DiagramOptions(
        enabled=raw.get("enabled", True),
        direction=raw.get("direction", "auto"),
        layout=raw.get("layout", "stages"),
    )


def _date(raw: Any) -> dt.date | None:
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


def _period(raw: str | None) -> ReviewPolicy | None:
    match = _PERIOD.match(raw) if raw else None
    return ReviewPolicy(int(match.group(1)), match.group(2) + "s") if match else None


def _synonym_hint(name: str, stages: tuple[str, ...]) -> str | None:
    hint = did_you_mean(name.lower(), STAGE_SYNONYMS)
    if hint is None:
        return None
    synonym = hint.split("'")[1]
    stage = STAGE_SYNONYMS[synonym]
    return (
        f"did you mean '{stage}'? ('{synonym}' is called '{stage}' on this site)"
        if stage in stages
        else None
    )


def generated_pain_id(stage: str, number: int) -> str:
    """The id of the ``number``-th (1-based) pain point of a stage written without one."""
    return f"{_slug(stage)}-pain-{number}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "stage"
