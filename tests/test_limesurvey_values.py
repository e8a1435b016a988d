"""qdef's values (arithmetic, functions, computed values) compiled to ExpressionScript
(:mod:`qdef.renderers.limesurvey.values`), run by tests/lsexpr.py as LimeSurvey's
expression manager runs them, against SPEC §2's rules for absent operands.

The oracle here is SPEC §2's table, written out plainly (:func:`spec_value`), and
the walk's own evaluator (``qdef.routing.evaluate``) is checked to agree with it on
the same expressions, so the renderer answers to the reference.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdef.expr import And, Answered, Compare, Expr, Literal, Not, Or, Ref
from qdef.expr.nodes import Arith, Call, Neg
from qdef.renderers.limesurvey.codes import Slot
from qdef.renderers.limesurvey.values import ComputedValue, Unsupported, ValueCompiler
from tests import lsexpr

SLOTS = {
    "a": Slot("a", "number"),
    "b": Slot("b", "number"),
    "t": Slot("t", "text"),
    "u": Slot("u", "text"),
    "d": Slot("d", "date", precision="day"),
    "e": Slot("e", "date", precision="day"),
    "mo": Slot("mo", "date", precision="month"),
    "mp": Slot("mp", "date", precision="month"),
    "m": Slot("m", "choices", options={"x": "m_x", "y": "m_y"}),
    "k": Slot("k_r_c", "check"),
}
#: Computed values: ``c`` = a + b, computed where a > 1; ``f`` = a > b, computed always.
COMPUTED = {
    "c": ComputedValue(Arith("+", Ref("a"), Ref("b")), Compare(">", Ref("a"), Literal(1))),
    "f": ComputedValue(Compare(">", Ref("a"), Ref("b")), Literal(True)),
}
KINDS = {"a": "number", "b": "number", "t": "text", "u": "text", "d": "date", "e": "date"}
KINDS |= {"mo": "date", "mp": "date", "m": "choices", "k": "check", "c": "number", "f": "truth"}


# ---------------------------------------------------------------------- the oracle: SPEC §2


def _months(a: str, b: str) -> int:
    if a > b:
        return -_months(b, a)
    ya, ma, *da = (int(x) for x in a.split("-"))
    yb, mb, *db = (int(x) for x in b.split("-"))
    return (yb - ya) * 12 + (mb - ma) - (1 if da and db[0] < da[0] else 0)


def spec_holds(expr: Expr, response: dict[str, Any]) -> bool:
    match expr:
        case Not(operand=operand):
            return not spec_holds(operand, response)
        case And(operands=operands):
            return all(spec_holds(o, response) for o in operands)
        case Or(operands=operands):
            return any(spec_holds(o, response) for o in operands)
        case Answered(ref=ref):
            return spec_value(ref, response) is not None
        case Compare(op=op, left=left, right=right):
            a, b = spec_value(left, response), spec_value(right, response)
            if a is None or b is None:
                return op == "!="
            return {
                "==": a == b,
                "!=": a != b,
                "<": a < b,
                "<=": a <= b,
                ">": a > b,
                ">=": a >= b,
            }[op]
    return spec_value(expr, response) is True


def spec_value(expr: Expr, response: dict[str, Any]) -> Any:
    match expr:
        case Literal(value=value):
            return value
        case Ref(name=name) if name in COMPUTED:
            found = COMPUTED[name]
            return (
                spec_value(found.expr, response) if spec_holds(found.reaching, response) else None
            )
        case Ref(name=name):
            return response.get(name)
        case Neg(operand=operand):
            v = spec_value(operand, response)
            return None if v is None else -v
        case Arith(op=op, left=left, right=right):
            a, b = spec_value(left, response), spec_value(right, response)
            if a is None or b is None or (op == "/" and b == 0):
                return None
            return {"+": a + b, "-": a - b, "*": a * b}[op] if op != "/" else a / b
        case Call(name=name, args=args):
            values = [spec_value(x, response) for x in args]
            given_ = [v for v in values if v is not None]
            if name == "sum":
                return sum(given_)
            if name == "count":
                return len(given_)
            if name in ("min", "max"):
                return (min if name == "min" else max)(given_) if given_ else None
            if name == "coalesce":
                return given_[0] if given_ else None
            if name == "if":
                return spec_value(args[1] if spec_holds(args[0], response) else args[2], response)
            if name == "concat":
                return "".join(v or "" for v in values)
            if name == "selected_count":
                return len(values[0] or [])
            if name in ("months_between", "years_between"):
                if None in values:
                    return None
                months = _months(*values)
                return months if name == "months_between" else int(months / 12)
        case _:
            return spec_holds(expr, response)
    raise AssertionError(expr)


# ---------------------------------------------------------------------- LimeSurvey's side


def ls_values(response: dict[str, Any]) -> dict[str, str]:
    """The response as LimeSurvey stores it (numbers as DECIMAL(30,10), dates with a time)."""
    found: dict[str, str] = {}
    for name, value in response.items():
        slot = SLOTS[name]
        if slot.kind == "number":
            found[slot.name] = format(Decimal(repr(value)).quantize(Decimal("1e-10")), "f")
        elif slot.kind == "date":
            parts = [*value.split("-"), "01", "01"]
            found[slot.name] = f"{parts[0]}-{parts[1]}-{parts[2]} 00:00:00"
        elif slot.kind == "choices":
            found |= {slot.options[code]: "Y" for code in value}
        elif slot.kind == "check":
            found[slot.name] = "1"
        else:
            found[slot.name] = value
    return found


def ls_value(expr: Expr, response: dict[str, Any]) -> Any:
    """The value as LimeSurvey computes it: None where its presence does not hold."""
    compiled = ValueCompiler(SLOTS, COMPUTED).value(expr)
    values = ls_values(response)
    if not lsexpr.holds(compiled.present, values):
        return None
    result = lsexpr.evaluate(lsexpr.parse(compiled.value), values)
    if compiled.kind == "number":
        return lsexpr.php_number(result)
    if compiled.kind == "truth":
        return lsexpr.truthy(result)
    return result


def ls_holds(expr: Expr, response: dict[str, Any]) -> bool:
    return lsexpr.holds(ValueCompiler(SLOTS, COMPUTED).compile(expr), ls_values(response))


def same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and not isinstance(a, bool) and isinstance(b, int | float):
        return a == b and not math.isnan(a)
    return bool(a == b)


# ---------------------------------------------------------------------- the table


A, B, T, U, D, E = (Ref(n) for n in ("a", "b", "t", "u", "d", "e"))


def n(value: float) -> Literal:
    return Literal(value)


CASES: list[tuple[Expr, dict[str, Any], Any]] = [
    (Arith("+", A, B), {"a": 2, "b": 3}, 5),
    (Arith("+", A, B), {"a": 2}, None),  # "" + 3 would be "3" in ExpressionScript
    (Arith("+", A, n(1)), {}, None),
    (Arith("-", A, B), {"b": 3}, None),
    (Arith("*", A, B), {"a": 1.5, "b": 4}, 6),
    (Arith("/", A, B), {"a": 1, "b": 0}, None),  # division by zero: absent
    (Arith("/", A, B), {"a": 1, "b": 4}, 0.25),
    (Arith("+", n(0.1), n(0.2)), {}, 0.30000000000000004),  # IEEE doubles, like PHP
    (Neg(A), {}, None),  # ExpressionScript's -"" is 0
    (Neg(A), {"a": 2}, -2),
    (Call("sum", (A, B)), {}, 0),
    (Call("sum", (A, B)), {"b": -2.5}, -2.5),
    (Call("count", (A, T, Ref("k"))), {"t": "x", "k": True}, 2),
    (Call("min", (A, B)), {"b": 7}, 7),
    (Call("max", (A, B, n(3))), {"a": 2}, 3),
    (Call("min", (A, B)), {}, None),
    (Call("coalesce", (A, B)), {"b": 4}, 4),
    (Call("if", (Compare(">", A, n(0)), A, B)), {"a": 0, "b": 9}, 9),
    (Call("concat", (T, Literal(" & "), U)), {"u": "{x}"}, " & {x}"),
    (Call("selected_count", (Ref("m"),)), {"m": ["x", "y"]}, 2),
    (Call("months_between", (D, E)), {"d": "2020-01-31", "e": "2020-02-29"}, 0),
    (Call("months_between", (D, E)), {"d": "2020-03-15", "e": "2020-01-20"}, -1),
    (Call("years_between", (D, E)), {"d": "2000-05-02", "e": "2020-05-01"}, 19),
    (Call("years_between", (Ref("mo"), Ref("mp"))), {"mo": "2021-12", "mp": "2020-01"}, -1),
    (Ref("c"), {"a": 1, "b": 1}, None),  # not reached: a > 1 fails
    (Ref("c"), {"a": 2, "b": 1}, 3),
    (Ref("f"), {}, False),  # a truth value is stored even when false
]


@pytest.mark.parametrize(("expr", "response", "expected"), CASES)
def test_each_construct_keeps_specs_rules_for_absent_values(
    expr: Expr, response: dict[str, Any], expected: Any
) -> None:
    assert same(spec_value(expr, response), expected) or spec_value(expr, response) == expected
    found = ls_value(expr, response)
    assert found == expected if expected is None else same(found, expected), (found, expected)


def test_what_expressionscript_cannot_compute_exactly_is_refused() -> None:
    for expr, feature in (
        (Call("len", (T,)), "the function len"),
        (Call("days_between", (D, E)), "the function days_between"),
        (Call("min", (D, E)), "the function min of dates"),
    ):
        with pytest.raises(Unsupported) as raised:
            ValueCompiler(SLOTS, COMPUTED).value(expr)
        assert raised.value.feature == feature
        assert raised.value.node is expr


# ---------------------------------------------------------------------- generated


def _number_exprs() -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.sampled_from([A, B, Ref("c")]),
        st.sampled_from([0, 1, 2, -3, 0.5, 0.1, 2.25]).map(Literal),
    )

    def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        pair = st.tuples(inner, inner)
        return st.one_of(
            st.builds(Arith, st.sampled_from(["+", "-", "*", "/"]), inner, inner),
            inner.map(Neg),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: Call("sum", tuple(xs))),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: Call("count", tuple(xs))),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: Call("min", tuple(xs))),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: Call("max", tuple(xs))),
            pair.map(lambda p: Call("coalesce", p)),
            st.tuples(inner, inner, inner).map(
                lambda p: Call("if", (Compare(">", p[0], Literal(0)), p[1], p[2]))
            ),
        )

    return st.recursive(leaves, extend, max_leaves=6)


def _conditions(numbers: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    atoms = st.one_of(
        st.builds(Compare, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), numbers, numbers),
        st.sampled_from([Answered(Ref("c")), Ref("f"), Compare("==", Ref("f"), Literal(False))]),
        st.builds(
            Compare,
            st.sampled_from(["==", "!=", "<", ">="]),
            st.sampled_from([Call("months_between", (D, E)), Call("years_between", (D, E))]),
            st.sampled_from([0, 1, -1, 12]).map(Literal),
        ),
        st.builds(
            Compare,
            st.sampled_from(["==", "!="]),
            st.just(Call("concat", (T, U))),
            st.sampled_from(["", "ab", "a\\b", '"'])
            .filter(lambda s: not s.endswith("\\"))
            .map(Literal),
        ),
    )
    return st.one_of(
        atoms,
        atoms.map(Not),
        st.lists(atoms, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(atoms, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    )


_responses = st.fixed_dictionaries(
    {},
    optional={
        "a": st.sampled_from([0, 1, 2, -1, 0.5, 0.1, 3.75, 1e-7]),
        "b": st.sampled_from([0, 1, 2, -2, 0.2, 10]),
        "t": st.sampled_from(["a", "a\\", "{x}", '"', "1"]),
        "u": st.sampled_from(["b", "\\b", "&lt;", ""]).filter(bool),
        "d": st.sampled_from(["2020-01-31", "2020-02-29", "2019-12-01", "2021-03-15"]),
        "e": st.sampled_from(["2020-02-28", "2020-01-31", "2022-03-14", "2021-03-15"]),
    },
)


def walked(response: dict[str, Any]) -> dict[str, Any]:
    """The response as the walk has it: with the computed values it stored."""
    found = dict(response)
    for name in COMPUTED:
        computed = spec_value(Ref(name), response)
        if computed is not None:
            found[name] = computed
    return found


@settings(max_examples=300)
@given(_conditions(_number_exprs()), _responses)
def test_limesurvey_decides_every_generated_condition_as_spec(
    condition: Expr, response: dict[str, Any]
) -> None:
    from qdef.routing import evaluate  # noqa: PLC0415

    expected = spec_holds(condition, response)
    assert evaluate.holds(condition, walked(response)) == expected
    assert ls_holds(condition, response) == expected


@settings(max_examples=300)
@given(_number_exprs(), _responses)
def test_limesurvey_computes_every_generated_number_as_spec(
    expr: Expr, response: dict[str, Any]
) -> None:
    from qdef.routing import evaluate  # noqa: PLC0415

    expected = spec_value(expr, response)
    reference = evaluate.value(expr, walked(response))
    assert reference == expected if expected is None else same(reference, expected)
    found = ls_value(expr, response)
    assert found == expected if expected is None else same(found, expected), (found, expected)


def test_the_oracle_agrees_with_the_walks_evaluator() -> None:
    from qdef.routing import evaluate  # noqa: PLC0415

    for expr, response, expected in CASES:
        found = evaluate.value(expr, walked(response))
        assert found == expected if expected is None else same(found, expected), expr
