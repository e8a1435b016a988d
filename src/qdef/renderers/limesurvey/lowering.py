"""Lowering an instrument to LimeSurvey's model (the ``limesurvey`` renderer).

qdef's questions become LimeSurvey groups, questions, subquestions and
answers (docs/limesurvey.md has the table); every qdef variable gets the
ExpressionScript variable that holds it there (:class:`Slot`), and every
question a ``relevance`` compiled from its reaching condition in
:mod:`qdef.routing`. Codes are made valid for LimeSurvey deterministically
(:class:`Codes`), so that the importer never renames or drops anything:

- question codes ``^[A-Za-z][A-Za-z0-9]*$``, at most 20 characters, unique
  (ignoring case), not reserved;
- subquestion codes letters and digits, at most 20, unique per question, not
  ``other`` or ``time``;
- answer codes letters and digits, at most 5, unique per question (ignoring
  case, and numerically: ``1`` and ``01`` would compare equal in
  ExpressionScript).

A code is the qdef id or code with everything but letters and digits
removed, shortened to fit (an answer code of several words is abbreviated:
``nicht_finanziert`` becomes ``nfina``); a code taken already gets a number
at its end.
The mapping is part of the output (:func:`mapping`), so nothing is guessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NoReturn

from qdef.diagnostics import Code
from qdef.errors import (
    LocatedRenderError,
    MissingWordingError,
    RenderError,
    WordingPlace,
)
from qdef.expr.nodes import And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref
from qdef.expr.nodes import walk as nodes
from qdef.expr.parser import parse
from qdef.model import (
    CheckColumn,
    DateFollowup,
    DateQuestion,
    DateRangeQuestion,
    Display,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberColumn,
    NumberFollowup,
    NumberQuestion,
    Question,
    SingleChoice,
    TextColumn,
    TextFollowup,
    TextListQuestion,
    TextQuestion,
)
from qdef.routing.analysis import analysis_for
from qdef.routing.dd import Budget
from qdef.routing.plan import plan_for

Text = str | Mapping[str, str]

#: Names ExpressionScript reserves (compared ignoring case).
RESERVED = frozenset(n.lower() for n in ("LANG", "SID", "SAVEDID", "TOKEN", "QID", "GID", "SGQ"))
RESERVED_EXACT = frozenset({"self", "that", "this"})
QUESTION_CODE_LENGTH = 20
SUBQUESTION_CODE_LENGTH = 20
ANSWER_CODE_LENGTH = 5
#: The value LimeSurvey stores when "Other" is chosen in a list.
OTHER = "-oth-"
#: Codes of a "Sonstiges" option: as the last option of a single choice, with one
#: unlabelled one-line text follow-up, it becomes LimeSurvey's Other.
OTHER_CODES = frozenset({"sonstiges", "sonstige", "andere", "anderes", "other", "others"})

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def numeric(text: str) -> bool:
    """Whether ExpressionScript compares ``text`` as a number."""
    return _NUMERIC.fullmatch(text) is not None


class Codes:
    """Valid, unique codes within one namespace (a survey's question codes, one
    question's subquestion or answer codes)."""

    def __init__(
        self,
        length: int,
        *,
        letter_first: bool,
        forbidden: frozenset[str] = frozenset(),
        abbreviate: bool = False,
    ):
        self.length = length
        self.letter_first = letter_first
        self.forbidden = forbidden
        self.abbreviate = abbreviate
        self.taken: set[str] = set()

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _key(code: str) -> str:
        return str(Decimal(code).normalize()) if numeric(code) else code.lower()

    def _free(self, code: str) -> bool:
        lower = code.lower()
        return (
            bool(code)
            and self._key(code) not in self.taken
            and lower not in self.forbidden
            and code not in RESERVED_EXACT
        )

    def _natural(self, source: str, suffix: str, fallback: str) -> tuple[str, str]:
        base = _NOT_ALNUM.sub("", source)
        if self.abbreviate and len(base) > self.length:
            words = [w for w in _NOT_ALNUM.split(source) if w]
            if len(words) > 1:
                # nicht_finanziert -> nfina: the initials of the first words, then the last
                initials = "".join(w[0] for w in words[:-1])[: self.length - 1]
                base = initials + words[-1]
        if self.letter_first and (not base or not base[0].isalpha()):
            base = fallback + base
        base = base or fallback
        return base, base[: self.length - len(suffix)] + suffix

    def reserve(self, sources: list[str], fallback: str = "Q") -> dict[str, str]:
        """Codes for many sources at once: each keeps its natural code where no earlier
        source has it, and only the others are numbered, so that a numbered code
        never takes the natural code of a later source."""
        found: dict[str, str] = {}
        for source in sources:
            _, code = self._natural(source, "", fallback)
            if self._free(code):
                self.taken.add(self._key(code))
                found[source] = code
        for source in sources:
            if source not in found:
                found[source] = self.make(source, fallback=fallback)
        return found

    def make(self, source: str, suffix: str = "", fallback: str = "Q") -> str:
        """A code for ``source`` (an id or code), with ``suffix`` kept at its end."""
        base, code = self._natural(source, suffix, fallback)
        number = 1
        while not self._free(code):
            number += 1
            tail = str(number) + suffix
            code = base[: self.length - len(tail)] + tail
        self.taken.add(self._key(code))
        return code


# ---------------------------------------------------------------------- the lowered survey


@dataclass
class Attribute:
    name: str
    value: Text
    """Text with a language (i18n attributes) is given as a Text mapping or str."""
    i18n: bool = False


@dataclass
class Answer:
    code: str
    label: Text
    source: str
    """The qdef code it stands for."""


@dataclass
class Subquestion:
    code: str
    label: Text
    source: str
    scale: int = 0


@dataclass
class LsQuestion:
    code: str
    type: str
    text: Text
    source: str
    """The qdef question (or follow-up) id it carries."""
    role: str = "question"
    shown_with: tuple[str, str | None] | None = None
    """For a follow-up: (question id, option code) — shown while the option is chosen;
    (question id, None) — shown with its question (a row's follow-up)."""
    """``question`` (the qdef question itself), ``part`` (a second question a qdef
    question is lowered to), ``followup`` (an option's or row's follow-up)."""
    help: Text | None = None
    mandatory: bool = False
    relevance: str = "1"
    other: bool = False
    subquestions: list[Subquestion] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)


