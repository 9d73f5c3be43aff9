"""Hostile YAML in pages, built with real MkDocs and checked with the real CLI: alias bombs,
deep nesting and front matter that only looks like a map end in our own positioned message."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_build, run_cli

pytestmark = pytest.mark.build

SITE = "site_name: Hostile\ntheme: {name: material}\nplugins: [search, journey]\n"
PROBLEM = "nested more than 50 levels deep (mappings and lists inside each other); " + (
    "a journey map needs fewer than 10"
)

# Nine anchors, each a list of nine aliases of the one before: 9**9 nodes when expanded.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)
# A flat page of 120 aliases of one word: each cheap, but more than 100.
MANY_ALIASES = "word: &w hello\nlist: [" + ", ".join(["*w"] * 120) + "]\n"


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE, encoding="utf-8")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    return tmp_path


def _check(project: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("check", "--config", "mkdocs.yml", cwd=project)


def _measured_build(project: Path) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """A real `mkdocs build` in a child process: its output, wall time and peak RSS (KiB)."""
    # The child's own peak is VmHWM: ru_maxrss survives exec, so a child of a test process that
    # has grown (a whole suite in one process) would report the parent's size at the fork.
    program = (
        "import re, sys\n"
        "from pathlib import Path\n"
        "from mkdocs.__main__ import cli\n"
        "try:\n"
        "    cli(['build', '--clean'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "status = Path('/proc/self/status').read_text()\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)\n"
        "print('peak-rss', peak, file=sys.stderr)\n"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - start
    peak = int(done.stderr.rsplit("peak-rss ", 1)[1].split()[0])
    return done, seconds, peak


def test_alias_bomb_is_refused_at_the_first_alias_in_time_and_memory(tmp_path: Path) -> None:
    page = f"# Bomb\n\n```journey\n{BOMB}```\n"
    assert len(page.encode()) < 420
    project = _site(
        tmp_path, {"index.md": page, "flat.md": f"# Flat\n\n```journey\n{MANY_ALIASES}```\n"}
    )
    done, seconds, peak_kib = _measured_build(project)
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert (
        "WARNING -  journey: index.md:5:8: aliases ('*name') would expand this YAML to more "
        "than 50 times the size it is written in; write the values out instead "
        "(this is the first alias)"
    ) in output
    assert (
        "WARNING -  journey: flat.md:5:8: more than 100 aliases ('*name'); YAML that repeats "
        "anchored values this often is refused (this is the first alias)"
    ) in output
    # Before: gigabytes and minutes. A whole build of this site takes about 1 s and 120 MB.
    assert seconds < 60, seconds
    assert peak_kib < 600 * 1024, peak_kib


def test_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    page = "# Loop\n\n```journey\nid: loop\ntitle: T\nstages: &s\n  - name: Awareness\n    goal: *s\n```\n"
    check = _check(_site(tmp_path, {"index.md": page}))
    assert check.stdout.splitlines()[0] == (
        "docs/index.md:8:11: error: alias '*s' is inside the value of its own anchor '&s', "
        "which would make that value endless"
    )
    assert check.returncode == 1


def test_deep_nesting_in_a_fence_and_in_front_matter_is_a_positioned_error(
    tmp_path: Path,
) -> None:
    deep = "[" * 500 + "]" * 500
    project = _site(
        tmp_path,
        {
            "fence.md": f"# Deep\n\n```journey\nid: m\ntitle: T\nstages: {deep}\n```\n",
            "front.md": f"---\njourney:\n  id: m2\n  stages: {deep}\n---\n# Front\n",
            "mapping.md": "---\njourney: " + "{a: " * 500 + "1" + "}" * 500 + "\n---\n# M\n",
            # Not a map: MkDocs reads this front matter itself; it is none of our business.
            "other.md": f"---\ntitle: Other journey\nextra: {deep}\n---\n# Other\n",
        },
    )
    build = run_build(project)
    assert build.returncode == 0, build.output
    assert "Traceback" not in build.output
    warnings = sorted(line for line in build.output.splitlines() if "WARNING" in line)
    assert warnings == [
        f"WARNING -  journey: fence.md:6:58: {PROBLEM}",
        f"WARNING -  journey: front.md:4:59: {PROBLEM}",
        f"WARNING -  journey: mapping.md:2:206: {PROBLEM}",
    ]
    # The error box takes the map's place; the rest of the page is there.
    page = build.page("fence/")
    assert PROBLEM in page.select_one(".journey-map--broken").get_text(" ")
    assert build.page("other/").select_one("article h1").get_text(strip=True).startswith("Other")

    check = _check(project)
    assert "Traceback" not in check.stdout + check.stderr
    assert check.stdout.splitlines() == [
        f"docs/fence.md:6:58: error: {PROBLEM}",
        f"docs/front.md:4:59: error: {PROBLEM}",
        f"docs/mapping.md:2:206: error: {PROBLEM}",
        "0 maps checked: 3 errors, 0 warnings",
    ]
    assert check.returncode == 1


FALSE_FRONT_MATTER = """\
---
title: How we map
description: "Every team has its own
journey: ours starts with a question"
notes: |
  journey: not a key either
---
# How we map

Text.
"""


def test_a_line_starting_journey_inside_a_value_is_not_a_map(tmp_path: Path) -> None:
    project = _site(tmp_path, {"index.md": FALSE_FRONT_MATTER})
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output
    assert build.page("").select_one("article h1").get_text(strip=True).startswith("How we map")
    assert not build.page("").select(".journey-map, .journey-error")
    check = _check(project)
    assert check.stdout == "0 maps checked: 0 errors, 0 warnings\n"
    assert check.returncode == 0


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        # A real top-level key, however it is written, is a map.
        ('"journey":\n  id: quoted\n  title: Q\n  stages: [{name: Awareness}]\n', "1 map checked"),
        ("{journey: {id: flow, title: F, stages: [{name: Awareness}]}}\n", "1 map checked"),
        # YAML that cannot be read is reported only where a line starts with 'journey:'.
        ("journey:\n  id: [broken\n", "docs/index.md:4:1: error: invalid YAML"),
        ("title: [broken\nsummary: journey\n", "0 maps checked: 0 errors, 0 warnings"),
    ],
    ids=["quoted-key", "flow-mapping", "broken-map", "broken-other"],
)
def test_front_matter_is_a_map_only_with_a_top_level_key(
    tmp_path: Path, front_matter: str, expected: str
) -> None:
    project = _site(tmp_path, {"index.md": f"---\n{front_matter}---\n# Page\n"})
    check = _check(project)
    assert expected in check.stdout, check.stdout
    assert "Traceback" not in check.stdout + check.stderr
