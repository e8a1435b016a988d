"""Building blocks shared by every part of the model: strict nodes, ids, codes, texts."""

# Annotations are evaluated as the module runs (no ``from __future__ import annotations``):
# pydantic would otherwise compile every annotation string when the classes are made.
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

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

    Defining a class builds nothing (``defer_build``): pydantic builds a class's
    validator and serializer when one is first used, the instrument's validator
    comes from a cache file (:mod:`qdef.model.corecache`), and the docstrings
    under the fields become their descriptions only when something reads them
    (:mod:`qdef.model.docs`) — so that importing the model stays cheap.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        allow_inf_nan=False,
        validate_default=False,
        defer_build=True,
        # no field starts with "model_": nothing for pydantic to check each class for
        protected_namespaces=(),
    )

    noun: ClassVar[str] = "a mapping"
    """How messages name this kind of node ("a single-choice question")."""

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """pydantic's, after giving every field its docstring as description (every build
        of a core schema comes here first, so the JSON Schema has them)."""
        from qdef.model.docs import document  # noqa: PLC0415

        document(Node)
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,
            _types_namespace=_types_namespace,
        )


Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
"""A stable identifier: a letter, then letters, digits or ``_``. Becomes a variable name."""

Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
"""A stable answer code: letters, digits or ``_``. Always text (quote numbers: ``"1"``)."""

Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]
"""A BCP 47 language tag such as ``de`` or ``en-GB``."""

VISIBLE_PATTERN = r"[^ \t\n\r]"
NonEmpty = Annotated[str, Field(min_length=1, pattern=VISIBLE_PATTERN)]
"""Text with at least one character besides spaces, tabs and line breaks.

(An explicit class, not ``\\S``: Python, ECMA-262 and Rust disagree on what ``\\s`` is.)"""

SOURCE_HASH_PATTERN = r"^[0-9a-f]{8}$"
SourceHash = Annotated[str, Field(pattern=SOURCE_HASH_PATTERN)]
"""The first eight hexadecimal digits of the SHA-256 of a source text (UTF-8)."""


class Translation(Node):
    """A translation with the source text it was made from: ``{text: …, source: 1a2b3c4d}``.

    ``qdef translate merge`` writes translations this way, so that ``qdef validate``
    can tell when the source text has changed since (QD411). The model hands the
    ``text`` on as a plain string: renderers never see this mapping."""

    noun: ClassVar[str] = "a translation"

    text: NonEmpty
    """The translated text."""
    source: SourceHash
    """The hash of the source-language text this translates (``qdef translate merge``
    writes it): eight hexadecimal digits of its SHA-256, quoted."""


def _translated_text(value: object) -> object:
    """A translation's text, as a plain string (the source hash is read from the file)."""
    return value.text if isinstance(value, Translation) else value


if TYPE_CHECKING:
    Text = str | dict[str, str]
else:
    TranslatedText = Annotated[NonEmpty | Translation, AfterValidator(_translated_text)]
    Text = NonEmpty | Annotated[dict[Language, TranslatedText], Field(min_length=1)]
"""Text shown to respondents: a string in the instrument's language, or a
mapping from language tags to strings when translations exist. A translation
may also be a :class:`Translation` (its text with its source's hash); the
model holds its text, so every text is a string or a mapping to strings."""

Condition = Annotated[str, Field(min_length=1)]
"""A condition in qdef's expression language, e.g. ``q1 == "ja" and answered(q2)``."""

Expression = Annotated[str, Field(min_length=1)]
"""A value in qdef's expression language, e.g. ``sum(q1, q2) * 2`` or ``if(q3 == "ja", 1, 0)``."""

Target = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
"""The id of a later question, or ``end``."""

IsoDate = Annotated[str, Field(pattern=DATE_PATTERN)]
"""``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, matching the question's precision."""

Number = int | float


def _integral(value: object) -> object:
    """JSON Schema's ``integer`` is any number without a fraction: 3.0 counts, as 3."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _no_bool(value: object) -> object:
    """``true == 1`` in Python, but not in JSON Schema's ``const``: keep them apart."""
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "Input should be 1", {"expected": "1"})
    return _integral(value)


INTEGRAL = BeforeValidator(_integral)
"""Put last in ``Annotated[int, Field(...), INTEGRAL]`` (after the bounds, so that the
JSON Schema keeps ``minimum``/``maximum``): ``3.0`` is read as ``3``, as JSON Schema does."""

FormatVersion = Annotated[Literal[1], BeforeValidator(_no_bool)]
