"""A KPI naming what the map or the site does not have fails ``mkdocs build --strict`` at the
page and line of its metric, with a "did you mean"; what only the data can tell is a warning."""

from __future__ import annotations

import pytest

from tests.conftest import copy_fixture, run_build

pytestmark = pytest.mark.build

MAP = "docs/maps/shop.md"


@pytest.mark.parametrize(
    ("line", "old", "new", "message"),
    [
        (
            36,
            "metric: conversion_rate",
            "metric: conversion_rat",
            "maps/shop.md:36:17: KPI 'Leads who convert': unknown metric 'conversion_rat' "
            "(did you mean 'conversion_rate'?)",
        ),
        (
            77,
            "metric: stage_conversion:Consideration",
            "metric: stage_conversion:Considration",
            "maps/shop.md:77:17: KPI 'Considering leads who decide': metric "
            "'stage_conversion:Considration': the map has no stage 'Considration' "
            "(did you mean 'Consideration'?)",
        ),
        (
            45,
            "metric: touched_before_conversion:demo",
            "metric: touched_before_conversion:demos",
            "maps/shop.md:45:17: KPI 'Converters who saw a demo first': metric "
            "'touched_before_conversion:demos': the map has no touchpoint 'demos' "
            "(did you mean 'demo'?)",
        ),
        (
            84,
            "metric: channel_share:Consideration:Email",
            "metric: channel_share:Consideration:E-mail",
            "maps/shop.md:84:17: KPI 'Entries through email': metric "
            "'channel_share:Consideration:E-mail': no channel "
            "'E-mail' on this site (did you mean 'Email'?)",
        ),
        (
            84,
            "metric: channel_share:Consideration:Email",
            "metric: channel_share:Consideration",
            "maps/shop.md:84:17: KPI 'Entries through email': metric "
            "'channel_share:Consideration' needs a stage and a channel: "
            "channel_share:<Stage>:<Channel>",
        ),
    ],
    ids=["metric", "stage", "touchpoint", "channel", "form"],
)
def test_an_unknown_name_in_a_kpi_fails_strict_at_its_line(
    tmp_path, line: int, old: str, new: str, message: str
) -> None:
    project = copy_fixture("kpis", tmp_path)
    page = project / MAP
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[line - 1].strip() == old
    lines[line - 1] = lines[line - 1].replace(old, new)
    page.write_text("".join(lines), encoding="utf-8")
    build = run_build(project, strict=True)
    assert build.returncode != 0
    assert message in build.output


def test_window_and_as_of_mistakes_are_errors(tmp_path) -> None:
    project = copy_fixture("kpis", tmp_path)
    page = project / MAP
    text = page.read_text(encoding="utf-8")
    text = text.replace(
        "        since: 2024-03-01\n", "        since: 2024-03-01\n        as_of: 2024-03-02\n"
    )
    text = text.replace("        actual: 31\n", "        actual: 31\n        until: 2024-01-31\n")
    page.write_text(text, encoding="utf-8")
    build = run_build(project, strict=True)
    assert build.returncode != 0
    assert (
        "KPI 'Conversion rate in March': 'as_of' dates a hand-written actual; a metric's figure "
        "carries the time of the latest event of its data"
    ) in build.output
    assert "KPI 'NPS': 'until' sets the date window of a metric, and this KPI has no 'metric'" in (
        build.output
    )


def test_a_tolerance_in_words_is_explained(tmp_path) -> None:
    project = copy_fixture("kpis", tmp_path)
    page = project / MAP
    page.write_text(
        page.read_text(encoding="utf-8").replace("at_risk_within: 10%", "at_risk_within: ten"),
        encoding="utf-8",
    )
    build = run_build(project, strict=True)
    assert build.returncode != 0
    assert (
        "stages[0].kpis[0].at_risk_within: expected a share of the target such as '10%', or an "
        "amount such as 0.5, got 'ten'"
    ) in build.output


def test_an_event_the_data_never_has_is_a_warning_with_the_closest(tmp_path) -> None:
    project = copy_fixture("kpis", tmp_path)
    page = project / MAP
    page.write_text(
        page.read_text(encoding="utf-8").replace("event:Demo_Booked", "event:demo_boked"),
        encoding="utf-8",
    )
    build = run_build(project, strict=True)
    # Zero rows is a value (a KPI may count something that has not happened yet): the build
    # passes, and says which event names the data has.
    assert build.returncode == 0, build.output
    assert (
        "KPI 'Demo bookings': no row of source 'shop' has the event 'demo_boked' "
        "(did you mean 'demo_booked'?)"
    ) in build.output