@dataclass
class LsGroup:
    name: Text
    description: Text | None
    relevance: str
    questions: list[LsQuestion] = field(default_factory=list)


@dataclass(frozen=True)
class Slot:
    """Where a qdef variable lives in LimeSurvey."""

    name: str
    """The ExpressionScript variable (``schwerpunkte_beteiligung``); for a multiple
    choice, the question code (its options are in ``options``)."""
    kind: str
    """qdef's kind of the variable: choice, choices, text, number, date, check."""
    values: Mapping[str, str] = field(default_factory=dict)
    """qdef code -> LimeSurvey answer code (choice)."""
    options: Mapping[str, str] = field(default_factory=dict)
    """qdef code -> the variable of its check box (choices)."""
    precision: str | None = None
    guard: str | None = None
    """A condition that must hold for the variable to count (the Other text)."""


@dataclass
class Survey:
    groups: list[LsGroup]
    slots: dict[str, Slot]


# ---------------------------------------------------------------------- lowering


def _label_with_description(label: Text, description: Text | None) -> Text:
    """A column heading with its description on a second line."""
    if description is None:
        return label
    return _combine("{}\n({})", label, description)


def _combine(template: str, *texts: Text) -> Text:
    """``template`` filled with ``texts``, per language where any is translated."""
    languages: list[str] = []
    for text in texts:
        if not isinstance(text, str):
            languages.extend(lang for lang in text if lang not in languages)
    if not languages:
        return template.format(*texts)
    return {lang: template.format(*(_pick(t, lang) for t in texts)) for lang in languages}


def _pick(text: Text, lang: str) -> str:
    if isinstance(text, str):
        return text
    return text.get(lang, next(iter(text.values())))


def _join(text: Text, *more: Text | None) -> Text:
    """Texts joined with a space, per language."""
    parts = [text, *(m for m in more if m is not None)]
    return _combine(" ".join(["{}"] * len(parts)), *parts)


