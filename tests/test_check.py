"""``mkdocs-journey check`` as CI runs it: formats, exit codes and positions from the repo root.

The fixture sites are copied into a folder of a temporary "repository", so the site sits in a
subfolder (``handbook/``) and the command runs from the repository root, as on GitHub Actions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mkdocs_journey.check import Finding
from mkdocs_journey.check_output import escape_data, escape_property, github_command
from mkdocs_journey.model import Severity
from tests.conftest import FIXTURES, run_cli

pytestmark = pytest.mark.build

SCORE = "stages[0].emotion.score must be between -2 and 2, got 7"


def check(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return run_cli("check", *args, cwd=cwd, env={**environment, **(env or {})}, timeout=120)


def repository_with(tmp_path: Path, fixture: str) -> Path:
    """A folder standing for the repository root, with the fixture site in ``handbook/``."""
    shutil.copytree(
        FIXTURES / fixture, tmp_path / "handbook", ignore=shutil.ignore_patterns("site")
    )
    return tmp_path


def text_at(path: Path, line: int, column: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1 :]


def test_github_annotations_point_at_the_file_line_and_column_from_the_repo_root(
    tmp_path: Path,
) -> None:
    repo = repository_with(tmp_path, "errors")
    done = check("--config", "handbook/mkdocs.yml", "--format", "github", cwd=repo)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        "::error file=handbook/docs/front-matter-key.md,line=7,col=7,title=Journey map::"
        "unknown key 'touchpionts' in stages[0] (did you mean 'touchpoints'?)",
        f"::error file=handbook/docs/score.md,line=9,col=14,title=Journey map::{SCORE}",
        "::error file=handbook/docs/second-block.md,line=17,col=5,title=Journey map::"
        "unknown key 'oportunities' in stages[0] (did you mean 'opportunities'?)",
        "::error file=handbook/docs/unknown-stage.md,line=8,col=11,title=Journey map::"
        "unknown stage 'Purchse' (did you mean 'Decision'? ('purchase' is called 'Decision' "
        "on this site))",
        "2 maps checked: 4 errors, 0 warnings",
    ]
    # Each annotation lands on the culprit: the file exists from here, and at line:col is the
    # key or value the message names.
    assert text_at(repo / "handbook/docs/front-matter-key.md", 7, 7).startswith("touchpionts:")
    assert text_at(repo / "handbook/docs/score.md", 9, 14) == "7"
    assert text_at(repo / "handbook/docs/second-block.md", 17, 5).startswith("oportunities:")
    assert text_at(repo / "handbook/docs/unknown-stage.md", 8, 11) == "Purchse"


def test_github_format_is_the_default_on_github_actions(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "errors")
    on_actions = check("--config", "handbook/mkdocs.yml", cwd=repo, env={"GITHUB_ACTIONS": "true"})
    assert on_actions.returncode == 1
    assert on_actions.stdout.startswith("::error file=handbook/docs/")
    asked = check(
        "--config", "handbook/mkdocs.yml", "--format", "text", cwd=repo,
        env={"GITHUB_ACTIONS": "true"},
    )  # fmt: skip
    assert asked.stdout.startswith("handbook/docs/front-matter-key.md:7:7: error: unknown key")


def test_text_format(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "errors")
    done = check("--config", "handbook/mkdocs.yml", cwd=repo)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert f"handbook/docs/score.md:9:14: error: {SCORE}" in lines
    assert lines[-1] == "2 maps checked: 4 errors, 0 warnings"
    # From inside the site's folder, the same problem is docs/score.md.
    inside = check(cwd=repo / "handbook")
    assert f"docs/score.md:9:14: error: {SCORE}" in inside.stdout.splitlines()


def test_json_format(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "errors")
    done = check("--config", "handbook/mkdocs.yml", "--format", "json", cwd=repo)
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert {k: v for k, v in document.items() if k != "problems"} == {
        "version": 1,
        "config": "handbook/mkdocs.yml",
        "maps": 2,
        "errors": 4,
        "warnings": 0,
        "notes": 0,
        "exit_status": 1,
    }
    assert document["problems"][0] == {
        "severity": "error",
        "file": "handbook/docs/front-matter-key.md",
        "line": 7,
        "column": 7,
        "title": "Journey map",
        "message": "unknown key 'touchpionts' in stages[0]",
        "hint": "did you mean 'touchpoints'?",
    }


def test_stale_maps_warn_and_fail_with_fail_on_stale(tmp_path: Path) -> None:
    # The basic site's "owner" map was reviewed 2025-01-10, every 6 months; today is 2026-06-01.
    repo = repository_with(tmp_path, "basic")
    stale = (
        "map 'owner' is past its review date: reviewed 2025-01-10, to be reviewed every "
        "6 months, so due on 2025-07-10 (review the map, then set 'reviewed' to the day you did)"
    )
    done = check("--config", "handbook/mkdocs.yml", cwd=repo)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines() == [
        f"handbook/docs/maps/front.md:8:13: warning: {stale}",
        "3 maps checked: 0 errors, 1 warning",
    ]
    assert text_at(repo / "handbook/docs/maps/front.md", 8, 13) == "2025-01-10"
    github = check("--config", "handbook/mkdocs.yml", "--format", "github", cwd=repo)
    assert github.stdout.splitlines()[0] == (
        "::warning file=handbook/docs/maps/front.md,line=8,col=13,"
        f"title=Journey map review overdue::{stale}"
    )
    strict = check("--config", "handbook/mkdocs.yml", "--fail-on-stale", cwd=repo)
    assert strict.returncode == 1
    assert strict.stdout.splitlines() == [
        f"handbook/docs/maps/front.md:8:13: error: {stale}",
        "3 maps checked: 1 error, 0 warnings",
    ]


def test_fail_on_warning(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "basic")
    assert check("--config", "handbook/mkdocs.yml", "--fail-on", "error", cwd=repo).returncode == 0
    done = check("--config", "handbook/mkdocs.yml", "--fail-on", "warning", cwd=repo)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "3 maps checked: 0 errors, 1 warning"


def test_a_clean_site_exits_0(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "extension")
    (repo / "handbook" / "mkdocs.yml").write_text(
        "site_name: Clean\nplugins:\n  - journey:\n      today: 2026-11-01\n", encoding="utf-8"
    )
    for output_format in ("text", "github"):
        done = check("--config", "handbook/mkdocs.yml", "--format", output_format, cwd=repo)
        assert done.returncode == 0, done.stdout
        assert done.stdout == "1 map checked: 0 errors, 0 warnings\n"
    document = json.loads(
        check("--config", "handbook/mkdocs.yml", "--format", "json", cwd=repo).stdout
    )
    assert (document["errors"], document["warnings"], document["exit_status"]) == (0, 0, 0)
    assert document["problems"] == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (None, "handbook/mkdocs.yml: error: no such file (pass the site's config with --config)"),
        ("site_name: X\n", "handbook/mkdocs.yml: error: the journey plugin is not enabled"),
        ("site_name: [unclosed\n", "handbook/mkdocs.yml: error: "),
        ("site_name: X\nplugins:\n  - journey:\n      stages: Awareness\n", "handbook/"),
    ],
)
def test_a_config_that_cannot_be_used_exits_2(
    tmp_path: Path, config: str | None, message: str
) -> None:
    (tmp_path / "handbook" / "docs").mkdir(parents=True)
    if config is not None:
        (tmp_path / "handbook" / "mkdocs.yml").write_text(config, encoding="utf-8")
    done = check("--config", "handbook/mkdocs.yml", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.startswith(message)
    assert "Traceback" not in done.stderr
    github = check("--config", "handbook/mkdocs.yml", "--format", "github", cwd=tmp_path)
    assert github.returncode == 2
    assert github.stdout.startswith("::error file=handbook/mkdocs.yml,title=Journey config::")
    document = json.loads(
        check("--config", "handbook/mkdocs.yml", "--format", "json", cwd=tmp_path).stdout
    )
    assert document["exit_status"] == 2
    assert document["problems"][0]["file"] == "handbook/mkdocs.yml"


def test_an_unknown_plugin_option_is_an_error_of_the_config(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "extension")
    (repo / "handbook" / "mkdocs.yml").write_text(
        "site_name: X\nplugins:\n  - journey:\n      stagse: [Awareness]\n", encoding="utf-8"
    )
    done = check("--config", "handbook/mkdocs.yml", cwd=repo)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "handbook/mkdocs.yml: error: Config value 'plugins': Plugin 'journey' option 'stagse': "
        "Unrecognised configuration name: stagse (did you mean 'stages'?)"
    )
    assert done.stderr == ""


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    done = check("--format", "xml", cwd=tmp_path)
    assert done.returncode == 2
    assert "invalid choice: 'xml'" in done.stderr


def test_site_wide_messages_name_their_file(tmp_path: Path) -> None:
    repo = repository_with(tmp_path, "data-site")
    config = repo / "handbook" / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("data/events.csv", "data/missing.csv"),
        encoding="utf-8",
    )
    done = check("--config", "handbook/mkdocs.yml", "--format", "github", cwd=repo)
    assert done.returncode == 1
    config_lines = [line for line in done.stdout.splitlines() if "file=handbook/mkdocs.yml" in line]
    assert len(config_lines) == 1, done.stdout
    assert config_lines[0].startswith(
        "::error file=handbook/mkdocs.yml,title=Journey site config or data::data_sources: "
    )
    assert "data/missing.csv" in config_lines[0]


def test_author_text_cannot_forge_a_workflow_command(tmp_path: Path) -> None:
    # A key that carries a newline and a workflow command, in a page whose name has a comma
    # and a colon: still one annotation line, with the page name intact.
    repo = repository_with(tmp_path, "extension")
    site = repo / "handbook"
    (site / "mkdocs.yml").write_text("site_name: X\nplugins:\n  - journey\n", encoding="utf-8")
    (site / "docs" / "index.md").unlink()
    (site / "docs" / "a, b: c%.md").write_text(
        "# Odd\n\n```journey\nid: odd\ntitle: Odd\nstages:\n  - name: Awareness\n"
        '    "x\\n::error file=evil.md::forged %0A": 1\n```\n',
        encoding="utf-8",
    )
    done = check("--config", "handbook/mkdocs.yml", "--format", "github", cwd=repo)
    assert done.returncode == 1
    annotation, summary = done.stdout.splitlines()
    assert summary == "0 maps checked: 1 error, 0 warnings"
    assert annotation.startswith(
        "::error file=handbook/docs/a%2C b%3A c%25.md,line=8,col=5,title=Journey map::"
        "unknown key 'x%0A::error file=evil.md::forged %250A' in stages[0]"
    )


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("key: value, more", "key: value, more", "key%3A value%2C more"),
        ("%0A", "%250A", "%250A"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping_follows_githubs_rules(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_a_finding_without_a_position_has_no_empty_properties() -> None:
    finding = Finding(Severity.WARNING, "something, somewhere", "Journey site config or data")
    assert github_command(finding) == (
        "::warning title=Journey site config or data::something, somewhere"
    )


def test_the_editor_problem_matcher_in_the_docs_reads_the_text_format(tmp_path: Path) -> None:
    # docs/format.md gives VS Code a regular expression for these lines: it must match them all.
    docs = (Path(__file__).parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    block = re.search(r'```json\n(\{\n  "version": "2\.0\.0".*?)```', docs, re.DOTALL)
    assert block is not None
    pattern = json.loads(block.group(1))["tasks"][0]["problemMatcher"]["pattern"]
    repo = repository_with(tmp_path, "basic")
    page = repo / "handbook" / "docs" / "maps" / "fenced.md"
    page.write_text(page.read_text(encoding="utf-8").replace("score: 2,", "score: 9,"))
    lines = check("--config", "handbook/mkdocs.yml", cwd=repo).stdout.splitlines()[:-1]
    assert len(lines) == 2
    found = [re.match(pattern["regexp"], line) for line in lines]
    assert [(m.group(1), m.group(2), m.group(3), m.group(4)) for m in found if m] == [
        ("handbook/docs/maps/fenced.md", "19", "26", "error"),
        ("handbook/docs/maps/front.md", "8", "13", "warning"),
    ]


def test_feelings_vs_behaviour_are_information_that_never_fails(tmp_path: Path) -> None:
    """The kpis fixture: Consideration feels good (+1) yet loses the most leads, Decision feels
    bad (-1) yet keeps the most (see tests/analytics/test_kpis_and_moments.py)."""
    repo = repository_with(tmp_path, "kpis")
    done = check("--config", "handbook/mkdocs.yml", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert (
        "handbook/docs/maps/shop.md:61:7: info: Feelings vs behaviour, stage 'Consideration': "
        "People say they feel excited here (+1), yet 42.9% of the 70 leads in Consideration "
        "never reach Decision (the worst drop-off of 3 stages)."
    ) in lines
    assert any(
        line.startswith(
            "handbook/docs/maps/shop.md:95:7: info: Feelings vs behaviour, stage "
            "'Decision': People say they feel nervous here (-1), yet 77.5% of the 40 leads"
        )
        for line in lines
    )
    assert lines[-1] == "1 map checked: 0 errors, 0 warnings, 2 notes"
    github = check("--config", "handbook/mkdocs.yml", "--format", "github", cwd=repo)
    assert github.returncode == 0
    assert github.stdout.startswith(
        "::notice file=handbook/docs/maps/shop.md,line=61,col=7,title=Journey map finding::"
    )
    document = json.loads(
        check("--config", "handbook/mkdocs.yml", "--format", "json", cwd=repo).stdout
    )
    assert (document["notes"], document["exit_status"]) == (2, 0)
    assert {p["severity"] for p in document["problems"]} == {"info"}
