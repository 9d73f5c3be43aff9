"""``mkdocs-journey schema``: the shipped map schema, and one for a whole page front matter."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest
import yaml
from jsonschema import Draft202012Validator

from mkdocs_journey.parsing.yaml_source import plain_json

FRONT_MATTER = """\
title: Owner journey
hide: [toc]
journey:
  id: owner
  title: Owner buys software
  reviewed: 2026-01-10
  stages:
    - name: Consideration
      touchpoints: [{id: reviews, name: Review site, channel: Referral}]
"""


def schema(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_journey.cli", "schema", *args],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.build
def test_prints_the_shipped_map_schema() -> None:
    shipped = resources.files("mkdocs_journey").joinpath("schema/journey.schema.json").read_text()
    assert schema() == json.loads(shipped)


@pytest.fixture(scope="module")
def front_matter() -> Draft202012Validator:
    document = schema("--front-matter")
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def test_front_matter_schema_accepts_a_page_with_other_keys(front_matter) -> None:
    assert list(front_matter.iter_errors(plain_json(yaml.safe_load(FRONT_MATTER)))) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("touchpoints:", "touchpionts:"), "'touchpionts' was unexpected"),
        (("reviewed: 2026-01-10", "reviewed: 12"), "12 is not of type 'string'"),
        (("  id: owner\n", ""), "'id' is a required property"),
        (("name: Review site, ", "name: Review site, id: 'bad id', "), "does not match"),
    ],
)
def test_front_matter_schema_checks_the_map_under_journey(
    front_matter, change: tuple[str, str], complaint: str
) -> None:
    text = FRONT_MATTER.replace(*change)
    assert text != FRONT_MATTER
    errors = [e.message for e in front_matter.iter_errors(plain_json(yaml.safe_load(text)))]
    assert any(complaint in message for message in errors), errors
