"""The other export formats: a Markdown page holding the whole map, and its journeys.json record."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mkdocs_journey.bridge.authoring import authoring_data
from mkdocs_journey.bridge.cli import site_maps
from mkdocs_journey.bridge.page import map_page
from mkdocs_journey.catalogue import build_catalogue
from mkdocs_journey.export import export_schema
from mkdocs_journey.parsing.page import read_page

EXAMPLE = Path(__file__).parents[2] / "example-site"
MAP_IDS = ["omni-store-first", "omni-online-first", "saas-trial-to-paid", "smb-accounting"]


def _without_positions(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _without_positions(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "position"
        }
    if isinstance(value, tuple | list):
        return [_without_positions(v) for v in value]
    return value


@pytest.mark.parametrize("map_id", MAP_IDS)
def test_the_markdown_page_holds_the_whole_map(map_id: str) -> None:
    site = site_maps(EXAMPLE / "mkdocs.yml")
    reading = site.find(map_id)
    page = map_page(authoring_data(reading.journey_map, reading.persona_ref))
    fresh = read_page(reading.page, page, site.stages)
    others = [r for r in site.readings if r.journey_map is None or r.journey_map.id != map_id]
    catalogue = build_catalogue(
        [*others, *fresh], data_sources=[*MAP_IDS, "smb-owner", "saas-buyer"]
    )
    (again,) = [r for r in catalogue.readings if r.block.text in page]
    assert again.problems == ()
    # Evidence, flow, diagram options, touchpoint actions: everything comes back.
    assert _without_positions(again.journey_map) == _without_positions(reading.journey_map)


@pytest.mark.build
def test_the_json_export_is_the_maps_record() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_journey.cli",
            "export",
            "saas-trial-to-paid",
            "--format",
            "json",
        ],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    document = {"version": 1, "generated": "2026-11-23", "maps": [record]}
    assert list(Draft202012Validator(export_schema()).iter_errors(document)) == []
    assert record["url"] == "maps/saas-buyer/"
    assert "analytics" not in record  # the map as written, without its data


@pytest.mark.build
def test_an_unknown_map_id(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "export", "saas-trial-to-pay"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "mkdocs-journey: error: no map 'saas-trial-to-pay' on this site "
        "(did you mean 'saas-trial-to-paid'?)\n"
    )
