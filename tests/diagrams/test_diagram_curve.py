"""The emotion curve as a lane of the stage grid: the arithmetic and the cells that draw it."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from diagram_helpers import make_map, trial_map

from mkdocs_journey.diagrams import build_emotion_lane
from mkdocs_journey.diagrams.curve import LANE_HEIGHT, score_y
from mkdocs_journey.model import Emotion, Stage
from mkdocs_journey.render.environment import make_environment
from mkdocs_journey.render.views import map_view


def scored(*scores: int | None) -> tuple[Stage, ...]:
    return tuple(
        Stage(f"S{index}", emotion=None if score is None else Emotion(score, f"mood {index}"))
        for index, score in enumerate(scores)
    )


@pytest.mark.parametrize(
    ("scores", "lowest", "highest"),
    [
        ((1, -1, -2, 2, None), "S2", "S3"),
        ((0, -2, 1, -2, 1), "S1", "S2"),  # ties: the first
        ((2, 2, -1), "S2", "S0"),
        ((None, 1, None, -1), "S3", "S1"),
        ((1, 1, 1), None, None),  # a flat curve has no moment of truth
        ((0,), None, None),
        ((), None, None),
        ((5, -7), "S1", "S0"),  # scores outside the scale are clamped
    ],
)
def test_moments_of_truth(scores, lowest: str | None, highest: str | None) -> None:
    lane = build_emotion_lane(make_map(scored(*scores)))
    assert (lane.lowest.stage if lane.lowest else None) == lowest
    assert (lane.highest.stage if lane.highest else None) == highest
    marked = {cell.stage: cell.moment for cell in lane.cells if cell.moment}
    expected = {lowest: "lowest", highest: "highest"} if lowest and highest else {}
    assert marked == expected


def test_every_stage_has_a_cell_and_the_pieces_meet() -> None:
    lane = build_emotion_lane(make_map(scored(1, -1, -2, 2, 0)))
    assert [cell.stage for cell in lane.cells] == ["S0", "S1", "S2", "S3", "S4"]
    ys = [cell.y for cell in lane.cells]
    assert ys == [score_y(s) for s in (1, -1, -2, 2, 0)]
    assert score_y(2) < score_y(1) < score_y(0) < score_y(-1) < score_y(-2)  # y grows downwards
    assert score_y(2) > 0
    assert score_y(-2) < LANE_HEIGHT
    # The first column has no line coming in, the last none going out.
    assert lane.cells[0].enter_y is None
    assert lane.cells[-1].leave_y is None
    # Each column leaves at the height where the next one comes in: one unbroken line.
    for left, right in zip(lane.cells, lane.cells[1:], strict=False):
        assert left.leave_y == right.enter_y == pytest.approx((left.y + right.y) / 2)
    assert [line.y for line in lane.grid] == sorted(line.y for line in lane.grid)
    assert [line.label for line in lane.grid] == ["+2", "+1", "0", "-1", "-2"]


def test_a_stage_without_emotion_breaks_the_line() -> None:
    lane = build_emotion_lane(make_map(scored(1, None, -1)))
    middle = lane.cells[1]
    assert middle.score is None
    assert middle.y is middle.enter_y is middle.leave_y is None
    assert lane.cells[0].leave_y is None
    assert lane.cells[2].enter_y is None
    assert lane.cells[1].css_class == "journey-emotion-none"


def test_description_says_the_curve_in_words() -> None:
    lane = build_emotion_lane(trial_map())
    assert lane.description.startswith("Emotion by stage, from -2 to +2: Awareness +1 (Curious)")
    assert "the low point at Decision, the high point at Retention" in lane.description
    assert build_emotion_lane(make_map(scored(None, None))).description == (
        "No stage of this map has an emotion score."
    )


def _grid(journey_map) -> BeautifulSoup:
    view = map_view(journey_map, today=dt.date(2026, 1, 1))
    html = make_environment().get_template("journey/stage-table.html").render(view=view)
    return BeautifulSoup(html, "html.parser")


def test_each_column_draws_its_own_piece_at_its_centre() -> None:
    soup = _grid(trial_map())
    cells = soup.select("tr.journey-row--emotions td.journey-curve-cell")
    assert len(cells) == 5  # Advocacy has no emotion, but keeps its column
    for cell in cells[:4]:
        point = cell.select_one("circle.journey-curve__point")
        assert point["cx"] == "50%"
        svg = cell.select_one("svg.journey-curve__drawing")
        assert svg["aria-hidden"] == "true"
        assert svg["width"] == "100%"
    assert cells[4].select_one("circle") is None
    assert cells[4].select_one(".journey-curve__none").get_text() == "No emotion recorded"
    low = soup.select("td.journey-curve-cell circle.journey-curve__ring")
    assert len(low) == 2  # rings around the low and the high point
    labels = [p.get_text(" ", strip=True) for p in soup.select(".journey-curve__label")]
    assert labels[0] == "+1 Curious"
    assert "moment of truth: low point" in labels[2]
    caption = soup.select_one("table.journey-table caption").get_text(" ", strip=True)
    assert "the low point at Decision" in caption


def test_author_text_in_the_lane_is_escaped() -> None:
    hostile = make_map(
        (
            Stage('<script>alert("x")</script>', emotion=Emotion(-2, "a & b", ("</q><b>x",))),
            Stage("B", emotion=Emotion(2)),
        )
    )
    html = str(_grid(hostile))
    assert "<script>" not in html
    assert "<b>x" not in html
    assert "a &amp; b" in html


def test_the_share_going_on_is_a_second_series_on_its_own_axis() -> None:
    """0% at the bottom of the plot (y 116), 100% at its top (y 16); each piece of the dashed
    line meets its neighbour halfway, and a stage without a share breaks it."""
    lane = build_emotion_lane(
        make_map(scored(1, -2, 0, 2)), going_on={"S0": 0.5, "S1": 0.75, "S3": 0.2}
    )
    cells = {cell.stage: cell for cell in lane.cells}
    assert [cells[s].going_y for s in ("S0", "S1", "S2", "S3")] == [66.0, 41.0, None, 96.0]
    assert [cells[s].going_on_text for s in ("S0", "S1", "S2", "S3")] == [
        "50.0%",
        "75.0%",
        "",
        "20.0%",
    ]
    # S0 -> S1: halfway between 66 and 41; S1 has no neighbour on its right (S2 has no share).
    assert (cells["S0"].going_enter_y, cells["S0"].going_leave_y) == (None, 53.5)
    assert (cells["S1"].going_enter_y, cells["S1"].going_leave_y) == (53.5, None)
    assert (cells["S3"].going_enter_y, cells["S3"].going_leave_y) == (None, None)
    assert [line.label for line in lane.going_grid] == ["100%", "50%", "0%"]
    assert [line.y for line in lane.going_grid] == [16.0, 66.0, 116.0]
    assert "S0 50.0%; S1 75.0%; S3 20.0%" in lane.description
    # Without data the lane has no second axis.
    assert build_emotion_lane(make_map(scored(1, -2))).going_grid == ()
