"""Bad maps: exact page:line:column messages, --strict fails, a plain build shows error boxes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import run_build

pytestmark = pytest.mark.build

EXPECTED = [
    "front-matter-key.md:7:7: unknown key 'touchpionts' in stages[0] (did you mean 'touchpoints'?)",
    "second-block.md:17:5: unknown key 'oportunities' in stages[0] (did you mean 'opportunities'?)",
    "score.md:9:14: stages[0].emotion.score must be between -2 and 2, got 7",
    "unknown-stage.md:8:11: unknown stage 'Purchse' (did you mean 'Decision'? "
    "('purchase' is called 'Decision' on this site))",
]


@pytest.fixture(scope="module")
def error_builds(tmp_path_factory):
    from tests.conftest import copy_fixture

    strict = run_build(copy_fixture("errors", tmp_path_factory.mktemp("strict")), strict=True)
    plain = run_build(copy_fixture("errors", tmp_path_factory.mktemp("plain")))
    return strict, plain


@pytest.mark.parametrize("message", EXPECTED)
def test_message_names_page_line_and_column(error_builds, message: str) -> None:
    strict, _ = error_builds
    warnings = [line for line in strict.output.splitlines() if line.startswith("WARNING")]
    assert f"WARNING -  journey: {message}" in warnings


def test_strict_build_fails(error_builds) -> None:
    strict, _ = error_builds
    assert strict.returncode != 0
    assert "Aborted with 4 warnings in strict mode" in strict.output


def test_plain_build_succeeds_with_error_boxes(error_builds) -> None:
    _, plain = error_builds
    assert plain.returncode == 0, plain.output
    for page, message in [
        ("front-matter-key/", "unknown key 'touchpionts'"),
        ("score/", "must be between -2 and 2, got 7"),
        ("unknown-stage/", "unknown stage 'Purchse'"),
    ]:
        box = plain.page(page).select_one(".journey-problems[role=alert]")
        assert box is not None, page
        assert message in box.get_text(" ", strip=True)


def test_second_block_broken_first_block_still_renders(error_builds) -> None:
    _, plain = error_builds
    page = plain.page("second-block/")
    assert page.select_one("#journey-first-ok .journey-table") is not None
    broken = page.select_one(".journey-map--broken")
    assert "second-block.md:17:5" in broken.get_text()
    # The broken block is not shown as a code block either.
    assert not [code for code in page.select("code") if "oportunities" in code.get_text()]


def test_partially_valid_map_shows_box_and_the_valid_stages(error_builds) -> None:
    _, plain = error_builds
    map_div = plain.page("unknown-stage/").select_one("#journey-stage-ref")
    assert map_div.select_one(".journey-problems") is not None
    names = [th.get_text(strip=True) for th in map_div.select("thead th.journey-stage")]
    assert names == ["Awareness"]


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_strict_quiet_build_fails_too(tmp_path, tool: str) -> None:
    # `-q` drops warnings before MkDocs' strict counter sees them; the plugin stops the build
    # itself, with the problems in its error (which -q still shows).
    from tests.conftest import copy_fixture

    project = copy_fixture("errors", tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    command = [sys.executable, "-m", tool, "build", "--strict", "-q"]
    done = subprocess.run(
        command, cwd=project, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 1, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "journey: 4 problems in journey maps or their data, and strict mode is on:" in output
    for message in EXPECTED:
        assert f"  {message}" in output
    assert "Traceback" not in output
    # Without --strict, -q still builds the site, with the error boxes.
    plain = subprocess.run(
        [sys.executable, "-m", tool, "build", "-q"], cwd=project, capture_output=True, text=True,
        env=env, timeout=300,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert (project / "site" / "score" / "index.html").is_file()


def test_strict_quiet_build_of_a_valid_site_passes(tmp_path) -> None:
    from tests.conftest import copy_fixture

    project = copy_fixture("basic", tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=project,
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
