"""``mkdocs-journey export`` and ``mkdocs-journey import``: maps to and from spreadsheets and
Mermaid.

``export MAP_ID --format csv|xlsx|md|mermaid|json`` writes one map of the site as the grid
teams draft in (CSV or XLSX), as a Markdown page, as a Mermaid ``journey`` or as its
``journeys.json`` record. ``import FILE`` reads a grid (CSV or XLSX) or a Mermaid journey and
writes a map page; every cell (or line) it could not read is reported with its reference.

Exit status: 0 done; 1 done, but some cells could not be read (they are left out of the page);
2 nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from mkdocs_journey.bridge.authoring import authoring_data
from mkdocs_journey.bridge.grid import grid_of_map, map_of_grid
from mkdocs_journey.bridge.mermaid import map_of_mermaid, mermaid_of_map
from mkdocs_journey.bridge.page import map_page
from mkdocs_journey.bridge.sheets import (
    SheetError,
    csv_text,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from mkdocs_journey.finite_json import NonFiniteNumber, dumps
from mkdocs_journey.model import DEFAULT_STAGES, Severity
from mkdocs_journey.parsing.page import MapReading, read_page

EXIT_DONE, EXIT_PARTLY, EXIT_NOTHING = 0, 1, 2
EXPORT_FORMATS = ("csv", "xlsx", "md", "mermaid", "json")
IMPORT_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}


class BridgeError(Exception):
    """Nothing could be written; the message says why."""


def add_export(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export",
        help="write one map as a spreadsheet grid, Markdown page, Mermaid journey or JSON",
        description="Write one map of the site as the grid teams draft in (stages as columns, "
        "lanes as rows; CSV or XLSX), as a Markdown page, as a Mermaid journey diagram or as "
        "its journeys.json record.",
    )
    parser.add_argument("map_id", metavar="MAP_ID", help="the id of the map")
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    parser.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml"
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write (default: standard output; for xlsx: MAP_ID.xlsx)",
    )
    parser.set_defaults(handler=run_export)


def add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="write a map page from a spreadsheet grid (CSV, XLSX) or a Mermaid journey",
        description="Read a grid (CSV or XLSX, as `export` writes it) or a Mermaid journey "
        "diagram and write a map page with one fenced journey block. Cells that cannot be "
        "read are reported by reference (e.g. C7) and left out.",
    )
    parser.add_argument("file", type=Path, help="the .csv, .xlsx or .mmd file")
    parser.add_argument(
        "--format", choices=("csv", "xlsx", "mermaid"), help="default: from the file's extension"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the site's mkdocs.yml, for its stages (default stages without it)",
    )
    parser.add_argument("-o", "--output", type=Path, help="page to write (default: stdout)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing page")
    parser.set_defaults(handler=run_import)


# --- export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteMaps:
    readings: list[MapReading]
    stages: tuple[str, ...]
    today: dt.date

    def find(self, map_id: str) -> MapReading:
        from mkdocs_journey.suggest import did_you_mean

        for reading in self.readings:
            if reading.journey_map is not None and reading.journey_map.id == map_id:
                return reading
        ids = [r.journey_map.id for r in self.readings if r.journey_map is not None]
        hint = did_you_mean(map_id, ids)
        raise BridgeError(
            f"no map '{map_id}' on this site"
            + (f" ({hint})" if hint else f"; its maps: {', '.join(ids) or 'none'}")
        )


def site_maps(config_file: Path) -> SiteMaps:
    """Every map of the site as written (without its data), personas resolved across pages."""
    from mkdocs_journey.catalogue import build_catalogue
    from mkdocs_journey.changes.cli import site_shape
    from mkdocs_journey.changes.git import HistoryError

    try:
        shape = site_shape(config_file)
    except HistoryError as error:
        raise BridgeError(str(error)) from error
    readings: list[MapReading] = []
    for path in sorted(shape.docs_dir.rglob("*.md")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if "journey" in text:
            page = path.relative_to(shape.docs_dir).as_posix()
            readings.extend(read_page(page, text, shape.stages))
    catalogue = build_catalogue(readings, data_sources=shape.data_sources)
    return SiteMaps(catalogue.readings, shape.stages, shape.today)


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    try:
        site = site_maps(args.config)
        reading = site.find(args.map_id)
        journey_map = reading.journey_map
        assert journey_map is not None
        if args.format == "xlsx":
            target = args.output or Path(f"{journey_map.id}.xlsx")
            write_xlsx(grid_of_map(journey_map, reading.persona_ref), target)
            print(f"wrote {target}", file=sys.stderr)
            return EXIT_DONE
        if args.format == "csv" and args.output is not None:
            write_csv(grid_of_map(journey_map, reading.persona_ref), args.output)
            return EXIT_DONE
        text = _export_text(args.format, reading, site.today)
    except (BridgeError, SheetError, OSError, NonFiniteNumber) as error:
        print(f"mkdocs-journey: error: {error}", file=sys.stderr)
        return EXIT_NOTHING
    return _write(text, args.output, out, force=True)


def _export_text(kind: str, reading: MapReading, today: dt.date) -> str:
    from mkdocs_journey.changes.versions import page_url
    from mkdocs_journey.export import map_record

    journey_map = reading.journey_map
    assert journey_map is not None
    if kind == "csv":
        return csv_text(grid_of_map(journey_map, reading.persona_ref))
    if kind == "md":
        return map_page(authoring_data(journey_map, reading.persona_ref))
    if kind == "mermaid":
        return mermaid_of_map(journey_map)
    record = map_record(journey_map, url=page_url(journey_map.page), today=today)
    return dumps(record, f"map '{journey_map.id}'", indent=2, ensure_ascii=False) + "\n"


# --- import -----------------------------------------------------------------------------------


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    source: Path = args.file
    kind = args.format or IMPORT_FORMATS.get(source.suffix.lower())
    if kind is None:
        print(
            f"mkdocs-journey: error: {source}: cannot tell the format from the extension; "
            "give --format csv, xlsx or mermaid",
            file=sys.stderr,
        )
        return EXIT_NOTHING
    if args.output is not None and args.output.exists() and not args.force:
        print(
            f"mkdocs-journey: error: {args.output} exists; give --force to overwrite it",
            file=sys.stderr,
        )
        return EXIT_NOTHING
    stages = _stages(args.config)
    problems: list[str]
    notes: list[str] = []
    try:
        if kind == "mermaid":
            text = _read_text(source)
            reading = map_of_mermaid(text, stages=stages, fallback_id=source.stem)
            data, problems, notes = reading.data, [str(p) for p in reading.problems], reading.notes
        else:
            grid = read_xlsx(source) if kind == "xlsx" else read_csv(source)
            data, cell_problems = map_of_grid(grid, stages=stages, fallback_id=source.stem)
            problems = [str(p) for p in cell_problems]
    except (SheetError, BridgeError) as error:
        print(f"mkdocs-journey: error: {error}", file=sys.stderr)
        return EXIT_NOTHING
    for message in problems:
        print(f"{source}: {message}", file=sys.stderr)
    for note in notes:
        print(f"{source}: note: {note}", file=sys.stderr)
    if data is None:
        print(f"mkdocs-journey: error: {source}: no map to write", file=sys.stderr)
        return EXIT_NOTHING
    page = map_page(data)
    leftover = _page_problems(page, stages)
    if leftover:  # a bug of ours: say so rather than write a page that fails the build
        for message in leftover:
            print(
                f"mkdocs-journey: error: the written page would not pass check: {message}",
                file=sys.stderr,
            )
        return EXIT_NOTHING
    status = _write(page, args.output, out, force=args.force)
    if status == EXIT_DONE and args.output is not None:
        print(f"wrote {args.output} (map '{data['id']}')", file=sys.stderr)
    return EXIT_PARTLY if problems and status == EXIT_DONE else status


def _stages(config_file: Path) -> tuple[str, ...]:
    if not config_file.is_file():
        return DEFAULT_STAGES
    from mkdocs_journey.changes.cli import site_shape
    from mkdocs_journey.changes.git import HistoryError

    try:
        return site_shape(config_file).stages
    except HistoryError:
        return DEFAULT_STAGES


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BridgeError(f"{path}: cannot read: {error.strerror}") from error
    if len(data) > 5 * 1024 * 1024:
        raise BridgeError(f"{path}: larger than 5 MiB; not a journey diagram")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BridgeError(f"{path}: not UTF-8 text (byte {error.start})") from error


def _page_problems(page: str, stages: tuple[str, ...]) -> list[str]:
    problems = []
    for reading in read_page("imported.md", page, stages):
        problems += [str(p) for p in reading.problems if p.severity is Severity.ERROR]
    return problems


def _write(text: str, target: Path | None, out: TextIO, *, force: bool) -> int:
    if target is None:
        out.write(text)
        return EXIT_DONE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w" if force else "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        print(f"mkdocs-journey: error: {target}: {error.strerror}", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_DONE
