"""Reading responses from CSV with qdef's variable names as headers.

One row per response, one column per variable (docs/data.md, "CSV"): the names of
docs/responses.md (``finanzierungszeitraum.from``, ``schwerpunkte.beteiligung``),
the values as text — a code; a multiple choice's codes separated by spaces (``vor
waehrend``); a ranking's codes in rank order, separated by spaces; a number with a
decimal point; ISO dates; ``true``/``1`` for a ticked box. An empty cell is no
answer. A roster's answers are columns ``<roster>.<k>.<variable>`` (k from 1: the
k-th record); ``_id`` names the response. The separator is the one of the header
(a comma, a semicolon or a tab); a UTF-8 byte order mark is skipped.

Rows are read one at a time. Columns that are no variable are one finding for the
file (on its header line); a row with more or fewer fields than the header is a
finding (D401) and the next row is read all the same.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from qdef.data.codes import DataCode
from qdef.data.records import Record, parse_loose, parse_text, unreadable
from qdef.routing.plan import Plan, VarInfo

_ROSTER_COLUMN = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\.([1-9][0-9]*)\.([A-Za-z][A-Za-z0-9_]*)")


def delimiter(header: str) -> str:
    """The separator a header line uses: the most frequent of comma, semicolon, tab
    (a comma when there is none: a one-column file)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def rows(file: TextIO) -> Iterator[tuple[int, list[str]]]:
    """The rows of ``file`` with the line each starts on, the header first; blank
    lines (LimeSurvey ends its export with one) are skipped."""
    first = file.readline()
    if not first:
        return
    reader = csv.reader(itertools.chain([first], file), delimiter=delimiter(first))
    line = 1
    for row in reader:
        if row and any(cell for cell in row):
            yield line, row
        line = reader.line_num + 1


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    info: VarInfo | None
    """The variable (None for a computed value: its type is the expression's)."""
    roster: str | None = None
    index: int = 0
    """For a roster's column: the record's index (0-based)."""


def read_csv(path: Path, plan: Plan) -> Iterator[Record]:
    """The responses in the CSV file ``path`` of ``plan``'s instrument."""
    try:
        file = path.open(encoding="utf-8-sig", newline="", errors="strict")
    except OSError as error:
        yield unreadable(str(path), f"cannot read it: {error.strerror or error}")
        return
    with file:
        try:
            yield from _read(path, file, plan)
        except (UnicodeDecodeError, csv.Error) as error:
            yield unreadable(str(path), f"cannot read the rest of the file: {error}")


def _read(path: Path, file: TextIO, plan: Plan) -> Iterator[Record]:
    found = rows(file)
    first = next(found, None)
    if first is None:
        yield unreadable(str(path), "the file is empty: no header")
        return
    yield from records(str(path), first[1], found, plan)


def records(
    path: str, header: list[str], found: Iterator[tuple[int, list[str]]], plan: Plan
) -> Iterator[Record]:
    """The responses of rows in qdef's CSV layout (``found``: each row with its line),
    under ``header``, first the findings on the header if any: the CSV reader's and the
    Parquet reader's (a table of text columns in the same layout) one logic."""
    columns, problems = header_problems(header, plan)
    if problems:
        yield Record(f"{path}:1", None, {}, problems, readable=False, header=True)
    ident = header.index("_id") if "_id" in header else None
    for line, row in found:
        where = f"{path}:{line}"
        if len(row) != len(header):
            yield unreadable(where, f"the row has {len(row)} fields, the header {len(header)}")
            continue
        answers: dict[str, Any] = {}
        for column, text in zip(columns, row, strict=True):
            if column is None or text == "":
                continue
            value = parse_loose(text) if column.info is None else parse_text(column.info, text)
            if column.roster is None:
                answers[column.name] = value
                continue
            records = answers.setdefault(column.roster, [])
            while len(records) <= column.index:
                records.append({})
            records[column.index][column.name] = value
        yield Record(where, (row[ident] or None) if ident is not None else None, answers)


def header_problems(
    header: list[str], plan: Plan
) -> tuple[list[_Column | None], list[tuple[str, DataCode, str]]]:
    """What each column holds (None: nothing to read), and the columns that are no
    variable of the instrument."""
    columns: list[_Column | None] = []
    problems: list[tuple[str, DataCode, str]] = []
    seen: set[str] = set()
    for name in header:
        if name == "_id":
            columns.append(None)
            continue
        if name in seen:
            problems.append((name, DataCode.D401, f"the column {name!r} is there twice"))
            columns.append(None)
            continue
        seen.add(name)
        column = _column(name, plan)
        if column is None:
            problems.append((name, DataCode.D101, _unknown(name, plan)))
        columns.append(column)
    return columns, problems


def _column(name: str, plan: Plan) -> _Column | None:
    info = plan.variables.get(name) or plan.hidden_info(name)
    if info is not None:
        return None if info.roster is not None else _Column(name, info)
    position = plan.symbols.positions.get(name)
    if position is not None and plan.steps[position].computed is not None:
        return _Column(name, None)
    match = _ROSTER_COLUMN.fullmatch(name)
    if match and match[1] in plan.rosters:
        roster, k, variable = match[1], int(match[2]), match[3]
        inner = plan.variables.get(variable)
        if variable == plan.rosters[roster].item:
            return _Column(variable, None, roster, k - 1)
        if inner is not None and inner.roster == roster:
            return _Column(variable, inner, roster, k - 1)
    return None


def _unknown(name: str, plan: Plan) -> str:
    info = plan.variables.get(name)
    if info is not None and info.roster is not None:
        return (
            f"the column {name!r} is a variable of the roster {info.roster!r}: name its "
            f"columns {info.roster}.1.{name}, {info.roster}.2.{name}, …"
        )
    if name in plan.groups:
        return f"the column {name!r} is a question with parts; give its parts as columns"
    return f"the column {name!r} is not a variable of this instrument"


__all__ = ["delimiter", "header_problems", "read_csv", "records", "rows"]
