"""Semantic checks on a structurally valid instrument.

QD3xx are problems inside one question (duplicate codes, inconsistent
bounds, texts missing a language); QD4xx are problems across questions
(duplicate ids, gotos that go nowhere or backwards, routing on optional
questions); QD5xx are conditions (syntax and types, see :mod:`qdef.expr`).

Checks record key paths; positions are looked up only for what is reported.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from qdef.diagnostics import Code, Diagnostic, Severity, Span
from qdef.expr import Expr, parse_and_check
from qdef.expr.messages import Subject, date_problem
from qdef.model import (
    END,
    DateQuestion,
    DateRangeQuestion,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberColumn,
    NumberFollowup,
    NumberQuestion,
    SingleChoice,
    TextListQuestion,
)
from qdef.model.questions import DateFollowup
from qdef.model.symbols import QuestionEntry, Symbols, build
from qdef.model.texts import texts
from qdef.source.positions import KeyPath
from qdef.validation.partial import NOTHING_BROKEN, Broken

#: Words of the condition language; an id spelt like one could not be referred to.
RESERVED = frozenset({"end", "and", "or", "not", "has", "in", "answered", "true", "false"})


class Locator(Protocol):
    def locate(self, path: KeyPath, *, key: bool = False) -> Span: ...

    def locate_offset(self, path: KeyPath, offset: int) -> Span: ...


@dataclass(frozen=True, slots=True)
class Checked:
    """What the semantic checks found, and what they computed on the way that the
    later stages need (so that it is computed once)."""

    diagnostics: list[Diagnostic]
    symbols: Symbols
    """The instrument's symbol table."""
    conditions: dict[KeyPath, Expr]
    """Every condition that parsed, by the key path of its ``when``: the syntax
    trees (with offsets into the condition's text) of the sections' and the
    questions' conditions."""


def check(
    instrument: Instrument, locator: Locator, *, broken: Broken = NOTHING_BROKEN
) -> list[Diagnostic]:
    """Every semantic problem of ``instrument``, located through ``locator``.

    ``instrument`` may be the valid parts of a document with structural errors:
    ``broken`` says what was left out, so that its absence is not reported.
    """
    return checked(instrument, locator, broken=broken).diagnostics


def checked(
    instrument: Instrument, locator: Locator, *, broken: Broken = NOTHING_BROKEN
) -> Checked:
    """:func:`check`, with the symbol table and the parsed conditions."""
    checker = _Checker(instrument, locator, broken)
    return Checked(checker.run(), checker.symbols, checker.conditions)


