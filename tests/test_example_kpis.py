"""The example site's KPIs, moments of truth and findings, checked against its own data.

Each claim the built site makes (a KPI at risk or stale, the bottleneck, the accelerator, where
feelings and behaviour disagree) is worked out again here from ``journeys.json`` or from the
events file itself, by code that shares nothing with the plugin's.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import shutil
from pathlib import Path
from statistics import NormalDist
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from mkdocs_journey.export import export_schema
from mkdocs_journey.render.numbers import percent
from tests.conftest import Build, run_build

pytestmark = pytest.mark.build

EXAMPLE = Path(__file__).parent.parent / "example-site"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = tmp_path_factory.mktemp("example-kpis") / "example-site"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", ".cache"))
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def document(example: Build) -> dict[str, Any]:
    return json.loads((example.site / "journeys.json").read_text(encoding="utf-8"))


def _maps(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in document["maps"]}


def _kpis(document: dict[str, Any]) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    return [(m, s["name"], k) for m in document["maps"] for s in m["stages"] for k in s["kpis"]]


# --- status and freshness, worked out again ----------------------------------------------------


def expected_status(kpi: dict[str, Any]) -> str:
    target, actual = kpi["target"], kpi["actual"]
    if target is None or actual is None:
        return "unknown"
    short = target - actual if kpi["direction"] == "higher" else actual - target
    if short <= 0:
        return "met"
    tolerance = kpi["at_risk_within"]
    if isinstance(tolerance, str):
        band = abs(target) * float(tolerance.rstrip("%")) / 100
    else:
        band = tolerance
    return "at-risk" if band is not None and short <= band else "missed"


def add_period(day: dt.date, period: str) -> dt.date:
    amount, unit = period.split()
    months = int(amount) * (12 if unit.startswith("year") else 1)
    if unit.startswith("day"):
        return day + dt.timedelta(days=int(amount))
    if unit.startswith("week"):
        return day + dt.timedelta(weeks=int(amount))
    year, month = divmod(day.month - 1 + months, 12)
    for last in range(day.day, 27, -1):
        try:
            return dt.date(day.year + year, month + 1, last)
        except ValueError:
            continue
    return dt.date(day.year + year, month + 1, 28)


def expected_stale(record: dict[str, Any], kpi: dict[str, Any], today: dt.date) -> bool:
    if record["review_every"] is None:
        return False
    if kpi["metric"]:
        stamp = (kpi["provenance"] or {}).get("as_of")
        day = dt.date.fromisoformat(stamp[:10]) if stamp else None
    else:
        day = (
            dt.date.fromisoformat(kpi["as_of"])
            if kpi["as_of"] and kpi["actual"] is not None
            else None
        )
    return day is not None and add_period(day, record["review_every"]) < today


def test_every_kpi_has_the_status_and_freshness_its_figures_give(document: dict[str, Any]) -> None:
    today = dt.date.fromisoformat(document["generated"])
    statuses = []
    for record, stage, kpi in _kpis(document):
        where = (record["id"], stage, kpi["name"])
        assert kpi["status"] == expected_status(kpi), where
        assert kpi["stale"] is expected_stale(record, kpi, today), where
        statuses.append((kpi["status"], kpi["stale"], bool(kpi["metric"])))
    # The example shows every kind: at risk, missed, met, no data; stale written by hand and
    # stale computed from data.
    assert {status for status, _, _ in statuses} == {"met", "at-risk", "missed", "unknown"}
    assert (True, True) in {(stale, computed) for _, stale, computed in statuses}
    assert (True, False) in {(stale, computed) for _, stale, computed in statuses}


def test_computed_figures_carry_their_file(document: dict[str, Any], example: Build) -> None:
    for record, _, kpi in _kpis(document):
        if not kpi["metric"]:
            assert kpi["provenance"] is None
            continue
        provenance = kpi["provenance"]
        data = example.project / provenance["file"]
        assert provenance["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
        if kpi["since"] is None and kpi["until"] is None:
            assert provenance["rows"] == record["analytics"]["totals"]["rows_used"]
            assert provenance["as_of"] == record["analytics"]["provenance"]["as_of"]
        else:
            assert 0 < provenance["rows"] < record["analytics"]["totals"]["rows_used"]


# --- the pages ----------------------------------------------------------------------------------


def test_the_dashboard_lists_every_kpi_with_its_status(
    example: Build, document: dict[str, Any]
) -> None:
    page = example.page("journeys/kpis/")
    rows = page.select(".journey-dashboard__table tbody tr")
    shown = {
        (row["data-map"], row["data-stage"], row.select_one("th").get_text(strip=True)): (
            row["data-status"],
            row.get("data-stale") == "true",
        )
        for row in rows
    }
    expected = {
        (record["id"], stage, kpi["name"]): (kpi["status"], kpi["stale"])
        for record, stage, kpi in _kpis(document)
    }
    assert len(rows) == len(expected)
    assert shown == expected
    # Missed first, then at risk, then stale figures, then no data, then met.
    rank = [
        0
        if status == "missed"
        else 1
        if status == "at-risk"
        else 2
        if stale
        else 3
        if status == "unknown"
        else 4
        for status, stale in (shown[key] for key in shown)
    ]
    assert rank == sorted(rank)
    # Every status is written as a word and an icon, not by colour alone.
    for row in rows:
        status = row.select_one(".journey-kpi__status").get_text(" ", strip=True)
        assert any(word in status for word in ("on target", "at risk", "off target", "no data"))


def test_map_pages_summarise_their_kpis_worst_first_with_as_of(
    example: Build, document: dict[str, Any]
) -> None:
    for record in document["maps"]:
        page = example.page(record["url"])
        block = page.select_one(f"#journey-{record['id']} .journey-kpi-summary")
        assert block is not None, record["id"]
        statuses = [row["data-status"] for row in block.select("tbody tr")]
        order = {"missed": 0, "at-risk": 1, "unknown": 3, "met": 4}
        stale = [row.get("data-stale") == "true" for row in block.select("tbody tr")]
        ranks = [
            2 if s and order[st] > 1 else order[st] for st, s in zip(statuses, stale, strict=True)
        ]
        assert ranks == sorted(ranks), record["id"]
        # Next to each computed figure: "as of" the latest event of its data.
        cards = page.select(f"#journey-{record['id']} .journey-row--kpis .journey-kpi")
        computed = [k for s in record["stages"] for k in s["kpis"]]
        assert len(cards) == len(computed)
        for card, kpi in zip(cards, computed, strict=True):
            origin = card.select_one(".journey-kpi__origin")
            if kpi["metric"] and kpi["provenance"]:
                assert f"as of {kpi['provenance']['as_of'][:10]}" in origin.get_text(
                    " ", strip=True
                )
                assert kpi["provenance"]["sha256"] in origin["title"]


def test_the_index_counts_kpis_and_evidence(example: Build, document: dict[str, Any]) -> None:
    index = example.page("journeys/")
    for record in document["maps"]:
        row = index.select_one(f'tr[data-journey-map="{record["id"]}"]')
        counts = {
            cell["class"][1].removeprefix("journey-kpi-count--"): int(
                cell.get_text(" ", strip=True).split()[0]
            )
            for cell in row.select(
                ".journey-index__kpis .journey-kpi-count:not(.journey-kpi-count--stale)"
            )
        }
        statuses = [k["status"] for s in record["stages"] for k in s["kpis"]]
        assert counts == {status: statuses.count(status) for status in set(statuses)}
        backed = record["evidence_coverage"]
        total = sum(backed[key]["total"] for key in ("touchpoints", "pain_points", "kpis"))
        covered = sum(backed[key]["covered"] for key in ("touchpoints", "pain_points", "kpis"))
        evidence = row.select_one(".journey-index__evidence").get_text(" ", strip=True)
        assert f"{percent(covered / total)} backed" in evidence


# --- moments of truth and feelings, true for the data -----------------------------------------


def _steps(record: dict[str, Any], min_leads: int = 30) -> list[dict[str, Any]]:
    return [s for s in record["analytics"]["funnel"] if s["next_stage"] and s["leads"] >= min_leads]


def test_each_bottleneck_is_the_largest_drop_off(document: dict[str, Any]) -> None:
    found = 0
    for record in document["maps"]:
        steps = _steps(record)
        worst = max(steps, key=lambda s: s["drop_off"])
        [neck] = [m for m in record["moments"] if m["kind"] == "bottleneck"]
        assert (neck["stage"], neck["next_stage"]) == (worst["stage"], worst["next_stage"])
        assert neck["value"] == pytest.approx(1 - worst["reached_next"] / worst["leads"], abs=1e-6)
        found += 1
    assert found == 4
    # The SaaS map's bottleneck is the one its objective is about: trials that never pay.
    saas = _maps(document)["saas-trial-to-paid"]
    assert [
        (m["stage"], m["next_stage"]) for m in saas["moments"] if m["kind"] == "bottleneck"
    ] == [("Decision", "Retention")]


def test_feelings_vs_behaviour_follow_the_funnel_and_the_curve(document: dict[str, Any]) -> None:
    findings = 0
    for record in document["maps"]:
        scores = {s["name"]: s["emotion"]["score"] for s in record["stages"] if s["emotion"]}
        steps = [s for s in _steps(record) if s["stage"] in scores]
        among = math.ceil(len(steps) / 3)
        worst = sorted(steps, key=lambda s: -s["drop_off"])[:among]
        best = sorted(steps, key=lambda s: s["drop_off"])[:among]
        expected = [
            ("happy-yet-leaving" if scores[s["stage"]] > 0 else "unhappy-yet-staying", s["stage"])
            for s in steps
            if (scores[s["stage"]] > 0 and s in worst) or (scores[s["stage"]] < 0 and s in best)
        ]
        got = [(f["kind"], f["stage"]) for f in record["feelings_vs_behaviour"]]
        assert got == expected, record["id"]
        findings += len(got)
    assert findings >= 1


def _saas_leads(path: Path) -> dict[str, list[tuple[dt.datetime, int, str, str, bool]]]:
    """The SaaS file read by hand: every usable row per lead, as (time, row, stage, touchpoint,
    converted). Unusable: a wrong number of fields, no lead, a bad timestamp or revenue, a
    touchpoint on no map, an exact copy of an earlier row."""
    stockholm = ZoneInfo("Europe/Stockholm")
    leads: dict[str, list[tuple[dt.datetime, int, str, str, bool]]] = {}
    seen: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                continue
            lead, when, *_, step, stage, deal, revenue = (value.strip() for value in row)
            try:
                moment = dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=stockholm)
                if revenue and float(revenue) < 0:
                    continue
            except ValueError:
                continue
            if not lead or step == "legacy-landing-page" or tuple(row) in seen:
                continue
            seen.add(tuple(row))
            leads.setdefault(lead, []).append((moment, number, stage, step, deal == "Closed Won"))
    return leads


def test_the_accelerator_is_there_in_the_events_file(
    example: Build, document: dict[str, Any]
) -> None:
    """The webinar helps (the generator makes it so); recount it from the CSV: among the trial
    accounts that reached Consideration before buying, those who joined a webinar before buying
    against those who did not."""
    saas = _maps(document)["saas-trial-to-paid"]
    [accelerator] = [m for m in saas["moments"] if m["kind"] == "accelerator"]
    assert accelerator["touchpoint"] == "saas-webinar"
    leads = _saas_leads(example.project / "data" / "saas-buyer.csv")
    groups = {True: [0, 0], False: [0, 0]}  # joined the webinar: [leads, converted]
    for touches in leads.values():
        touches.sort(key=lambda t: (t[0], t[1]))
        first = next((t[0] for t in touches if t[4]), None)
        before = [t for t in touches if first is None or t[0] < first]
        if not any(t[2] == "Consideration" for t in before):
            continue
        joined = any(t[3] == "saas-webinar" for t in before)
        groups[joined][0] += 1
        groups[joined][1] += first is not None
    numbers = accelerator["numbers"]
    assert (numbers["leads_with"], numbers["converters_with"]) == tuple(groups[True])
    assert (numbers["leads_without"], numbers["converters_without"]) == tuple(groups[False])
    (n1, c1), (n2, c2) = groups[True], groups[False]
    lift = c1 / n1 - c2 / n2
    pooled = (c1 + c2) / (n1 + n2)
    z = lift / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert z == pytest.approx(numbers["z"], abs=1e-5)
    # 5% one-sided, split among the touchpoints the map compares (at most its 17).
    assert numbers["z_needed"] <= NormalDist().inv_cdf(1 - 0.05 / 17)
    assert lift > 0.15
    assert z > numbers["z_needed"]
    # No other touchpoint of any map is claimed: the rest of the data is random.
    claimed = [
        (m["id"], x["touchpoint"])
        for m in document["maps"]
        for x in m["moments"]
        if x["kind"] == "accelerator"
    ]
    assert claimed == [("saas-trial-to-paid", "saas-webinar")]


def test_moments_are_marked_in_the_diagram(example: Build, document: dict[str, Any]) -> None:
    saas = _maps(document)["saas-trial-to-paid"]
    page = example.page(saas["url"])
    svg = page.select_one("#journey-saas-trial-to-paid .journey-diagram svg")
    classes = {c for tag in svg.find_all(True) for c in tag.get("class", [])}
    for kind in ("bottleneck", "accelerator", "high-friction", "flagged"):
        assert f"journey-mark-{kind}" in classes, kind
    legend = page.select_one("#journey-saas-trial-to-paid .journey-legend").get_text(
        " ", strip=True
    )
    assert "Bottleneck" in legend
    assert "Accelerator" in legend


def test_moments_and_findings_are_at_a_glance_and_on_the_curve(
    example: Build, document: dict[str, Any]
) -> None:
    """The glance block lists every moment of journeys.json (figure and reason, in its order) and
    every feelings-vs-behaviour finding; each one is also marked on its stage's cell of the curve
    lane (the curve's own low and high point by a ring on the point)."""
    for record in document["maps"]:
        page = example.page(record["url"])
        root = page.select_one(f"#journey-{record['id']}")
        listed = [
            (
                li["class"][1].removeprefix("journey-moment--"),
                li.select_one(".journey-moment__figure").get_text(strip=True),
                li.select_one(".journey-moment__reason").get_text(strip=True),
            )
            for li in root.select(".journey-glance .journey-moments > li")
        ]
        assert listed == [(m["kind"], m["figure"], m["reason"]) for m in record["moments"]]
        findings = root.select(".journey-glance .journey-feelings > li")
        assert [
            li.select_one(".journey-moment__reason").get_text(strip=True) for li in findings
        ] == [f["text"] for f in record["feelings_vs_behaviour"]]
        stages = [th.get_text(strip=True) for th in root.select("thead th.journey-stage")]
        cells = dict(zip(stages, root.select("tr.journey-row--emotions td"), strict=True))
        for moment in record["moments"]:
            cell = cells[moment["stage"]]
            if moment["kind"] in ("emotional-low", "emotional-peak"):
                assert cell.select_one(".journey-curve__ring") is not None, moment
            else:
                marks = [li["class"] for li in cell.select(".journey-curve__mark")]
                assert [f"journey-moment--{moment['kind']}" in c for c in marks].count(True) >= 1
        for finding in record["feelings_vs_behaviour"]:
            marks = cells[finding["stage"]].select(".journey-curve__mark.journey-feeling")
            assert len(marks) == 1, finding


def test_the_curve_lane_shows_the_share_going_on(example: Build, document: dict[str, Any]) -> None:
    """The emotion lane's second series: each stage's share of leads who reach the next stage,
    from the funnel of journeys.json (reached_next / leads), drawn on its own 0-100% axis."""
    for record in document["maps"]:
        page = example.page(record["url"])
        root = page.select_one(f"#journey-{record['id']}")
        assert [t.get_text() for t in root.select(".journey-curve__going-scale")] == [
            "100%",
            "50%",
            "0%",
        ]
        stages = [th.get_text(strip=True) for th in root.select("thead th.journey-stage")]
        cells = dict(zip(stages, root.select("tr.journey-row--emotions td"), strict=True))
        funnel = {s["stage"]: s for s in record["analytics"]["funnel"] if s["stage"] in cells}
        for stage, cell in cells.items():
            step = funnel.get(stage)
            text = cell.select_one(".journey-curve__going-text")
            point = cell.select_one(".journey-curve__going-point")
            if step is None or not step["next_stage"] or not step["leads"]:
                assert text is None, stage
                assert point is None, stage
                continue
            share = step["reached_next"] / step["leads"]
            assert text.get_text(" ", strip=True) == f"{share:.1%} of its leads go on"
            # 100% at y=16, 0% at y=116: the lane is 132 px with 16 px above and below.
            y = float(point.find_parent("svg")["y"])
            assert y == pytest.approx(16 + (1 - share) * 100, abs=0.01)


def test_the_examples_journeys_json_matches_the_published_schema(document: dict[str, Any]) -> None:
    """Status, provenance (sha256, rows, as of) and the derived moments, on real-looking data."""
    validator = Draft202012Validator(export_schema(), format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []
    computed = [k for _, _, k in _kpis(document) if k["provenance"]]
    assert computed
    for kpi in computed:
        assert len(kpi["provenance"]["sha256"]) == 64
        assert kpi["provenance"]["rows"] > 0
        assert kpi["provenance"]["as_of"]
    assert all(record["moments"] for record in document["maps"])
