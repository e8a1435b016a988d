r"""Semantic checks on a structurally valid instrument.

QD3xx are problems inside one question (duplicate codes, inconsistent
bounds, texts missing a language; QD310–QD314: defaults, filters, piped values
that may be absent; QD315–QD329: rankings, number lists, widgets, random order and
rosters, in :mod:`qdef.validation.structure`); QD4xx are problems across questions
(duplicate ids, gotos that go nowhere or backwards, routing on optional questions); QD5xx are
expressions (syntax and types, see :mod:`qdef.expr`), piped texts and patterns.

Every expression place is parsed once, here, and kept (:class:`Checked`): the
``when`` of sections, questions, options and rows, computed ``value``\ s, rules'
``check``\ s, and the pieces of every piped text (:mod:`qdef.expr.template`).
Computed values are typed in sequence order, each before anything later reads it.

Checks record key paths; positions are looked up only for what is reported.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from qdef.diagnostics import Code, Diagnostic, Severity, Span
from qdef.expr import Expr, ExprProblem, parse_and_check, variables_used
from qdef.expr.messages import Subject, date_problem
from qdef.expr.nodes import Call, Literal, Over, Ref, children
from qdef.expr.patterns import FORMATS, check_pattern, matches
from qdef.expr.printer import to_source
from qdef.expr.scope import RosterOf, is_item, resolve, roster_of
from qdef.expr.template import Template, TemplateSyntaxError, has_braces, parse_template
from qdef.expr.types import Want, expression_type, typecheck
from qdef.model import (
    END,
    Computed,
    DateQuestion,
    DateRangeQuestion,
    DualMatrixQuestion,
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
    RankingQuestion,
    SingleChoice,
    TextColumn,
    TextListQuestion,
    TextQuestion,
)
from qdef.model.questions import DateFollowup, TextFollowup
from qdef.model.symbols import QuestionEntry, Symbols, build
from qdef.model.texts import texts
from qdef.source.positions import KeyPath
from qdef.validation.partial import NOTHING_BROKEN, Broken
from qdef.validation.structure import check_structure

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
    """Every expression that parsed, by its key path: the syntax trees (with offsets
    into the expression's text) of every ``when`` (sections, questions, options,
    rows), computed ``value`` and rule ``check``."""
    templates: dict[KeyPath, Template] = field(default_factory=dict)
    """Every piped text (one with ``{…}`` pieces) that parsed, by its key path (ending
    in the language for a translated text)."""


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
    return Checked(checker.run(), checker.symbols, checker.conditions, checker.templates)


def piped_templates(instrument: Instrument) -> dict[KeyPath, Template]:
    """Every piped text of a valid instrument, parsed, by its key path (in document order);
    aggregates over a roster are ``Over`` nodes (:func:`qdef.expr.scope.resolve`)."""
    found: dict[KeyPath, Template] = {}
    symbols = build(instrument)
    for path, text, _ in _piped_texts(instrument, symbols):
        template = parse_template(text)
        if not template.plain:
            found[path] = resolved(template, roster_of(symbols))
    return found


def resolved(template: Template, rosters: RosterOf) -> Template:
    """``template`` with each piece's expression resolved (the same object when no piece
    refers to a roster's variable)."""
    pieces = tuple(
        piece
        if isinstance(piece, str) or (expr := resolve(piece.expr, rosters)) is piece.expr
        else dataclasses.replace(piece, expr=expr)
        for piece in template.pieces
    )
    if all(new is old for new, old in zip(pieces, template.pieces, strict=True)):
        return template
    return Template(pieces)


def roster_at(instrument: Instrument, section: int) -> str | None:
    """The roster the expressions of section ``section`` belong to: its id if it repeats
    (``repeat``), else None. A roster's own ``when`` is outside it."""
    found = instrument.sections[section]
    return found.id if found.repeat is not None else None


