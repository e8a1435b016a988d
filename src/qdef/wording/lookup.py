"""The :class:`Catalog`: one language's wording, as renderers use it (``options.chrome``).

It is built by :mod:`qdef.wording.sources` from a PO file and re-exported by
:mod:`qdef.wording.catalog`, where the rest of the public API is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from qdef.wording.po import COUNTED_BY, placeholders, plural_function

#: Entries that are the language's data (CLDR), not wording: no catalogue holds them.
DERIVED = ("decimal_separator",)


class Catalog:
    """The wording of one language: ``catalog("goto", number="7")``.

    ``entries`` maps each key to its text (with plural forms, the last: the general
    plural); ``plurals`` maps a key to all its forms, chosen by ``plural`` (the
    language's rule: a count -> the index of its form). ``fallback`` (English) gives
    the messages the catalogue lacks; each one used is added to :attr:`fallbacks`.
    ``origin`` says where the catalogue comes from (a file, a plugin, qdef)."""

    def __init__(
        self,
        lang: str,
        entries: Mapping[str, str],
        *,
        plurals: Mapping[str, tuple[str, ...]] | None = None,
        plural: Callable[[int], int] | None = None,
        fallback: Catalog | Callable[[], Catalog] | None = None,
        origin: str = "",
        file: Path | None = None,
        lines: Mapping[str, int] | None = None,
    ) -> None:
        self.lang = lang
        self.entries = dict(entries)
        self.plurals = dict(plurals or {})
        self.plural = plural or plural_function("(n != 1)")
        self._fallback = fallback
        self.origin = origin
        self.file = file
        self.lines = dict(lines or {})
        self.fallbacks: dict[str, None] = {}
        """The keys printed in English because this catalogue lacks them, in order."""
        self._locale = _locale(lang)

    @property
    def fallback(self) -> Catalog | None:
        """The catalogue of the messages this one lacks (English), loaded when first
        needed (qdef's own catalogues lack none)."""
        if callable(self._fallback) and not isinstance(self._fallback, Catalog):
            self._fallback = self._fallback()
        return self._fallback

    def __call__(self, key: str, /, **values: object) -> str:
        template = self.template(key, values)
        if not values:
            return template
        shown = {
            name: self.number(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
            for name, value in values.items()
        }
        return template.format_map(shown)

    def template(self, key: str, values: Mapping[str, object] | None = None) -> str:
        """The text of ``key`` before its values are filled in: the plural form for the
        count in ``values`` (its ``count``, or the value :data:`COUNTED_BY` names)."""
        forms = self.plurals.get(key)
        if forms is not None:
            count = (values or {}).get(COUNTED_BY.get(key, "count"))
            if isinstance(count, int) and not isinstance(count, bool):
                index = self.plural(abs(count))
                if 0 <= index < len(forms):
                    return forms[index]
            return forms[-1]
        if key in self.entries:
            return self.entries[key]
        if key in DERIVED:
            return self.decimal_separator()
        fallback = self.fallback
        if fallback is not None and key in fallback:
            self.fallbacks[key] = None
            return fallback.template(key, values)
        raise KeyError(f"the {self.lang!r} catalogue has no entry {key!r}")

    def __contains__(self, key: object) -> bool:
        return (
            key in self.entries
            or key in DERIVED
            or (self.fallback is not None and key in self.fallback)
        )

    def placeholders(self, key: str) -> frozenset[str]:
        """The ``{names}`` an entry expects."""
        forms = self.plurals.get(key) or (self.template(key),)
        found: set[str] = set()
        for text in forms:
            found |= placeholders(text) or set()
        return frozenset(found)

    def number(self, value: float) -> str:
        """``value`` as the language writes it (CLDR, through Babel): ``1.234,5`` in
        German, ``1,234.5`` in English; the digits are qdef's
        (:func:`~qdef.expr.values.format_number`: the shortest that read back as the
        value, never rounded). A language Babel does not know gets those digits."""
        from qdef.expr.values import format_number  # noqa: PLC0415 - importing qdef.expr is not cheap

        digits = format_number(value)
        if self._locale is None or (isinstance(value, int) and 0 <= value < 1000):
            return digits  # the same in every locale: no need to load its data
        from decimal import localcontext  # noqa: PLC0415

        from babel.numbers import format_decimal  # noqa: PLC0415

        with localcontext() as context:  # every digit of 1e308 (Babel quantizes)
            context.prec = max(context.prec, len(digits) + 16)  # and the pattern's decimals
            return format_decimal(Decimal(digits), locale=self._locale, decimal_quantization=False)

    def decimal_separator(self) -> str:
        """The language's decimal separator (CLDR): ``,`` in German."""
        if self._locale is None:
            return "."
        from babel.numbers import get_decimal_symbol  # noqa: PLC0415

        return get_decimal_symbol(self._locale)

    def __repr__(self) -> str:
        return f"Catalog({self.lang!r}, {len(self.entries)} entries)"


@functools.cache
def _locale(lang: str) -> str | None:
    """``lang`` as Babel's locale identifier, or None if Babel does not know it."""
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415

    try:
        return str(Locale.parse(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        try:
            return str(Locale.parse(lang.split("-", maxsplit=1)[0]))
        except (UnknownLocaleError, ValueError):
            return None
