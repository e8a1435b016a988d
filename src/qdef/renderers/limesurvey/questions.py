"""Lowering qdef's questions to LimeSurvey questions: the state of one lowering
(codes, slots, the place being lowered, qdef's wording) and the questions that
are not arrays: choices, text, number and date fields, date ranges, text
lists, and the follow-ups of options. Matrices and grids are in
:mod:`~qdef.renderers.limesurvey.arrays`; the whole survey in
:mod:`~qdef.renderers.limesurvey.lowering`.
"""

from __future__ import annotations

import re
from typing import NoReturn

from qdef.diagnostics import Code
from qdef.errors import LocatedRenderError, MissingWordingError, WordingPlace
from qdef.model import (
    DateFollowup,
    DateQuestion,
    DateRangeQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberFollowup,
    NumberQuestion,
    RankingQuestion,
    SingleChoice,
    TextFollowup,
    TextListQuestion,
    TextQuestion,
)
from qdef.renderers.limesurvey.codes import (
    ANSWER_CODE_LENGTH,
    OTHER,
    OTHER_CODES,
    QUESTION_CODE_LENGTH,
    RESERVED,
    SUBQUESTION_CODE_LENGTH,
    SUBQUESTION_FORBIDDEN,
    Codes,
    Slot,
    question_sources,
)
from qdef.renderers.limesurvey.expressions import number
from qdef.renderers.limesurvey.survey import (
    Answer,
    Attribute,
    CatalogFor,
    LsGroup,
    LsQuestion,
    Subquestion,
    Text,
    combine,
    date_formats,
    join,
)
from qdef.rendering import find_catalog, missing_wording_message