class _Lowering:
    def __init__(self, instrument: Instrument, *, wording: bool = True) -> None:
        self.instrument = instrument
        self.wording = wording
        self.languages = [instrument.language, *instrument.translations]
        self.date_formats = date_formats(self.languages)
        self.groups: list[LsGroup] = []
        self.plan = plan_for(instrument)
        self.codes = Codes(QUESTION_CODE_LENGTH, letter_first=True, forbidden=RESERVED)
        self.slots: dict[str, Slot] = {}
        self.question_codes = self.codes.reserve(_sources(instrument))
        self.place: tuple[str | int, ...] = ()
        """The section or question being lowered: where wording is needed."""
        self.missing: list[WordingPlace] = []
        """Every place that needs qdef's wording in a language it has none for."""

    def survey(self) -> Survey:
        if not self.wording:  # codes only (the mapping): no texts, no relevance
            self.lower_questions()
            return Survey(self.groups, self.slots)
        self.check_strings()
        try:
            analysis = analysis_for(self.instrument)
            reaching = {s.question.id: analysis.reaching(s.question.id) for s in self.plan.steps}
            # a section's own condition, through the same analysis as the questions'
            # (a group's relevance and a question's are compiled from one normal form)
            sections = [
                None
                if section.when is None
                else analysis.printer.expr(analysis.logic.condition(parse(section.when)))
                for section in self.instrument.sections
            ]
        except (Budget, RecursionError) as error:
            raise RenderError(
                "the routing of this instrument is too entangled to compile into "
                "LimeSurvey relevance equations (qdef's analysis exceeded its bounds); "
                "simplify its conditions, or split it"
            ) from error
        lowered = self.lower_questions()
        if self.missing:
            self.refuse()
        # relevance needs every variable's slot: compile once all are lowered
        compiler = Compiler(self.slots)
        for group, when in zip(self.groups, sections, strict=True):
            if when is not None:
                group.relevance = compiler.compile(when)
        for _, question, items in lowered:
            relevance = compiler.compile(reaching[question.id])
            for item in items:
                if item.shown_with is None or item.shown_with[1] is None:
                    item.relevance = relevance
                else:
                    item.relevance = compiler.chosen(*item.shown_with)
        return Survey(self.groups, self.slots)

    def lower_questions(self) -> list[tuple[LsGroup, Question, list[LsQuestion]]]:
        """Every section as a group (in ``self.groups``) and its questions; each question
        with the LimeSurvey questions it became."""
        lowered: list[tuple[LsGroup, Question, list[LsQuestion]]] = []
        for index, section in enumerate(self.instrument.sections):
            self.place = ("sections", index)
            # LimeSurvey needs a group name; an untitled section is "Teil 2"
            title = section.title or self.chrome(
                "lss_section",
                f"the name of section {index + 1} ({section.id!r}), which has no title,",
                f"give the section a title ({self.example('title')})",
                number=index + 1,
            )
            group = LsGroup(title, section.intro, "1")
            self.groups.append(group)
            for number, question in enumerate(section.questions):
                self.place = ("sections", index, "questions", number)
                items = self.question(question)
                group.questions.extend(items)
                lowered.append((group, question, items))
        return lowered

    def check_strings(self) -> None:
        """Refuse, at its place, a string in a condition that ExpressionScript cannot
        write (:func:`unwritable`): a line break."""
        for s, section in enumerate(self.instrument.sections):
            places: list[tuple[tuple[str | int, ...], str | None, str]] = [
                (("sections", s, "when"), section.when, f"the condition of section {section.id!r}")
            ]
            for q, question in enumerate(section.questions):
                where = f"the condition of {question.id!r}"
                places.append((("sections", s, "questions", q, "when"), question.when, where))
            for path, source, where in places:
                if source is None:
                    continue
                for node in nodes(parse(source)):
                    if not isinstance(node, Literal) or not isinstance(node.value, str):
                        continue
                    problem = unwritable(node.value)
                    if problem is not None:
                        why = (
                            "LimeSurvey reads a string only up to the end of its line"
                            if problem == "a line break"
                            else "an .lss file is XML, which cannot carry it"
                        )
                        raise LocatedRenderError(
                            Code.QD520,
                            f"the string {node.text or repr(node.value)} holds {problem}, "
                            f"which LimeSurvey's ExpressionScript cannot write in a string "
                            f"({why}); compare with a text without it, or leave this "
                            "condition out of the instrument you render for LimeSurvey",
                            where,
                            path,
                            offset=node.start,
                            excerpt=source,
                        )

    def chrome(self, key: str, needed_for: str, fix: str, **values: object) -> Text:
        """qdef's own wording for ``key``, in every language of the survey (the survey
        holds them all). Without wording (the mapping only): empty. Where a language
        has no catalogue, the place is noted (``needed_for``: what needs the wording;
        ``fix``: what the author can do in the instrument) and :meth:`refuse` reports
        every such place at once, once the whole survey is lowered."""
        if not self.wording:
            return ""
        from qdef.wording.catalog import find  # noqa: PLC0415

        catalogs = {lang: find(lang) for lang in self.languages}
        texts = {
            lang: "" if found is None else found(key, **values) for lang, found in catalogs.items()
        }
        if None in catalogs.values():
            self.missing.append(WordingPlace(needed_for, self.place, fix))
        return texts[self.languages[0]] if len(self.languages) == 1 else texts

    def example(self, key: str) -> str:
        """How to write ``key`` as a text in every language of the survey."""
        if len(self.languages) == 1:
            return f"{key}: …"
        return f"{key}: {{{', '.join(f'{lang}: …' for lang in self.languages)}}}"

    def refuse(self) -> NoReturn:
        """Refuse the survey, naming every place that needs qdef's wording in a
        language it has none for, each with what the author can do there."""
        from qdef.wording.catalog import find, missing_message  # noqa: PLC0415

        unworded = [lang for lang in self.languages if find(lang) is None]
        count = len(self.missing)
        raise MissingWordingError(
            f"a LimeSurvey survey holds every language of the instrument "
            f"({', '.join(self.languages)}; --lang does not change that), and this one "
            f"prints qdef's own wording in {count} place{'' if count == 1 else 's'}. "
            + missing_message(*unworded)
            + "; what the instrument can do instead:",
            self.missing,
        )

    # -------------------------------------------------------------- questions

    def question(self, question: Question) -> list[LsQuestion]:
        code = self.question_codes[question.id]
        if isinstance(question, Display):
            return [LsQuestion(code, "X", question.text, question.id, help=question.help)]
        text = question.text if question.hint is None else _join(question.text, question.hint)
        if isinstance(question, SingleChoice):
            return self.single(question, code, text)
        if isinstance(question, MultipleChoice):
            return self.multiple(question, code, text)
        if isinstance(question, TextQuestion | NumberQuestion | DateQuestion):
            item = _item(question, code, "S", text)
            self.field(item, question, question.id)
            return [item]
        if isinstance(question, DateRangeQuestion):
            return self.date_range(question, code, text)
        if isinstance(question, TextListQuestion):
            return self.text_list(question, code, text)
        if isinstance(question, MatrixQuestion):
            return self.matrix(question, code, text)
        assert isinstance(question, GridQuestion)
        return self.grid(question, code, text)

    def field(
        self,
        item: LsQuestion,
        node: TextQuestion
        | NumberQuestion
        | DateQuestion
        | TextFollowup
        | NumberFollowup
        | DateFollowup,
        name: str,
    ) -> None:
        """Make ``item`` a text, number or date question for the variable ``name``.

        LimeSurvey shows a ``prefix`` and ``suffix`` beside the input of short text
        and number questions only; for long text and dates, the label and suffix
        join the question text."""
        boxed = isinstance(node, NumberQuestion | NumberFollowup) or (
            isinstance(node, TextQuestion | TextFollowup) and not node.long
        )
        if node.label is not None and boxed:
            item.attributes.append(Attribute("prefix", node.label, i18n=True))
        if not boxed:
            item.text = _join(item.text, node.label, node.suffix)
        if isinstance(node, TextQuestion | TextFollowup):
            item.type = "T" if node.long else "S"
            if node.max_length is not None:
                item.attributes.append(Attribute("maximum_chars", str(node.max_length)))
            if node.suffix is not None and boxed:
                item.attributes.append(Attribute("suffix", node.suffix, i18n=True))
            self.slots[name] = Slot(item.code, "text")
        elif isinstance(node, NumberQuestion | NumberFollowup):
            item.type = "N"
            if node.min is not None:
                item.attributes.append(Attribute("min_num_value_n", _number(node.min)))
            if node.max is not None:
                item.attributes.append(Attribute("max_num_value_n", _number(node.max)))
            if node.kind == "integer":
                item.attributes.append(Attribute("num_value_int_only", "1"))
            suffix = _suffix(node.unit, node.suffix)
            if suffix is not None:
                item.attributes.append(Attribute("suffix", suffix, i18n=True))
            self.slots[name] = Slot(item.code, "number")
        else:
            item.type = "D"
            self.date_format(item, node.precision)
            if node.min is not None:
                item.attributes.append(Attribute("date_min", _full_date(node.min)))
            if node.max is not None:
                item.attributes.append(Attribute("date_max", _full_date(node.max, end=True)))
            self.slots[name] = Slot(item.code, "date", precision=node.precision)

    def date_format(self, item: LsQuestion, precision: str) -> None:
        """The question's ``date_format``, as the survey's languages write dates. The
        attribute has no language in LimeSurvey: it is set only where every language
        of the survey writes the date alike. A full date written differently
        (``dd.mm.yyyy``, ``dd/mm/yyyy``), or in a language qdef has no wording for
        (whose way of writing dates qdef does not know), is left out, and each
        language's survey setting applies (``surveyls_dateformat``,
        :func:`survey_date_format`; LimeSurvey's default for a language without
        wording). No survey setting holds a month or a year alone: those are always
        set, as the languages qdef knows write them (else ``mm/yyyy``, ``yyyy``)."""
        formats = [self.date_formats.get(lang, {}).get(precision) for lang in self.languages]
        known = [f for f in formats if f is not None]
        if None not in formats and len(set(formats)) == 1:
            item.attributes.append(Attribute("date_format", known[0]))
        elif precision != "day":
            fallback = {"month": "mm/yyyy", "year": "yyyy"}[precision]
            item.attributes.append(Attribute("date_format", (known or [fallback])[0]))

    def followup(
        self,
        followup: TextFollowup | NumberFollowup | DateFollowup,
        label: Text,
        when: tuple[str, str | None],
    ) -> LsQuestion:
        """A follow-up as its own question, shown while ``when`` (a condition on the
        slots, written later) holds."""
        code = self.question_codes[followup.id]
        item = LsQuestion(
            code, "S", label, followup.id, role="followup", mandatory=followup.required
        )
        item.shown_with = when
        self.field(item, followup, followup.id)
        if followup.label is not None and any(a.name == "prefix" for a in item.attributes):
            # the follow-up's label names it: "Ja, bitte nennen Sie … – Name:"
            item.attributes = [a for a in item.attributes if a.name != "prefix"]
            item.text = _join(label, followup.label)
        return item

    def single(self, question: SingleChoice, code: str, text: Text) -> list[LsQuestion]:
        item = _item(question, code, "!" if question.widget == "dropdown" else "L", text)
        answers = Codes(ANSWER_CODE_LENGTH, letter_first=False, abbreviate=True)
        values: dict[str, str] = {}
        last = question.options[-1]
        other = (
            last.code.lower() in OTHER_CODES
            and last.specify is not None
            and len(last.specify) == 1
            and isinstance(last.specify[0], TextFollowup)
            and not last.specify[0].long
            and last.specify[0].label is None
        )
        followups: list[LsQuestion] = []
        for option in question.options:
            if other and option is last:
                item.other = True
                values[option.code] = OTHER
                text_followup = (option.specify or [])[0]
                assert isinstance(text_followup, TextFollowup)
                label: Text = option.label
                if text_followup.suffix is not None:
                    label = _join(label, text_followup.suffix)
                item.attributes.append(Attribute("other_replace_text", label, i18n=True))
                if text_followup.required:
                    item.attributes.append(Attribute("other_comment_mandatory", "1"))
                self.slots[text_followup.id] = Slot(
                    f"{code}_other", "text", guard=f'{code}.NAOK == "{OTHER}"'
                )
                continue
            answer = answers.make(option.code, fallback="A")
            values[option.code] = answer
            item.answers.append(Answer(answer, option.label, option.code))
            for f in option.specify or ():
                followups.append(self.followup(f, option.label, (question.id, option.code)))
        self.slots[question.id] = Slot(code, "choice", values=values)
        return [item, *followups]

    def multiple(self, question: MultipleChoice, code: str, text: Text) -> list[LsQuestion]:
        item = _item(question, code, "M", text)
        subs = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=_SUB_FORBIDDEN)
        options: dict[str, str] = {}
        exclusive: list[str] = []
        followups: list[LsQuestion] = []
        for option in question.options:
            sub = subs.make(option.code, fallback="SQ")
            item.subquestions.append(Subquestion(sub, option.label, option.code))
            options[option.code] = f"{code}_{sub}"
            if option.exclusive:
                exclusive.append(sub)
            for f in option.specify or ():
                followups.append(self.followup(f, option.label, (question.id, option.code)))
        if exclusive:
            item.attributes.append(Attribute("exclude_all_others", ";".join(exclusive)))
        if question.min_choices is not None:
            item.attributes.append(Attribute("min_answers", str(question.min_choices)))
        if question.max_choices is not None:
            item.attributes.append(Attribute("max_answers", str(question.max_choices)))
        self.slots[question.id] = Slot(code, "choices", options=options)
        return [item, *followups]

    def date_range(self, question: DateRangeQuestion, code: str, text: Text) -> list[LsQuestion]:
        start = _item(question, code, "D", text)
        end_code = self.codes.make(question.id, suffix="bis")
        end = LsQuestion(
            end_code,
            "D",
            question.to_label
            or self.chrome(
                "date_to",
                f"the label of the end of the date range {question.id!r}, which has no to_label,",
                f"give it a to_label ({self.example('to_label')}), and a from_label "
                "if its start needs one",
            ),
            question.id,
            role="part",
        )
        end.mandatory = question.required
        for item, which in ((start, "from"), (end, "to")):
            self.date_format(item, question.precision)
            if question.min is not None:
                item.attributes.append(Attribute("date_min", _full_date(question.min)))
            if question.max is not None:
                item.attributes.append(Attribute("date_max", _full_date(question.max, end=True)))
            self.slots[f"{question.id}.{which}"] = Slot(
                item.code, "date", precision=question.precision
            )
        if question.from_label is not None:  # dates have no prefix in LimeSurvey
            start.text = _join(text, question.from_label)
        end.attributes.append(
            Attribute(
                "em_validation_q",
                f"is_empty({code}.NAOK) or is_empty({end_code}.NAOK) "
                f"or {code}.NAOK <= {end_code}.NAOK",
            )
        )
        end.attributes.append(
            Attribute(
                "em_validation_q_tip",
                self.chrome(
                    "web_date_order",
                    f"the message of the date range {question.id!r} when its end is "
                    "before its start",
                    "no key of the instrument holds this message; ask for the two dates "
                    "as two date questions instead (they need no wording, but nothing "
                    "checks that the end is not before the start)",
                ),
                i18n=True,
            )
        )
        return [start, end]

    def text_list(self, question: TextListQuestion, code: str, text: Text) -> list[LsQuestion]:
        item = _item(question, code, "Q", text)
        subs = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=_SUB_FORBIDDEN)
        for f in question.fields:
            sub = subs.make(f.code, fallback="SQ")
            item.subquestions.append(Subquestion(sub, f.label or f.code, f.code))
            self.slots[f"{question.id}.{f.code}"] = Slot(f"{code}_{sub}", "text")
        if question.required:  # at least one field, not every field (docs/responses.md)
            item.mandatory = False
            item.attributes.append(Attribute("min_answers", "1"))
        return [item]

    def rows(self, question: MatrixQuestion | GridQuestion, item: LsQuestion) -> dict[str, str]:
        subs = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=_SUB_FORBIDDEN)
        rows: dict[str, str] = {}
        for row in question.rows:
            sub = subs.make(row.code, fallback="SQ")
            rows[row.code] = sub
            item.subquestions.append(Subquestion(sub, row.label, row.code))
        return rows

    def row_followups(self, question: MatrixQuestion | GridQuestion) -> list[LsQuestion]:
        found = []
        for row in question.rows:
            if row.specify is not None:
                found.append(self.followup(row.specify, row.label, (question.id, None)))
        return found

    def matrix(self, question: MatrixQuestion, code: str, text: Text) -> list[LsQuestion]:
        item = _item(question, code, "F", text)
        rows = self.rows(question, item)
        answers = Codes(ANSWER_CODE_LENGTH, letter_first=False, abbreviate=True)
        values: dict[str, str] = {}
        for column in question.scale:
            answer = answers.make(column.code, fallback="A")
            values[column.code] = answer
            item.answers.append(
                Answer(
                    answer, _label_with_description(column.label, column.description), column.code
                )
            )
        for row in question.rows:
            self.slots[f"{question.id}.{row.code}"] = Slot(
                f"{code}_{rows[row.code]}", "choice", values
            )
        return [item, *self.row_followups(question)]

    def grid(self, question: GridQuestion, code: str, text: Text) -> list[LsQuestion]:
        """A grid: one array question per kind of column (texts ``;``, numbers ``:``,
        check boxes ``:`` drawn as check boxes), sharing the rows."""
        kinds = (
            ("T", ";", TextColumn, "text"),
            ("N", ":", NumberColumn, "number"),
            ("C", ":", CheckColumn, "check"),
        )
        items: list[LsQuestion] = []
        for suffix, ls_type, kind, slot_kind in kinds:
            columns = [c for c in question.columns if isinstance(c, kind)]
            if not columns:
                continue
            first = not items
            part_code = code if first else self.codes.make(question.id, suffix=suffix)
            item = LsQuestion(
                part_code,
                ls_type,
                text
                if first
                else _join(
                    text,
                    self.chrome(
                        f"lss_{slot_kind}_columns",
                        f"the text of the grid {question.id!r}'s second question (its "
                        f"{slot_kind} columns)",
                        "no key of the instrument holds this text; split the grid into "
                        "one grid per kind of column (text, number, check) instead",
                    ),
                ),
                question.id,
                role="question" if first else "part",
                help=question.help if first else None,
            )
            rows = self.rows(question, item)
            cols = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=_SUB_FORBIDDEN)
            for column in columns:
                sub = cols.make(column.code, fallback="SQ")
                item.subquestions.append(
                    Subquestion(
                        sub,
                        _label_with_description(column.label, column.description),
                        column.code,
                        scale=1,
                    )
                )
                for row in question.rows:
                    name = f"{question.id}.{row.code}.{column.code}"
                    self.slots[name] = Slot(f"{part_code}_{rows[row.code]}_{sub}", slot_kind)
            if slot_kind == "check":
                item.attributes.append(Attribute("multiflexible_checkbox", "1"))
            if slot_kind == "number":
                # text boxes (not drop-downs of numbers); their bounds, where all agree
                item.attributes.append(Attribute("input_boxes", "1"))
                for attribute, bound in (
                    ("multiflexible_min", "min"),
                    ("multiflexible_max", "max"),
                ):
                    values = {getattr(c, bound) for c in columns}
                    if len(values) == 1 and None not in values:
                        item.attributes.append(Attribute(attribute, _number(values.pop())))
            items.append(item)
        # an exclusive check column leaves the rest of its row empty
        rules: list[str] = []
        for row in question.rows:
            for column in question.columns:
                if isinstance(column, CheckColumn) and column.exclusive:
                    ticked = self.slots[f"{question.id}.{row.code}.{column.code}"].name
                    others = [
                        self.slots[f"{question.id}.{row.code}.{c.code}"].name
                        for c in question.columns
                        if c is not column
                    ]
                    if others:
                        empty = " and ".join(f"is_empty({o}.NAOK)" for o in others)
                        rules.append(f"(is_empty({ticked}.NAOK) or ({empty}))")
        if rules:
            items[-1].attributes.append(Attribute("em_validation_q", " and ".join(rules)))
            items[-1].attributes.append(
                Attribute(
                    "em_validation_q_tip",
                    self.chrome(
                        "lss_exclusive_column",
                        f"the message of the grid {question.id!r}'s exclusive column",
                        "no key of the instrument holds this message; leave out "
                        "exclusive: true (nothing then empties the rest of the row)",
                    ),
                    i18n=True,
                )
            )
        if question.required:  # every row at least one cell (docs/responses.md)
            names = [
                [
                    f"{self.slots[f'{question.id}.{row.code}.{c.code}'].name}.NAOK"
                    for c in question.columns
                ]
                for row in question.rows
            ]
            rule = " and ".join(f"count({', '.join(cells)}) > 0" for cells in names)
            # on the last part, where every cell is defined; one equation per question
            last = items[-1].attributes
            equation = next((a for a in last if a.name == "em_validation_q"), None)
            if equation is None:
                last.append(Attribute("em_validation_q", rule))
                last.append(
                    Attribute(
                        "em_validation_q_tip",
                        self.chrome(
                            "web_required_row",
                            f"the message of the required grid {question.id!r}",
                            "no key of the instrument holds this message; make the "
                            "grid optional (required: false) instead",
                        ),
                        i18n=True,
                    )
                )
            else:
                assert isinstance(equation.value, str)
                equation.value = f"{equation.value} and {rule}"
        return [*items, *self.row_followups(question)]


