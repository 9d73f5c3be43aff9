"""Two checkouts of the plugin on the same site, in the same rounds: did a change make builds
faster?

Runs of the same build hours apart differ by more than most changes save (this machine's
1,000-page baseline has measured 24.5 s and 26.6 s within the hour), so a change is measured
against the commit before it in one run. Each round builds (a) the site without the plugin,
then for each checkout (b) cold and (c) warm, the checkouts taking turns at going first. Each
build is a whole ``mkdocs build`` process with ``PYTHONPATH`` set to the checkout; the
checkouts' modules are byte-compiled first, as in ``site.py``.

It prints each round's CPU times, each checkout's ratios b/a and c/a (median and min-max of the
rounds) and, round by round, the CPU time of BEFORE's build less AFTER's.

Run: ``.venv/bin/python bench/compare.py BEFORE AFTER [--site 1000|2000|example] [--rounds 5]``,
BEFORE and AFTER being folders holding a checkout (``git worktree add /tmp/before <commit>``).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import builds
import synthetic

# bench/site.py, loaded by path: "site" is the name of a module Python imports at start.
_SPEC = importlib.util.spec_from_file_location("bench_site", Path(__file__).with_name("site.py"))
assert _SPEC is not None
assert _SPEC.loader is not None
bench_site = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_site)


def _projects(folder: Path, site: str, names: list[str]) -> tuple[Path, dict[str, Path]]:
    """The baseline project and one project per checkout (each keeps its own cache)."""
    if site == "example":
        baseline = bench_site.copy_site(folder / "baseline")
        bench_site.without_plugin(baseline)
        return baseline, {name: bench_site.copy_site(folder / name) for name in names}
    shape = bench_site.SHAPES[site]
    baseline = synthetic.write_site(folder / "baseline", plugin=False, **shape)  # type: ignore[arg-type]
    return baseline, {
        name: synthetic.write_site(folder / name, **shape)  # type: ignore[arg-type]
        for name in names
    }


def _cpu(project: Path, checkout: Path | None, *, cold: bool) -> float:
    """CPU time of one build of ``project`` with ``checkout``'s plugin (None: the baseline)."""
    env = dict(builds.ENV)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    if cold:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        # The checkout's own code clears its compiled templates, as site.py does for a cold
        # build.
        code = "import builds; builds.clear_template_code()"
        bench = str(Path(__file__).parent)
        subprocess.run([sys.executable, "-c", code], cwd=bench, env=env, check=True)
    return builds.build_times(project, fresh_cache=False, env=env)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="folder of the checkout before the change")
    parser.add_argument("after", type=Path, help="folder of the checkout after the change")
    parser.add_argument("--site", choices=["1000", "2000", "example"], default="1000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    checkouts = {"before": args.before.resolve(), "after": args.after.resolve()}
    for checkout in checkouts.values():
        if not (checkout / "mkdocs_journey" / "plugin.py").is_file():
            raise SystemExit(f"{checkout}: not a checkout of mkdocs-journey")
        compileall.compile_dir(checkout / "mkdocs_journey", quiet=1)
    print(f"{sys.executable}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="journey-compare-") as folder:
        baseline, projects = _projects(Path(folder), args.site, list(checkouts))
        # One untimed build of each, so that no timed build pays for cold OS caches.
        _cpu(baseline, None, cold=True)
        for name, checkout in checkouts.items():
            _cpu(projects[name], checkout, cold=True)
        times: dict[str, list[float]] = {"a": []}
        for name in checkouts:
            times[f"{name} b"], times[f"{name} c"] = [], []
        for number in range(args.rounds):
            times["a"].append(_cpu(baseline, None, cold=True))
            order = list(checkouts) if number % 2 == 0 else list(reversed(checkouts))
            for name in order:
                times[f"{name} b"].append(_cpu(projects[name], checkouts[name], cold=True))
                times[f"{name} c"].append(_cpu(projects[name], checkouts[name], cold=False))
            line = "  ".join(f"{key} {values[-1]:.2f} s" for key, values in times.items())
            print(f"round {number + 1}: {line}", flush=True)
    print(
        f"site {args.site}, {args.rounds} rounds; (a) without the plugin, CPU time median "
        f"{statistics.median(times['a']):.2f} s"
    )
    for name, checkout in checkouts.items():
        for kind, label in (("b", "cold"), ("c", "warm")):
            builds_of = times[f"{name} {kind}"]
            ratios = [x / a for a, x in zip(times["a"], builds_of, strict=True)]
            median = statistics.median(builds_of)
            ratio = bench_site.spread(ratios)
            print(f"  {name:<6} {label}: {ratio}, median {median:.2f} s  ({checkout})")
    for kind, label in (("b", "cold"), ("c", "warm")):
        saved = [
            b - a for b, a in zip(times[f"before {kind}"], times[f"after {kind}"], strict=True)
        ]
        rounds = ", ".join(f"{x:+.2f}" for x in saved)
        print(
            f"  {label}: before - after {statistics.median(saved):+.2f} s at the median "
            f"(rounds: {rounds}; more than 0: after is faster)"
        )


if __name__ == "__main__":
    main()
