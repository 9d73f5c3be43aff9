from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_journey.model import Kpi, ReviewPolicy
from mkdocs_journey.urls import relative_url


@pytest.mark.parametrize(
    ("reviewed", "policy", "due"),
    [
        (dt.date(2026, 1, 15), ReviewPolicy(6, "months"), dt.date(2026, 7, 15)),
        (dt.date(2025, 8, 31), ReviewPolicy(6, "months"), dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), ReviewPolicy(1, "years"), dt.date(2025, 2, 28)),
        (dt.date(2026, 1, 1), ReviewPolicy(2, "weeks"), dt.date(2026, 1, 15)),
        (dt.date(2026, 1, 1), ReviewPolicy(90, "days"), dt.date(2026, 4, 1)),
    ],
)
def test_review_due(reviewed: dt.date, policy: ReviewPolicy, due: dt.date) -> None:
    assert policy.due(reviewed) == due


@pytest.mark.parametrize(
    ("kpi", "met"),
    [
        (Kpi("conversion", target=20, actual=25), True),
        (Kpi("conversion", target=20, actual=14), False),
        (Kpi("wait time", target=5, actual=3, direction="lower"), True),
        (Kpi("wait time", target=5, actual=8, direction="lower"), False),
        (Kpi("no data", target=5), None),
    ],
)
def test_kpi_met(kpi: Kpi, met: bool | None) -> None:
    assert kpi.met is met


@pytest.mark.parametrize(
    ("target", "current", "link"),
    [
        ("maps/a/", "journeys/", "../maps/a/"),
        ("maps/a/", "", "maps/a/"),
        ("journeys/personas/p/", "maps/a/", "../../journeys/personas/p/"),
        ("maps/a/#journey-x", "journeys/pain-points/", "../../maps/a/#journey-x"),
        ("maps/a.html", "journeys/index.html", "../maps/a.html"),
    ],
)
def test_relative_url(target: str, current: str, link: str) -> None:
    assert relative_url(target, current) == link
