"""Wording every renderer of a questionnaire prints the same way, from the chrome
catalogue: choice hints, routing notes, personal-data notes. Plain text: each
renderer escapes it for its format."""

from __future__ import annotations

from qdef.model import (
    Computed,
    Display,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    MultipleOption,
    Option,
    Question,
    SingleChoice,
    TextListQuestion,
)
from qdef.rendering.notes import Destination, QuestionNotes, SectionNotes
from qdef.rendering.protocol import RenderOptions
from qdef.rendering.words import Words
from qdef.wording import authored


def choices_hints(question: MultipleChoice, options: RenderOptions) -> list[str]:
    """``(Mehrfachnennungen möglich)`` and the bounds on how many, unless the question's
    text or hint says them already (:mod:`qdef.wording.authored`)."""
    return authored.choice_hints(question, options.chrome, _text_of(options))


def exclusive_hint(option: Option, options: RenderOptions) -> str | None:
    """``(nur allein ankreuzen)`` beside an exclusive option, unless its label says it."""
    if not isinstance(option, MultipleOption):
        return None
    return authored.exclusive_hint(option, options.chrome, _text_of(options))


def _text_of(options: RenderOptions) -> authored.TextOf:
    text = options.text

    def text_of(value: object) -> str | None:
        return text(value) if isinstance(value, str | dict) else None

    return text_of


def continue_text(destination: Destination, options: RenderOptions) -> str:
    """``Weiter mit Frage 22`` (or the end)."""
    if destination.number is None:
        return options.chrome("continue_end")
    return options.chrome("continue", number=destination.number)


def goto_text(destination: Destination, options: RenderOptions) -> str:
    """``(weiter mit Frage 7)`` beside an option (or the end)."""
    if destination.number is None:
        return "(" + options.chrome("goto_end") + ")"
    return "(" + options.chrome("goto", number=destination.number) + ")"


def section_only_if(notes: SectionNotes, words: Words, options: RenderOptions) -> str | None:
    """``Diesen Teil nur beantworten, wenn …; sonst weiter mit Frage N.``"""
    if notes.only_if is None:
        return None
    condition = words.describe(notes.only_if)
    otherwise = notes.otherwise
    if otherwise is None or otherwise.number is None:
        return options.chrome("section_only_if_end", condition=condition)
    return options.chrome("section_only_if", condition=condition, number=otherwise.number)


def question_only_if(
    question: Question, notes: QuestionNotes, words: Words, options: RenderOptions
) -> str | None:
    """``Nur beantworten, wenn …`` for a question with its own condition."""
    if notes.only_if is None:
        return None
    key = "only_if_display" if isinstance(question, Display) else "only_if"
    return options.chrome(key, condition=words.describe(notes.only_if))


def personal_note(question: Question, words: Words, options: RenderOptions) -> str | None:
    """The note that a question asks for personal data, naming the fields that do."""
    if isinstance(question, Display | Computed):
        return None
    chrome = options.chrome
    if question.personal:
        return chrome("personal_question")
    names = [words.quoted(n) for n in _personal_fields(question, words)]
    if not names:
        return None
    if len(names) == 1:
        return chrome("personal_field", field=names[0])
    joined = chrome("list_join").join(names[:-1]) + chrome("list_join_last") + names[-1]
    return chrome("personal_fields", fields=joined)


def _personal_fields(question: Question, words: Words) -> list[str]:
    text = words.text  # a piped label as paper prints it
    if isinstance(question, SingleChoice | MultipleChoice):
        return [
            text(followup.label or option.label)
            for option in question.options
            for followup in option.specify or ()
            if followup.personal
        ]
    if isinstance(question, TextListQuestion):
        return [text(f.label) if f.label else f.code for f in question.fields if f.personal]
    if isinstance(question, MatrixQuestion | GridQuestion):
        return [text(r.label) for r in question.rows if r.specify and r.specify.personal]
    return []
