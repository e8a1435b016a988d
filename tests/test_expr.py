"""The condition language (DESIGN.md, "Skip logic"; STYLE.md, "Expressions").

Data-driven cases live in ``tests/cases/expr/``: ``syntax.yaml`` (trees and
QD501 errors) and ``typecheck.yaml`` (QD502-QD508 against the instrument
built below). Properties: printing round-trips, and no text makes the parser
fail with anything but a located :class:`ExprSyntaxError`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from qdef.expr import (
    And,
    Answered,
    Compare,
    Expr,
    ExprProblem,
    ExprSyntaxError,
    Has,
    In,
    Literal,
    Not,
    Or,
    Ref,
    check,
    dump,
    parse,
    to_source,
    typecheck,
    variables_used,
    walk,
)
from qdef.expr.nodes import ARITH_OPS, COMPARE_OPS, Arith, Call, Neg
from qdef.expr.parser import ARITY
from qdef.expr.tokens import KEYWORDS
from qdef.expr.types import expression_type
from qdef.model import Instrument
from qdef.model.symbols import Symbols, ValueType, Variable, build

CASES = Path(__file__).parent / "cases" / "expr"
TYPE_CODES = {"QD502", "QD503", "QD504", "QD505", "QD506", "QD507", "QD508", "QD510", "QD513"}
TYPE_CODES |= {"QD514", "QD519", "QD525", "QD526", "QD527", "QD528", "QD529", "QD530"}


def load_cases(name: str) -> list[dict[str, Any]]:
    cases = YAML(typ="safe").load((CASES / name).read_text(encoding="utf-8"))
    assert isinstance(cases, list) and cases, f"no cases in {name}"
    return cases


def line_column(source: str, offset: int) -> str:
    """``line:column`` (both 1-based) of a 0-based offset into ``source``."""
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"


# ----------------------------------------------------------------- syntax cases

SYNTAX_CASES = load_cases("syntax.yaml")


def test_syntax_cases_are_well_formed() -> None:
    assert len(SYNTAX_CASES) >= 40
    for case in SYNTAX_CASES:
        assert ("ast" in case) != ("error" in case), case
        assert set(case) <= {"expr", "ast", "source", "error"}, case
        if "error" in case:  # the message must be checked, not only the place
            assert len(case["error"].split(" ", 2)[2]) >= 5, case


@pytest.mark.parametrize(
    "case", [c for c in SYNTAX_CASES if "ast" in c], ids=lambda c: repr(c["expr"])
)
def test_condition_parses_to_expected_tree(case: dict[str, Any]) -> None:
    expr = parse(case["expr"])
    assert dump(expr) == case["ast"]
    assert to_source(expr) == case.get("source", case["expr"].strip())
    assert parse(to_source(expr)) == expr


@pytest.mark.parametrize(
    "case", [c for c in SYNTAX_CASES if "error" in c], ids=lambda c: repr(c["expr"])
)
def test_syntax_error_is_reported_at_its_column(case: dict[str, Any]) -> None:
    source = case["expr"]
    with pytest.raises(ExprSyntaxError) as info:
        parse(source)
    error = info.value
    reported = f"{line_column(source, error.offset)} {error.code} {error.message}"
    assert reported.startswith(case["error"]), reported


def test_syntax_error_carries_code_message_and_offset() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse('q1 == "ja" and q2 = 1')
    assert (info.value.code, info.value.offset) == ("QD501", 18)
    assert info.value.message == "unknown operator '=', write '==' to compare"
    assert str(info.value) == info.value.message


@pytest.mark.parametrize(
    ("number", "value"),
    [
        ("9" * 5000, None),  # int() refuses this many digits
        ("-" + "9" * 400 + "." + "9" * 300, None),  # float() gives -inf
        ("1" + "0" * 309, None),  # beyond the largest float
        ("0" * 400 + "17", 17),  # leading zeros are no size
        ("-" + "9" * 300 + ".5", -float("9" * 300 + ".5")),
        ("179769313486231570" + "0" * 291, 179769313486231570 * 10**291),
    ],
)
def test_number_literals_are_bounded_like_yaml_numbers(number: str, value: object) -> None:
    """Issue 15 item 10: a number beyond the largest finite float is a located QD509,
    not a crash in the checks or an infinity in the renderers."""
    source = f"wochenstunden == {number}"
    if value is None:
        with pytest.raises(ExprSyntaxError) as info:
            parse(source)
        assert (info.value.code, info.value.offset) == ("QD509", len("wochenstunden == "))
        assert "too large a number" in info.value.message
    else:
        node = parse(source)
        assert isinstance(node, Compare)
        assert node.right == Literal(value, 17, len(source), number)


@pytest.mark.parametrize("source", ["(" * 300 + "q1" + ")" * 300, "not " * 300 + "q1"])
def test_deep_nesting_is_a_syntax_error_not_a_crash(source: str) -> None:
    with pytest.raises(ExprSyntaxError, match="nests more than 100 levels"):
        parse(source)
    assert dump(parse("(" * 50 + "q1" + ")" * 50)) == "q1"


def test_nodes_keep_offsets_into_the_condition() -> None:
    source = '(q1 == "ja" or q2 has "b") and not q3 in [1, 2]'
    expr = parse(source)
    assert isinstance(expr, And)
    assert (expr.start, expr.end) == (0, len(source))
    first, second = expr.operands
    assert isinstance(first, Or) and source[first.start : first.end] == 'q1 == "ja" or q2 has "b"'
    assert isinstance(second, Not) and source[second.start : second.end] == "not q3 in [1, 2]"
    spans = {source[n.start : n.end] for n in walk(expr) if isinstance(n, Ref | Literal)}
    assert spans == {"q1", '"ja"', "q2", '"b"', "q3", "1", "2"}


def test_literals_keep_their_type_and_source_spelling() -> None:
    expr = parse("q5 in [1, 1.0, 1.50, -2, true]")
    assert isinstance(expr, In)
    assert [type(v.value) for v in expr.values] == [int, float, float, int, bool]
    assert [v.text for v in expr.values] == ["1", "1.0", "1.50", "-2", "true"]
    assert Literal(1) != Literal(1.0) and Literal(1) != Literal(True)
    assert Literal(1) == Literal(1, start=5, end=6, text="1")


def test_variables_used_lists_refs_in_source_order() -> None:
    expr = parse('answered(q4.r.c) and (q1 == q2 or q16.1 has "x") and not q1')
    assert [ref.name for ref in variables_used(expr)] == ["q4.r.c", "q1", "q2", "q16.1", "q1"]


# ----------------------------------------------------------------- typecheck cases


def _single(qid: str, *codes: str) -> dict[str, Any]:
    options = [{"code": code, "label": code} for code in codes]
    return {"id": qid, "type": "single", "text": qid, "options": options}


TYPECHECK_INSTRUMENT: dict[str, Any] = {
    "qdef": 1,
    "id": "expr-test",
    "title": "Bedingungen",
    "language": "de",
    "sections": [
        {
            "id": "s1",
            "questions": [
                _single("q1", "ja", "nein", "weiss_nicht"),
                _single("q1n", "1", "2", "3"),
                {
                    "id": "q2",
                    "type": "multiple",
                    "text": "Welche?",
                    "options": [
                        {"code": "a", "label": "A"},
                        {
                            "code": "b",
                            "label": "B",
                            "specify": [{"id": "q2_qm", "type": "number", "suffix": "qm"}],
                        },
                        {
                            "code": "sonstiges",
                            "label": "Sonstiges",
                            "specify": [{"id": "q2_sonst"}],
                        },
                        {"code": "noch_offen", "label": "Noch offen", "exclusive": True},
                    ],
                },
                {"id": "q3", "type": "text", "text": "Ort"},
                {"id": "q5", "type": "number", "text": "Anzahl"},
                {"id": "q5d", "type": "number", "kind": "decimal", "text": "Anteil"},
                {"id": "q6", "type": "date", "precision": "month", "text": "Seit wann?"},
                {"id": "q6d", "type": "date", "text": "Stichtag"},
                {"id": "q7", "type": "daterange", "text": "Zeitraum"},
                {
                    "id": "q8",
                    "type": "textlist",
                    "text": "Nennen Sie bis zu zwei",
                    "fields": [{"code": "1"}, {"code": "2"}],
                },
                {
                    "id": "q9",
                    "type": "matrix",
                    "text": "Beteiligung",
                    "scale": [
                        {"code": "ueberwiegend", "label": "Überwiegend"},
                        {"code": "teilweise", "label": "Teilweise"},
                        {"code": "gar_nicht", "label": "Gar nicht"},
                    ],
                    "rows": [
                        {"code": "beteiligung", "label": "Beteiligung"},
                        {"code": "planung", "label": "Planung"},
                        {"code": "sonstiges", "label": "Sonstiges", "specify": {"id": "q9_sonst"}},
                    ],
                },
                {
                    "id": "q10",
                    "type": "grid",
                    "text": "Maßnahmen",
                    "columns": [
                        {"code": "txt", "label": "Was?", "input": "text"},
                        {"code": "anzahl", "label": "Wie viele?", "input": "number"},
                        {
                            "code": "nicht_erforderlich",
                            "label": "Nicht erforderlich",
                            "input": "check",
                            "exclusive": True,
                        },
                    ],
                    "rows": [{"code": "r1", "label": "Eins"}, {"code": "r2", "label": "Zwei"}],
                },
                {"id": "d1", "type": "display", "text": "Vielen Dank."},
                _single("q13", "ja", "nein"),
                _single("q14", "x", "y", "a"),
                _single("q11", "ja", "nein"),
            ],
        },
        {"id": "s2", "when": 'q11 == "ja"', "questions": [_single("q12", "ja", "nein")]},
        {
            "id": "s3",
            "questions": [
                {
                    "id": "rang",
                    "type": "ranking",
                    "text": "Was ist Ihnen wichtig?",
                    "options": [{"code": c, "label": c} for c in ("preis", "lage", "groesse")],
                }
            ],
        },
        {
            "id": "leute",
            "repeat": {"for_each": "q8", "item": "person"},
            "questions": [
                {"id": "alter", "type": "number", "text": "Alter"},
                _single("job", "ja", "nein"),
            ],
        },
        {"id": "s5", "questions": [_single("q15", "ja", "nein")]},
    ],
}

SYMBOLS: Symbols = build(Instrument.model_validate(TYPECHECK_INSTRUMENT))
TYPECHECK_CASES = load_cases("typecheck.yaml")


def test_typecheck_cases_are_well_formed() -> None:
    assert len(TYPECHECK_CASES) >= 35
    kinds = {"single", "multiple", "text", "number", "date", "daterange", "textlist"}
    assert kinds | {"matrix", "grid", "display"} <= {
        entry.question.type for entry in SYMBOLS.entries
    }
    for case in TYPECHECK_CASES:
        assert case["at"] in SYMBOLS.positions, case
        assert ("ok" in case) != ("errors" in case), case
        assert case.get("ok", True) is True and case.get("errors", [None]), case
        assert set(case) <= {"at", "expr", "ok", "errors", "messages", "want", "roster"}, case


@pytest.mark.parametrize("case", TYPECHECK_CASES, ids=lambda c: f"{c['at']}: {c['expr']}")
def test_condition_type_checks_as_expected(case: dict[str, Any]) -> None:
    source = case["expr"]
    want = case.get("want", "truth")
    position, roster = SYMBOLS.positions[case["at"]], case.get("roster")
    problems = typecheck(parse(source), SYMBOLS, position, want=want, roster=roster)
    found = [f"{p.code} {line_column(source, p.start)}" for p in problems]
    assert found == case.get("errors", []), [p.message for p in problems]
    messages = " | ".join(p.message for p in problems)
    for expected in case.get("messages", []):
        assert expected in messages


def test_problem_spans_cover_the_offending_text() -> None:
    source = 'q1 == "jaa" and q99'
    problems = typecheck(parse(source), SYMBOLS, SYMBOLS.positions["q11"])
    assert [(p.code, source[p.start : p.end]) for p in problems] == [
        ("QD504", '"jaa"'),
        ("QD502", "q99"),
    ]


def test_section_condition_may_not_use_the_sections_own_questions() -> None:
    position = SYMBOLS.first_position(1)  # section s2, whose first question is q12
    assert typecheck(parse('q11 == "ja"'), SYMBOLS, position) == []
    assert [p.code for p in typecheck(parse("answered(q12)"), SYMBOLS, position)] == ["QD503"]


def test_check_reports_a_syntax_error_as_one_problem() -> None:
    position = SYMBOLS.positions["q11"]
    assert check('q1 == "ja', SYMBOLS, position) == [
        ExprProblem("QD501", 'unterminated string; close it with "', 6, 7)
    ]
    assert [p.code for p in check('q1 == "x"', SYMBOLS, position)] == ["QD504"]
    assert check("q1 ==", SYMBOLS, position)[0].start == 5


# ----------------------------------------------------------------- properties

names = st.from_regex(
    r"[A-Za-z][A-Za-z0-9_]{0,5}(\.[A-Za-z0-9_]{1,4}){0,2}", fullmatch=True
).filter(lambda name: name.split(".")[0] not in KEYWORDS)
literals = st.one_of(
    st.text(max_size=8),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
).map(Literal)


def _flat(kind: type[And] | type[Or], parts: list[Expr]) -> Expr:
    operands: list[Expr] = []
    for part in parts:
        operands.extend(part.operands if isinstance(part, kind) else [part])
    return kind(tuple(operands))


def _calls(name: str, children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    least, most, _ = ARITY[name]
    args = st.lists(children, min_size=least, max_size=most or least + 2)
    return args.map(lambda xs: Call(name, tuple(xs)))


def expressions(refs: st.SearchStrategy[Ref]) -> st.SearchStrategy[Expr]:
    """Syntax trees as the parser builds them (``and``/``or`` flat)."""
    leaves: st.SearchStrategy[Expr] = st.one_of(refs, literals, refs.map(Answered))

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            st.builds(Compare, st.sampled_from(COMPARE_OPS), children, children),
            st.builds(Has, children, children),
            st.builds(
                In, children, st.lists(literals, min_size=1, max_size=3).map(tuple), st.booleans()
            ),
            children.map(Not),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: _flat(And, xs)),
            st.lists(children, min_size=2, max_size=3).map(lambda xs: _flat(Or, xs)),
            st.builds(Arith, st.sampled_from(ARITH_OPS), children, children),
            children.map(Neg),
            st.sampled_from(sorted(ARITY)).flatmap(lambda name: _calls(name, children)),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@given(expressions(names.map(Ref)))
def test_printed_condition_parses_back_to_the_same_tree(expr: Expr) -> None:
    source = to_source(expr)
    reparsed = parse(source)
    assert reparsed == expr
    assert dump(reparsed) == dump(expr)
    assert to_source(reparsed) == source
    for node in walk(reparsed):
        assert 0 <= node.start < node.end <= len(source)
        if isinstance(node, Ref):
            assert source[node.start : node.end] == node.name


TOKEN_SOUP = [
    "q1", "q4.r.c", "q16.1", '"ja"', "'x'", "1", "-2.5", "true", "false", "and", "or",
    "not", "has", "in", "answered", "==", "!=", "<", "<=", ">", ">=", "(", ")", "[", "]",
    ",", "=", "&&", ".", "-", '"', "\\", "„", " ", "+", "*", "/", "sum(", "if(", "len",
    "q1(", "-", "- 1",
]  # fmt: skip


@given(st.one_of(st.text(), st.lists(st.sampled_from(TOKEN_SOUP), max_size=12).map(" ".join)))
def test_parser_fails_only_with_a_located_syntax_error(source: str) -> None:
    try:
        parse(source)
    except ExprSyntaxError as error:
        assert error.code in ("QD501", "QD509", "QD511", "QD512")
        assert 0 <= error.offset <= len(source)
        assert error.message


@given(
    expressions(st.sampled_from([*SYMBOLS.variables, "q99", "d1", "q10.r1"]).map(Ref)),
    st.sampled_from(["truth", "value", "text"]),
)
def test_typecheck_reports_only_expression_codes_within_the_condition(
    expr: Expr, want: Any
) -> None:
    source = to_source(expr)
    reparsed = parse(source)
    for problem in typecheck(reparsed, SYMBOLS, SYMBOLS.positions["q11"], want=want):
        assert problem.code in TYPE_CODES
        assert 0 <= problem.start < problem.end <= len(source)
        assert problem.message


# ----------------------------------------------------------------- examples in messages

GERMAN_WORDS = {"ja", "nein", "frage", "beteiligung", "weiss_nicht"}


@pytest.mark.parametrize(
    "case", [c for c in SYNTAX_CASES if "error" in c], ids=lambda c: repr(c["expr"])
)
def test_syntax_error_examples_carry_no_fixed_language(case: dict[str, Any]) -> None:
    """Without an instrument, examples are placeholders (q1, "a") or the author's own
    text; a German word appears only if the author wrote it."""
    with pytest.raises(ExprSyntaxError) as info:
        parse(case["expr"])
    words = set(re.findall(r"\w+", info.value.message.lower()))
    written = set(re.findall(r"\w+", case["expr"].lower()))
    assert not (words & GERMAN_WORDS) - written, info.value.message


ENGLISH = build(
    Instrument.model_validate(
        {
            "qdef": 1,
            "id": "staff",
            "title": "Staff",
            "language": "en",
            "sections": [
                {
                    "id": "s",
                    "questions": [
                        _single("employed", "yes", "no"),
                        {"id": "commute", "type": "number", "text": "Minutes?"},
                        {
                            "id": "languages",
                            "type": "multiple",
                            "text": "Languages?",
                            "options": [{"code": "en", "label": "English"}],
                        },
                        {"id": "later", "type": "text", "text": "More?"},
                    ],
                }
            ],
        }
    )
)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("employed == “yes”", "typographic quote '“'; write strings in straight quotes: \"yes\""),
        ("employed == „yes“", 'write strings in straight quotes: "yes"'),
        (
            'employed == not "yes"',
            "expected a value after '=='; put 'not' before the whole comparison: "
            'not employed == "yes"',
        ),
        ("employed ==", "expected a value after '==', e.g. employed == \"yes\""),
        ("commute >", "expected a value after '>', e.g. commute > 0"),
        ("", 'empty condition; write one such as employed == "yes", or remove it'),
        ("(", 'e.g. (employed == "yes" or employed == "no")'),
        ("not", "e.g. not answered(employed)"),
        ('has "en"', 'e.g. languages has "en"'),
        ('employed in ("yes")', 'e.g. employed in ["yes"]'),
        ("0 < commute < 60", "e.g. 0 < commute and commute < 60"),
        ('employed == "yes" and', 'e.g. employed == "yes" and commute > 0'),
    ],
)
def test_syntax_error_examples_use_the_authors_and_the_instruments_names(
    source: str, message: str
) -> None:
    problems = check(source, ENGLISH, ENGLISH.positions["later"])
    assert len(problems) == 1 and problems[0].code == "QD501"
    assert message in problems[0].message


def test_a_valid_condition_is_parsed_without_copying_its_text(monkeypatch: Any) -> None:
    """The author's text before an operator is read only for a message: copying it at
    every ``and``/``or`` made a condition of 16,000 terms take 15 s to parse."""
    from qdef.expr import parser  # noqa: PLC0415

    copies = 0
    text = parser.Parser.text

    def counted(self: parser.Parser, start: int, end: int) -> str:
        nonlocal copies
        copies += 1
        return text(self, start, end)

    monkeypatch.setattr(parser.Parser, "text", counted)

    def copies_for(terms: int) -> int:
        nonlocal copies
        copies = 0
        parse(" or ".join(f'(g == "y{i}" and h > {i})' for i in range(terms)))
        return copies

    assert copies_for(500) == copies_for(5)


# ----------------------------------------------------------------- types of expressions


@pytest.mark.parametrize(
    ("source", "kind", "integer", "precision"),
    [
        ("q5 + 1", "number", True, None),
        ("q5 * q5d", "number", False, None),
        ("q5 / 1", "number", False, None),
        ("-q5", "number", True, None),
        ("sum(q5, q5d)", "number", False, None),
        ("sum(q5, 2)", "number", True, None),
        ("count(q1, q2)", "number", True, None),
        ("min(q5, 1.5)", "number", False, None),
        ('max(q6d, "2020-01-01")', "date", False, "day"),
        ('coalesce(q6, "2020-01")', "date", False, "month"),
        ('if(q5 > 1, "a", q1)', "text", False, None),
        ("if(q5 > 1, 1, 2)", "number", True, None),
        ("if(q5 > 1, q5 > 2, false)", "truth", False, None),
        ('concat(q3, "x")', "text", False, None),
        ("len(q3)", "number", True, None),
        ("months_between(q7.from, q7.to)", "number", True, None),
        ("q5 > 1 and answered(q3)", "truth", False, None),
        ("q1", "choice", False, None),
        ("q2", "choices", False, None),
        ("q10.r1.nicht_erforderlich", "check", False, None),
        ('"x"', "text", False, None),
    ],
)
def test_expression_type(source: str, kind: str, integer: bool, precision: str | None) -> None:
    found = expression_type(parse(source), SYMBOLS)
    assert (found.kind, found.integer, found.precision) == (kind, integer, precision)
    if kind in ("choice", "choices"):
        assert found.codes == SYMBOLS.variables[source].type.codes


def test_expression_type_refuses_an_ill_typed_expression() -> None:
    with pytest.raises(ValueError):
        expression_type(parse('q5 + "x"'), SYMBOLS)
    with pytest.raises(ValueError):
        expression_type(parse("q99 + 1"), SYMBOLS)


def test_computed_variables_are_typed_by_the_symbol_table() -> None:
    """A computed value's variable carries its expression's type (set by the model);
    a truth value is a condition of its own and compares with true and false."""
    variables = dict(SYMBOLS.variables)
    variables["flag"] = Variable("flag", ValueType("truth"), "flag", 0, ())
    variables["share"] = Variable("share", ValueType("number"), "share", 0, ())
    symbols = Symbols(SYMBOLS.entries, variables, SYMBOLS.positions)
    position = SYMBOLS.positions["q11"]
    assert typecheck(parse("flag and not flag == false and share * 2 > 1"), symbols, position) == []
    codes = [p.code for p in typecheck(parse("flag > 1 or share"), symbols, position)]
    assert codes == ["QD505", "QD507"]
    assert [p.code for p in typecheck(parse("flag"), symbols, position, want="text")] == ["QD519"]


# ----------------------------------------------------------------- the examples of the docs

DOCS_FORMAT = Path(__file__).parents[1] / "docs" / "format.md"
DOCS_INSTRUMENT: dict[str, Any] = {
    "qdef": 1,
    "id": "docs",
    "title": "Docs",
    "language": "de",
    "sections": [
        {
            "id": "s",
            "questions": [
                _single("im_eingesetzt", "ja", "nein"),
                {
                    "id": "umsetzungsphase",
                    "type": "multiple",
                    "text": "Phase",
                    "options": [{"code": c, "label": c} for c in ("vor", "waehrend", "nach")],
                },
                {"id": "wochenstunden", "type": "number", "kind": "decimal", "text": "h"},
                {"id": "eigene_raeume_qm", "type": "number", "text": "qm"},
                {"id": "beginn", "type": "date", "precision": "month", "text": "Beginn"},
                {"id": "geburtsdatum", "type": "date", "text": "Geburtsdatum"},
                {"id": "stichtag", "type": "date", "text": "Stichtag"},
                {
                    "id": "finanzierungszeitraum",
                    "type": "daterange",
                    "precision": "month",
                    "text": "Zeitraum",
                },
                {
                    "id": "schwerpunkte",
                    "type": "matrix",
                    "text": "Schwerpunkte",
                    "scale": [{"code": c, "label": c} for c in ("1", "2", "3")],
                    "rows": [{"code": c, "label": c} for c in ("beteiligung", "vernetzung")],
                },
                {
                    "id": "erwartungen",
                    "type": "textlist",
                    "text": "Erwartungen",
                    "fields": [{"code": c} for c in ("1", "2", "3")],
                },
                {
                    "id": "aufgaben_zustaendigkeit",
                    "type": "grid",
                    "text": "Aufgaben",
                    "columns": [
                        {"code": "nicht_erforderlich", "label": "n", "input": "check"},
                        {"code": "stunden", "label": "h", "input": "number"},
                    ],
                    "rows": [{"code": c, "label": c} for c in ("beteiligung", "sonstiges")],
                },
                {
                    "id": "anteile",
                    "type": "grid",
                    "text": "Anteile",
                    "columns": [{"code": "prozent", "label": "%", "input": "number"}],
                    "rows": [{"code": c, "label": c} for c in ("personal", "sach", "sonstige")],
                },
                {
                    "id": "gruende_kein_im",
                    "type": "single",
                    "text": "Gründe",
                    "options": [
                        {
                            "code": "andere_foerderung",
                            "label": "a",
                            "specify": [{"id": "gruende_kein_im_foerderprogramm"}],
                        },
                        {"code": "sonstiges", "label": "s"},
                    ],
                },
                {"id": "gruende_kein_im_sonstiges", "type": "text", "text": "t"},
                {"id": "qualifikation", "type": "text", "text": "t"},
                {"id": "vorname", "type": "text", "text": "t"},
                {"id": "nachname", "type": "text", "text": "t"},
                {"id": "letzte", "type": "text", "text": "t"},
            ],
        }
    ],
}


def _docs_examples() -> list[str]:
    """The expressions of format.md's example lists ("each checked against …")."""
    text = DOCS_FORMAT.read_text(encoding="utf-8")
    found: list[str] = []
    for match in re.finditer(r"\(each checked against[^\n]*\n+```text\n(.*?)```", text, re.S):
        found.extend(line for line in match.group(1).splitlines() if line.strip())
    return found


DOCS_EXAMPLES = _docs_examples()


def test_the_docs_list_examples_of_each_construct() -> None:
    assert len(DOCS_EXAMPLES) >= 25
    used = {type(node).__name__ for source in DOCS_EXAMPLES for node in walk(parse(source))}
    assert {"Arith", "Call", "Compare", "Has", "In", "Not", "And", "Or", "Answered"} <= used


@pytest.mark.parametrize("source", DOCS_EXAMPLES)
def test_the_docs_examples_type_check(source: str) -> None:
    symbols = build(Instrument.model_validate(DOCS_INSTRUMENT))
    assert check(source, symbols, symbols.positions["letzte"]) == []
