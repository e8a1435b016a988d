"""The variables an instrument defines, their types, and where they come in sequence.

Conditions refer to variables by dotted names:

- a question's answer: ``q1`` (single choice: a code; multiple choice: a set of
  codes; text, number, date: a value)
- a matrix row: ``q13.beteiligung`` (the chosen scale code)
- a grid cell: ``q4.beteiligung.nicht_erforderlich`` (text, number or check)
- a text-list field: ``q16.f1``; a date range's ends: ``q11.from``, ``q11.to``
- a follow-up, by its own id: ``q2_programm``
- a hidden variable (``hidden:``), by its id; it comes before every question
  (position -1)
- a computed value (``type: computed``), by its id; its type is its expression's
- a ranking: ``q7`` (a list of codes in rank order)
- a number-list field: ``q8.vollzeit``; a dual-scale matrix cell:
  ``q9.bus.wichtigkeit`` (the chosen code of that row on that scale)
- in a roster section (``repeat:``), every variable it defines belongs to the roster
  (:attr:`Variable.roster`: one value per iteration), and so does the roster's item
  (``repeat.item``), a variable defined at the roster's first entry

Computed values get their variables in a second pass: their types come from the
type checker (:mod:`qdef.expr`, a layer above this one), which the semantic checks
run on each computed entry in sequence order and record with :meth:`Symbols.define`.

The symbol table is built once per validation, by the semantic checks, and kept
in the compiled instrument (:class:`qdef.pipeline.compiled.Compiled`), which the
routing plan and the renderers receive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from qdef.model import (
    CheckColumn,
    Computed,
    DateFollowup,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    Followup,
    GridQuestion,
    HiddenChoice,
    HiddenDate,
    HiddenNumber,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberColumn,
    NumberFollowup,
    NumberListQuestion,
    NumberQuestion,
    Question,
    RankingQuestion,
    Repeat,
    Section,
    SingleChoice,
    TextColumn,
    TextListQuestion,
    TextQuestion,
)
from qdef.source.positions import KeyPath

Kind = Literal["choice", "choices", "ranking", "text", "number", "date", "check", "group", "truth"]


@dataclass(frozen=True, slots=True)
class ValueType:
    """The type of a variable, as conditions see it.

    ``choice``: one code of ``codes``; ``choices``: a set of ``codes``;
    ``ranking``: a list of distinct ``codes`` in rank order;
    ``check``: a tick box (true when ticked); ``group``: a question whose
    answer has parts (matrix, grid, text list, date range) — only
    ``answered(x)`` applies to it as a whole; ``truth``: a computed condition
    (stored as ``true`` or ``false``).
    """

    kind: Kind
    codes: tuple[str, ...] = ()
    integer: bool = False
    precision: Literal["day", "month", "year"] | None = None

    def describe(self) -> str:
        match self.kind:
            case "choice":
                return "a single choice"
            case "choices":
                return "a multiple choice"
            case "ranking":
                return "a ranking"
            case "text":
                return "a text"
            case "number":
                return "an integer" if self.integer else "a number"
            case "date":
                return f"a date ({self.precision} precision)"
            case "check":
                return "a check box"
            case "truth":
                return "a truth value"
            case _:
                return "a question with several parts"


@dataclass(frozen=True, slots=True)
class Variable:
    """A name a condition may use."""

    name: str
    type: ValueType
    question: str
    """The id of the question that defines it."""
    position: int
    """The question's index in sequence order (0-based); -1 for a hidden variable
    (earlier than every question); a roster's item: the roster's first entry's."""
    path: KeyPath
    """Where it is defined in the document (``("hidden", i)`` for a hidden variable)."""
    roster: str | None = None
    """The id of the roster section that defines it (a variable of each iteration, or
    the roster's item), else None."""


@dataclass(frozen=True, slots=True)
class QuestionEntry:
    """A question in sequence order, with its location in the document."""

    question: Question
    section_index: int
    position: int
    path: KeyPath
    roster: str | None = None
    """The id of the roster section it is in, else None."""


