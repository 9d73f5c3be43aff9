"""Command line: ``mkdocs-journey <command>``.

``analyze [EVENTS] [--config mkdocs.yml] [--source NAME] [--map ID] [--format json|table]`` prints
the channel mix, funnel and attribution per model for a data file, so analysts can check numbers
without building the site. With ``--config`` the site is read as ``mkdocs build`` reads it and the
map's stages and touchpoints apply, so the numbers are exactly those of the map's page and of
``journeys.json``. Without it the file must use the standard column names
(``utm_source``/``utm_medium``/``utm_campaign`` accepted) and ``converted = 1`` marks conversions.

Output cut short by its reader (``| head``) ends quietly with status 141, as Unix filters do.

Subcommands are registered in :func:`build_parser`, one ``add_<command>`` function each.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mkdocs_journey import __version__
from mkdocs_journey.bridge.cli import add_export, add_import
from mkdocs_journey.changes.cli import add_diff
from mkdocs_journey.data.paths import AttributionSettings
from mkdocs_journey.init_ci import add_init_ci
from mkdocs_journey.new_map import add_new

if TYPE_CHECKING:
    from mkdocs_journey.data.channels import ChannelSettings
    from mkdocs_journey.data.sources import DataSource
    from mkdocs_journey.model import JourneyMap

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
#: 128 + SIGPIPE: what a shell reports for a filter whose reader went away (`... | head`).
EXIT_BROKEN_PIPE = 141

Handler = Callable[[argparse.Namespace, TextIO], int]


class CliError(Exception):
    """A problem to print as ``mkdocs-journey: error: ...`` with exit status 1."""


# --- analyze ----------------------------------------------------------------------------------


def add_analyze(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "analyze",
        help="print channel mix, funnel and attribution for a data file",
        description="Print channel mix, funnel and attribution per model for an events file. "
        "With --config, the site's data source and map are applied exactly as the build does, "
        "so the numbers are those of the map's page and of journeys.json.",
    )
    parser.add_argument(
        "events",
        type=Path,
        nargs="?",
        help="events file (CSV or Parquet); with --config, by default the data source's file",
    )
    parser.add_argument(
        "--config", type=Path, help="the site's mkdocs.yml, loaded as MkDocs loads it"
    )
    parser.add_argument(
        "--source",
        help="name of the data source in the config (default: the map's, else the "
        "one whose path is EVENTS, else the only one)",
    )
    parser.add_argument(
        "--map",
        dest="map_id",
        metavar="ID",
        help="id of the map whose stages and touchpoints apply (default: the only map that "
        "reads the source)",
    )
    parser.add_argument("--format", choices=("json", "table"), default="table")
    parser.add_argument(
        "--markov-order",
        type=int,
        choices=(1, 2, 3, 4),
        help="the Markov chain's memory, in channels (default: the site's, else 1)",
    )
    parser.add_argument(
        "--resamples",
        type=int,
        metavar="N",
        help="bootstrap resamples behind the credits' intervals, 0 for none "
        "(default: the site's, else 200)",
    )
    parser.set_defaults(handler=run_analyze)


@dataclass(frozen=True)
class _Analysis:
    """What to analyse: a source, the map applied to it and the other maps that read it."""

    source: DataSource
    journey_map: JourneyMap | None
    readers: list[JourneyMap]
    channels: ChannelSettings
    currency: str = ""  # of the revenue: the source's, else the site's
    attribution: AttributionSettings = field(default_factory=AttributionSettings)


def _bare_file(args: argparse.Namespace) -> _Analysis:
    from mkdocs_journey.data.channels import ChannelSettings
    from mkdocs_journey.data.sources import default_source

    if args.events is None:
        raise CliError("name an events file, or give the site's mkdocs.yml with --config")
    if args.source or args.map_id:
        raise CliError(
            f"{'--source' if args.source else '--map'} needs --config "
            "(the mkdocs.yml that declares the data sources and maps)"
        )
    return _Analysis(default_source(args.events), None, [], ChannelSettings())


def _site_analysis(args: argparse.Namespace, err: TextIO) -> _Analysis:
    """The source and map of a site, read as `mkdocs build` reads them."""
    from mkdocs_journey.check import read_docs
    from mkdocs_journey.data.sources import unknown_source_message
    from mkdocs_journey.joined import configured_sources, maps_reading
    from mkdocs_journey.render.environment import make_environment
    from mkdocs_journey.site import JourneySite
    from mkdocs_journey.site_config import SiteConfigError, load_site
    from mkdocs_journey.suggest import did_you_mean

    config_path: Path = args.config
    try:
        loaded = load_site(config_path)
    except SiteConfigError as error:
        message = str(error)
        prefix = "" if message.startswith(str(config_path)) else f"{config_path}: "
        raise CliError(f"{prefix}{message}") from error
    settings = loaded.settings
    sources, problems = configured_sources(settings)
    channels = settings.channels
    if problems:
        raise CliError("\n".join(problems))
    site = JourneySite(settings, make_environment())
    catalogue = site.read_maps(read_docs(loaded.docs_dir))

    journey_map = None
    if args.map_id is not None:
        maps = {m.id: m for m in catalogue.maps}
        journey_map = maps.get(args.map_id)
        if journey_map is None:
            hint = did_you_mean(args.map_id, maps)
            raise CliError(
                f"no map with id {args.map_id!r} in {loaded.docs_dir}"
                + (f" ({hint})" if hint else f"; maps: {', '.join(sorted(maps)) or 'none'}")
            )
        if journey_map.data is None:
            raise CliError(f"map {args.map_id!r} has no data source (its 'data' key)")
        if args.source and args.source != journey_map.data:
            raise CliError(
                f"map {args.map_id!r} reads data source {journey_map.data!r}, not {args.source!r}"
            )
    name = journey_map.data if journey_map is not None else args.source
    if name is None:
        events = args.events.resolve() if args.events is not None else None
        matching = [s.name for s in sources.values() if s.path == events]
        if len(matching) == 1 or len(sources) == 1:
            name = matching[0] if len(matching) == 1 else next(iter(sources))
        else:
            raise CliError(
                f"{config_path}: several data sources ({', '.join(sorted(sources)) or 'none'}); "
                "choose one with --source or --map"
            )
    source = sources.get(name)
    if source is None:
        raise CliError(f"{config_path}: {unknown_source_message(name, sources)}")
    readers = maps_reading(catalogue, name)
    if journey_map is None:
        if len(readers) > 1:
            raise CliError(
                f"maps {', '.join(repr(m.id) for m in readers)} read data source {name!r}; "
                "choose one with --map"
            )
        if readers:
            journey_map = readers[0]
            print(
                f"mkdocs-journey: map {journey_map.id!r}, the only map that reads data source "
                f"{name!r} (choose another with --map)",
                file=err,
            )
        else:
            print(
                f"mkdocs-journey: no map reads data source {name!r}: numbers without a map's "
                "stages and touchpoints",
                file=err,
            )
    if args.events is not None and args.events.resolve() != source.path:
        # The file given on the command line wins over the configured one (same reading rules).
        source = replace(source, path=args.events.resolve(), label=str(args.events))
    return _Analysis(
        source,
        journey_map,
        readers,
        channels,
        source.currency or settings.currency,
        settings.attribution,
    )


def run_analyze(args: argparse.Namespace, out: TextIO) -> int:
    from mkdocs_journey.data.engine import DataError
    from mkdocs_journey.joined import analyze_for_map

    plan = _site_analysis(args, sys.stderr) if args.config is not None else _bare_file(args)
    if args.resamples is not None and not 0 <= args.resamples <= 10_000:
        raise CliError(f"--resamples must be from 0 to 10000, got {args.resamples}")
    attribution = replace(
        plan.attribution,
        markov_order=args.markov_order or plan.attribution.markov_order,
        resamples=plan.attribution.resamples if args.resamples is None else args.resamples,
    )
    if not plan.source.path.is_file():
        raise CliError(f"{plan.source.label}: no such file")
    try:
        analysis = analyze_for_map(
            plan.source, plan.journey_map, plan.readers, plan.channels, None, attribution
        )
    except DataError as error:
        raise CliError(str(error)) from error
    if args.format == "json":
        from mkdocs_journey.finite_json import NonFiniteNumber, dumps

        try:
            text = dumps(analysis.to_json(), str(args.events), indent=2, ensure_ascii=False)
        except NonFiniteNumber as error:
            raise CliError(str(error)) from error
        out.write(text + "\n")
    else:
        from mkdocs_journey.render.analytics_view import text_report

        out.write(text_report(analysis, plan.currency))
    return EXIT_OK


def add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from mkdocs_journey.check_output import FORMATS

    parser = commands.add_parser(
        "check",
        help="validate every map of a site without building it (for CI)",
        description="Validate every journey map of a site, and its data, without building it. "
        "Paths are relative to the current directory. Exit status: 0 clean, 1 problems, "
        "2 usage or config error.",
    )
    parser.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="text (path:line:col: message), github (workflow commands: annotations on the "
        "pull request) or json; default: github when GITHUB_ACTIONS=true, else text",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="the least severe problem that fails the check (default: error)",
    )
    parser.add_argument(
        "--fail-on-stale",
        action="store_true",
        help="maps past their review date are errors, not warnings",
    )
    parser.set_defaults(handler=run_check_command)


def run_check_command(args: argparse.Namespace, out: TextIO) -> int:
    import os

    from mkdocs_journey.check import EXIT_CONFIG, check_site, config_finding
    from mkdocs_journey.check_output import json_document, write_findings, write_json, write_result
    from mkdocs_journey.model import Severity
    from mkdocs_journey.site_config import SiteConfigError

    output_format = args.format or (
        "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    )
    try:
        result = check_site(args.config, fail_on_stale=args.fail_on_stale)
    except SiteConfigError as error:
        finding = config_finding(args.config, str(error))
        if output_format == "json":
            write_json(json_document(finding.file or "", 0, [finding], EXIT_CONFIG), out)
        else:
            write_findings([finding], output_format, out)
        return EXIT_CONFIG
    status = result.exit_status(Severity(args.fail_on))
    write_result(result, output_format, out, status)
    return status


def add_stylesheet(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "stylesheet",
        help="print the CSS the maps need (for hosts using the Markdown extension)",
        description="Print the plugin's stylesheet, which follows mkdocs-material's colours; the "
        "MkDocs plugin adds it by itself, other hosts include it themselves.",
    )
    parser.set_defaults(handler=run_stylesheet)


def run_stylesheet(args: argparse.Namespace, out: TextIO) -> int:
    from mkdocs_journey.render.environment import stylesheet

    out.write(stylesheet())
    return EXIT_OK


def add_schema(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema of a map (for editors)",
        description="Print the JSON Schema (2020-12) that every map is checked against, for "
        "editors and the YAML language server.",
    )
    parser.add_argument(
        "--front-matter",
        action="store_true",
        help="the schema of a whole page front matter, with the map under its 'journey' key",
    )
    parser.set_defaults(handler=run_schema)


def run_schema(args: argparse.Namespace, out: TextIO) -> int:
    from mkdocs_journey.editor_schema import front_matter_schema
    from mkdocs_journey.finite_json import dumps
    from mkdocs_journey.parsing.schema import map_schema

    schema = front_matter_schema() if args.front_matter else map_schema()
    out.write(dumps(schema, "the schema", indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


#: Every subcommand's registration function, in the order ``--help`` lists them.
COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    add_check,
    add_analyze,
    add_stylesheet,
    add_schema,
    add_new,
    add_init_ci,
    add_diff,
    add_export,
    add_import,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mkdocs-journey", description="Customer journey maps as code."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMANDS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    handler: Handler = args.handler
    stream = out or sys.stdout
    try:
        status = handler(args, stream)
        stream.flush()  # here, so that a reader gone away is seen here too
    except CliError as error:
        print(f"mkdocs-journey: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader stopped reading (`mkdocs-journey analyze ... | head`): stop quietly, with
        # the status of a Unix filter ended by SIGPIPE, and keep Python's own flush at exit
        # from failing on the closed pipe.
        if stream is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status


if __name__ == "__main__":
    sys.exit(main())