def _piped_texts(
    instrument: Instrument,
    symbols: Symbols,
    found: Iterable[tuple[KeyPath, str | dict[str, str]]] | None = None,
) -> Iterator[tuple[KeyPath, str, int]]:
    """Every text that may be piped and has braces, one per language, with its key path
    and the position it is read from (of the texts ``found`` by
    :func:`qdef.model.texts.texts`, when given). A text without braces is skipped
    before anything else is looked at (most texts are plain)."""
    positions: dict[tuple[Any, Any], int] | None = None
    first: dict[int, int] = {}
    for path, text in texts(instrument) if found is None else found:
        if isinstance(text, str):
            if not has_braces(text):
                continue
        elif not any(has_braces(value) for value in text.values()):
            continue
        if positions is None:  # made when the first text with braces needs it
            positions = {
                (e.path[1], e.path[3]): -1 if isinstance(e.question, Computed) else e.position
                for e in symbols.entries
            }
            for entry in symbols.entries:
                first.setdefault(entry.section_index, entry.position)
            for s in range(len(instrument.sections)):
                first.setdefault(s, len(symbols.entries))
        position = _text_position(path, positions, first)
        if position is None:
            continue
        if isinstance(text, str):
            yield path, text, position
        else:
            for language, value in text.items():
                if has_braces(value):
                    yield (*path, language), value, position


def build_symbols(instrument: Instrument) -> Symbols:
    """The complete symbol table of a valid instrument: :func:`qdef.model.symbols.build`
    and each computed value's variable, typed by its expression."""
    symbols = build(instrument)
    for entry in symbols.computed():
        question = entry.question
        assert isinstance(question, Computed)
        roster = roster_at(instrument, entry.section_index)
        expr, problems = parse_and_check(
            question.value, symbols, entry.position, want="value", roster=roster
        )
        if expr is not None and not problems:
            symbols.define(entry, expression_type(expr, symbols))
    return symbols


