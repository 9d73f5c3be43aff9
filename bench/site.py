"""Benchmark of real site builds: what does the journey plugin cost?

Whole ``python -m mkdocs build -q`` processes of the same site with the journey plugin removed
from mkdocs.yml (a), on with an empty cache (b) and on with the cache the previous (b) left
behind (c), interleaved (a, b, c, a, b, c, ...) so that drifting load on a shared machine hits
them alike, after one untimed build of each. A cold build (b) also starts without the plugin's
compiled templates (kept in Jinja's folder for the user). The plugin's modules are byte-compiled
first, as an installed copy is. It prints each kind's median and min-max, and the
ratios b/a and c/a: the median of the rounds' ratios and their min-max.

Sites (``--site``):
  example    the example site (4 maps, about 100k events); then it times the data step in this
             process (each map's analysis and its KPIs' date windows, as a build computes them,
             no cache) and says what share of (b) it is;
  1000       a synthetic site (bench/synthetic.py): 1,000 pages, 200 maps of 5 stages and 15
             touchpoints, a nested nav (3 levels, 4 sections a level);
  2000       a synthetic site of 2,000 pages, each but the home page holding one map;
  custom     ``--pages``, ``--maps``, ``--nav-depth``, ``--nav-width``, ``--nav`` as given;
  table      example, 1000 and 2000: the site rows of issue #15's table;
  serve      ``mkdocs serve``'s rebuild after editing one map page of the 1,000-page site: the
             site built twice in this process with one plugin instance (as serve does), then
             one map page edited per round; prints the plugin's own time in each rebuild (every
             journey hook) and the maps it read and rendered.

Run: ``.venv/bin/python bench/site.py [--site table] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synthetic
import yaml
from builds import build_times, byte_compile_package

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-site"
LEFT_OUT = {"site", ".cache"}


def copy_site(target: Path) -> Path:
    """The example site without its build output and caches."""
    shutil.copytree(EXAMPLE, target, ignore=lambda folder, names: LEFT_OUT & set(names))
    return target


def without_plugin(project: Path) -> None:
    """Remove ``journey`` from the project's plugins, keeping every other setting."""
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugins = config.get("plugins", [])
    kept = [
        plugin
        for plugin in plugins
        if plugin != "journey" and not (isinstance(plugin, dict) and "journey" in plugin)
    ]
    if len(kept) == len(plugins):
        raise SystemExit(f"{config_file}: no journey plugin to remove")
    config["plugins"] = kept
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def count_output(project: Path) -> tuple[int, int, int]:
    """Flow diagrams and code blocks in the built site, and files in ``.cache/``.

    A check that the builds are what they claim: (a) shows its maps as code blocks, (b) draws
    them, and (c) had a cache to read.
    """
    pages = [path.read_text(encoding="utf-8") for path in (project / "site").rglob("*.html")]
    diagrams = sum(page.count('class="journey-diagram"') for page in pages)
    code_blocks = sum(page.count('<div class="highlight">') for page in pages)
    cached = sum(1 for path in (project / ".cache").rglob("*") if path.is_file())
    return diagrams, code_blocks, cached


def data_step(project: Path) -> tuple[float, list[tuple[str, int, int, float]]]:
    """Seconds to import the data engine, and (source, maps reading it, date windows of their
    KPIs, seconds) per source."""
    start = time.perf_counter()
    # This import is where the engine (duckdb) loads.
    from mkdocs_journey.analytics.pipeline import analyze_windows

    engine_import = time.perf_counter() - start

    from mkdocs_journey.analytics.kpis import kpi_windows
    from mkdocs_journey.check import collect_site
    from mkdocs_journey.data.engine import TimeWindow
    from mkdocs_journey.joined import configured_sources

    site, _, _ = collect_site(project / "mkdocs.yml")
    settings = site.settings
    maps = site.catalogue.maps
    sources, problems = configured_sources(settings)
    if problems:
        raise SystemExit("\n".join(problems))
    timings: list[tuple[str, int, int, float]] = []
    for name, source in sources.items():
        readers = [journey_map for journey_map in maps if journey_map.data == name]
        windows = 0
        start = time.perf_counter()
        # As the plugin does (joined.py): one analysis per map reading the source (or one
        # without a map) with the date windows of its KPIs; cache=None so every one is
        # computed, as in a cold build.
        for journey_map in readers or [None]:
            others = [other for other in readers if other is not journey_map]
            wanted = [] if journey_map is None else kpi_windows(journey_map)
            windows += len(wanted)
            analyze_windows(
                source,
                journey_map,
                settings.channels,
                windows=[TimeWindow(*window) for window in wanted],
                other_maps=others,
                cache=None,
                attribution=settings.attribution,
            )
        timings.append((name, len(readers), windows, time.perf_counter() - start))
    return engine_import, timings


