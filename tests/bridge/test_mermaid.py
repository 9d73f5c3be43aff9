"""Maps as Mermaid journeys: every exported example map parses with Mermaid's own parser (the
mermaid npm package under node), and a diagram a team drew imports as the expected map."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mkdocs_journey.bridge.cli import site_maps
from mkdocs_journey.bridge.mermaid import map_of_mermaid, map_score, mermaid_of_map, mermaid_score
from mkdocs_journey.model import DEFAULT_STAGES, Emotion, JourneyMap, Persona, Stage, Touchpoint
from tests.conftest import copy_fixture, run_cli

ROOT = Path(__file__).parents[2]
SUPPORT = ROOT / "tests" / "support" / "mermaid"
SAMPLE = ROOT / "tests" / "fixtures" / "mermaid" / "onboarding.mmd"


def mermaid_parse(texts: list[str]) -> list[dict]:
    """Each text through Mermaid's parser, in one node process."""
    node = shutil.which("node")
    if node is None or not (SUPPORT / "node_modules" / "mermaid").is_dir():
        pytest.fail(
            "Mermaid's parser is not installed: run `make test-support` (npm ci in "
            f"{SUPPORT.relative_to(ROOT)}), which `make test` does first",
            pytrace=False,
        )
    done = subprocess.run(
        [node, str(SUPPORT / "parse-journey.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=SUPPORT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("score", "mermaid"), [(-2, 1), (-1, 2), (0, 3), (1, 4), (2, 5), (None, 3)]
)
def test_scores_map_both_ways(score: int | None, mermaid: int) -> None:
    assert mermaid_score(score) == mermaid
    if score is not None:
        assert map_score([mermaid]) == score


@pytest.mark.build
def test_every_example_map_parses_with_mermaid() -> None:
    site = site_maps(ROOT / "example-site" / "mkdocs.yml")
    maps = [r.journey_map for r in site.readings if r.journey_map is not None]
    results = mermaid_parse([mermaid_of_map(m) for m in maps])
    for journey_map, result in zip(maps, results, strict=True):
        assert result["ok"], (journey_map.id, result)
        assert result["type"] == "journey"
        assert result["title"] == journey_map.title
        assert result["sections"] == [stage.name for stage in journey_map.stages]
        expected = [
            (stage.name, action, stage.emotion.score + 3 if stage.emotion else 3)
            for stage in journey_map.stages
            for action in stage.actions
        ]
        assert [(t["section"], t["task"], t["score"]) for t in result["tasks"]] == expected
        assert result["actors"] == [journey_map.persona.name]


@pytest.mark.build
def test_text_mermaid_would_misread_is_written_safely_and_read_back() -> None:
    awkward = JourneyMap(
        id="awkward",
        title="Pricing: #1 question; really",
        persona=Persona("p", "Dana, owner"),
        stages=(
            Stage("Awareness", actions=("section leads approve", "Ratio 3:1 # of ads; then more")),
            Stage(
                "Decision", touchpoints=(Touchpoint("t", "Checkout: step 2"),), emotion=Emotion(-2)
            ),
            Stage("Retention", goal="Stay"),
        ),
    )
    text = mermaid_of_map(awkward)
    (result,) = mermaid_parse([text])
    assert result["ok"], result
    assert result["sections"] == ["Awareness", "Decision", "Retention"]
    assert [(t["task"], t["score"]) for t in result["tasks"]] == [
        ("\u200bsection leads approve", 3),
        ("Ratio 3\ua7891 \uff03 of ads\uff1b then more", 3),
        ("Checkout\ua789 step 2", 1),
        ("Stay", 3),
    ]
    assert result["actors"] == ["Dana owner"]
    back = map_of_mermaid(text, stages=DEFAULT_STAGES)
    assert back.problems == []
    assert back.data["title"] == "Pricing: #1 question; really"
    assert back.data["stages"][0]["actions"] == [
        "section leads approve",
        "Ratio 3:1 # of ads; then more",
    ]


@pytest.mark.build
def test_a_team_diagram_imports_as_the_expected_map() -> None:
    (parsed,) = mermaid_parse([SAMPLE.read_text(encoding="utf-8")])
    assert parsed["ok"], parsed  # the sample is a diagram Mermaid itself accepts
    reading = map_of_mermaid(SAMPLE.read_text(encoding="utf-8"), stages=DEFAULT_STAGES)
    assert [str(p) for p in reading.problems] == [
        "line 13: section 'Booking' is not one of the site's stages (Awareness, Consideration, "
        "Decision, Retention, Advocacy); its tasks are left out",
    ]
    assert reading.notes == [
        "a map has one persona: 'Patient', the most frequent actor; also named: Friend"
    ]
    assert reading.data == {
        "id": "clinic-patient-booking-a-first-appointment",
        "title": "Clinic patient: booking a first appointment",
        "persona": {"id": "patient", "name": "Patient"},
        "objective": "Where do new patients give up between finding the clinic and the first "
        "visit?",
        "stages": [
            {
                "name": "Awareness",
                "actions": ['Searches "physio near me"', "Reads Google reviews"],
                "emotion": {"score": 1},  # mean of 3 and 4 is 3.5: rounded half up to 4
            },
            {
                "name": "Consideration",
                "actions": ["Compares prices: session vs package"],
                "emotion": {"score": -1},
            },
            {
                "name": "Decision",
                "actions": ["Books online after 9pm", "Gets a confirmation SMS"],
                "emotion": {"score": 0},
            },
            {"name": "Retention", "actions": ["Reminder the day before"], "emotion": {"score": 2}},
        ],
    }


@pytest.mark.build
def test_importing_a_diagram_writes_a_page_that_passes_check(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    shutil.copy(SAMPLE, project / "clinic.mmd")

    def journey(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=project, timeout=120)

    done = journey("import", "clinic.mmd", "-o", "docs/maps/clinic.md")
    assert done.returncode == 1  # the Booking section could not be placed
    assert "clinic.mmd: line 13: section 'Booking' is not one of the site's stages" in done.stderr
    check = journey("check")
    assert check.returncode == 0, check.stdout
    again = journey("export", "clinic-patient-booking-a-first-appointment", "--format", "mermaid")
    assert again.returncode == 0, again.stderr
    (result,) = mermaid_parse([again.stdout])
    assert result["ok"], result
    assert [t["score"] for t in result["tasks"]] == [4, 4, 2, 3, 3, 5]
