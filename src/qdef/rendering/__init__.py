"""Renderers: the plugin API and :func:`render`.

Everything a renderer needs is imported from here (see docs/plugins.md):

- :class:`Renderer` — the protocol a renderer implements, :class:`BaseRenderer`
  its defaults; :class:`RenderOptions` — what it is called with (language, chrome
  wording, its own settings); :class:`Compiled` — the compiled instrument it renders
  (``compiled.instrument``, ``numbers``, ``plan.variables`` of :class:`VarInfo`,
  ``reaching(question_id)`` and ``reaching_text(question_id)``);
- the errors a renderer raises (:class:`RenderError`, :class:`RenderOptionError`,
  :class:`LanguageError`, :class:`LocatedRenderError`, :class:`MissingWordingError`);
- wording helpers: :class:`Catalog`, :func:`catalog`, :func:`find_catalog`,
  :func:`missing_wording_message`; :class:`Words` (conditions in words);
  :func:`routing_notes` (where each question and option sends a respondent on
  paper) and the phrases that print them (:func:`goto_text`, :func:`continue_text`,
  :func:`question_only_if`, …); numbers kept with their units (:func:`keep_units`,
  :func:`units_kept`); Markdown escaping in :mod:`qdef.rendering.markdown`;
- :func:`render` — render an instrument with a named renderer;
- :func:`registrations`, :func:`get_renderer` — discovery through the
  entry-point group ``qdef.renderers``.

Importing this package imports no renderer, and none of the code renderers render
with: the helpers are imported when first used.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qdef.errors import (
    LanguageError,
    LocatedRenderError,
    MissingWordingError,
    RendererConflictError,
    RendererLoadError,
    RenderError,
    RenderOptionError,
    UnknownRendererError,
    WordingPlace,
)
from qdef.rendering.protocol import BaseRenderer, Renderer, RenderOptions, Wording
from qdef.rendering.registry import GROUP, Registration, get_renderer, registrations
from qdef.wording.catalog import Catalog, catalog
from qdef.wording.catalog import find as find_catalog
from qdef.wording.catalog import missing_message as missing_wording_message
from qdef.wording.catalog import own_name as own_language_name

if TYPE_CHECKING:
    from qdef.model import Instrument
    from qdef.pipeline.compiled import Compiled, compile_instrument
    from qdef.rendering.notes import (
        Destination,
        Notes,
        QuestionNotes,
        SectionNotes,
        routing_notes,
    )
    from qdef.rendering.phrases import (
        choices_hints,
        continue_text,
        exclusive_hint,
        goto_text,
        personal_note,
        question_only_if,
        section_only_if,
    )
    from qdef.rendering.spacing import NO_BREAK_SPACE, keep_units, units_kept
    from qdef.rendering.words import Words, label_text
    from qdef.routing.plan import VarInfo

#: Names imported when first asked for (``import qdef.rendering`` stays cheap).
_LAZY = {
    "Compiled": "qdef.pipeline.compiled",
    "compile_instrument": "qdef.pipeline.compiled",
    "VarInfo": "qdef.routing.plan",
    "Destination": "qdef.rendering.notes",
    "Notes": "qdef.rendering.notes",
    "QuestionNotes": "qdef.rendering.notes",
    "SectionNotes": "qdef.rendering.notes",
    "routing_notes": "qdef.rendering.notes",
    "choices_hints": "qdef.rendering.phrases",
    "continue_text": "qdef.rendering.phrases",
    "exclusive_hint": "qdef.rendering.phrases",
    "goto_text": "qdef.rendering.phrases",
    "personal_note": "qdef.rendering.phrases",
    "question_only_if": "qdef.rendering.phrases",
    "section_only_if": "qdef.rendering.phrases",
    "NO_BREAK_SPACE": "qdef.rendering.spacing",
    "keep_units": "qdef.rendering.spacing",
    "units_kept": "qdef.rendering.spacing",
    "Words": "qdef.rendering.words",
    "label_text": "qdef.rendering.words",
}

__all__ = [
    "GROUP",
    "NO_BREAK_SPACE",
    "BaseRenderer",
    "Catalog",
    "Compiled",
    "Destination",
    "LanguageError",
    "LocatedRenderError",
    "MissingWordingError",
    "Notes",
    "QuestionNotes",
    "Registration",
    "RenderError",
    "RenderOptionError",
    "RenderOptions",
    "Renderer",
    "RendererConflictError",
    "RendererLoadError",
    "SectionNotes",
    "UnknownRendererError",
    "VarInfo",
    "Wording",
    "WordingPlace",
    "Words",
    "catalog",
    "choices_hints",
    "compile_instrument",
    "continue_text",
    "exclusive_hint",
    "find_catalog",
    "get_renderer",
    "goto_text",
    "keep_units",
    "label_text",
    "missing_wording_message",
    "options_for",
    "own_language_name",
    "personal_note",
    "question_only_if",
    "registrations",
    "render",
    "routing_notes",
    "section_only_if",
    "units_kept",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qdef.rendering' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def render(
    instrument: Compiled | Instrument | str | Path,
    to: str,
    *,
    lang: str | None = None,
    **settings: object,
) -> str | bytes:
    """Render ``instrument`` — compiled (what validation gave, or
    :func:`compile_instrument`), an :class:`~qdef.model.Instrument` (compiled here),
    or the path of an instrument file (loaded and compiled here) —
    with the renderer called ``to``; ``lang`` picks the language, ``settings`` are the
    renderer's own options. Raises :class:`RenderError` (or :class:`qdef.QdefError`
    for an invalid file) with a message that says what to do."""
    from qdef.model import Instrument  # noqa: PLC0415
    from qdef.pipeline.compiled import compile_instrument  # noqa: PLC0415
    from qdef.rendering.protocol import OLD_PROTOCOL, written_for_instruments  # noqa: PLC0415
    from qdef.rendering.registry import load, lookup  # noqa: PLC0415

    if isinstance(instrument, str | Path):
        from qdef.pipeline import compile  # noqa: PLC0415

        instrument = compile(instrument)  # validation's own: conditions parsed once
    compiled = compile_instrument(instrument) if isinstance(instrument, Instrument) else instrument
    registration = lookup(to)
    renderer = load(registration)
    source = compiled.document.path if compiled.document is not None else None
    options = options_for(renderer, compiled.instrument, lang, settings, source=source)
    try:
        return renderer.render(compiled, options)
    except AttributeError as error:
        if registration.distribution != "qdef" and written_for_instruments(error, compiled):
            raise RendererLoadError(
                f"the renderer {to!r} of {registration.origin} cannot render: {OLD_PROTOCOL}"
            ) from error
        raise


def options_for(
    renderer: Renderer,
    instrument: Instrument,
    lang: str | None = None,
    settings: Mapping[str, object] | None = None,
    *,
    source: Path | None = None,
) -> RenderOptions:
    """The options to call ``renderer`` with: the language resolved against the
    instrument's languages, its wording (for the instrument file ``source``, a
    catalogue beside it comes first: docs/languages.md), and ``settings`` checked
    against the options the renderer declares."""
    settings = dict(settings or {})
    declared = renderer.options
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
    chrome = _chrome(renderer, instrument, resolved, source)
    return RenderOptions(
        resolved, chrome, settings, source, fallback=instrument.language
    )


def _chrome(renderer: Renderer, instrument: Instrument, lang: str, source: Path | None) -> Catalog:
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

    found = find(lang, source)
    if found is not None:
        return found
    fix = worded_fix([instrument.language, *instrument.translations], source)
    if renderer.wording == "lang":
        raise LanguageError(
            f"the renderer {renderer.name!r} prints qdef's own wording in the language "
            f"it renders. " + missing_message(lang, fix=fix, source=source)
        )
    return MissingCatalog(lang, fix, source)


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
