"""Every class the diagrams and curves use has CSS that works on the light and dark schemes."""

from __future__ import annotations

import re

from diagram_helpers import LOOP_FLOW, SVG, parse, trial_map

from mkdocs_journey.diagrams import CSS_FILE, get_renderer, render_flow_diagram
from mkdocs_journey.model import Emotion, FlowEdge, Stage
from mkdocs_journey.render.environment import stylesheet

CSS = CSS_FILE.read_text(encoding="utf-8")
# The colours live in the plugin's one palette (journey.css), for both schemes.
PALETTE = stylesheet()
COLOUR_PROPERTIES = ("fill", "stroke", "color", "background", "background-color")


def rules(css: str = CSS) -> list[tuple[str, str]]:
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [(s.strip(), b.strip()) for s, b in re.findall(r"([^{}]+)\{([^{}]*)\}", text)]


def classes_used() -> set[str]:
    journey_map = trial_map(flow=(*LOOP_FLOW, FlowEdge("Advocacy", "Awareness")))
    stages = (*journey_map.stages, Stage("Calm", touchpoints=(), emotion=Emotion(0)))
    journey_map = type(journey_map)(**{**journey_map.__dict__, "stages": stages})
    flow = render_flow_diagram(
        journey_map,
        renderer=get_renderer(),
        diagram_id="css",
        edge_volumes={("search", "ad"): 10},
    ).svg
    used: set[str] = set()
    for element in parse(flow or "").iter():
        used.update((element.get("class") or "").split())
    return used


def test_every_class_used_has_a_rule() -> None:
    used = classes_used()
    # Everything the SVG can emit is exercised: emotion scale, pains, loops, volumes.
    assert {
        "journey-emotion-neg2",
        "journey-emotion-neutral",
        "journey-emotion-none",
        "journey-emotion-pos2",
        "journey-pain",
        "journey-flow-back",
        "journey-flow-observed",
        "journey-stage-node",
    } <= used
    assert all(name.startswith("journey-") for name in used)
    styled = {name for selector, _ in rules() for name in re.findall(r"\.([\w-]+)", selector)}
    assert used - styled == set()


def test_colours_come_from_theme_variables_defined_for_both_schemes() -> None:
    all_rules = rules(PALETTE)
    schemes = {
        "default": next(b for s, b in all_rules if '[data-md-color-scheme="default"]' in s),
        "slate": next(b for s, b in all_rules if '[data-md-color-scheme="slate"]' in s),
    }
    defined = {
        name: set(re.findall(r"(--journey-[\w-]+)\s*:", body)) for name, body in schemes.items()
    }
    assert defined["default"] == defined["slate"]
    assert defined["default"]
    for selector, body in rules():
        for prop, value in re.findall(r"(?<![\w-])([\w-]+)\s*:\s*([^;]+);", body):
            if prop in COLOUR_PROPERTIES and value not in ("none", "transparent"):
                assert value.startswith(("var(--md-", "var(--journey-")), (
                    f"{selector} {prop}: {value} would not follow the colour scheme"
                )
                for variable in re.findall(r"var\((--journey-[\w-]+)\)", value):
                    assert variable in defined["slate"], f"{variable} has no dark value"


def test_no_colour_is_hard_coded_in_the_svg() -> None:
    svg = render_flow_diagram(trial_map(), renderer=get_renderer(), diagram_id="c").svg or ""
    for element in parse(svg).iter():
        for name in ("fill", "stroke"):
            assert element.get(name) in (None, "none", "transparent"), (element.tag, name)
    assert SVG  # the helpers' namespace is the one the SVG uses