_SUB_FORBIDDEN = frozenset({"other", "time"})


def _item(
    question: SingleChoice
    | MultipleChoice
    | TextQuestion
    | NumberQuestion
    | DateQuestion
    | DateRangeQuestion
    | TextListQuestion
    | MatrixQuestion,
    code: str,
    kind: str,
    text: Text,
) -> LsQuestion:
    """The LimeSurvey question that carries ``question`` itself: its help, and
    mandatory when it is required."""
    return LsQuestion(
        code, kind, text, question.id, help=question.help, mandatory=question.required
    )


def _sources(instrument: Instrument) -> list[str]:
    """The ids that become question codes, in order: questions and their follow-ups."""
    found: list[str] = []
    for _, question in instrument.questions():
        found.append(question.id)
        if isinstance(question, SingleChoice | MultipleChoice):
            found.extend(f.id for o in question.options for f in o.specify or ())
        elif isinstance(question, MatrixQuestion | GridQuestion):
            found.extend(r.specify.id for r in question.rows if r.specify is not None)
    return found


def date_formats(languages: list[str]) -> dict[str, dict[str, str]]:
    """For each language qdef has wording for, how it writes a date at each precision,
    in LimeSurvey's notation (``dd.mm.yyyy``): from the catalogue's ``date_value_*``,
    the same entries the paper questionnaire and the web form write dates with."""
    from qdef.wording.catalog import find  # noqa: PLC0415

    found: dict[str, dict[str, str]] = {}
    for lang in languages:
        chrome = find(lang)
        if chrome is not None:
            found[lang] = {
                precision: chrome(f"date_value_{precision}", day="dd", month="mm", year="yyyy")
                for precision in ("day", "month", "year")
            }
    return found


