"""The renderer protocol and the options a renderer is called with.

A renderer is a small object with a ``name``, a file ``suffix``, a
``media_type``, a one-line ``description``, the ``options`` it takes (name ->
one-line help; any other option is refused before it is called), its
``wording`` and ``render(compiled, options)`` returning text or bytes.
``wording`` says which of qdef's own wording it prints: ``"lang"`` (in the
language it renders, which must have a catalogue), ``"none"`` or ``"every"``
(it writes every language and checks for itself); see
:func:`qdef.rendering.options_for`. :class:`BaseRenderer` gives the defaults
(no options, ``"lang"``). Renderers never write files: qdef writes what they
return, atomically.

This module is deliberately light: it imports nothing heavier than the
standard library, so that describing renderers stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, get_args, runtime_checkable

if TYPE_CHECKING:
    from qdef.pipeline.compiled import Compiled
    from qdef.wording.catalog import Catalog

#: The metadata every renderer has, as class or instance attributes.
ATTRIBUTES = ("name", "suffix", "media_type", "description")

Wording = Literal["lang", "none", "every"]
"""Which of qdef's own wording (``options.chrome``) a renderer prints: ``"lang"`` —
in the language it renders, so qdef refuses a language without a catalogue before
calling it; ``"none"`` — none; ``"every"`` — it writes every language of the
instrument and checks for itself."""

#: The values :data:`Wording` can take.
WORDINGS: tuple[str, ...] = get_args(Wording)


@runtime_checkable
class Renderer(Protocol):
    """What qdef needs of a renderer. Implement it as a plain class; registering
    the class under the entry-point group ``qdef.renderers`` makes it available."""

    name: str
    """The name users pass to ``--to``; equal to the entry point's name."""
    suffix: str
    """The suffix of the file it writes, with the dot: ``.md``."""
    media_type: str
    """The media type of its output: ``text/markdown; charset=utf-8``."""
    description: str
    """One line for ``qdef renderers``."""

    @property
    def options(self) -> Mapping[str, str]:
        """The options it takes: name -> one line of help (``qdef renderers`` lists
        them). Any other option is refused before :meth:`render` is called."""
        ...

    @property
    def wording(self) -> Wording:
        """Which of qdef's own wording it prints (see :data:`Wording`)."""
        ...

    def render(self, compiled: Compiled, options: RenderOptions) -> str | bytes:
        """The rendered instrument (``compiled.instrument``): text (written as UTF-8)
        or bytes. Must be deterministic: the same instrument and options give the
        same output."""
        ...


#: What qdef says of a renderer written for its first protocol, whose ``render`` was
#: given the :class:`~qdef.model.Instrument` itself (see :func:`written_for_instruments`).
OLD_PROTOCOL = (
    "it was written for an older qdef, whose renderers were given the instrument itself; "
    "qdef now gives them the compiled instrument (the instrument is compiled.instrument, "
    "see docs/plugins.md). Upgrade the renderer's distribution, or ask its authors for a "
    "version made for this qdef"
)


def written_for_instruments(error: BaseException, compiled: Compiled) -> bool:
    """Whether ``error``, raised by a renderer given ``compiled``, shows it written for
    qdef's first protocol: an attribute of the instrument (``title``, ``sections``, …)
    asked of the compiled instrument. Any other error is the renderer's own."""
    return (
        isinstance(error, AttributeError)
        and error.obj is compiled
        and error.name is not None
        and hasattr(compiled.instrument, error.name)
    )


class BaseRenderer:
    """A base class that gives a renderer the defaults of ``options`` and ``wording``:
    no options, and qdef's wording in the language rendered. A subclass sets
    ``name``, ``suffix``, ``media_type`` and ``description`` and defines ``render``;
    it may set ``options`` and ``wording``. (Declaring both without it is as good.)"""

    options: ClassVar[Mapping[str, str]] = MappingProxyType({})
    """No options."""
    wording: ClassVar[Wording] = "lang"
    """qdef's wording in the language rendered."""


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """What a renderer is asked to do, besides rendering the instrument."""

    lang: str
    """The language to render: the instrument's language or one of its translations."""
    chrome: Catalog
    """qdef's fixed wording ("Mehrfachnennungen möglich", "weiter mit Frage …")
    in ``lang``: ``options.chrome("goto", number="7")``."""
    settings: Mapping[str, object] = field(default_factory=dict)
    """The renderer's own options (``qdef render -O key=value`` passes strings)."""
    source: Path | None = None
    """The instrument's file, if it has one: a catalogue in the folder ``wording``
    beside it is used before qdef's own (docs/languages.md)."""
    fallback: str | None = None
    """The instrument's own language: a text not translated into ``lang`` is shown in
    it (``qdef validate`` warns of each, QD410). None: ``lang`` is taken for it."""
    _catalogs: dict[str, Catalog | None] = field(default_factory=dict, repr=False, compare=False)

    def catalog_for(self, lang: str) -> Catalog | None:
        """qdef's wording in ``lang`` (another language of the instrument, for a
        renderer that writes every language), found as ``chrome`` was (beside the
        instrument, in plugins, in qdef); None if there is none. Each language is
        looked up once per rendering, so that its messages printed in English are
        reported once (:meth:`catalogs`)."""
        from qdef.wording.catalog import MissingCatalog, find  # noqa: PLC0415

        own = self.chrome.lang.lower()
        if lang == self.lang and own in (lang.lower(), lang.lower().split("-")[0]):
            return None if isinstance(self.chrome, MissingCatalog) else self.chrome
        if lang not in self._catalogs:
            self._catalogs[lang] = find(lang, self.source)
        return self._catalogs[lang]

    def catalogs(self) -> list[Catalog]:
        """The catalogues this rendering used: ``chrome`` and those of
        :meth:`catalog_for` (the command line reports the messages each lacked)."""
        return [self.chrome, *(c for c in self._catalogs.values() if c is not None)]

    def text(self, value: str | Mapping[str, str]) -> str:
        """A text of the instrument in ``lang``: a plain string as it is, or the
        entry of a translation mapping; a text not translated into ``lang`` in the
        instrument's own language (``fallback``)."""
        if isinstance(value, str):
            return value
        if self.lang in value:
            return value[self.lang]
        if self.fallback is not None and self.fallback in value:
            return value[self.fallback]
        # without a known source language: the first, as the text is written
        return next(iter(value.values()))

    def flag(self, name: str, default: bool = False) -> bool:
        """A yes/no setting, given as a bool or as text (``true``/``false``, ``yes``/``no``,
        ``1``/``0``)."""
        value = self.settings.get(name, default)
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "yes", "1", "on"}:
            return True
        if text in {"false", "no", "0", "off"}:
            return False
        from qdef.errors import RenderOptionError  # noqa: PLC0415

        raise RenderOptionError(f"option {name!r} takes true or false, not {value!r}")