class _Checker:
    def __init__(self, instrument: Instrument, locator: Locator, broken: Broken) -> None:
        self.instrument = instrument
        self.locator = locator
        self.broken = broken
        self.symbols: Symbols = build(instrument)
        self.conditions: dict[KeyPath, Expr] = {}
        self.templates: dict[KeyPath, Template] = {}
        self.failed: set[str] = set()
        """Computed values whose expression has errors: they have no variable, and a use
        of one is not reported again as unknown."""
        self.found: list[Diagnostic] = []

    @functools.cached_property
    def texts(self) -> list[tuple[KeyPath, str | dict[str, str]]]:
        """Every text of the instrument (walked once: the language checks and the piping
        checks both read them)."""
        return list(texts(self.instrument))

    def unknown(self, name: str) -> bool:
        """Names not to report as unknown: left out of a broken document, or failed."""
        return name in self.failed or self.broken.covers(name)

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
        self.check_hidden()
        self.check_computed()
        for entry in self.symbols.entries:
            self.check_question(entry.question, entry.path)
            self.check_features(entry)
        self.check_gotos()
        self.check_conditions()
        self.check_piping()
        check_structure(self)
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
        for i, hidden in enumerate(self.instrument.hidden or ()):
            yield hidden.id, ("hidden", i, "id"), "hidden variable"
        entries = iter(self.symbols.entries)
        for s, section in enumerate(self.instrument.sections):
            yield section.id, ("sections", s, "id"), "section"
            if section.repeat is not None:
                yield section.repeat.item, ("sections", s, "repeat", "item"), "roster item"
            for entry in itertools.islice(entries, len(section.questions)):
                yield from self._question_ids(entry)

    def _question_ids(self, entry: QuestionEntry) -> Iterator[tuple[str, KeyPath, str]]:
        question = entry.question
        yield question.id, (*entry.path, "id"), "question"
        if isinstance(question, SingleChoice | MultipleChoice):
            for i, option in enumerate(question.options):
                for j, followup in enumerate(option.specify or ()):
                    yield followup.id, (*entry.path, "options", i, "specify", j, "id"), "follow-up"
        if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
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
        for path, text in self.texts:
            if path in self.broken.texts:
                continue
            if isinstance(text, str):
                if self.instrument.translations:
                    self._untranslated(path, languages[1:])
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
            if primary not in text:
                self.report(
                    Code.QD309,
                    f"this text lacks the instrument's own language {primary}, which every "
                    "translation is made from; add it",
                    path,
                )
                continue
            missing = [lang for lang in languages[1:] if lang not in text]
            if missing:
                self._untranslated(path, missing)

    def _untranslated(self, path: KeyPath, missing: list[str]) -> None:
        """A text without its translation into ``missing``: shown in the instrument's
        own language instead (a warning; ``--translations error`` makes it an error)."""
        span = self.locator.locate(path)
        self.found.append(
            Diagnostic(
                Code.QD410,
                f"this text has no translation into {', '.join(missing)}; it is shown in "
                f"{self.instrument.language} instead. Translate it: qdef translate extract "
                f"{span.file} --lang {missing[0]} -o {missing[0]}.po, then qdef translate "
                "merge",
                span,
                "warning",
            )
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
        if isinstance(question, NumberListQuestion):
            for i, number_field in enumerate(question.fields):
                self._number_bounds(number_field, (*path, "fields", i))
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
            goto = getattr(question, "goto", None)  # a computed value has none
            if goto is not None:
                targets.append((goto, (*entry.path, "goto")))
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
            question, path, position = entry.question, entry.path, entry.position
            roster = roster_at(self.instrument, entry.section_index)
            when = question.when
            if when is not None and not isinstance(question, Computed):
                self._condition(when, (*path, "when"), position, roster=roster)
            items: list[Any] = []
            key = ""
            if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
                items, key = list(question.options), "options"
            elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
                items, key = list(question.rows), "rows"
            for i, item in enumerate(items):
                if item.when is not None:  # offered on earlier answers only
                    self._condition(item.when, (*path, key, i, "when"), position, roster=roster)
            for k, rule in enumerate(getattr(question, "rules", None) or ()):
                # a rule may use the question's own variables: "earlier than the next one"
                rpath = (*path, "rules", k, "check")
                self._condition(rule.check, rpath, position + 1, roster=roster)

    def _condition(
        self,
        source: str,
        path: KeyPath,
        position: int,
        subject: Subject = "question",
        want: Want = "truth",
        *,
        roster: str | None = None,
    ) -> Expr | None:
        """Check the expression ``source`` at ``path`` (in ``roster``, None outside
        rosters) and keep its resolved tree."""
        expr, problems = parse_and_check(
            source,
            self.symbols,
            position,
            subject=subject,
            unknown=self.unknown,
            want=want,
            roster=roster,
        )
        if expr is not None:
            self.conditions[path] = expr
        self._expr_problems(source, path, problems)
        return expr if not problems else None

    def _expr_problems(
        self, source: str, path: KeyPath, problems: list[ExprProblem], shift: int = 0
    ) -> None:
        """Report ``problems`` of the expression ``source`` (which starts at character
        ``shift`` of the string at ``path``), each with an excerpt and a caret."""
        for problem in problems:
            # "the end of the condition" is just after its last character
            offset = min(problem.start, len(source.rstrip())) + shift
            whole = self._string(path) if shift else source
            excerpt, column = _excerpt(whole, offset)
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

    def _string(self, path: KeyPath) -> str:
        """The string at ``path`` in the instrument."""
        node: Any = self.instrument
        for step in path:
            if isinstance(step, int) or isinstance(node, dict):
                node = node[step]
            else:
                node = getattr(node, step)
        assert isinstance(node, str)
        return node

    # ------------------------------------------------------------------ hidden variables

    def check_hidden(self) -> None:
        for i, hidden in enumerate(self.instrument.hidden or ()):
            path: KeyPath = ("hidden", i)
            if isinstance(hidden, HiddenChoice):
                codes = [o.code for o in hidden.options]
                self._unique(codes, (*path, "options"), Code.QD301, "code")
                if hidden.default is not None:
                    self._code_default(hidden.default, codes, path)
            elif isinstance(hidden, HiddenNumber):
                self._number_bounds(hidden, path)
                self._number_default(hidden, path)
            elif isinstance(hidden, HiddenDate):
                self._date_bounds(hidden, path)
                self._date_default(hidden, path)

    # ------------------------------------------------------------------ computed values

    def check_computed(self) -> None:
        """Type each computed value, in sequence order, and give it its variable."""
        entries = list(self.symbols.computed())
        later = {e.question.id: e.position for e in entries}
        for entry in entries:
            question = entry.question
            assert isinstance(question, Computed)
            path = (*entry.path, "value")
            roster = roster_at(self.instrument, entry.section_index)
            if question.when is not None:
                self._condition(question.when, (*entry.path, "when"), entry.position, roster=roster)
            expr, problems = parse_and_check(
                question.value,
                self.symbols,
                entry.position,
                unknown=lambda name: self.unknown(name) or name in later,
                want="value",
                roster=roster,
            )
            if expr is not None:
                self.conditions[path] = expr
                for ref in variables_used(expr):
                    at = later.get(ref.name)
                    if at is not None and at >= entry.position and ref.name not in self.failed:
                        problems.append(
                            ExprProblem(Code.QD503, _later(ref.name), ref.start, ref.end)
                        )
            problems.sort(key=lambda problem: problem.start)
            self._expr_problems(question.value, path, problems)
            if expr is None or problems:
                self.failed.add(question.id)
            else:
                self.symbols.define(entry, expression_type(expr, self.symbols))
            del later[question.id]

    # ------------------------------------------------------------------ issue 18's elements

    def check_features(self, entry: QuestionEntry) -> None:
        """Defaults, filters and patterns of one question."""
        question, path = entry.question, entry.path
        if isinstance(question, _FILTERED) and question.filter is not None:
            self._filter(question, entry)
        if isinstance(question, SingleChoice) and question.default is not None:
            self._code_default(question.default, [o.code for o in question.options], path)
        elif isinstance(question, MultipleChoice) and question.default is not None:
            self._choices_default(question, path)
        elif isinstance(question, NumberQuestion):
            self._number_default(question, path)
        elif isinstance(question, DateQuestion):
            self._date_default(question, path)
        elif isinstance(question, TextQuestion) and question.default is not None:
            self._text_default(question, path)
        for node, npath in _text_inputs(question, path):
            if node.pattern is not None:
                self._pattern(node.pattern.regex, (*npath, "pattern", "regex"))

    def _filter(self, question: Any, entry: QuestionEntry) -> None:
        spec = question.filter
        path = (*entry.path, "filter")
        given = [name for name in ("chosen_in", "not_chosen_in") if getattr(spec, name)]
        if len(given) != 1:
            which = "neither" if not given else "both"
            self.report(
                Code.QD311,
                f"this filter gives {which} of chosen_in and not_chosen_in; give exactly one "
                "(chosen_in: keep the codes chosen, not_chosen_in: keep those not chosen)",
                path,
            )
            return
        key = given[0]
        source = getattr(spec, key)
        spath = (*path, key)
        at = self.symbols.positions.get(source)
        if at is None:
            if self.broken.covers(source):
                return
            earlier = [
                e.question.id
                for e in self.symbols.entries[: entry.position]
                if isinstance(e.question, MultipleChoice)
            ]
            close = difflib.get_close_matches(source, earlier, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else _multiples(earlier)
            self.report(Code.QD312, f"'{source}' names no question; {hint}", spath)
            return
        target = self.symbols.entries[at].question
        if not isinstance(target, MultipleChoice):
            self.report(
                Code.QD312,
                f"'{source}' is {target.noun}; a filter takes its codes from an earlier "
                "multiple-choice question",
                spath,
            )
            return
        if at >= entry.position:
            where = "this question itself" if at == entry.position else "a later question"
            self.report(
                Code.QD312,
                f"'{source}' is {where}; a filter takes its codes from an earlier "
                "multiple-choice question: move it before this one",
                spath,
            )
            return
        codes = [o.code for o in target.options]
        known = set(codes)
        key_items = (
            "rows"
            if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion)
            else "options"
        )
        items = question.options if key_items == "options" else question.rows
        for i, item in enumerate(items):
            if item.code not in known:
                self.report(
                    Code.QD313,
                    f"the code '{item.code}' is not an option of '{source}', so the filter "
                    f"cannot decide whether to offer it; the codes of '{source}' are "
                    f"{', '.join(codes)}",
                    (*entry.path, key_items, i, "code"),
                )

    def _code_default(self, default: str, codes: list[str], path: KeyPath) -> None:
        if default not in codes:
            close = difflib.get_close_matches(default, codes, n=1, cutoff=0.7)
            hint = f"did you mean '{close[0]}'?" if close else f"the codes are {', '.join(codes)}"
            self.report(
                Code.QD310,
                f"the default '{default}' is not one of the codes; {hint}",
                (*path, "default"),
            )

    def _choices_default(self, question: MultipleChoice, path: KeyPath) -> None:
        default = question.default or []
        codes = [o.code for o in question.options]
        dpath = (*path, "default")
        for i, code in enumerate(default):
            if code not in codes:
                self._code_default(code, codes, (*dpath, i))
                return
        if len(set(default)) != len(default):
            self.report(Code.QD310, "the default lists a code twice; list each once", dpath)
            return
        exclusive = [o.code for o in question.options if o.exclusive and o.code in default]
        if exclusive and len(default) > 1:
            self.report(
                Code.QD310,
                f"the default chooses '{exclusive[0]}', which excludes every other option, "
                "together with others; choose it alone",
                dpath,
            )
            return
        low, high = question.min_choices, question.max_choices
        if not exclusive and low is not None and len(default) < low:
            self.report(
                Code.QD310,
                f"the default chooses {len(default)} option(s), but "
                f"min_choices is {low}; choose more or none",
                dpath,
            )
        if high is not None and len(default) > high:
            self.report(
                Code.QD310,
                f"the default chooses {len(default)} options, but "
                f"max_choices is {high}; choose fewer",
                dpath,
            )

    def _number_default(self, node: Any, path: KeyPath) -> None:
        default = node.default
        if default is None:
            return
        dpath = (*path, "default")
        if node.kind == "integer" and isinstance(default, float) and not default.is_integer():
            self.report(
                Code.QD310,
                f"the default {default} is not a whole number, but answers "
                "are integers; use a whole number or kind: decimal",
                dpath,
            )
        elif node.min is not None and default < node.min:
            self.report(
                Code.QD310, f"the default {default} is less than min ({node.min}); raise it", dpath
            )
        elif node.max is not None and default > node.max:
            self.report(
                Code.QD310, f"the default {default} is more than max ({node.max}); lower it", dpath
            )

    def _date_default(self, node: Any, path: KeyPath) -> None:
        default = node.default
        if default is None:
            return
        dpath = (*path, "default")
        problem = date_problem(default, node.precision)
        if problem:
            self.report(Code.QD310, f"default: {problem}", dpath)
        elif node.min is not None and default < node.min:
            self.report(
                Code.QD310,
                f"the default {default} is earlier than min ({node.min}); correct it",
                dpath,
            )
        elif node.max is not None and default > node.max:
            self.report(
                Code.QD310,
                f"the default {default} is later than max ({node.max}); correct it",
                dpath,
            )

    def _text_default(self, question: TextQuestion, path: KeyPath) -> None:
        default = question.default
        assert default is not None
        dpath = (*path, "default")
        if question.max_length is not None and len(default) > question.max_length:
            self.report(
                Code.QD310,
                f"the default has {len(default)} characters, more than "
                f"max_length ({question.max_length}); shorten it",
                dpath,
            )
            return
        if question.format is None and question.pattern is None:
            return
        if question.format is not None and not matches(FORMATS[question.format], default):
            self.report(
                Code.QD310,
                f"the default is not a valid {question.format} (format: "
                f"{question.format}); correct it",
                dpath,
            )
            return
        pattern = question.pattern
        if (
            pattern is not None
            and not check_pattern(pattern.regex)
            and not matches(pattern.regex, default)
        ):
            self.report(
                Code.QD310, "the default does not match the question's pattern; correct it", dpath
            )

    def _pattern(self, regex: str, path: KeyPath) -> None:
        for problem in check_pattern(regex):
            offset = min(problem.offset, len(regex))
            excerpt, column = _excerpt(regex, offset)
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

    # ------------------------------------------------------------------ piping

    def check_piping(self) -> None:
        """Every piped text: its syntax, each piece's type (at the text's position: only
        earlier variables; a rule's message may use the question's own) and the fallback
        rule (QD314)."""
        for path, text, position in _piped_texts(self.instrument, self.symbols, self.texts):
            if path in self.broken.texts or path[:-1] in self.broken.texts:
                continue
            own = None
            if "rules" in path:  # a rule's message: shown only with an answer of its question
                question = self.symbols.entries[position - 1].question
                if isinstance(question, _ONE_ANSWER):
                    own = question.id
            self._template(text, path, position, own)

    def _template(self, text: str, path: KeyPath, position: int, own: str | None = None) -> None:
        """Check the piped text at ``path``, read at ``position``; ``own``: a variable
        always answered where the text is shown (a rule message's question's answer)."""

        try:
            template = parse_template(text)
        except TemplateSyntaxError as error:
            excerpt, column = _excerpt(text, min(error.offset, len(text)))
            self.found.append(
                Diagnostic(
                    error.code,
                    error.message,
                    self.locator.locate_offset(path, error.offset),
                    "error",
                    excerpt=excerpt,
                    excerpt_column=column,
                )
            )
            return
        if template.plain:
            return
        if self.symbols.rosters:
            template = resolved(template, roster_of(self.symbols))
        roster = roster_at(self.instrument, int(path[1])) if path[0] == "sections" else None
        ok = True
        for piece in template.pieces:
            if isinstance(piece, str):
                continue
            problems = typecheck(
                piece.expr,
                self.symbols,
                position,
                unknown=self.unknown,
                want="text",
                roster=roster,
            )
            if problems:
                ok = False
                self._expr_problems(piece.source, path, problems, piece.source_start)
                continue
            if piece.fallback is None:
                absent = self._may_be_absent(piece.expr, own)
                if absent is not None:
                    ok = False
                    excerpt, column = _excerpt(text, piece.start)
                    name, why = absent
                    self.found.append(
                        Diagnostic(
                            Code.QD314,
                            f"'{name}' may be absent here (it is {why}); "
                            f"add a fallback, e.g. {{{piece.source}|…}}",
                            self.locator.locate_offset(path, piece.start),
                            "error",
                            excerpt=excerpt,
                            excerpt_column=column,
                        )
                    )
        if ok:
            self.templates[path] = template

    def _may_be_absent(self, expr: Expr, own: str | None) -> tuple[str, str] | None:
        """A variable (or an aggregate, or a rank) that can leave the piece ``expr``
        without a value (the fallback rule, docs/format.md "Piped texts"), and why; or
        None."""
        match expr:
            case Literal():
                return None
            case Ref(name=name):
                if name == own or self._always_there(name):
                    return None
                return name, self._why_absent(name)
            case Over(func=func, roster=roster):
                if func not in ("min", "max"):
                    return None  # sum, count: 0 when nothing is there; any, all: two-valued
                return to_source(expr), f"absent when no iteration of '{roster}' has a value"
            case Call(name="rank"):
                return to_source(expr), "absent when the item is not ranked"
            case Call(name=name, args=args):
                if name in _NEVER_ABSENT:
                    return None
                each = [self._may_be_absent(arg, own) for arg in args]
                if name in ("min", "max", "coalesce"):  # absent only if all are
                    return each[0] if all(each) else None
                if name == "if":  # the condition is two-valued; either branch may be taken
                    return each[1] or each[2]
                return next(filter(None, each), None)
            case _:
                each = [self._may_be_absent(child, own) for child in children(expr)]
                return next(filter(None, each), None)

    def _always_there(self, name: str) -> bool:
        """(a) a hidden variable with a default, (b) the answer of a required question
        (a required matrix's rows that are always offered, a required date range's
        ends), (c) a computed value."""
        variable = self.symbols.variables.get(name)
        if variable is None or is_item(variable):
            return True  # reported elsewhere; a roster's item is there in each iteration
        if variable.position < 0:
            hidden = (self.instrument.hidden or [])[int(variable.path[1])]
            return hidden.default is not None
        question = self.symbols.entries[variable.position].question
        if isinstance(question, Computed):
            return True
        if not getattr(question, "required", False):
            return False
        if name == question.id:
            return True
        if isinstance(question, DateRangeQuestion):
            return True
        if isinstance(question, MatrixQuestion) and question.filter is None:
            code = name[len(question.id) + 1 :]
            return any(row.code == code and row.when is None for row in question.rows)
        return False

    def _why_absent(self, name: str) -> str:
        variable = self.symbols.variables[name]
        if variable.position < 0:
            return "a hidden variable without a default"
        if variable.name != variable.question:
            return f"a part of '{variable.question}' that may be left unanswered"
        return f"the answer of '{variable.question}', which is not required"


#: Questions that may have a filter.
_FILTERED = (
    SingleChoice,
    MultipleChoice,
    RankingQuestion,
    MatrixQuestion,
    GridQuestion,
    DualMatrixQuestion,
)

#: Questions with one answer variable (their id).
_ONE_ANSWER = (SingleChoice, MultipleChoice, TextQuestion, NumberQuestion, DateQuestion)

#: Functions whose value is never absent (absent arguments count as nothing).
_NEVER_ABSENT = frozenset({"sum", "count", "len", "concat", "selected_count"})

#: Text fields that are never piped: the title (a window's title, a file's name), units,
#: date-range labels, and the labels of hidden and computed values (never shown).
_UNPIPED = frozenset({"unit", "from_label", "to_label"})


def _text_position(
    path: KeyPath, positions: dict[tuple[Any, Any], int], first: dict[int, int]
) -> int | None:
    """The position a piped text at ``path`` is read from (the variables it may use come
    before it), or None when the text is not piped."""
    field_name = path[-1]
    if path[0] == "hidden" or field_name in _UNPIPED or path == ("title",):
        return None
    if path[0] != "sections":
        return 0  # the instrument's intro: hidden variables only
    s = path[1]
    assert isinstance(s, int)
    if len(path) < 4 or path[2] != "questions":
        return first[s]  # a section's title or intro
    q = path[3]
    assert isinstance(q, int)
    position = positions[(s, q)]
    if position < 0:
        return None  # the label of a computed value (never shown)
    if len(path) > 5 and path[4] == "rules" and path[-1] == "message":
        return position + 1  # a rule's message may name the question's own answers
    return position


def _later(name: str) -> str:
    return (
        f"'{name}' is a computed value that comes later (or is this one); a computed "
        "value may use only what comes before it: move it"
    )


def _multiples(ids: list[str]) -> str:
    if not ids:
        return "a filter needs an earlier multiple-choice question"
    return f"the earlier multiple-choice questions are {', '.join(ids)}"


def _text_inputs(question: Any, path: KeyPath) -> Iterator[tuple[Any, KeyPath]]:
    """Every text input of ``question`` (the question itself, text-list fields, text
    follow-ups, text grid columns), each with its key path."""
    if isinstance(question, TextQuestion):
        yield question, path
    if isinstance(question, TextListQuestion):
        for i, f in enumerate(question.fields):
            yield f, (*path, "fields", i)
    if isinstance(question, SingleChoice | MultipleChoice):
        for i, option in enumerate(question.options):
            for j, followup in enumerate(option.specify or ()):
                if isinstance(followup, TextFollowup):
                    yield followup, (*path, "options", i, "specify", j)
    if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
        for i, row in enumerate(question.rows):
            if row.specify is not None:
                yield row.specify, (*path, "rows", i, "specify")
    if isinstance(question, GridQuestion):
        for i, column in enumerate(question.columns):
            if isinstance(column, TextColumn):
                yield column, (*path, "columns", i)


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
