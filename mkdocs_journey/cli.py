"""Command line: ``mkdocs-journey <command>``.

``analyze EVENTS [--config mkdocs.yml] [--source NAME] [--format json|table]`` prints the channel
mix, funnel and attribution per model for a data file, so analysts can check numbers without
building the site. Without ``--config`` the file must use the standard column names
(``utm_source``/``utm_medium``/``utm_campaign`` accepted) and ``converted = 1`` marks conversions.

Subcommands are registered in :func:`build_parser`, one ``add_<command>`` function each.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import yaml

from mkdocs_journey import __version__
from mkdocs_journey.bridge.cli import add_export, add_import
from mkdocs_journey.changes.cli import add_diff

PLUGIN_NAME = "journey"
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace, TextIO], int]


class CliError(Exception):
    """A problem to print as ``mkdocs-journey: error: ...`` with exit status 1."""


class _LenientLoader(yaml.SafeLoader):
    """A safe loader that ignores tags it does not know (``!!python/name:...``, ``!ENV``...)."""


def _ignore_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_LenientLoader.add_multi_constructor("", _ignore_tag)


def load_mkdocs_config(path: Path) -> dict[str, Any]:
    """Read ``mkdocs.yml`` without executing anything it names."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_LenientLoader)  # noqa: S506 - safe loader subclass
    except OSError as error:
        raise CliError(f"{path}: cannot read the config: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise CliError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise CliError(f"{path}: expected a mapping at the top level")
    return data


def journey_plugin_options(config: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The options of the ``journey`` plugin in a loaded mkdocs.yml."""
    plugins = config.get("plugins") or []
    entries = (
        plugins.items()
        if isinstance(plugins, Mapping)
        else (
            (next(iter(p)), p[next(iter(p))]) if isinstance(p, Mapping) else (p, {})
            for p in plugins
        )
    )
    for name, options in entries:
        if name == PLUGIN_NAME:
            return dict(options or {})
    raise CliError(f"{path}: the '{PLUGIN_NAME}' plugin is not listed under 'plugins'")


# --- analyze ----------------------------------------------------------------------------------


def add_analyze(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "analyze",
        help="print channel mix, funnel and attribution for a data file",
        description="Print channel mix, funnel and attribution per model for an events file.",
    )
    parser.add_argument("events", type=Path, help="events file (CSV or Parquet)")
    parser.add_argument(
        "--config", type=Path, help="mkdocs.yml whose journey 'data_sources' option to use"
    )
    parser.add_argument(
        "--source",
        help="name of the data source in the config (default: the "
        "one whose path is EVENTS, or the only one)",
    )
    parser.add_argument("--format", choices=("json", "table"), default="table")
    parser.set_defaults(handler=run_analyze)


def _pick_source(args: argparse.Namespace) -> tuple[Any, Any]:
    from mkdocs_journey.analytics.channels import ChannelSettings, load_channel_settings
    from mkdocs_journey.data.sources import (
        DataSource,
        default_source,
        load_data_sources,
        unknown_source_message,
    )

    events: Path = args.events
    if args.config is None:
        if args.source:
            raise CliError("--source needs --config (the mkdocs.yml that declares the source)")
        return default_source(events), ChannelSettings()
    config_path: Path = args.config
    options = journey_plugin_options(load_mkdocs_config(config_path), config_path)
    project_dir = config_path.resolve().parent
    raw_sources = options.get("data_sources", options.get("data")) or {}
    sources, problems = load_data_sources(raw_sources, project_dir)
    settings, setting_problems = load_channel_settings(
        options.get("channel_rules"), options.get("source_categories")
    )
    problems += setting_problems
    if problems:
        raise CliError(f"{config_path}: " + f"\n{config_path}: ".join(problems))
    source: DataSource | None
    if args.source:
        source = sources.get(args.source)
        if source is None:
            raise CliError(f"{config_path}: {unknown_source_message(args.source, sources)}")
    else:
        matching = [s for s in sources.values() if s.path == events.resolve()]
        if len(matching) == 1:
            source = matching[0]
        elif len(sources) == 1:
            source = next(iter(sources.values()))
        else:
            raise CliError(
                f"{config_path}: several data sources ({', '.join(sorted(sources)) or 'none'}); "
                "choose one with --source"
            )
    # The file given on the command line wins over the configured path (same reading rules).
    label = source.label if source.path == events.resolve() else str(events)
    from dataclasses import replace

    return replace(source, path=events.resolve(), label=label), settings


def run_analyze(args: argparse.Namespace, out: TextIO) -> int:
    from mkdocs_journey.analytics import analyze
    from mkdocs_journey.data.engine import DataError

    if not args.events.is_file():
        raise CliError(f"{args.events}: no such file")
    source, settings = _pick_source(args)
    try:
        analysis = analyze(source, None, settings, cache=None)
    except DataError as error:
        raise CliError(str(error)) from error
    if args.format == "json":
        json.dump(analysis.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        from mkdocs_journey.render.analytics_view import text_report

        out.write(text_report(analysis))
    return EXIT_OK


def add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="validate every map of a site without building it (for CI)",
        description="Validate every journey map of a site, and its data, without building it. "
        "Prints path:line:column: message per problem; exit status 1 when there is any.",
    )
    parser.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml"
    )
    parser.set_defaults(handler=run_check_command)


def run_check_command(args: argparse.Namespace, out: TextIO) -> int:
    from mkdocs_journey.check import run_check

    return run_check(args.config, out)


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


#: Every subcommand's registration function, in the order ``--help`` lists them.
COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    add_check,
    add_analyze,
    add_stylesheet,
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
    try:
        return handler(args, out or sys.stdout)
    except CliError as error:
        print(f"mkdocs-journey: error: {error}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
