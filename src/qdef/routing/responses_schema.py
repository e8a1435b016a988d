"""The JSON Schema (Draft 2020-12) of one response of an instrument (docs/responses.md).

:func:`response_schema` describes what a walk's response may hold: each variable's
key with its type, codes, bounds and text shape, roster records as arrays of
objects, ``_order``, and ``_language`` for an instrument with translations. It is
a schema of *data*, not of routing: every key is optional (which are present
depends on the walk), so a response that the walk would never give may still be
valid; one that is not valid is never a walk's response.

:func:`routing_rules` adds what JSON Schema can say of the routing: for each
question outside rosters whose reaching condition (the routing analysis's, in the
condition language) is made only of what a schema can test — ``answered``, ``==``
and ``!=`` against a value, ``in``, ``has``, number comparisons against a number,
``not``/``and``/``or`` — an ``if``/``else``: where the condition does not hold, none
of the question's variables may be present (an answer where nobody should have
been asked). A condition with arithmetic, functions, two variables compared or
aggregates over a roster gives no rule; those questions are left to ``walk``. And
the follow-up of a single or multiple choice's option is present only when that
option is chosen.

Patterns and formats are written for ECMAScript regular expressions (the subset of
docs/format.md, "Patterns", reads alike there), anchored to the whole text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qdef.expr.nodes import And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref
from qdef.expr.patterns import FORMATS
from qdef.routing.order import codes
from qdef.routing.plan import Plan, VarInfo

if TYPE_CHECKING:
    from qdef.routing.analysis import Analysis

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_DATE_PATTERNS = {
    "year": "^[0-9]{4}$",
    "month": "^[0-9]{4}-(0[1-9]|1[0-2])$",
    "day": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
}


def response_schema(plan: Plan, analysis: Analysis | None = None) -> dict[str, Any]:
    """The JSON Schema of a response of ``plan``'s instrument; with its routing
    ``analysis``, also the :func:`routing_rules` (as ``allOf``)."""
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
    if instrument.translations:  # saved by a web form with several languages
        properties["_language"] = {
            "enum": [instrument.language, *instrument.translations],
        }
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"A response to {instrument.id}",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if analysis is not None:
        rules = routing_rules(analysis)
        if rules:
            schema["allOf"] = rules
    return schema


def routing_rules(analysis: Analysis) -> list[dict[str, Any]]:
    """One ``if``/``else`` per question (outside rosters) whose reaching condition a
    schema can test: where it does not hold, none of the question's variables is
    present. The rule's ``$comment`` names the question and gives the condition."""
    rules: list[dict[str, Any]] = []
    for step in analysis.plan.steps:
        names = list(step.variables)
        if step.computed is not None:
            names.append(step.question.id)
        if step.roster is not None or not names:
            continue
        reaching = analysis.reaching(step.question.id)
        if isinstance(reaching, Literal) and reaching.value is True:
            continue  # always shown: nothing to say
        condition = condition_schema(reaching)
        if condition is None:
            continue
        rules.append(
            {
                "$comment": f"{step.question.id} is asked only if "
                f"{analysis.reaching_source(step.question.id)}",
                "if": condition,
                "else": {"not": {"anyOf": [{"required": [name]} for name in names]}},
            }
        )
    for step in analysis.plan.steps:
        if step.roster is None:
            rules.extend(_followup_rules(step.question))
    return rules


def _followup_rules(question: Any) -> list[dict[str, Any]]:
    """A follow-up of a single or multiple choice's option is present only with its
    option chosen (an orphan follow-up is an export or fielding error)."""
    if question.type not in ("single", "multiple"):
        return []
    rules: list[dict[str, Any]] = []
    for option in question.options:
        for followup in option.specify or ():
            chosen = (
                _on(question.id, {"const": option.code})
                if question.type == "single"
                else _on(question.id, {"contains": {"const": option.code}})
            )
            rules.append(
                {
                    "$comment": f"{followup.id} belongs to option {option.code} of {question.id}",
                    "if": chosen,
                    "else": {"not": {"required": [followup.id]}},
                }
            )
    return rules


def condition_schema(expr: Expr) -> dict[str, Any] | None:
    """A schema that a response meets exactly when ``expr`` holds on it (an absent
    variable makes ``==``, ``in``, ``has`` and the comparisons false, as in qdef), or
    None where a schema cannot say it."""
    if isinstance(expr, Literal) and isinstance(expr.value, bool):
        return {} if expr.value else {"not": {}}
    if isinstance(expr, Answered):
        return {"required": [expr.ref.name]}
    if isinstance(expr, Not):
        inner = condition_schema(expr.operand)
        return None if inner is None else {"not": inner}
    if isinstance(expr, And | Or):
        parts = [condition_schema(operand) for operand in expr.operands]
        if any(part is None for part in parts):
            return None
        return {"allOf" if isinstance(expr, And) else "anyOf": parts}
    if isinstance(expr, Has) and isinstance(expr.left, Ref) and _value(expr.value) is not None:
        return _on(expr.left.name, {"contains": {"const": _value(expr.value)}})
    if isinstance(expr, In) and isinstance(expr.left, Ref):
        values = [_value(literal) for literal in expr.values]
        within = _on(expr.left.name, {"enum": values})
        return {"not": within} if expr.negated else within
    if isinstance(expr, Compare):
        return _comparison(expr)
    return None


#: A comparison with the variable on the right, turned around.
_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_BOUNDS = {"<": "exclusiveMaximum", "<=": "maximum", ">": "exclusiveMinimum", ">=": "minimum"}


def _comparison(expr: Compare) -> dict[str, Any] | None:
    op, left, right = expr.op, expr.left, expr.right
    if isinstance(right, Ref) and isinstance(left, Literal):
        op, left, right = _MIRRORED[op], right, left
    if not isinstance(left, Ref) or not isinstance(right, Literal):
        return None
    value = _value(right)
    if op in ("==", "!="):
        equal = _on(left.name, {"const": value})
        return equal if op == "==" else {"not": equal}
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # dates and texts are ordered as qdef orders them, not as JSON
    return _on(left.name, {"type": "number", _BOUNDS[op]: value})


def _on(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The variable ``name`` is present and its value meets ``schema``."""
    return {"required": [name], "properties": {name: schema}}


def _value(expr: Expr) -> str | int | float | bool | None:
    return expr.value if isinstance(expr, Literal) else None


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


__all__ = ["DIALECT", "condition_schema", "response_schema", "routing_rules", "variable_schema"]
