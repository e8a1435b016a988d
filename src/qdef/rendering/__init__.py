"""Renderers: the plugin API and :func:`render`.

- :class:`Renderer` — the protocol a renderer implements; :class:`RenderOptions`
  — what it is called with (language, chrome wording, its own settings);
- :func:`render` — render an instrument with a named renderer;
- :func:`registrations`, :func:`get_renderer` — discovery through the
  entry-point group ``qdef.renderers`` (see docs/plugins.md).

Importing this package imports no renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from qdef.errors import (
    LanguageError,
    RendererConflictError,
    RendererLoadError,
    RenderError,
    RenderOptionError,
    UnknownRendererError,
)
from qdef.rendering.protocol import Renderer, RenderOptions
from qdef.rendering.registry import GROUP, Registration, get_renderer, registrations
from qdef.wording.catalog import Catalog, catalog

if TYPE_CHECKING:
    from qdef.model import Instrument

__all__ = [
    "GROUP",
    "Catalog",
    "LanguageError",
    "Registration",
    "RenderError",
    "RenderOptionError",
    "RenderOptions",
    "Renderer",
    "RendererConflictError",
    "RendererLoadError",
    "UnknownRendererError",
    "catalog",
    "get_renderer",
    "options_for",
    "registrations",
    "render",
]


def render(
    instrument: Instrument | str | Path, to: str, *, lang: str | None = None, **settings: object
) -> str | bytes:
    """Render ``instrument`` (or the instrument file at that path) with the renderer
    called ``to``; ``lang`` picks the language, ``settings`` are the renderer's own
    options. Raises :class:`RenderError` (or :class:`qdef.QdefError` for an invalid
    file) with a message that says what to do."""
    if isinstance(instrument, str | Path):
        from qdef.pipeline import load  # noqa: PLC0415

        instrument = load(instrument)
    renderer = get_renderer(to)
    options = options_for(renderer, instrument, lang, settings)
    return renderer.render(instrument, options)


def options_for(
    renderer: Renderer,
    instrument: Instrument,
    lang: str | None = None,
    settings: Mapping[str, object] | None = None,
) -> RenderOptions:
    """The options to call ``renderer`` with: the language resolved against the
    instrument's languages, its wording, and ``settings`` checked against the
    options the renderer declares."""
    settings = dict(settings or {})
    declared: Mapping[str, str] = getattr(renderer, "options", None) or {}
    unknown = sorted(set(settings) - set(declared))
    if unknown:
        offered = (
            "its options: " + ", ".join(sorted(declared)) if declared else "it takes no options"
        )
        raise RenderOptionError(
            f"the renderer {renderer.name!r} has no option {', '.join(map(repr, unknown))}; "
            + offered
        )
    resolved = resolve_language(instrument, lang)
    return RenderOptions(resolved, _chrome(renderer, instrument, resolved), settings)


def _chrome(renderer: Renderer, instrument: Instrument, lang: str) -> Catalog:
    """qdef's wording in ``lang``. Where qdef has none: refused for a renderer that
    prints it (``wording = "lang"``, the default), saying which of the instrument's
    languages would work with ``--lang`` (or into which to translate it); for one
    that does not (``"none"``) or that writes every language and checks itself
    (``"every"``), a catalogue that fails only when used."""
    from qdef.wording.catalog import (  # noqa: PLC0415
        MissingCatalog,
        find,
        missing_message,
        worded_fix,
    )

    found = find(lang)
    if found is not None:
        return found
    fix = worded_fix([instrument.language, *instrument.translations])
    if getattr(renderer, "wording", "lang") == "lang":
        raise LanguageError(
            f"the renderer {renderer.name!r} prints qdef's own wording in the language "
            f"it renders. " + missing_message(lang, fix=fix)
        )
    return MissingCatalog(lang, fix)


def resolve_language(instrument: Instrument, lang: str | None) -> str:
    """``lang`` as the instrument spells it (its language or a translation); by default
    the instrument's language."""
    available = [instrument.language, *instrument.translations]
    if lang is None:
        return instrument.language
    for tag in available:
        if tag.lower() == lang.lower():
            return tag
    raise LanguageError(
        f"the instrument has texts in {', '.join(available)}, not in {lang!r}; "
        f"render with --lang {' or --lang '.join(available)}, or translate it "
        "(see 'translations' in docs/format.md)"
    )
