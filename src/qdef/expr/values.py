"""Values of the expression language shown as text (piping, docs/format.md "Piping").

Numbers are IEEE doubles everywhere (Python, the web form's JavaScript, LimeSurvey's
PHP). :func:`format_number` is the one way qdef writes a number for a respondent to
read; the web form's script copies it (and is tested against it).
"""

from __future__ import annotations

import math
from decimal import Decimal

#: Integers up to this size are exact in a double; larger ones are shown as the double
#: that holds them (as every engine that reads them as doubles would show them).
EXACT_INTEGER = 2**53


def format_number(value: int | float) -> str:
    """``value`` as a respondent reads it: digits, ``-`` and ``.``, never an exponent.

    Integers are their digits (``-12``). Decimals are the shortest digits that read
    back as the same double (as Python's ``repr`` and JavaScript's ``String`` choose
    them), written out without exponent: ``0.5``, ``1234.25``, ``0.0000001``,
    ``100000000000000000000``. A decimal that is a whole number drops its ``.0``
    (``6 / 3`` shows ``2``), and ``-0.0`` shows ``0``. An integer beyond 2**53 is shown
    as the double nearest to it. Booleans, infinities and NaN are refused (ValueError).
    """
    if isinstance(value, bool):
        raise ValueError("a truth value is not a number")
    if isinstance(value, int):
        if -EXACT_INTEGER <= value <= EXACT_INTEGER:
            return str(value)
        value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    if value == 0:
        return "0"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
