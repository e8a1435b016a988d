"""Which code a problem gets: the walk's own checks say *what* is wrong, in words
(:func:`qdef.routing.answers.value_problem`, :func:`qdef.routing.problems`, a walk's
failed rules); this module says *which kind* of finding it is, from the value's shape
and the rule's place, never from the words."""

from __future__ import annotations

import math
import re
from typing import Any

from qdef.data.codes import DataCode
from qdef.expr.printer import to_source
from qdef.model import MultipleChoice
from qdef.routing.answers import real_date
from qdef.routing.interpreter import RuleFailure
from qdef.routing.plan import Plan, VarInfo

_QUOTED = re.compile(r"'([^']+)'")


def value_code(info: VarInfo, value: Any) -> DataCode:
    """The code of a value :func:`value_problem` refuses, from the value's shape only
    (the reason is the walk's own words)."""
    kind = info.kind
    if kind == "choice":
        return DataCode.D201 if isinstance(value, str) else DataCode.D202
    if kind in ("choices", "ranking"):
        if not isinstance(value, list | tuple) or not value:
            return DataCode.D202
        if not all(isinstance(code, str) for code in value):
            return DataCode.D202
        if any(code not in info.codes for code in value):
            return DataCode.D201
        if len(set(value)) != len(value):
            return DataCode.D202
        question = info.node
        exclusive = isinstance(question, MultipleChoice) and len(value) > 1
        if exclusive and any(o.exclusive and o.code in value for o in question.options):
            return DataCode.D204
        return DataCode.D203
    if kind == "text":
        if not isinstance(value, str) or not value:
            return DataCode.D202
        limit = getattr(info.node, "max_length", None)
        return DataCode.D203 if limit is not None and len(value) > limit else DataCode.D202
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return DataCode.D202
        if isinstance(value, float) and not math.isfinite(value):
            return DataCode.D202
        if getattr(info.node, "kind", "decimal") == "integer" and not isinstance(value, int):
            return DataCode.D202
        return DataCode.D203
    if kind == "date":
        precision = getattr(info.node, "precision", "day")
        if not isinstance(value, str) or not real_date(value, precision):
            return DataCode.D202
        return DataCode.D203
    return DataCode.D202


def label(plan: Plan, k: int | None, name: str, roster: str | None = None) -> str:
    """How a finding names a variable: ``name``, inside a roster ``roster.k.name``."""
    if k is None:
        return name
    roster = roster or plan.variables[name].roster
    return f"{roster}.{k + 1}.{name}"


def cross(problem: str) -> tuple[str, DataCode, str]:
    """A problem between answers (``problems`` on values that are each valid) as a
    finding: the variable it names first (inside a roster ``roster.k.name``)."""
    record = re.match(r"'([^']+)'\[([0-9]+)\]: '([^']+)'(: )?", problem)
    if record:
        variable = f"{record[1]}.{int(record[2]) + 1}.{record[3]}"
        reason = problem[record.end() :] if record[4] else problem
        return variable, DataCode.D204, reason
    quoted = _QUOTED.match(problem) or _QUOTED.search(problem)
    if quoted is None:
        return "", DataCode.D204, problem
    named = f"'{quoted[1]}': "
    reason = problem[len(named) :] if problem.startswith(named) else problem
    return quoted[1], DataCode.D204, reason


def rule(plan: Plan, failure: RuleFailure) -> tuple[str, DataCode, str]:
    step = plan.steps[plan.position_of(failure.question)]
    label = failure.question
    if failure.iteration is not None and step.roster is not None:
        label = f"{step.roster}.{failure.iteration + 1}.{failure.question}"
    if failure.index < 0:
        assert step.total is not None
        return label, DataCode.D204, f"the total fails: {to_source(step.total)}"
    rule = (getattr(step.question, "rules", None) or ())[failure.index]
    return label, DataCode.D204, f"rule {failure.index + 1} fails: {rule.check}"


def same(given: Any, walked: Any) -> bool:
    """Whether a computed value read from the data is the one the walk computes (numbers
    compared as numbers: a CSV writes 2.5 as it likes)."""
    numbers = (int, float)
    if isinstance(given, bool) or isinstance(walked, bool):
        return given is walked
    if isinstance(given, numbers) and isinstance(walked, numbers):
        return math.isclose(given, walked, rel_tol=1e-9, abs_tol=1e-12)
    return bool(given == walked) or str(given) == str(walked)


__all__ = ["cross", "label", "rule", "same", "value_code"]
