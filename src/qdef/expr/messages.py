"""Messages of the type checker: codes, examples and the wording of each problem.

Kept apart from :mod:`qdef.expr.types` so that the checker reads as
logic and the words can be reviewed on their own.
"""

from __future__ import annotations

import datetime
import difflib
import re
import typing
from typing import TypeAlias

from qdef.diagnostics import Code
from qdef.expr.nodes import Literal
from qdef.expr.printer import literal_source, quote
from qdef.model.symbols import Variable

UNKNOWN_VARIABLE = Code.QD502
Subject: TypeAlias = typing.Literal["question", "section"]
"""What carries a condition (for messages)."""

LATER_VARIABLE = Code.QD503
UNKNOWN_CODE = Code.QD504
WRONG_OPERATOR = Code.QD505
WRONG_TYPE = Code.QD506
NOT_A_CONDITION = Code.QD507
BAD_DATE = Code.QD508
NOT_A_NUMBER = Code.QD510
WRONG_ARGUMENT = Code.QD513
NOT_A_VALUE = Code.QD514
NOT_SHOWABLE = Code.QD519
OUTSIDE_ROSTER = Code.QD525
BEFORE_ROSTER = Code.QD526
OTHER_ROSTER = Code.QD527
TWO_ROSTERS = Code.QD528
OWN_ROSTER = Code.QD529
NOT_OVER_ROSTER = Code.QD530

HOW_VARIABLES_ARE_WRITTEN = (
    "variables are question ids, the parts of multi-part questions (id.row for a matrix "
    "row, id.row.column for a grid cell, id.field for a text-list field, id.from and "
    "id.to for a date range) and follow-ups' own ids"
)


def how_variables_are_written(names: list[str]) -> str:
    """How variables are written, with examples from the instrument's own ``names``
    (a question id, a part of a multi-part question), not made-up ones."""
    whole = [name for name in names if "." not in name][:2]
    parts = [name for name in names if "." in name][:1]
    if not whole:
        return HOW_VARIABLES_ARE_WRITTEN
    examples = ", ".join(whole + parts)
    return f"{HOW_VARIABLES_ARE_WRITTEN}, e.g. {examples}"


#: precision -> (pattern, form, example)
DATE_FORMS: dict[str, tuple[str, str, str]] = {
    "year": (r"[0-9]{4}", "YYYY", "2020"),
    "month": (r"[0-9]{4}-[0-9]{2}", "YYYY-MM", "2020-05"),
    "day": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "YYYY-MM-DD", "2020-05-31"),
}
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MAX_LISTED = 12


def quoted_list(items: tuple[str, ...]) -> str:
    items = tuple(dict.fromkeys(items))
    shown = [quote(item) for item in items[:MAX_LISTED]]
    return ", ".join(shown + (["…"] if len(items) > MAX_LISTED else []))


