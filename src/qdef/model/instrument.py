"""The instrument and its sections."""

# Annotations are evaluated as the module runs (no ``from __future__ import annotations``):
# pydantic would otherwise compile every annotation string when the classes are made.
from collections.abc import Iterator
from typing import Annotated, ClassVar

from pydantic import Field

from qdef.model.base import (
    INSTRUMENT_ID_PATTERN,
    Condition,
    FormatVersion,
    Id,
    Language,
    Node,
    Text,
)
from qdef.model.corecache import LazyValidator
from qdef.model.questions import Display, Question

FORMAT_VERSION = 1


class Section(Node):
    """A part of the instrument: a title, an optional condition and its questions."""

    noun: ClassVar[str] = "a section"

    id: Id
    """A stable identifier, unique in the instrument."""
    title: Text | None = None
    """The section heading."""
    intro: Text | None = None
    """Text shown at the start of the section."""
    when: Condition | None = None
    """Show the section's questions only when this condition holds."""
    questions: Annotated[list[Question], Field(min_length=1)]
    """The section's questions, in order."""


class Instrument(Node):
    """A questionnaire: metadata and an ordered list of sections."""

    noun: ClassVar[str] = "the instrument"

    qdef: FormatVersion
    """The version of the qdef format: ``1``."""
    id: Annotated[str, Field(pattern=INSTRUMENT_ID_PATTERN, max_length=100)]
    """A stable identifier for the instrument."""
    version: Annotated[str, Field(min_length=1)] | None = None
    """The instrument's own version, e.g. ``2022-02``."""
    title: Text
    """The instrument's title."""
    language: Language
    """The language of the texts (BCP 47), e.g. ``de``."""
    translations: list[Language] = []  # noqa: RUF012 - pydantic copies defaults
    """Further languages every text is given in (as a mapping ``{de: …, en: …}``)."""
    intro: Text | None = None
    """The introduction printed before the first question."""
    sections: Annotated[list[Section], Field(min_length=1)]
    """The sections, in order."""

    def questions(self) -> Iterator[tuple[Section, Question]]:
        """Every question in sequence order, with its section."""
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def numbered(self) -> Iterator[tuple[Question, str | None]]:
        """Every question in sequence order with its display number (None for displays).

        Numbering is continuous across sections. An explicit whole ``number``
        (``"7"``) sets the count, so the next question is 8; any other explicit
        number (``"3a"``) is shown as given and leaves the count alone.
        """
        count = 0
        for _, question in self.questions():
            if isinstance(question, Display):
                yield question, None
                continue
            if question.number is None:
                count += 1
                yield question, str(count)
                continue
            if question.number.isdigit():
                count = int(question.number)
            yield question, question.number

    def numbers(self) -> dict[str, str]:
        """The display number of every question that has one, by question id (counted
        on each call: :attr:`qdef.pipeline.compiled.Compiled.numbers` keeps them)."""
        return {q.id: number for q, number in self.numbered() if number is not None}


# Validating an instrument takes the validator from the cache (built on first use).
Instrument.__pydantic_validator__ = LazyValidator(Instrument)  # type: ignore[assignment]
