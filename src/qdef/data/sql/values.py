"""A variable's value check as one SQL ``CASE``: the code of what is wrong with the
text in its column (``'D201'``, ``'D202'``, ``'D203'``, ``'D204'``), NULL when the
value is valid or absent.

The branches are in the order :func:`qdef.routing.answers.value_problem` checks and
:func:`qdef.data.classify.value_code` names, so the first wrong thing wins in both
engines; the text is read as :func:`qdef.data.records.parse_text` reads a CSV cell
(codes separated by white space, a number with an optional sign, point and exponent,
``true``/``1``/``false``/``0`` for a check box, ISO dates at their precision).
"""

from __future__ import annotations

import re
from typing import Any

from qdef.data.sql.dialect import Dialect
from qdef.expr.patterns import FORMATS
from qdef.model import MultipleChoice
from qdef.routing.plan import VarInfo

#: parse_number's shapes, with the white space strip() allows around them.
INTEGER = r"\s*[+-]?[0-9]+\s*"
DECIMAL = r"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*"
#: The largest finite double: a cast beyond it is infinite (not a finite number).
_LARGEST = "1.7976931348623157e308"
_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATES = {"year": "[0-9]{4}", "month": "[0-9]{4}-[0-9]{2}", "day": _DAY}


def codes_pattern(codes: tuple[str, ...]) -> str:
    """One or more of ``codes``, separated (and surrounded) by white space."""
    one = "(?:" + "|".join(re.escape(code) for code in codes) + ")"
    return rf"\s*{one}(?:\s+{one})*\s*"


#: Words before and after a code in a code list: no ``[\s\S]`` (PostgreSQL refuses
#: ``\S`` in brackets) and no ``.`` (which crosses a line break in some engines only).
_BEFORE, _AFTER = r"\s*(?:\S+\s+)*", r"(?:\s+\S+)*\s*"


def has_code(d: Dialect, text: str, code: str) -> str:
    """Whether the code list ``text`` holds ``code`` (as a whole word); the code alone
    is told without the regular expression (the common case, and cheaper)."""
    pattern = d.match(text, f"{_BEFORE}{re.escape(code)}{_AFTER}")
    return f"(CASE WHEN {text} = {d.lit(code)} THEN 1 = 1 ELSE {pattern} END)"


def twice(d: Dialect, text: str, codes: tuple[str, ...]) -> str:
    """Whether the code list ``text`` holds one of ``codes`` twice or more (one match:
    the alternatives in one pattern, not a match per code)."""
    if not codes:
        return "1 = 0"
    words = "|".join(rf"{re.escape(code)}\s+(?:\S+\s+)*{re.escape(code)}" for code in codes)
    return d.match(text, rf"{_BEFORE}(?:{words}){_AFTER}")


def number(d: Dialect, text: str) -> str:
    """The number a valid number cell holds."""
    return f"CAST(TRIM({text}) AS {d.double})"


def value_code(d: Dialect, info: VarInfo, r: str) -> str:
    """The ``CASE`` giving the code of what is wrong with the raw text ``r`` (never
    NULL itself when it is absent: then the result is NULL)."""
    branches = _branches(d, info, r)
    if not branches:
        return "NULL"
    whens = " ".join(f"WHEN {condition} THEN '{code}'" for condition, code in branches)
    fast = " ".join(f"WHEN {condition} THEN {code}" for condition, code in _fast(d, info, r))
    return f"CASE WHEN {r} IS NULL THEN NULL {fast + ' ' if fast else ''}{whens} ELSE NULL END"


def _fast(d: Dialect, info: VarInfo, r: str) -> list[tuple[str, str]]:
    """Branches before :func:`_branches` for the common shape of a code list, giving
    what those would give without their regular expressions: one code alone (its
    result known here, when the query is made)."""
    if info.kind not in ("choices", "ranking"):
        return []
    question = info.node
    if info.kind == "ranking":
        top = getattr(question, "top", None) or len(info.codes)
        low, high, exclusive = None, top, set[str]()
    else:
        assert isinstance(question, MultipleChoice)
        low, high = question.min_choices, question.max_choices
        exclusive = {o.code for o in question.options if o.exclusive}
    outcome: dict[str, list[str]] = {"NULL": [], "'D203'": []}
    for code in info.codes:  # one code: not blank, known, not twice, alone
        bounded = code not in exclusive or info.kind == "ranking"
        short = bounded and ((low is not None and low > 1) or (high is not None and high < 1))
        outcome["'D203'" if short else "NULL"].append(d.lit(code))
    return [(f"{r} IN ({', '.join(codes)})", result) for result, codes in outcome.items() if codes]


