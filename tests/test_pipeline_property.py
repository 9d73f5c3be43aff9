"""Hypothesis over the whole pipeline: a map and a small events file are generated together and
built into a real MkDocs + Material site. Whatever they hold, the build never raises, the map ends
as a rendered map or as an error box with a positioned message, every message the plugin logs
says where, and every row read is used or rejected with a reason."""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

SITE = """\
site_name: Property
theme: {name: material}
markdown_extensions: [admonition, pymdownx.superfences]
plugins:
  - search
  - journey:
      today: 2026-06-01
      max_rejected_share: 1
      data_sources:
        events: data/events.csv
"""

STAGE_NAMES = ["Awareness", "Consideration", "Decision", "Retention", "Purchse", "awareness"]
TOUCHPOINT_IDS = ["blog", "pricing", "checkout", "ad", "bad id"]
# Author text with markup, line breaks and characters YAML, Markdown and HTML care about.
TEXT = st.one_of(
    st.sampled_from(
        [
            "Blog post",
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "*em* `code` &amp; # {: .x }",
            "two\nlines",
            "",
            "journey: not a key",
        ]
    ),
    st.text(max_size=12),
)


class _Choices:
    """Draws a value among the valid ones, or, for a hostile map, among the wrong ones too."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.hostile = draw(st.booleans())

    def pick(self, valid: list[Any], wrong: list[Any] | None = None) -> Any:
        options = [*valid, *(wrong or [])] if self.hostile else valid
        return self.draw(st.sampled_from(options))

    def text(self) -> str:
        return self.draw(TEXT)


def _stage(choose: _Choices, name: str) -> dict[str, Any]:
    draw = choose.draw
    stage: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        ids = draw(st.lists(st.sampled_from(TOUCHPOINT_IDS[:4]), max_size=3, unique=True))
        stage["touchpoints"] = [
            {
                "id": choose.pick([tp], ["bad id", "blog"]),
                "name": choose.text(),
                "channel": choose.pick(["", "Email", "Direct"]),
            }
            for tp in ids
        ]
    if draw(st.booleans()):
        stage["emotion"] = {
            "score": choose.pick([-2, -1, 0, 1, 2], [-3, 3]),
            "label": choose.text(),
        }
    if draw(st.booleans()):
        stage["pain_points"] = [
            {
                "text": choose.text(),
                "severity": choose.pick([1, 3, 5], [0, 6]),
                **({"touchpoint": "blog"} if choose.hostile else {}),
            }
        ]
    if draw(st.booleans()):
        metric = choose.pick(
            ["conversions", "conversion_rate", "stage_leads:Decision", "revenue"], ["nonsense"]
        )
        stage["kpis"] = [{"name": choose.text() or "KPI", "target": 1, "metric": metric}]
    return stage


@st.composite
def map_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(the map's YAML, as written in the page, and where it goes: fence, quote or front)."""
    choose = _Choices(draw)
    names = draw(st.lists(st.sampled_from(STAGE_NAMES[:4]), min_size=1, max_size=4, unique=True))
    data: dict[str, Any] = {
        "id": choose.pick(["trial", "m-1", "Trial.2"], ["bad id", "x\n"]),
        "title": choose.text(),
        "stages": [_stage(choose, choose.pick([name], STAGE_NAMES[4:])) for name in names],
    }
    if draw(st.booleans()):
        data["persona"] = {"id": choose.pick(["p1"], ["bad id"]), "name": choose.text()}
    source = choose.pick(["events", "events", None], ["unknown"])
    if source is not None:
        data["data"] = source
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    damage = choose.pick(["none"], ["cut", "insert"])
    if damage == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at] + draw(st.sampled_from(["\t", ": ", "[", "&a ", "*a", "'", "- "])) + text[at:]
        )
    return text, draw(st.sampled_from(["fence", "quote", "front"]))


FIELDS = {
    "lead_id": ["L1", "L2", "L3", ""],
    "timestamp": [
        "2024-01-01T10:00:00Z",
        "150000-01-01T00:00:00Z",
        "-150000-06-01 00:00:00",
        "2024-01-02 09:30:00",
        "2024-02-30T10:00:00Z",
        "05/01/2024 13:45",
        "junk",
        "",
    ],
    "source": ["google", "(direct)", "newsletter", "", "facebook"],
    "medium": ["organic", "cpc", "(none)", "email", "", "referral\t"],
    "campaign": ["", "spring", "x,y"],
    "touchpoint": [*TOUCHPOINT_IDS, "/pricing?ref=1", ""],
    "converted": ["0", "1", "true", "TRUE", "1.0", "maybe", ""],
    "revenue": ["", "10", "12.50", "-3", "12 EUR", "1e308", "nan"],
}


