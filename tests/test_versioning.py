"""Versioned docs: real git and mike against a local repository, the way a team publishes releases.

The basic fixture is committed to a fresh repository, released as 1.0 (alias ``latest``), then a map
is retitled and released as 2.0. Everything is read back from the local gh-pages branch; nothing is
pushed and no network is used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import copy_fixture

pytestmark = pytest.mark.build

OLD_TITLE = "Owner buys software"
NEW_TITLE = "Owner buys software, second edition"
# Material's version selector reads versions.json written by mike.
VERSION_SELECTOR = "extra:\n  version:\n    provider: mike\n"


@dataclass
class Repository:
    path: Path
    env: dict[str, str]

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def mike(self, *args: str) -> None:
        # mike has no ``python -m mike``; run the console script installed next to this Python.
        mike = shutil.which("mike", path=str(Path(sys.executable).parent))
        assert mike is not None, f"mike is not installed next to {sys.executable}"
        done = subprocess.run(
            [mike, *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"mike {' '.join(args)} failed:\n{done.stdout}{done.stderr}"

    def show(self, path: str) -> str:
        return self.git("show", f"gh-pages:{path}")

    def page(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.show(path), "html.parser")

    def journeys(self, version: str) -> dict[str, str]:
        document = json.loads(self.show(f"{version}/journeys.json"))
        return {journey["id"]: journey["title"] for journey in document["maps"]}


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    project = copy_fixture("basic", tmp_path_factory.mktemp("versioned"))
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(VERSION_SELECTOR)
    (project / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    env = {
        **os.environ,
        # mike runs the build tool by name: find it in the same environment as this Python.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        # Only the repository's own settings: no signing hooks or templates from the machine.
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    repo = Repository(project, env)
    repo.git("init", "--quiet", "--initial-branch=main")
    repo.git("config", "user.name", "Journey Tester")
    repo.git("config", "user.email", "tester@example.invalid")
    repo.git("add", ".")
    repo.git("commit", "--quiet", "-m", "Release 1.0")
    repo.mike("deploy", "--update-aliases", "1.0", "latest")

    front = project / "docs" / "maps" / "front.md"
    text = front.read_text(encoding="utf-8")
    assert f"title: {OLD_TITLE}\n" in text
    front.write_text(
        text.replace(f"title: {OLD_TITLE}\n", f"title: {NEW_TITLE}\n"), encoding="utf-8"
    )
    repo.git("commit", "--quiet", "-am", "Retitle the owner map")
    repo.mike("deploy", "2.0")
    return repo


def test_both_versions_are_listed_and_latest_points_at_1_0(released: Repository) -> None:
    versions = {
        entry["version"]: entry["aliases"] for entry in json.loads(released.show("versions.json"))
    }
    assert versions == {"2.0": [], "1.0": ["latest"]}
    # mike's default alias is a symlink in gh-pages: mode 120000, target "1.0".
    mode, _, _ = released.git("ls-tree", "gh-pages", "latest").split(maxsplit=2)
    assert mode == "120000"
    assert released.show("latest").strip() == "1.0"


@pytest.mark.parametrize(("version", "title"), [("1.0", OLD_TITLE), ("2.0", NEW_TITLE)])
def test_each_version_shows_its_own_map_title(
    released: Repository, version: str, title: str
) -> None:
    page = released.page(f"{version}/maps/front/index.html")
    map_div = page.select_one("#journey-owner")
    assert map_div is not None
    assert map_div.select_one(".journey-title").get_text(strip=True) == title
    # The catalogue of each version links the title of that version.
    index = released.page(f"{version}/journeys/index.html")
    row = index.select_one("table.journey-index tr[data-journey-map='owner']")
    assert row.select_one("td a").get_text(strip=True) == title


@pytest.mark.parametrize(("version", "title"), [("1.0", OLD_TITLE), ("2.0", NEW_TITLE)])
def test_each_version_exports_its_own_journeys_json(
    released: Repository, version: str, title: str
) -> None:
    assert released.journeys(version) == {
        "buyer": "Buyer trial to paid",
        "owner": title,
        "owner-again": "Owner renews",
    }


def test_pages_carry_the_version_selector_config(released: Repository) -> None:
    for version in ("1.0", "2.0"):
        page = released.page(f"{version}/maps/front/index.html")
        config = json.loads(page.select_one("script#__config").get_text())
        assert config["version"] == {"provider": "mike"}
