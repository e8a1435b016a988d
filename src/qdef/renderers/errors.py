"""Errors of rendering that are the user's to fix (not bugs): each message says what to do."""

from __future__ import annotations


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
