"""The type checker and the evaluator agree: generated well-typed expressions pass the
checker, get the type they were built for, and evaluate on any response to a value of
that type (or absent), never to an error."""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from qdef.expr import Expr, parse, to_source, typecheck
from qdef.expr.nodes import (
    And,
    Answered,
    Arith,
    Call,
    Compare,
    Has,
    In,
    Literal,
    Neg,
    Not,
    Or,
    Ref,
)
from qdef.expr.types import expression_type
from qdef.model.symbols import ValueType
from qdef.routing.evaluate import holds, value
from tests.test_expr import SYMBOLS

POSITION = SYMBOLS.positions["q11"]
INTEGERS = ["q5", "q2_qm", "q10.r1.anzahl"]
DECIMALS = ["q5d"]
TEXTS = ["q3", "q2_sonst", "q8.1", "q10.r2.txt"]
DAYS = ["q6d", "q7.from", "q7.to"]
MONTHS = ["q6"]
CHECKS = ["q10.r1.nicht_erforderlich"]


def refs(names: list[str]) -> st.SearchStrategy[Expr]:
    return st.sampled_from(names).map(Ref)


def day_literal() -> st.SearchStrategy[Expr]:
    dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))
    return dates.map(lambda d: Literal(d.isoformat()))


def calls(name: str, *args: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.tuples(*args).map(lambda xs: Call(name, tuple(xs)))


def many(name: str, arg: st.SearchStrategy[Expr], least: int) -> st.SearchStrategy[Expr]:
    return st.lists(arg, min_size=least, max_size=3).map(lambda xs: Call(name, tuple(xs)))


@st.composite
def typed(draw: st.DrawFn, kind: str, depth: int = 2) -> Expr:
    """An expression of ``kind``: "integer", "number", "text", "day", "truth"."""
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(_leaf(kind))
    sub = depth - 1

    def of(other: str) -> st.SearchStrategy[Expr]:
        return typed(other, sub)

    options: list[st.SearchStrategy[Expr]]
    if kind in ("integer", "number"):
        num = of(kind)
        options = [
            st.builds(Arith, st.sampled_from(["+", "-", "*"]), num, num),
            num.map(Neg),
            many("sum", num, 1),
            many("min", num, 1),
            many("max", num, 1),
            calls("if", of("truth"), num, num),
            many("coalesce", num, 2),
            calls("len", of("text")),
            calls("selected_count", st.just(Ref("q2"))),
            many("count", st.one_of(of("text"), of("number"), refs(CHECKS)), 1),
            calls("days_between", of("day"), of("day")),
            calls("months_between", of("day"), of("day")),
            calls("years_between", of("day"), of("day")),
        ]
        if kind == "number":
            options.append(st.builds(Arith, st.just("/"), num, num))
    elif kind == "text":
        text = of("text")
        options = [many("concat", text, 2), calls("if", of("truth"), text, text)]
        options.append(many("coalesce", text, 2))
    elif kind == "day":
        day = of("day")
        options = [many("min", day, 1), many("max", day, 1), calls("if", of("truth"), day, day)]
        options.append(many("coalesce", day, 2))
    else:
        # a comparison's left side is a variable: one that uses no answer is QD506
        options = [
            st.builds(
                Compare,
                st.sampled_from(["==", "!=", "<", ">=", "<="]),
                refs(INTEGERS + DECIMALS),
                of("number"),
            ),
            st.builds(Compare, st.sampled_from(["==", "!="]), refs(TEXTS), of("text")),
            st.builds(Compare, st.sampled_from(["<", ">"]), refs(DAYS), of("day")),
            st.builds(Has, st.just(Ref("q2")), st.sampled_from(["a", "b"]).map(Literal)),
            st.builds(Not, of("truth")),
            st.lists(of("truth"), min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(of("truth"), min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
            st.builds(In, refs(INTEGERS), st.just((Literal(1), Literal(2)))),
            calls("if", of("truth"), of("truth"), of("truth")),
        ]
    return draw(st.one_of(options))


def _leaf(kind: str) -> st.SearchStrategy[Expr]:
    if kind == "integer":
        return st.one_of(refs(INTEGERS), st.integers(-100, 100).map(Literal))
    if kind == "number":
        floats = st.floats(-100, 100, allow_nan=False).map(Literal)
        return st.one_of(refs(INTEGERS + DECIMALS), floats, st.integers(0, 9).map(Literal))
    if kind == "text":
        return st.one_of(refs(TEXTS), st.text(max_size=4).map(Literal))
    if kind == "day":  # a quoted date only beside a date variable, which sets its precision
        return st.one_of(refs(DAYS), calls("max", refs(DAYS), day_literal()))
    return st.one_of(  # a bare check box mixes with no truth value in if() and coalesce()
        st.builds(Compare, st.just("=="), refs(CHECKS), st.just(Literal(True))),
        st.sampled_from(["q1", "q3", "q7", "q5"]).map(lambda n: Answered(Ref(n))),
        st.builds(Compare, st.just("=="), refs(["q1"]), st.just(Literal("ja"))),
    )


def _answer(vtype: ValueType) -> st.SearchStrategy[Any]:
    match vtype.kind:
        case "choice":
            return st.sampled_from(vtype.codes)
        case "choices":
            return st.lists(st.sampled_from(vtype.codes), unique=True, min_size=1)
        case "number" if vtype.integer:
            return st.integers(-1000, 1000)
        case "number":
            return st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-5, 5))
        case "date":
            days = st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))
            cut = {"day": 10, "month": 7, "year": 4}[vtype.precision or "day"]
            return days.map(lambda d: d.isoformat()[:cut])
        case "check":
            return st.just(True)
        case _:
            return st.text(max_size=6)


RESPONSES = st.fixed_dictionaries(
    {},
    optional={
        name: _answer(variable.type)
        for name, variable in SYMBOLS.variables.items()
        if variable.type.kind != "group"
    },
)

KINDS = {
    "integer": ("number", True),
    "number": ("number", None),
    "text": ("text", None),
    "day": ("date", None),
    "truth": ("truth", None),
}


@given(st.sampled_from(sorted(KINDS)).flatmap(lambda k: st.tuples(st.just(k), typed(k))), RESPONSES)
def test_well_typed_expressions_check_and_evaluate_to_their_type(
    case: tuple[str, Expr], response: dict[str, Any]
) -> None:
    kind, expr = case
    source = to_source(expr)
    reparsed = parse(source)
    want = "truth" if kind == "truth" else "value"
    assert typecheck(reparsed, SYMBOLS, POSITION, want=want) == [], source
    found = expression_type(reparsed, SYMBOLS)
    expected_kind, integer = KINDS[kind]
    assert found.kind == expected_kind, source
    if integer:
        assert found.integer, source
    result = value(reparsed, response)
    if kind == "truth":
        assert isinstance(result, bool) and result is holds(reparsed, response), source
    elif result is not None:
        if expected_kind == "number":
            assert isinstance(result, int | float) and not isinstance(result, bool), source
            if found.integer:
                assert isinstance(result, int), (source, result)
        else:
            assert isinstance(result, str), source
        if kind == "day":
            datetime.date.fromisoformat(result)
