"""Reading the sheets of an XLSForm workbook, safely.

An ``.xlsx`` file is a zip archive of XML parts: before openpyxl sees it, the
archive is opened with :mod:`zipfile` and refused when it is larger, more
compressed or has more members than any real form (a zip bomb), and every sheet
is refused beyond :data:`MAX_ROWS` rows or :data:`MAX_CELLS` cells. An ``.xls``
file is read with xlrd under the same bounds. What cannot be read is an
:class:`~qdef.importing.report.ImportRefused` that names the file and says what
to do; never a traceback.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qdef.importing.report import ImportRefused

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 1000
_RATIO_FLOOR = 1024 * 1024
"""Below this size a high compression ratio is harmless (a sheet of empty cells)."""
MAX_ROWS = 100_000
MAX_CELLS = 2_000_000

#: A cell's value as read: text, a number, a boolean, a date/time, or None.
Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet: its name as written, and its rows (row ``i`` of ``rows`` is
    Excel row ``i + 1``)."""

    name: str
    rows: list[list[Cell]]


def read_sheets(path: Path) -> dict[str, Sheet]:
    """The workbook's sheets by lower-case name."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportRefused(f"{path}: cannot be read ({error.strerror}); check the path") from None
    if size > MAX_FILE_BYTES:
        raise ImportRefused(
            f"{path}: the file has {size} bytes, more than the {MAX_FILE_BYTES} an XLSForm "
            "may have here; remove unused sheets or media and try again"
        )
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(b"PK"):
        sheets = _read_xlsx(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        sheets = _read_xls(path)
    else:
        raise ImportRefused(
            f"{path}: is not a spreadsheet (neither .xlsx nor .xls); "
            "save the XLSForm from Excel or LibreOffice as .xlsx"
        )
    return {sheet.name.strip().lower(): sheet for sheet in sheets}


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(
            f"{path}: is not a readable .xlsx file ({error}); open it in a spreadsheet "
            "program and save it again as .xlsx"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(
            f"{path}: the .xlsx archive has {len(members)} parts, more than {MAX_MEMBERS}; "
            "this is not an ordinary XLSForm (save it again from a spreadsheet program)"
        )
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            f"{path}: the .xlsx archive unpacks to {total} bytes, more than "
            f"{MAX_UNCOMPRESSED_BYTES}; refused as a possible zip bomb (remove unused "
            "sheets and cells, and save it again)"
        )
    if total > _RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise ImportRefused(
            f"{path}: the .xlsx archive unpacks to {total} bytes from {packed}, more than "
            f"{MAX_RATIO} to 1; refused as a possible zip bomb (save the file again from a "
            "spreadsheet program)"
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ImportRefused(
                f"{path}: the part {member.filename!r} is compressed more than {MAX_RATIO} "
                "to 1; refused as a possible zip bomb (save the file again from a "
                "spreadsheet program)"
            )


def _too_large(path: Path, name: str, rows: int, columns: int) -> ImportRefused:
    return ImportRefused(
        f"{path}: the sheet {name!r} has {rows} rows and {columns} columns, more than "
        f"{MAX_ROWS} rows or {MAX_CELLS} cells; delete the unused rows and columns "
        "(select them, Delete) and save again"
    )


def _read_xlsx(path: Path) -> list[Sheet]:
    _check_zip(path)
    import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 (only when an .xlsx file is read)

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ImportRefused(
            f"{path}: is not a readable .xlsx file ({type(error).__name__}: {error}); "
            "open it in a spreadsheet program and save it again as .xlsx"
        ) from None
    sheets: list[Sheet] = []
    try:
        for worksheet in workbook.worksheets:
            sheets.append(_worksheet(path, worksheet))
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused(
            f"{path}: a sheet cannot be read ({type(error).__name__}: {error}); "
            "save the file again from a spreadsheet program"
        ) from None
    finally:
        workbook.close()
    return sheets


def _worksheet(path: Path, worksheet: Any) -> Sheet:
    name = str(worksheet.title)
    rows: list[list[Cell]] = []
    cells = 0
    for row in worksheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        rows.append(values)
        cells += len(values)
        if len(rows) > MAX_ROWS or cells > MAX_CELLS:
            raise _too_large(path, name, len(rows), len(values))
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(name, rows)


def _read_xls(path: Path) -> list[Sheet]:
    import xlrd  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as error:
        raise ImportRefused(
            f"{path}: is not a readable .xls file ({type(error).__name__}: {error}); "
            "open it in a spreadsheet program and save it again as .xlsx"
        ) from None
    sheets: list[Sheet] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            nrows, ncols = int(sheet.nrows), int(sheet.ncols)
            if nrows > MAX_ROWS or nrows * ncols > MAX_CELLS:
                raise _too_large(path, str(sheet.name), nrows, ncols)
            rows: list[list[Cell]] = []
            for number in range(nrows):
                values = [_xls_cell(book, sheet.cell(number, column)) for column in range(ncols)]
                while values and values[-1] in (None, ""):
                    values.pop()
                rows.append(values)
            while rows and not rows[-1]:
                rows.pop()
            sheets.append(Sheet(str(sheet.name), rows))
    except ImportRefused:
        raise
    except Exception as error:
        raise ImportRefused(
            f"{path}: a sheet cannot be read ({type(error).__name__}: {error}); "
            "save the file again from a spreadsheet program"
        ) from None
    finally:
        book.release_resources()
    return sheets


def _xls_cell(book: Any, cell: Any) -> Cell:
    import xlrd  # noqa: PLC0415

    kind = cell.ctype
    if kind in {xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK}:
        return None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_NUMBER:
        value = float(cell.value)
        return int(value) if value.is_integer() else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment: dt.datetime = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except Exception:
            return float(cell.value)
        if float(cell.value) < 1:
            return moment.time()
        return moment
    if kind == xlrd.XL_CELL_ERROR:
        return None
    return str(cell.value)