class _Checker:
    def __init__(self, instrument: Instrument, locator: Locator, broken: Broken) -> None:
        self.instrument = instrument
        self.locator = locator
        self.broken = broken
        self.symbols: Symbols = build(instrument)
        self.conditions: dict[KeyPath, Expr] = {}
        self.found: list[Diagnostic] = []

    def report(
        self,
        code: Code,
        message: str,
        path: KeyPath,
        *,
        key: bool = False,
        severity: Severity = "error",
    ) -> None:
        self.found.append(Diagnostic(code, message, self.locator.locate(path, key=key), severity))

    def run(self) -> list[Diagnostic]:
        self.check_ids()
        self.check_texts()
        for entry in self.symbols.entries:
            self.check_question(entry.question, entry.path)
        self.check_gotos()
        self.check_conditions()
        self.check_chrome()
        return self.found

    def check_chrome(self) -> None:
        """QD515: a text says what qdef prints itself (see qdef.wording.authored)."""
        from qdef.wording.authored import repeated  # noqa: PLC0415

        for path, language, phrase, where in repeated(self.instrument, self.symbols):
            field = next(step for step in reversed(path) if step in ("text", "hint", "label"))
            self.report(
                Code.QD515,
                f'this {field} already says "{phrase}", which qdef prints itself {where} '
                f"(language '{language}'); remove it from the {field}, so that it is not "
                "printed twice",
                path,
                severity="warning",
            )

    # ------------------------------------------------------------------ ids

    def _all_ids(self) -> Iterator[tuple[str, KeyPath, str]]:
        """Every id in document order, so that the later of two equal ids is reported."""
        entries = iter(self.symbols.entries)
        for s, section in enumerate(self.instrument.sections):
            yield section.id, ("sections", s, "id"), "section"
            for entry in itertools.islice(entries, len(section.questions)):
                yield from self._question_ids(entry)

    def _question_ids(self, entry: QuestionEntry) -> Iterator[tuple[str, KeyPath, str]]:
        question = entry.question
        yield question.id, (*entry.path, "id"), "question"
        if isinstance(question, SingleChoice | MultipleChoice):
            for i, option in enumerate(question.options):
                for j, followup in enumerate(option.specify or ()):
                    yield followup.id, (*entry.path, "options", i, "specify", j, "id"), "follow-up"
        if isinstance(question, MatrixQuestion | GridQuestion):
            for i, row in enumerate(question.rows):
                if row.specify is not None:
                    yield row.specify.id, (*entry.path, "rows", i, "specify", "id"), "follow-up"

    def check_ids(self) -> None:
        seen: dict[str, tuple[KeyPath, str]] = {}
        for ident, path, what in self._all_ids():
            if ident in RESERVED:
                self.report(
                    Code.QD405,
                    f"'{ident}' is a reserved word of the condition language "
                    "and cannot be an id; choose another name",
                    path,
                )
            if ident in seen:
                first = self.locator.locate(seen[ident][0])
                self.report(
                    Code.QD401,
                    f"the id '{ident}' is already used by a {seen[ident][1]} "
                    f"(line {first.line}); ids of sections, questions and follow-ups "
                    "must be unique",
                    path,
                )
            else:
                seen[ident] = (path, what)
        if not self.broken.numbering:
            return  # questions left out: the automatic numbers are not the real ones
        owners: dict[str, QuestionEntry] = {}
        numbered = self.instrument.numbered()
        for entry, (_, number) in zip(self.symbols.entries, numbered, strict=True):
            if number is None:
                continue
            earlier = owners.get(number)
            if earlier is None:
                owners[number] = entry
                continue
            # report at an explicit ``number`` (an automatic one has no key to point at)
            at = entry if getattr(entry.question, "number", None) else earlier
            other = earlier if at is entry else entry
            self.report(
                Code.QD409,
                f"question number '{number}' is also shown for '{other.question.id}'; "
                "give each question its own number",
                (*at.path, "number"),
                severity="warning",
            )

    # ------------------------------------------------------------------ texts and languages

    def check_texts(self) -> None:
        if not self.broken.languages:
            return  # the instrument's languages are themselves wrong
        primary = self.instrument.language
        listed = [primary, *self.instrument.translations]
        for i, language in enumerate(self.instrument.translations):
            if listed.index(language) != i + 1:
                self.report(
                    Code.QD407,
                    f"the language '{language}' is listed twice (or is the "
                    "instrument's own language); list each translation once",
                    ("translations", i),
                )
        languages = list(dict.fromkeys(listed))
        wanted = set(languages)
        for path, text in texts(self.instrument):
            if path in self.broken.texts:
                continue
            if isinstance(text, str):
                if self.instrument.translations:
                    self.report(
                        Code.QD309,
                        "this text has no translations; write it as a mapping "
                        f"with the languages {', '.join(languages)}",
                        path,
                    )
                continue
            for language in text:
                if language not in wanted:
                    self.report(
                        Code.QD309,
                        f"'{language}' is not a language of this instrument; "
                        f"add it to 'translations' or remove it (languages: "
                        f"{', '.join(languages)})",
                        (*path, language),
                        key=True,
                    )
            missing = [lang for lang in languages if lang not in text]
            if missing:
                self.report(
                    Code.QD309,
                    f"this text lacks the language(s) {', '.join(missing)}; add them",
                    path,
                )

    # ------------------------------------------------------------------ inside one question

    def check_question(self, question: Any, path: KeyPath) -> None:
        if isinstance(question, SingleChoice | MultipleChoice):
            self._unique(
                [o.code for o in question.options], (*path, "options"), Code.QD301, "option code"
            )
            if isinstance(question, MultipleChoice):
                self._selections(question, path)
        if isinstance(question, MatrixQuestion | GridQuestion):
            self._unique([r.code for r in question.rows], (*path, "rows"), Code.QD302, "row code")
        if isinstance(question, MatrixQuestion):
            self._unique(
                [c.code for c in question.scale], (*path, "scale"), Code.QD303, "scale code"
            )
        if isinstance(question, GridQuestion):
            self._unique(
                [c.code for c in question.columns], (*path, "columns"), Code.QD303, "column code"
            )
            for i, column in enumerate(question.columns):
                if isinstance(column, NumberColumn):
                    self._number_bounds(column, (*path, "columns", i))
        if isinstance(question, TextListQuestion):
            self._unique(
                [f.code for f in question.fields], (*path, "fields"), Code.QD304, "field code"
            )
        if isinstance(question, NumberQuestion):
            self._number_bounds(question, path)
        if isinstance(question, DateQuestion | DateRangeQuestion):
            self._date_bounds(question, path)
        if isinstance(question, SingleChoice | MultipleChoice):
            for i, option in enumerate(question.options):
                for j, followup in enumerate(option.specify or ()):
                    fpath = (*path, "options", i, "specify", j)
                    if isinstance(followup, NumberFollowup):
                        self._number_bounds(followup, fpath)
                    elif isinstance(followup, DateFollowup):
                        self._date_bounds(followup, fpath)

    def _unique(self, codes: list[str], path: KeyPath, code: Code, what: str) -> None:
        first: dict[str, int] = {}
        for i, value in enumerate(codes):
            if value in first:
                line = self.locator.locate((*path, first[value], "code")).line
                self.report(
                    code,
                    f"the {what} '{value}' is already used in this question (line {line}); "
                    "codes are stored in data and must be unique: rename one",
                    (*path, i, "code"),
                )
            else:
                first[value] = i

    def _selections(self, question: MultipleChoice, path: KeyPath) -> None:
        count = len(question.options)
        low, high = question.min_choices, question.max_choices
        if low is not None and high is not None and low > high:
            self.report(
                Code.QD307,
                f"min_choices ({low}) is larger than max_choices ({high}); swap or correct them",
                (*path, "min_choices"),
            )
        plain = sum(1 for option in question.options if not option.exclusive)
        if low is not None and low > count:
            self.report(
                Code.QD307,
                f"min_choices ({low}) is more than the {count} options; lower it",
                (*path, "min_choices"),
            )
        elif low is not None and low > plain:
            self.report(
                Code.QD307,
                f"min_choices ({low}) is more than the {plain} options that can be chosen "
                "together (an exclusive option stands alone); lower it",
                (*path, "min_choices"),
            )
        if high is not None and high > count:
            self.report(
                Code.QD307,
                f"max_choices ({high}) is more than the {count} options; lower it or remove it",
                (*path, "max_choices"),
                severity="warning",
            )

    def _number_bounds(self, node: Any, path: KeyPath) -> None:
        low, high = node.min, node.max
        if low is not None and high is not None and low > high:
            self.report(
                Code.QD305,
                f"min ({low}) is larger than max ({high}); swap or correct them",
                (*path, "min"),
            )
        if node.kind == "integer":
            for name, bound in (("min", low), ("max", high)):
                if isinstance(bound, float) and not bound.is_integer():
                    self.report(
                        Code.QD308,
                        f"{name} {bound} is not a whole number, but answers are "
                        "integers; use a whole number or kind: decimal",
                        (*path, name),
                    )

    def _date_bounds(self, node: Any, path: KeyPath) -> None:
        precision = node.precision
        parsed: dict[str, datetime.date] = {}
        for name in ("min", "max"):
            value = getattr(node, name)
            if value is None:
                continue
            problem = date_problem(value, precision)
            if problem:
                self.report(Code.QD306, f"{name}: {problem}", (*path, name))
            else:
                parsed[name] = _as_date(value)
        if len(parsed) == 2 and parsed["min"] > parsed["max"]:
            self.report(
                Code.QD306,
                f"min ({node.min}) is later than max ({node.max}); swap or correct them",
                (*path, "min"),
            )

    # ------------------------------------------------------------------ routing

    def check_gotos(self) -> None:
        positions = self.symbols.positions
        sections = {s.id: s.questions[0].id for s in self.instrument.sections}
        for entry in self.symbols.entries:
            question = entry.question
            targets: list[tuple[str, KeyPath]] = []
            if question.goto is not None:
                targets.append((question.goto, (*entry.path, "goto")))
            routes = False
            if isinstance(question, SingleChoice):
                for i, option in enumerate(question.options):
                    if option.goto is not None:
                        routes = True
                        targets.append((option.goto, (*entry.path, "options", i, "goto")))
            for target, path in targets:
                if target == END or (target not in positions and self.broken.covers(target)):
                    continue  # the end, or a question left out for its structural errors
                if target not in positions:
                    later = [e.question.id for e in self.symbols.entries[entry.position + 1 :]]
                    later.append(END)
                    close = difflib.get_close_matches(target, later, n=1, cutoff=0.6)
                    hint = (
                        f"did you mean '{close[0]}'?"
                        if close
                        else "use the id of a later question, or 'end'"
                    )
                    if target in sections:
                        first = sections[target]
                        hint = f"'{target}' is a section: name its first question, '{first}'"
                    self.report(Code.QD402, f"goto '{target}' names no question; {hint}", path)
                elif positions[target] <= entry.position:
                    where = "itself" if target == question.id else "an earlier question"
                    self.report(
                        Code.QD403,
                        f"goto '{target}' points back to {where}; jumps go "
                        "forward only (so every walk ends): move the question or "
                        "use a 'when' condition instead",
                        path,
                    )
            if routes and isinstance(question, SingleChoice) and not question.required:
                self.report(
                    Code.QD404,
                    f"the options of '{question.id}' route respondents, but "
                    "the question is not required: without an answer the walk simply "
                    "continues in sequence; add 'required: true' if that is not intended",
                    (*entry.path, "options"),
                    severity="warning",
                    key=True,
                )

    # ------------------------------------------------------------------ conditions

    def check_conditions(self) -> None:
        for s, section in enumerate(self.instrument.sections):
            if section.when is not None:
                self._condition(
                    section.when,
                    ("sections", s, "when"),
                    self.symbols.first_position(s),
                    subject="section",
                )
        for entry in self.symbols.entries:
            when = entry.question.when
            if when is not None:
                self._condition(when, (*entry.path, "when"), entry.position)

    def _condition(
        self, source: str, path: KeyPath, position: int, subject: Subject = "question"
    ) -> None:
        expr, problems = parse_and_check(
            source, self.symbols, position, subject=subject, unknown=self.broken.covers
        )
        if expr is not None:
            self.conditions[path] = expr
        for problem in problems:
            # "the end of the condition" is just after its last character
            offset = min(problem.start, len(source.rstrip()))
            excerpt, column = _excerpt(source, offset)
            self.found.append(
                Diagnostic(
                    problem.code,
                    problem.message,
                    self.locator.locate_offset(path, offset),
                    "error",
                    excerpt=excerpt,
                    excerpt_column=column,
                )
            )


def _excerpt(source: str, offset: int) -> tuple[str, int]:
    """The line of ``source`` holding ``offset``, and the offset within it.

    A condition written over several lines (``when: |``) is shown one line at
    a time, so the caret stays under the right character; tabs become spaces
    for the same reason.
    """
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    line = source[start : end if end >= 0 else len(source)].replace("\t", " ")
    column = offset - start
    if len(line) > _EXCERPT_WIDTH:  # show a window around the caret, not a whole novel
        left = max(0, min(column - _EXCERPT_WIDTH // 2, len(line) - _EXCERPT_WIDTH))
        window = line[left : left + _EXCERPT_WIDTH]
        prefix = "…" if left > 0 else ""
        suffix = "…" if left + _EXCERPT_WIDTH < len(line) else ""
        return prefix + window + suffix, column - left + len(prefix)
    return line, column


_EXCERPT_WIDTH = 100


def _as_date(value: str) -> datetime.date:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return datetime.date(parts[0], parts[1], parts[2])