def alternatives(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def written_as(name: str, op: str, value: str) -> str:
    """``name op value`` as an example, e.g. ``q1 == "1"`` or ``q1 in ["1"]``."""
    return f"{name} {op} [{value}]" if op in ("in", "not in") else f"{name} {op} {value}"


def example(variable: Variable) -> str:
    """A well-typed comparison with ``variable``, for messages."""
    vtype, name = variable.type, variable.name
    first = quote(vtype.codes[0]) if vtype.codes else '"a"'
    match vtype.kind:
        case "choice":
            return f"{name} == {first}"
        case "choices" | "ranking":
            return f"{name} has {first}"
        case "number":
            return f"{name} > 0"
        case "date":
            return f"{name} >= {quote(DATE_FORMS[vtype.precision or 'day'][2])}"
        case "check":
            return f"{name} == true"
        case _:
            return f'{name} == "…"'


def bare_word(word: str, variable: Variable, op: str) -> str | None:
    """The message for an unquoted ``word`` compared with ``variable`` (``employed ==
    yes``), if ``word`` is one of its codes or (for a text) plausibly meant as text."""
    vtype = variable.type
    if vtype.kind in ("choice", "choices", "ranking"):
        same = [code for code in vtype.codes if code == word]
        same = same or [code for code in vtype.codes if code.lower() == word.lower()]
        if not same:
            return (
                f"'{word}' is not a variable, nor a code of '{variable.name}' (its codes "
                f"are {quoted_list(vtype.codes)}); quote codes, e.g. "
                f"{written_as(variable.name, op, quote(vtype.codes[0]))}"
            )
        what = f"the code {quote(same[0])} of '{variable.name}'"
        value = same[0]
    elif vtype.kind == "text":
        what, value = f"the text {quote(word)}", word
    else:
        return None
    return (
        f"'{word}' is not a variable; to compare with {what}, quote it: "
        f"{written_as(variable.name, op, quote(value))}"
    )


def check_hint(name: str, kind: str = "check") -> str:
    what = "a check box" if kind == "check" else "a truth value"
    return (
        f"'{name}' is {what}: use it on its own ({name}, or not {name}) "
        "or compare it with true or false"
    )


def code_message(name: str, code: str, codes: tuple[str, ...]) -> str:
    message = f"{quote(code)} is not a code of '{name}'; its codes are {quoted_list(codes)}"
    same_case = [c for c in codes if c.lower() == code.lower()]
    close = same_case or difflib.get_close_matches(code, codes, n=1, cutoff=0.6)
    return message + (f"; did you mean {quote(close[0])}?" if close else "")


def date_problem(text: str, precision: str) -> str | None:
    """Why ``text`` is not an ISO date at ``precision`` (None if it is one)."""
    pattern, form, sample = DATE_FORMS[precision]
    advice = f"write {form}, e.g. {quote(sample)}"
    if not re.fullmatch(pattern, text):
        return f"{quote(text)} is not a date at {precision} precision; {advice}"
    year, month, day = (*(int(part) for part in text.split("-")), 1, 1)[:3]
    try:
        datetime.date(year, month, day)
    except ValueError:
        return f"{quote(text)} is not a real calendar date; {advice}"
    return None


def literal_problem(variable: Variable, literal: Literal, op: str) -> tuple[Code, str] | None:
    """The code and message if ``variable`` cannot be compared (by ``op``) with ``literal``."""
    vtype, name, value = variable.type, variable.name, literal.value
    kind = vtype.kind
    misfit = f"'{name}' is {vtype.describe()}, so {literal_source(literal)} does not fit; "
    if kind in ("check", "truth") or isinstance(value, bool):
        if kind in ("check", "truth") and isinstance(value, bool):
            return None
        if kind in ("check", "truth"):
            hint = f"use it on its own ({name}, or not {name}) or compare it with true or false"
        else:
            hint = f"compare it with e.g. {example(variable)}"
        return WRONG_TYPE, misfit + hint
    if kind == "number":
        if not isinstance(value, str):
            return None
        if NUMBER.fullmatch(value):
            return (
                WRONG_TYPE,
                misfit + f"write numbers without quotes: {written_as(name, op, value)}",
            )
        return WRONG_TYPE, misfit + f"write a number without quotes, e.g. {name} > 0"
    if not isinstance(value, str):  # a number where text, a code or a date is needed
        if kind == "date":
            return WRONG_TYPE, misfit + f"write dates as quoted text, e.g. {example(variable)}"
        what = "text is" if kind == "text" else "codes are"
        return (
            WRONG_TYPE,
            misfit + f"{what} quoted: {written_as(name, op, quote(literal_source(literal)))}",
        )
    if kind in ("choice", "choices", "ranking") and value not in vtype.codes:
        return UNKNOWN_CODE, code_message(name, value, vtype.codes)
    if kind == "date" and (problem := date_problem(value, vtype.precision or "day")):
        return BAD_DATE, f"{problem} (for '{name}')"
    return None
