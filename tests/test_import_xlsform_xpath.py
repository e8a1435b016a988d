"""The XPath parser and translator of qdef.importing.xlsform: parsing round trips
(hypothesis), translations checked by qdef's own parser, and what has no
equivalent refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.expr import parse as parse_qdef
from qdef.importing.xlsform import xpath as x
from qdef.importing.xlsform.translate import Context, UntranslatableError, Var, condition, value

VARS = {
    "s": Var("s", "single", {"a": "a", "b": "b", "1": "1"}),
    "m": Var("m", "multiple", {"a": "a", "b": "b"}),
    "n": Var("n", "number"),
    "k": Var("k", "number"),
    "t": Var("t", "text"),
    "d": Var("d", "date"),
}


def _context(current: str | None = None) -> Context:
    return Context(VARS, {"gone": "a geopoint"}, current=current)


def _written(node: x.Node) -> str:
    """XPath text of a tree, fully parenthesized."""
    if isinstance(node, x.Name):
        return f"${{{node.name}}}"
    if isinstance(node, x.String):
        return f"'{node.value}'"
    if isinstance(node, x.Number):
        return node.text
    if isinstance(node, x.Path):
        return node.text
    if isinstance(node, x.Neg):
        return f"-({_written(node.operand)})"
    if isinstance(node, x.Binary):
        return f"({_written(node.left)} {node.op} {_written(node.right)})"
    return f"{node.name}({', '.join(_written(arg) for arg in node.args)})"


leaves = st.one_of(
    st.sampled_from(["s", "m", "n", "t", "my-name"]).map(x.Name),
    st.text(alphabet="abc xyz-_", max_size=5).map(x.String),
    st.integers(0, 999).map(lambda i: x.Number(float(i), str(i))),
    st.just(x.Path(".", (".",), absolute=False)),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(
            x.Binary,
            st.sampled_from(
                ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
            ),
            inner,
            inner,
        ),
        st.builds(x.Neg, inner),
        st.builds(
            lambda name, args: x.Call(name, tuple(args)),
            st.sampled_from(
                ["selected", "if", "concat", "not", "count-selected", "jr:choice-name"]
            ),
            st.lists(inner, max_size=3),
        ),
    ),
    max_leaves=12,
)


@given(trees)
def test_parse_reads_back_what_is_written(tree: x.Node) -> None:
    assert x.parse(_written(tree)) == tree


@given(trees)
def test_translation_is_qdef_syntax_or_refused_with_a_reason(tree: x.Node) -> None:
    try:
        translated = condition(_written(tree), _context("n"))
    except UntranslatableError as error:
        assert str(error)
        return
    parse_qdef(translated.text)  # qdef's own parser accepts every translation


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${s} = 'a'", 's == "a"'),
        ("'a' = ${s}", 's == "a"'),
        ("${s} != 'a'", 's != "a"'),
        ("${s} = 1", 's == "1"'),
        ("${s} = 'zzz'", "false"),
        ("${s} = ''", "not answered(s)"),
        ("'' != ${t}", "answered(t)"),
        ("selected(${m}, 'b')", 'm has "b"'),
        ("selected(${s}, 'b')", 's == "b"'),
        ("not(selected(${m}, 'a'))", 'not (m has "a")'),
        ("${m} = 'a'", 'm has "a" and selected_count(m) == 1'),
        ("count-selected(${m}) >= 2", "selected_count(m) >= 2"),
        ("${n} > 5 and ${n} <= 10.50", "(n > 5) and (n <= 10.5)"),
        ("${n} >= -1", "n >= -1"),
        ("${n} > ${k}", "n > k"),
        ("${n} = ${k}", "n == k or (not answered(n) and not answered(k))"),
        (". < .5", "n < 0.5"),
        ("${d} < date('2024-01-31')", 'd < "2024-01-31"'),
        ("string-length(${t}) > 3", "len(t) > 3"),
        ("true()", "true"),
        ("'a' = 'a'", "true"),
        ("1 = '2'", "false"),
        ("${n} + 2 * ${k} > 10", "(n + (2 * k)) > 10"),
        ("${t} = 'say \"hi\"'", 't == "say \\"hi\\""'),
    ],
)
def test_conditions(source: str, expected: str) -> None:
    assert condition(source, _context("n")).text == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${n} * 2", "n * 2"),
        ("if(${s} = 'a', 'yes', 'no')", 'if(s == "a", "yes", "no")'),
        ("concat(${t}, ' ', ${t})", 'concat(t, " ", t)'),
        ("coalesce(${n}, 0)", "coalesce(n, 0)"),
    ],
)
def test_values(source: str, expected: str) -> None:
    assert value(source, _context()).text == expected


def test_division_is_approximated() -> None:
    translated = value("${n} div ${k}", _context())
    assert translated.text == "n / k"
    assert translated.approximations == (
        "a division by zero is infinite in XPath and absent in qdef",
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("${d} > today()", "today()"),
        ("${n} mod 2 = 0", "remainder"),
        ("regex(${t}, 'a+')", "pattern"),
        ("${gone} = 'x'", "a geopoint"),
        ("${nobody} = 'x'", "not a question"),
        ("selected-at(${m}, 0) = 'a'", "selected-at"),
        ("${n}", "used as a condition"),
        ("${s} < 'b'", "order comparison"),
        ("${n} = 'abc'", "number compared"),
        ("/data/x[1] = 2", "predicates"),
        ("${n} = (", "not an XPath expression"),
        ("int(${n}) > 2", "int()"),
    ],
)
def test_refused_with_a_reason(source: str, reason: str) -> None:
    with pytest.raises(UntranslatableError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        condition(source, _context())


@pytest.mark.parametrize("source", ["${a", "'open", "1 +", "f(1,", "a ! b", "${}"])
def test_parse_errors(source: str) -> None:
    with pytest.raises(x.XPathError):
        x.parse(source)


def test_choice_filter_columns_are_the_choice_s() -> None:
    context = _context()
    context.choice = {"name": "king", "cf": "b"}
    assert condition("${s} = cf", context).text == 's == "b"'
    assert condition("selected(${m}, name)", context).text == "false"
    assert condition("cf = 'b'", context).text == "true"
