"""The emotion curve: view model arithmetic and the template that draws it."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from diagram_helpers import SVG, make_map, parse, trial_map

import mkdocs_journey
from mkdocs_journey.diagrams import CURVE_TEMPLATE, build_emotion_curve
from mkdocs_journey.model import Emotion, Stage

TEMPLATES = Path(mkdocs_journey.__file__).parent / "render" / "templates"


def render(curve) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return environment.get_template(CURVE_TEMPLATE).render(curve=curve)


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
    curve = build_emotion_curve(make_map(scored(*scores)), curve_id="c")
    assert (curve.lowest.stage if curve.lowest else None) == lowest
    assert (curve.highest.stage if curve.highest else None) == highest
    marked = {point.stage: point.moment for point in curve.points if point.moment}
    expected = {lowest: "lowest", highest: "highest"} if lowest and highest else {}
    assert marked == expected


def test_coordinates_follow_the_scale_and_stage_order() -> None:
    curve = build_emotion_curve(trial_map(), curve_id="c")
    assert [point.stage for point in curve.points] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Retention",
    ]
    ys = {point.score: point.y for point in curve.points}
    assert ys[2] < ys[1] < ys[-1] < ys[-2]  # SVG y grows downwards
    assert [line.y for line in curve.grid] == sorted(line.y for line in curve.grid)
    assert ys[2] == curve.grid[0].y
    assert ys[-2] == curve.grid[-1].y
    xs = [tick.x for tick in curve.stages]
    assert xs == sorted(xs)
    assert len(xs) == 5
    assert all(curve.left <= x <= curve.right for x in xs)
    assert curve.polyline == " ".join(f"{p.x},{p.y}" for p in curve.points)


def test_tooltips_hold_the_thoughts() -> None:
    curve = build_emotion_curve(trial_map(), curve_id="c")
    consideration = curve.points[1]
    assert consideration.tooltip == "Consideration: Unsure (-1)\n“Which plan?”\n“Is it worth it?”"
    assert curve.points[0].tooltip == "Awareness: Curious (+1)\n“Looks handy”"


def test_template_draws_an_accessible_svg() -> None:
    svg = render(build_emotion_curve(trial_map(), curve_id="journey-trial-curve"))
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "journey-trial-curve-title"
    assert root.get("aria-describedby") == "journey-trial-curve-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Emotion curve of the journey map Start a free trial"
    assert desc is not None
    assert "the low point at Decision, the high point at Retention" in (desc.text or "")
    assert "<script" not in svg
    assert " on" not in svg.replace(" one", "")
    points = [g for g in root.iter(f"{SVG}g") if "journey-curve-point" in (g.get("class") or "")]
    assert len(points) == 4
    lows = [g for g in points if "journey-curve-lowest" in (g.get("class") or "")]
    assert len(lows) == 1
    assert lows[0].findtext(f"{SVG}title", "").startswith("Decision")
    assert lows[0].findtext(f"{SVG}text") == "Moment of truth"
    assert root.find(f"{SVG}polyline") is not None


def test_template_escapes_author_text() -> None:
    hostile = make_map(
        (
            Stage(
                '<script>alert("x")</script>',
                emotion=Emotion(-2, "a & b", ("</title><g onload=x>",)),
            ),
            Stage("B", emotion=Emotion(2)),
        )
    )
    svg = render(build_emotion_curve(hostile, curve_id='"><script>'))
    root = parse(svg)  # still well-formed
    assert "<script>" not in svg
    assert "<g onload" not in svg
    texts = [element.text or "" for element in root.iter(f"{SVG}title")]
    assert any("</title><g onload=x>" in text for text in texts)
    assert root.get("aria-labelledby") == "script-title"


def test_map_without_emotions() -> None:
    curve = build_emotion_curve(make_map(scored(None, None)), curve_id="c")
    assert curve.points == ()
    assert curve.polyline == ""
    svg = render(curve)
    assert parse(svg).find(f"{SVG}polyline") is None
    assert "No stage of this map has an emotion score." in svg