class QuestionLowering:
    """The state of lowering one instrument, and its questions that are not arrays."""

    def __init__(
        self, instrument: Instrument, *, wording: bool = True, catalogs: CatalogFor = None
    ) -> None:
        self.instrument, self.wording = instrument, wording
        self.languages = [instrument.language, *instrument.translations]
        self.catalog_for = catalogs or find_catalog  # qdef's wording in a language, or None
        self.date_formats = date_formats(self.languages, self.catalog_for)
        self.groups: list[LsGroup] = []
        self.codes = Codes(QUESTION_CODE_LENGTH, letter_first=True, forbidden=RESERVED)
        self.slots: dict[str, Slot] = {}
        self.question_codes = self.codes.reserve(question_sources(instrument))
        self.place: tuple[str | int, ...] = ()
        """The section or question being lowered: where wording is needed."""
        self.missing: list[WordingPlace] = []
        """Every place that needs qdef's wording in a language it has none for."""
        self.filter_sources = {
            question.filter.chosen_in or question.filter.not_chosen_in
            for _, question in instrument.questions()
            if isinstance(question, SingleChoice | RankingQuestion) and question.filter is not None
        }
        """The multiple choices that filter a single choice's options (or a ranking's
        items): LimeSurvey's ``array_filter`` matches the list's answer codes with their
        subquestion codes, so those are made as answer codes (at most 5 characters) and shared."""
        self.subquestion_codes: dict[str, dict[str, str]] = {}
        """qdef code -> subquestion code, for each multiple choice in ``filter_sources``."""

    def chrome(self, key: str, needed_for: str, fix: str, **values: object) -> Text:
        """qdef's own wording for ``key``, in every language of the survey (the survey
        holds them all). Without wording (the mapping only): empty. Where a language
        has no catalogue, the place is noted (``needed_for``: what needs the wording;
        ``fix``: what the author can do in the instrument) and :meth:`refuse` reports
        every such place at once, once the whole survey is lowered."""
        if not self.wording:
            return ""
        catalogs = {lang: self.catalog_for(lang) for lang in self.languages}
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
        unworded = [lang for lang in self.languages if self.catalog_for(lang) is None]
        count = len(self.missing)
        raise MissingWordingError(
            f"a LimeSurvey survey holds every language of the instrument "
            f"({', '.join(self.languages)}; --lang does not change that), and this one "
            f"prints qdef's own wording in {count} place{'' if count == 1 else 's'}. "
            + missing_wording_message(*unworded)
            + "; what the instrument can do instead:",
            self.missing,
        )

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
            item.text = join(item.text, node.label, node.suffix)
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
                item.attributes.append(Attribute("min_num_value_n", number(node.min)))
            if node.max is not None:
                item.attributes.append(Attribute("max_num_value_n", number(node.max)))
            if node.kind == "integer":
                item.attributes.append(Attribute("num_value_int_only", "1"))
            suffix = _suffix(node.unit, node.suffix)
            if suffix is not None:
                item.attributes.append(Attribute("suffix", suffix, i18n=True))
            if isinstance(node, NumberQuestion) and node.step is not None:
                self.step(item, node)
            self.slots[name] = Slot(item.code, "number")
        else:
            item.type = "D"
            self.date_format(item, node.precision)
            if node.min is not None:
                item.attributes.append(Attribute("date_min", full_date(node.min)))
            if node.max is not None:
                item.attributes.append(Attribute("date_max", full_date(node.max, end=True)))
            self.slots[name] = Slot(item.code, "date", precision=node.precision)

    def step(self, item: LsQuestion, node: NumberQuestion) -> None:
        """A number's ``step`` (an answer is ``min + k·step``, from 0 without ``min``)
        as a validation equation: exact in ExpressionScript for a whole step from a
        whole start (``intval`` of the quotient, times the step, is the distance
        exactly when it is a multiple); any other step is refused (QD806)."""
        assert node.step is not None
        start = node.min if node.min is not None else 0
        if float(node.step) != int(node.step) or float(start) != int(start):
            raise LocatedRenderError(
                Code.QD806,
                f"the step {number(node.step)} of {node.id!r} from {number(start)} cannot "
                "be checked exactly in LimeSurvey's ExpressionScript, whose numbers are "
                "binary fractions: give a whole step from a whole min (or none), or show "
                "the number as a slider (widget: slider), for LimeSurvey",
                f"the step of {node.id!r}",
                (*self.place, "step"),
            )
        value = f"{item.code}.NAOK"
        distance = f"({value} - {number(int(start))})"
        step = number(int(node.step))
        item.attributes.append(
            Attribute(
                "em_validation_q",
                f"(is_empty({value}) or intval({distance} / {step}) * {step} == {distance})",
            )
        )
        item.attributes.append(
            Attribute(
                "em_validation_q_tip",
                self.chrome(
                    "lss_step",
                    f"the message of the step of {node.id!r}",
                    "no key of the instrument holds this message; leave out the step",
                    step=step,
                    start=number(int(start)),
                ),
                i18n=True,
            )
        )

    def date_format(self, item: LsQuestion, precision: str) -> None:
        """The question's ``date_format``, as the survey's languages write dates. The
        attribute has no language in LimeSurvey: it is set only where every language
        of the survey writes the date alike. A full date written differently
        (``dd.mm.yyyy``, ``dd/mm/yyyy``), or in a language qdef has no wording for
        (whose way of writing dates qdef does not know), is left out, and each
        language's survey setting applies (``surveyls_dateformat``,
        :func:`~qdef.renderers.limesurvey.survey.survey_date_format`; LimeSurvey's
        default for a language without wording). No survey setting holds a month or
        a year alone: those are always set, as the languages qdef knows write them
        (else ``mm/yyyy``, ``yyyy``)."""
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
            item.text = join(label, followup.label)
        return item

    def single(self, question: SingleChoice, code: str, text: Text) -> list[LsQuestion]:
        item = carrier(question, code, "!" if question.widget == "dropdown" else "L", text)
        if question.widget == "buttons":  # the core theme of a list as a row of buttons
            item.theme = "bootstrap_buttons"
        answers = Codes(ANSWER_CODE_LENGTH, letter_first=False, abbreviate=True)
        values: dict[str, str] = {}
        last = question.options[-1]
        # a filtered list's answers have the codes of its source's subquestions
        shared = self.subquestion_codes.get(
            (question.filter.chosen_in or question.filter.not_chosen_in or "")
            if question.filter is not None
            else ""
        )
        other = (
            shared is None  # LimeSurvey's Other is filtered by a source's Other
            and last.code.lower() in OTHER_CODES
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
                    label = join(label, text_followup.suffix)
                item.attributes.append(Attribute("other_replace_text", label, i18n=True))
                if text_followup.required:
                    item.attributes.append(Attribute("other_comment_mandatory", "1"))
                self.slots[text_followup.id] = Slot(
                    f"{code}_other", "text", guard=f'{code}.NAOK == "{OTHER}"'
                )
                continue
            if shared is not None and option.code in shared:
                answer = shared[option.code]
            else:
                answer = answers.make(option.code, fallback="A")
            values[option.code] = answer
            item.answers.append(Answer(answer, option.label, option.code))
            for f in option.specify or ():
                followups.append(self.followup(f, option.label, (question.id, option.code)))
        self.slots[question.id] = Slot(code, "choice", values=values)
        return [item, *followups]

    def multiple(self, question: MultipleChoice, code: str, text: Text) -> list[LsQuestion]:
        item = carrier(question, code, "M", text)
        filters = question.id in self.filter_sources
        subs = Codes(
            ANSWER_CODE_LENGTH if filters else SUBQUESTION_CODE_LENGTH,
            letter_first=False,
            forbidden=SUBQUESTION_FORBIDDEN,
            abbreviate=filters,
        )
        options: dict[str, str] = {}
        shared: dict[str, str] = {}
        exclusive: list[str] = []
        followups: list[LsQuestion] = []
        for option in question.options:
            sub = subs.make(option.code, fallback="SQ")
            item.subquestions.append(Subquestion(sub, option.label, option.code))
            options[option.code] = f"{code}_{sub}"
            shared[option.code] = sub
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
        if filters:
            self.subquestion_codes[question.id] = shared
        return [item, *followups]

    def date_range(self, question: DateRangeQuestion, code: str, text: Text) -> list[LsQuestion]:
        start = carrier(question, code, "D", text)
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
                item.attributes.append(Attribute("date_min", full_date(question.min)))
            if question.max is not None:
                item.attributes.append(Attribute("date_max", full_date(question.max, end=True)))
            self.slots[f"{question.id}.{which}"] = Slot(
                item.code, "date", precision=question.precision
            )
        if question.from_label is not None:  # dates have no prefix in LimeSurvey
            start.text = join(text, question.from_label)
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
        item = carrier(question, code, "Q", text)
        subs = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=SUBQUESTION_FORBIDDEN)
        for f in question.fields:
            sub = subs.make(f.code, fallback="SQ")
            item.subquestions.append(Subquestion(sub, f.label or f.code, f.code))
            self.slots[f"{question.id}.{f.code}"] = Slot(f"{code}_{sub}", "text")
        if question.required:  # at least one field, not every field (docs/responses.md)
            item.mandatory = False
            item.attributes.append(Attribute("min_answers", "1"))
        return [item]


def carrier(
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


def _suffix(unit: Text | None, suffix: Text | None) -> Text | None:
    """A unit and a suffix as one text; punctuation (``.``, ``,``) follows without a
    space, as on paper."""
    if unit is None or suffix is None:
        return unit if suffix is None else suffix
    if isinstance(suffix, str):
        return combine("{}{}", unit, _spaced(suffix))
    return combine("{}{}", unit, {lang: _spaced(text) for lang, text in suffix.items()})


def _spaced(suffix: str) -> str:
    return suffix if re.match(r"[.,;:!?)]", suffix) else " " + suffix


def full_date(iso: str, *, end: bool = False) -> str:
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
