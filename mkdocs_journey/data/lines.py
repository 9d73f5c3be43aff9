"""File line numbers of CSV records, for the data-quality report.

The engine numbers records in file order (the header is record 1), which is the file's line
number as long as every record is one line. Three things break that: blank lines (skipped by the
reader), line breaks inside quoted fields (one record, several lines) and records the reader
could not parse (not in the engine's table at all). :func:`line_numbers` checks whether the file
has any, with one pass over its bytes that only counts newlines, and only then finds the real
line of the few records a report names, by reading the file as CSV up to the last of them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

CHUNK = 1 << 20
TAIL = 1 << 16


def _plain_line_count(path: Path) -> int:
    """Lines in the file, not counting blank lines at its end."""
    newlines = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            newlines += chunk.count(b"\n")
        size = handle.tell()
        handle.seek(max(0, size - TAIL))
        tail = handle.read()
    stripped = tail.rstrip(b"\r\n \t")
    if not stripped and size > len(tail):
        return newlines  # a file ending in 64 KiB of blank lines: let the CSV pass decide
    trailing = tail[len(stripped) :].count(b"\n")
    return newlines - trailing + (1 if stripped else 0)


def lines_at(path: Path, positions: Iterable[int]) -> dict[int, int]:
    """Byte offset -> the line it is on, for every offset in ``positions`` (one pass)."""
    wanted = sorted(set(positions))
    found: dict[int, int] = {}
    if not wanted:
        return found
    newlines = 0  # before the start of the chunk, then before ``counted`` in it
    offset = 0
    pending = iter(wanted)
    target: int | None = next(pending)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            # Count on from the previous offset, not from the chunk's start: a file with many
            # set-aside rows has many offsets per chunk.
            counted = 0
            while target is not None and target < offset + len(chunk):
                newlines += chunk.count(b"\n", counted, target - offset)
                counted = target - offset
                found[target] = newlines + 1
                target = next(pending, None)
            if target is None:
                break
            newlines += chunk.count(b"\n", counted)
            offset += len(chunk)
    if target is not None:
        for rest in (target, *pending):
            found[rest] = newlines + 1
    return found


def _record_starts(
    path: Path, wanted: set[int], delimiter: str, skipped: frozenset[int], encoding: str
) -> dict[int, int]:
    """Record number (the header is 1) -> the line it starts on, for ``wanted`` records; records
    starting on a ``skipped`` line are the ones the engine never got, so they are not counted."""
    found: dict[int, int] = {}
    last = max(wanted)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True)
        record = 0
        line_before = 0
        for row in reader:
            start = line_before + 1
            line_before = reader.line_num
            if not row or start in skipped:
                continue  # a blank line (the engine skips it too) or a record it could not read
            record += 1
            if record in wanted:
                found[record] = start
                if record == last:
                    break
    return found


def line_numbers(
    path: Path,
    records_read: int,
    wanted: Iterable[int],
    delimiter: str = ",",
    skipped_lines: Iterable[int] = (),
    *,
    encoding: str = "utf-8",
) -> Callable[[int], int]:
    """A function from record number (header = 1, as the engine counts) to the file's line.

    ``records_read`` is the number of data records the engine read; ``skipped_lines`` are the
    lines of records the reader rejected. When every record is one line and none was rejected,
    it is the identity; otherwise the lines of ``wanted`` records are looked up.
    """
    wanted = set(wanted)
    skipped = frozenset(skipped_lines)
    if not wanted or (not skipped and _plain_line_count(path) == records_read + 1):
        return lambda record: record
    starts = _record_starts(path, wanted, delimiter, skipped, encoding)
    return lambda record: starts.get(record, record)
