"""Benchmark of the flow diagrams (issue 3): is Graphviz cheap enough to draw every map?

Prints, for 200 distinct maps:
  * cold ms per diagram for each available renderer (DOT building + Graphviz + SVG finishing),
  * warm ms per diagram (cache in memory, and a fresh process reading the disk cache),
  * the ratio against one ``dot -Tsvg`` process per diagram, measured in the same run,
and the build time of a 100-page site (one map per page) with ``diagrams: true`` and ``false``.
Targets: cold <= 3 ms per diagram in-process, warm effectively free, site ratio <= 1.3x.

Run: ``.venv/bin/python bench/diagrams.py [--maps 200] [--pages 100] [--no-site]``.
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from builds import build_seconds

from mkdocs_journey.diagrams import (
    DiagramCache,
    Renderer,
    available_renderers,
    build_dot,
    render_flow_diagram,
)
from mkdocs_journey.model import (
    Emotion,
    FlowEdge,
    JourneyMap,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
)

STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
CHANNELS = ("Organic Search", "Paid Search", "Email", "Web", "Display", "Referral", "App", "Phone")
ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3


def map_spec(index: int) -> dict[str, Any]:
    """One distinct map as front-matter data; every fifth map loops back to Consideration."""
    stages = []
    for position, name in enumerate(STAGES):
        count = (index + position) % 4  # 0..3 touchpoints; some stages have none
        touchpoints = [
            {
                "id": f"m{index}-s{position}-t{t}",
                "name": f"Touchpoint {t + 1} of {name} in map {index}",
                "channel": CHANNELS[(index + position + t) % len(CHANNELS)],
            }
            for t in range(count)
        ]
        stage: dict[str, Any] = {
            "name": name,
            "touchpoints": touchpoints,
            "emotion": {
                "score": ((index + position * 3) % 5) - 2,
                "label": f"mood {position}",
                "thoughts": [f"Thought {position} of map {index}"],
            },
        }
        if touchpoints and position % 2:
            stage["pain_points"] = [
                {
                    "id": f"m{index}-pp{position}",
                    "text": f"Pain at {name}",
                    "touchpoint": touchpoints[0]["id"],
                }
            ]
        stages.append(stage)
    spec: dict[str, Any] = {
        "id": f"bench-{index}",
        "title": f"Benchmark journey {index}",
        "persona": {"id": f"persona-{index}", "name": f"Persona {index}"},
        "stages": stages,
    }
    if index % 5 == 0:
        spec["flow"] = [{"from": a, "to": b} for a, b in itertools.pairwise(STAGES)] + [
            {"from": "Retention", "to": "Consideration", "label": "upgrade"}
        ]
    return spec


def to_model(spec: dict[str, Any]) -> JourneyMap:
    stages = tuple(
        Stage(
            name=stage["name"],
            touchpoints=tuple(
                Touchpoint(t["id"], t["name"], t["channel"]) for t in stage["touchpoints"]
            ),
            emotion=Emotion(
                stage["emotion"]["score"],
                stage["emotion"]["label"],
                tuple(stage["emotion"]["thoughts"]),
            ),
            pain_points=tuple(
                PainPoint(p["id"], p["text"], touchpoint=p["touchpoint"])
                for p in stage.get("pain_points", ())
            ),
        )
        for stage in spec["stages"]
    )
    flow = tuple(
        FlowEdge(edge["from"], edge["to"], edge.get("label", "")) for edge in spec.get("flow", ())
    )
    persona = Persona(spec["persona"]["id"], spec["persona"]["name"])
    return JourneyMap(spec["id"], spec["title"], persona, stages, flow=flow)


def per_diagram_ms(seconds: float, count: int) -> float:
    return seconds * 1000 / count


def bench_renderer(renderer: Renderer, maps: list[JourneyMap], cache_dir: Path) -> dict[str, float]:
    """Cold, warm-memory and warm-disk ms per diagram for one renderer."""
    # The first diagram pays for loading Graphviz's plugins and fonts; report it apart.
    start = time.perf_counter()
    render_flow_diagram(maps[0], renderer=renderer, diagram_id="warmup")
    first = time.perf_counter() - start

    # Best of three rounds, each with an empty cache: the machine is shared, and the minimum is
    # the figure least disturbed by other work.
    cold = float("inf")
    for round_number in range(ROUNDS):
        cache = DiagramCache(cache_dir / f"round-{round_number}")
        start = time.perf_counter()
        for index, journey_map in enumerate(maps):
            result = render_flow_diagram(
                journey_map, renderer=renderer, cache=cache, diagram_id=f"d{index}"
            )
            assert result.svg is not None, result.error
        cold = min(cold, time.perf_counter() - start)

    start = time.perf_counter()
    for index, journey_map in enumerate(maps):
        result = render_flow_diagram(
            journey_map, renderer=renderer, cache=cache, diagram_id=f"d{index}"
        )
        assert result.cached
    warm = time.perf_counter() - start

    disk = DiagramCache(
        cache_dir / f"round-{ROUNDS - 1}"
    )  # as a new process (a CI run with a restored cache) would
    start = time.perf_counter()
    for index, journey_map in enumerate(maps):
        assert render_flow_diagram(
            journey_map, renderer=renderer, cache=disk, diagram_id=f"d{index}"
        ).cached
    warm_disk = time.perf_counter() - start

    # Where the cold time goes: Graphviz alone on the same DOT texts.
    sources = [build_dot(journey_map).source for journey_map in maps]
    graphviz_only = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for source in sources:
            renderer.render(source)
        graphviz_only = min(graphviz_only, time.perf_counter() - start)
    return {
        "first": first * 1000,
        "cold": per_diagram_ms(cold, len(maps)),
        "graphviz": per_diagram_ms(graphviz_only, len(maps)),
        "warm": per_diagram_ms(warm, len(maps)),
        "warm_disk": per_diagram_ms(warm_disk, len(maps)),
    }


def bench_dot_processes(maps: list[JourneyMap]) -> float | None:
    """ms per diagram for one ``dot -Tsvg`` process per diagram, or None without a system dot."""
    executable = shutil.which("dot")
    if executable is None:
        return None
    sources = [build_dot(journey_map).source.encode() for journey_map in maps]
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for source in sources:
            subprocess.run([executable, "-Tsvg"], input=source, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return per_diagram_ms(best, len(maps))


def write_site(folder: Path, pages: int, *, diagrams: bool) -> None:
    docs = folder / "docs"
    (docs / "maps").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Benchmark site\n", encoding="utf-8")
    for index in range(pages):
        front = yaml.safe_dump({"journey": map_spec(index)}, sort_keys=False, allow_unicode=True)
        (docs / "maps" / f"map-{index:03d}.md").write_text(
            f"---\n{front}---\n\n# Map {index}\n\nSome prose about this journey.\n",
            encoding="utf-8",
        )
    config = {
        "site_name": "Diagram benchmark",
        "theme": {"name": "material"},
        "plugins": ["search", {"journey": {"diagrams": diagrams}}],
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")


def bench_site(pages: int, repeats: int) -> None:
    package = ROOT / "mkdocs_journey"
    wired = any(
        "render_flow_diagram(" in path.read_text(encoding="utf-8")
        for path in package.rglob("*.py")
        if package / "diagrams" not in path.parents
    )
    if not wired:
        print("  note: the plugin does not call render_flow_diagram yet; both builds are alike")
    with tempfile.TemporaryDirectory(prefix="journey-bench-") as temporary:
        on, off = Path(temporary) / "on", Path(temporary) / "off"
        write_site(on, pages, diagrams=True)
        write_site(off, pages, diagrams=False)
        build_seconds(off, fresh_cache=True)  # warm the interpreter's file caches once
        # Interleaved, so that drifting load on a shared machine hits all three alike.
        times_off: list[float] = []
        times_cold: list[float] = []
        times_warm: list[float] = []
        for _ in range(repeats):
            times_off.append(build_seconds(off, fresh_cache=True))
            times_cold.append(build_seconds(on, fresh_cache=True))
            times_warm.append(build_seconds(on, fresh_cache=False))
        pages_html = [page.read_text(encoding="utf-8") for page in (on / "site").rglob("*.html")]
        svgs = sum(
            len(re.findall(r'<svg[^>]*class="journey-diagram"', html)) for html in pages_html
        )
        curves = sum(html.count('<svg class="journey-curve"') for html in pages_html)
    print(f"  {pages} pages, {repeats} interleaved builds of each (best / median)")
    print(f"  in the site: {svgs} flow diagrams, {curves} emotion curves")
    off_best, off_median = min(times_off), statistics.median(times_off)
    for label, times in (
        ("diagrams off          ", times_off),
        ("diagrams on, cold     ", times_cold),
        ("diagrams on, disk-warm", times_warm),
    ):
        best, median = min(times), statistics.median(times)
        print(
            f"  {label} {best:6.2f} s / {median:6.2f} s   ratio {best / off_best:.2f}x"
            f" / {median / off_median:.2f}x"
        )
    print("  target: cold ratio <= 1.3x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=int, default=200)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-site", action="store_true", help="skip the 100-page site builds")
    arguments = parser.parse_args()

    maps = [to_model(map_spec(index)) for index in range(arguments.maps)]
    nodes = sum(len(build_dot(m).nodes) for m in maps)
    print(f"{len(maps)} distinct maps, {nodes / len(maps):.1f} nodes per diagram on average")
    renderers = available_renderers()
    dot_process = bench_dot_processes(maps)
    results: dict[str, dict[str, float]] = {}
    for renderer in renderers:
        with tempfile.TemporaryDirectory(prefix="journey-cache-") as cache_dir:
            results[renderer.name] = bench_renderer(renderer, maps, Path(cache_dir))
    print()
    header = "renderer    version                    first ms  cold ms  graphviz ms"
    print(header + "  warm ms  warm-disk ms  vs dot process")
    for renderer in renderers:
        row = results[renderer.name]
        ratio = f"{row['cold'] / dot_process:.2f}x" if dot_process else "n/a"
        print(
            f"{renderer.name:<11} {renderer.version:<26} {row['first']:8.1f} {row['cold']:8.2f}"
            f" {row['graphviz']:12.2f} {row['warm']:8.3f} {row['warm_disk']:13.3f}  {ratio:>14}"
        )
    if dot_process is not None:
        print(f"one `dot -Tsvg` process per diagram: {dot_process:.2f} ms per diagram")
    else:
        print("no system `dot`: the process-per-diagram baseline was not measured")
    if "pygraphviz" in results:
        cold = results["pygraphviz"]["cold"]
        print(f"target cold <= 3 ms in-process: {'met' if cold <= 3 else 'MISSED'} ({cold:.2f} ms)")
    if not arguments.no_site:
        print()
        print("site build (mkdocs build, material + search + journey):")
        bench_site(arguments.pages, arguments.repeats)


if __name__ == "__main__":
    main()
