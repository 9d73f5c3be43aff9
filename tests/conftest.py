"""Real builds of small fixture sites, run the way a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"

# No Hypothesis deadline anywhere: on a shared two-core machine the first example of a test
# (imports, a cold cache, a neighbour's build) can take 40 times the next one, and Hypothesis
# then reports a flaky failure that says nothing about the code. Speed is measured by bench/.
settings.register_profile("mkdocs-journey", deadline=None)
# `make test` is the gate a commit must pass to land: it must give the same verdict on the same
# code every time, so there Hypothesis draws the same examples on every run (derandomize).
# Everywhere else, and in `make test-explore`, the examples are new each run: that is how the
# properties keep finding new inputs.
settings.register_profile("gate", deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mkdocs-journey"))


@pytest.fixture(autouse=True)
def _programs_only_in_marked_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test that starts another program (mkdocs, git, mike, node, Graphviz's dot, the CLI in
    a process) must say so with ``@pytest.mark.build`` (or ``browser``): the fast tier
    (``make test-fast``) leaves those out, and this keeps an unmarked one from slipping in."""
    if request.node.get_closest_marker("build") or request.node.get_closest_marker("browser"):
        return

    def refuse(self: subprocess.Popen[bytes], args: object, *_: object, **__: object) -> None:
        raise AssertionError(f"{request.node.nodeid} starts {args!r}: mark it @pytest.mark.build")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


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


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``mkdocs-journey ARGS`` in a process of its own, run in ``cwd``, with the environment
    ``env`` (this process's when None)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", *args],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


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
