"""A real git repository in a temporary folder, isolated from the machine's git settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ENV = {
    **os.environ,
    # mike and mkdocs-journey are found next to this Python.
    "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
    # Only the repository's own settings: no signing hooks or templates from the machine.
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Journey Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.invalid",
    "GIT_COMMITTER_NAME": "Journey Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.invalid",
}


@dataclass
class GitRepo:
    path: Path

    @classmethod
    def create(cls, path: Path) -> GitRepo:
        repo = cls(path)
        repo.git("init", "--quiet", "--initial-branch=main")
        return repo

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=ENV, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def commit(self, message: str) -> None:
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message)

    def run(
        self, *command: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command),
            cwd=cwd or self.path,
            env={**ENV, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def journey(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "mkdocs_journey.cli", *args, cwd=cwd)

    def mkdocs_build(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "mkdocs", "build", "--clean", *args, env=env)

    def mike(self, *args: str) -> subprocess.CompletedProcess[str]:
        mike = shutil.which("mike", path=str(Path(sys.executable).parent))
        assert mike is not None, f"mike is not installed next to {sys.executable}"
        return self.run(mike, *args)

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.path / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
