"""Real builds of small fixture sites, run the way a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"

# No per-example deadline for Hypothesis: speed is measured by bench/, and on a shared two-core
# machine a first example can take 0.4 s where it usually takes 5 ms (a test that sets its own
# deadline keeps it).
settings.register_profile("mkdocs-journey", deadline=None)
settings.load_profile("mkdocs-journey")


@dataclass
class Build:
    returncode: int
    output: str
    project: Path

    @property
    def site(self) -> Path:
        return self.project / "site"

    def page(self, url: str) -> BeautifulSoup:
        path = self.site / url
        if url.endswith("/") or not url:
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def run_build(
    project: Path,
    *,
    strict: bool = False,
    tool: str = "mkdocs",
    path: str | None = None,
    env: dict[str, str] | None = None,
) -> Build:
    command = [sys.executable, "-m", tool, "build", "--clean"]
    if strict:
        command.append("--strict")
    environment = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        **(env or {}),
    }
    if path is not None:
        environment["PATH"] = path
    done = subprocess.run(
        command, cwd=project, capture_output=True, text=True, env=environment, timeout=300
    )
    return Build(done.returncode, done.stdout + done.stderr, project)


def copy_fixture(name: str, destination: Path) -> Path:
    project = destination / name
    # Never a cache left by a manual build in the fixture: every test starts cold.
    shutil.copytree(FIXTURES / name, project, ignore=shutil.ignore_patterns(".cache", "site"))
    return project


@pytest.fixture
def fixture_site(tmp_path: Path):
    """Copy a fixture site into a temporary folder: ``fixture_site("basic")``."""

    def make(name: str) -> Path:
        return copy_fixture(name, tmp_path)

    return make


@pytest.fixture(scope="session")
def basic_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The basic fixture, built once with --strict for the read-only checks of several tests."""
    project = copy_fixture("basic", tmp_path_factory.mktemp("basic"))
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build
