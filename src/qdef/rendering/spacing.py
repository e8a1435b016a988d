"""Numbers kept with their unit: the no-break space of rendered texts.

The rule (docs/renderers.md, "Spacing"): in a text of the instrument rendered
for respondents — the web form, the paper questionnaire, the LimeSurvey survey —
the spaces between a digit and a unit that follows it become one no-break space
(U+00A0), so that "10 bis unter 25 %" never breaks before "%". A unit is a
symbol (``%`` ``‰`` ``€`` ``$`` ``£`` ``¥`` ``°``, ``°C``, ``°F``) or one of the
abbreviations and words of :data:`UNITS`, standing alone: followed by the end
of the text or by a character that is neither a letter nor a digit ("5 m" and
"5 m²" but not "5 mal"). Only spaces and tabs on one line are replaced, never a
line break. The model keeps the author's text: the codebook and the LimeSurvey
code map, which are data for analysts, show it as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from qdef.rendering.protocol import RenderOptions

NO_BREAK_SPACE = "\u00a0"

#: Units after a number (each as a whole word; a symbol may be followed by anything).
UNITS = (
    # symbols
    "%", "‰", "€", "$", "£", "¥", "°C", "°F", "°",
    # currency and share, as words and codes
    "EUR", "USD", "CHF", "Euro", "Cent", "ct", "Prozent", "Promille", "percent",
    # length, area, volume, mass
    "mm", "cm", "dm", "m", "km", "m²", "m³", "qm", "ha", "mg", "g", "kg", "t", "ml", "l",
    # time and energy
    "ms", "s", "min", "Min", "h", "Std", "kW", "kWh", "MW", "MWh",
    # large numbers
    "Tsd", "Mio", "Mrd",
)  # fmt: skip

_SYMBOL = re.compile(r"[^\w\s]")
_UNIT_SPACE = re.compile(
    r"(?<=[0-9])[ \t]+(?=(?:"
    + "|".join(
        re.escape(unit) if _SYMBOL.fullmatch(unit) else re.escape(unit) + r"(?![^\W_])"
        for unit in sorted(UNITS, key=len, reverse=True)
    )
    + "))"
)


#: What every replacement starts with: a digit, then a space or tab. Most texts have
#: none, and finding that is fast; :data:`_UNIT_SPACE` (a look-behind before an
#: alternation of every unit) tries each position of the text, several microseconds
#: for a question's text (and each renderer passes it every text it writes).
_DIGIT_SPACE = re.compile(r"[0-9][ \t]")


def keep_units(text: str) -> str:
    """``text`` with each space (run) between a number and its unit a no-break space."""
    if _DIGIT_SPACE.search(text) is None:
        return text
    return _UNIT_SPACE.sub(NO_BREAK_SPACE, text)


@dataclass(frozen=True, slots=True)
class _UnitsKept(RenderOptions):
    """Render options whose :meth:`text` keeps numbers with their units, so that every
    helper a renderer hands them to (routing notes, hints, personal-data notes) gives
    the rule too."""

    def text(self, value: str | Mapping[str, str]) -> str:
        return keep_units(RenderOptions.text(self, value))


def units_kept(options: RenderOptions) -> RenderOptions:
    """``options`` with :meth:`RenderOptions.text` applying :func:`keep_units`."""
    if isinstance(options, _UnitsKept):
        return options
    return _UnitsKept(**{f.name: getattr(options, f.name) for f in fields(options)})
