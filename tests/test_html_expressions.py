"""The web form's expression evaluator against qdef's, on generated expressions.

The page's script computes values (computed variables, piping, rules) with its
own evaluator, a copy of :func:`qdef.routing.evaluate.value`, and writes numbers
with a copy of :func:`qdef.expr.values.format_number`. Both are compared here
with the Python originals on generated syntax trees and numbers, in one page:
arithmetic on doubles (division by zero and overflow absent), every function
with its absent rule, integers beyond a double's precision, code points, dates.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import qdef
from qdef.expr.nodes import Arith, Call, Compare, Expr, Literal, Neg, Ref
from qdef.expr.values import format_number
from qdef.renderers.webform.writer import condition
from qdef.routing.evaluate import value
from tests.browser import FormPages

pytestmark = pytest.mark.browser

#: Any instrument serves: the evaluator is the same on every page.
PAGE = Path(__file__).parent / "cases" / "html" / "conditions.yaml"

NUMBERS = ("n1", "n2", "n3")
TEXTS = ("t1", "t2")
DAYS = ("d1", "d2")
MONTHS = ("m1", "m2")


def js(value: Any) -> Any:
    """A value as the page receives it: integers beyond a double's precision exactly."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1:
        return {"big": str(value)}
    return value


def py(value: Any) -> Any:
    """A value the page returned, as Python holds it."""
    if isinstance(value, dict):
        return int(value["big"])
    return value


def same(mine: Any, theirs: Any) -> bool:
    """The same value (a number equal as doubles are, absent only as absent)."""
    if mine is None or theirs is None:
        return mine is None and theirs is None
    if isinstance(mine, bool) or isinstance(theirs, bool):
        return mine is theirs
    if isinstance(mine, float) or isinstance(theirs, float):
        # the browser hands a whole double over as an int of its shortest digits
        return isinstance(mine, int | float) and float(mine) == float(theirs)
    return bool(mine == theirs)


numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0, -0.0, 0.1, 0.2, 0.5, 2**53, 2**53 + 1, 1e21, 1e-7, 1e308]),
)
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)


def _day(ordinal: int) -> str:
    return datetime.date.fromordinal(ordinal).isoformat()


days = st.integers(1, 3_652_059).map(_day)
months = st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(lambda m: f"{m[0]:04d}-{m[1]:02d}")


def number_expr() -> st.SearchStrategy[Expr]:
    leaves = st.one_of(
        st.sampled_from(NUMBERS).map(Ref),
        numbers.filter(lambda x: not (isinstance(x, float) and x < 0)).map(Literal),
    )

    def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            st.builds(Arith, st.sampled_from(["+", "-", "*", "/"]), inner, inner),
            st.builds(Neg, inner),
            st.builds(
                Call,
                st.sampled_from(["sum", "min", "max", "coalesce"]),
                st.lists(inner, min_size=2, max_size=3).map(tuple),
            ),
            st.builds(
                lambda c, a, b: Call("if", (Compare(">", c, Literal(0)), a, b)), inner, inner, inner
            ),
            st.builds(lambda a: Call("count", (a,)), inner),
            st.builds(lambda a: Call("len", (a,)), st.sampled_from(TEXTS).map(Ref)),
            st.builds(
                lambda name, a, b: Call(name, (a, b)),
                st.sampled_from(["days_between", "months_between", "years_between"]),
                st.sampled_from(DAYS).map(Ref),
                st.sampled_from(DAYS).map(Ref),
            ),
            st.builds(
                lambda name, a, b: Call(name, (a, b)),
                st.sampled_from(["months_between", "years_between"]),
                st.sampled_from(MONTHS).map(Ref),
                st.sampled_from(MONTHS).map(Ref),
            ),
        )

    return st.recursive(leaves, extend, max_leaves=8)


text_expr = st.builds(
    lambda args: Call("concat", tuple(args)),
    st.lists(st.one_of(st.sampled_from(TEXTS).map(Ref), texts.map(Literal)), min_size=2),
)


def responses() -> st.SearchStrategy[dict[str, Any]]:
    def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(st.none(), strategy)

    fields = (
        [(n, maybe(numbers)) for n in NUMBERS]
        + [(t, maybe(texts)) for t in TEXTS]
        + [(d, maybe(days)) for d in DAYS]
        + [(m, maybe(months)) for m in MONTHS]
    )
    return st.fixed_dictionaries(dict(fields)).map(
        lambda r: {k: v for k, v in r.items() if v is not None}
    )


