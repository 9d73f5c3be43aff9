"""Two builds of the same commit give the same bytes, and SOURCE_DATE_EPOCH sets "today"."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_fixture, run_build

pytestmark = pytest.mark.build

EXAMPLE = Path(__file__).parent.parent / "example-site"
# 2027-06-01 00:00:00 UTC: after every example map's review date, so they all turn stale.
EPOCH = "1811808000"


def _digests(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _without_today(project: Path) -> Path:
    """The fixture fixes `today`; these tests are about builds that do not."""
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    config.write_text("".join(x for x in lines if "today:" not in x), encoding="utf-8")
    return project


@pytest.mark.slow
def test_two_builds_of_the_example_site_are_byte_identical(tmp_path: Path) -> None:
    """A cold build and a warm one, in other folders and with other hash seeds, agree on
    every file: pages, journeys.json, search index, sitemap, assets."""
    first = tmp_path / "first" / "example-site"
    shutil.copytree(EXAMPLE, first, ignore=shutil.ignore_patterns("site", ".cache"))
    built = run_build(first, strict=True, env={"SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "1"})
    assert built.returncode == 0, built.output
    # The second build starts from the first one's caches (diagrams, analyses), elsewhere.
    second = tmp_path / "second" / "example-site"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns("site"))
    again = run_build(second, strict=True, env={"SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "2"})
    assert again.returncode == 0, again.output

    one, two = _digests(built.site), _digests(again.site)
    assert one.keys() == two.keys()
    differing = sorted(name for name in one if one[name] != two[name])
    assert differing == []
    assert "journeys.json" in one
    assert sum(name.startswith("maps/") for name in one) >= 3


def test_source_date_epoch_sets_today_and_generated(tmp_path: Path) -> None:
    project = _without_today(copy_fixture("basic", tmp_path))
    stale = {}
    for epoch, date in (("1577836800", "2020-01-01"), (EPOCH, "2027-06-01")):
        build = run_build(project, strict=True, env={"SOURCE_DATE_EPOCH": epoch})
        assert build.returncode == 0, build.output
        document = json.loads((build.site / "journeys.json").read_text(encoding="utf-8"))
        assert document["generated"] == date
        stale[date] = {m["id"]: m["stale"] for m in document["maps"] if m["review_due"]}
    assert stale["2020-01-01"]
    assert not any(stale["2020-01-01"].values())
    assert all(stale["2027-06-01"].values())


def test_a_bad_source_date_epoch_is_a_configuration_error(tmp_path: Path) -> None:
    project = _without_today(copy_fixture("basic", tmp_path))
    build = run_build(project, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert build.returncode != 0
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in build.output
    assert "Traceback" not in build.output
