"""The Markdown extension under a real Zensical build (Zensical runs no MkDocs plugins).

Zensical is installed by ``make install-test`` from the project's ``zensical`` extra, pinned to
the newest release this package index can install (see docs/other-hosts.md). The site sits in
a subfolder and is built from its parent folder, so data paths must start at the config's folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import FIXTURES

pytestmark = [
    pytest.mark.build,
    pytest.mark.skipif(
        importlib.util.find_spec("zensical") is None,
        reason="zensical is not installed: `make install-test` installs the project's "
        "'zensical' extra and reports when pip cannot install it on this machine",
    ),
]


def zensical_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--clean", "-f", "handbook/mkdocs.yml"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )


def page(root: Path, url: str) -> BeautifulSoup:
    html = (root / "handbook" / "site" / url / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("zensical")
    shutil.copytree(FIXTURES / "zensical", root / "handbook")
    done = zensical_build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root, done


def test_the_map_renders_with_the_stages_from_the_options(built) -> None:
    root, _ = built
    journey = page(root, "maps/trial").select_one("#journey-trial")
    assert journey is not None
    stages = [th.get_text(strip=True) for th in journey.select("thead th.journey-stage")]
    assert stages == ["Discover", "Try", "Buy"]
    assert journey.select_one("table.journey-table") is not None
    assert journey.select_one("svg.journey-diagram") is not None
    assert journey.select_one("td.journey-curve-cell svg.journey-curve__drawing") is not None


def test_the_data_source_from_the_options_gives_the_numbers(built) -> None:
    root, _ = built
    journey = page(root, "maps/trial").select_one("#journey-trial")
    assert journey.select_one(".journey-analytics") is not None
    analyzed = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "analyze", "data/events.csv", "--format",
         "json"],
        cwd=root / "handbook", capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    conversions = json.loads(analyzed.stdout)["totals"]["conversions"]
    kpi = journey.select_one(".journey-kpi").get_text(" ", strip=True)
    assert f"actual {conversions}" in kpi


def test_the_stylesheet_comes_with_the_page(built) -> None:
    root, _ = built
    trial = page(root, "maps/trial")
    styles = trial.select("style.journey-stylesheet")
    assert len(styles) == 1
    assert ".journey-map" in styles[0].get_text()
    # Only pages with maps carry it.
    assert page(root, "").select("style.journey-stylesheet") == []


def test_messages_name_the_page_being_rendered(built) -> None:
    _, done = built
    output = done.stdout + done.stderr
    assert (
        "maps/broken.md:7:11: unknown stage 'Awareness' (expected one of the site's stages: "
        "Discover, Try, Buy)" in output
    )
    assert "maps/broken.md:14:5: unknown key 'nmae' in stages[0] (did you mean 'name'?)" in output
    assert "page.md" not in output
    # The page shows them too, in place of the broken maps.
    boxes = page(root := built[0], "maps/broken").select(".journey-problems")
    assert len(boxes) == 2, root


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("the extension's option", ("      today:", "      strict: true\n      today:")),
        ("Zensical's own setting", ("site_name:", "strict: true\nsite_name:")),
    ],
)
def test_strict_fails_the_build_after_the_page(
    tmp_path: Path, where: str, change: tuple[str, str]
) -> None:
    shutil.copytree(FIXTURES / "zensical", tmp_path / "handbook")
    config = tmp_path / "handbook" / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    done = zensical_build(tmp_path)
    assert done.returncode != 0, where
    output = done.stdout + done.stderr
    assert (
        "maps/broken.md: 3 problems in journey maps, and the journey extension is strict:" in output
    )
    assert "  maps/broken.md:14:5: stages[0] is missing the required key 'name'" in output


def test_check_reads_the_extensions_options_of_a_zensical_site(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "zensical", tmp_path / "handbook")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "check", "--config", "handbook/mkdocs.yml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "handbook/docs/maps/broken.md:7:11: error: unknown stage 'Awareness' (expected one of "
        "the site's stages: Discover, Try, Buy)",
        "handbook/docs/maps/broken.md:14:5: error: unknown key 'nmae' in stages[0] (did you "
        "mean 'name'?)",
        "handbook/docs/maps/broken.md:14:5: error: stages[0] is missing the required key 'name'",
        "2 maps checked: 3 errors, 0 warnings",
    ]
