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

Computed values get their variables in a second pass: their types come from the
type checker (:mod:`qdef.expr`, a layer above this one), which the semantic checks
run on each computed entry in sequence order and record with :meth:`Symbols.define`.

The symbol table is built once per validation, by the semantic checks, and kept
in the compiled instrument (:class:`qdef.pipeline.compiled.Compiled`), which the
routing plan and the renderers receive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from qdef.model import (
    CheckColumn,
    Computed,
    DateFollowup,
    DateQuestion,
    DateRangeQuestion,
    Display,
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
    NumberQuestion,
    Question,
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
    (earlier than every question)."""
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


@dataclass(frozen=True, slots=True)
class Symbols:
    entries: tuple[QuestionEntry, ...]
    variables: dict[str, Variable]
    positions: dict[str, int]
    """Question id -> index in sequence order (computed entries included)."""
    hidden: tuple[Variable, ...] = ()
    """The hidden variables, in document order (also in :attr:`variables`)."""

    def define(self, entry: QuestionEntry, vtype: ValueType) -> Variable:
        """Give the computed entry ``entry`` its variable, of type ``vtype`` (the type of
        its expression); a name already defined keeps its first definition."""
        variable = Variable(entry.question.id, vtype, entry.question.id, entry.position, entry.path)
        return self.variables.setdefault(variable.name, variable)

    def computed(self) -> Iterator[QuestionEntry]:
        """The computed entries, in sequence order."""
        return (e for e in self.entries if isinstance(e.question, Computed))

    def first_position(self, section_index: int) -> int:
        """The sequence index of a section's first question."""
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
        for i, field in enumerate(question.fields):
            yield f"{qid}.{field.code}", ValueType("text"), (*path, "fields", i)
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


def hidden_type(hidden: Any) -> ValueType:
    """The type of a hidden variable."""
    if isinstance(hidden, HiddenChoice):
        return ValueType("choice", codes=tuple(o.code for o in hidden.options))
    if isinstance(hidden, HiddenNumber):
        return ValueType("number", integer=hidden.kind == "integer")
    if isinstance(hidden, HiddenDate):
        return ValueType("date", precision=hidden.precision)
    return ValueType("text")


def build(instrument: Instrument) -> Symbols:
    """Index every hidden variable, question and variable. Duplicates keep their first
    definition (the semantic checks report them). Computed values have no variable yet:
    :meth:`Symbols.define` gives them theirs (``qdef.validation.checks.build_symbols``
    builds a complete table)."""
    entries: list[QuestionEntry] = []
    variables: dict[str, Variable] = {}
    positions: dict[str, int] = {}
    hidden: list[Variable] = []
    for i, item in enumerate(instrument.hidden or ()):
        variable = Variable(item.id, hidden_type(item), item.id, -1, ("hidden", i))
        hidden.append(variable)
        variables.setdefault(item.id, variable)
    for s, section in enumerate(instrument.sections):
        for q, question in enumerate(section.questions):
            position = len(entries)
            path: KeyPath = ("sections", s, "questions", q)
            entries.append(QuestionEntry(question, s, position, path))
            positions.setdefault(question.id, position)
            for name, vtype, vpath in _question_variables(question, path):
                if name not in variables:
                    variables[name] = Variable(name, vtype, question.id, position, vpath)
    return Symbols(tuple(entries), variables, positions, tuple(hidden))