#: LimeSurvey's survey date formats (``surveyls_dateformat``), by number; the ones
#: with leading zeros (``getDateFormatData`` in LimeSurvey's surveytranslator_helper.php).
SURVEY_DATE_FORMATS = {
    "dd.mm.yyyy": "1",
    "dd-mm-yyyy": "2",
    "yyyy.mm.dd": "3",
    "dd/mm/yyyy": "5",
    "yyyy-mm-dd": "6",
    "yyyy/mm/dd": "7",
    "mm-dd-yyyy": "9",
}


def survey_date_format(lang: str) -> str | None:
    """``surveyls_dateformat`` for ``lang``: its full date as qdef writes it, or None
    (no wording for it, or a format LimeSurvey does not offer: its default applies)."""
    formats = date_formats([lang]).get(lang)
    return None if formats is None else SURVEY_DATE_FORMATS.get(formats["day"])


def _suffix(unit: Text | None, suffix: Text | None) -> Text | None:
    """A unit and a suffix as one text; punctuation (``.``, ``,``) follows without a
    space, as on paper."""
    if unit is None or suffix is None:
        return unit if suffix is None else suffix
    if isinstance(suffix, str):
        return _combine("{}{}", unit, _spaced(suffix))
    return _combine("{}{}", unit, {lang: _spaced(text) for lang, text in suffix.items()})