def _branches(d: Dialect, info: VarInfo, r: str) -> list[tuple[str, str]]:
    kind, node = info.kind, info.node
    if kind == "choice":
        listed = ", ".join(d.lit(code) for code in info.codes)
        return [(f"NOT ({r} IN ({listed}))", "D201")]
    if kind in ("choices", "ranking"):
        return _list_branches(d, info, r)
    if kind == "check":
        return [(f"NOT (LOWER(TRIM({r})) IN ('true', '1', 'false', '0'))", "D202")]
    if kind == "text":
        return _text_branches(d, node, r)
    if kind == "number":
        return _number_branches(d, node, r)
    return _date_branches(d, node, r)


def _list_branches(d: Dialect, info: VarInfo, r: str) -> list[tuple[str, str]]:
    codes = info.codes
    count = " + ".join(f"CASE WHEN {has_code(d, r, c)} THEN 1 ELSE 0 END" for c in codes)
    found = [
        (d.match(r, r"\s*"), "D202"),  # white space only: no codes
        (f"NOT {d.match(r, codes_pattern(codes))}", "D201"),
        (twice(d, r, codes), "D202"),
    ]
    question = info.node
    if info.kind == "ranking":
        top = getattr(question, "top", None) or len(codes)
        found.append((f"({count}) > {top}", "D203"))
        return found
    assert isinstance(question, MultipleChoice)
    exclusive = [o.code for o in question.options if o.exclusive]
    if exclusive:
        alone = " OR ".join(has_code(d, r, c) for c in exclusive)
        found.append((f"({alone}) AND ({count}) > 1", "D204"))
        bounds_apply = f"NOT ({alone})"
    else:
        bounds_apply = "1 = 1"
    low, high = question.min_choices, question.max_choices
    if low is not None:
        found.append((f"{bounds_apply} AND ({count}) < {low}", "D203"))
    if high is not None:
        found.append((f"{bounds_apply} AND ({count}) > {high}", "D203"))
    return found


def _text_branches(d: Dialect, node: Any, r: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    limit = getattr(node, "max_length", None)
    if limit is not None:
        found.append((f"LENGTH({r}) > {int(limit)}", "D203"))
    shape = getattr(node, "format", None)
    if shape is not None:
        found.append((f"NOT {d.match(r, FORMATS[shape])}", "D202"))
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        found.append((f"NOT {d.match(r, pattern.regex)}", "D202"))
    return found


def _number_branches(d: Dialect, node: Any, r: str) -> list[tuple[str, str]]:
    value = number(d, r)
    found = [
        (f"NOT {d.match(r, DECIMAL)}", "D202"),
        (f"ABS({value}) > {_LARGEST}", "D202"),
    ]
    if getattr(node, "kind", "decimal") == "integer":
        whole = f"{value} = ROUND({value})"
        found.append((f"NOT ({d.match(r, INTEGER)} OR {whole})", "D202"))
    if node.min is not None:
        found.append((f"{value} < {_num(node.min)}", "D203"))
    if node.max is not None:
        found.append((f"{value} > {_num(node.max)}", "D203"))
    step = getattr(node, "step", None)
    if step is not None:
        base = _num(node.min if node.min is not None else 0)
        size = _num(step)
        off = f"({value} - {base}) - ROUND(({value} - {base}) / {size}) * {size}"
        found.append((f"ABS({off}) > {_num(1e-9 * float(step))}", "D203"))
    return found


def _date_branches(d: Dialect, node: Any, r: str) -> list[tuple[str, str]]:
    precision = getattr(node, "precision", "day")
    year = f"CAST(SUBSTR({r}, 1, 4) AS INTEGER)"
    real = f"{d.match(r, _DATES[precision])} AND {year} >= 1"
    if precision != "year":
        month = f"CAST(SUBSTR({r}, 6, 2) AS INTEGER)"
        real += f" AND {month} BETWEEN 1 AND 12"
    if precision == "day":
        day = f"CAST(SUBSTR({r}, 9, 2) AS INTEGER)"
        leap = f"({year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0))"
        last = (
            f"CASE WHEN {month} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            f"WHEN {month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
        )
        real += f" AND {day} BETWEEN 1 AND {last}"
    # a CASE, so that the casts only see text of the right shape
    found = [
        (f"NOT (CASE WHEN {d.match(r, _DATES[precision])} THEN {real} ELSE 1 = 0 END)", "D202")
    ]
    if node.min is not None:
        found.append((f"{r} < {d.lit(str(node.min))}", "D203"))
    if node.max is not None:
        found.append((f"{r} > {d.lit(str(node.max))}", "D203"))
    return found


def _num(value: Any) -> str:
    """A number as an SQL literal (a bool or a non-number is refused: no text gets in)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return repr(float(value)) if isinstance(value, float) else str(int(value))


__all__ = ["DECIMAL", "INTEGER", "codes_pattern", "has_code", "number", "value_code"]
