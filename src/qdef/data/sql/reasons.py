"""The reasons of the SQL engine's findings, in the walk's words where it has them: a
value's problem is :func:`qdef.routing.answers.value_problem`'s own sentence (the
cell read as the CSV reader reads it), an answer off the path names the question's
reaching condition; the rest say what the query found, as the walk says it."""

from __future__ import annotations

import re
from collections.abc import Callable

from qdef.data.codes import DataCode
from qdef.data.records import parse_text
from qdef.routing.answers import value_problem
from qdef.routing.plan import Plan

_ROW = re.compile(r"(.+)\.([^.]+)$")


def reason_of(
    plan: Plan,
    reaching: Callable[[str], str | None] | None,
    variable: str,
    code: str,
    value: str | None,
) -> str:
    """Why the query reports ``code`` on ``variable`` (``value``: the cell, or None)."""
    info = plan.variables.get(variable)
    if code in ("D201", "D202", "D203", "D204") and info is not None and value is not None:
        problem = value_problem(info, parse_text(info, value))
        if problem is not None:
            return problem
    if code == "D204":
        if info is None:
            return "the start is after the end"
        return f"{variable!r} is ticked, so the other cells of its row must be empty"
    if code == "D301" and info is not None:
        condition = reaching(info.question) if reaching else None
        why = f"; it is asked only if {condition}" if condition else ""
        return f"question {info.question!r} is not on this respondent's path{why}"
    if code == "D303" and info is not None:
        return f"its option {info.option!r} of {info.question!r} is not chosen"
    if code == "D302":
        return _required_reason(plan, variable)
    return DataCode[code].summary


def _required_reason(plan: Plan, variable: str) -> str:
    info = plan.variables.get(variable)
    if info is not None and info.option is not None:
        return f"a required follow-up of the chosen {info.option!r}"
    if variable.endswith((".from", ".to")) and info is not None and info.kind == "date":
        return "a required date range needs both ends"
    if info is not None and info.kind == "ranking":
        return "a required ranking: not enough items are ranked"
    if variable in plan.groups:
        return "a required question: at least one field must be answered"
    if info is None:
        row = _ROW.match(variable)
        return f"the row {row[2]!r} of a required question" if row else DataCode.D302.summary
    return "a required question on this respondent's path is not answered"


__all__ = ["reason_of"]
