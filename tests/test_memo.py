"""The per-map memo: what its keys depend on, corrupted disk entries, and output that is the same
byte for byte whether maps come from the memo or not."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_journey.export import document_text
from mkdocs_journey.memo import MapMemo, package_fingerprint, reading_key
from mkdocs_journey.model import DEFAULT_STAGES
from mkdocs_journey.parsing.page import read_page
from mkdocs_journey.plugin import JourneyPlugin
from tests.conftest import FIXTURES, copy_fixture, run_build

EXAMPLE = Path(__file__).parent.parent / "example-site"


class Session:
    """Builds of one project in this process with one plugin instance, as `mkdocs serve` runs
    them (MkDocs keeps a plugin that defines on_startup across its rebuilds)."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.plugin: JourneyPlugin | None = None

    def build(self) -> JourneyPlugin:
        config = load_config(str(self.project / "mkdocs.yml"))
        if self.plugin is None:
            config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        plugin = config.plugins["journey"]
        assert isinstance(plugin, JourneyPlugin)
        assert self.plugin is None or plugin is self.plugin, "MkDocs made a new plugin"
        self.plugin = plugin
        return plugin

    @property
    def memo(self) -> MapMemo:
        assert self.plugin is not None
        assert self.plugin.memo is not None
        return self.plugin.memo


