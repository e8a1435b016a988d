"""The instrument and its sections."""

# Annotations are evaluated as the module runs (no ``from __future__ import annotations``):
# pydantic would otherwise compile every annotation string when the classes are made.
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from qdef.model.base import (
    INSTRUMENT_ID_PATTERN,
    INTEGRAL,
    Code,
    Condition,
    FormatVersion,
    Id,
    IsoDate,
    Language,
    Node,
    NonEmpty,
    Number,
    Text,
)
from qdef.model.corecache import LazyValidator
from qdef.model.inputs import NumberKind, Precision
from qdef.model.questions import Computed, Display, Order, Question

FORMAT_VERSION = 1


class HiddenBase(Node):
    id: Id
    """The variable name (and the name of its URL parameter); unique in the instrument."""
    label: Text | None = None
    """What the value means (for the codebook and data exports); never shown."""


class HiddenOption(Node):
    """A code a hidden choice variable may take."""

    noun: ClassVar[str] = "a hidden variable's code"

    code: Code
    """The code."""
    label: Text
    """What the code means."""


class HiddenChoice(HiddenBase):
    """A hidden variable holding one of its codes (e.g. the respondent's region)."""

    noun: ClassVar[str] = "a hidden choice variable"

    type: Literal["choice"]
    """The kind of value: ``choice``, one of ``options``."""
    options: Annotated[list[HiddenOption], Field(min_length=1)]
    """The codes it may take. Their codes are unique."""
    default: Code | None = None
    """The value when none is given from outside."""


class HiddenText(HiddenBase):
    """A hidden variable holding a text (e.g. a name to address the respondent with)."""

    noun: ClassVar[str] = "a hidden text variable"

    type: Literal["text"]
    """The kind of value: ``text``."""
    default: NonEmpty | None = None
    """The value when none is given from outside."""


class HiddenNumber(HiddenBase):
    """A hidden variable holding a number (e.g. the size of the respondent's household)."""

    noun: ClassVar[str] = "a hidden number variable"

    type: Literal["number"]
    """The kind of value: ``number``."""
    kind: NumberKind = "integer"
    """``integer`` (whole numbers) or ``decimal``."""
    min: Number | None = None
    """The smallest allowed value."""
    max: Number | None = None
    """The largest allowed value."""
    default: Number | None = None
    """The value when none is given from outside."""


class HiddenDate(HiddenBase):
    """A hidden variable holding a date (e.g. the date of the last interview)."""

    noun: ClassVar[str] = "a hidden date variable"

    type: Literal["date"]
    """The kind of value: ``date``."""
    precision: Precision = "day"
    """``day``, ``month`` or ``year``."""
    min: IsoDate | None = None
    """The earliest allowed date."""
    max: IsoDate | None = None
    """The latest allowed date."""
    default: IsoDate | None = None
    """The value when none is given from outside."""


Hidden = Annotated[
    HiddenChoice | HiddenText | HiddenNumber | HiddenDate, Field(discriminator="type")
]
"""A variable set from outside (a URL parameter, a default), never shown."""


class Repeat(Node):
    """What a roster section is repeated for: each entry of an earlier answer, or a count.

    Exactly one of ``for_each`` and ``times`` is given."""

    noun: ClassVar[str] = "a repeat"

    for_each: Id | None = None
    """An earlier multiple choice (once for each chosen option, in the options' order) or
    text list (once for each answered field, in the fields' order)."""
    times: Id | None = None
    """An earlier integer number question or hidden number: repeated that many times (at
    most ``max``)."""
    max: Annotated[int, Field(ge=1, le=100), INTEGRAL] | None = None
    """The most iterations: required with ``times`` (the number's own ``max`` may not be
    larger); with ``for_each`` it is the number of options (fields) and may be left out."""
    item: Id
    """The name by which the section's texts and conditions refer to the current item:
    the option's code (its label when piped), the field's text, or the iteration's
    number 1, 2, 3 …"""


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
    order: Order = "written"
    """``written`` (the default) or ``random``: the questions in a random order per
    respondent (questions and texts with ``anchor: true`` at their written place); they
    may not refer to each other or route within the section."""
    repeat: Repeat | None = None
    """Make the section a roster: its questions are asked once per item (see
    :class:`Repeat`); the answers are a list of records under the section's id."""


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
    """Further languages the texts are translated into (a text as a mapping ``{de: …, en: …}``;
    one lacking a translation is shown in ``language``)."""
    intro: Text | None = None
    """The introduction printed before the first question."""
    hidden: Annotated[list[Hidden], Field(min_length=1)] | None = None
    """Variables set from outside (URL parameters, defaults), never shown; usable in
    conditions, texts and computed values from the first question on."""
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
            if isinstance(question, Display | Computed):
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
