"""The JSON Schema (Draft 2020-12) of one response of an instrument (docs/responses.md).

:func:`response_schema` describes what a walk's response may hold: each variable's
key with its type, codes, bounds and text shape, roster records as arrays of
objects, and ``_order``. It is a schema of *data*, not of routing: every key is
optional (which are present depends on the walk), so a response that the walk would
never give may still be valid; one that is not valid is never a walk's response.

Patterns and formats are written for ECMAScript regular expressions (the subset of
docs/format.md, "Patterns", reads alike there), anchored to the whole text.
"""

from __future__ import annotations

from typing import Any

from qdef.expr.patterns import FORMATS
from qdef.routing.order import codes
from qdef.routing.plan import Plan, VarInfo

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_DATE_PATTERNS = {
    "year": "^[0-9]{4}$",
    "month": "^[0-9]{4}-(0[1-9]|1[0-2])$",
    "day": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
}


def response_schema(plan: Plan) -> dict[str, Any]:
    """The JSON Schema of a response of ``plan``'s instrument."""
    properties: dict[str, Any] = {}
    for info in plan.hidden:
        properties[info.name] = variable_schema(info)
    rosters: dict[str, dict[str, Any]] = {roster: {} for roster in plan.rosters}
    for step in plan.steps:
        target = properties if step.roster is None else rosters[step.roster]
        if step.computed is not None:
            target[step.question.id] = _computed_schema(plan, step.question.id)
        for name in step.variables:
            target[name] = variable_schema(plan.variables[name])
    for roster in plan.rosters.values():
        record = rosters[roster.id]
        record[roster.item] = variable_schema(plan.variables[roster.item])
        properties[roster.id] = {
            "type": "array",
            "minItems": 1,
            "maxItems": roster.max,
            "items": {
                "type": "object",
                "properties": record,
                "required": [roster.item],
                "additionalProperties": False,
            },
        }
    order = _order_schema(plan)
    if order:
        properties["_order"] = {
            "type": "object",
            "properties": order,
            "additionalProperties": False,
        }
    instrument = plan.instrument
    return {
        "$schema": DIALECT,
        "title": f"A response to {instrument.id}",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def variable_schema(info: VarInfo) -> dict[str, Any]:
    """The schema of the value of one variable (its key's value in a response)."""
    kind, node = info.kind, info.node
    if kind == "choice":
        return {"type": "string", "enum": list(info.codes)}
    if kind in ("choices", "ranking"):
        top = getattr(node, "top", None) if kind == "ranking" else None
        found: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "enum": list(info.codes)},
            "minItems": 1,
            "maxItems": top or len(info.codes),
            "uniqueItems": True,
        }
        return found
    if kind == "check":
        return {"const": True}
    if kind == "text":
        return _text_schema(node)
    if kind == "number":
        return _number_schema(node)
    return _date_schema(node)


def _text_schema(node: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "string", "minLength": 1}
    limit = getattr(node, "max_length", None)
    if limit is not None:
        found["maxLength"] = limit
    shapes = []
    shape = getattr(node, "format", None)
    if shape is not None:
        shapes.append(f"^(?:{FORMATS[shape]})$")
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        shapes.append(f"^(?:{pattern.regex})$")
    if len(shapes) == 1:
        found["pattern"] = shapes[0]
    elif shapes:
        found["allOf"] = [{"pattern": p} for p in shapes]
    return found


def _number_schema(node: Any) -> dict[str, Any]:
    whole = getattr(node, "kind", "decimal") == "integer"
    found: dict[str, Any] = {"type": "integer" if whole else "number"}
    low, high = getattr(node, "min", None), getattr(node, "max", None)
    if low is not None:
        found["minimum"] = low
    if high is not None:
        found["maximum"] = high
    step = getattr(node, "step", None)
    if step is not None and not low and float(step).is_integer():
        found["multipleOf"] = int(step)  # exact only for whole steps counted from 0
    return found


def _date_schema(node: Any) -> dict[str, Any]:
    precision = getattr(node, "precision", "day")
    found: dict[str, Any] = {"type": "string", "pattern": _DATE_PATTERNS[precision]}
    if precision == "day":
        found["format"] = "date"
    return found


def _computed_schema(plan: Plan, name: str) -> dict[str, Any]:
    variable = plan.symbols.variables.get(name)
    kind = variable.type.kind if variable is not None else None
    if kind == "number":
        assert variable is not None
        return {"type": "integer" if variable.type.integer else "number"}
    if kind == "truth":
        return {"type": "boolean"}
    if kind in ("text", "date", "choice"):
        return {"type": "string"}
    return {}  # a computed value the checks could not type: anything


def _order_schema(plan: Plan) -> dict[str, Any]:
    found: dict[str, Any] = {}
    randomised: list[Any] = [
        s.question for s in plan.steps if getattr(s.question, "order", "written") == "random"
    ]
    randomised += [s for s in plan.instrument.sections if s.order == "random"]
    for what in randomised:
        written = codes(what)
        found[what.id] = {
            "type": "array",
            "items": {"type": "string", "enum": written},
            "minItems": len(written),
            "maxItems": len(written),
            "uniqueItems": True,
        }
    return found


__all__ = ["DIALECT", "response_schema", "variable_schema"]
