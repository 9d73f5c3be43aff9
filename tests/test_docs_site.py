"""The project's own documentation builds with the plugin, strictly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mkdocs_journey.analytics.attribution import REGISTRY
from tests.conftest import Build, run_build

pytestmark = pytest.mark.build

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = tmp_path_factory.mktemp("docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build


def test_docs_build_strict_with_live_maps(docs: Build) -> None:
    home = docs.page("")
    assert home.select("div.journey-map"), "the docs home shows a live map"
    assert not home.select(".journey-problems")
    assert (docs.site / "journeys.json").is_file()


def test_docs_define_the_models_from_the_code(docs: Build) -> None:
    page = docs.page("data/")
    terms = {
        dt.get_text(" ", strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl dt")
    }
    for model in REGISTRY:
        assert terms.get(model.title) == model.definition
    assert not (docs.site / "_hooks").exists()  # the hook is not published
