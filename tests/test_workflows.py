"""The GitHub Actions workflows that ``mkdocs-journey init-ci`` writes, run step by step.

A temporary repository with a site in ``handbook/`` gets its workflows from the real
``init-ci`` command and is pushed to a local bare repository standing for GitHub ("origin").
Each job then runs the way a runner does: a fresh clone of origin at the pushed ref (the
``actions/checkout`` step, with its fetch depth), then every ``run:`` step as a bash script with
the variables GitHub sets (``GITHUB_ACTIONS``, ``GITHUB_REF_TYPE``, ``GITHUB_REF_NAME``...),
stopping at the first failing step. Real git and mike; nothing leaves the machine.

Emulated rather than run: ``actions/setup-python`` (this test's Python is on PATH),
``actions/cache`` (a cache only saves time), and the "Install" step (this environment already has
what it installs, and the test must work offline; its command is checked instead).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_journey.init_ci import SiteLayout, workflows
from tests.conftest import FIXTURES

pytestmark = pytest.mark.build

CHECKOUT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).parent)
OLD_TITLE = "Owner buys software"
NEW_TITLE = "Owner buys software, revised"


def base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return {
        **env,
        "HOME": str(home),
        "PATH": os.pathsep.join([BIN, env.get("PATH", "")]),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Site Author",
        "GIT_AUTHOR_EMAIL": "author@example.invalid",
        "GIT_COMMITTER_NAME": "Site Author",
        "GIT_COMMITTER_EMAIL": "author@example.invalid",
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"git {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class StepRun:
    name: str
    returncode: int
    output: str


@dataclass
class JobRun:
    steps: list[StepRun] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.returncode == 0 for step in self.steps)

    def step(self, name: str) -> StepRun:
        return next(step for step in self.steps if step.name == name)

    def report(self) -> str:
        return "\n".join(f"--- {s.name} ({s.returncode})\n{s.output}" for s in self.steps)


@dataclass
class GitHub:
    """A local bare repository as "origin", and a place to run jobs."""

    origin: Path
    work: Path  # the author's clone
    runs: Path
    env: dict[str, str]

    def git(self, *args: str) -> str:
        return git(self.work, self.env, *args)

    def run_job(self, workflow: str, ref: str, ref_type: str, event: str) -> JobRun:
        """Run the only job of ``workflow`` (from the pushed ref) as a runner would."""
        number = len(list(self.runs.iterdir())) + 1
        workspace = self.runs / f"run-{number}"
        definition = yaml.safe_load(
            git(self.origin, self.env, "show", f"{ref}:.github/workflows/{workflow}")
        )
        (job,) = definition["jobs"].values()
        env = {
            **self.env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_REF_TYPE": ref_type,
            "GITHUB_REF_NAME": ref,
            "GITHUB_REF": f"refs/{'tags' if ref_type == 'tag' else 'heads'}/{ref}",
            "GITHUB_WORKSPACE": str(workspace),
        }
        result = JobRun()
        for number, step in enumerate(job["steps"]):
            assert "if" not in step, "the emulation runs every step: no conditions expected"
            name = step.get("name") or step.get("uses", f"step {number}")
            if "uses" in step:
                action = step["uses"].split("@")[0]
                if action == "actions/checkout":
                    depth = (step.get("with") or {}).get("fetch-depth", 1)
                    self._checkout(workspace, ref, depth)
                else:
                    assert action in ("actions/setup-python", "actions/cache"), action
                continue
            script = step["run"]
            assert "${{" not in script, "run steps use environment variables, not expressions"
            if name == "Install":
                assert "mkdocs-journey" in script or "pip install ." in script
                assert "mike" in script
                continue
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            result.steps.append(StepRun(name, done.returncode, done.stdout + done.stderr))
            if done.returncode != 0:
                break  # GitHub skips the remaining steps of a failed job
        return result

    def _checkout(self, workspace: Path, ref: str, depth: int) -> None:
        url = self.origin.as_uri()
        if depth == 0:
            git(self.runs, self.env, "clone", "--quiet", url, str(workspace))
            git(workspace, self.env, "checkout", "--quiet", ref)
        else:
            git(self.runs, self.env, "clone", "--quiet", f"--depth={depth}", "--branch", ref,
                url, str(workspace))  # fmt: skip

    def pages(self, path: str) -> str:
        return git(self.origin, self.env, "show", f"gh-pages:{path}")

    def page(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.pages(path), "html.parser")

    def versions(self) -> dict[str, list[str]]:
        return {v["version"]: v["aliases"] for v in json.loads(self.pages("versions.json"))}


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> GitHub:
    root = tmp_path_factory.mktemp("workflows")
    env = base_env(root)
    origin = root / "origin.git"
    git(root, env, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    work = root / "work"
    work.mkdir()
    (root / "runs").mkdir()
    hub = GitHub(origin, work, root / "runs", env)
    shutil.copytree(FIXTURES / "basic", work / "handbook", ignore=shutil.ignore_patterns("site"))
    (work / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    hub.git("init", "--quiet", "--initial-branch=main")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "init-ci", "--config", "handbook/mkdocs.yml"],
        cwd=work, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "wrote .github/workflows/journey-check.yml",
        "wrote .github/workflows/journey-publish.yml",
    ]
    hub.git("add", ".")
    hub.git("commit", "--quiet", "-m", "A site with journey maps, and its workflows")
    hub.git("remote", "add", "origin", origin.as_uri())
    hub.git("push", "--quiet", "origin", "main")
    return hub


def test_the_workflows_declare_triggers_permissions_and_one_deploy_at_a_time(
    github: GitHub,
) -> None:
    check = yaml.safe_load(git(github.origin, github.env, "show", "main:.github/workflows/journey-check.yml"))  # fmt: skip
    publish = yaml.safe_load(git(github.origin, github.env, "show", "main:.github/workflows/journey-publish.yml"))  # fmt: skip
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert check[True] == {"pull_request": None}
    assert check["permissions"] == {"contents": "read"}
    assert publish[True] == {"push": {"branches": ["main"], "tags": ["v[0-9]+.[0-9]+*"]}}
    assert publish["permissions"] == {"contents": "write"}
    assert publish["concurrency"] == {"group": "journey-maps-publish", "cancel-in-progress": False}
    (job,) = publish["jobs"].values()
    assert job["steps"][0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}


def test_a_pull_request_with_a_broken_map_fails_with_annotations(github: GitHub) -> None:
    page = github.work / "handbook" / "docs" / "maps" / "fenced.md"
    original = page.read_text(encoding="utf-8")
    github.git("checkout", "--quiet", "-b", "broken-map")
    page.write_text(original.replace("score: 2, label: delighted", "score: 9, label: delighted"))
    github.git("commit", "--quiet", "-am", "Break a map")
    github.git("push", "--quiet", "origin", "broken-map")
    github.git("checkout", "--quiet", "main")

    job = github.run_job("journey-check.yml", "broken-map", "branch", "pull_request")
    assert [step.name for step in job.steps] == ["Check the maps"]
    check = job.step("Check the maps")
    assert check.returncode == 1
    assert (
        "::error file=handbook/docs/maps/fenced.md,line=19,col=26,title=Journey map::"
        "stages[1].emotion.score must be between -2 and 2, got 9" in check.output.splitlines()
    )


def test_a_good_pull_request_passes_check_and_strict_build(github: GitHub) -> None:
    job = github.run_job("journey-check.yml", "main", "branch", "pull_request")
    assert job.ok, job.report()
    assert [step.name for step in job.steps] == ["Check the maps", "Build the site (strict)"]
    # The stale map of the fixture is a warning annotation, which does not fail the check.
    assert "::warning file=handbook/docs/maps/front.md,line=8,col=13" in job.steps[0].output


@pytest.fixture(scope="module")
def published(github: GitHub) -> GitHub:
    """main published as "dev", tag v1.2.0 as 1.2, then a retitled map tagged v1.3.0."""
    for ref, ref_type in (("main", "branch"), ("v1.2.0", "tag")):
        if ref_type == "tag":
            github.git("tag", ref)
            github.git("push", "--quiet", "origin", ref)
        job = github.run_job("journey-publish.yml", ref, ref_type, "push")
        assert job.ok, job.report()
        assert github.versions() == (
            {"dev": []} if ref == "main" else {"1.2": ["latest"], "dev": []}
        )
    front = github.work / "handbook" / "docs" / "maps" / "front.md"
    front.write_text(front.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE))
    github.git("commit", "--quiet", "-am", "Retitle the owner map")
    github.git("tag", "v1.3.0")
    github.git("push", "--quiet", "origin", "main", "v1.3.0")
    job = github.run_job("journey-publish.yml", "v1.3.0", "tag", "push")
    assert job.ok, job.report()
    return github


def map_title(hub: GitHub, version: str) -> str:
    page = hub.page(f"{version}/maps/front/index.html")
    return page.select_one("#journey-owner .journey-title").get_text(strip=True)


def test_each_version_is_published_with_its_own_maps(published: GitHub) -> None:
    assert published.versions() == {"1.3": ["latest"], "1.2": [], "dev": []}
    assert map_title(published, "dev") == OLD_TITLE  # main was not pushed again
    assert map_title(published, "1.2") == OLD_TITLE
    assert map_title(published, "1.3") == NEW_TITLE
    journeys = json.loads(published.pages("1.3/journeys.json"))
    assert {m["id"]: m["title"] for m in journeys["maps"]}["owner"] == NEW_TITLE


def test_latest_and_the_root_are_redirects(published: GitHub) -> None:
    # alias_type redirect: "latest" is a folder of redirect pages, not a symbolic link.
    listing = git(published.origin, published.env, "ls-tree", "gh-pages", "latest")
    mode, kind, _ = listing.split(maxsplit=2)
    assert (mode, kind) == ("040000", "tree")
    latest = published.pages("latest/maps/front/index.html")
    assert re.search(r"""url=\.\./\.\./\.\./1\.3/maps/front/""", latest), latest
    root = published.pages("index.html")
    assert re.search(r"url=latest/", root), root


def test_the_repository_runs_the_same_workflows() -> None:
    # This repository's own workflows are init-ci's, with the install step of a checkout.
    written = workflows(
        SiteLayout(config="mkdocs.yml", docs_dir="docs", cache_dir=".cache/journey"),
        install="pip install . mike",
    )
    for name, text in written.items():
        assert (CHECKOUT / ".github" / "workflows" / name).read_text(encoding="utf-8") == text


def test_the_docs_show_the_workflows_whole() -> None:
    docs = (CHECKOUT / "docs" / "ci.md").read_text(encoding="utf-8")
    written = workflows(
        SiteLayout(config="mkdocs.yml", docs_dir="docs", cache_dir=".cache/journey")
    )
    for name, text in written.items():
        block = re.search(
            rf'```yaml title="\.github/workflows/{re.escape(name)}"\n(.*?)```\n', docs, re.DOTALL
        )
        assert block is not None, name
        assert block.group(1) == text


def init_ci(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "init-ci", *args],
        cwd=cwd, env=base_env(cwd), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_init_ci_keeps_existing_workflows_and_says_what_the_site_needs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "extension", repo / "site", ignore=shutil.ignore_patterns("site"))
    (repo / "site" / "mkdocs.yml").write_text("site_name: X\nplugins:\n  - journey\n")
    git(tmp_path, base_env(tmp_path), "init", "--quiet", str(repo))
    first = init_ci(repo / "site", "--config", "mkdocs.yml", "--python", "3.11")
    assert first.returncode == 0, first.stderr
    notes = [line for line in first.stdout.splitlines() if line.startswith("note: ")]
    assert notes[0].startswith(
        "note: the site's theme is 'mkdocs', not 'material': mike builds with ProperDocs when "
        "ProperDocs is installed, and ProperDocs has no built-in 'mkdocs' theme"
    )
    check = (repo / ".github" / "workflows" / "journey-check.yml").read_text(encoding="utf-8")
    assert 'python-version: "3.11"' in check
    assert "mkdocs-journey check --config site/mkdocs.yml --format github" in check

    again = init_ci(repo, "--config", "site/mkdocs.yml")
    assert again.returncode == 1
    assert again.stderr.startswith(
        "mkdocs-journey init-ci: error: .github/workflows/journey-check.yml and "
        ".github/workflows/journey-publish.yml already exist in "
    )
    assert again.stderr.rstrip().endswith("(--force overwrites)")
    forced = init_ci(repo, "--config", "site/mkdocs.yml", "--force", "--branch", "trunk")
    assert forced.returncode == 0, forced.stderr
    publish = yaml.safe_load((repo / ".github/workflows/journey-publish.yml").read_text())
    assert publish[True]["push"]["branches"] == ["trunk"]

    missing = init_ci(repo, "--config", "nope/mkdocs.yml")
    assert missing.returncode == 2
    assert missing.stderr.startswith("nope/mkdocs.yml: error: no such file")


def test_odd_paths_stay_quoted_in_the_workflows() -> None:
    layout = SiteLayout(
        config="my docs/mkdocs.yml", docs_dir="my docs/docs", cache_dir="my docs/.c"
    )
    written = workflows(layout, install="pip install 'mkdocs-journey>=0.1' mike")
    check = yaml.safe_load(written["journey-check.yml"])
    steps = {step.get("name"): step for step in check["jobs"]["check"]["steps"]}
    assert steps["Install"]["run"] == "pip install 'mkdocs-journey>=0.1' mike"
    assert steps["Check the maps"]["run"] == (
        "mkdocs-journey check --config 'my docs/mkdocs.yml' --format github"
    )
    cache = steps["Restore the diagram and analysis cache"]["with"]
    assert cache["path"] == "my docs/.c"
    assert "hashFiles('my docs/docs/**', 'my docs/mkdocs.yml')" in cache["key"]
