"""Input fields shared by questions and the follow-ups attached to options and rows."""

# Annotations are evaluated as the module runs (no ``from __future__ import annotations``):
# pydantic would otherwise compile every annotation string when the classes are made.
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from qdef.model.base import INTEGRAL, IsoDate, Node, Number, Text

TextFormat = Literal["email", "phone", "url"]
NumberKind = Literal["integer", "decimal"]
Precision = Literal["day", "month", "year"]


class Affixes(Node):
    label: Text | None = None
    """Text printed before the blank, e.g. ``Bitte nennen:``."""
    suffix: Text | None = None
    """Text printed after the blank (and unit), e.g. ``(bitte nennen)``."""


class Pattern(Node):
    """A regular expression the whole answer must match, with the message shown when not."""

    noun: ClassVar[str] = "a pattern"

    regex: Annotated[str, Field(min_length=1, max_length=500)]
    """The expression, in the subset Python, JavaScript and PCRE read alike (docs/format.md,
    "Patterns"); it must match the whole answer (no ``^`` or ``$`` needed)."""
    message: Text | None = None
    """What the respondent is told when the answer does not match (default: the wording
    catalogue's)."""


class TextInput(Affixes):
    long: bool = False
    """Free text over several lines rather than one short line."""
    lines: Annotated[int, Field(ge=1, le=50), INTEGRAL] | None = None
    """How many lines to leave on paper (and the visible height on screen)."""
    format: TextFormat | None = None
    """A format the answer must have: ``email``, ``phone`` or ``url``."""
    max_length: Annotated[int, Field(ge=1), INTEGRAL] | None = None
    """The most characters an answer may have."""
    pattern: Pattern | None = None
    """A regular expression the answer must match, and the message when it does not."""


class NumberInput(Affixes):
    kind: NumberKind = "integer"
    """``integer`` (whole numbers) or ``decimal``."""
    min: Number | None = None
    """The smallest allowed value."""
    max: Number | None = None
    """The largest allowed value."""
    unit: Text | None = None
    """The unit printed after the blank, e.g. ``Stunden pro Woche``."""


class DateInput(Affixes):
    precision: Precision = "day"
    """``day`` (TT.MM.JJJJ), ``month`` (MM/JJJJ) or ``year`` (JJJJ)."""
    min: IsoDate | None = None
    """The earliest allowed date, at the question's precision (``2020-01``)."""
    max: IsoDate | None = None
    """The latest allowed date, at the question's precision."""