def summary(times: list[float]) -> str:
    runs = ", ".join(f"{seconds:.2f}" for seconds in times)
    return f"median {statistics.median(times):7.2f} s  (runs: {runs})"


def spread(values: list[float], unit: str = "x") -> str:
    """Median and min-max of ``values``."""
    low, high = min(values), max(values)
    return f"{statistics.median(values):.2f}{unit} ({low:.2f}-{high:.2f})"


def interleaved(baseline: Path, plugin: Path, repeats: int) -> dict[str, list[float]]:
    """Wall and CPU times of (a) baseline, (b) plugin cold, (c) plugin warm, interleaved:
    keys "a", "b", "c" (wall) and "a-cpu", "b-cpu", "c-cpu"."""
    # One untimed build of each, so that the first timed one does not pay for cold OS caches.
    build_times(baseline, fresh_cache=True)
    build_times(plugin, fresh_cache=True)
    times: dict[str, list[float]] = {k: [] for k in ("a", "b", "c", "a-cpu", "b-cpu", "c-cpu")}
    for _ in range(repeats):
        for kind, project, fresh in (
            ("a", baseline, True),
            ("b", plugin, True),
            ("c", plugin, False),
        ):
            wall, cpu = build_times(project, fresh_cache=fresh)
            times[kind].append(wall)
            times[f"{kind}-cpu"].append(cpu)
    return times


def report(name: str, times: dict[str, list[float]]) -> tuple[str, str]:
    """Print one site's figures; returns its cold and warm CPU-time ratios as text."""

    def ratios(kind: str, suffix: str) -> list[float]:
        return [x / a for a, x in zip(times["a" + suffix], times[kind + suffix], strict=True)]

    print(f"{name}, {len(times['a'])} interleaved builds of each")
    for kind, label in (
        ("a", "plugin removed (baseline) "),
        ("b", "plugin on, cold cache     "),
        ("c", "plugin on, warm disk cache"),
    ):
        print(f"  ({kind}) {label} wall {summary(times[kind])}")
        print(f"      {'':<26} CPU  {summary(times[kind + '-cpu'])}")
    print(f"  wall ratio b/a {spread(ratios('b', ''))}   c/a {spread(ratios('c', ''))}")
    cold, warm = spread(ratios("b", "-cpu")), spread(ratios("c", "-cpu"))
    print(f"  CPU  ratio b/a {cold}   c/a {warm}", flush=True)
    return cold, warm


def synthetic_pair(folder: Path, **shape: object) -> tuple[Path, Path]:
    plugin = synthetic.write_site(folder / "plugin", **shape)  # type: ignore[arg-type]
    baseline = synthetic.write_site(folder / "baseline", plugin=False, **shape)  # type: ignore[arg-type]
    return baseline, plugin


SHAPES: dict[str, dict[str, object]] = {
    "1000": {"pages": 1000, "maps": 200, "nav_depth": 3, "nav_width": 4},
    "2000": {"pages": 2000, "maps": 2000, "nav_depth": 3, "nav_width": 4},
}


