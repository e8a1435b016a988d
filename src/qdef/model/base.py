"""Building blocks shared by every part of the model: strict nodes, ids, codes, texts."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
CODE_PATTERN = r"^[A-Za-z0-9_]+$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
INSTRUMENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
#: ISO 8601 calendar dates at year, month or day precision.
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

#: The goto target that ends the instrument.
END = "end"


class Node(BaseModel):
    """Base of every model class: strict types, no unknown keys, immutable.

    Strictness is what makes the model accept exactly what the published JSON
    Schema accepts: no coercion of ``1`` to ``"1"`` or ``"yes"`` to ``True``.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        validate_default=False,
        use_attribute_docstrings=True,
    )

    noun: ClassVar[str] = "a mapping"
    """How messages name this kind of node ("a single-choice question")."""


Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
"""A stable identifier: a letter, then letters, digits or ``_``. Becomes a variable name."""

Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
"""A stable answer code: letters, digits or ``_``. Always text (quote numbers: ``"1"``)."""

Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]
"""A BCP 47 language tag such as ``de`` or ``en-GB``."""

NonEmpty = Annotated[str, Field(min_length=1)]

Text = NonEmpty | Annotated[dict[Language, NonEmpty], Field(min_length=1)]
"""Text shown to respondents: a string in the instrument's language, or a
mapping from language tags to strings when translations exist."""

Condition = Annotated[str, Field(min_length=1)]
"""A condition in qdef's expression language, e.g. ``q1 == "ja" and answered(q2)``."""

Target = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
"""The id of a later question, or ``end``."""

IsoDate = Annotated[str, Field(pattern=DATE_PATTERN)]
"""``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, matching the question's precision."""

Number = int | float
