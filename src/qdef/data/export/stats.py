"""The dataset as SPSS (``.sav``) and Stata (``.dta``) files, written with pyreadstat.

Both packages label values by number, so a coded variable is stored as a number:

- when every code of the variable is a whole number written plainly (``1`` … ``5``,
  ``0``: a scale as most instruments code it), the number is the code itself, so the
  data and the codebook show the same codes;
- otherwise the options are numbered 1, 2, … in the order they are written (the
  codebook's order), because a text code (``ja``, ``waehrend``) cannot be a value
  with a label in either package and an order that follows the questionnaire is the
  one an analyst can reconstruct from the codebook without a mapping file.

Each number has the option's text as its value label. SPSS learns each variable's
level of measurement: a rank ordinal, a number scale, everything else nominal (qdef
does not know whether a scale's codes are ordered). Check cells and truth values
are 1 (ticked, true) and 0; a ranking's items' ranks are numbers; multiple choices and
rankings (the codes separated by spaces), texts and dates (ISO text) are strings.

Missing values tell "not asked" from "not answered" (:class:`~.cells.Missing`):

- SPSS: user-missing values, labelled. For a coded variable, a check cell, a truth
  value or a rank ``-1`` not asked and ``-2`` not answered; for a number the two
  numbers below the smaller of 0 and its minimum (``-1``/``-2`` for ``min: 0``;
  ``-1000000001``/``-1000000002`` without a minimum); for a string variable the texts
  ``-1`` and ``-2`` (a respondent who typed exactly ``-1`` reads as missing: rare, and
  said in docs/data.md).
- Stata: extended missing values ``.a`` not asked, ``.b`` not answered, for every
  numeric variable; Stata has no missing values for strings, which are empty either
  way.

Names: SPSS takes qdef's names as they are (dots are allowed), ``_id`` and ``_k``
become ``qdef_id`` and ``qdef_k`` (an SPSS name starts with a letter); Stata's names
have ``_`` for ``.`` and at most 32 characters. A name that would then clash or is
too long is cut and numbered (``…_2``). Labels longer than the format holds (SPSS:
256 bytes for a variable label, 120 for a value label; Stata: 80 characters) are cut
with ``…``. A text loses its NUL characters (they end a string in both formats), and
in SPSS its trailing blanks (SPSS pads strings with blanks).

Determinism: both formats put the time of writing into their header; pyreadstat has
no way to set it, so the bytes are set to a fixed time (1 January 1970, 00:00) after
writing. The same dataset gives the same bytes.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qdef.data.export.cells import Missing
from qdef.data.export.columns import Column
from qdef.data.export.deps import need
from qdef.data.export.frames import ID, ITERATION

_WHOLE = re.compile(r"0|[1-9][0-9]{0,8}")
#: The strings of a string variable's user-missing values in SPSS.
STRING_MISSING = {Missing.NOT_ASKED: "-1", Missing.NOT_ANSWERED: "-2"}
#: Stata's extended missing values.
STATA_MISSING = {Missing.NOT_ASKED: "a", Missing.NOT_ANSWERED: "b"}
#: The labels of the missing values.
MISSING_LABELS = {Missing.NOT_ASKED: "not asked", Missing.NOT_ANSWERED: "not answered"}
#: SPSS's level of measurement by kind of column (codes, strings: nominal): a rank is
#: ordinal, a number a scale.
MEASURES = {"rank": "ordinal", "integer": "scale", "number": "scale"}
#: What the headers' time of writing is set to.
SAV_TIME = b"01 Jan 7000:00:00"
DTA_TIME = b"01 Jan 1970 00:00"
#: The largest whole number Stata stores as a ``long``; larger ones are doubles.
_STATA_LONG = 2_147_483_620
_STATA_RESERVED = frozenset(
    [
        "_all",
        "_b",
        "byte",
        "_coef",
        "_cons",
        "double",
        "float",
        "if",
        "in",
        "int",
        "long",
        "_n",
        "_N",
        "_pi",
        "_pred",
        "_rc",
        "_se",
        "_skip",
        "str",
        "strL",
        "using",
        "with",
    ]
)


def codes(column: Column) -> dict[str, int]:
    """The number each code of a coded column is stored as (see the module's text)."""
    given = [code for code, _ in column.values]
    if given and all(_WHOLE.fullmatch(code) for code in given):
        return {code: int(code) for code in given}
    return {code: n for n, code in enumerate(given, start=1)}


def numeric(column: Column) -> bool:
    return column.kind in ("code", "check", "truth", "rank", "integer", "number")


def missing_numbers(column: Column) -> dict[Missing, float]:
    """The SPSS user-missing numbers of a numeric column."""
    if column.kind in ("integer", "number") and (column.lower is None or column.lower < 0):
        base = -1_000_000_000 if column.lower is None else min(0, math.floor(column.lower))
    else:
        base = 0
    return {Missing.NOT_ASKED: float(base - 1), Missing.NOT_ANSWERED: float(base - 2)}


def _cut_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"


def _cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unique(name: str, taken: set[str], limit: int, size: Any = len) -> str:
    """``name`` cut to ``limit`` (as ``size`` measures), numbered (``_2``, ``_3``, …)
    while it clashes with a name ``taken`` (compared without case: SPSS ignores case,
    and in Stata names that differ only in case are a trap); the name chosen is added
    to ``taken``."""

    def cut(text: str, suffix: str) -> str:
        while size(text + suffix) > limit:
            text = text[:-1]
        return text + suffix

    candidate, n = cut(name, ""), 1
    while candidate.lower() in taken:
        n += 1
        candidate = cut(name, f"_{n}")
    taken.add(candidate.lower())
    return candidate


def sav_names(names: Sequence[str]) -> list[str]:
    """SPSS names of the columns ``names``: qdef's own; ``_id``/``_k`` as ``qdef_id``/
    ``qdef_k``; a name ending in ``.`` or too long (64 bytes) cut and numbered."""
    taken: set[str] = set()
    found = []
    for name in names:
        renamed = {ID: "qdef_id", ITERATION: "qdef_k"}.get(name, name).rstrip(".")
        found.append(_unique(renamed, taken, 64, lambda s: len(s.encode("utf-8"))))
    return found


def dta_names(names: Sequence[str], labelled: Sequence[bool] = ()) -> list[str]:
    """Stata names of the columns ``names``: ``_`` for ``.``, at most 32 characters,
    reserved words and clashes numbered. A ``labelled`` column's name is kept a few
    characters shorter: pyreadstat names its set of value labels after it, with a
    number appended, and that name has the same limit."""
    taken = {word.lower() for word in _STATA_RESERVED}
    digits = len(str(len(names)))
    marks = list(labelled) + [False] * (len(names) - len(labelled))
    return [
        _unique(re.sub(r"[^A-Za-z0-9_]", "_", name), taken, 32 - digits if mark else 32)
        for name, mark in zip(names, marks, strict=True)
    ]


@dataclass(slots=True)
class _Frame:
    names: list[str]
    data: dict[str, list[Any]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[Any, str]] = field(default_factory=dict)
    missing: dict[str, list[Any]] = field(default_factory=dict)
    measure: dict[str, str] = field(default_factory=dict)
    """SPSS's level of measurement of each variable."""
    numeric: set[str] = field(default_factory=set)
    """The numeric columns (their type is not taken from the cells: a roster's long
    table may have none)."""


def _sav_frame(columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool) -> _Frame:
    keys = [ID, *([ITERATION] if roster else []), *(c.name for c in columns)]
    frame = _Frame(sav_names(keys))
    offset = len(keys) - len(columns)
    for i in range(offset):
        frame.data[frame.names[i]] = [row[i] for row in rows]
        frame.measure[frame.names[i]] = "nominal" if i == 0 else "ordinal"
        if i:  # the iteration's number
            frame.data[frame.names[i]] = [float(row[i]) for row in rows]
            frame.numeric.add(frame.names[i])
    for i, column in enumerate(columns):
        name = frame.names[offset + i]
        cells = [row[offset + i] for row in rows]
        frame.labels[name] = _cut_bytes(column.label, 256)
        frame.measure[name] = MEASURES.get(column.kind, "nominal")
        if numeric(column):
            absent = missing_numbers(column)
            number = codes(column) if column.kind == "code" else {}
            frame.data[name] = [_sav_number(c, absent, number) for c in cells]
            frame.numeric.add(name)
            labels: dict[Any, str] = {}
            if column.kind == "code":
                labels = {number[code]: _cut_bytes(label, 120) for code, label in column.values}
            elif column.kind in ("check", "truth"):
                labels = {1.0: "true", 0.0: "false"}
            labels.update({absent[m]: MISSING_LABELS[m] for m in Missing})
            frame.values[name] = labels
            frame.missing[name] = [absent[m] for m in Missing]
        else:
            frame.data[name] = [
                STRING_MISSING[c] if isinstance(c, Missing) else _c_string(c) for c in cells
            ]
            frame.values[name] = {STRING_MISSING[m]: MISSING_LABELS[m] for m in Missing}
            frame.missing[name] = [STRING_MISSING[m] for m in Missing]
    return frame


def _c_string(text: str) -> str:
    """``text`` without NUL characters, which end a string in SPSS and Stata files."""
    return text.replace("\0", "")


def _sav_number(cell: Any, absent: dict[Missing, float], number: dict[str, int]) -> float:
    if isinstance(cell, Missing):
        return absent[cell]
    if isinstance(cell, str):
        return float(number[cell])
    return float(cell)


def _dta_frame(columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool) -> _Frame:
    keys = [ID, *([ITERATION] if roster else []), *(c.name for c in columns)]
    offset = len(keys) - len(columns)
    frame = _Frame(dta_names(keys, [False] * offset + [numeric(c) for c in columns]))
    for i in range(offset):
        frame.data[frame.names[i]] = [row[i] for row in rows]
    for i, column in enumerate(columns):
        name = frame.names[offset + i]
        cells = [row[offset + i] for row in rows]
        frame.labels[name] = _cut_chars(column.label, 80)
        if numeric(column):
            number = codes(column) if column.kind == "code" else {}
            decimal = column.kind == "number" or any(
                isinstance(c, int | float) and abs(c) > _STATA_LONG for c in cells
            )
            frame.data[name] = [_dta_number(c, number, decimal) for c in cells]
            frame.numeric.add(name)
            labels: dict[Any, str] = {}
            if column.kind == "code":
                labels = {number[code]: label for code, label in column.values}
            elif column.kind in ("check", "truth"):
                labels = {1: "true", 0: "false"}
            labels.update({STATA_MISSING[m]: MISSING_LABELS[m] for m in Missing})
            frame.values[name] = labels
            frame.missing[name] = [STATA_MISSING[m] for m in Missing]
        else:
            frame.data[name] = ["" if isinstance(c, Missing) else _c_string(c) for c in cells]
    return frame


def _dta_number(cell: Any, number: dict[str, int], decimal: bool) -> Any:
    """A cell of a numeric Stata column: all of one Python type (pyreadstat writes a
    column of ints and floats as text), a missing value as its letter."""
    if isinstance(cell, Missing):
        return STATA_MISSING[cell]
    if isinstance(cell, str):
        return number[cell]
    return float(cell) if decimal else int(cell)


def _pandas(frame: _Frame) -> Any:
    pd = need("pandas", "SPSS and Stata files")
    data = {}
    for name in frame.names:
        cells = frame.data[name]
        data[name] = pd.Series(cells, dtype=_dtype(cells, name in frame.numeric))
    return pd.DataFrame(data, columns=frame.names)


def _dtype(cells: list[Any], numeric: bool) -> str:
    if numeric and all(isinstance(c, float) for c in cells):
        return "float64"  # also for no cells: pyreadstat takes an empty object as text
    return "object"


def sav_bytes(
    columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool, title: str
) -> bytes:
    """An SPSS ``.sav`` file of ``rows``."""
    pyreadstat = need("pyreadstat", "An SPSS file")
    frame = _sav_frame(columns, rows, roster)
    with tempfile.TemporaryDirectory(prefix="qdef-export-") as directory:
        path = Path(directory) / "data.sav"
        pyreadstat.write_sav(
            _pandas(frame),
            str(path),
            file_label=_cut_bytes(title, 64),
            column_labels=frame.labels,
            variable_value_labels=frame.values,
            missing_ranges=frame.missing,
            variable_measure=frame.measure,
        )
        data = bytearray(path.read_bytes())
    return bytes(fix_sav_time(data))


def dta_bytes(
    columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool, title: str
) -> bytes:
    """A Stata ``.dta`` file (format 119, Stata 15 and later) of ``rows``."""
    pyreadstat = need("pyreadstat", "A Stata file")
    frame = _dta_frame(columns, rows, roster)
    with tempfile.TemporaryDirectory(prefix="qdef-export-") as directory:
        path = Path(directory) / "data.dta"
        pyreadstat.write_dta(
            _pandas(frame),
            str(path),
            file_label=_cut_chars(title, 80),
            column_labels=frame.labels,
            variable_value_labels=frame.values,
            missing_user_values=frame.missing,
        )
        data = bytearray(path.read_bytes())
    return bytes(fix_dta_time(data))


_SAV_STAMP = re.compile(rb"[0-9 ]{2} [A-Za-z]{3} [0-9]{2}[0-9]{2}:[0-9]{2}:[0-9]{2}")


def fix_sav_time(data: bytearray) -> bytearray:
    """The SPSS header's creation date and time (bytes 92–108: ``dd Mmm yy`` and
    ``hh:mm:ss``) set to :data:`SAV_TIME`."""
    if data[:4] != b"$FL2" or not _SAV_STAMP.fullmatch(bytes(data[92:109])):
        raise ValueError("pyreadstat wrote an SPSS header qdef does not know")
    data[92:109] = SAV_TIME
    return data


def fix_dta_time(data: bytearray) -> bytearray:
    """The Stata header's ``<timestamp>`` (17 characters) set to :data:`DTA_TIME`."""
    tag = b"</label><timestamp>\x11"
    start = data.find(tag, 0, 1000)  # after the file label: at most 320 bytes
    if start < 0:
        raise ValueError("pyreadstat wrote a Stata header qdef does not know")
    at = start + len(tag)
    data[at : at + 17] = DTA_TIME
    return data


__all__ = [
    "MISSING_LABELS",
    "STATA_MISSING",
    "STRING_MISSING",
    "codes",
    "dta_bytes",
    "dta_names",
    "missing_numbers",
    "sav_bytes",
    "sav_names",
]
