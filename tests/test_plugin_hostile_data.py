"""Real builds of the data site with hostile events and map numbers: every odd row is a rejected
row with its reason at its line (on the data-quality page, in the log, in journeys.json), the
good rows give the right numbers, and no figure is infinite or NaN anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Build, run_build

pytestmark = pytest.mark.build

HEADER = "lead_id,timestamp,utm_source,utm_medium,utm_campaign,touchpoint,stage,converted,revenue"
#: The map (tests/fixtures/data-site/docs/index.md): blog (Awareness), pricing (Consideration),
#: checkout (Decision); pricing and checkout are Direct, blog Organic Search.
HOSTILE = [
    "L1,2024-01-01T10:00:00Z,google,organic,,blog,,0,",  # 2
    "L1,2024-01-02T10:00:00Z,partner.example.com\t,referral\t,,pricing,,0,",  # 3: tabs
    "L1,2024-01-03T10:00:00Z,(direct),(none),,checkout,,TRUE,120.50",  # 4: converts
    "L2,152024-01-03T10:00:00Z,google,cpc,,blog,,0,",  # 5: year 152024
    "L2,2024-01-04T10:00:00Z,google,cpc,,pricing,,1,1e308",  # 6: with row 7, sums to inf
    "L2,2024-01-05T10:00:00Z,google,cpc,,pricing,,1,1e308",  # 7
    "L2,2024-01-06T10:00:00Z,google",  # 8: three fields
    "L3,2024-01-06T10:00:00Z,google,cpc,,webinar,Consideration,0,",  # 9: not on the map
    "L3,2024-01-07T10:00:00Z,google,cpc,,pricing,,maybe,",  # 10
    "L3,2024-01-08T10:00:00Z,google,cpc,,checkout,,1.0,80",  # 11: converts
]


def strict_json(path: Path) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{path} holds {constant}, which is not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def set_events(project: Path, rows: list[str], threshold: str = "0.9") -> None:
    (project / "data" / "events.csv").write_text(
        "\n".join([HEADER, *rows]) + "\n", encoding="utf-8"
    )
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("max_rejected_share: 0.9", f"max_rejected_share: {threshold}"),
        encoding="utf-8",
    )


def no_infinite_figures(build: Build, *pages: str) -> None:
    for url in pages:
        text = build.page(url).select_one("article").get_text(" ", strip=True)
        assert not re.search(r"\b(inf|infinity|nan)\b", text, re.IGNORECASE), url


def test_hostile_rows_are_rejected_at_their_rows_and_the_rest_is_right(fixture_site) -> None:
    project = fixture_site("data-site")
    # More distinct page paths in the touchpoint column than touchpoint ids fit in a touch's
    # sort key (65,535): all of them not on the map, none of them refuses the file.
    page_paths = [
        f"L{4 + i % 500},2024-02-{1 + i % 28:02d}T10:00:00Z,google,organic,,/docs/page-{i},,0,"
        for i in range(66_000)
    ]
    set_events(project, HOSTILE + page_paths, threshold="1.0")

    build = run_build(project, strict=True)

    assert build.returncode == 0, build.output
    assert "Traceback" not in build.output
    data = strict_json(build.site / "journeys.json")["maps"][0]["analytics"]
    found = {
        reason: (entry["count"], [(e["row"], e["value"]) for e in entry["examples"]])
        for reason, entry in data["rejected"].items()
    }
    assert found == {
        "unreadable row": (1, [(8, "3 fields, expected 9")]),
        "timestamp out of range": (1, [(5, "152024-01-03T10:00:00Z")]),
        "revenue too large": (2, [(6, "1e308"), (7, "1e308")]),
        "unrecognised converted value": (1, [(10, "maybe")]),
        # The example shows the touchpoint that is not on the map, not the row's stage.
        "touchpoint not on any map": (
            66_001,
            [(9, "webinar")] + [(12 + i, f"/docs/page-{i}") for i in range(4)],
        ),
    }
    # Rows 2, 3, 4 and 11 are used: L1 converts for 120.50 (TRUE), L3 for 80 (1.0); row 3's
    # tab-padded referral is Referral, not Unassigned.
    assert data["totals"] == {
        "rows_read": 66_010,
        "rows_used": 4,
        "leads": 2,
        "paths": 2,
        "conversions": 2,
        "revenue": 200.5,
    }
    assert data["channels"]["totals"]["Referral"] == {"touches": 1, "leads": 1}
    assert data["channels"]["unassigned"] == []
    # Only the 50 most frequent unknown touchpoints are listed, not 66,001.
    assert len(data["coverage"]["unknown_touchpoints"]) == 50

    quality = build.page("journeys/data-quality/").select_one("article").get_text(" ", strip=True)
    for reason, (count, examples) in found.items():
        assert f"{reason} {count:,} " in quality
        for row, value in examples:
            assert f"data/events.csv:{row} {value}" in quality
    assert (
        "journey: crm: 66001 rows not used, touchpoint not on any map: data/events.csv:9 "
        "('webinar'), data/events.csv:12 ('/docs/page-0'), " in build.output
    )
    no_infinite_figures(build, "", "journeys/data-quality/")


def test_strict_fails_when_absurd_values_are_too_many(fixture_site) -> None:
    project = fixture_site("data-site")
    set_events(project, HOSTILE[:7], threshold="0.05")  # 4 of 7 rows rejected

    strict = run_build(project, strict=True)

    assert strict.returncode != 0
    assert "data/events.csv: 4 of 7 rows not used (57.1%, more than max_rejected_share 5.0%)" in (
        strict.output
    )
    assert (
        "data/events.csv: 2 rows not used, revenue too large: data/events.csv:6 ('1e308'), "
        "data/events.csv:7 ('1e308')" in strict.output
    )
    plain = run_build(project)
    assert plain.returncode == 0, plain.output
    totals = strict_json(plain.site / "journeys.json")["maps"][0]["analytics"]["totals"]
    assert totals["revenue"] == 120.5
    no_infinite_figures(plain, "", "journeys/data-quality/")


def test_infinite_numbers_in_a_map_are_errors_at_their_line(fixture_site) -> None:
    project = fixture_site("data-site")
    page = project / "docs" / "index.md"
    text = page.read_text(encoding="utf-8")
    old = "{name: Conversions, target: 5, metric: conversions}"
    assert old in text
    page.write_text(
        text.replace(old, "{name: Conversions, target: .inf}\n      - {name: Odd, target: .nan}"),
        encoding="utf-8",
    )

    build = run_build(project, strict=True)

    assert build.returncode != 0
    assert (
        "journey: index.md:15:37: stages[1].kpis[0].target: expected a finite number, got .inf"
        in build.output
    )
    assert (
        "journey: index.md:16:29: stages[1].kpis[1].target: expected a finite number, got .nan"
        in build.output
    )
    plain = run_build(project)
    assert plain.returncode == 0, plain.output
    strict_json(plain.site / "journeys.json")