@dataclass(frozen=True, slots=True)
class Symbols:
    entries: tuple[QuestionEntry, ...]
    variables: dict[str, Variable]
    positions: dict[str, int]
    """Question id -> index in sequence order (computed entries included)."""
    hidden: tuple[Variable, ...] = ()
    """The hidden variables, in document order (also in :attr:`variables`)."""
    rosters: dict[str, int] = field(default_factory=dict)
    """Roster section id -> the section's index, in document order (first definition of
    an id only)."""
    starts: tuple[int, ...] = ()
    """Section index -> the sequence index of its first question (filled by :func:`build`;
    :meth:`first_position` reads it)."""

    def define(self, entry: QuestionEntry, vtype: ValueType) -> Variable:
        """Give the computed entry ``entry`` its variable, of type ``vtype`` (the type of
        its expression); a name already defined keeps its first definition."""
        qid = entry.question.id
        variable = Variable(qid, vtype, qid, entry.position, entry.path, entry.roster)
        return self.variables.setdefault(variable.name, variable)

    def roster_of(self, name: str) -> str | None:
        """The id of the roster that defines the variable ``name`` (a variable of its
        iterations, or its item), else None (also for an unknown name)."""
        variable = self.variables.get(name)
        return None if variable is None else variable.roster

    def computed(self) -> Iterator[QuestionEntry]:
        """The computed entries, in sequence order."""
        return (e for e in self.entries if isinstance(e.question, Computed))

    def first_position(self, section_index: int) -> int:
        """The sequence index of a section's first question (in constant time for a table
        made by :func:`build`)."""
        if 0 <= section_index < len(self.starts):
            return self.starts[section_index]
        for entry in self.entries:
            if entry.section_index == section_index:
                return entry.position
        return len(self.entries)


def _followup_type(followup: Followup) -> ValueType:
    if isinstance(followup, NumberFollowup):
        return ValueType("number", integer=followup.kind == "integer")
    if isinstance(followup, DateFollowup):
        return ValueType("date", precision=followup.precision)
    return ValueType("text")


def _question_variables(
    question: Question, path: KeyPath
) -> Iterator[tuple[str, ValueType, KeyPath]]:
    qid = question.id
    if isinstance(question, SingleChoice | MultipleChoice):
        codes = tuple(o.code for o in question.options)
        kind: Kind = "choice" if isinstance(question, SingleChoice) else "choices"
        yield qid, ValueType(kind, codes=codes), path
        for i, option in enumerate(question.options):
            for j, followup in enumerate(option.specify or ()):
                fpath = (*path, "options", i, "specify", j)
                yield followup.id, _followup_type(followup), fpath
    elif isinstance(question, TextQuestion):
        yield qid, ValueType("text"), path
    elif isinstance(question, NumberQuestion):
        yield qid, ValueType("number", integer=question.kind == "integer"), path
    elif isinstance(question, DateQuestion):
        yield qid, ValueType("date", precision=question.precision), path
    elif isinstance(question, DateRangeQuestion):
        yield qid, ValueType("group"), path
        for end in ("from", "to"):
            yield f"{qid}.{end}", ValueType("date", precision=question.precision), path
    elif isinstance(question, TextListQuestion):
        yield qid, ValueType("group"), path
        for i, tfield in enumerate(question.fields):
            yield f"{qid}.{tfield.code}", ValueType("text"), (*path, "fields", i)
    elif isinstance(question, RankingQuestion | NumberListQuestion | DualMatrixQuestion):
        yield from _ranking_list_dual_variables(question, path)
    elif isinstance(question, MatrixQuestion | GridQuestion):
        yield qid, ValueType("group"), path
        for i, row in enumerate(question.rows):
            rpath = (*path, "rows", i)
            if row.specify is not None:
                yield row.specify.id, ValueType("text"), (*rpath, "specify")
            if isinstance(question, MatrixQuestion):
                codes = tuple(c.code for c in question.scale)
                yield f"{qid}.{row.code}", ValueType("choice", codes=codes), rpath
                continue
            for column in question.columns:
                cell = f"{qid}.{row.code}.{column.code}"
                if isinstance(column, CheckColumn):
                    yield cell, ValueType("check"), rpath
                elif isinstance(column, NumberColumn):
                    yield cell, ValueType("number", integer=column.kind == "integer"), rpath
                else:
                    assert isinstance(column, TextColumn)
                    yield cell, ValueType("text"), rpath
    else:
        assert isinstance(question, Display | Computed)  # a computed value: see Symbols.define


