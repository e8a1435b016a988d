"""Answers and responses: what a respondent's data looks like, and checking it.

An *answer set* maps variable names to values (docs/responses.md):

- single choice, matrix row: the chosen code (``"ja"``)
- multiple choice: a list of the chosen codes (``["vor", "nach"]``), never empty
- text, text-list field, text follow-up, text cell: a non-empty string
- number (question, follow-up, cell): an int, or for ``kind: decimal`` an int or float
- date, date-range end: ISO text at the precision (``"2021"``, ``"2021-05"``, ``"2021-05-31"``)
- check cell: ``true`` (an unticked box is simply absent; ``false`` is accepted as absent)
- ranking: a non-empty list of distinct codes in rank order, at most ``top`` long
- number-list field, dual-scale matrix cell: a number, a code of that scale
- roster: a list of records (mappings of the roster's variables), the k-th answering
  the k-th iteration; ``_order``: id -> the codes (ids) in the order shown

- hidden variable: a value of its type (a code of its options, a number, a text, a date)

A name that is missing is unanswered. A *response* is the answer set a walk
keeps: hidden variables (given or default), only answers of shown questions,
follow-ups only while their option is chosen, answers of options and rows only
while they are offered, multiple choices in option order, rankings in the order
given, unticked boxes dropped, computed values, roster records and ``_order``. A
text must match its ``pattern`` and ``format`` (:mod:`qdef.expr.patterns`).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from typing import Any

from qdef.expr.patterns import FORMATS, matches
from qdef.expr.values import format_number
from qdef.model import CheckColumn, GridQuestion, MultipleChoice
from qdef.routing.order import codes, is_permutation
from qdef.routing.plan import Plan, Roster, VarInfo

_DATE_SHAPES = {
    "year": re.compile(r"[0-9]{4}"),
    "month": re.compile(r"[0-9]{4}-[0-9]{2}"),
    "day": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}


class AnswerError(ValueError):
    """Answers that do not fit the instrument; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more if problems else "invalid answers")


