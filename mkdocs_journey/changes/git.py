"""Reading files of another revision with git: no checkout, no network, nothing written.

Only plumbing commands run (``rev-parse``, ``ls-tree``, ``cat-file``), each with a timeout, with
refs checked before use so that a ref can never be read as an option.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

GIT_TIMEOUT = 60  # seconds; plumbing on a local repository takes milliseconds


class HistoryError(Exception):
    """Another version could not be read; the message says why and what to do."""


@dataclass(frozen=True)
class Repository:
    root: Path  # the work tree's top folder

    @classmethod
    def around(cls, folder: Path) -> Repository:
        """The repository that ``folder`` is in. Raises :class:`HistoryError`."""
        if not folder.is_dir():
            raise HistoryError(f"{folder}: no such folder")
        done = _git(folder, "rev-parse", "--show-toplevel")
        if done.returncode != 0:
            raise HistoryError(f"{folder}: not inside a git repository")
        return cls(Path(done.stdout.decode("utf-8", "replace").strip()))

    def run(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return _git(self.root, *args, stdin=stdin)

    def commit(self, ref: str) -> str:
        """The commit id ``ref`` names. Raises :class:`HistoryError` with the likely cause."""
        if not ref or ref.startswith("-") or any(c in ref for c in "\0\n\r"):
            raise HistoryError(f"'{ref}' is not a usable git ref")
        done = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        if done.returncode == 0:
            return done.stdout.decode().strip()
        if self.is_shallow():
            raise HistoryError(
                f"'{ref}' is not in this clone, which is shallow (only the latest commits were "
                "fetched): fetch the history first, e.g. `git fetch --unshallow --tags`, or "
                "check out with `fetch-depth: 0` in GitHub Actions"
            )
        raise HistoryError(
            f"'{ref}' is not a file, a folder or a git ref of {self.root}"
            " (for a tag or branch of a remote, fetch it first: `git fetch --tags`)"
        )

    def is_shallow(self) -> bool:
        done = self.run("rev-parse", "--is-shallow-repository")
        return done.stdout.strip() == b"true"

    def branch(self, name: str) -> str | None:
        """The commit of a local branch, else of ``origin/<name>``, else None."""
        for ref in (f"refs/heads/{name}", f"refs/remotes/origin/{name}"):
            done = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", ref)
            if done.returncode == 0:
                return done.stdout.decode().strip()
        return None

    def files(self, commit: str, folder: PurePosixPath) -> dict[str, str]:
        """Every file under ``folder`` (relative to the root) at ``commit``: path -> blob id,
        paths relative to ``folder``."""
        where = [] if str(folder) in ("", ".") else ["--", f"{folder}/"]
        done = self.run("ls-tree", "-r", "-z", "--full-tree", commit, *where)
        if done.returncode != 0:
            raise HistoryError(f"git ls-tree failed: {_stderr(done)}")
        files = {}
        for entry in done.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, blob = meta.decode().split()
            if kind != "blob" or mode == "120000":  # symbolic links are not pages
                continue
            name = PurePosixPath(path.decode("utf-8", "replace"))
            files[str(name.relative_to(folder)) if str(folder) not in ("", ".") else str(name)] = (
                blob
            )
        return files

    def read_blobs(self, blobs: list[str]) -> list[bytes]:
        """The contents of blobs, in order, through one ``git cat-file --batch``."""
        if not blobs:
            return []
        done = self.run("cat-file", "--batch", stdin="".join(f"{b}\n" for b in blobs).encode())
        if done.returncode != 0:
            raise HistoryError(f"git cat-file failed: {_stderr(done)}")
        out, contents, at = done.stdout, [], 0
        for _ in blobs:
            header_end = out.index(b"\n", at)
            header = out[at:header_end].split()
            if len(header) < 3 or header[1] == b"missing":
                contents.append(b"")
                at = header_end + 1
                continue
            size = int(header[2])
            contents.append(out[header_end + 1 : header_end + 1 + size])
            at = header_end + 1 + size + 1
        return contents

    def read(self, commit: str, path: str) -> bytes | None:
        """One file at ``commit`` (path from the root), or None when there is none."""
        folder = PurePosixPath(path).parent
        files = self.files(commit, folder)
        blob = files.get(PurePosixPath(path).name if str(folder) != "." else path)
        return self.read_blobs([blob])[0] if blob else None

    def relative(self, folder: Path) -> PurePosixPath:
        """``folder`` relative to the root. Raises :class:`HistoryError` outside the repository."""
        try:
            return PurePosixPath(folder.resolve().relative_to(self.root.resolve()).as_posix())
        except ValueError as error:
            raise HistoryError(f"{folder} is outside the git repository {self.root}") from error


def _git(
    folder: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=folder,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as error:
        raise HistoryError("git is not installed (or not on PATH)") from error
    except subprocess.TimeoutExpired as error:
        raise HistoryError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from error


def _stderr(done: subprocess.CompletedProcess[bytes]) -> str:
    return done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
