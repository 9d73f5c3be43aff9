"""The render cache: keys, memory across rebuilds, atomic files on disk."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from diagram_helpers import RENDERERS, make_map, trial_map

import mkdocs_journey
from mkdocs_journey.diagrams import DiagramCache, Renderer, cache_key, render_flow_diagram
from mkdocs_journey.diagrams.cache import MEMORY_FLOOR
from mkdocs_journey.diagrams.dot import build_dot
from mkdocs_journey.model import Stage, Touchpoint


def test_key_covers_dot_renderer_version_and_package_version(monkeypatch) -> None:
    base = cache_key("digraph {}", "pygraphviz", "2.0.4+graphviz14.1.5")
    assert len(base) == 64
    assert cache_key("digraph {}", "pygraphviz", "2.0.4+graphviz14.1.5") == base
    assert cache_key("digraph { }", "pygraphviz", "2.0.4+graphviz14.1.5") != base
    assert cache_key("digraph {}", "dot", "2.0.4+graphviz14.1.5") != base
    assert cache_key("digraph {}", "pygraphviz", "2.0.5+graphviz14.1.5") != base
    # Parts are length-prefixed: moving text between them changes the key.
    assert cache_key("digraph {}p", "ygraphviz", "2.0.4+graphviz14.1.5") != base
    monkeypatch.setattr(mkdocs_journey.diagrams.cache, "__version__", "99.0")
    assert cache_key("digraph {}", "pygraphviz", "2.0.4+graphviz14.1.5") != base


def test_second_render_is_a_hit_and_identical(renderer: Renderer, tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path / ".cache" / "journey")
    first = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="a")
    second = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="a")
    assert (first.cached, second.cached) == (False, True)
    assert first.svg == second.svg
    assert (cache.hits, cache.misses) == (1, 1)
    # A different page position (diagram id) reuses the render but not the ids.
    third = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="b")
    assert third.cached
    assert third.svg is not None
    assert 'id="b-title"' in third.svg


def test_disk_copy_is_written_atomically_and_read_by_a_new_process(
    renderer: Renderer, tmp_path: Path
) -> None:
    directory = tmp_path / "journey"
    cache = DiagramCache(directory)
    result = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="a")
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert len(files) == 1  # the entry, and no temporary file left behind
    path = files[0]
    assert path.parent.name == path.name[:2]
    assert path.suffix == ".svg"
    # The SVG, after a first line with its hash: the file checks itself when it is read back.
    header, svg = path.read_text(encoding="utf-8").split("\n", 1)
    assert header == f"<!-- sha256:{hashlib.sha256(svg.encode()).hexdigest()} -->"
    assert svg.startswith("<svg")
    fresh = DiagramCache(directory)  # as in the next CI run
    again = render_flow_diagram(trial_map(), renderer=renderer, cache=fresh, diagram_id="a")
    assert again.cached
    assert again.svg == result.svg


def test_put_replaces_a_previous_file_in_one_step(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path)
    key = "ab" + "0" * 62
    cache.put(key, "<svg>old</svg>")
    path = cache.path(key)
    assert path is not None
    inode = path.stat().st_ino
    cache.put(key, "<svg>new</svg>")
    assert path.read_text(encoding="utf-8").endswith("\n<svg>new</svg>")
    assert path.stat().st_ino != inode  # a new file renamed over the old one, not rewritten
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_different_renderer_gives_a_different_entry(tmp_path: Path) -> None:
    source = build_dot(trial_map()).source
    assert cache_key(source, "pygraphviz", "x") != cache_key(source, "dot", "x")


def test_unwritable_directory_keeps_working_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = DiagramCache(blocker / "journey")
    cache.put("cd" + "1" * 62, "<svg/>")
    assert cache.get("cd" + "1" * 62) == "<svg/>"
    assert cache.errors
    assert "cannot write" in cache.errors[0]


def test_memory_only_cache() -> None:
    cache = DiagramCache()
    assert cache.path("ab") is None
    assert cache.get("ab") is None
    cache.put("ab", "<svg/>")
    assert cache.get("ab") == "<svg/>"
    cache.clear_memory()
    assert cache.get("ab") is None


def test_cached_svg_gets_each_pages_prefix_and_nothing_else(tmp_path: Path) -> None:
    renderer = RENDERERS[0]
    cache = DiagramCache(tmp_path)
    stages = (Stage("A", touchpoints=(Touchpoint("t", "jrnycachedid-n0 looks like an id"),)),)
    tricky = make_map(stages)
    first = render_flow_diagram(tricky, renderer=renderer, cache=cache, diagram_id="p1")
    second = render_flow_diagram(tricky, renderer=renderer, cache=cache, diagram_id="p2")
    assert first.svg is not None
    assert second.svg is not None
    # Author text that looks like the placeholder is never rewritten: such maps skip the cache.
    assert "jrnycachedid-n0 looks like an id" in second.svg
    assert 'id="p2-n0"' in second.svg
    assert "p1-" not in second.svg
    assert not second.cached
    plain = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="p3")
    again = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="p4")
    assert again.cached
    assert again.svg == (plain.svg or "").replace('"p3-', '"p4-').replace("#p3-", "#p4-")
    assert "jrnycachedid" not in (again.svg or "")


def _stored(cache: DiagramCache) -> Path:
    assert cache.directory is not None
    [path] = list(cache.directory.rglob("*.svg"))
    return path


def _with_hash(svg: str) -> str:
    """A cache file whose hash matches its (changed) SVG: someone rewrote both."""
    return f"<!-- sha256:{hashlib.sha256(svg.encode()).hexdigest()} -->\n{svg}"


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) // 2], "does not match its hash"),
        (lambda text: text.split("\n", 1)[1], "does not start with its content hash"),
        (lambda text: text.replace("</title>", f"</title>{SCRIPT}", 1), "does not match"),
        (
            lambda text: _with_hash(
                text.split("\n", 1)[1].replace("</title>", "</title>" + SCRIPT, 1)
            ),
            "holds a '{http://www.w3.org/2000/svg}script' element",
        ),
        (
            lambda text: _with_hash(
                text.split("\n", 1)[1].replace("<svg ", '<svg onload="alert(1)" ', 1)
            ),
            "has a 'onload' attribute",
        ),
        (
            lambda text: _with_hash(
                text.split("\n", 1)[1].replace(
                    "</title>", f"<![CDATA[</title>{SCRIPT}]]></title>", 1
                )
            ),
            "not written the way the plugin writes diagrams",
        ),
    ],
    ids=["truncated", "no-hash", "edited", "script", "handler", "cdata"],
)
def test_a_bad_disk_entry_is_reported_dropped_and_drawn_again(
    tmp_path: Path, damage, reason: str
) -> None:
    renderer = RENDERERS[0]
    cache = DiagramCache(tmp_path / "journey")
    first = render_flow_diagram(trial_map(), renderer=renderer, cache=cache, diagram_id="a")
    path = _stored(cache)
    good = path.read_text(encoding="utf-8")
    path.write_text(damage(good), encoding="utf-8")

    fresh = DiagramCache(tmp_path / "journey")  # the next build
    again = render_flow_diagram(trial_map(), renderer=renderer, cache=fresh, diagram_id="a")
    assert not again.cached
    assert again.svg == first.svg
    assert "script" not in (again.svg or "")
    [message] = fresh.errors
    assert message.startswith(f"dropped the cached diagram {path}: ")
    assert reason in message
    assert message.endswith("; drawn again")
    assert path.read_text(encoding="utf-8") == good  # rewritten whole


@pytest.mark.build
def test_a_build_never_serves_a_damaged_or_rewritten_cache_entry(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    from tests.conftest import copy_fixture, run_build

    project = copy_fixture("basic", tmp_path)
    first = run_build(project, strict=True)
    assert first.returncode == 0, first.output
    clean = (project / "site" / "maps" / "front" / "index.html").read_text(encoding="utf-8")
    entries = sorted((project / ".cache" / "journey").rglob("*.svg"))
    assert entries
    truncated, rewritten = entries[0], entries[-1]
    text = truncated.read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) // 3], encoding="utf-8")
    svg = rewritten.read_text(encoding="utf-8").split("\n", 1)[1]
    rewritten.write_text(_with_hash(svg.replace("</title>", "</title>" + SCRIPT, 1)), "utf-8")

    second = run_build(project, strict=True)
    # Cache trouble costs time, not correctness: logged, not a warning that fails --strict.
    assert second.returncode == 0, second.output
    assert f"dropped the cached diagram {truncated}: its content does not match" in second.output
    assert f"dropped the cached diagram {rewritten}: it holds a" in second.output
    for page in sorted((project / "site").rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not [s for s in soup.find_all("script") if "alert(1)" in s.get_text()], page
    # Every diagram is whole again, and so is everything after it on the page.
    assert (project / "site" / "maps" / "front" / "index.html").read_text("utf-8") == clean
    assert truncated.read_text(encoding="utf-8") == text


class CountingRenderer:
    """The real renderer, counting the layouts it is asked for."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.name = renderer.name
        self.version = renderer.version
        self.sources: list[str] = []

    def render(self, dot_source: str):  # type: ignore[no-untyped-def]
        self.sources.append(dot_source)
        return self.renderer.render(dot_source)


