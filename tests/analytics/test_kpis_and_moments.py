"""Every new metric, KPI status, moment-of-truth rule and feelings-vs-behaviour flag, worked out
by hand on the events of ``tests/kpi_events.py`` (the fixture site ``tests/fixtures/kpis``).

The groups, as the arithmetic below uses them (day = days after the lead's start):

    G1  40 leads  Jan  ad d0
    G2  20 leads  Jan  blog d0, pricing d2
    G3  25 leads  Jan  ad d0, demo d1, pricing d3, checkout d10 (buys 100), app d12
    G4  10 leads  Mar  blog d0, pricing d4, checkout d6 (buys 50); 6 of them app d7 (G4a)
    G5  10 leads  Mar  ad d0, demo d1
    G6   5 leads  Mar  blog d0, chat d2, pricing d3, checkout d20 (buys 200)

Stages: ad, blog = Awareness; demo, pricing, chat = Consideration; checkout = Decision;
app = Retention. 110 leads, 40 converters (G3, G4, G6), 281 usable rows and one bad one.
The build's day is 2024-04-10; the map is reviewed every month.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from mkdocs_journey.analytics.health import map_health
from mkdocs_journey.analytics.kpis import apply_kpi_actuals
from mkdocs_journey.analytics.moments import ACCELERATOR, find_moments
from mkdocs_journey.analytics.pipeline import analyze
from mkdocs_journey.data.engine import TimeWindow
from mkdocs_journey.data.sources import default_source
from mkdocs_journey.export import export_schema
from mkdocs_journey.parsing.page import read_page
from tests import kpi_events
from tests.conftest import FIXTURES, Build, copy_fixture, run_build

SITE = FIXTURES / "kpis"
EVENTS = SITE / "data" / "events.csv"
TODAY = dt.date(2024, 4, 10)


def test_the_fixture_file_is_the_spec() -> None:
    assert EVENTS.read_text(encoding="utf-8") == kpi_events.csv_text()
    assert len(kpi_events.rows()) == 281
    assert sum(group.leads for group in kpi_events.GROUPS) == 110


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = copy_fixture("kpis", tmp_path_factory.mktemp("kpis"))
    done = run_build(project, strict=True)
    assert done.returncode == 0, done.output
    return done


@pytest.fixture(scope="module")
def record(build: Build) -> dict[str, Any]:
    document = json.loads((build.site / "journeys.json").read_text(encoding="utf-8"))
    [shop] = document["maps"]
    return shop


def _kpis(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kpi["name"]: kpi for stage in record["stages"] for kpi in stage["kpis"]}


@pytest.mark.build
def test_journeys_json_validates_against_its_schema(build: Build) -> None:
    document = json.loads((build.site / "journeys.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(export_schema(), format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []


@pytest.mark.build
def test_provenance_of_the_whole_file(record: dict[str, Any]) -> None:
    provenance = record["analytics"]["provenance"]
    assert provenance["sha256"] == _sha256(EVENTS)
    assert provenance["rows_used"] == 281  # 282 rows, 30 February rejected
    assert provenance["first_event"] == "2024-01-01T09:00:00Z"  # G1-00 etc. start Jan 1
    # The latest event: G6's last lead (k = 4) starts Mar 5 and buys 20 days later.
    assert provenance["as_of"] == "2024-03-25T09:00:00Z"


@pytest.mark.build
def test_metrics_statuses_and_provenance(record: dict[str, Any]) -> None:
    kpis = _kpis(record)

    # conversion_rate: 40 converters / 110 leads = 36.36%. Target 40 with at_risk_within 10%:
    # the band is 4 points, 36.36 >= 36, so at risk, not missed.
    rate = kpis["Leads who convert"]
    assert rate["actual"] == pytest.approx(100 * 40 / 110)
    assert rate["status"] == "at-risk"
    # revenue_per_lead: (25 x 100 + 10 x 50 + 5 x 200) / 110 = 4000 / 110 = 36.36, target 50
    # and no tolerance: missed.
    per_lead = kpis["Revenue per lead"]
    assert per_lead["actual"] == pytest.approx(4000 / 110)
    assert per_lead["status"] == "missed"
    # touched_before_conversion:demo: 25 of the 40 converters (G3) saw the demo first: 62.5%.
    assert kpis["Converters who saw a demo first"]["actual"] == pytest.approx(62.5)
    # stage_conversion:Consideration: 40 of its 70 leads (G2..G6) reach Decision: 57.14%.
    assert kpis["Considering leads who decide"]["actual"] == pytest.approx(100 * 40 / 70)
    assert kpis["Considering leads who decide"]["status"] == "met"
    # event:Demo_Booked, any case: G3's 25 "demo_booked" rows and G5's 10 "DEMO_BOOKED" ones.
    assert kpis["Demo bookings"]["actual"] == 35
    # channel_share:Consideration:Email: 35 of the 70 leads (G3, G5) enter Consideration at the
    # demo, which comes by email: 50%. Target 60, at risk within 15 points (45 .. 60).
    email = kpis["Entries through email"]
    assert email["actual"] == pytest.approx(50.0)
    assert email["status"] == "at-risk"

    # Every computed figure carries the file's hash, its rows and its as-of.
    for name in ("Leads who convert", "Revenue per lead", "Demo bookings"):
        provenance = kpis[name]["provenance"]
        assert provenance["sha256"] == _sha256(EVENTS)
        assert (provenance["rows"], provenance["as_of"]) == (281, "2024-03-25T09:00:00Z")
        # As of Mar 25 + one month = Apr 25, after the build's Apr 10: fresh.
        assert (kpis[name]["stale"], kpis[name]["fresh_until"]) == (False, "2024-04-25")


@pytest.mark.build
def test_date_windows(record: dict[str, Any]) -> None:
    kpis = _kpis(record)
    # since 2024-03-01: G4, G5, G6 (25 leads), of whom G4 and G6 (15) convert: 60%.
    # Rows: G4 10 x 3 + 6 app = 36, G5 10 x 2 = 20, G6 5 x 4 = 20: 76.
    march = kpis["Conversion rate in March"]
    assert march["actual"] == pytest.approx(60.0)
    assert march["since"] == "2024-03-01"
    assert (march["provenance"]["rows"], march["provenance"]["since"]) == (76, "2024-03-01")
    assert march["provenance"]["as_of"] == "2024-03-25T09:00:00Z"
    # until 2024-02-29: G1, G2, G3 (85 leads), 25 converters: 29.41%; rows 40 + 40 + 125 =
    # 205; their last event is G3's last lead (k = 24, Jan 25) in the app 12 days later, Feb 6.
    february = kpis["Conversion rate until February"]
    assert february["actual"] == pytest.approx(100 * 25 / 85)
    assert february["provenance"]["rows"] == 205
    assert february["provenance"]["as_of"] == "2024-02-06T09:00:00Z"
    # Its data ends Feb 6; a month later (Mar 6) is before Apr 10: stale, though on target.
    assert (february["status"], february["stale"], february["fresh_until"]) == (
        "met",
        True,
        "2024-03-06",
    )


@pytest.mark.build
def test_hand_written_actuals(record: dict[str, Any]) -> None:
    kpis = _kpis(record)
    # Lower is better: 7.5 days against 7 is 0.5 over, within the absolute band of 1: at risk;
    # as of Apr 1 + one month = May 1: fresh.
    close = kpis["Days to close"]
    assert (close["status"], close["stale"], close["fresh_until"]) == (
        "at-risk",
        False,
        "2024-05-01",
    )
    assert close["at_risk_within"] == 1
    assert close["source"] == "https://crm.example/reports/close-time"
    assert close["provenance"] is None
    # NPS 31 against 30: met, but measured Jan 15; Feb 15 is long past: stale.
    nps = kpis["NPS"]
    assert (nps["status"], nps["stale"], nps["as_of"]) == ("met", True, "2024-01-15")
    assert kpis["Renewals"]["status"] == "unknown"
    assert kpis["Leads who convert"]["at_risk_within"] == "10%"


@pytest.mark.build
def test_moments_of_truth(record: dict[str, Any]) -> None:
    moments = {(m["kind"], m["touchpoint"] or m["stage"]): m for m in record["moments"]}
    assert list(moments) == [
        ("emotional-low", "Decision"),
        ("emotional-peak", "Retention"),
        ("bottleneck", "Consideration"),
        ("slowest-step", "Consideration"),
        ("high-friction", "pricing"),
        ("accelerator", "demo"),
        ("flagged", "demo"),
        ("flagged", "Decision"),
    ]
    # Emotion scores 0, +1, -1, +2: the low is Decision (-1), the peak Retention (+2).
    assert moments[("emotional-low", "Decision")]["value"] == -1

    # Bottleneck. Awareness 110 leads -> 70 reach Consideration: 40 / 110 = 36.4% leave;
    # Consideration 70 -> 40 reach Decision: 30 / 70 = 42.9%; Decision 40 -> 31 reach
    # Retention (G3 25 + G4a 6): 9 / 40 = 22.5%. The largest: Consideration -> Decision.
    neck = moments[("bottleneck", "Consideration")]
    assert neck["next_stage"] == "Decision"
    assert neck["value"] == pytest.approx(30 / 70, abs=1e-6)
    assert neck["numbers"] == {"leads": 70, "reached_next": 40}
    assert neck["figure"] == "42.9% leave"

    # Slowest step (median days between first touches of two stages, >= 30 leads going on):
    # Awareness -> Consideration: 35 leads 1 day (G3, G5), 25 leads 2 (G2, G6), 10 leads 4 (G4):
    # the 35th and 36th of 70 are 1 and 2: 1.5 days. Consideration -> Decision: 10 leads 2 days
    # (G4: d4 -> d6), 25 leads 9 (G3: d1 -> d10), 5 leads 18 (G6: d2 -> d20): the 20th and 21st
    # of 40 are 9: 9 days. Decision -> Retention: 6 leads 1 day, 25 leads 2: 2 days (31 leads).
    slow = moments[("slowest-step", "Consideration")]
    assert (slow["next_stage"], slow["value"]) == ("Decision", 9.0)
    assert slow["numbers"] == {"reached_next": 40}

    # High friction: severity x share of the stage's leads who touched the touchpoint.
    # pricing (severity 5): G2 20 + G3 25 + G4 10 + G6 5 = 60 of Consideration's 70: 5 x 0.857
    # = 4.29 >= 2. chat (severity 4): 5 / 70 x 4 = 0.29. ad (severity 2): (G1 40 + G3 25 + G5
    # 10) 75 / 110 x 2 = 1.36. Only pricing is claimed.
    friction = moments[("high-friction", "pricing")]
    assert friction["value"] == pytest.approx(5 * 60 / 70, abs=1e-6)
    assert friction["pain_point"] == "pricing-confusing"
    assert friction["numbers"] == {
        "severity": 5,
        "touchpoint_leads": 60,
        "stage_leads": 70,
        "share": pytest.approx(60 / 70, abs=1e-6),
    }

    # Accelerators: among the leads who reached the touchpoint's stage before converting (or at
    # all, if they never converted), the conversion rate with the touchpoint minus without it:
    # at least 5 points, and a z statistic (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p the
    # pooled rate, at least the one-sided 5% point split among the touchpoints compared. With at
    # least 30 leads on both sides only ad, blog and demo are compared (see below for pricing
    # and chat): 5% / 3, z >= 2.128. Consideration: 70 leads, 40 converters (G3, G4, G6).
    #   demo: G3 25 (converted) + G5 10 (not) = 35 leads, 25 converted: 71.4%; without it:
    #   35 leads, 15 converted (G4, G6): 42.9%; +28.6 points, both groups >= 30 leads;
    #   p = 40 / 70 = 0.571, sqrt(0.571 x 0.429 x 2 / 35) = 0.118, z = 0.286 / 0.118 = 2.42.
    demo = moments[("accelerator", "demo")]
    assert demo["value"] == pytest.approx(25 / 35 - 15 / 35, abs=1e-6)
    assert demo["numbers"] == {
        "leads_with": 35,
        "converters_with": 25,
        "leads_without": 35,
        "converters_without": 15,
        "rate_with": pytest.approx(25 / 35, abs=1e-6),
        "rate_without": pytest.approx(15 / 35, abs=1e-6),
        "z": pytest.approx(2.4152, abs=1e-4),
        "z_needed": pytest.approx(2.1280, abs=1e-4),
    }
    # Awareness: 110 leads, 40 converters. blog: G2 20 + G4 10 + G6 5 = 35 leads, 15 converted:
    # 42.9%; without it (ad only: G1, G3, G5): 75 leads, 25 converted: 33.3%; +9.5 points, but
    # p = 40 / 110 = 0.364, sqrt(0.364 x 0.636 x (1/35 + 1/75)) = 0.098, z = 0.095 / 0.098 =
    # 0.97: no more than chance. ad is the mirror image (-9.5 points).
    assert ("accelerator", "blog") not in moments
    # Below the minimum support nothing is claimed: chat reached 5 leads (G6), all converted,
    # against 35 of the 65 without it (+46 points) but 5 < 30; pricing reached 60 (40
    # converted) against the 10 of G5 without it (none converted: +67 points, more than any
    # other), but 10 < 30.
    assert ("accelerator", "chat") not in moments
    assert ("accelerator", "pricing") not in moments

    # Flags written by the author: on the demo (with a reason) and on Decision (true).
    assert moments[("flagged", "demo")]["reason"] == (
        "The demo is where buyers first see their own data."
    )
    assert moments[("flagged", "Decision")]["origin"] == "author"


def test_support_then_chance_hold_back_pricing_and_chat() -> None:
    """With a minimum of 5 leads instead of 30, five touchpoints are compared (ad, blog, demo,
    pricing, chat), so z must reach the one-sided 1% point (5% / 5): 2.326. Pricing, with 60
    leads (40 converted, 66.7%) against the 10 of G5 without it (none converted): +66.7 points,
    p = 40 / 70, z = 0.667 / sqrt(0.571 x 0.429 x (1/60 + 1/10)) = 3.94: an accelerator. Chat,
    with 5 leads (all converted) against 35 of the 65 without it (53.8%): +46.2 points, but
    z = 0.462 / sqrt(0.571 x 0.429 x (1/5 + 1/65)) = 2.01: five leads could do that by chance.
    Demo stays (2.42)."""
    [reading] = read_page("maps/shop.md", (SITE / "docs/maps/shop.md").read_text(), _STAGES)
    assert reading.journey_map is not None
    analysis = analyze(default_source(EVENTS), reading.journey_map, cache=None)
    loose = [m for m in find_moments(reading.journey_map, analysis, 5) if m.kind == ACCELERATOR]
    assert [(m.touchpoint, m.value, m.number("z_needed")) for m in loose] == [
        ("pricing", pytest.approx(40 / 60 - 0 / 10), pytest.approx(2.3263, abs=1e-4)),
        ("demo", pytest.approx(25 / 35 - 15 / 35), pytest.approx(2.3263, abs=1e-4)),
    ]
    strict = [m for m in find_moments(reading.journey_map, analysis) if m.kind == ACCELERATOR]
    assert [m.touchpoint for m in strict] == ["demo"]


@pytest.mark.build
def test_feelings_vs_behaviour(record: dict[str, Any]) -> None:
    # Stages with an emotion and a next stage: Awareness (0; 36.4% leave), Consideration (+1;
    # 42.9% leave), Decision (-1; 22.5% leave). Three stages: "among the worst" is the worst
    # one (ceil(3 / 3) = 1). Consideration feels good, yet has the worst drop-off; Decision
    # feels bad, yet has the best conversion (77.5%).
    findings = [
        (f["kind"], f["stage"], f["rank"], f["compared"]) for f in record["feelings_vs_behaviour"]
    ]
    assert findings == [
        ("happy-yet-leaving", "Consideration", 1, 3),
        ("unhappy-yet-staying", "Decision", 1, 3),
    ]
    happy, unhappy = record["feelings_vs_behaviour"]
    assert happy["text"] == (
        "People say they feel excited here (+1), yet 42.9% of the 70 leads in Consideration "
        "never reach Decision (the worst drop-off of 3 stages)."
    )
    assert unhappy["going_on"] == pytest.approx(31 / 40)


@pytest.mark.build
def test_evidence_coverage(record: dict[str, Any]) -> None:
    coverage = record["evidence_coverage"]
    # Touchpoints: only the blog lists evidence (1 of 7). Pain points: pricing's (1 of 3).
    assert coverage["touchpoints"] == {
        "covered": 1,
        "total": 7,
        "share": pytest.approx(1 / 7, abs=1e-6),
    }
    assert (coverage["pain_points"]["covered"], coverage["pain_points"]["total"]) == (1, 3)
    # KPIs: 8 computed from data, 2 hand-written with a source (Days to close, NPS); Renewals
    # has neither: 10 of 11.
    assert (coverage["kpis"]["covered"], coverage["kpis"]["total"]) == (10, 11)
    # Every one of the 7 touchpoints has events in the file.
    assert coverage["touchpoints_with_events"]["covered"] == 7


def test_window_analysis_counts_only_its_days() -> None:
    source = default_source(EVENTS)
    march = analyze(source, None, window=TimeWindow(since=dt.date(2024, 3, 1)), cache=None)
    assert (march.totals.leads, march.converters, march.totals.rows_used) == (25, 15, 76)
    assert march.totals.rows_read == 282  # the window selects used rows; every row is read


def test_health_without_data_keeps_the_maps_own_moments() -> None:
    [reading] = read_page("maps/shop.md", (SITE / "docs/maps/shop.md").read_text(), _STAGES)
    assert reading.journey_map is not None
    health = map_health(reading.journey_map, None, TODAY)
    assert [m.kind for m in health.moments] == [
        "emotional-low",
        "emotional-peak",
        "flagged",
        "flagged",
    ]
    assert health.feelings == ()
    # Without data a KPI bound to a metric has no actual: no data.
    statuses = {item.kpi.name: item.assessment.status for item in health.kpis}
    assert statuses["Leads who convert"] == "unknown"
    analysis = analyze(default_source(EVENTS), reading.journey_map, cache=None)
    with_data, problems = apply_kpi_actuals(reading.journey_map, lambda since, until: analysis)
    assert problems == []
    assert with_data.stages[0].kpis[0].actual == pytest.approx(100 * 40 / 110)


_STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
