"""Wording qdef adds itself that an author has written already: one rule for the
renderers (print it once) and for the semantic check QD515 (say so).

qdef prints "(Mehrfachnennungen möglich)" after the text of every multiple
choice question, the bounds from ``min_choices``/``max_choices`` after it,
and "(nur allein ankreuzen)" beside an exclusive option, in the words of the
chrome catalogue of the language it prints. An author who writes the same
phrase into the question's text or hint (or the option's label) would see it
twice. A text *says* a phrase when it contains its words, ignoring case,
spacing and the parentheses around the phrase: ``Mehrfachnennungen möglich``
says ``(Mehrfachnennungen möglich)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from qdef.model import Instrument, MultipleChoice, MultipleOption, Question
from qdef.model.symbols import Symbols
from qdef.source.positions import KeyPath

#: A catalogue lookup: ``chrome("multiple")``, ``chrome("min_choices", count=2)``.
Chrome = Callable[..., str]
#: The text of an instrument text in the language printed (None: no text).
TextOf = Callable[[object], str | None]


@dataclass(frozen=True, slots=True)
class Added:
    """A phrase qdef prints beside the author's texts at ``beside`` (key paths relative
    to the question), and where, for messages."""

    phrase: str
    beside: tuple[KeyPath, ...]
    where: str


def says(text: str | None, phrase: str) -> bool:
    """Whether ``text`` already says ``phrase`` (its words, ignoring case, spacing and the
    parentheses around it)."""
    words = _words(phrase.strip().removeprefix("(").removesuffix(")"))
    return bool(text) and bool(words) and words in _words(text or "")


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def choice_phrases(question: MultipleChoice, chrome: Chrome) -> list[str]:
    """``(Mehrfachnennungen möglich)`` and the bounds on how many, as qdef prints them."""
    hints = [chrome("multiple")]
    low, high = question.min_choices, question.max_choices
    if low is not None and low > 1 and high is not None:
        hints.append(chrome("choices_between", min=low, max=high))
    elif low is not None and low > 1:
        hints.append(chrome("min_choices", count=low))
    elif high is not None:
        hints.append(chrome("max_choices", count=high))
    return hints


def added(question: Question, chrome: Chrome) -> Iterator[Added]:
    """Every phrase qdef prints beside the texts of ``question``."""
    if not isinstance(question, MultipleChoice):
        return
    where = "after the text of every multiple choice question"
    for phrase in choice_phrases(question, chrome):
        yield Added(phrase, (("text",), ("hint",)), where)
        where = "after the text of a question with min_choices or max_choices"
    for i, option in enumerate(question.options):
        if isinstance(option, MultipleOption) and option.exclusive:
            yield Added(
                chrome("exclusive_option"),
                (("options", i, "label"),),
                "beside an exclusive option",
            )


def written(question: Question, phrase: Added, text_of: TextOf) -> KeyPath | None:
    """Where the author of ``question`` has written ``phrase`` already (None: nowhere)."""
    for path in phrase.beside:
        if says(text_of(_at(question, path)), phrase.phrase):
            return path
    return None


def _at(question: Question, path: KeyPath) -> object:
    node: object = question
    for step in path:
        node = (
            node[step]
            if isinstance(node, list) and isinstance(step, int)
            else getattr(node, str(step))
        )
    return node


def choice_hints(question: MultipleChoice, chrome: Chrome, text_of: TextOf) -> list[str]:
    """The choice hints to print after the question: those its text and hint do not
    say already."""
    return [
        phrase
        for phrase in choice_phrases(question, chrome)
        if not (says(text_of(question.text), phrase) or says(text_of(question.hint), phrase))
    ]


def exclusive_hint(option: MultipleOption, chrome: Chrome, text_of: TextOf) -> str | None:
    """``(nur allein ankreuzen)`` for an exclusive option whose label does not say it."""
    if not option.exclusive:
        return None
    phrase = chrome("exclusive_option")
    return None if says(text_of(option.label), phrase) else phrase


def repeated(
    instrument: Instrument, symbols: Symbols | None = None
) -> Iterator[tuple[KeyPath, str, str, str]]:
    """For the semantic check: (key path of the text, language, phrase, where qdef prints
    it) for every phrase an author wrote that qdef adds itself, in each of the
    instrument's languages that qdef has a catalogue of its own for (validation
    imports no plugin). ``symbols`` is the instrument's symbol table, if the caller
    has it."""
    from qdef.model.symbols import build  # noqa: PLC0415 - as cheap as the module
    from qdef.wording.catalog import find  # noqa: PLC0415

    entries = (symbols or build(instrument)).entries
    languages = list(dict.fromkeys([instrument.language, *instrument.translations]))
    for language in languages:
        chrome = find(language, plugins=False)
        if chrome is None:
            continue

        def text_of(text: object, language: str = language) -> str | None:
            if isinstance(text, dict):
                value = text.get(language)
                return value if isinstance(value, str) else None
            return text if isinstance(text, str) and language == instrument.language else None

        for entry in entries:
            for phrase in added(entry.question, chrome):
                path = written(entry.question, phrase, text_of)
                if path is None:
                    continue
                text = _at(entry.question, path)
                full = (*entry.path, *path, *((language,) if isinstance(text, dict) else ()))
                yield full, language, phrase.phrase, phrase.where
