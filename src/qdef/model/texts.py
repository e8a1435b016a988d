"""The respondent-facing texts of an instrument, each with its key path.

Used by the language checks (every text in every language) and by anything
that compares or extracts wording.
"""

from __future__ import annotations

import functools
import hashlib
import typing
from collections.abc import Iterator
from typing import Any

from qdef.model import Instrument, Node
from qdef.source.positions import KeyPath


def source_hash(text: str) -> str:
    """The hash a translation records of its source text (``{text: …, source: HASH}``):
    the first eight hexadecimal digits of the SHA-256 of the text's UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def recorded_source(data: object) -> str | None:
    """The source hash a translation as written in the file records (``{text: …,
    source: HASH}``), or None for a plain string (or anything else)."""
    if isinstance(data, dict):
        found = data.get("source")
        return found if isinstance(found, str) else None
    return None


def texts(instrument: Instrument) -> Iterator[tuple[KeyPath, str | dict[str, str]]]:
    """Every text (title, question texts, labels, units, …) in document order."""
    return _texts(instrument, ())


def _texts(node: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str | dict[str, str]]]:
    """Every respondent-facing text in the model, with its path."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, (*path, i))
        return
    if not isinstance(node, Node):
        return
    text_fields, children = _fields(type(node))
    for name in text_fields:
        value = getattr(node, name)
        if value is not None:
            yield (*path, name), value
    for name in children:
        value = getattr(node, name)
        if value is not None:
            yield from _texts(value, (*path, name))


@functools.cache
def _fields(cls: type[Node]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A model's text fields, and the fields that may hold nested models."""
    text_fields = tuple(name for name in cls.model_fields if name in _TEXT_FIELDS)
    children = tuple(
        name
        for name, info in cls.model_fields.items()
        if name not in _TEXT_FIELDS and _may_nest(info.annotation)
    )
    return text_fields, children


def _may_nest(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, Node):
        return True
    if typing.get_origin(annotation) is list:
        return True
    return any(_may_nest(arg) for arg in typing.get_args(annotation))


_TEXT_FIELDS = frozenset(
    {
        "title",
        "intro",
        "text",
        "hint",
        "help",
        "label",
        "suffix",
        "unit",
        "description",
        "from_label",
        "to_label",
        "message",
    }
)