def _digests(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _set_option(project: Path, line: str) -> None:
    """Add ``line`` (e.g. ``layout: normal``) to the journey plugin's options."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    marker = "  - journey:\n"
    assert marker in text
    config.write_text(text.replace(marker, f"{marker}      {line}\n", 1), encoding="utf-8")


# -- keys ------------------------------------------------------------------------------------
def test_a_reading_key_changes_with_the_page_its_text_the_stages_and_the_package() -> None:
    base = reading_key("maps/a.md", "text", DEFAULT_STAGES, package="1")
    assert base == reading_key("maps/a.md", "text", DEFAULT_STAGES, package="1")
    assert base != reading_key("maps/b.md", "text", DEFAULT_STAGES, package="1")
    assert base != reading_key("maps/a.md", "text ", DEFAULT_STAGES, package="1")
    assert base != reading_key("maps/a.md", "text", DEFAULT_STAGES[:-1], package="1")
    assert base != reading_key("maps/a.md", "text", ("Aware", "ness"), package="1")
    assert base != reading_key("maps/a.md", "text", DEFAULT_STAGES, package="2")
    assert reading_key("maps/a.md", "text", DEFAULT_STAGES) == reading_key(
        "maps/a.md", "text", DEFAULT_STAGES, package=package_fingerprint()
    )


def test_the_package_fingerprint_covers_code_and_templates() -> None:
    from mkdocs_journey import memo

    assert len(package_fingerprint()) == 64
    files = {p.relative_to(memo.PACKAGE).as_posix() for p in memo.PACKAGE.rglob("*")}
    assert {"site.py", "render/templates/journey/map.html", "schema/journey.schema.json"} <= files


def test_readings_survive_the_disk_unchanged(tmp_path: Path) -> None:
    pages = sorted((FIXTURES / "basic" / "docs").rglob("*.md"))
    pages += sorted((FIXTURES / "errors" / "docs").rglob("*.md"))
    for path in pages:
        source = path.read_text(encoding="utf-8")
        read = read_page(path.name, source, DEFAULT_STAGES)
        stored = MapMemo(tmp_path).readings(path.name, source, DEFAULT_STAGES, lambda r=read: r)
        loaded = MapMemo(tmp_path).readings(
            path.name, source, DEFAULT_STAGES, lambda: pytest.fail("read again")
        )
        assert loaded == stored == read
        for one, other in zip(loaded, read, strict=True):
            assert (one.positions is None) == (other.positions is None)
            if one.positions and other.positions:
                assert one.positions.values == other.positions.values
                assert one.positions.keys == other.positions.keys


_DAMAGED_POSITIONS: list[Callable[[list[Any]], None]] = [
    lambda rows: rows[0].__setitem__(1, "3"),  # a line that is not a number
    lambda rows: rows[0].__setitem__(2, 1.0),  # nor a column
    lambda rows: rows[0].__setitem__(2, True),
    lambda rows: rows[0][0].append(1.5),  # a path part that is neither key nor index
    lambda rows: rows[0][0].append(None),
    lambda rows: rows[0].pop(),  # [path, line]
    lambda rows: rows[-1].append(7),  # [path, line, column, more]
    lambda rows: rows.append(5),
    lambda rows: rows[0].__setitem__(0, 5),  # a path that is not a list
]


@pytest.mark.parametrize("damage", _DAMAGED_POSITIONS)
def test_an_entry_with_damaged_positions_is_dropped(
    tmp_path: Path, damage: Callable[[list[Any]], None]
) -> None:
    page = "maps/front.md"
    source = (FIXTURES / "basic" / "docs" / page).read_text(encoding="utf-8")
    read = read_page(page, source, DEFAULT_STAGES)
    MapMemo(tmp_path).readings(page, source, DEFAULT_STAGES, lambda: read)
    (entry,) = tmp_path.rglob("*.json")
    data = json.loads(entry.read_text(encoding="utf-8").split("\n", 1)[1])
    positions = next(r["positions"] for r in data["readings"] if r["positions"])
    for rows in (positions["values"], positions["keys"]):
        assert rows, "the fixture's map has positions"
    damage(positions["values"])
    body = json.dumps(data)
    entry.write_text(f"{hashlib.sha256(body.encode()).hexdigest()}\n{body}", encoding="utf-8")
    memo = MapMemo(tmp_path)
    again = memo.readings(page, source, DEFAULT_STAGES, lambda: read)
    assert again is read, "the damaged entry was used"
    assert any("does not decode to maps" in error for error in memo.errors)


# -- rebuilds in one process -------------------------------------------------------------------
@pytest.mark.build
def test_rebuilds_read_and_render_only_what_changed(tmp_path: Path) -> None:
    project = copy_fixture("data-site", tmp_path)
    session = Session(project)
    session.build()
    maps = session.memo.parsed
    assert maps >= 1
    assert session.memo.rendered == maps

    session.build()  # nothing changed
    assert (session.memo.parsed, session.memo.rendered) == (0, 0)

    # New data: the maps are not read again, but every map that shows it is rendered again.
    events = project / "data" / "events.csv"
    rows = events.read_text(encoding="utf-8").splitlines()
    events.write_text("\n".join([*rows, rows[-1]]) + "\n", encoding="utf-8")
    session.build()
    assert session.memo.parsed == 0
    assert session.memo.rendered >= 1

    _set_option(project, "layout: normal")  # a setting every map's HTML depends on
    session.build()
    assert (session.memo.parsed, session.memo.rendered) == (0, maps)

    _set_option(project, "stages: [Awareness, Consideration, Decision, Retention, Advocacy, Win]")
    session.build()  # the stages shape reading (unknown stage names are errors)
    assert session.memo.parsed == maps


@pytest.mark.build
def test_a_rebuild_after_new_data_shows_the_new_kpi_status_in_the_index(tmp_path: Path) -> None:
    # The index's rows are kept between rebuilds; the map's analysis is part of their key, so
    # that new data (here enough conversions to meet the KPI) reaches the index too.
    project = copy_fixture("data-site", tmp_path)
    session = Session(project)
    session.build()
    index = project / "site" / "journeys" / "index.html"
    before = index.read_text(encoding="utf-8")
    assert "1 missed" in before or "1 off target" in before
    events = project / "data" / "events.csv"
    extra = "".join(
        f"N{n},2024-02-0{n}T10:00:00Z,(direct),(none),,checkout,,1,10\n" for n in range(1, 8)
    )
    events.write_text(events.read_text(encoding="utf-8") + extra, encoding="utf-8")
    session.build()
    after = index.read_text(encoding="utf-8")
    assert "1 on target" in after, after
    fresh = copy_fixture("data-site", tmp_path / "fresh")
    (fresh / "data" / "events.csv").write_text(events.read_text(encoding="utf-8"))
    Session(fresh).build()
    assert after == (fresh / "site" / "journeys" / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_a_diagram_problem_is_reported_on_every_rebuild(tmp_path: Path) -> None:
    # Filled pages are kept between rebuilds, except those whose drawing went wrong: here no
    # system Graphviz `dot` is installed (or a drawing fails), and every rebuild must say so.
    project = copy_fixture("data-site", tmp_path)
    _set_option(project, "diagram_renderer: dot")
    session = Session(project)
    first = list(session.build().failures)
    if shutil.which("dot") is not None:
        pytest.skip("a system Graphviz dot is installed: the diagrams draw")
    assert any("dot" in failure for failure in first)
    assert session.build().failures == first


@pytest.mark.build
def test_a_corrupted_memo_entry_is_logged_dropped_and_read_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = copy_fixture("basic", tmp_path)
    first = Session(project)
    first.build()
    expected = _digests(project / "site")
    entries = sorted((project / ".cache" / "journey" / "maps").rglob("*.json"))
    assert len(entries) >= 2
    truncated, tampered = entries[0], entries[1]
    truncated.write_text(truncated.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    # A tampered entry with a correct hash: the numbers must still be numbers.
    body = tampered.read_text(encoding="utf-8").split("\n", 1)[1]
    data = json.loads(body)
    data["readings"][0]["block"]["line"] = "<script>"
    body = json.dumps(data)
    tampered.write_text(f"{hashlib.sha256(body.encode()).hexdigest()}\n{body}", encoding="utf-8")

    second = Session(project)  # a new process: an empty memory, the disk as left
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.journey"):
        second.build()
    messages = [
        r.getMessage() for r in caplog.records if "dropped the cached map" in r.getMessage()
    ]
    assert len(messages) == 2, messages
    assert any("does not match its hash" in m and str(truncated) in m for m in messages)
    assert any("does not decode to maps" in m and str(tampered) in m for m in messages)
    assert second.memo.loaded == len(entries) - 2
    assert second.memo.parsed >= 2
    assert _digests(project / "site") == expected
    # Rebuilt: the next process reads every entry from disk again.
    third = Session(project)
    third.build()
    assert (third.memo.loaded, third.memo.parsed) == (len(entries), 0)


# -- the same output ---------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.build
def test_cold_warm_rebuilt_and_memo_off_builds_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"SOURCE_DATE_EPOCH": "1811808000"}
    cold = tmp_path / "cold"
    shutil.copytree(EXAMPLE, cold, ignore=shutil.ignore_patterns("site", ".cache"))
    built = run_build(cold, strict=True, env=env)
    assert built.returncode == 0, built.output
    expected = _digests(cold / "site")
    assert "journeys.json" in expected

    warm = tmp_path / "warm"  # a new process on the cold build's cache, memo on disk included
    shutil.copytree(cold, warm, ignore=shutil.ignore_patterns("site"))
    assert any((warm / ".cache" / "journey" / "maps").rglob("*.json"))
    again = run_build(warm, strict=True, env=env)
    assert again.returncode == 0, again.output
    assert _digests(warm / "site") == expected

    # Rebuilds in one process, as `mkdocs serve` runs them: the second from the memory.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", env["SOURCE_DATE_EPOCH"])
    session = Session(warm)
    session.build()
    session.build()
    assert (session.memo.parsed, session.memo.rendered) == (0, 0)
    assert _digests(warm / "site") == expected

    off = tmp_path / "off"
    shutil.copytree(EXAMPLE, off, ignore=shutil.ignore_patterns("site", ".cache"))
    _set_option(off, "map_cache: false")
    unmemoized = run_build(off, strict=True, env=env)
    assert unmemoized.returncode == 0, unmemoized.output
    assert not (off / ".cache" / "journey" / "maps").exists()
    assert _digests(off / "site") == expected


def test_fragments_no_build_asked_for_are_dropped_before_they_pile_up() -> None:
    # A `mkdocs serve` session makes new fragments at every edit; the old ones are not swept at
    # every rebuild (that costs milliseconds on a big site), but never outgrow what is used.
    memo = MapMemo()
    made: list[str] = []
    for number_of_build in range(200):
        memo.begin_build()
        memo.kept(("every build",), lambda: made.append("every build") or "row")
        for number in range(50):
            memo.kept(("this build only", number_of_build, number), lambda: "row")
        assert memo.held <= (1 + 50) * 2 + 50 + 64
    assert made == ["every build"]  # kept through every sweep


def test_journeys_json_from_kept_records_is_what_json_dumps_writes() -> None:
    document = json.loads((FIXTURES / "golden" / "basic-journeys.json").read_text("utf-8"))
    assert len(document["maps"]) >= 2
    kept: dict[object, str] = {}

    def keep(record: object, make: Callable[[], str]) -> str:
        return kept.setdefault(id(record), make())  # the document outlives the test

    expected = json.dumps(document, indent=2, ensure_ascii=False)
    assert document_text(document, "journeys.json", keep) == expected
    assert len(kept) == len(document["maps"])
    assert document_text(document, "journeys.json", keep) == expected  # from the kept texts
    empty = {**document, "maps": []}
    assert document_text(empty, "journeys.json", keep) == json.dumps(empty, indent=2)


@pytest.mark.build
def test_a_template_override_added_edited_or_removed_shows_on_the_next_rebuild(
    tmp_path: Path,
) -> None:
    # The templates are compiled once per plugin instance and kept across rebuilds: an
    # override added, edited or removed during `mkdocs serve` must still reach the next
    # rebuild's pages.
    project = copy_fixture("basic", tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8",
    )
    override = project / "overrides" / "journey" / "persona-card.html"
    override.parent.mkdir(parents=True)
    page = project / "site" / "maps" / "front" / "index.html"
    session = Session(project)
    session.build()  # no override yet: the package's card
    assert 'class="journey-persona"' in page.read_text(encoding="utf-8")
    override.write_text('<aside class="house">{{ persona.name }} (first)</aside>\n', "utf-8")
    session.build()
    assert "Olivia Owner (first)" in page.read_text(encoding="utf-8")
    override.write_text('<aside class="house">{{ persona.name }} (second)</aside>\n', "utf-8")
    later = override.stat().st_mtime + 5  # a different modification time, as an editor's save
    os.utime(override, (later, later))
    session.build()
    html = page.read_text(encoding="utf-8")
    assert "Olivia Owner (second)" in html
    assert "(first)" not in html
    override.unlink()
    session.build()
    html = page.read_text(encoding="utf-8")
    assert "(second)" not in html
    assert 'class="journey-persona"' in html
