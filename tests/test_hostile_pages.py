"""Unusual pages built with real MkDocs: ids with a line break, maps inside blockquotes, and the
same input giving the same ``journeys.json`` byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_fixture, run_build

pytestmark = pytest.mark.build

SITE = """\
site_name: Pages
theme: {name: material}
markdown_extensions: [admonition, pymdownx.superfences]
plugins:
  - search
  - journey:
      today: 2026-06-01
"""


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE, encoding="utf-8")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    return tmp_path


IDS = """\
# Ids

```journey
id: |
  trial
title: Trial
persona:
  id: "owner\\n"
  name: Owner
stages:
  - name: Awareness
    touchpoints:
      - {id: "ad\\n", name: Ad}
```
"""

ID_RULE = "expected an id of letters, digits, '-', '_' or '.', starting with a letter or digit"
ID_HINT = (
    "(remove the white space around it; a '|' or '>' block ends with a line break, so write "
    "the id on the line of its key)"
)


def test_ids_ending_in_a_line_break_are_positioned_errors(tmp_path: Path) -> None:
    build = run_build(_site(tmp_path, {"index.md": IDS}))
    warnings = [line for line in build.output.splitlines() if line.startswith("WARNING")]
    assert warnings == [
        f"WARNING -  journey: index.md:4:5: id: {ID_RULE}, got 'trial\\n' {ID_HINT}",
        f"WARNING -  journey: index.md:8:7: persona.id: {ID_RULE}, got 'owner\\n' {ID_HINT}",
        f"WARNING -  journey: index.md:13:14: stages[0].touchpoints[0].id: {ID_RULE}, "
        f"got 'ad\\n' {ID_HINT}",
    ]
    # No folder or file of the site has a line break in its name.
    assert not [path for path in build.site.rglob("*") if "\n" in path.name]
    assert not (build.site / "journeys" / "personas").exists()


QUOTED = """\
# Quotes

> A quoted map:
>
> ```journey
> id: quoted
> title: Quoted map
> stages:
>   - name: Awareness
>     touchpoints:
>       - {id: ad, name: Banner ad}
> ```
>
> After the map.

!!! note
    > > ```journey
    > > id: deeper
    > > title: Deeper
    > > stages: [{name: Decision}]
    > > ```

Between.

- item
- ```journey
  id: listed
  title: Listed
  stages: [{name: Awareness}]
  ```
"""


def test_maps_in_blockquotes_render_and_a_misplaced_fence_is_reported(tmp_path: Path) -> None:
    build = run_build(_site(tmp_path, {"index.md": QUOTED}))
    page = build.page("")
    quoted = page.select_one("#journey-quoted")
    assert quoted.find_parent("blockquote") is not None
    assert quoted.select_one(".journey-touchpoint__name").get_text() == "Banner ad"
    texts = [p.get_text() for p in quoted.find_parent("blockquote").find_all("p", recursive=False)]
    assert texts == ["A quoted map:", "After the map."]
    deeper = page.select_one("#journey-deeper")
    assert deeper.find_parent("div", class_="admonition") is not None
    assert len(deeper.find_parents("blockquote")) == 2
    assert not page.select("article pre")  # no map left as a code block
    assert [line for line in build.output.splitlines() if line.startswith("WARNING")] == [
        "WARNING -  journey: index.md:26:3: this journey block is not read: a fence on the line "
        "of a list item's marker stays a code block; put the fence on a line of its own, "
        "indented under the item"
    ]


def test_two_builds_of_the_same_input_write_the_same_journeys_json(
    tmp_path: Path, monkeypatch
) -> None:
    """Cold and warm caches, other hash seeds: the same bytes (the example data is small enough
    for the engine to read in one thread; see the report of issue 9 for files of 10M rows)."""
    exports = []
    for seed, cold in (("1", True), ("2", True), ("3", False)):
        project = tmp_path / f"build-{seed}"
        if cold:
            copy_fixture("data-site", project)
        else:
            shutil.copytree(tmp_path / "build-2" / "data-site", project / "data-site")
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        build = run_build(project / "data-site", strict=True)
        assert build.returncode == 0, build.output
        assert (project / "data-site" / ".cache" / "journey" / "analyses").is_dir()
        exports.append((build.site / "journeys.json").read_bytes())
    assert b'"analytics"' in exports[0]
    assert exports[0] == exports[1] == exports[2]
