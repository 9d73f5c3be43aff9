"""Acceptance of the map diff on real git history.

The example site is committed twice with a tag in between. From v1.0 to HEAD, on the
small-business owner's map: the Advocacy stage is added, the Consideration score moves from -2 to
-1, a Decision pain point is resolved and a Retention KPI moves from 0.4 to 0.31 calls. The CLI
lists exactly those changes, a site built with ``compare_to: v1.0`` shows them, and
``--fail-on-change`` fails.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.changes.gitrepo import GitRepo

pytestmark = pytest.mark.build

EXAMPLE = Path(__file__).parents[2] / "example-site"
PAGE = "docs/maps/smb-owner.md"
MAP = "smb-accounting"
RESOLVED = "smb-pp-setup-call-wait"
KPI = "Support calls per active account per month"

EXPECTED = [
    ("emotion-score", "Consideration", None, -2, -1, "better"),
    (
        "pain-point-resolved",
        "Decision",
        RESOLVED,
        "The next free setup call slot is often five or more working days away",
        None,
        "better",
    ),
    ("kpi-actual", "Retention", KPI, 0.4, 0.31, "better"),
    ("stage-added", "Advocacy", None, None, None, None),
]


def _first_review(text: str) -> str:
    """The map as it was at v1.0: no Advocacy stage, a lower score, a worse KPI."""
    start = text.index("    - name: Advocacy\n")
    end = text.index("\n---\n", start)
    text = text[:start] + text[end + 1 :]
    text = text.replace(
        "      emotion:\n        score: -1\n", "      emotion:\n        score: -2\n", 1
    )
    return text.replace("          actual: 0.31\n", "          actual: 0.4\n", 1)


def _resolve_pain_point(text: str) -> str:
    start = text.index(f"        - id: {RESOLVED}\n")
    end = text.index("      opportunities:\n", start)
    text = text[:start] + text[end:]
    return text.replace(f"          addresses: {RESOLVED}\n", "", 1)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    root = tmp_path_factory.mktemp("history") / "site"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    (root / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    repo = GitRepo.create(root)
    page = root / PAGE
    original = page.read_text(encoding="utf-8")
    page.write_text(_first_review(original), encoding="utf-8")
    repo.commit("First review of the maps")
    repo.git("tag", "v1.0")
    page.write_text(_resolve_pain_point(original), encoding="utf-8")
    repo.commit("Second review: Advocacy mapped, setup calls no longer a pain")
    return repo


def test_diff_lists_exactly_the_changes(repo: GitRepo) -> None:
    done = repo.journey("diff", "v1.0", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    found = [
        (c["kind"], c["stage"], c["item"], c["old"], c["new"], c["verdict"])
        for c in report["changes"]
    ]
    assert found == EXPECTED
    assert {c["map"] for c in report["changes"]} == {MAP}
    assert report["summary"] == {"maps_compared": 4, "maps_changed": 1, "changes": 4}
    assert report["old"]["description"].startswith("git ref v1.0 (commit ")


def test_fail_on_change_exits_1_and_an_unchanged_pair_exits_0(repo: GitRepo) -> None:
    changed = repo.journey("diff", "v1.0", "HEAD", "--fail-on-change")
    assert changed.returncode == 1, changed.stderr
    assert "4 changes in 1 of 4 maps." in changed.stdout
    same = repo.journey("diff", "HEAD", "HEAD", "--fail-on-change")
    assert same.returncode == 0, same.stderr
    assert "No changes to journey maps (4 maps compared)." in same.stdout


def test_text_and_markdown_reports(repo: GitRepo) -> None:
    text = repo.journey("diff", "v1.0").stdout  # NEW defaults to the working tree
    assert "  ~ Consideration: emotion score -2 → -1 (better)\n" in text
    assert '  - Decision: pain point resolved: "The next free setup call' in text
    assert "  + Advocacy: stage added\n" in text
    markdown = repo.journey("diff", "v1.0", "HEAD", "--format", "markdown").stdout
    assert markdown.startswith("## Journey map changes: v1.0 → HEAD\n")
    assert "### Small-business owner: from shoebox receipts to Northwind Ledger\n" in markdown
    assert f'- Retention: KPI "{KPI}": actual 0.4 calls → 0.31 calls (better)\n' in markdown


@pytest.fixture(scope="module")
def compared_site(repo: GitRepo) -> Path:
    config = repo.path / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - journey:\n", "  - journey:\n      compare_to: v1.0\n", 1),
        encoding="utf-8",
    )
    try:
        done = repo.mkdocs_build("--strict")
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        config.write_text(text, encoding="utf-8")
    return repo.path / "site"


def _page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_site_shows_the_changes_on_the_map(compared_site: Path) -> None:
    page = _page(compared_site, "maps/smb-owner")
    block = page.select_one(f"#journey-{MAP} details.journey-changes")
    assert block is not None
    assert block.select_one("summary").get_text(" ", strip=True) == "Changed since v1.0 4 changes"
    lines = [(li["data-change"], li.get_text(strip=True)) for li in block.select("li")]
    assert lines == [
        ("emotion-score", "Consideration: emotion score -2 → -1 (better)"),
        (
            "pain-point-resolved",
            'Decision: pain point resolved: "The next free setup call slot '
            'is often five or more working days away"',
        ),
        ("kpi-actual", f'Retention: KPI "{KPI}": actual 0.4 calls → 0.31 calls (better)'),
        ("stage-added", "Advocacy: stage added"),
    ]
    # The old and the new emotion curves, overlaid: four stages then, five now.
    svg = block.select_one("svg.journey-changes-curve[role=img]")
    assert len(svg.select("circle.journey-changes-curve__old-point")) == 4
    assert len(svg.select("circle.journey-changes-curve__new-point")) == 5
    assert "Consideration: -2 in v1.0, -1 now" in svg.select_one("desc").get_text()
    # Unchanged maps have no block.
    other = _page(compared_site, "maps/saas-buyer")
    assert other.select_one("details.journey-changes") is None


def test_site_has_a_what_changed_page(compared_site: Path) -> None:
    page = _page(compared_site, "journeys/changes")
    assert page.select_one("h1").get_text(strip=True).rstrip("¶") == "What changed"
    sections = page.select("section.journey-changes-map")
    assert [s["data-journey-map"] for s in sections] == [MAP]
    assert [li["data-change"] for li in sections[0].select("li")] == [e[0] for e in EXPECTED]
    assert sections[0].select_one("h2 a")["href"] == "../../maps/smb-owner/"
    unchanged = [a.get_text(strip=True) for a in page.select(".journey-changes-unchanged a")]
    assert len(unchanged) == 3
    # The page is in the navigation like the other generated pages.
    nav = [a.get_text(strip=True) for a in page.select("nav a")]
    assert "What changed" in nav


def test_a_shallow_clone_without_the_tag(repo: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    repo.run(
        "git", "clone", "--quiet", "--depth", "1", "--no-tags", f"file://{repo.path}", str(clone)
    )
    shallow = GitRepo(clone)
    done = shallow.journey("diff", "v1.0", "HEAD")
    assert done.returncode == 2
    assert "'v1.0' is not in this clone, which is shallow" in done.stderr
    assert "git fetch --unshallow --tags" in done.stderr
    assert "Traceback" not in done.stderr
    # The site still builds, strictly, and says why it compares nothing.
    config = clone / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - journey:\n", "  - journey:\n      compare_to: v1.0\n", 1
        ),
        encoding="utf-8",
    )
    build = shallow.mkdocs_build("--strict")
    assert build.returncode == 0, build.stdout + build.stderr
    assert "compare_to: 'v1.0' is not in this clone, which is shallow" in build.stderr
    page = _page(clone / "site", "journeys/changes")
    note = page.select_one(".journey-changes-note").get_text(" ", strip=True)
    assert note.startswith("Nothing to compare with v1.0: 'v1.0' is not in this clone")
    assert page.select_one("details.journey-changes") is None
