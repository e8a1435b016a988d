"""Chrome text: the fixed wording renderers print, from one catalogue per language.

The catalogues are ``catalogs/<lang>.yaml`` in this package (German and
English; more languages are a later feature). A catalogue is chosen by BCP 47
tag: exactly (``de``), else by the primary language (``de-AT`` uses ``de``).
A renderer needs wording only for what it prints: a language without a
catalogue gets a :class:`MissingCatalog`, which fails only when an entry is
asked for.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from importlib import resources

from qdef.errors import LanguageError


class Catalog:
    """The wording of one language: ``catalog("goto", number="7")``."""

    def __init__(self, lang: str, entries: Mapping[str, str]) -> None:
        self.lang = lang
        self.entries = dict(entries)

    def __call__(self, key: str, /, **values: object) -> str:
        try:
            template = self.entries[key]
        except KeyError:
            raise KeyError(f"the {self.lang!r} catalogue has no entry {key!r}") from None
        return template.format_map(values) if values else template

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def placeholders(self, key: str) -> frozenset[str]:
        """The ``{names}`` an entry expects."""
        return frozenset(
            name for _, name, _, _ in string.Formatter().parse(self.entries[key]) if name
        )

    def __repr__(self) -> str:
        return f"Catalog({self.lang!r}, {len(self.entries)} entries)"


def languages() -> list[str]:
    """The languages qdef has catalogues for, sorted."""
    folder = resources.files("qdef.wording") / "catalogs"
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


@functools.cache
def _load(lang: str) -> Catalog:
    from qdef.source.yamldata import build_data  # noqa: PLC0415

    text = (resources.files("qdef.wording") / "catalogs" / f"{lang}.yaml").read_text(
        encoding="utf-8"
    )
    data = build_data(text)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"catalogs/{lang}.yaml must map names to texts")
    return Catalog(lang, data)


def find(lang: str) -> Catalog | None:
    """The catalogue for ``lang`` (exact tag, else its primary language), or None."""
    available = languages()
    wanted = lang.lower()
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in available:
            return _load(candidate)
    return None


def catalog(lang: str) -> Catalog:
    """The catalogue for ``lang`` (exact tag, else its primary language)."""
    found = find(lang)
    if found is None:
        raise LanguageError(missing_message(lang))
    return found


def missing_message(*langs: str, fix: str = "") -> str:
    """Why there is no wording for ``langs`` (qdef has none yet: the languages it has),
    and ``fix``, what the user can do instead."""
    named = " or ".join(map(repr, langs))
    return (
        f"qdef has no wording for {'the language' if len(langs) == 1 else 'the languages'} "
        f"{named} yet (it has "
        f"{', '.join(languages())}; more languages are a later feature of qdef)"
        + (f"; {fix}" if fix else "")
    )


def worded_fix(available: list[str]) -> str:
    """What to do when a renderer needs wording in a language qdef has none for:
    render with ``--lang`` in one of ``available`` (the instrument's languages) that
    qdef has wording for, else translate the instrument into one."""
    worded = [tag for tag in available if find(tag) is not None]
    if worded:
        return f"render with --lang {' or --lang '.join(worded)}"
    first = languages()[0]
    return (
        f"translate the instrument into {' or '.join(languages())} (translations: "
        f"[{first}], see docs/format.md) and render with --lang {first}"
    )


class MissingCatalog(Catalog):
    """The wording of a language qdef has no catalogue for: a renderer that prints
    none of it renders fine; the first entry it asks for raises :class:`LanguageError`
    with ``fix`` (what to do instead, e.g. render with ``--lang en``)."""

    def __init__(self, lang: str, fix: str = "") -> None:
        super().__init__(lang, {})
        self.fix = fix

    def __call__(self, key: str, /, **values: object) -> str:
        raise LanguageError(missing_message(self.lang, fix=self.fix))
