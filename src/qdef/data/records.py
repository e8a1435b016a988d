"""A response as read from any export, and the values of text exports as qdef's.

Every reader yields :class:`Record` objects, one per response, lazily: a million rows
are read one at a time. A record carries the answer set in qdef's response format
(docs/responses.md) and what reading it found wrong (a value of the wrong shape in a
column, a row that cannot be read); the checker adds what the walk finds.

Text exports (CSV, LimeSurvey) write every value as text; :func:`parse_text` reads it
as the variable's type says, and leaves a text it cannot read as it is, so that the
checker reports it with the same words as a wrong value in JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qdef.data.codes import DataCode
from qdef.routing.plan import VarInfo

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(slots=True)
class Record:
    """One response as read."""

    where: str
    """The file, and for JSON Lines and CSV the line (``answers.csv:7``)."""
    id: str | None
    """The response's own id, when the export has one."""
    answers: dict[str, Any]
    """The answer set, in qdef's response format."""
    problems: list[tuple[str, DataCode, str]] = field(default_factory=list)
    """What reading found: (variable or column, code, reason)."""
    readable: bool = True
    """False when nothing of the response could be read (it is not checked further)."""
    header: bool = False
    """True for the findings on a file's header (its columns), which is no response."""

    @property
    def response(self) -> str:
        """How findings name the response: its id, else where it is."""
        return self.id if self.id else self.where


def unreadable(where: str, reason: str) -> Record:
    """A response that could not be read at all: one D401 finding."""
    return Record(where, None, {}, [("", DataCode.D401, reason)], readable=False)


def parse_number(text: str, integer: bool) -> Any:
    """A number written as text (``20``, ``-3``, ``25.5``, ``1e3``): an int when it is
    whole and written so, a float otherwise; for an integer variable a whole decimal
    (``20.0``, as spreadsheets and pandas write integers of a column with blanks) is
    the int. Text that is no number stays text (the checker says so)."""
    stripped = text.strip()
    if _INTEGER.fullmatch(stripped):
        return int(stripped)
    if _DECIMAL.fullmatch(stripped):
        number = float(stripped)
        if integer and number.is_integer():
            return int(number)
        return number
    return text


def parse_text(info: VarInfo, text: str) -> Any:
    """The value of ``info`` written as ``text`` (not empty) in a CSV cell: a code, codes
    separated by spaces (a multiple choice; a ranking in rank order), a number, ISO
    date text, ``true``/``1`` (a ticked box; ``false``/``0`` unticked), or the text."""
    kind = info.kind
    if kind in ("choices", "ranking"):
        return text.split()
    if kind == "number":
        return parse_number(text, getattr(info.node, "kind", "decimal") == "integer")
    if kind == "check":
        lowered = text.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    return text


def parse_loose(text: str) -> Any:
    """A computed value written as text, whose type the data does not say:
    ``true``/``false``, a number, else the text."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    number = parse_number(text, integer=False)
    return number


__all__ = ["Record", "parse_loose", "parse_number", "parse_text", "unreadable"]
