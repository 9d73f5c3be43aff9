"""``mkdocs-journey new``: a page that passes ``check`` as written, and builds once filled in."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_build, run_cli

pytestmark = pytest.mark.build

STAGES = ["Discover", "Try", "Buy"]
CONFIG = """\
site_name: New maps
theme:
  name: material
markdown_extensions:
  - pymdownx.superfences
plugins:
  - search
  - journey:
      stages: [Discover, Try, Buy]
"""
EXISTING = """\
# Team lead

```journey
id: team-lead-trial
title: Team lead tries the product
persona: {id: team-lead, name: Sam, role: Team lead}
stages:
  - name: Discover
```
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, timeout=120)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(EXISTING, encoding="utf-8")
    return tmp_path


def check_json(site: Path) -> dict:
    done = cli("check", "--format", "json", cwd=site)
    return json.loads(done.stdout)


def fill(text: str) -> str:
    """What an author does: uncomment every lane, write every TODO text."""
    text = re.sub(r"^(\s+)# ", r"\1", text, flags=re.MULTILINE)
    number = itertools.count(1)
    text = re.sub(
        r"""(["'])TODO: (.*?)\1""", lambda m: f'"Written {next(number)}: {m.group(2)}"', text
    )
    return text.replace("TODO-persona-id", "office-manager")


def test_the_new_page_uses_the_sites_stages_and_passes_check_with_warnings(site: Path) -> None:
    done = cli(
        "new", "docs/maps/onboarding.md", "--persona", "team-lead", "--owner", "CX team",
        "--title", "Onboarding in a week", cwd=site,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()[0]
        == "wrote docs/maps/onboarding.md: map 'onboarding' with 3 stages"
    )
    text = (site / "docs" / "maps" / "onboarding.md").read_text(encoding="utf-8")
    assert text.startswith("# Onboarding in a week\n")
    assert re.findall(r"^  - name: (.+)$", text, flags=re.MULTILINE) == STAGES
    assert "\npersona: team-lead\n" in text  # an existing persona is referred to by id
    assert "\nowner: CX team\n" in text
    assert f"\nreviewed: {dt.date.today().isoformat()}\n" in text
    # Every lane has a commented example in every stage.
    for lane in ("actions", "touchpoints", "emotion", "pain_points", "opportunities", "kpis",
                 "evidence"):  # fmt: skip
        assert len(re.findall(rf"^    # {lane}:", text, flags=re.MULTILINE)) == 3, lane

    report = check_json(site)
    assert report["exit_status"] == 0
    assert report["errors"] == 0
    placeholders = [p for p in report["problems"] if p["file"] == "docs/maps/onboarding.md"]
    assert [p["message"].split(":")[0] for p in placeholders] == [
        "placeholder left in objective",
        "placeholder left in stages[0].goal",
        "placeholder left in stages[1].goal",
        "placeholder left in stages[2].goal",
    ]
    assert all(p["severity"] == "warning" for p in placeholders)


def test_a_new_persona_gets_a_block_to_fill_in(site: Path) -> None:
    done = cli("new", "docs/renewal.md", "--persona", "team-leed", cwd=site)
    assert done.returncode == 0, done.stderr
    assert "persona 'team-leed' is new: describe it in the page (did you mean 'team-lead'?)" in (
        done.stdout
    )
    text = (site / "docs" / "renewal.md").read_text(encoding="utf-8")
    assert "persona:\n  id: team-leed\n  name: \"TODO: the persona's name" in text
    warnings = [p["message"] for p in check_json(site)["problems"]]
    assert any(m.startswith("placeholder left in persona.name") for m in warnings)


def test_the_filled_page_checks_clean_and_builds_strict(site: Path) -> None:
    assert cli("new", "docs/maps/onboarding.md", cwd=site).returncode == 0
    page = site / "docs" / "maps" / "onboarding.md"
    page.write_text(fill(page.read_text(encoding="utf-8")), encoding="utf-8")
    block = page.read_text(encoding="utf-8").split("```journey\n")[1]
    unfilled = [
        line
        for line in block.splitlines()
        if "TODO" in line and not line.startswith(("# data:", "# tags:"))
    ]
    assert unfilled == []

    report = check_json(site)
    assert report["problems"] == [], report
    assert report["maps"] == 2

    build = run_build(site, strict=True)
    assert build.returncode == 0, build.output
    journey = build.page("maps/onboarding/").select_one("#journey-onboarding")
    assert journey is not None
    headers = [th.get_text(strip=True) for th in journey.select("thead th.journey-stage")]
    assert headers == STAGES
    text = journey.get_text(" ", strip=True)
    for written in ("Written 1:", "the pain, in the persona's words", "the change"):
        assert written in text
    assert journey.select_one("svg.journey-diagram") is not None
    persona = build.page("journeys/personas/office-manager/")
    assert "Written 2: the persona's name" in persona.select_one("article").get_text(
        " ", strip=True
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["docs/index.md"], "docs/index.md already exists (--force overwrites it)"),
        (
            ["notes/map.md"],
            "outside the site's docs folder docs, so the site would not show it "
            "(did you mean docs/map.md?)",
        ),
        (["docs/map.txt"], "a map page is a Markdown file ending in .md"),
        (
            ["docs/other.md", "--id", "team-lead-trial"],
            "map id 'team-lead-trial' is already used by the map in index.md",
        ),
        (["docs/other.md", "--persona", "bad id!"], "persona id 'bad id!' must start with"),
        (["-"], "printing the page (-) needs the map's id: pass --id"),
    ],
)
def test_mistakes_are_refused_with_a_reason(site: Path, args: list[str], message: str) -> None:
    done = cli("new", *args, cwd=site)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (site / "docs" / "other.md").exists()


def test_printing_the_page_and_a_missing_config(site: Path, tmp_path: Path) -> None:
    printed = cli("new", "-", "--id", "printed", cwd=site)
    assert printed.returncode == 0
    assert printed.stdout.startswith("# TODO: a title for the map\n")
    assert "\nid: printed\n" in printed.stdout
    missing = cli("new", "docs/x.md", "--config", "nope.yml", cwd=site)
    assert missing.returncode == 2
    assert missing.stderr.startswith("nope.yml: error: ")


def test_a_title_cannot_break_the_page(site: Path) -> None:
    title = 'Sales: "hand-off" <script>alert(1)</script> # not a comment'
    done = cli("new", "docs/odd.md", "--title", title, cwd=site)
    assert done.returncode == 0, done.stderr
    text = (site / "docs" / "odd.md").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# Sales: hand-off scriptalert(1)/script # not a comment"
    report = check_json(site)
    assert report["errors"] == 0
    build = run_build(site)
    assert build.returncode == 0, build.output
    page = build.page("odd/")
    assert page.select_one("#journey-odd .journey-title").get_text(strip=True) == title
    assert not any("alert(1)" in s.get_text() for s in page.select("script"))
    assert "<script>" not in page.select_one("title").get_text()
