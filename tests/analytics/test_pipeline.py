"""The analysis of a file for a map: funnel, channel mix, insights, coverage, KPIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_journey.analytics.kpis import (
    KNOWN_METRICS,
    apply_kpi_actuals,
    metric_value,
    validate_metric,
)
from mkdocs_journey.analytics.pipeline import analyze_file
from mkdocs_journey.analytics.result import DataAnalysis
from mkdocs_journey.model import JourneyMap, Kpi, SourcePosition, Stage, Touchpoint

# Three leads walk a three-stage map (times in UTC):
#   L1: blog (Jan 1, organic) > pricing (Jan 3, email) > checkout (Jan 4, direct, converts 100)
#   L2: blog (Jan 2, cpc) > pricing (Jan 6, organic)
#   L3: ad (Jan 5, facebook paid) -- never goes further
EVENTS = """lead_id,timestamp,source,medium,touchpoint,converted,revenue
L1,2024-01-01T00:00:00Z,google,organic,blog,0,
L2,2024-01-02T00:00:00Z,google,cpc,blog,0,
L1,2024-01-03T00:00:00Z,newsletter,email,pricing,0,
L1,2024-01-04T00:00:00Z,(direct),(none),checkout,1,100
L3,2024-01-05T00:00:00Z,facebook,paid_social,ad,0,
L2,2024-01-06T00:00:00Z,google,organic,pricing,0,
"""

KPI_POSITION = SourcePosition("maps/shop.md", 12, 5)
MAP = JourneyMap(
    id="shop",
    title="Shop",
    persona=None,
    stages=(
        Stage(
            "Awareness",
            touchpoints=(
                Touchpoint("blog", "Blog post", channel="Organic Search"),
                Touchpoint("ad", "Social ad", channel="Paid Social"),
            ),
            kpis=(
                Kpi(
                    "Conversion rate",
                    target=30,
                    unit="%",
                    metric="conversion_rate",
                    position=KPI_POSITION,
                ),
                Kpi("Typo", metric="conversion_rat", position=KPI_POSITION),
            ),
        ),
        Stage(
            "Consideration",
            touchpoints=(Touchpoint("pricing", "Pricing page", channel="Email"),),
            kpis=(Kpi("To decision", metric="stage_conversion:Consideration"),),
        ),
        Stage(
            "Decision",
            touchpoints=(
                Touchpoint("checkout", "Checkout", channel="Direct"),
                Touchpoint("call", "Sales call", channel="Phone"),
            ),
        ),
    ),
    position=SourcePosition("maps/shop.md", 1),
)


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> DataAnalysis:
    events = tmp_path_factory.mktemp("events") / "shop.csv"
    events.write_text(EVENTS)
    return analyze_file(events, journey_map=MAP)


def test_funnel(analysis: DataAnalysis) -> None:
    steps = [(s.stage, s.leads, s.next_stage, s.reached_next) for s in analysis.funnel]
    # Awareness: L1, L2, L3; Consideration: L1, L2; Decision: L1
    assert steps == [
        ("Awareness", 3, "Consideration", 2),
        ("Consideration", 2, "Decision", 1),
        ("Decision", 1, None, 0),
    ]
    awareness, consideration, _ = analysis.funnel
    assert awareness.conversion_to_next == pytest.approx(2 / 3)
    assert awareness.drop_off == pytest.approx(1 / 3)
    # L1: Jan 1 -> Jan 3 (2 days), L2: Jan 2 -> Jan 6 (4 days): median 3 days
    assert awareness.median_days_to_next == pytest.approx(3.0)
    assert consideration.median_days_to_next == pytest.approx(1.0)  # L1: Jan 3 -> Jan 4


def test_channel_mix(analysis: DataAnalysis) -> None:
    mix = {
        m.stage: {c.channel: (c.leads, c.share) for c in m.channels} for m in analysis.channel_mix
    }
    assert mix["Awareness"] == {
        "Organic Search": (1, pytest.approx(1 / 3)),
        "Paid Search": (1, pytest.approx(1 / 3)),
        "Paid Social": (1, pytest.approx(1 / 3)),
    }
    assert mix["Consideration"] == {"Email": (1, 0.5), "Organic Search": (1, 0.5)}
    assert mix["Decision"] == {"Direct": (1, 1.0)}


def test_insights(analysis: DataAnalysis) -> None:
    found = {(i.before, i.target): (i.leads_before, i.target_leads) for i in analysis.insights}
    assert found[("blog", "conversion")] == (1, 1)  # the one converter read the blog first
    assert found[("blog", "pricing")] == (2, 2)  # both leads at pricing read the blog first
    assert ("checkout", "conversion") not in found  # the converting touch itself is not "before"
    assert analysis.insight_subject == "touchpoint"


def test_declared_vs_observed(analysis: DataAnalysis) -> None:
    assert analysis.coverage is not None
    assert analysis.coverage.touchpoints_without_events == ("call",)
    assert analysis.coverage.undeclared_channels == (("Paid Search", 1),)
    assert analysis.coverage.declared_channels_without_traffic == ("Phone",)


def test_touchpoint_attribution_and_transitions(analysis: DataAnalysis) -> None:
    assert analysis.touchpoint_attribution is not None
    assert analysis.touchpoint_attribution["first_touch"]["blog"].value == 100.0
    assert analysis.touchpoint_transitions == (("blog", "pricing", 2), ("pricing", "checkout", 1))


def test_a_step_after_a_conversion_is_observed_though_no_path_holds_it(tmp_path: Path) -> None:
    # L1 converts at the checkout and then calls; L2 converts at the checkout twice, with the
    # pricing page in between. Paths end at a conversion, so attribution never sees
    # checkout -> call or checkout -> pricing; the lead's journey (and the flow diagram) does.
    events = tmp_path / "after.csv"
    events.write_text(
        "lead_id,timestamp,source,medium,touchpoint,converted,revenue\n"
        "L1,2024-01-01T00:00:00Z,google,organic,blog,0,\n"
        "L1,2024-01-02T00:00:00Z,(direct),(none),checkout,1,100\n"
        "L1,2024-01-03T00:00:00Z,(direct),(none),call,0,\n"
        "L2,2024-01-01T00:00:00Z,(direct),(none),checkout,1,50\n"
        "L2,2024-01-02T00:00:00Z,newsletter,email,pricing,0,\n"
        "L2,2024-01-03T00:00:00Z,(direct),(none),checkout,1,50\n"
        "L2,2024-01-04T00:00:00Z,(direct),(none),checkout,0,\n"
    )
    analysis = analyze_file(events, journey_map=MAP)
    # Within paths: blog -> checkout (L1), pricing -> checkout (L2's second path). Across a
    # conversion: checkout -> call (L1), checkout -> pricing (L2); L2's last checkout follows
    # a conversion at the same touchpoint, a repeat, which is not a step.
    assert analysis.touchpoint_transitions == (
        ("blog", "checkout", 1),
        ("checkout", "call", 1),
        ("checkout", "pricing", 1),
        ("pricing", "checkout", 1),
    )
    # Attribution still credits each path on its own: three conversions, none to the call.
    assert analysis.totals.conversions == 3
    assert "call" not in analysis.touchpoint_attribution["last_touch"]


def test_other_maps_sharing_the_source(tmp_path: Path) -> None:
    events = tmp_path / "shared.csv"
    events.write_text(EVENTS + "L4,2024-01-07T00:00:00Z,google,organic,store-visit,0,\n")
    other = JourneyMap(
        "store",
        "Store",
        None,
        (Stage("Visit", touchpoints=(Touchpoint("store-visit", "Store visit"),)),),
    )
    alone = analyze_file(events, journey_map=MAP)
    assert [r.reason for r in alone.rejected] == ["touchpoint not on any map"]
    from mkdocs_journey.analytics.pipeline import analyze
    from mkdocs_journey.data.sources import default_source

    shared = analyze(default_source(events), MAP, other_maps=[other])
    assert shared.rejected == ()
    assert shared.totals.rows_used == 7


def test_kpis(analysis: DataAnalysis) -> None:
    # converters / leads = 1 / 3
    assert metric_value(analysis, "conversion_rate") == pytest.approx(100 / 3)
    assert metric_value(analysis, "stage_leads:Consideration") == 2
    assert metric_value(analysis, "revenue_per_conversion") == 100
    assert "stage_days:<Stage>" in KNOWN_METRICS
    assert validate_metric("stage_leads:Decison", ["Awareness", "Decision"]) == (
        "metric 'stage_leads:Decison': the map has no stage 'Decison' (did you mean 'Decision'?)"
    )
    assert validate_metric("conversion_rat") == (
        "unknown metric 'conversion_rat' (did you mean 'conversion_rate'?)"
    )
    updated, problems = apply_kpi_actuals(MAP, analysis)
    rate, typo = updated.stages[0].kpis
    assert rate.actual == pytest.approx(100 / 3)
    assert rate.met is True
    assert typo.actual is None
    assert updated.stages[1].kpis[0].actual == pytest.approx(50.0)
    # An unknown metric is the map's mistake, reported where the map is read (with its line,
    # see tests/analytics/test_kpi_metrics.py); the data adds nothing to say about it.
    assert problems == []