def example_row(folder: Path, repeats: int) -> tuple[str, str]:
    baseline = copy_site(folder / "baseline")
    without_plugin(baseline)
    plugin = copy_site(folder / "plugin")
    times = interleaved(baseline, plugin, repeats)
    ratios = report("example site (4 maps, about 100k events)", times)
    diagrams_a, code_a, _ = count_output(baseline)
    diagrams_c, code_c, cached = count_output(plugin)
    print(
        f"  check: (a) made {diagrams_a} flow diagrams and {code_a} code blocks;"
        f" (c) made {diagrams_c} flow diagrams and {code_c} code blocks"
        f" from a .cache/ of {cached} files"
    )
    b = statistics.median(times["b"])
    engine_import, data = data_step(plugin)
    print("  data step, in this process (each map and its KPIs' windows, no analysis cache):")
    analysed = 0.0
    for name, readers, windows, seconds in data:
        analysed += seconds
        maps = f"{readers} map{'' if readers == 1 else 's'}"
        dated = f"{windows} window{'' if windows == 1 else 's'}"
        print(f"    {name:<18} {maps:<7} {dated:<10} {seconds * 1000:8.1f} ms")
    print(f"    analyze, all sources {analysed * 1000:8.1f} ms = {analysed / b:.1%} of (b)")
    print(
        f"    + importing the engine (duckdb) {engine_import * 1000:.1f} ms:"
        f" {(analysed + engine_import) * 1000:.1f} ms = {(analysed + engine_import) / b:.1%}"
        " of (b)"
    )
    return ratios


def synthetic_row(
    folder: Path, name: str, shape: dict[str, object], repeats: int
) -> tuple[str, str]:
    baseline, plugin = synthetic_pair(folder, **shape)
    label = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in shape.items())
    return report(f"synthetic site {name} ({label})", interleaved(baseline, plugin, repeats))


def serve_rounds(folder: Path, repeats: int) -> None:
    """The plugin's own time in `mkdocs serve` rebuilds after one edited map page."""
    from serve_time import serve_rebuilds

    project = synthetic.write_site(folder / "serve", **SHAPES["1000"])  # type: ignore[arg-type]
    map_pages = [
        project / "docs" / path
        for path, holds_map in synthetic.page_paths(1000, 200, 3, 4)
        if holds_map
    ]
    rounds = serve_rebuilds(project, map_pages, repeats)
    plugin_ms = [r.plugin * 1000 for r in rounds]
    total = [r.total for r in rounds]
    print(
        f"mkdocs serve, 1,000 pages and 200 maps: {repeats} rebuilds,"
        " one map page edited before each"
    )
    print(f"  whole rebuild        {spread(total, ' s')}")
    print(f"  the plugin's part    {spread(plugin_ms, ' ms')}")
    for hook in rounds[0].hooks:
        print(f"    {hook:<18} {spread([r.hooks[hook] * 1000 for r in rounds], ' ms')}")
    print(f"  maps read, rendered per rebuild: {sorted({(r.parsed, r.rendered) for r in rounds})}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site", default="example", choices=["example", "1000", "2000", "custom", "table", "serve"]
    )
    parser.add_argument("--repeats", type=int, default=3, help="builds of each kind (default 3)")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--maps", type=int, default=200)
    parser.add_argument("--nav-depth", type=int, default=3)
    parser.add_argument("--nav-width", type=int, default=4)
    parser.add_argument("--nav", choices=["explicit", "folders"], default="explicit")
    arguments = parser.parse_args()
    print(f"{sys.executable}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    byte_compile_package()
    print("the plugin's modules byte-compiled, as pip install does")

    rows: list[tuple[str, tuple[str, str]]] = []
    with tempfile.TemporaryDirectory(prefix="journey-site-bench-") as temporary:
        folder = Path(temporary)
        if arguments.site == "serve":
            serve_rounds(folder, arguments.repeats)
            return
        if arguments.site in ("1000", "table"):
            row = synthetic_row(folder / "1000", "1000", SHAPES["1000"], arguments.repeats)
            rows.append(("1,000 pages, 200 maps, nested nav", row))
        if arguments.site in ("2000", "table"):
            row = synthetic_row(folder / "2000", "2000", SHAPES["2000"], arguments.repeats)
            rows.append(("2,000 pages of one map each", row))
        if arguments.site in ("example", "table"):
            rows.append(("example site", example_row(folder / "example", arguments.repeats)))
        if arguments.site == "custom":
            shape = {
                "pages": arguments.pages,
                "maps": arguments.maps,
                "nav_depth": arguments.nav_depth,
                "nav_width": arguments.nav_width,
                "nav": arguments.nav,
            }
            rows.append(
                ("custom", synthetic_row(folder / "custom", "custom", shape, arguments.repeats))
            )
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\nCPU-time ratios, median (min-max) of the rounds:")
    print("\n| case | cold (b/a) | warm (c/a) |\n|---|---|---|")
    for name, (cold, warm) in rows:
        print(f"| {name} | {cold} | {warm} |")


if __name__ == "__main__":
    main()
