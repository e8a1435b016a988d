"""Reading a LimeSurvey response export of the survey qdef's ``limesurvey`` renderer
wrote, through the ``limesurvey-map`` of the same instrument.

LimeSurvey's *Export responses* as CSV with *question code* headings and *answer
codes* writes (LimeSurvey 3 to 6, ``application/helpers/admin/export``): a UTF-8 byte
order mark, a header row, one row per response, every value in double quotes (an SQL
NULL as nothing), rows ended by CRLF, and one empty line at the end; the separator is
the export's choice (a comma by default, a semicolon or a tab). The columns:

- the response's own fields first: ``id``, ``token`` (not anonymous),
  ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ``startdate``,
  ``datestamp``, ``ipaddr``, ``refurl``; and, when asked for, the participant's
  attributes and the timings;
- one per answer field, headed by the question code and the field's part in brackets:
  ``Q`` (a single value), ``Q[SQ]`` (a subquestion: a multiple choice's box, an array
  row, a multiple short text's field), ``Q[ROW_COL]`` (an array of texts or numbers),
  ``Q[SQ][1]`` and ``Q[SQ][2]`` (a dual-scale row, scale 1 and 2), ``Q[1]``, ``Q[2]``
  (a ranking: the item at each rank), ``Q[other]`` (the *Other* text),
  ``Q[comment]``. With *ExpressionScript codes* the headings are the variables
  themselves (``Q_SQ``, ``Q_ROW_COL``, ``Q_other``): both spellings are read.

The values: an answer code (mapped back to qdef's code), ``-oth-`` for *Other*,
``Y`` for a ticked box (empty, or ``N`` with *convert N*, for one not ticked),
``1`` for a ticked check cell, numbers as stored (``20.0000000000`` trimmed by
LimeSurvey to ``20``), dates as ``2021-05-31 00:00:00`` (taken at the question's
precision: ``2021-05``, ``2021``); a text LimeSurvey masked against spreadsheet
formulas (``'=…``, *mask equations*) is read without the mask. An empty value is no
answer, whether LimeSurvey stored NULL (not asked) or an empty string (asked, not
answered): qdef decides what was asked from the walk, not from the export. A
roster's copies become its records (the mapping's ``rosters``): record *k* is the
*k*-th copy whose slot exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from qdef.data.codes import DataCode
from qdef.data.csvread import rows
from qdef.data.records import Record, parse_number, unreadable
from qdef.routing.plan import Plan, Roster, VarInfo

#: The columns of the response itself, which hold no answer (``id`` names it).
META = frozenset(
    {
        "id",
        "token",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "interviewtime",
        "firstname",
        "lastname",
        "email",
        "emailstatus",
        "language",
        "sent",
        "remindersent",
        "remindercount",
        "completed",
        "usesleft",
        "validfrom",
        "validuntil",
    }
)
_META_PATTERN = re.compile(r"attribute_[0-9]+|groupTime[0-9]+|[A-Za-z][A-Za-z0-9]*Time")
_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9:.]+)?")
_LENGTH = {"year": 4, "month": 7, "day": 10}


@dataclass(frozen=True, slots=True)
class _Field:
    """What one LimeSurvey column holds of qdef's answers."""

    name: str
    """qdef's variable."""
    role: str
    """``value`` (the variable's value), ``box`` (a multiple choice's option: ``code``),
    ``rank`` (the item at rank ``rank``)."""
    entry: Mapping[str, Any]
    """The variable's entry in the mapping (its answer codes)."""
    code: str = ""
    rank: int = 0
    copy: tuple[str, int] | None = None
    """For a roster's copy: (roster, the copy's index)."""


def headings(variable: str, kinds: Mapping[str, str]) -> list[str]:
    """The headings LimeSurvey's export gives the ExpressionScript variable
    ``variable`` (``kinds``: question code -> its LimeSurvey type): the variable itself
    and the bracketed form (``Q_SQ`` -> ``Q[SQ]``, a dual scale's ``Q_SQ_0`` ->
    ``Q[SQ][1]``). Question codes have no ``_``, so the first one ends the code."""
    code, sep, rest = variable.partition("_")
    if not sep:
        return [variable]
    if kinds.get(code) == "1":
        row, _, scale = rest.rpartition("_")
        if scale.isdigit():
            return [variable, f"{code}[{row}][{int(scale) + 1}]"]
    return [variable, f"{code}[{rest}]"]


