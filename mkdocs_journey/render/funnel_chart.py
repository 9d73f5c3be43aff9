"""The stage funnel as a drawing: one band per stage, as wide as its share of the leads.

Bands are centred one under the other and joined by a tapering link, so the narrowing of the
journey reads at a glance; every figure is also written beside its band (leads, and the share
that went on to the next stage), so nothing depends on judging widths. Python computes the
coordinates (px, the SVG's user unit); the template ``journey/analytics.html`` draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mkdocs_journey.analytics.result import FunnelStep
from mkdocs_journey.render.numbers import count, percent

WIDTH = 760
NAME_RIGHT = 150  # stage names end here, right-aligned
FUNNEL_LEFT = 162
FUNNEL_WIDTH = 380
VALUE_LEFT = FUNNEL_LEFT + FUNNEL_WIDTH + 14
BAND_HEIGHT = 32
LINK_HEIGHT = 30
MIN_BAND = 3.0  # a stage with a handful of leads still shows as a sliver
TOP = 4


@dataclass(frozen=True)
class FunnelBand:
    stage: str
    leads: str  # "5,600 leads"
    x: float
    y: float
    width: float
    text_y: float  # baseline of the stage name and the leads


@dataclass(frozen=True)
class FunnelLink:
    points: str  # the tapering shape between two bands, "x,y x,y x,y x,y"
    text: str  # "49.8% went on to Consideration"
    text_y: float


@dataclass(frozen=True)
class FunnelChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    name_right: int
    value_left: int
    bands: tuple[FunnelBand, ...]
    links: tuple[FunnelLink, ...]


def funnel_chart(steps: Sequence[FunnelStep], *, anchor: str) -> FunnelChart | None:
    if not steps:
        return None
    largest = max(step.leads for step in steps) or 1
    centre = FUNNEL_LEFT + FUNNEL_WIDTH / 2
    bands: list[FunnelBand] = []
    links: list[FunnelLink] = []
    for index, step in enumerate(steps):
        y = TOP + index * (BAND_HEIGHT + LINK_HEIGHT)
        size = max(MIN_BAND, FUNNEL_WIDTH * step.leads / largest)
        bands.append(
            FunnelBand(
                stage=step.stage,
                leads=f"{count(step.leads)} leads",
                x=round(centre - size / 2, 1),
                y=y,
                width=round(size, 1),
                text_y=y + BAND_HEIGHT / 2 + 5,
            )
        )
    for before, after, step in zip(bands, bands[1:], steps, strict=False):
        top, bottom = before.y + BAND_HEIGHT, after.y
        points = (
            f"{before.x},{top} {before.x + before.width},{top} "
            f"{after.x + after.width},{bottom} {after.x},{bottom}"
        )
        went_on = (
            f"{percent(step.conversion_to_next)} went on to {step.next_stage}"
            if step.next_stage and step.conversion_to_next is not None
            else ""
        )
        links.append(FunnelLink(points, went_on, top + LINK_HEIGHT / 2 + 5))
    sentences = []
    for step in steps:
        sentence = f"{step.stage}: {count(step.leads)} leads"
        if step.next_stage and step.conversion_to_next is not None:
            sentence += f", {percent(step.conversion_to_next)} went on to {step.next_stage}"
        sentences.append(sentence)
    height = TOP + len(steps) * BAND_HEIGHT + (len(steps) - 1) * LINK_HEIGHT + TOP
    return FunnelChart(
        id=f"{anchor}-funnel-chart",
        title="Stage funnel: leads reaching each stage",
        description="; ".join(sentences) + ".",
        width=WIDTH,
        height=int(height),
        name_right=NAME_RIGHT,
        value_left=VALUE_LEFT,
        bands=tuple(bands),
        links=tuple(links),
    )
