"""Texts for an XLSForm: the language columns, ODK's Markdown and HTML escaped, patterns
for ODK's ``regex()``, and the refusal of what XLSForm cannot express."""

from __future__ import annotations

import re
from typing import Any

from qdef.diagnostics import Code
from qdef.errors import LocatedRenderError
from qdef.expr import to_javascript

Row = dict[str, str]
Text = Any  # a text of the instrument: a string or a mapping by language

#: Native names of common languages for the ``label::Name (code)`` columns.
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt": "Português",
    "tr": "Türkçe",
    "ar": "العربية",
    "ru": "Русский",
    "uk": "Українська",
}


def language_name(code: str) -> str:
    """``Deutsch (de)``: what ODK shows in its language menu, with the code it needs; a
    language not in :data:`LANGUAGE_NAMES` is named as CLDR names it in itself
    (``Kiswahili (sw)``), through Babel."""
    primary = code.split("-", maxsplit=1)[0].lower()
    name = LANGUAGE_NAMES.get(primary)
    if name is None:
        from babel import Locale, UnknownLocaleError  # noqa: PLC0415

        try:
            name = Locale.parse(primary).get_display_name() or code
        except (UnknownLocaleError, ValueError):
            name = code
    return f"{name} ({code})"


class XlsformError(LocatedRenderError):
    """A feature of the instrument XLSForm cannot express as qdef means it, at a place
    (``where``, in words, and ``path``, the key path in the instrument: the command
    line prints its ``file:line:column`` with the code QD820)."""

    def __init__(self, where: str, path: tuple[str | int, ...], feature: str, fix: str) -> None:
        super().__init__(
            Code.QD820, f"{feature} cannot be expressed in an XLSForm; {fix}", where, path
        )
        self.where = where
        self.feature = feature


DOLLAR = "${_dollar}"
"""A literal ``$`` before ``{`` in a text: a reference to the node that holds ``$``."""

_MARKDOWN = re.compile(r"([\\*_#])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_TYPOGRAPHIC = re.compile("[\u2018\u2019\u201c\u201d]")
"""The quotes pyxform turns into straight ones in every cell of the survey."""


def odk_regex(regex: str) -> str:
    """A pattern of qdef's subset for ODK's ``regex()``: Collect reads it as a Java
    regular expression, Enketo as a JavaScript one without flags. qdef's JavaScript
    form (anchored, classes written out) is read alike by both once its ``\\u{…}``
    escapes, which need JavaScript's ``u`` flag, are written ``\\xHH``/``\\uHHHH``, and
    its spaces ``\\x20`` (pyxform would collapse two into one)."""

    def escape_one(found: re.Match[str]) -> str:
        code = int(found.group(1), 16)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    written = re.sub(r"\\u\{([0-9a-fA-F]{1,4})\}", escape_one, to_javascript(regex))
    # pyxform collapses runs of spaces in an expression: a space is written \x20
    return written.replace(" ", "\\x20")


def escape(text: str) -> str:
    """A text of the instrument as ODK shows it literally. Collect and Enketo read
    labels and hints as Markdown (``*``, ``_``, ``#``; a backslash escapes them) with
    HTML (``<span>``, entities): the Markdown characters get a backslash, ``&``, ``<``
    and ``>`` become entities (so do the typographic quotes pyxform would make
    straight), and ``${`` (a reference, to pyxform) is broken by
    writing its ``$`` as a reference to the node ``_dollar``, which holds ``$``."""
    if not text.strip():
        # pyxform strips a cell (Python's strip: also a no-break space); a text of
        # such characters only is kept as character references, which ODK shows
        return "".join(f"&#{ord(char)};" for char in text)
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = re.sub("[&<>]", lambda found: _ENTITIES[found.group()], escaped)
    escaped = _TYPOGRAPHIC.sub(lambda found: f"&#{ord(found.group())};", escaped)
    return escaped.replace("${", DOLLAR + "{")