class _Layout:
    """Every column LimeSurvey writes for the instrument, from its mapping."""

    def __init__(self, mapping: Mapping[str, Any], plan: Plan) -> None:
        self.plan = plan
        kinds = {
            str(carrier.get("code")): str(carrier.get("type"))
            for entry in _mapping(mapping.get("questions")).values()
            for carrier in _list(_mapping(entry).get("questions"))
            if isinstance(carrier, Mapping)
        }
        self.columns: dict[str, _Field] = {}
        for name, entry in _mapping(mapping.get("variables")).items():
            self._add(name, entry, kinds, None)
        self.rosters: list[tuple[Roster, list[str | int | None]]] = []
        for roster_id, roster_map in _mapping(mapping.get("rosters")).items():
            roster = plan.rosters.get(roster_id)
            if roster is None:
                continue
            slots: list[str | int | None] = []
            for index, copy in enumerate(_list(_mapping(roster_map).get("copies"))):
                # the plan's slots, in the same order: codes, field names, numbers
                slots.append(roster.slots[index] if index < roster.max else None)
                for name, entry in _mapping(_mapping(copy).get("variables")).items():
                    self._add(name, entry, kinds, (roster_id, index))
            self.rosters.append((roster, slots))

    def _add(
        self,
        name: str,
        entry: object,
        kinds: Mapping[str, str],
        copy: tuple[str, int] | None,
    ) -> None:
        if not isinstance(entry, Mapping):
            return  # not a mapping's entry: its columns stay unknown (reported)
        kind = entry.get("kind")
        options, ranks = entry.get("options"), entry.get("ranks")
        fields: list[tuple[object, _Field]] = []
        if kind == "choices" and isinstance(options, Mapping):
            for code, variable in options.items():
                fields.append((variable, _Field(name, "box", entry, code=code, copy=copy)))
        elif kind == "ranking" and isinstance(ranks, list):
            for rank, variable in enumerate(ranks, start=1):
                fields.append((variable, _Field(name, "rank", entry, rank=rank, copy=copy)))
        else:
            fields.append((entry.get("variable"), _Field(name, "value", entry, copy=copy)))
        for variable, field in fields:
            if isinstance(variable, str):
                for heading in headings(variable, kinds):
                    self.columns[heading] = field

    def info(self, name: str) -> VarInfo | None:
        return self.plan.variables.get(name) or self.plan.hidden_info(name)


def _mapping(value: object) -> Mapping[str, Any]:
    """A part of the mapping that should be an object (``--map`` may be any JSON)."""
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def read_limesurvey(path: Path, plan: Plan, mapping: Mapping[str, Any]) -> Iterator[Record]:
    """The responses of the LimeSurvey export ``path`` (CSV), read through ``mapping``
    (the instrument's ``limesurvey-map``)."""
    try:
        file = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        yield unreadable(str(path), f"cannot read it: {error.strerror or error}")
        return
    with file:
        try:
            yield from _read(path, file, _Layout(mapping, plan))
        except UnicodeDecodeError as error:
            yield unreadable(str(path), f"cannot read the rest of the file: {error}")


def _read(path: Path, file: TextIO, layout: _Layout) -> Iterator[Record]:
    found = rows(file)
    first = next(found, None)
    if first is None:
        yield unreadable(str(path), "the file is empty: no header")
        return
    header = first[1]
    fields: list[_Field | None] = []
    problems: list[tuple[str, DataCode, str]] = []
    for heading in header:
        field = layout.columns.get(heading)
        if field is None and heading not in META and not _META_PATTERN.fullmatch(heading):
            reason = (
                f"the column {heading!r} is no variable of this instrument's LimeSurvey "
                "survey (is the export from the survey the mapping describes?)"
            )
            problems.append((heading, DataCode.D101, reason))
        fields.append(field)
    if problems:
        yield Record(f"{path}:1", None, {}, problems, readable=False, header=True)
    ident = header.index("id") if "id" in header else None
    for line, row in found:
        where = f"{path}:{line}"
        if len(row) != len(header):
            yield unreadable(where, f"the row has {len(row)} fields, the header {len(header)}")
            continue
        yield _record(where, row, header, fields, layout=layout, ident=ident)


