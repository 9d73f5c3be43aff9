"""Grids to and from files: CSV (any spreadsheet) and XLSX (Excel, through openpyxl).

Reading refuses what cannot be a journey grid (too large, too many rows or columns) with a
sentence, and never lets a malformed file end in a traceback. XLSX needs the optional ``xlsx``
extra (``pip install 'mkdocs-journey[xlsx]'``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from mkdocs_journey.bridge.grid import LANES, STAGE_ROW, Grid

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX is a zip: refuse zip bombs before opening it
MAX_ROWS = 1_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 100_000
SHEET_TITLE = "Journey map"


class SheetError(Exception):
    """A file that cannot be read as a grid; the message says why."""


# A cell that starts like a formula would run as one when a spreadsheet opens the file (CSV
# injection): such cells are written with a leading apostrophe, which spreadsheets show as text,
# and read back without it.
_FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-(?!\d+(?:\.\d+)?$)(?! ))")


def _needs_guard(value: str) -> bool:
    # A text that already starts with apostrophes before a formula start keeps them all.
    return bool(_FORMULA_START.match(value.lstrip("'")))


def guarded(value: str) -> str:
    return "'" + value if _needs_guard(value) else value


def unguarded(value: str) -> str:
    return value[1:] if value.startswith("'") and _needs_guard(value[1:]) else value


# --- CSV --------------------------------------------------------------------------------------


#: Characters that make a CSV cell quoted: the writer's separator, and the two other separators
#: a reader may guess from the first line (see parse_csv), besides quotes and line breaks.
_QUOTED = re.compile(r'[,;\t"\r\n]')
#: A quoted cell of a CSV line, doubled quotes inside included.
_QUOTED_CELL = re.compile(r'"(?:[^"]|"")*"')


def _cell(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if _QUOTED.search(value) else value


def csv_text(grid: Grid) -> str:
    return "".join(",".join(_cell(guarded(v)) for v in row) + "\r\n" for row in grid)


def write_csv(grid: Grid, path: Path) -> None:
    # The byte-order mark makes Excel open the file as UTF-8.
    path.write_text("\ufeff" + csv_text(grid), encoding="utf-8", newline="")


def read_csv(path: Path) -> Grid:
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError(
            f"{path}: not UTF-8 text (byte {error.start}); save it as 'CSV UTF-8'"
        ) from error
    return parse_csv(text, str(path))


def parse_csv(text: str, where: str = "CSV") -> Grid:
    # The separator is the one the first line uses most: spreadsheets set to a language with a
    # decimal comma write ";". (csv.Sniffer guesses quoting too, and misreads doubled quotes.)
    first = _QUOTED_CELL.sub("", text.lstrip("\r\n").split("\n", 1)[0])
    delimiter = max(",;\t", key=first.count)
    rows: Grid = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(_checked_row([unguarded(v) for v in row], len(rows), where))
    except csv.Error as error:
        raise SheetError(f"{where}: row {reader.line_num}: {error}") from error
    return rows


# --- XLSX -------------------------------------------------------------------------------------


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as error:
        raise SheetError("XLSX files need openpyxl: pip install 'mkdocs-journey[xlsx]'") from error
    return openpyxl


def write_xlsx(grid: Grid, path: Path) -> None:
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    stage_row = next((n for n, row in enumerate(grid) if row and row[0] == STAGE_ROW), 0)
    score_label = next(label for label, key in LANES if key == "emotion score")
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            cell = sheet.cell(row=r + 1, column=c + 1)
            # Scores are numbers in the sheet, so that teams can chart them; the rest is text,
            # never a formula (openpyxl would make one of a text that starts with "=").
            if row[0] == score_label and c > 0 and value.lstrip("-").isdigit():
                cell.value = int(value)
            else:
                cell.value = value
                cell.data_type = "s"
            cell.alignment = wrap
            if c == 0 or r == stage_row:
                cell.font = bold
    sheet.column_dimensions["A"].width = 26
    for c in range(1, max(len(row) for row in grid)):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width = 42
    sheet.freeze_panes = sheet.cell(row=stage_row + 2, column=2)
    # A fixed date keeps the workbook's own metadata from changing on every export.
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.save(path)


def read_xlsx(path: Path) -> Grid:
    openpyxl = _openpyxl()
    _read_bytes(path)  # the size check
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise SheetError(f"{path}: not an XLSX workbook ({error})") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetError(f"{path}: unpacks to {unpacked // 2**20} MiB; not a journey grid")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SheetError(f"{path}: not a readable XLSX workbook ({error})") from error
    try:
        sheet = (
            workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        )
        rows: Grid = []
        for values in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1):
            # Cells are typed: a text cell is text (no apostrophe to take off, as in CSV).
            cells = [_cell_text(v) for v in values]
            rows.append(_checked_row(cells, len(rows), str(path)))
    except SheetError:
        raise
    except Exception as error:
        raise SheetError(f"{path}: could not read the sheet ({error})") from error
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# --- shared -----------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SheetError(f"{path}: {size // 2**20} MiB; a journey grid is far smaller")
        return path.read_bytes()
    except OSError as error:
        raise SheetError(f"{path}: cannot read: {error.strerror}") from error


def _checked_row(row: list[str], number: int, where: str) -> list[str]:
    if number >= MAX_ROWS:
        raise SheetError(f"{where}: more than {MAX_ROWS} rows; not a journey grid")
    while row and not row[-1]:
        row = row[:-1]
    if len(row) > MAX_COLUMNS:
        raise SheetError(f"{where}: row {number + 1} has more than {MAX_COLUMNS} columns")
    if any(len(cell) > MAX_CELL_CHARS for cell in row):
        raise SheetError(
            f"{where}: row {number + 1} has a cell of more than {MAX_CELL_CHARS} characters"
        )
    return row
