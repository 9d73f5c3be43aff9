"""Data sources: the events files a site declares (``data_sources``), and how to read them.

A site names each events file once and maps point at it with ``data: <name>``. The options are
validated by :mod:`mkdocs_journey.config.data`; this module holds what the engine reads (a
:class:`DataSource`) and where its file is (:func:`locate`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

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


def locate(source: DataSource, project_dir: Path) -> tuple[DataSource | None, str | None]:
    """The source with its path resolved against ``project_dir``, or None and the sentence
    that says why not: the file leaves the project folder, or is not there."""
    path, reason = resolve_inside(project_dir, source.file_label)
    where = f"data source {source.name!r}"
    if reason is not None or path is None:
        return None, f"{where}: {reason}"
    if not path.is_file():
        return None, f"{where}: file {source.file_label!r} not found (looked at {path})"
    return replace(source, path=path), None


def unknown_source_message(name: str, sources: Mapping[str, DataSource]) -> str:
    """The sentence to show when a map's ``data: <name>`` names no declared source."""
    known = ", ".join(sorted(sources)) or "none declared"
    return f"unknown data source {name!r}{suggestion(name, list(sources))}; known: {known}"
