"""``journeys.json`` is written from an explicit mapping and matches its published schema."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from mkdocs_journey import export
from mkdocs_journey.export import export_document, export_schema, map_record
from mkdocs_journey.model import (
    DataProvenance,
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
    ReviewPolicy,
    SourcePosition,
    Stage,
    Tolerance,
    Touchpoint,
)

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "basic-journeys.json"
EVIDENCE = (Evidence("survey", "https://forms.example/q3", "41 answers"),)


def full_map() -> JourneyMap:
    """A map with every field set to something other than its default."""
    at = SourcePosition("maps/full.md", 3, 1)
    return JourneyMap(
        id="full",
        title="Every field",
        persona=Persona("p", "Pat", "Buyer", "Buy well", ("Time",), ("Blogs",), "Hm.", at),
        stages=(
            Stage(
                name="Awareness",
                goal="Learn",
                actions=("Reads",),
                touchpoints=(
                    Touchpoint(
                        "t1",
                        "Ad",
                        "Paid Search",
                        ("Clicks",),
                        ("curious",),
                        EVIDENCE,
                        at,
                        moment_of_truth=MomentFlag("First impression", at),
                    ),
                ),
                emotion=Emotion(1, "hopeful", ("Maybe",), at),
                pain_points=(PainPoint("pp", "Slow", ("Old site",), 4, "t1", EVIDENCE, at),),
                opportunities=(Opportunity("Faster site", "pp", "Web team", "planned", at),),
                kpis=(
                    Kpi(
                        "Visits",
                        10,
                        "%",
                        "lower",
                        12.5,
                        "conversion_rate",
                        EVIDENCE,
                        at,
                        at_risk_within=Tolerance(30, relative=True),
                        as_of=dt.date(2026, 2, 1),
                        source="https://bi.example/visits",
                        since=dt.date(2026, 1, 1),
                        until=dt.date(2026, 1, 31),
                        provenance=DataProvenance(
                            "crm",
                            "data/crm.csv",
                            "ab" * 32,
                            120,
                            dt.datetime(2026, 1, 30, 17, 2, 11, tzinfo=dt.timezone.utc),
                            dt.date(2026, 1, 1),
                            dt.date(2026, 1, 31),
                        ),
                    ),
                ),
                evidence=EVIDENCE,
                position=at,
                moment_of_truth=MomentFlag("", at),
            ),
        ),
        objective="Why",
        owner="Team",
        reviewed=dt.date(2026, 1, 31),
        review_every=ReviewPolicy(1, "months"),
        tags=("a", "b"),
        flow=(FlowEdge("Awareness", "t1", "sees", at),),
        diagram=DiagramOptions(enabled=False, direction="TB", layout="chain"),
        layout="normal",
        data="crm",
        position=at,
    )


def test_every_field_is_mapped_to_its_documented_key() -> None:
    record = map_record(full_map(), url="maps/full/", today=dt.date(2026, 3, 1))
    assert list(record) == [
        "id",
        "title",
        "persona",
        "stages",
        "objective",
        "owner",
        "reviewed",
        "review_every",
        "tags",
        "flow",
        "diagram",
        "layout",
        "data",
        "page",
        "url",
        "review_due",
        "stale",
    ]
    assert record["persona"] == {
        "id": "p",
        "name": "Pat",
        "role": "Buyer",
        "goal": "Buy well",
        "challenges": ["Time"],
        "information_sources": ["Blogs"],
        "quote": "Hm.",
    }
    stage = record["stages"][0]
    evidence = [{"type": "survey", "source": "https://forms.example/q3", "note": "41 answers"}]
    assert stage == {
        "name": "Awareness",
        "goal": "Learn",
        "actions": ["Reads"],
        "touchpoints": [
            {
                "id": "t1",
                "name": "Ad",
                "channel": "Paid Search",
                "actions": ["Clicks"],
                "emotions": ["curious"],
                "evidence": evidence,
                "moment_of_truth": {"reason": "First impression"},
            }
        ],
        "emotion": {"score": 1, "label": "hopeful", "thoughts": ["Maybe"]},
        "pain_points": [
            {
                "id": "pp",
                "text": "Slow",
                "causes": ["Old site"],
                "severity": 4,
                "touchpoint": "t1",
                "evidence": evidence,
            }
        ],
        "opportunities": [
            {"text": "Faster site", "addresses": "pp", "owner": "Web team", "status": "planned"}
        ],
        "kpis": [
            {
                "name": "Visits",
                "target": 10,
                "unit": "%",
                "direction": "lower",
                "actual": 12.5,
                "metric": "conversion_rate",
                "evidence": evidence,
                "at_risk_within": "30%",
                "as_of": "2026-02-01",
                "source": "https://bi.example/visits",
                "since": "2026-01-01",
                "until": "2026-01-31",
                # lower is better: 12.5 is 2.5 above the target 10, within 30% of it (3)
                "status": "at-risk",
                # computed: dated by its data's latest event (Jan 30) + 1 month = Feb 28 < Mar 1
                "stale": True,
                "fresh_until": "2026-02-28",
                "provenance": {
                    "source": "crm",
                    "file": "data/crm.csv",
                    "sha256": "ab" * 32,
                    "rows": 120,
                    "as_of": "2026-01-30T17:02:11Z",
                    "since": "2026-01-01",
                    "until": "2026-01-31",
                },
            }
        ],
        "evidence": evidence,
        "moment_of_truth": {"reason": ""},
    }
    assert record["reviewed"] == "2026-01-31"
    assert record["review_every"] == "1 month"
    assert record["review_due"] == "2026-02-28"
    assert record["stale"] is True
    assert record["flow"] == [{"source": "Awareness", "target": "t1", "label": "sees"}]
    assert record["diagram"] == {"enabled": False, "direction": "TB", "layout": "chain"}
    assert record["layout"] == "normal"
    assert record["page"] == "maps/full.md"
    assert "analytics" not in record


# Model fields deliberately left out of the export, with the reason.
NOT_EXPORTED = {"position"}  # source positions are for messages, not for consumers
# Tolerance is written as one value, as the author wrote it: "30%" or 0.5 (at_risk_within).

EXPORTED_TYPES = {
    JourneyMap: lambda: map_record(full_map(), url="", today=dt.date(2026, 1, 1)),
    Persona: lambda: export.persona_record(full_map().persona),
    Stage: lambda: export.stage_record(full_map().stages[0]),
    MomentFlag: lambda: export.stage_record(full_map().stages[0])["moment_of_truth"],
    DataProvenance: lambda: export.provenance_record(full_map().stages[0].kpis[0].provenance),
    Touchpoint: lambda: export.touchpoint_record(full_map().stages[0].touchpoints[0]),
    Emotion: lambda: export.emotion_record(full_map().stages[0].emotion),
    PainPoint: lambda: export.pain_point_record(full_map().stages[0].pain_points[0]),
    Opportunity: lambda: export.opportunity_record(full_map().stages[0].opportunities[0]),
    Kpi: lambda: export.kpi_record(full_map().stages[0].kpis[0]),
    Evidence: lambda: export.evidence_record(EVIDENCE[0]),
    FlowEdge: lambda: export.flow_record(full_map().flow[0]),
    DiagramOptions: lambda: export.diagram_record(full_map().diagram),
}


@pytest.mark.parametrize("model_type", list(EXPORTED_TYPES), ids=lambda t: t.__name__)
def test_a_new_model_field_needs_a_decision_about_the_export(model_type: type) -> None:
    """Adding a field to the model fails here until export.py, the schema and the docs say
    whether it belongs in journeys.json; it never slips into the file on its own."""
    record = EXPORTED_TYPES[model_type]()
    fields = {f.name for f in dataclasses.fields(model_type)} - NOT_EXPORTED
    undecided = fields - set(record)
    assert not undecided, f"{model_type.__name__}: decide how {sorted(undecided)} is exported"


def test_published_schema_is_valid_and_accepts_a_full_document() -> None:
    schema = export_schema()
    Draft202012Validator.check_schema(schema)
    document = export_document(
        [map_record(full_map(), url="maps/full/", today=dt.date(2026, 3, 1))], dt.date(2026, 3, 1)
    )
    errors = list(
        Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(document)
    )
    assert errors == []


def test_schema_refuses_a_key_the_export_does_not_write() -> None:
    document = export_document(
        [map_record(full_map(), url="", today=dt.date(2026, 3, 1))], dt.date(2026, 3, 1)
    )
    document["maps"][0]["stages"][0]["kpis"][0]["position"] = {"line": 3}
    errors = list(Draft202012Validator(export_schema()).iter_errors(document))
    assert [e.json_path for e in errors] == ["$.maps[0].stages[0].kpis[0]"]


def test_the_basic_sites_export_is_unchanged(basic_build) -> None:
    """The v1 export of the basic fixture, byte for byte, as written before the explicit mapping
    (by walking the model). An intended change of the format rewrites the golden file with
    UPDATE_GOLDEN=1; review its diff and the docs before committing it."""
    produced = (basic_build.site / "journeys.json").read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN.read_text(encoding="utf-8")