@pytest.fixture(scope="module")
def page(forms: FormPages) -> Any:
    return forms.open(qdef.load(PAGE)).page


def evaluate_in(page: Any, cases: list[tuple[Expr, dict[str, Any]]]) -> list[Any]:
    payload = [
        [condition(expr), {name: js(v) for name, v in response.items()}] for expr, response in cases
    ]
    got = page.evaluate(
        "cases => cases.map(c => qdefForm.debug.evaluate(c[0], c[1]))",
        payload,
    )
    return [py(v) for v in got]


#: Shrinking through a browser takes minutes: the failing example is reported as found.
QUICK = settings(deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))


@settings(QUICK, max_examples=20)
@given(
    cases=st.lists(
        st.tuples(st.one_of(number_expr(), text_expr), responses()), min_size=20, max_size=40
    )
)
def test_the_script_computes_every_expression_as_the_reference(
    page: Any, cases: list[tuple[Expr, dict[str, Any]]]
) -> None:
    got = evaluate_in(page, cases)
    for (expr, response), mine in zip(cases, got, strict=True):
        theirs = value(expr, response)
        assert same(mine, theirs), (expr, response, mine, theirs)


def test_the_script_keeps_the_absent_rules_and_edge_cases(page: Any) -> None:
    """The rules of SPEC18 §2 that generated cases meet rarely, spelt out."""
    n, t, d = Ref("n1"), Ref("t1"), Ref("d1")
    cases: list[tuple[Expr, dict[str, Any]]] = [
        (Arith("/", n, Literal(0)), {"n1": 5}),  # division by zero: absent
        (Arith("+", n, Literal(1)), {}),  # absent operand: absent
        (Arith("*", n, n), {"n1": 1e200}),  # overflow: absent
        (Call("sum", (n, Ref("n2"))), {}),  # all absent: 0
        (Call("min", (n, Ref("n2"))), {}),  # all absent: absent
        (Call("len", (t,)), {"t1": "😀a"}),  # code points
        (Call("len", (t,)), {}),  # absent: 0
        (Call("concat", (t, Literal("x"))), {}),  # absent is ""
        (Arith("+", Literal(0.1), Literal(0.2)), {}),  # doubles: 0.30000000000000004
        (Arith("+", n, Literal(1)), {"n1": 2**53 + 1}),  # beyond a double: as the double
        (Neg(n), {"n1": 2**60 + 1}),  # exact
        (Call("days_between", (d, Ref("d2"))), {"d1": "0001-01-01", "d2": "2024-02-29"}),
        (Call("months_between", (d, Ref("d2"))), {"d1": "2024-01-31", "d2": "2024-02-29"}),
        (Call("years_between", (d, Ref("d2"))), {"d1": "2024-03-01", "d2": "2020-02-29"}),
        (Call("count", (n, Compare(">", n, Literal(1)))), {"n1": 0}),  # a false truth not counted
    ]
    got = evaluate_in(page, cases)
    expected = [value(expr, response) for expr, response in cases]
    assert expected[:3] == [None, None, None]
    assert expected[5] == 2 and expected[8] == 0.30000000000000004
    for (expr, response), mine, theirs in zip(cases, got, expected, strict=True):
        assert same(mine, theirs), (expr, response, mine, theirs)


@settings(QUICK, max_examples=10)
@given(st.lists(numbers, min_size=50, max_size=100))
def test_the_script_writes_numbers_as_format_number(page: Any, xs: list[int | float]) -> None:
    got = page.evaluate("xs => xs.map(x => qdefForm.debug.formatNumber(x))", [js(x) for x in xs])
    expected = [format_number(x) for x in xs]
    assert got == expected
    assert all("e" not in text for text in got)


def test_numbers_are_written_without_exponent_and_without_a_whole_decimal_s_point(
    page: Any,
) -> None:
    xs: list[int | float] = [
        0,
        -0.0,
        6 / 3,
        0.5,
        1234.25,
        1e-7,
        1e21,
        -12,
        2**53 + 1,
        2**70,
        0.1 + 0.2,
    ]
    got = page.evaluate("xs => xs.map(x => qdefForm.debug.formatNumber(x))", [js(x) for x in xs])
    assert got == [format_number(x) for x in xs]
    assert got[:6] == ["0", "0", "2", "0.5", "1234.25", "0.0000001"]
    assert not any(math.isnan(float(x)) for x in got)
