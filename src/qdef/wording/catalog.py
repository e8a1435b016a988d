"""Chrome text: the fixed wording renderers print, from one catalogue per language.

A catalogue is a gettext PO file (:mod:`qdef.wording.po`, read with Babel). qdef
ships ``catalogs/<lang>.po`` (German, English, French, Spanish); a team adds a
language as a file beside its instrument (``wording/<lang>.po``) or as a plugin
(the entry-point group ``qdef.catalogs``): :mod:`qdef.wording.sources` finds them,
in that order. A catalogue is chosen by BCP 47 tag: exactly (``de``), else by the
primary language (``de-AT`` uses ``de``).

A message a catalogue lacks is printed in English and remembered
(:attr:`Catalog.fallbacks`), so that the command line reports each once (QD830).
Counts pick their plural form by the language's rule (CLDR, through Babel), and
every number a message shows is written as the language writes it (``1.234,5`` in
German, ``1,234.5`` in English: :meth:`Catalog.number`). A renderer needs wording
only for what it prints: a language without a catalogue gets a
:class:`MissingCatalog`, which fails only when an entry is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from qdef.errors import LanguageError
from qdef.wording.lookup import DERIVED, Catalog
from qdef.wording.sources import CatalogError, available, locate

__all__ = [
    "DERIVED",
    "Catalog",
    "CatalogError",
    "MissingCatalog",
    "catalog",
    "find",
    "languages",
    "missing_message",
    "worded_fix",
]


def languages(source: Path | None = None) -> list[str]:
    """The languages qdef has catalogues for, sorted: its own, the plugins', and with
    ``source`` (an instrument's file) those in the ``wording`` folder beside it."""
    return available(source)


def find(lang: str, source: Path | None = None, *, plugins: bool = True) -> Catalog | None:
    """The catalogue for ``lang`` (exact tag, else its primary language), or None:
    beside the instrument ``source`` (its folder's ``wording/<lang>.po``), else a
    plugin's, else qdef's own. Raises :class:`CatalogError`
    for a catalogue that cannot be used."""
    return locate(lang, source, plugins=plugins)


def catalog(lang: str, source: Path | None = None) -> Catalog:
    """The catalogue for ``lang`` (as :func:`find`); :class:`LanguageError` if none."""
    found = find(lang, source)
    if found is None:
        raise LanguageError(missing_message(lang, source=source))
    return found


def own_name(lang: str) -> str:
    """``lang`` named in itself, as CLDR names it (``Deutsch``, ``English``,
    ``Français``, ``Kiswahili``), its first letter capitalised as a menu item is; the
    tag itself for a language CLDR does not know."""
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415

    try:
        name = Locale.parse(lang, sep="-").get_display_name() or ""
    except (UnknownLocaleError, ValueError):
        name = ""
    return name[:1].upper() + name[1:] if name else lang


def missing_message(*langs: str, fix: str = "", source: Path | None = None) -> str:
    """Why there is no wording for ``langs`` (the languages there is some for, and how
    to add one), and ``fix``, what the user can do instead."""
    named = " or ".join(map(repr, langs))
    first = langs[0] if langs else "LANG"
    return (
        f"qdef has no wording for {'the language' if len(langs) == 1 else 'the languages'} "
        f"{named} (it has {', '.join(languages(source))}; add one with "
        f"'qdef catalog init {first}', see docs/languages.md)" + (f"; {fix}" if fix else "")
    )


def worded_fix(available: list[str], source: Path | None = None) -> str:
    """What to do when a renderer needs wording in a language there is none for:
    render with ``--lang`` in one of ``available`` (the instrument's languages) that
    has wording, else translate the instrument into one."""
    worded = [tag for tag in available if find(tag, source) is not None]
    if worded:
        return f"render with --lang {' or --lang '.join(worded)}"
    have = languages(source)
    first = have[0]
    return (
        f"translate the instrument into {' or '.join(have)} (translations: "
        f"[{first}], see docs/format.md) and render with --lang {first}"
    )


class MissingCatalog(Catalog):
    """The wording of a language there is no catalogue for: a renderer that prints
    none of it renders fine; the first entry it asks for raises :class:`LanguageError`
    with ``fix`` (what to do instead, e.g. render with ``--lang en``)."""

    def __init__(self, lang: str, fix: str = "", source: Path | None = None) -> None:
        super().__init__(lang, {})
        self.fix = fix
        self.source = source

    def __call__(self, key: str, /, **values: object) -> str:
        raise LanguageError(missing_message(self.lang, fix=self.fix, source=self.source))

    def template(self, key: str, values: Mapping[str, object] | None = None) -> str:
        raise LanguageError(missing_message(self.lang, fix=self.fix, source=self.source))
