"""The ``journey-check`` hook, run by real pre-commit and git in a temporary site repository.

The hook repository is a git copy of this checkout (its ``.pre-commit-hooks.yaml``, pyproject and
package), pinned by commit, exactly as a user's ``.pre-commit-config.yaml`` names a hook repo.
pre-commit clones it and builds the package into a fresh virtualenv. To stay offline, pip may not
download anything (``PIP_NO_INDEX``): the build backend and the dependencies come from this test
environment (``PYTHONPATH``, no build isolation), while mkdocs-journey itself is built and
installed from the clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES

pytestmark = pytest.mark.build

CHECKOUT = Path(__file__).resolve().parent.parent
HOOKS = CHECKOUT / ".pre-commit-hooks.yaml"


@dataclass
class Repository:
    path: Path
    env: dict[str, str]

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=600
        )

    def git(self, *args: str) -> str:
        done = self.run("git", *args)
        assert done.returncode == 0, f"git {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "pre_commit", *args, "--color", "never")


def offline_env(home: Path) -> dict[str, str]:
    packages = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONHOME")}
    return {
        **env,
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling for "build without isolation"
        "PYTHONPATH": os.pathsep.join(sorted(packages)),
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Journey Tester",
        "GIT_AUTHOR_EMAIL": "tester@example.invalid",
        "GIT_COMMITTER_NAME": "Journey Tester",
        "GIT_COMMITTER_EMAIL": "tester@example.invalid",
        "NO_MKDOCS_2_WARNING": "1",
    }


def hook_repository(destination: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A git repository holding this checkout's hook definition and package, and its commit."""
    destination.mkdir()
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(CHECKOUT / name, destination / name)
    shutil.copytree(
        CHECKOUT / "mkdocs_journey",
        destination / "mkdocs_journey",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    repo = Repository(destination, env)
    repo.git("init", "--quiet", "--initial-branch=main")
    repo.git("add", ".")
    repo.git("commit", "--quiet", "-m", "mkdocs-journey hooks")
    return destination, repo.git("rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    root = tmp_path_factory.mktemp("precommit")
    env = offline_env(root)
    hooks, rev = hook_repository(root / "hooks", env)
    repo = Repository(root / "site", env)
    repo.path.mkdir()
    shutil.copytree(
        FIXTURES / "basic", repo.path / "handbook", ignore=shutil.ignore_patterns("site")
    )
    config = {
        "repos": [
            {
                "repo": str(hooks),
                "rev": rev,
                "hooks": [{"id": "journey-check", "args": ["--config", "handbook/mkdocs.yml"]}],
            }
        ]
    }
    (repo.path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (repo.path / ".gitignore").write_text("handbook/.cache/\n", encoding="utf-8")
    repo.git("init", "--quiet", "--initial-branch=main")
    repo.git("add", ".")
    repo.git("commit", "--quiet", "-m", "A site with journey maps")
    return repo


def test_the_hook_definition() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "journey-check"
    assert hook["entry"] == "mkdocs-journey check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


def test_a_valid_site_passes(site: Repository) -> None:
    done = site.pre_commit("run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Check journey maps" in done.stdout
    assert "Passed" in done.stdout


def test_a_broken_map_fails_with_its_position(site: Repository) -> None:
    page = site.path / "handbook" / "docs" / "maps" / "fenced.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original.replace("score: 2, label: delighted", "score: 9, label: delighted"))
    try:
        site.git("add", "handbook/docs/maps/fenced.md")
        done = site.pre_commit("run")  # the staged files, as on `git commit`
        assert done.returncode == 1, done.stdout + done.stderr
        assert "- hook id: journey-check" in done.stdout
        assert (
            "handbook/docs/maps/fenced.md:19:26: error: stages[1].emotion.score must be between "
            "-2 and 2, got 9" in done.stdout
        )
        # Installed as the git hook, it stops the commit.
        assert site.pre_commit("install").returncode == 0
        commit = site.run("git", "commit", "-m", "A broken map")
        assert commit.returncode != 0
        assert "got 9" in commit.stdout + commit.stderr
        assert site.git("log", "--format=%s", "-1").strip() == "A site with journey maps"
    finally:
        page.write_text(original, encoding="utf-8")
        site.git("add", "handbook/docs/maps/fenced.md")
        site.run(sys.executable, "-m", "pre_commit", "uninstall")


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("handbook/mkdocs.yml", True),
        ("handbook/docs/notes.md", True),
        ("handbook/docs/logo.svg", False),
        ("README.txt", False),
    ],
)
def test_it_runs_when_a_page_or_the_config_changes(site: Repository, path: str, runs: bool) -> None:
    target = site.path / path
    existed = target.exists()
    before = target.read_text(encoding="utf-8") if existed else None
    target.write_text((before or "") + "\n", encoding="utf-8")
    try:
        site.git("add", path)
        done = site.pre_commit("run")
        assert done.returncode == 0, done.stdout
        line = next(line for line in done.stdout.splitlines() if "Check journey maps" in line)
        assert line.endswith("Passed" if runs else "Skipped"), line
    finally:
        site.git("reset", "--quiet", "--", path)
        if before is None:
            target.unlink()
        else:
            target.write_text(before, encoding="utf-8")
