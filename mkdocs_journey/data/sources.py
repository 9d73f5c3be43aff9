"""Data sources declared under the plugin's ``data_sources:`` option.

A site names each events file once and maps point at it with ``data: <name>``::

    plugins:
      - journey:
          data_sources:
            crm:
              path: data/crm-export.csv      # relative to the folder of mkdocs.yml
              format: csv                    # csv or parquet; default: from the file extension
              columns:                       # event field: column name in the file
                lead_id: Lead ID
                timestamp: Created At
                source: utm_source
              timestamp_format: "%d/%m/%Y %H:%M"   # strftime codes; default: ISO-8601
              timezone: Europe/Berlin        # for timestamps without an offset; default UTC
              encoding: latin-1              # utf-8 (default) or latin-1
              currency: EUR                  # of the revenue column; default: the site's
              conversion:                    # default: the `converted` column is 1/true/yes/y
                event: purchase              # the `event` column equals this value, or
                # column: Deal Stage         # any column (file name or event field) ...
                # value: Closed Won          # ... equals this value

:func:`load_data_sources` validates that mapping exactly as written and returns the problems it
found as plain sentences, so that the caller (plugin, CLI) decides how to report them.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs_journey.suggest import suggestion

#: The event fields a file can provide, after column mapping. The first four are required.
EVENT_FIELDS: tuple[str, ...] = (
    "lead_id",
    "timestamp",
    "source",
    "medium",
    "campaign",
    "touchpoint",
    "stage",
    "event",
    "converted",
    "revenue",
)
REQUIRED_FIELDS: tuple[str, ...] = ("lead_id", "timestamp", "source", "medium")

#: Column names accepted without any mapping (the standard names, plus UTM names).
DEFAULT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "source": ("source", "utm_source"),
    "medium": ("medium", "utm_medium"),
    "campaign": ("campaign", "utm_campaign"),
}

FORMATS: tuple[str, ...] = ("csv", "parquet")
SOURCE_KEYS: tuple[str, ...] = (
    "path",
    "format",
    "columns",
    "timestamp_format",
    "timezone",
    "conversion",
    "delimiter",
    "encoding",
    "currency",
)
#: A currency: an ISO 4217 code (EUR, USD, GBP...), written in capitals.
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def currency_code(value: object) -> str:
    """A currency as written in a configuration: three letters in any case, or nothing ("").

    Raises ValueError with the sentence to show for anything else.
    """
    if value is None or value == "":
        return ""
    text = value.strip().upper() if isinstance(value, str) else ""
    if not CURRENCY_CODE.fullmatch(text):
        raise ValueError(
            f"expected a three-letter ISO 4217 currency code such as EUR or USD, got {value!r}"
        )
    return text


#: Text encodings of CSV files the engine reads natively (both keep "\n" a newline byte, which
#: the data-quality line numbers rely on).
ENCODINGS: tuple[str, ...] = ("utf-8", "latin-1")
CONVERSION_KEYS: tuple[str, ...] = ("event", "column", "value")
#: Values of the ``converted`` column (trimmed, any case) that mean "this touch converted", and
#: those that mean it did not; any number equal to 1 or 0 counts too (``1.00``). Other values are
#: rejected rows (see :mod:`mkdocs_journey.data.quality`), not silently "no".
TRUE_VALUES: tuple[str, ...] = ("1", "1.0", "true", "t", "yes", "y")
FALSE_VALUES: tuple[str, ...] = ("0", "0.0", "false", "f", "no", "n", "")


@dataclass(frozen=True)
class ConversionRule:
    """Which touches are conversions.

    ``event``: the ``event`` field equals this value (trimmed, any case). ``column`` + ``value``:
    that column equals the value (trimmed, any case). Neither: the ``converted`` field is one of
    :data:`TRUE_VALUES` (or a number equal to 1).
    """

    event: str | None = None
    column: str | None = None
    value: str | None = None

    def describe(self) -> str:
        if self.event is not None:
            return f"event = {self.event!r}"
        if self.column is not None:
            return f"{self.column} = {self.value!r}"
        return "converted = 1"


@dataclass(frozen=True)
class DataSource:
    """One declared events file, with how to read it."""

    name: str
    path: Path
    format: str = "csv"
    columns: Mapping[str, str] = field(default_factory=dict)  # event field -> file column
    timestamp_format: str | None = None  # strftime codes; None: ISO-8601
    timezone: str = "UTC"
    conversion: ConversionRule = field(default_factory=ConversionRule)
    delimiter: str = ","
    encoding: str = "utf-8"
    label: str = ""  # the path as the user wrote it, for messages ("data/crm.csv")
    currency: str = ""  # ISO 4217 code of the revenue; "": the site's (display only)

    @property
    def file_label(self) -> str:
        return self.label or str(self.path)

    def fingerprint(self) -> str:
        """Everything about the source, except the file content, that changes the analysis."""
        columns = ",".join(f"{k}={v}" for k, v in sorted(self.columns.items()))
        return "|".join(
            (
                self.format,
                columns,
                self.timestamp_format or "",
                self.timezone,
                repr(self.conversion),
                self.delimiter,
                self.encoding,
            )
        )


def resolve_inside(project_dir: Path, raw_path: str) -> tuple[Path | None, str | None]:
    """Resolve ``raw_path`` against ``project_dir``; refuse anything that leaves the folder.

    Returns ``(path, None)`` or ``(None, reason)``. Symbolic links are followed before the check, so
    a link pointing outside the project is refused as well.
    """
    root = project_dir.resolve()
    candidate = Path(raw_path).expanduser()
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve()
    if resolved != root and root not in resolved.parents:
        return None, (
            f"path {raw_path!r} leaves the project folder {root} (it resolves to {resolved}); "
            "data files must live inside the folder of mkdocs.yml"
        )
    return resolved, None


def default_source(path: Path, name: str | None = None) -> DataSource:
    """A source with the standard column names and ``converted = 1``, as the CLI uses it."""
    fmt = "parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv"
    return DataSource(name=name or path.stem, path=path.resolve(), format=fmt, label=str(path))


def _load_one(name: str, raw: Any, project_dir: Path) -> tuple[DataSource | None, list[str]]:
    where = f"data source {name!r}"
    if isinstance(raw, str):
        raw = {"path": raw}
    if not isinstance(raw, Mapping):
        return None, [f"{where}: expected a mapping with at least 'path', got {raw!r}"]
    problems: list[str] = []
    for key in raw:
        if key not in SOURCE_KEYS:
            problems.append(
                f"{where}: unknown key {key!r}{suggestion(str(key), SOURCE_KEYS)}; "
                f"known keys: {', '.join(SOURCE_KEYS)}"
            )
    raw_path = raw.get("path")
    path: Path | None = None
    if not isinstance(raw_path, str) or not raw_path.strip():
        problems.append(f"{where}: 'path' is required (a file path relative to mkdocs.yml)")
    else:
        path, reason = resolve_inside(project_dir, raw_path.strip())
        if reason:
            problems.append(f"{where}: {reason}")
        elif path is not None and not path.is_file():
            problems.append(f"{where}: file {raw_path!r} not found (looked at {path})")

    fmt = raw.get("format")
    if fmt is None:
        fmt = "parquet" if str(raw_path or "").lower().endswith((".parquet", ".pq")) else "csv"
    elif fmt not in FORMATS:
        problems.append(
            f"{where}: format {fmt!r} is not supported{suggestion(str(fmt), FORMATS)}; "
            "use csv or parquet"
        )

    columns: dict[str, str] = {}
    raw_columns = raw.get("columns", {}) or {}
    if not isinstance(raw_columns, Mapping):
        problems.append(f"{where}: 'columns' must map event fields to column names")
    else:
        for event_field, column in raw_columns.items():
            if event_field not in EVENT_FIELDS:
                problems.append(
                    f"{where}: unknown event field {event_field!r} under 'columns'"
                    f"{suggestion(str(event_field), EVENT_FIELDS)}; "
                    f"event fields: {', '.join(EVENT_FIELDS)}"
                )
            elif not isinstance(column, str) or not column:
                problems.append(f"{where}: columns.{event_field} must be a column name")
            else:
                columns[event_field] = column

    timestamp_format = raw.get("timestamp_format")
    if timestamp_format is not None and (
        not isinstance(timestamp_format, str) or "%" not in timestamp_format
    ):
        problems.append(
            f"{where}: timestamp_format {timestamp_format!r} must use strftime codes, "
            "e.g. '%d/%m/%Y %H:%M'"
        )
    timezone = raw.get("timezone", "UTC")
    try:
        zoneinfo.ZoneInfo(str(timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"{where}: unknown time zone {timezone!r} (use an IANA name like 'UTC')")

    conversion = ConversionRule()
    raw_conversion = raw.get("conversion")
    if raw_conversion is not None:
        if isinstance(raw_conversion, str):
            raw_conversion = {"event": raw_conversion}
        if not isinstance(raw_conversion, Mapping):
            problems.append(f"{where}: 'conversion' must be a mapping (event, or column + value)")
        else:
            for key in raw_conversion:
                if key not in CONVERSION_KEYS:
                    problems.append(
                        f"{where}: unknown key {key!r} under 'conversion'"
                        f"{suggestion(str(key), CONVERSION_KEYS)}"
                    )
            event = raw_conversion.get("event")
            column = raw_conversion.get("column")
            value = raw_conversion.get("value")
            if event is not None and column is not None:
                problems.append(f"{where}: conversion takes 'event' or 'column', not both")
            elif column is not None and value is None:
                problems.append(f"{where}: conversion.column needs a 'value'")
            elif event is None and column is None:
                problems.append(f"{where}: conversion needs 'event', or 'column' and 'value'")
            conversion = ConversionRule(
                event=None if event is None else str(event),
                column=None if column is None else str(column),
                value=None if value is None else str(value),
            )

    delimiter = raw.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        problems.append(f"{where}: delimiter must be a single character, got {delimiter!r}")

    encoding = str(raw.get("encoding", "utf-8")).strip().lower()
    if encoding not in ENCODINGS:
        problems.append(
            f"{where}: encoding must be one of {', '.join(ENCODINGS)}, got {encoding!r}"
            f"{suggestion(encoding, ENCODINGS)}"
        )

    currency = ""
    try:
        currency = currency_code(raw.get("currency"))
    except ValueError as error:
        problems.append(f"{where}: currency: {error}")

    if problems or path is None:
        return None, problems
    return (
        DataSource(
            name=name,
            path=path,
            format=str(fmt),
            columns=columns,
            timestamp_format=timestamp_format,
            timezone=str(timezone),
            conversion=conversion,
            delimiter=str(delimiter),
            encoding=encoding,
            label=str(raw_path).strip(),
            currency=currency,
        ),
        [],
    )


def load_data_sources(raw: Any, project_dir: Path) -> tuple[dict[str, DataSource], list[str]]:
    """Validate the plugin's ``data_sources`` mapping; return the valid sources and every problem
    found (sentences naming the source and the key)."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [f"'data_sources' must map source names to sources, got {type(raw).__name__}"]
    sources: dict[str, DataSource] = {}
    problems: list[str] = []
    for name, raw_source in raw.items():
        source, found = _load_one(str(name), raw_source, project_dir)
        problems.extend(found)
        if source is not None:
            sources[source.name] = source
    return sources, problems


def unknown_source_message(name: str, sources: Mapping[str, DataSource]) -> str:
    """The sentence to show when a map's ``data: <name>`` names no declared source."""
    known = ", ".join(sorted(sources)) or "none declared"
    return f"unknown data source {name!r}{suggestion(name, list(sources))}; known: {known}"
