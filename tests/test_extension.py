"""The core as a Python-Markdown extension: the same maps, in a host without MkDocs plugins."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import markdown
import markdown.extensions
import pytest
from bs4 import BeautifulSoup
from markdown.preprocessors import Preprocessor

from mkdocs_journey.extension import JourneyExtension, JourneyMapError
from tests.conftest import FIXTURES, copy_fixture, run_build

PAGE = (FIXTURES / "extension" / "docs" / "index.md").read_text(encoding="utf-8")
GOLDEN = FIXTURES / "golden" / "extension-map.html"


def convert(text: str, **options: object) -> BeautifulSoup:
    extension = JourneyExtension(page="trial.md", today="2026-11-01", **options)
    html = markdown.markdown(text, extensions=[extension, "fenced_code"])
    return BeautifulSoup(html, "html.parser")


def test_a_fenced_map_becomes_table_diagram_and_curve() -> None:
    page = convert(PAGE)
    journey = page.select_one("#journey-trial")
    assert journey is not None
    stages = [th.get_text(strip=True) for th in journey.select("table.journey-table thead th")]
    assert stages[1:] == ["Awareness", "Decision"]
    assert journey.select_one("svg.journey-diagram") is not None  # real Graphviz, in-process
    assert journey.select_one("td.journey-curve-cell .journey-curve") is not None
    assert "Price only on request" in journey.get_text()
    # Other fences are left to the host's own extensions.
    assert page.select_one("code.language-python") is not None
    assert "journeyslot" not in str(page)


def test_problems_show_in_the_page_and_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    broken = PAGE.replace("  - name: Decision", "  - nmae: Decision")
    with caplog.at_level(logging.WARNING, logger="mkdocs_journey"):
        page = convert(broken)
    box = page.select_one(".journey-problems, .admonition")
    assert box is not None
    text = box.get_text(" ", strip=True)
    assert "trial.md:17:5" in text
    assert "did you mean 'name'" in text
    assert any("trial.md:17:5" in record.getMessage() for record in caplog.records)


def test_the_map_html_is_stable(tmp_path: Path) -> None:
    # Golden HTML (diagrams off: Graphviz output depends on its version). After an intended
    # change to the templates, rewrite it with UPDATE_GOLDEN=1 and review the diff.
    journey = convert(PAGE, diagrams=False).select_one("#journey-trial")
    assert journey is not None
    html = journey.prettify()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.build
def test_mkdocs_runs_it_as_a_markdown_extension_without_the_plugin(tmp_path: Path) -> None:
    build = run_build(copy_fixture("extension", tmp_path), strict=True)
    assert build.returncode == 0, build.output
    page = build.page("")
    assert page.select_one("#journey-trial table.journey-table") is not None
    assert page.select_one("#journey-trial svg.journey-diagram") is not None
    assert not (build.site / "journeys").exists()  # site pages need the plugin


@pytest.mark.build
def test_the_stylesheet_command_prints_the_css() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "stylesheet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ".journey-map" in done.stdout
    assert "var(--md-default-fg-color" in done.stdout


def test_a_page_without_maps_is_left_alone_even_beside_the_plugin() -> None:
    # With the plugin on as well, the page reaches Markdown with the plugin's placeholders in
    # place of its maps; they are the plugin's to fill, not the extension's to clear.
    text = "# Page\n\nA journey without maps.\n\njourneyslot-a7c1-map-0\n"
    html = markdown.markdown(text, extensions=[JourneyExtension()])
    assert "<p>journeyslot-a7c1-map-0</p>" in html


def test_strict_raises_once_the_page_is_converted(caplog: pytest.LogCaptureFixture) -> None:
    broken = PAGE.replace("  - name: Decision", "  - nmae: Decision")
    with (
        caplog.at_level(logging.WARNING, logger="mkdocs_journey"),
        pytest.raises(JourneyMapError) as raised,
    ):
        convert(broken, strict=True)
    assert str(raised.value).splitlines() == [
        "trial.md: 2 problems in journey maps, and the journey extension is strict:",
        "  trial.md:17:5: unknown key 'nmae' in stages[1] (did you mean 'name'?)",
        "  trial.md:17:5: stages[1] is missing the required key 'name'",
    ]
    # The messages were logged before the error, as for a page that is not strict.
    assert [r.getMessage() for r in caplog.records][:2] == [
        line.strip() for line in str(raised.value).splitlines()[1:]
    ]
    assert convert(PAGE, strict=True).select_one("#journey-trial") is not None


def test_the_stylesheet_comes_once_before_the_first_map() -> None:
    twice = PAGE + "\n" + PAGE.replace("id: trial", "id: trial-again")
    page = convert(twice)
    styles = page.select("style.journey-stylesheet")
    assert len(styles) == 1
    assert styles[0].find_next("div", class_="journey-map")["id"] == "journey-trial"
    assert ".journey-map" in styles[0].get_text()
    assert convert(twice, stylesheet=False).select("style") == []
    assert markdown.markdown("# No map", extensions=[JourneyExtension()]).count("<style") == 0


class _HostContext(Preprocessor):
    """What Zensical registers per page: its page (with a docs-relative path) and its config.

    The real Zensical build is tests/test_zensical.py; this keeps the contract in the fast tier.
    """

    def __init__(self, md: markdown.Markdown, root: Path) -> None:
        super().__init__(md)
        self.page = SimpleNamespace(path="maps/trial.md", url="maps/trial/")
        self.config = {"root_dir": str(root), "strict": True}

    def run(self, lines: list[str]) -> list[str]:
        return lines


class _Host(markdown.extensions.Extension):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_HostContext(md, self.root), "rendering_context", 0)


def test_a_host_context_names_the_page_and_sets_strict(tmp_path: Path) -> None:
    broken = PAGE.replace("  - name: Decision", "  - nmae: Decision")
    extension = JourneyExtension(today="2026-11-01")
    with pytest.raises(JourneyMapError, match=r"^maps/trial\.md: 2 problems"):
        markdown.markdown(broken, extensions=[_Host(tmp_path), extension, "fenced_code"])
    assert extension.settings().project_dir == tmp_path.resolve()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"today": "soon"}, "journey extension: 'today' must be a date as YYYY-MM-DD, got 'soon'"),
        ({"stages": "Awareness"}, "journey extension: 'stages' must be a list of names"),
        ({"data_sources": ["crm"]}, "journey extension: 'data_sources' has the wrong type"),
        (
            {"currency": "euro"},
            "journey extension: 'currency': expected a three-letter ISO 4217 currency code "
            "such as EUR or USD, got 'euro'",
        ),
        ({"diagram_max_width": "wide"}, "journey extension: 'diagram_max_width' has the wrong"),
    ],
)
def test_a_bad_option_is_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        markdown.markdown(PAGE, extensions=[JourneyExtension(**options)])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"data_sources": {"crm": {"path": "data/crm.csv", "fromat": "csv"}}},
            "journey extension: 'data_sources': data source 'crm': unknown key 'fromat' "
            "(did you mean 'format'?)",
        ),
        (
            {"channel_rules": [{"channel": "Partners", "medium": "("}]},
            "journey extension: 'channel_rules': channel_rules[1]: medium '(' is not a "
            "regular expression",
        ),
        (
            {"source_categories": {"a.example": "VIDEOS"}},
            "journey extension: 'source_categories': source_categories.a.example: unknown "
            "category 'VIDEOS' (did you mean 'VIDEO'?)",
        ),
        (
            {"max_rejected_share": 5},
            "journey extension: 'max_rejected_share': expected a share between 0 and 1",
        ),
    ],
)
def test_the_data_options_share_the_plugins_schema(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        markdown.markdown(PAGE, extensions=[JourneyExtension(**options)])