def _record(
    where: str,
    row: list[str],
    header: list[str],
    fields: list[_Field | None],
    *,
    layout: _Layout,
    ident: int | None,
) -> Record:
    record = Record(where, (row[ident] or None) if ident is not None else None, {})
    copies: dict[tuple[str, int], dict[str, Any]] = {}
    ranks: dict[tuple[tuple[str, int] | None, str], dict[int, str]] = {}
    for heading, field, text in zip(header, fields, row, strict=True):
        if field is None or text == "":
            continue
        target = record.answers if field.copy is None else copies.setdefault(field.copy, {})
        info = layout.info(field.name)
        if field.role == "box":
            if text == "Y":
                target.setdefault(field.name, []).append(field.code)
            elif text != "N":
                reason = f"{text!r} in {heading} is not Y (ticked) or empty"
                record.problems.append((field.name, DataCode.D202, reason))
        elif field.role == "rank":
            ranks.setdefault((field.copy, field.name), {})[field.rank] = _code(field, text)
        elif info is not None:
            value = _value(field, info, text)
            if value is not None:
                target[field.name] = value
    for (copy, name), by_rank in ranks.items():
        target = record.answers if copy is None else copies.setdefault(copy, {})
        target[name] = [by_rank[r] for r in sorted(by_rank)]
    if copies or layout.rosters:
        _records(record.answers, copies, layout)
    return record


def _code(field: _Field, text: str) -> str:
    """qdef's code of the LimeSurvey answer code ``text`` (as it is when unknown, so
    that the checker reports it)."""
    for code, answer in _mapping(field.entry.get("answers")).items():
        if answer == text:
            return str(code)
    return text


def _value(field: _Field, info: VarInfo, text: str) -> Any:
    kind = info.kind
    if text.startswith("'="):  # LimeSurvey's mask against formulas in spreadsheets
        text = text[1:]
    if kind == "choice":
        return _code(field, text)
    if kind == "number":
        return parse_number(text, getattr(info.node, "kind", "decimal") == "integer")
    if kind == "check":
        if text in ("1", "Y"):
            return True
        return None if text in ("0", "N") else text
    if kind == "date":
        match = _DATETIME.fullmatch(text.strip())
        precision = getattr(info.node, "precision", "day")
        return text[: _LENGTH[precision]] if match else text
    return text


def _records(
    answers: dict[str, Any], copies: dict[tuple[str, int], dict[str, Any]], layout: _Layout
) -> None:
    """Each roster's copies as its records: record k is the k-th copy whose slot
    exists on the answers before the roster; a copy answered whose slot does not exist
    keeps its place after them (the walk finds it off the path)."""
    for roster, slots in layout.rosters:
        present = [k for k, slot in enumerate(slots) if _exists(roster, slot, answers)]
        absent = [k for k in range(len(slots)) if k not in present and (roster.id, k) in copies]
        records = [copies.get((roster.id, k), {}) for k in present + absent]
        while records and not records[-1]:
            records.pop()
        if records:
            answers[roster.id] = records


def _exists(roster: Roster, slot: str | int | None, answers: Mapping[str, Any]) -> bool:
    if slot is None:  # a copy the plan does not have (a mapping of another version)
        return False
    if roster.kind == "choices":
        chosen = answers.get(roster.source)
        return isinstance(chosen, list) and slot in chosen
    if roster.kind == "textlist":
        return isinstance(slot, str) and slot in answers
    count = answers.get(roster.source)
    if isinstance(count, bool) or not isinstance(count, int | float):
        return False
    return isinstance(slot, int) and slot <= count


__all__ = ["META", "headings", "read_limesurvey"]
