"""The project's own documentation builds with the plugin, strictly."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import run_build

ROOT = Path(__file__).parent.parent


def test_docs_build_strict_with_live_maps(tmp_path: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    build = run_build(tmp_path, strict=True)
    assert build.returncode == 0, build.output
    home = build.page("")
    assert home.select("div.journey-map"), "the docs home shows a live map"
    assert not home.select(".journey-problems")
    assert (build.site / "journeys.json").is_file()