def _ranking_list_dual_variables(
    question: RankingQuestion | NumberListQuestion | DualMatrixQuestion, path: KeyPath
) -> Iterator[tuple[str, ValueType, KeyPath]]:
    """The variables of a ranking, a number list and a dual-scale matrix."""
    qid = question.id
    if isinstance(question, RankingQuestion):
        yield qid, ValueType("ranking", codes=tuple(o.code for o in question.options)), path
    elif isinstance(question, NumberListQuestion):
        yield qid, ValueType("group"), path
        for i, nfield in enumerate(question.fields):
            integer = nfield.kind == "integer"
            yield f"{qid}.{nfield.code}", ValueType("number", integer=integer), (*path, "fields", i)
    else:
        yield qid, ValueType("group"), path
        scales = [(scale.code, tuple(c.code for c in scale.columns)) for scale in question.scales]
        for i, row in enumerate(question.rows):
            rpath = (*path, "rows", i)
            if row.specify is not None:
                yield row.specify.id, ValueType("text"), (*rpath, "specify")
            for scale_code, codes in scales:
                yield f"{qid}.{row.code}.{scale_code}", ValueType("choice", codes=codes), rpath


def hidden_type(hidden: Any) -> ValueType:
    """The type of a hidden variable."""
    if isinstance(hidden, HiddenChoice):
        return ValueType("choice", codes=tuple(o.code for o in hidden.options))
    if isinstance(hidden, HiddenNumber):
        return ValueType("number", integer=hidden.kind == "integer")
    if isinstance(hidden, HiddenDate):
        return ValueType("date", precision=hidden.precision)
    return ValueType("text")


def item_type(repeat: Repeat, variables: dict[str, Variable]) -> ValueType:
    """The type of a roster's item: a code of the multiple choice it is repeated for, the
    text of a text list's field, or the iteration's number (an integer). A source that
    does not exist or has the wrong type (which the semantic checks report) gives a text,
    or an integer for ``times``."""
    if repeat.times is not None:
        return ValueType("number", integer=True)
    source = variables.get(repeat.for_each or "")
    if source is not None and source.type.kind == "choices":
        return ValueType("choice", codes=source.type.codes)
    return ValueType("text")


def build(instrument: Instrument) -> Symbols:
    """Index every hidden variable, question and variable. Duplicates keep their first
    definition (the semantic checks report them). Computed values have no variable yet:
    :meth:`Symbols.define` gives them theirs (``qdef.validation.checks.build_symbols``
    builds a complete table). A roster's item is defined just before the variables of
    the roster's first entry."""
    entries: list[QuestionEntry] = []
    variables: dict[str, Variable] = {}
    positions: dict[str, int] = {}
    hidden: list[Variable] = []
    rosters: dict[str, int] = {}
    starts: list[int] = []
    for i, item in enumerate(instrument.hidden or ()):
        variable = Variable(item.id, hidden_type(item), item.id, -1, ("hidden", i))
        hidden.append(variable)
        variables.setdefault(item.id, variable)
    for s, section in enumerate(instrument.sections):
        starts.append(len(entries))
        roster = _roster(section, s, len(entries), variables, rosters)
        for q, question in enumerate(section.questions):
            position = len(entries)
            path: KeyPath = ("sections", s, "questions", q)
            entries.append(QuestionEntry(question, s, position, path, roster))
            positions.setdefault(question.id, position)
            for name, vtype, vpath in _question_variables(question, path):
                if name not in variables:
                    variables[name] = Variable(name, vtype, question.id, position, vpath, roster)
    return Symbols(tuple(entries), variables, positions, tuple(hidden), rosters, tuple(starts))


def _roster(
    section: Section,
    s: int,
    position: int,
    variables: dict[str, Variable],
    rosters: dict[str, int],
) -> str | None:
    """The roster id of ``section`` (None unless it repeats), its item defined and the
    roster recorded on the way."""
    repeat = section.repeat
    if repeat is None:
        return None
    rosters.setdefault(section.id, s)
    path: KeyPath = ("sections", s, "repeat", "item")
    vtype = item_type(repeat, variables)
    variables.setdefault(
        repeat.item, Variable(repeat.item, vtype, section.id, position, path, section.id)
    )
    return section.id