def test_an_edit_of_a_tooltip_only_is_finished_again_not_laid_out_again(
    renderer: Renderer, tmp_path: Path
) -> None:
    # A stage's goal is in its tooltip, which is added after Graphviz's layout: during `mkdocs
    # serve`, rewording it must not lay the map out again, and must draw what a fresh cache draws.
    counting = CountingRenderer(renderer)
    cache = DiagramCache(tmp_path / "serve")
    before = trial_map()
    stages = list(before.stages)
    stages[0] = replace(stages[0], goal="Find a tool that fits the budget")
    after = replace(before, stages=tuple(stages))
    first = render_flow_diagram(before, renderer=counting, cache=cache, diagram_id="a")
    edited = render_flow_diagram(after, renderer=counting, cache=cache, diagram_id="a")
    assert len(counting.sources) == 1
    assert (first.cached, edited.cached) == (False, False)
    assert edited.svg is not None
    assert "Goal: Find a tool that fits the budget" in edited.svg
    fresh = render_flow_diagram(
        after, renderer=renderer, cache=DiagramCache(tmp_path / "fresh"), diagram_id="a"
    )
    assert edited.svg == fresh.svg
    # A change Graphviz lays out differently (a touchpoint renamed) is laid out again.
    stages[0] = replace(
        stages[0], touchpoints=(replace(stages[0].touchpoints[0], name="Web search"),)
    )
    render_flow_diagram(
        replace(after, stages=tuple(stages)), renderer=counting, cache=cache, diagram_id="a"
    )
    assert len(counting.sources) == 2


def test_memory_keeps_what_builds_use_and_drops_the_oldest_of_the_rest() -> None:
    # 300 `mkdocs serve` rebuilds, each drawing 5 new diagrams and one every build asks for.
    cache = DiagramCache(None)
    cache.put("every build", "<svg/>")
    for number in range(300):
        cache.begin_build()
        assert cache.get("every build") == "<svg/>"  # never dropped: used by every build
        for edit in range(5):
            cache.put(f"build {number} drawing {edit}", "<svg/>")
        assert cache.held <= MEMORY_FLOOR + 6
    assert cache.get("build 299 drawing 4") == "<svg/>"  # the newest are kept
    assert cache.get("build 0 drawing 0") is None  # the oldest unused are gone
