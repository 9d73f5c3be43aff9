"""Benchmark of a real site build: what does the journey plugin cost on the example site?

Copies ``example-site/`` (without ``site/`` and ``.cache/``) to a temporary folder and prints,
measured in the same run, the median of three ``python -m mkdocs build -q`` processes of each:

  (a) baseline: the journey plugin removed from mkdocs.yml, so its maps are plain code blocks
      (fenced maps) or ignored front matter;
  (b) plugin on, cold: a fresh process and an empty ``.cache/``;
  (c) plugin on, warm: a fresh process reusing the ``.cache/`` that (b) left behind (rendered
      diagrams and data analyses);

and the ratios b/a and c/a. The three are interleaved (a, b, c, a, b, c, ...), so that drifting
load on a shared machine hits them alike. Then it times the data step in this process:
``mkdocs_journey.analytics.analyze`` for every data source and every map that reads it, without
the analysis cache, as a cold build runs it, and says what share of (b) that is.

Run: ``.venv/bin/python bench/site.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from builds import build_seconds

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


def data_step(project: Path) -> tuple[float, list[tuple[str, int, float]]]:
    """Seconds to import the data engine, and (source, maps reading it, seconds) per source."""
    start = time.perf_counter()
    # This import is where the engine (duckdb) loads.
    from mkdocs_journey.analytics.pipeline import analyze

    engine_import = time.perf_counter() - start

    from mkdocs_journey.check import collect_site
    from mkdocs_journey.joined import configured_sources

    site, _, _ = collect_site(project / "mkdocs.yml")
    settings = site.settings
    maps = site.catalogue.maps
    sources, problems = configured_sources(settings)
    if problems:
        raise SystemExit("\n".join(problems))
    channels = settings.channels
    timings: list[tuple[str, int, float]] = []
    for name, source in sources.items():
        readers = [journey_map for journey_map in maps if journey_map.data == name]
        start = time.perf_counter()
        # As the plugin does (joined.py): one analysis per map reading the source, or one
        # without a map; cache=None so every one is computed, as in a cold build.
        for journey_map in readers or [None]:
            others = [other for other in readers if other is not journey_map]
            analyze(source, journey_map, channels, other_maps=others, cache=None)
        timings.append((name, len(readers), time.perf_counter() - start))
    return engine_import, timings


def summary(times: list[float]) -> str:
    runs = ", ".join(f"{seconds:.3f}" for seconds in times)
    return f"median {statistics.median(times):6.3f} s  (runs: {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="builds of each kind (default 3)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="journey-site-bench-") as temporary:
        baseline = copy_site(Path(temporary) / "baseline")
        without_plugin(baseline)
        plugin = copy_site(Path(temporary) / "plugin")

        # One untimed build of each, so that the first timed one does not pay for cold OS caches.
        build_seconds(baseline, fresh_cache=True)
        build_seconds(plugin, fresh_cache=True)
        times: dict[str, list[float]] = {"a": [], "b": [], "c": []}
        for _ in range(arguments.repeats):
            times["a"].append(build_seconds(baseline, fresh_cache=True))
            times["b"].append(build_seconds(plugin, fresh_cache=True))
            times["c"].append(build_seconds(plugin, fresh_cache=False))
        diagrams_a, code_a, _ = count_output(baseline)
        diagrams_c, code_c, cached = count_output(plugin)

        engine_import, data = data_step(plugin)

    a, b, c = (statistics.median(times[kind]) for kind in "abc")
    print(f"example site, {arguments.repeats} interleaved builds of each ({sys.executable})")
    print(f"  (a) plugin removed (baseline)  {summary(times['a'])}")
    print(f"  (b) plugin on, cold cache      {summary(times['b'])}")
    print(f"  (c) plugin on, warm disk cache {summary(times['c'])}")
    print(f"  ratio b/a {b / a:.2f}x   ratio c/a {c / a:.2f}x")
    print(
        f"  check: (a) made {diagrams_a} flow diagrams and {code_a} code blocks;"
        f" (c) made {diagrams_c} flow diagrams and {code_c} code blocks"
        f" from a .cache/ of {cached} files"
    )
    print("data step, in this process (analyze per source, no analysis cache):")
    analysed = 0.0
    for name, readers, seconds in data:
        analysed += seconds
        maps = f"{readers} map{'' if readers == 1 else 's'}"
        print(f"  {name:<18} {maps:<7} {seconds * 1000:8.1f} ms")
    print(f"  analyze, all sources {analysed * 1000:8.1f} ms = {analysed / b:.1%} of (b)")
    print(
        f"  + importing the engine (duckdb) {engine_import * 1000:.1f} ms:"
        f" {(analysed + engine_import) * 1000:.1f} ms = {(analysed + engine_import) / b:.1%} of (b)"
    )


if __name__ == "__main__":
    main()
