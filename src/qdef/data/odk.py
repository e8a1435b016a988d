"""Reading an ODK Central or KoboToolbox CSV export of the form qdef's ``xlsform``
renderer wrote.

The form names every answer by qdef's variable (docs/xlsform.md): a question's id,
a part with its dots (``schwerpunkte.beteiligung``, ``aufgaben.r1.stunden``), a
ranking's ranks as ``q.1``, ``q.2``; sections are groups named by their id, a
question of several parts a group named by the question's id, a roster a repeat
named by its section's id. No qdef name holds ``-`` or ``/``, so a header is read
by its last name: the names before it are its groups, each of which must be a
section, a question or a roster of the instrument.

The exports (the layouts this reader takes):

- **ODK Central** (*Export data*, CSV): headers are group paths joined with ``-``
  (``mit_im-schwerpunkte-schwerpunkte.beteiligung``; without groups when the export
  removes group names); its own columns ``SubmissionDate``, ``meta-instanceID``,
  ``KEY`` (the response's id), ``SubmitterID``, ``SubmitterName``,
  ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``, ``ReviewState``,
  ``DeviceID``, ``Edits``, ``FormVersion``; a select_multiple as one column of
  codes separated by spaces and, with *split select multiples*, one ``0``/``1``
  column per choice (``q-code`` or ``q/code``); each repeat in a file of its own,
  ``FORM-<repeat>.csv``, whose rows name their submission by ``PARENT_KEY`` and
  themselves by ``KEY`` (``uuid:…/persons[2]``); the main file has a
  ``SET-OF-<repeat>`` column.
- **KoboToolbox** (CSV, XML values and headers): headers are group paths joined with
  ``/`` (or without groups), the separator a comma or a semicolon; its own columns
  start with ``_`` (``_id``, ``_uuid`` — the response's id —, ``_submission_time``,
  ``_index``, …) or are the ``meta/`` and ``formhub/`` fields; a repeat's rows name
  their submission by ``_parent_index`` (the main row's ``_index``).

Every value is text: a code, codes separated by spaces, a number, a date
(``2024-05-01``, a date-time's date; taken at the question's precision), ``OK`` for
a ticked check cell. An empty cell is no answer (ODK leaves a question that was not
relevant empty). The form's own columns are not answers and are not read: notes,
calculations (computed values, a roster's item, the renderer's ``_pipe`` values;
the walk computes them again), groups' and repeats' markers.

A roster's repeat file is ``<main file's stem>-<roster>.csv`` beside the main file.
Its rows are joined to the main rows as they come: the export writes them in the
order of the submissions, and rows that come early are kept until their
submission is read. Instance *k* of a repeat is the roster's *k*-th possible item
(the form has one instance per possible item); the instances whose item exists
become the roster's records, in order. A roster whose file is not there, a repeat
row whose submission is not in the main file, and a column that is no variable are
findings on the file's header, never dropped in silence.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from qdef.data.codes import DataCode
from qdef.data.csvread import rows
from qdef.data.records import Record, parse_number, unreadable
from qdef.routing.plan import Plan, Roster, VarInfo

#: ODK Central's and KoboToolbox's own columns (besides ``_…`` and ``meta``/``formhub``).
META = frozenset(
    {
        "SubmissionDate",
        "KEY",
        "PARENT_KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
        "instanceID",
        "instanceName",
        "start",
        "end",
        "today",
        "deviceid",
        "username",
    }
)
#: Columns by which a CSV file is recognised as an ODK Central or KoboToolbox export.
SIGNS = frozenset(
    {"SubmissionDate", "meta-instanceID", "meta/instanceID", "KEY", "_uuid", "_submission_time"}
)
_SPLIT = re.compile(r"[-/]")
_INSTANCE = re.compile(r"\[([0-9]+)\]$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T].*)?")
_LENGTH = {"year": 4, "month": 7, "day": 10}
#: How many submissions' repeat rows are kept while looking for one further on.
LOOKAHEAD = 1_000
_IDS = ("KEY", "meta-instanceID", "meta/instanceID", "instanceID", "_uuid")

Problems = list[tuple[str, DataCode, str]]


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    """qdef's variable."""
    role: str
    """``value``, ``rank`` (rank :attr:`rank` of a ranking) or ``tick`` (a split
    select_multiple's column for :attr:`code`)."""
    info: VarInfo
    code: str = ""
    rank: int = 0


