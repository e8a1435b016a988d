"""Errors of rendering that are the user's to fix (not bugs): each message says what to do."""

from __future__ import annotations

from dataclasses import dataclass

from qdef.diagnostics import Code


class RenderError(Exception):
    """Rendering cannot be done as asked; the message says why and what to do."""


class UnknownRendererError(RenderError):
    """No installed renderer has the name asked for."""


class RendererConflictError(RenderError):
    """Two distributions register a renderer under the same name."""


class RendererLoadError(RenderError):
    """A registered renderer cannot be imported, or is not a renderer."""


class RenderOptionError(RenderError):
    """An option the renderer does not have, or a value it cannot take."""


class LanguageError(RenderError):
    """The instrument has no texts in the language asked for, or qdef has no wording for it."""


class LocatedRenderError(RenderError):
    """Rendering cannot be done because of one place in the instrument.

    ``path`` leads to a string of the YAML document (``("sections", 1, "when")``) and
    ``offset`` to a character in it; ``code`` is a stable diagnostic code. ``str()``
    names the place in words (``where``), for callers without the document; the
    command line prints ``file:line:column`` instead."""

    def __init__(
        self,
        code: Code,
        message: str,
        where: str,
        path: tuple[str | int, ...],
        *,
        offset: int = 0,
        excerpt: str | None = None,
    ) -> None:
        super().__init__(f"{where}: {message}")
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.excerpt = excerpt


@dataclass(frozen=True, slots=True)
class WordingPlace:
    """One place of the instrument where a renderer would print qdef's own wording in
    a language qdef has none for."""

    where: str
    """What needs the wording, in words: ``the name of section 1 ('s1'), …``."""
    path: tuple[str | int, ...]
    """The section or question in the YAML document: ``("sections", 0)``."""
    fix: str
    """What the author can do in the instrument, or that no key of it holds the text."""

    def sentence(self) -> str:
        """What needs the wording and what to do about it."""
        return f"{self.where} needs qdef's wording: {self.fix}"


class MissingWordingError(LanguageError):
    """qdef's own wording is needed in a language it has none for, at every one of
    ``places`` (all of them, so one run shows them all). ``str()`` names them in
    words; the command line prints each at its ``file:line:column``."""

    def __init__(self, message: str, places: list[WordingPlace]) -> None:
        super().__init__(message + "".join(f"\n- {place.sentence()}" for place in places))
        self.message = message
        self.places = places
