"""Chrome text: the fixed wording renderers print, from one catalogue per language.

The catalogues are ``catalogs/<lang>.yaml`` in this package (German and
English). A catalogue is chosen by BCP 47 tag: exactly (``de``), else by the
primary language (``de-AT`` uses ``de``).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from importlib import resources

from qdef.renderers.errors import LanguageError


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
    folder = resources.files("qdef.renderers") / "catalogs"
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


@functools.cache
def _load(lang: str) -> Catalog:
    from qdef.yamldata import build_data  # noqa: PLC0415

    text = (resources.files("qdef.renderers") / "catalogs" / f"{lang}.yaml").read_text(
        encoding="utf-8"
    )
    data = build_data(text)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"catalogs/{lang}.yaml must map names to texts")
    return Catalog(lang, data)


def catalog(lang: str) -> Catalog:
    """The catalogue for ``lang`` (exact tag, else its primary language)."""
    available = languages()
    wanted = lang.lower()
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in available:
            return _load(candidate)
    raise LanguageError(
        f"qdef has no renderer wording for the language {lang!r}; it has "
        f"{', '.join(available)}. Render in one of these with --lang (the instrument "
        f"must have texts in it), or add a catalogue catalogs/{wanted.split('-')[0]}.yaml "
        "to qdef.renderers"
    )
