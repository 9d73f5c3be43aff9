"""The "at a glance" block and the header's review status, from small maps."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_journey.analytics import moments
from mkdocs_journey.model import (
    Emotion,
    Evidence,
    JourneyMap,
    Kpi,
    PainPoint,
    ReviewPolicy,
    Stage,
    Tolerance,
    Touchpoint,
)
from mkdocs_journey.render.views import evidence_notes, map_view, review_status

TODAY = dt.date(2026, 6, 1)


def journey(*stages: Stage, **fields) -> JourneyMap:
    return JourneyMap(id="m", title="M", persona=None, stages=stages, **fields)


def test_moments_are_the_curves_low_and_high_with_a_thought_and_a_link() -> None:
    view = map_view(
        journey(
            Stage("Awareness", emotion=Emotion(1, "curious")),
            Stage("Decision", emotion=Emotion(-2, "stuck", ("Which column?", "Too long"))),
            Stage("Retention", emotion=Emotion(2)),
        ),
        today=TODAY,
    )
    low, peak = view.glance.moments
    assert (low.kind, low.tone, low.title, low.stage, low.figure) == (
        "emotional-low",
        "loss",
        "Emotional low",
        "Decision",
        "stuck (-2)",
    )
    assert low.quote == "Which column?"
    assert low.href == "#journey-m-stage-2-emotion"
    assert (peak.kind, peak.tone, peak.stage, peak.figure, peak.quote) == (
        "emotional-peak",
        "win",
        "Retention",
        "+2",
        "",
    )
    # The glance block lists what the one list of finders found, in its order; the curve lane
    # rings the same two points.
    assert moments.MOMENT_FINDERS[0] is moments.emotional_extremes
    assert [cell.moment for cell in view.lane.cells] == [None, "lowest", "highest"]


def test_a_flat_curve_has_no_moment() -> None:
    view = map_view(
        journey(Stage("Awareness", emotion=Emotion(1)), Stage("Decision", emotion=Emotion(1))),
        today=TODAY,
    )
    assert view.glance.moments == ()


def test_top_pains_are_the_three_most_severe_earlier_stage_first() -> None:
    view = map_view(
        journey(
            Stage(
                "Awareness",
                pain_points=(PainPoint("a", "A", severity=3), PainPoint("b", "B", severity=5)),
            ),
            Stage(
                "Decision",
                pain_points=(PainPoint("c", "C", severity=5), PainPoint("d", "D", severity=4)),
            ),
            Stage("Retention", pain_points=(PainPoint("e", "E", severity=1),)),
        ),
        today=TODAY,
    )
    top = view.glance.top_pains
    assert [(p.pain.id, p.stage, p.severity_word) for p in top] == [
        ("b", "Awareness", "critical"),
        ("c", "Decision", "critical"),
        ("d", "Decision", "major"),
    ]
    assert top[0].href == "#journey-m-pain-b"
    assert view.glance.pain_count == 5


def test_kpi_counts_by_status_the_worst_first() -> None:
    view = map_view(
        journey(
            Stage(
                "Awareness",
                kpis=(Kpi("a", target=10, actual=12), Kpi("b"), Kpi("c", target=5, actual=1)),
            ),
            Stage(
                "Decision",
                kpis=(
                    Kpi("d", target=3, actual=4, direction="lower"),
                    # 9 against 10, within 10% of the target: at risk
                    Kpi("e", target=10, actual=9, at_risk_within=Tolerance(10, relative=True)),
                ),
            ),
        ),
        today=TODAY,
    )
    assert [(c.status, c.words, c.count) for c in view.glance.kpis.counts] == [
        ("missed", "off target", 2),
        ("at-risk", "at risk", 1),
        ("unknown", "no data", 1),
        ("met", "on target", 1),
    ]
    assert view.glance.kpi_total == 5
    # The summary table lists them in that order; the grid keeps the order written.
    assert [row.kpi.name for row in view.glance.kpis.rows] == ["c", "d", "e", "b", "a"]
    assert [k.kpi.name for k in view.columns[0].kpis] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("reviewed", "every", "state", "label", "detail"),
    [
        (
            dt.date(2025, 1, 15),
            ReviewPolicy(6, "months"),
            "overdue",
            "Due for review",
            "review was due 2025-07-15",
        ),
        (
            dt.date(2025, 12, 15),
            ReviewPolicy(6, "months"),
            "due-soon",
            "Review due soon",
            "due 2026-06-15",
        ),
        (
            dt.date(2026, 5, 1),
            ReviewPolicy(1, "years"),
            "current",
            "Up to date",
            "next review 2027-05-01",
        ),
        (dt.date(2026, 5, 1), None, "none", "No review date", "last reviewed 2026-05-01"),
        (None, None, "none", "No review date", ""),
    ],
)
def test_review_status(reviewed, every, state: str, label: str, detail: str) -> None:
    status = review_status(
        journey(Stage("Awareness"), reviewed=reviewed, review_every=every), TODAY
    )
    assert (status.state, status.label, status.detail) == (state, label, detail)


def test_evidence_is_numbered_stage_by_stage_top_to_bottom() -> None:
    first, second, third, fourth = (Evidence("survey", f"s{n}") for n in range(4))
    notes = evidence_notes(
        journey(
            Stage(
                "Awareness",
                evidence=(second,),
                touchpoints=(Touchpoint("t", "T", evidence=(third,)),),
            ),
            Stage(
                "Decision",
                pain_points=(PainPoint("p", "P", evidence=(fourth,)),),
                kpis=(Kpi("k", evidence=(first,)),),
            ),
        ),
        "journey-m",
    )
    assert [(note.number, note.evidence.source) for note in notes.values()] == [
        (1, "s1"),
        (2, "s2"),
        (3, "s3"),
        (4, "s0"),
    ]
    assert notes[fourth].anchor == "journey-m-evidence-3"