def real_date(text: str, precision: str) -> bool:
    if not _DATE_SHAPES[precision].fullmatch(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        datetime.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def problems(plan: Plan, answers: Mapping[str, Any]) -> list[str]:
    """Every way ``answers`` does not fit the instrument (unknown names, types,
    codes, bounds, steps, exclusivity, date order, malformed roster records,
    ``_order`` and ``_language``). Required questions may be unanswered."""
    found: list[str] = []
    for name, value in answers.items():
        if name == "_order":
            found.extend(_order_problems(plan, value))
            continue
        if name == "_language":
            found.extend(_language_problems(plan, value))
            continue
        roster = plan.rosters.get(name)
        if roster is not None:
            found.extend(_records_problems(plan, roster, value))
            continue
        info = plan.variables.get(name)
        if info is None:
            if plan.hidden_info(name) is not None or _computed(plan, name):
                # from outside: a value not in its domain is ignored; computed values are
                # computed again (so that a response is an answer set of its own walk)
                continue
            found.append(_unknown(plan, name))
            continue
        if info.roster is not None:
            found.append(
                f"'{name}' belongs to the roster '{info.roster}': give it in the records "
                f"of '{info.roster}'"
            )
            continue
        problem = value_problem(info, value)
        if problem:
            found.append(f"'{name}': {problem}")
    found.extend(_cross_problems(plan, answers))
    return found


def _records_problems(plan: Plan, roster: Roster, value: Any) -> list[str]:
    """What is wrong with the records given for ``roster``: each must be a mapping of that
    roster's variables (its item is recomputed, so any value of it is ignored)."""
    if not isinstance(value, list):
        return [f"'{roster.id}': {value!r} is not a list of records (one per iteration)"]
    found: list[str] = []
    for k, record in enumerate(value):
        where = f"'{roster.id}'[{k}]"
        if not isinstance(record, Mapping):
            found.append(f"{where}: {record!r} is not a record (a mapping of its answers)")
            continue
        for name, answer in record.items():
            if name == roster.item:
                continue
            info = plan.variables.get(name)
            if info is None or info.roster != roster.id:
                if _computed(plan, name) and _roster_of_entry(plan, name) == roster.id:
                    continue
                found.append(f"{where}: '{name}' is not a variable of the roster '{roster.id}'")
                continue
            problem = value_problem(info, answer)
            if problem:
                found.append(f"{where}: '{name}': {problem}")
        found.extend(f"{where}: {p}" for p in _cross_problems(plan, record))
    return found


def _roster_of_entry(plan: Plan, name: str) -> str | None:
    position = plan.symbols.positions.get(name)
    return None if position is None else plan.steps[position].roster


def _language_problems(plan: Plan, value: Any) -> list[str]:
    """What is wrong with a ``_language`` (the web form's: the language its page was
    answered in): it names one of the instrument's languages."""
    instrument = plan.instrument
    languages = [instrument.language, *instrument.translations]
    if value in languages:
        return []
    return [f"'_language': {value!r} is not a language of the instrument ({', '.join(languages)})"]


def _order_problems(plan: Plan, value: Any) -> list[str]:
    """What is wrong with an ``_order``: it maps the ids of randomised questions and
    sections to a permutation of their codes (ids)."""
    if not isinstance(value, Mapping):
        return [f"'_order': {value!r} is not a mapping of ids to orders"]
    found: list[str] = []
    sections = {s.id: s for s in plan.instrument.sections}
    for key, order in value.items():
        position = plan.symbols.positions.get(key) if isinstance(key, str) else None
        what: Any = sections.get(key) if position is None else plan.steps[position].question
        if what is None or getattr(what, "order", "written") != "random":
            found.append(f"'_order': {key!r} is not a question or section in random order")
            continue
        written = codes(what)
        if not is_permutation(order, written):
            found.append(f"'_order': '{key}': {order!r} is not an order of {', '.join(written)}")
    return found


def _computed(plan: Plan, name: str) -> bool:
    position = plan.symbols.positions.get(name)
    return position is not None and plan.steps[position].computed is not None


def _unknown(plan: Plan, name: str) -> str:
    if name in plan.groups:
        shown = ", ".join(plan.groups[name][:3])
        return f"'{name}' has several parts; give its parts instead, e.g. {shown}"
    if name in plan.symbols.positions:
        return f"'{name}' is a display text; it has no answer"
    return f"'{name}' is not a variable of this instrument"


def value_problem(info: VarInfo, value: Any) -> str | None:
    """What is wrong with ``value`` as the answer ``info`` (None: nothing)."""
    kind, node = info.kind, info.node
    if kind == "choice":
        if not isinstance(value, str) or value not in info.codes:
            return f"{value!r} is not one of its codes ({', '.join(info.codes)})"
        return None
    if kind == "choices":
        return _choices_problem(info, value)
    if kind == "ranking":
        return _ranking_problem(info, value)
    if kind == "check":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if kind == "text":
        if not isinstance(value, str) or not value:
            return f"{value!r} is not a non-empty text"
        limit = getattr(node, "max_length", None)
        if limit is not None and len(value) > limit:
            return f"the text is longer than {limit} characters"
        return _text_shape_problem(node, value)
    if kind == "number":
        return _number_problem(node, value)
    return _date_problem(node, value)


def _text_shape_problem(node: Any, value: str) -> str | None:
    """A text that does not match its ``pattern`` or ``format``."""
    pattern = getattr(node, "pattern", None)
    shape = getattr(node, "format", None)
    if pattern is None and shape is None:
        return None
    if shape is not None and not matches(FORMATS[shape], value):
        return f"{value!r} is not a valid {_FORMAT_NAMES[shape]}"
    if pattern is not None and not matches(pattern.regex, value):
        return f"{value!r} does not match the pattern {pattern.regex}"
    return None


_FORMAT_NAMES = {"email": "e-mail address", "phone": "telephone number", "url": "web address"}


def _choices_problem(info: VarInfo, value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not value:
        return f"{value!r} is not a non-empty list of codes"
    for code in value:
        if not isinstance(code, str) or code not in info.codes:
            return f"{code!r} is not one of its codes ({', '.join(info.codes)})"
    if len(set(value)) != len(value):
        return "a code is listed twice"
    question = info.node
    assert isinstance(question, MultipleChoice)
    exclusive = [o.code for o in question.options if o.exclusive]
    for code in exclusive:
        if code in value and len(value) > 1:
            return f"'{code}' excludes every other option"
        if code in value:
            return None  # an exclusive option alone is a whole answer, whatever min_choices
    low, high = question.min_choices, question.max_choices
    if low is not None and len(value) < low:
        return f"at least {low} options must be chosen"
    if high is not None and len(value) > high:
        return f"at most {high} options may be chosen"
    return None


def _ranking_problem(info: VarInfo, value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not value:
        return f"{value!r} is not a non-empty list of codes in rank order"
    for code in value:
        if not isinstance(code, str) or code not in info.codes:
            return f"{code!r} is not one of its codes ({', '.join(info.codes)})"
    if len(set(value)) != len(value):
        return "a code is ranked twice"
    top = getattr(info.node, "top", None) or len(info.codes)
    if len(value) > top:
        return f"at most {top} items may be ranked"
    return None


def _number_problem(node: Any, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if node.kind == "integer" and not isinstance(value, int):
        return f"{value!r} is not a whole number"
    if node.min is not None and value < node.min:
        return f"{value!r} is less than the minimum {node.min}"
    if node.max is not None and value > node.max:
        return f"{value!r} is more than the maximum {node.max}"
    step = getattr(node, "step", None)
    if step is not None:
        base = node.min if node.min is not None else 0
        steps = round((value - base) / step)
        if abs(value - base - steps * step) > 1e-9 * step:
            return (
                f"{value!r} is not on the steps of {format_number(step)} from {format_number(base)}"
            )
    return None


def _date_problem(node: Any, value: Any) -> str | None:
    precision = node.precision
    if not isinstance(value, str) or not real_date(value, precision):
        return f"{value!r} is not a date at {precision} precision"
    if node.min is not None and value < node.min:
        return f"{value} is before the earliest date {node.min}"
    if node.max is not None and value > node.max:
        return f"{value} is after the latest date {node.max}"
    return None


def _cross_problems(plan: Plan, answers: Mapping[str, Any]) -> list[str]:
    """Rules between answers: date ranges in order, exclusive check columns alone."""
    found: list[str] = []
    for name, value in answers.items():
        info = plan.variables.get(name)
        if info is None:
            continue
        question = plan.steps[info.position].question
        if name == f"{question.id}.from":
            end = answers.get(f"{question.id}.to")
            if isinstance(value, str) and isinstance(end, str) and value > end:
                found.append(f"'{question.id}': the start {value} is after the end {end}")
        column = info.node
        if (
            isinstance(question, GridQuestion)
            and isinstance(column, CheckColumn)
            and column.exclusive
            and value is True
        ):
            row = name[len(question.id) + 1 : -len(column.code) - 1]
            cells = [f"{question.id}.{row}.{c.code}" for c in question.columns]
            others = [n for n in cells if n != name and _given(answers, n)]
            if others:
                found.append(f"'{name}' is ticked, so {', '.join(others)} must be empty")
    return found


def _given(answers: Mapping[str, Any], name: str) -> bool:
    value = answers.get(name)
    return value is not None and value is not False


def normalize(info: VarInfo, value: Any) -> Any:
    """The value as a response stores it (None: not stored)."""
    if info.kind == "check":
        return True if value is True else None
    if info.kind == "choices":
        chosen = set(value)
        return [code for code in info.codes if code in chosen]
    if info.kind == "ranking":
        return list(value)  # in rank order, as given
    return value