class _Names:
    """What the form calls each of the instrument's nodes, from its plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.groups = {section.id for section in plan.instrument.sections}
        self.groups |= set(plan.groups) | set(plan.rosters)
        self.groups |= {n for n, info in plan.variables.items() if info.kind == "ranking"}
        self.items = {roster.item for roster in plan.rosters.values()}

    def info(self, name: str) -> VarInfo | None:
        return self.plan.variables.get(name) or self.plan.hidden_info(name)

    def column(self, header: str, roster: str | None) -> _Column | str | None:
        """What ``header`` holds in the file of ``roster`` (None: the main file): a
        column, None (nothing to read: the export's or the form's own), or why it is
        unknown."""
        if (header in META and self.info(header) is None) or header.startswith("SET-OF-"):
            return None  # the server's own (a variable of that name is read as one)
        parts = _SPLIT.split(header)
        leaf, groups = parts[-1], parts[:-1]
        if leaf.startswith("_") or (groups and groups[0] in ("meta", "formhub")):
            return None
        parent = self.info(groups[-1]) if groups else None
        if parent is not None and parent.kind == "choices" and leaf in parent.codes:
            tick = _Column(parent.name, "tick", parent, code=leaf)
            return self._placed(tick, groups[:-1], roster, header)
        found = self._leaf(leaf, header)
        return self._placed(found, groups, roster, header)

    def _leaf(self, leaf: str, header: str) -> _Column | str | None:
        if leaf in self.items:
            return None  # a roster's item: the form calculates it
        info = self.info(leaf)
        if info is not None:
            return _Column(leaf, "value", info)
        base, _, rank = leaf.rpartition(".")
        ranking = self.plan.variables.get(base)
        if ranking is not None and ranking.kind == "ranking" and rank.isdigit():
            return _Column(base, "rank", ranking, rank=int(rank))
        if leaf in self.plan.symbols.positions or leaf in self.groups:
            return None  # a note, a calculation, a roster's item: the form's own
        return f"the column {header!r} is not a variable of this instrument's form"

    def _placed(
        self, found: _Column | str | None, groups: list[str], roster: str | None, header: str
    ) -> _Column | str | None:
        if isinstance(found, str):
            return found
        unknown = [group for group in groups if group not in self.groups]
        if unknown:
            return f"the column {header!r} is in a group the form does not have: {unknown[0]!r}"
        if found is not None and found.info.roster != roster:
            where = (
                f"the repeat {found.info.roster!r}'s file" if found.info.roster else "the main file"
            )
            return f"the column {header!r} belongs in {where}"
        return found


def read_odk(path: Path, plan: Plan) -> Iterator[Record]:
    """The responses of the ODK Central or KoboToolbox export ``path`` (CSV) of
    ``plan``'s form, with its rosters' repeat files beside it. A repeat's own file
    (``FORM-<repeat>.csv``, as ``*.csv`` gives it along with ``FORM.csv``) yields
    nothing when its main file is beside it (it is read with that), else one
    finding."""
    main = _main_of(path, plan)
    if main is not None:
        if not main.is_file():
            reason = f"this is a repeat's file: check its main file {main.name}, which reads it"
            yield Record(f"{path}:1", None, {}, [("", DataCode.D401, reason)], readable=False)
        return
    names = _Names(plan)
    repeats: dict[str, _Repeat] = {}
    missing: Problems = []
    try:
        for roster in plan.rosters.values():
            sibling = path.with_name(f"{path.stem}-{roster.id}{path.suffix}")
            if sibling.is_file():
                repeats[roster.id] = _Repeat(sibling, roster, names)
            else:
                reason = (
                    f"the answers of the roster {roster.id!r} are in the repeat's own file "
                    f"{sibling.name}, which is not there: they are not read"
                )
                missing.append((roster.id, DataCode.D401, reason))
        with path.open(encoding="utf-8-sig", newline="") as file:
            yield from _read(path, file, names, repeats, missing)
        for repeat in repeats.values():
            yield from repeat.leftover()
    except OSError as error:
        yield unreadable(str(path), f"cannot read it: {error.strerror or error}")
    except (UnicodeDecodeError, csv.Error) as error:
        yield unreadable(str(path), f"cannot read the rest of the file: {error}")
    finally:
        for repeat in repeats.values():
            repeat.close()


def _main_of(path: Path, plan: Plan) -> Path | None:
    """The main file of ``path`` if it is a repeat's file (named ``FORM-<roster>``,
    with a ``PARENT_KEY`` or ``_parent_index`` column)."""
    roster = next((r for r in plan.rosters if path.stem.endswith(f"-{r}")), None)
    if roster is None:
        return None
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as file:
            header = file.readline()
    except OSError:
        return None
    if "PARENT_KEY" not in header and "_parent_index" not in header:
        return None
    return path.with_name(f"{path.stem[: -len(roster) - 1]}{path.suffix}")


def _header(
    header: list[str], names: _Names, roster: str | None
) -> tuple[list[_Column | None], Problems]:
    columns: list[_Column | None] = []
    problems: Problems = []
    for heading in header:
        found = names.column(heading, roster)
        if isinstance(found, str):
            problems.append((heading, DataCode.D101, found))
            found = None
        columns.append(found)
    return columns, problems


def _read(
    path: Path, file: TextIO, names: _Names, repeats: dict[str, _Repeat], missing: Problems
) -> Iterator[Record]:
    found = rows(file)
    first = next(found, None)
    if first is None:
        yield unreadable(str(path), "the file is empty: no header")
        return
    header = first[1]
    columns, problems = _header(header, names, None)
    for repeat in repeats.values():
        problems.extend(repeat.problems)
    if problems or missing:
        yield Record(f"{path}:1", None, {}, problems + missing, readable=False, header=True)
    ident = next((header.index(name) for name in _IDS if name in header), None)
    index = header.index("_index") if "_index" in header else None
    for line, row in found:
        where = f"{path}:{line}"
        if len(row) != len(header):
            yield unreadable(where, f"the row has {len(row)} fields, the header {len(header)}")
            continue
        record = Record(where, (row[ident] or None) if ident is not None else None, {})
        _answers(record.answers, record.problems, columns, header, row)
        key = row[ident] if ident is not None else None
        if index is not None and row[index]:
            key = row[index]
        for roster_id, repeat in repeats.items():
            instances = repeat.take(key) if key else _Instances(0)
            records = _records(repeat.roster, instances.answers, record.answers)
            if records:
                record.answers[roster_id] = records
            record.problems.extend(instances.problems)
        yield record


def _answers(
    answers: dict[str, Any],
    problems: Problems,
    columns: list[_Column | None],
    header: list[str],
    row: list[str],
) -> None:
    ranks: dict[str, dict[int, str]] = {}
    ticks: dict[str, list[str]] = {}
    for heading, column, text in zip(header, columns, row, strict=True):
        if column is None or text == "":
            continue
        if column.role == "rank":
            ranks.setdefault(column.name, {})[column.rank] = text
        elif column.role == "tick":
            chosen = ticks.setdefault(column.name, [])
            if text.strip() in ("1", "true", "True"):
                chosen.append(column.code)
            elif text.strip() not in ("0", "false", "False"):
                reason = f"{text!r} in {heading} is not 1 (chosen) or 0"
                problems.append((column.name, DataCode.D202, reason))
        else:
            value = _value(column.info, text)
            if value is not None:
                answers[column.name] = value
    for name, by_rank in ranks.items():
        answers[name] = [by_rank[k] for k in sorted(by_rank)]
    for name, chosen in ticks.items():
        if name not in answers and chosen:  # the codes' own column says it, when there
            answers[name] = chosen


def _value(info: VarInfo, text: str) -> Any:
    kind = info.kind
    if kind in ("choices", "ranking"):
        return text.split()
    if kind == "number":
        return parse_number(text, getattr(info.node, "kind", "decimal") == "integer")
    if kind == "check":
        return True if text.strip() in ("OK", "1", "true") else text
    if kind == "date" and _DATE.fullmatch(text.strip()):
        precision = getattr(info.node, "precision", "day")
        return text.strip()[: _LENGTH.get(precision, 10)]
    return text


class _Repeat:
    """A roster's repeat file, read along with the main file."""

    def __init__(self, path: Path, roster: Roster, names: _Names) -> None:
        self.path = path
        self.roster = roster
        self.file = path.open(encoding="utf-8-sig", newline="")
        self.rows = rows(self.file)
        first = next(self.rows, None)
        self.header = first[1] if first else []
        self.columns, problems = _header(self.header, names, roster.id)
        self.problems = [(c, code, f"{path.name}: {why}") for c, code, why in problems]
        links = [self.header.index(n) for n in ("PARENT_KEY", "_parent_index") if n in self.header]
        self.parent = links[0] if links else None
        if self.parent is None and first is not None:
            reason = f"{path.name} has no PARENT_KEY or _parent_index column: its rows are not read"
            self.problems.append((roster.id, DataCode.D401, reason))
        self.key = self.header.index("KEY") if "KEY" in self.header else None
        self.waiting: dict[str, _Instances] = {}
        self.last: str | None = None
        self.done = self.parent is None

    def take(self, parent: str) -> _Instances:
        """The instances of submission ``parent``: the rows already read for it, and
        the file read on until it is past them (at most :data:`LOOKAHEAD` other
        submissions ahead)."""
        while parent not in self.waiting and not self.done and len(self.waiting) < LOOKAHEAD:
            self._next()
        while not self.done and self.last == parent:  # its rows are together
            self._next()
        return self.waiting.pop(parent, None) or _Instances(0)

    def _next(self) -> None:
        found = next(self.rows, None)
        if found is None:
            self.done, self.last = True, None
            return
        line, row = found
        assert self.parent is not None
        parent = row[self.parent] if len(row) == len(self.header) else f"?{line}"
        instances = self.waiting.setdefault(parent, _Instances(line))
        self.last = parent
        if len(row) != len(self.header):
            counts = f"{len(row)} fields, the header {len(self.header)}"
            reason = f"{self.path.name}:{line}: the row has {counts}"
            instances.problems.append((self.roster.id, DataCode.D401, reason))
            return
        index = len(instances.answers)
        if self.key is not None and (match := _INSTANCE.search(row[self.key])):
            index = int(match[1]) - 1
        answers: dict[str, Any] = {}
        _answers(answers, instances.problems, self.columns, self.header, row)
        instances.answers[index] = answers

    def leftover(self) -> Iterator[Record]:
        """The repeat rows whose submission the main file does not have."""
        while not self.done:
            self._next()
            if len(self.waiting) >= LOOKAHEAD:
                yield from self._orphans()
        yield from self._orphans()

    def _orphans(self) -> Iterator[Record]:
        for parent, instances in sorted(self.waiting.items(), key=lambda item: item[1].line):
            reason = f"the repeat row's submission {parent!r} is not in the main file"
            problems = [(self.roster.id, DataCode.D401, reason), *instances.problems]
            yield Record(f"{self.path}:{instances.line}", None, {}, problems, readable=False)
        self.waiting.clear()

    def close(self) -> None:
        self.file.close()


@dataclass(slots=True)
class _Instances:
    """A submission's rows of a repeat file: instance index (0-based) -> answers."""

    line: int
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    problems: Problems = field(default_factory=list)


def _records(
    roster: Roster, copies: dict[int, dict[str, Any]], answers: dict[str, Any]
) -> list[dict[str, Any]]:
    """The roster's records: the instances whose slot exists, in order; an instance
    answered whose slot does not exist keeps its place after them (the walk finds it
    off the path)."""
    present = [k for k, slot in enumerate(roster.slots) if _exists(roster, slot, answers)]
    absent = sorted(k for k in copies if k not in present and copies[k])
    records = [copies.get(k, {}) for k in present + absent]
    while records and not records[-1]:
        records.pop()
    return records


def _exists(roster: Roster, slot: str | int, answers: dict[str, Any]) -> bool:
    if roster.kind == "choices":
        chosen = answers.get(roster.source)
        return isinstance(chosen, list) and slot in chosen
    if roster.kind == "textlist":
        return isinstance(slot, str) and slot in answers
    count = answers.get(roster.source)
    if isinstance(count, bool) or not isinstance(count, int | float):
        return False
    return isinstance(slot, int) and slot <= count


__all__ = ["META", "SIGNS", "read_odk"]