def _spaced(suffix: str) -> str:
    return suffix if re.match(r"[.,;:!?)]", suffix) else " " + suffix


def _number(value: int | float) -> str:
    return str(value)


def _full_date(iso: str, *, end: bool = False) -> str:
    """A qdef date at any precision as LimeSurvey's full date (the first, or with
    ``end`` the last, day it covers)."""
    parts = iso.split("-")
    if len(parts) == 1:
        return f"{iso}-12-31" if end else f"{iso}-01-01"
    if len(parts) == 2:
        if not end:
            return f"{iso}-01"
        import calendar  # noqa: PLC0415

        return f"{iso}-{calendar.monthrange(int(parts[0]), int(parts[1]))[1]:02d}"
    return iso


# ---------------------------------------------------------------------- relevance


#: What ExpressionScript cannot hold in a string literal. LimeSurvey reads a string
#: with the pattern ``(?<!\\)".*?(?<!\\)"`` (``em_core_helper.php``, the
#: ExpressionManager's ``$RDP_regex_dq_string``), whose ``.`` stops at a line feed; and
#: an .lss is XML, whose reader turns a carriage return into a line feed. Characters
#: XML 1.0 cannot carry at all are refused too.
_UNWRITABLE = re.compile("[\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def unwritable(text: str) -> str | None:
    """What keeps ``text`` from being written as an ExpressionScript string, or None."""
    found = _UNWRITABLE.search(text)
    if found is None:
        return None
    if found.group() in "\r\n":
        return "a line break"
    return f"the control character U+{ord(found.group()):04X}"


def string(text: str) -> str:
    """An ExpressionScript string literal for ``text``, as LimeSurvey reads it from a
    relevance equation (``em_core_helper.php`` ``RDP_Tokenize`` and
    ``em_manager_helper.php``, read for LimeSurvey 6):

    - the equation is first HTML-decoded (``htmlspecialchars_decode(…, ENT_QUOTES)``),
      so ``&`` is written ``&amp;`` (``&lt;`` in a string would otherwise become ``<``);
    - a string runs from a quote to the next quote not preceded by a backslash, and
      its value is the text between them with ``\\"`` → ``"``, ``\\'`` → ``'``, then
      ``\\\\`` → ``\\`` replaced in turn; so ``\\`` and ``"`` are escaped with a
      backslash.

    A text that ends with a backslash cannot be written (the closing quote would
    follow a backslash): :meth:`Compiler._compare` pads it. Line breaks cannot be
    written at all (:func:`unwritable`; refused before compiling)."""
    if text.endswith("\\"):
        raise ValueError(f"{text!r} ends with a backslash, which a string cannot")
    problem = unwritable(text)
    if problem is not None:
        raise ValueError(f"{text!r} holds {problem}, which a string cannot")
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + body + '"'


#: Appended to a text and to the value it is compared with when the value ends with a
#: backslash (``join(t.NAOK, "|")``): equality is kept, and the string no longer ends
#: with a backslash.
_PAD = "|"


_DATE_LENGTH = {"year": 4, "month": 7, "day": 10}


class Compiler:
    """qdef conditions as ExpressionScript on the slots: an unanswered (or hidden)
    variable is empty (``.NAOK``), and every comparison keeps qdef's rules for it."""

    def __init__(self, slots: Mapping[str, Slot]) -> None:
        self.slots = slots

    def compile(self, expr: Expr) -> str:
        text = self._expr(expr)
        return "1" if text == "true" else ("0" if text == "false" else text)

    def chosen(self, question: str, code: str | None) -> str:
        """The option ``code`` of ``question`` is chosen."""
        assert code is not None
        slot = self.slots[question]
        if slot.kind == "choices":
            return f'{slot.options[code]}.NAOK == "Y"'
        return f"{slot.name}.NAOK == {string(slot.values[code])}"

    def _name(self, ref: Ref) -> tuple[Slot, str]:
        slot = self.slots[ref.name]
        return slot, f"{slot.name}.NAOK"

    def _present(self, slot: Slot) -> str:
        """The variable has a value (an Other text counts only while Other is chosen)."""
        given = f"!is_empty({slot.name}.NAOK)"
        return given if slot.guard is None else f"({slot.guard} and {given})"

    def _answered(self, name: str) -> str:
        if name in self.slots:
            slot = self.slots[name]
            if slot.kind == "choices":
                return "(" + " or ".join(f'{v}.NAOK == "Y"' for v in slot.options.values()) + ")"
            if slot.kind == "check":
                return f'{slot.name}.NAOK == "1"'
            return self._present(slot)
        parts = [n for n in self.slots if n.startswith(name + ".")]
        return "(" + " or ".join(self._answered(p) for p in parts) + ")"

    def _expr(self, expr: Expr) -> str:
        match expr:
            case Literal(value=True):
                return "true"
            case Literal(value=False):
                return "false"
            case Ref():
                return self._answered(expr.name)  # a check box: ticked
            case Answered(ref=Ref(name=name)):
                return self._answered(name)
            case Not(operand=operand):
                return f"!({self._expr(operand)})"
            case And(operands=operands):
                return "(" + " and ".join(self._expr(o) for o in operands) + ")"
            case Or(operands=operands):
                return "(" + " or ".join(self._expr(o) for o in operands) + ")"
            case Has(left=Ref() as left, value=Literal(value=str() as code)):
                slot = self.slots[left.name]
                return f'{slot.options[code]}.NAOK == "Y"'
            case Has(left=Ref() as left, value=Ref() as value):  # q2 has q1 (a single choice)
                chosen, single = self.slots[left.name], self.slots[value.name]
                common = [c for c in single.values if c in chosen.options]
                return _any(
                    f'({chosen.options[c]}.NAOK == "Y" and '
                    f"{single.name}.NAOK == {string(single.values[c])})"
                    for c in common
                )
            case Compare(op=op, left=Ref() as left, right=Ref() as right):
                return self._compare_variables(left, op, right)
            case In(left=Ref() as left, values=values, negated=negated):
                any_of = " or ".join(self._compare(left, "==", v) for v in values)
                return f"!({any_of})" if negated else f"({any_of})"
            case Compare(op=op, left=Ref() as left, right=Literal() as right):
                return self._compare(left, op, right)
            case Compare(op=op, left=Literal() as left, right=Ref() as right):
                return self._compare(right, _FLIP[op], left)
        from qdef.expr.printer import to_source  # noqa: PLC0415

        raise RenderError(
            f"cannot compile the condition {to_source(expr)!r} for LimeSurvey; "
            "this is a bug in qdef's limesurvey renderer, please report it with the instrument"
        )

    def _compare_variables(self, left: Ref, op: str, right: Ref) -> str:
        """Two variables compared: false (``!=``: true) where either is unanswered."""
        a, b = self.slots[left.name], self.slots[right.name]
        if a.kind == "check" or b.kind == "check":
            ticked_a, ticked_b = self._answered(left.name), self._answered(right.name)
            same = f"(({ticked_a} and {ticked_b}) or (!({ticked_a}) and !({ticked_b})))"
            return same if op == "==" else f"!{same}"
        if a.kind == "choice":
            same = _any(
                f"({a.name}.NAOK == {string(a.values[c])} and "
                f"{b.name}.NAOK == {string(b.values[c])})"
                for c in a.values
                if c in b.values
            )
            return same if op == "==" else f"!({same})"
        subject_a, subject_b = self._subject(a), self._subject(b)
        if a.kind == "text":
            test = f"strcmp({subject_a}, {subject_b}) {op} 0"
        else:
            test = f"{subject_a} {op} {subject_b}"
        both = f"({self._present(a)} and {self._present(b)})"
        if op == "!=":
            return f"(!{both} or {test})"
        return f"({both} and {test})"

    def _subject(self, slot: Slot) -> str:
        name = f"{slot.name}.NAOK"
        if slot.kind == "date":
            assert slot.precision is not None
            return f"substr({name}, 0, {_DATE_LENGTH[slot.precision]})"
        return name

    def _compare(self, ref: Ref, op: str, literal: Literal) -> str:
        slot, name = self._name(ref)
        value = literal.value
        if slot.kind == "check" or isinstance(value, bool):
            ticked = f'{name} == "1"'
            truth = value is True
            want = truth if op == "==" else not truth
            return ticked if want else f"!({ticked})"
        if slot.kind == "choice":
            assert isinstance(value, str)
            equal = f"{name} == {string(slot.values[value])}"
            return equal if op == "==" else f"!({equal})"
        if slot.kind == "date":
            assert isinstance(value, str) and slot.precision is not None
            subject = f"substr({name}, 0, {_DATE_LENGTH[slot.precision]})"
            literal_text = string(value)
        elif slot.kind == "number":
            subject, literal_text = name, _number(value)  # type: ignore[arg-type]
        elif str(value).endswith("\\"):  # text (only == and !=): see string()
            subject = f"strcmp(join({name}, {string(_PAD)}), {string(str(value) + _PAD)})"
            literal_text = "0"
        else:  # text: compared as text, also where it looks like a number
            subject = f"strcmp({name}, {string(str(value))})"
            literal_text = "0"
        test = f"{subject} {op} {literal_text}"
        if op == "!=":  # an unanswered variable differs from every value
            return f"(!({self._present(slot)}) or {test})"
        return f"({self._present(slot)} and {test})"


def _any(parts: Any) -> str:
    """``parts`` joined with ``or`` (never true when there are none)."""
    found = list(parts)
    return "(" + " or ".join(found) + ")" if found else "0"


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def lower(instrument: Instrument, *, wording: bool = True) -> Survey:
    """The instrument as LimeSurvey groups and questions, with the slot of every
    variable and compiled relevance. Without ``wording`` (for the mapping, which
    holds codes only), qdef's own wording is left empty and needs no catalogue, and
    relevance is not compiled (it stays ``1``)."""
    return _Lowering(instrument, wording=wording).survey()


def mapping(survey: Survey) -> dict[str, Any]:
    """qdef ids and codes -> LimeSurvey codes and variables, as JSON data."""
    questions: dict[str, Any] = {}
    for group in survey.groups:
        for item in group.questions:
            carriers = questions.setdefault(item.source, {"questions": []})
            carriers["questions"].append({"code": item.code, "type": item.type, "role": item.role})
    variables: dict[str, Any] = {}
    for name, slot in survey.slots.items():
        entry: dict[str, Any] = {"variable": slot.name, "kind": slot.kind}
        if slot.values:
            entry["answers"] = dict(slot.values)
        if slot.options:
            entry["options"] = dict(slot.options)
        variables[name] = entry
    return {"questions": questions, "variables": variables}