REQUIRED = ["lead_id", "timestamp", "source", "medium"]


@st.composite
def events_files(draw: st.DrawFn) -> str:
    columns = st.sampled_from(list(FIELDS))
    if draw(st.integers(0, 4)) < 4:  # mostly a usable header, in any order
        optional = draw(st.lists(columns.filter(lambda c: c not in REQUIRED), unique=True))
        header = draw(st.permutations(REQUIRED + optional))
    else:
        header = draw(st.lists(columns, min_size=1, max_size=len(FIELDS), unique=True))
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = [draw(st.sampled_from(FIELDS[column])) for column in header]
        if draw(st.integers(0, 9)) == 0:  # a field too many or too few
            row = row[:-1] if draw(st.booleans()) else [*row, "extra"]
        rows.append(",".join(f'"{v}"' if "," in v else v for v in row))
    return "\n".join([",".join(header), *rows]) + "\n"


def _page(map_text: str, place: str) -> str:
    map_text = map_text if map_text.endswith("\n") else map_text + "\n"  # the fence closes
    if place == "front":
        indented = "".join(f"  {line}\n" for line in map_text.splitlines())
        return f"---\njourney:\n{indented}---\n# Map\n\nProse.\n"
    if place == "quote":
        quoted = "".join(f"> {line}\n" for line in map_text.splitlines())
        return f"# Map\n\n> ```journey\n{quoted}> ```\n\nProse.\n"
    return f"# Map\n\n```journey\n{map_text}```\n\nProse.\n"


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _captured() -> Iterator[_Messages]:
    handler = _Messages()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


# Where a message of the plugin may say it is: a page position, the config, or the data file.
POSITIONED = re.compile(r"^(index\.md:\d+:\d+: |mkdocs\.yml: |\S*data/events\.csv(:\d+)?: )")


@settings(
    max_examples=30,
    deadline=None,  # each example is a real build
    # No shrinking: each step is a build, and shrinking a large map takes many minutes. A failure
    # prints the example as generated, which is small enough to read.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@pytest.mark.slow
@given(map_and_place=map_texts(), events=events_files())
def test_any_map_and_events_end_in_a_page_or_a_positioned_message(
    map_and_place: tuple[str, str], events: str
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    map_text, place = map_and_place
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "docs").mkdir()
        (project / "data").mkdir()
        (project / "mkdocs.yml").write_text(SITE, encoding="utf-8")
        (project / "docs" / "index.md").write_text(_page(map_text, place), encoding="utf-8")
        (project / "data" / "events.csv").write_text(events, encoding="utf-8")
        with _captured() as messages:
            build(load_config(str(project / "mkdocs.yml")))  # never raises

        ours = [
            r.getMessage().removeprefix("journey: ")
            for r in messages.records
            if r.name == "mkdocs.plugins.journey" and r.levelno >= logging.WARNING
        ]
        for message in ours:
            assert POSITIONED.match(message), message
        page = BeautifulSoup(
            (project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        assert "Prose." in page.get_text()
        maps = page.select("article div.journey-map")
        broken = page.select("article div.journey-map--broken")
        if broken:
            assert any(re.match(r"index\.md:\d+:\d+: ", m) for m in ours), ours
        if not maps:
            # Only front matter that is no map (cut before its key, say) has no block at all.
            assert place == "front"
            assert "journey:" not in map_text.split("\n", 1)[0] or ours
        event("broken map" if broken else "rendered map" if maps else "no map")
        export = json.loads((project / "site" / "journeys.json").read_text(encoding="utf-8"))
        for record in export["maps"]:
            analytics = record.get("analytics")
            if analytics:
                event("analysed")
                totals = analytics["totals"]
                rejected = sum(reason["count"] for reason in analytics["rejected"].values())
                assert totals["rows_read"] == totals["rows_used"] + rejected
                assert totals["rows_read"] == events.count("\n") - 1
