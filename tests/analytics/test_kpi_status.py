"""KPI status from target, direction and tolerance; freshness from the map's review cadence."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_journey.analytics.kpi_status import AssessedKpi, assess, kpi_status, worst_first
from mkdocs_journey.model import DataProvenance, Kpi, ReviewPolicy, Stage, Tolerance

TEN_PERCENT = Tolerance(10, relative=True)


@pytest.mark.parametrize(
    ("target", "actual", "direction", "tolerance", "status"),
    [
        (40, 40, "higher", None, "met"),  # on the target is met
        (40, 41, "higher", None, "met"),
        (40, 39.9, "higher", None, "missed"),  # no tolerance: no "at risk"
        (40, 36, "higher", TEN_PERCENT, "at-risk"),  # 10% of 40 = 4: 36 is on the edge
        (40, 35.9, "higher", TEN_PERCENT, "missed"),
        (7, 7.5, "lower", Tolerance(1), "at-risk"),  # 0.5 over, band 1
        (7, 8.5, "lower", Tolerance(1), "missed"),
        (7, 6, "lower", Tolerance(1), "met"),
        (-10, -10.5, "higher", TEN_PERCENT, "at-risk"),  # the band is 10% of |target|
        (0, -1, "higher", TEN_PERCENT, "missed"),  # 10% of 0 is no band at all
        (None, 3, "higher", None, "unknown"),
        (3, None, "higher", None, "unknown"),
    ],
)
def test_status(
    target: float | None,
    actual: float | None,
    direction: str,
    tolerance: Tolerance | None,
    status: str,
) -> None:
    kpi = Kpi("k", target=target, actual=actual, direction=direction, at_risk_within=tolerance)
    assert kpi_status(kpi) == status


MONTHLY = ReviewPolicy(1, "months")
TODAY = dt.date(2024, 4, 10)


@pytest.mark.parametrize(
    ("kpi", "cadence", "stale", "due"),
    [
        # Hand-written, measured Mar 10: fresh until Apr 10, the build's day.
        (Kpi("k", 1, actual=1, as_of=dt.date(2024, 3, 10)), MONTHLY, False, dt.date(2024, 4, 10)),
        (Kpi("k", 1, actual=1, as_of=dt.date(2024, 3, 9)), MONTHLY, True, dt.date(2024, 4, 9)),
        # Without a date, or without a cadence, nothing can be called stale.
        (Kpi("k", 1, actual=1), MONTHLY, False, None),
        (Kpi("k", 1, actual=1, as_of=dt.date(2020, 1, 1)), None, False, None),
        # Computed: dated by the latest event of its data.
        (
            Kpi(
                "k",
                1,
                actual=1,
                metric="leads",
                provenance=DataProvenance(
                    "s", "f", "0" * 64, 3, dt.datetime(2024, 2, 6, 9, tzinfo=dt.timezone.utc)
                ),
            ),
            MONTHLY,
            True,
            dt.date(2024, 3, 6),
        ),
        # A metric without data has neither an actual nor a date.
        (Kpi("k", 1, metric="leads"), MONTHLY, False, None),
    ],
)
def test_freshness(
    kpi: Kpi, cadence: ReviewPolicy | None, stale: bool, due: dt.date | None
) -> None:
    assessment = assess(kpi, cadence, TODAY)
    assert (assessment.stale, assessment.due) == (stale, due)


def test_worst_first_puts_misses_then_risks_then_stale_figures_first() -> None:
    stage = Stage("Awareness")
    old = dt.date(2020, 1, 1)
    kpis = [
        Kpi("met", 1, actual=2),
        Kpi("stale", 1, actual=2, as_of=old),
        Kpi("no data", 1),
        Kpi("at risk", 10, actual=9.5, at_risk_within=TEN_PERCENT),
        Kpi("missed", 1, actual=0),
    ]
    ordered = worst_first(
        tuple(AssessedKpi(stage, kpi, assess(kpi, MONTHLY, TODAY)) for kpi in kpis)
    )
    assert [item.kpi.name for item in ordered] == ["missed", "at risk", "stale", "no data", "met"]
