"""Each kind of side of ``mkdocs-journey diff``, and a clear message for each way one can fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.changes.gitrepo import GitRepo
from tests.conftest import copy_fixture

pytestmark = pytest.mark.build


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    root = copy_fixture("basic", tmp_path)
    (root / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    repo = GitRepo.create(root)
    repo.commit("Maps")
    return repo


def changes(repo: GitRepo, *args: str) -> list[tuple[str, str, str | None, str, str]]:
    done = repo.journey("diff", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return [
        (c["kind"], c["map"], c["item"], c["old"], c["new"])
        for c in json.loads(done.stdout)["changes"]
    ]


def test_a_renamed_page_is_said_to_be_renamed(repo: GitRepo) -> None:
    repo.git("mv", "docs/maps/fenced.md", "docs/maps/buyers.md")
    repo.commit("Rename the page")
    assert changes(repo, "HEAD~1", "HEAD") == [
        ("map-moved", "buyer", "page renamed", "maps/fenced.md", "maps/buyers.md"),
        ("map-moved", "owner-again", "page renamed", "maps/fenced.md", "maps/buyers.md"),
    ]
    text = repo.journey("diff", "HEAD~1", "HEAD").stdout
    assert "  > page renamed: maps/fenced.md → maps/buyers.md\n" in text


def test_a_map_moved_to_another_page(repo: GitRepo) -> None:
    fenced = repo.path / "docs/maps/fenced.md"
    text = fenced.read_text(encoding="utf-8")
    start = text.index('=== "Second"')
    end = text.index('=== "Other"')
    fenced.write_text(text[:start] + text[end:], encoding="utf-8")
    index = repo.path / "docs/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n" + text[start:end], encoding="utf-8")
    repo.commit("Move a map to the home page")
    assert changes(repo, "HEAD~1") == [
        ("map-moved", "owner-again", "moved", "maps/fenced.md", "index.md"),
    ]


def test_files_and_folders_are_sides_too(repo: GitRepo) -> None:
    built = repo.mkdocs_build("--strict")
    assert built.returncode == 0, built.stderr
    export = repo.path / "site" / "journeys.json"
    document = json.loads(export.read_text(encoding="utf-8"))
    first = document["maps"][0]
    owner = first["owner"]
    first["owner"] = "Someone else"
    (repo.path / "older.json").write_text(json.dumps(document), encoding="utf-8")
    # A built journeys.json, a built site folder, a git ref, the working tree: all compare.
    assert changes(repo, "older.json", "site") == [
        ("owner-changed", first["id"], None, "Someone else", owner),
    ]
    assert changes(repo, "site", "HEAD") == []
    assert changes(repo, "HEAD", "site") == []


def test_no_pages_at_the_ref_is_a_note_not_an_error(repo: GitRepo) -> None:
    repo.git("mv", "docs", "pages")
    repo.edit(
        "mkdocs.yml", "site_name: Basic journeys\n", "site_name: Basic journeys\ndocs_dir: pages\n"
    )
    repo.commit("Rename the docs folder")
    done = repo.journey("diff", "HEAD~1", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [c["kind"] for c in report["changes"]] == ["map-added"] * 3
    assert report["notes"][0].startswith("HEAD~1: no Markdown pages under pages/ at commit ")
    assert (
        "If the docs folder was renamed since, compare built journeys.json files"
        in (report["notes"][0])
    )


@pytest.mark.parametrize(
    ("side", "message"),
    [
        ("v9.9", "'v9.9' is not a file, a folder or a git ref of "),
        ("--output=x", "'--output=x' is not a usable git ref"),
        ("broken.json", "broken.json:2:3: not valid JSON: Expecting property name"),
        (
            "other.json",
            "other.json: journeys.json format version 2; this mkdocs-journey reads version 1",
        ),
        ("docs", "docs: a folder without journeys.json; build the site first"),
    ],
)
def test_a_side_that_cannot_be_read(repo: GitRepo, side: str, message: str) -> None:
    (repo.path / "broken.json").write_text('{\n  ,"maps": []}', encoding="utf-8")
    (repo.path / "other.json").write_text('{"version": 2, "maps": []}', encoding="utf-8")
    done = repo.journey("diff", "--", side, "HEAD")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("mkdocs-journey: error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_git_ref_needs_the_site_config(repo: GitRepo, tmp_path: Path) -> None:
    done = repo.journey("diff", "HEAD", "--config", str(tmp_path / "nowhere.yml"))
    assert done.returncode == 2
    assert "nowhere.yml: no such file; reading maps at a git ref or in the working tree" in (
        done.stderr
    )


def test_outside_a_repository(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    done = GitRepo(project).journey("diff", "HEAD")
    assert done.returncode == 2
    assert "not inside a git repository" in done.stderr


def test_a_side_holding_nan_is_not_json(repo: GitRepo) -> None:
    # Python's json reads NaN as a number; written back, it would make the report invalid JSON.
    (repo.path / "nan.json").write_text(
        '{"version": 1, "maps": [{"id": "trial", "kpis": [{"target": NaN}]}]}', encoding="utf-8"
    )
    done = repo.journey("diff", "--format", "json", "--", "nan.json", "HEAD")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "mkdocs-journey: error: nan.json: not valid JSON: NaN is not a number JSON knows\n"
    )
