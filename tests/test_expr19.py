"""Issue 19 in the expression language: ``rank``, rankings, and rosters — the scope
rules (QD525–QD530), aggregates resolved into ``Over`` nodes (``qdef.expr.scope``) and
their values (``qdef.routing.evaluate``). SPEC19 §1.1, §1.6; docs/format.md,
"Functions" and "Aggregates over a roster".

The symbol table is built by hand from a plain instrument (the model's own table for
rankings and rosters is tested with the model): ``prio`` is made a ranking and the
sections ``persons`` and ``cars`` rosters, each with its item."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.expr import parse, to_source, typecheck, walk
from qdef.expr.examples import Examples
from qdef.expr.nodes import Answered, Call, Compare, Expr, Has, Literal, Over, Ref
from qdef.expr.scope import free_rosters, resolve, roster_of
from qdef.expr.types import expression_type
from qdef.model import Instrument
from qdef.model.symbols import Symbols, ValueType, Variable, build
from qdef.pipeline import check_document
from qdef.routing.evaluate import ABSENT, Layered, as_text, holds, value
from qdef.source.loader import parse as parse_document
from qdef.validation import checks
from tests.test_expr import expressions


def _single(qid: str, *codes: str) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "single",
        "text": qid,
        "options": [{"code": c, "label": c.title()} for c in codes],
    }


INSTRUMENT = {
    "qdef": 1,
    "id": "household",
    "title": "Household",
    "language": "en",
    "sections": [
        {
            "id": "s1",
            "questions": [
                {
                    "id": "names",
                    "type": "textlist",
                    "text": "Who lives here?",
                    "fields": [{"code": "p1"}, {"code": "p2"}],
                },
                {"id": "n", "type": "number", "max": 3, "text": "How many cars?"},
                {
                    "id": "prio",  # made a ranking below
                    "type": "multiple",
                    "text": "What matters?",
                    "options": [{"code": c, "label": c.title()} for c in ("price", "speed")],
                },
                _single("q1", "yes", "no"),
            ],
        },
        {
            "id": "persons",
            "repeat": {"for_each": "names", "item": "person"},
            "title": "Person: {person}",
            "questions": [
                {"id": "age", "type": "number", "text": "Age of {person}?"},
                _single("works", "yes", "no"),
                {"id": "born", "type": "date", "text": "Born"},
            ],
        },
        {
            "id": "cars",
            "repeat": {"times": "n", "max": 3, "item": "car"},
            "questions": [{"id": "km", "type": "number", "text": "km"}],
        },
        {"id": "s3", "questions": [_single("z", "yes", "no")]},
    ],
}


def _symbols(instrument: Instrument | None = None) -> Symbols:
    """The symbol table of ``INSTRUMENT`` (or of ``instrument``, a variant of it) with a
    ranking and two rosters, as the model's ``build`` makes it."""
    symbols = build(instrument or Instrument.model_validate(INSTRUMENT))
    variables = symbols.variables
    prio = variables["prio"]
    variables["prio"] = dataclasses.replace(
        prio, type=dataclasses.replace(prio.type, kind="ranking")
    )
    for name in ("age", "works", "born"):
        variables[name] = dataclasses.replace(variables[name], roster="persons")
    variables["km"] = dataclasses.replace(variables["km"], roster="cars")
    first = symbols.positions
    variables["person"] = Variable(
        "person",
        ValueType("text"),
        "persons",
        first["age"],
        ("sections", 1, "repeat", "item"),
        "persons",
    )
    variables["car"] = Variable(
        "car",
        ValueType("number", integer=True),
        "cars",
        first["km"],
        ("sections", 2, "repeat", "item"),
        "cars",
    )
    return symbols


SYMBOLS = _symbols()


def problems(source: str, at: str, roster: str | None = None, want: Any = "truth") -> list[str]:
    found = typecheck(parse(source), SYMBOLS, SYMBOLS.positions[at], want=want, roster=roster)
    return [f"{p.code} {source[p.start : p.end]}" for p in found]


def messages(source: str, at: str, roster: str | None = None) -> str:
    found = typecheck(parse(source), SYMBOLS, SYMBOLS.positions[at], roster=roster)
    return " | ".join(p.message for p in found)


# ----------------------------------------------------------------- rank, rankings


@pytest.mark.parametrize(
    "source",
    [
        'rank(prio, "price") == 1',
        'rank(prio, "speed") <= 2 or not answered(prio)',
        'prio has "price"',
        "answered(prio) and selected_count(prio) > 1",
        'not prio has "speed"',
    ],
)
def test_rankings_are_tested_with_has_rank_and_selected_count(source: str) -> None:
    assert problems(source, "z") == []


@pytest.mark.parametrize(
    ("source", "expected", "message"),
    [
        ('prio == "price"', ["QD505 prio"], 'rank(prio, "price") == 1'),
        ('prio in ["price"]', ["QD505 prio"], "'prio' is a ranking, so 'in' does not apply"),
        ('rank(prio, "prize") == 1', ['QD504 "prize"'], 'did you mean "price"?'),
        ("rank(prio, q1) == 1", ["QD513 q1"], "as a quoted text"),
        ('rank(q1, "yes") == 1', ["QD513 q1"], "rank() takes a ranking question"),
        ("prio + 1 > 2", ["QD510 prio"], 'rank(prio, "price")'),
        ('rank(zz, "a") > 1', ["QD502 zz"], "unknown variable"),
        ('if(q1 == "yes", prio, prio) == 1', ["QD513 prio"], "cannot give a ranking"),
        ("prio has speed", ["QD502 speed"], 'quote it: prio has "speed"'),
    ],
)
def test_rank_and_rankings_misused(source: str, expected: list[str], message: str) -> None:
    assert problems(source, "z") == expected
    assert message in messages(source, "z")


def test_a_ranking_is_piped_and_rank_is_an_integer() -> None:
    assert problems("prio", "z", want="text") == []
    assert expression_type(parse('rank(prio, "price")'), SYMBOLS) == ValueType(
        "number", integer=True
    )
    assert expression_type(parse("prio"), SYMBOLS).kind == "ranking"


@pytest.mark.parametrize("source", ['any(q1 == "yes")', 'all(q1 == "yes")', "any(true)"])
def test_any_and_all_outside_an_aggregate_over_a_roster(source: str) -> None:
    assert problems(source, "z") == [f"QD530 {source}"]
    assert "uses no roster's variable" in messages(source, "z")
    assert "persons" in messages(source, "z")


def test_any_checks_its_condition_before_its_place() -> None:
    assert problems("any(n)", "z") == ["QD507 n"]


# ----------------------------------------------------------------- resolve


def _roster_of(name: str) -> str | None:
    return roster_of(SYMBOLS)(name)


def test_resolve_turns_an_aggregate_over_one_roster_into_over() -> None:
    expr = resolve(parse("count(age >= 18) > 1 and sum(age) + sum(km) < n"), _roster_of)
    overs = [node for node in walk(expr) if isinstance(node, Over)]
    assert [(o.func, o.roster, to_source(o.body)) for o in overs] == [
        ("count", "persons", "age >= 18"),
        ("sum", "persons", "age"),
        ("sum", "cars", "km"),
    ]
    assert to_source(expr) == "count(age >= 18) > 1 and sum(age) + sum(km) < n"
    source = "count(age >= 18) > 1"
    assert (overs[0].start, overs[0].end) == (0, source.index(") >") + 1)
    assert resolve(expr, _roster_of) == expr  # twice: nothing more


def test_resolve_leaves_what_is_no_aggregate_over_one_roster() -> None:
    for source in [
        "sum(n, 1) > 1",
        "sum(age, 1) > 1",
        "sum(age + km) > 1",
        "age > 1",
        'any(q1 == "yes")',
    ]:
        expr = parse(source)
        assert not any(isinstance(node, Over) for node in walk(resolve(expr, _roster_of)))
    plain = parse('q1 == "yes" and sum(n, 2) > 1')
    assert resolve(plain, _roster_of) is plain  # no roster variable: the same object


def test_resolve_works_innermost_first() -> None:
    # the inner count is over cars; the sum's argument then refers to persons only
    expr = resolve(parse("sum(age * count(km)) > 1"), _roster_of)
    outer = next(node for node in walk(expr) if isinstance(node, Over))
    assert (outer.func, outer.roster) == ("sum", "persons")
    inner = next(node for node in walk(outer.body) if isinstance(node, Over))
    assert (inner.func, inner.roster, inner.body) == ("count", "cars", Ref("km"))
    assert free_rosters(resolve(parse("age + count(km) + car"), _roster_of), _roster_of) == {
        "persons": Ref("age"),
        "cars": Ref("car"),
    }


# ----------------------------------------------------------------- scope rules


@pytest.mark.parametrize(
    ("source", "at", "roster", "want"),
    [
        ("age >= 15", "works", "persons", "truth"),  # an earlier entry of this iteration
        ('person != "" and n > 1', "age", "persons", "truth"),  # the item, an earlier answer
        (
            'sum(age) > 10 and any(works == "yes")',
            "km",
            "cars",
            "truth",
        ),  # another roster, aggregated
        ('count(age >= 18) > 1 and all(person != "")', "z", None, "truth"),
        ('max(born) < "2000-01-01" and min(age) + max(age) > 1', "z", None, "truth"),
        ("car * 2", "km", "cars", "value"),
        ("person", "age", "persons", "text"),
        ("count(person)", "z", None, "text"),
    ],
)
def test_roster_variables_in_scope(source: str, at: str, roster: str | None, want: Any) -> None:
    assert problems(source, at, roster, want) == []


@pytest.mark.parametrize(
    ("source", "at", "roster", "expected", "message"),
    [
        (
            "age > 17",
            "z",
            None,
            ["QD525 age"],
            "use it in an aggregate over its iterations, e.g. sum(age)",
        ),
        (
            'person == "x"',
            "z",
            None,
            ["QD525 person"],
            "'person' is the item of the roster 'persons'",
        ),
        ("sum(age, 1) > 1", "z", None, ["QD525 age"], "sum(age), count(age)"),
        ("count(age) > 1", "n", None, ["QD526 age"], "move this question after 'persons'"),
        ("age > 1", "q1", None, ["QD526 age"], "it can be used only inside it"),
        ('person != ""', "age", None, ["QD526 person"], "which comes later"),  # the roster's when
        ("age > 17", "km", "cars", ["QD527 age"], "inside the roster 'cars'"),
        (
            "sum(age + km) > 1",
            "z",
            None,
            ["QD528 sum(age + km)"],
            "'age' of the roster 'persons' and 'km' of the roster 'cars'",
        ),
        ("count(age) > 1", "works", "persons", ["QD529 count(age)"], "use 'age' directly"),
        ('born > "2000-01-01"', "works", "persons", ["QD503 born"], "asked later"),
        (
            'sum(works == "yes") > 1',
            "z",
            None,
            ['QD513 works == "yes"'],
            'write count(works == "yes")',
        ),
        ("sum(born) > 1", "z", None, ["QD513 born"], "sum() over a roster takes numbers"),
        ("all(age) or any(n > 1)", "z", None, ["QD507 age", "QD530 any(n > 1)"], "not a condition"),
        ('count(age) == "x"', "z", None, ['QD506 "x"'], "'count(age)' is an integer"),
    ],
)
def test_roster_scope_errors(
    source: str, at: str, roster: str | None, expected: list[str], message: str
) -> None:
    assert problems(source, at, roster) == expected
    assert message in messages(source, at, roster)


def test_aggregate_types() -> None:
    def typed(source: str) -> ValueType:
        return expression_type(parse(source), SYMBOLS)

    integer, truth = ValueType("number", integer=True), ValueType("truth")
    assert typed("sum(age)") == integer
    assert typed("sum(age / 2)") == ValueType("number")
    assert typed("count(age >= 18)") == integer
    assert typed("min(born)") == ValueType("date", precision="day")
    assert typed("max(age)") == integer
    assert typed('any(works == "yes")') == truth
    assert typed("all(age > 1)") == truth
    assert typed("age") == integer  # typing alone does not check the scope


# ----------------------------------------------------------------- the semantic checks


def _validate(monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any]) -> Any:
    """Check a variant of ``INSTRUMENT`` (``changes``: question id -> keys to set) with the
    symbol table of rosters; the routing findings are left out."""
    monkeypatch.setattr(checks, "build", _symbols)
    data = json.loads(json.dumps(INSTRUMENT))
    for section in data["sections"]:
        for question in section["questions"]:
            question.update(changes.get(question["id"], {}))
    document, problems = parse_document(json.dumps(data, indent=1), Path("example.yaml"))
    assert document is not None and not problems
    return check_document(document, routing=False)


def test_the_checks_keep_resolved_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    changes = {
        "z": {"when": "count(age >= 18) > 1", "text": "{sum(age)} years; the eldest {max(age)|?}"},
        "works": {"when": 'age >= 15 and person != ""', "text": "Does {person} work?"},
        "km": {"when": 'any(works == "yes")'},
    }
    compiled, found = _validate(monkeypatch, changes)
    assert found == [] and compiled is not None
    z = ("sections", 3, "questions", 0)
    assert compiled.condition((*z, "when")) == Compare(
        ">", Over("count", "persons", parse("age >= 18")), Literal(1)
    )
    pieces = [p.expr for p in compiled.template((*z, "text")).pieces if not isinstance(p, str)]
    assert pieces == [Over("sum", "persons", Ref("age")), Over("max", "persons", Ref("age"))]
    works = ("sections", 1, "questions", 1, "when")
    assert compiled.condition(works) == parse('age >= 15 and person != ""')
    km = compiled.condition(("sections", 2, "questions", 0, "when"))
    assert km == Over("any", "persons", parse('works == "yes"'))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"z": {"when": "age > 1"}}, "QD525"),
        ({"works": {"when": "count(age) > 1"}}, "QD529"),
        ({"km": {"when": "age > 1"}}, "QD527"),
        ({"q1": {"when": "any(age > 1)"}}, "QD526"),
        ({"z": {"text": "The youngest: {min(age)}"}}, "QD314"),
        ({"z": {"text": 'Ranked first: {rank(prio, "price")}'}}, "QD314"),
        ({"z": {"text": "Age: {age|?}"}}, "QD525"),
    ],
)
def test_the_checks_apply_the_roster_scope(
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], expected: str
) -> None:
    compiled, found = _validate(monkeypatch, changes)
    assert compiled is None
    assert [d.code for d in found] == [expected], [d.message for d in found]


def test_a_piped_item_needs_no_fallback_but_a_minimum_does(monkeypatch: pytest.MonkeyPatch) -> None:
    _, found = _validate(monkeypatch, {"z": {"text": "{min(age)} and {count(age)}"}})
    assert [d.message for d in found] == [
        "'min(age)' may be absent here (it is absent when no iteration of 'persons' has a "
        "value); add a fallback, e.g. {min(age)|…}"
    ]
    compiled, found = _validate(monkeypatch, {"works": {"text": "{person}, {n|no} cars"}})
    assert found == [] and compiled is not None


# ----------------------------------------------------------------- values


RESPONSE: dict[str, Any] = {
    "n": 2,
    "prio": ["speed", "price"],
    "persons": [
        {"person": "Anna", "age": 34, "works": "yes", "born": "1990-05-01"},
        {"person": "Ben", "age": 7, "born": "2017-01-02"},
        {"person": "Cem"},  # only the item
        {"person": "Dora", "age": 18.5, "works": "no"},
    ],
    "cars": [],
}


def over(func: str, body: str, roster: str = "persons") -> Over:
    return Over(func, roster, parse(body))


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (over("sum", "age"), 59.5),
        (over("count", "age"), 3),  # the answered ages
        (over("count", "age >= 18"), 2),  # the adults (false does not count)
        (over("count", "person"), 4),
        (over("count", "works"), 2),
        (over("min", "age"), 7),
        (over("max", "age"), 34),
        (over("max", "born"), "2017-01-02"),
        (over("min", "born"), "1990-05-01"),
        (over("any", 'works == "no"'), True),
        (over("any", "age > 40"), False),
        (over("all", "age > 5"), False),  # Cem has no age: "age > 5" does not hold
        (over("all", 'person != ""'), True),
        (over("sum", "age * n"), 119.0),  # an answer before the roster, in each record
        (over("sum", "if(age >= 18, 1, 0)"), 2),
        (over("count", 'works == "yes" or age < 10'), 2),
        # an empty roster, and one with no key at all
        (over("sum", "km", "cars"), 0),
        (over("count", "km", "cars"), 0),
        (over("min", "km", "cars"), ABSENT),
        (over("max", "km", "gone"), ABSENT),
        (over("any", "km > 1", "cars"), False),
        (over("all", "km > 1", "gone"), True),
        (over("sum", "km", "gone"), 0),
        # ranks
        (parse('rank(prio, "price")'), 2),
        (parse('rank(prio, "speed")'), 1),
        (parse('rank(prio, "comfort")'), ABSENT),
        (parse('rank(nothing, "price")'), ABSENT),
        (parse("selected_count(prio)"), 2),
        (parse('prio has "price"'), True),
        (parse('prio has "comfort"'), False),
        (parse("answered(prio)"), True),
    ],
    ids=lambda x: to_source(x) if isinstance(x, Over | Call | Compare | Has | Answered) else None,
)
def test_values_of_aggregates_and_ranks(node: Any, expected: Any) -> None:
    found = value(node, RESPONSE)
    assert found == expected and type(found) is type(expected)


def test_aggregates_in_conditions_and_comparisons() -> None:
    adults = Compare(">=", over("count", "age >= 18"), Literal(2))
    assert holds(adults, RESPONSE)
    assert holds(over("any", 'works == "yes"'), RESPONSE)
    assert not holds(over("any", 'works == "yes"', "cars"), RESPONSE)
    assert holds(Compare("==", over("all", "age > 1", "cars"), Literal(True)), RESPONSE)
    assert not holds(Compare(">", over("min", "km", "cars"), Literal(0)), RESPONSE)
    assert holds(Compare("!=", over("min", "km", "cars"), Literal(0)), RESPONSE)
    assert holds(Compare("==", Call("rank", (Ref("prio"), Literal("speed"))), Literal(1)), RESPONSE)


def test_an_aggregate_inside_a_roster_reads_the_records_through_the_layers() -> None:
    """In roster ``cars`` the walk evaluates on the car's record over the response;
    an aggregate over ``persons`` there still finds the persons' records, and a record's
    answer hides the response's."""
    scope = Layered({"car": 1, "km": 100, "n": 5}, RESPONSE)
    assert value(parse("km + n"), scope) == 105
    assert value(over("sum", "age * n"), scope) == 297.5  # n of the car's record
    assert value(over("count", "car"), scope) == 4  # the outer layers show through
    assert holds(parse("answered(km)"), scope) and not holds(parse("answered(age)"), scope)
    assert set(scope) == {"car", "km", "n", "prio", "persons", "cars"} and len(scope) == 6


def test_a_ranking_and_items_as_text() -> None:
    labels = {"price": "Price", "speed": "Speed", "comfort": "Comfort"}
    ranking = ValueType("ranking", codes=("price", "speed", "comfort"))
    assert as_text(["speed", "price"], ranking, labels) == "Speed, Price"
    assert as_text(["comfort"], ranking, labels) == "Comfort"
    assert as_text(ABSENT, ranking, labels) == ""
    item = ValueType("choice", codes=("car", "bike"))  # the item of a roster over a multiple choice
    assert as_text("bike", item, {"car": "Car", "bike": "Bike"}) == "Bike"
    assert as_text(3, ValueType("number", integer=True), {}) == "3"


def test_examples_in_messages_use_a_roster_variable_only_in_its_roster() -> None:
    after = [v.name for v in Examples(SYMBOLS, SYMBOLS.positions["z"]).earlier]
    assert "n" in after and "age" not in after and "person" not in after
    inside = Examples(SYMBOLS, SYMBOLS.positions["works"], "persons").earlier
    assert {"age", "n"} <= {v.name for v in inside}


# ----------------------------------------------------------------- properties

ROSTER_NAMES = st.sampled_from(["age", "works", "born", "person", "km", "car", "n", "q1", "prio"])


@given(expressions(ROSTER_NAMES.map(Ref)))
def test_resolving_keeps_the_source_and_is_idempotent(expr: Expr) -> None:
    once = resolve(expr, _roster_of)
    assert to_source(once) == to_source(expr)
    assert resolve(once, _roster_of) == once
    for node in walk(once):
        if isinstance(node, Over):  # an Over's body refers to its roster alone
            assert set(free_rosters(node.body, _roster_of)) == {node.roster}


@given(expressions(ROSTER_NAMES.map(Ref)), st.sampled_from([None, "persons", "cars"]))
def test_every_expression_over_rosters_is_checked_without_crashing(
    expr: Expr, roster: str | None
) -> None:
    at = {None: "z", "persons": "works", "cars": "km"}[roster]
    source = to_source(expr)
    for problem in typecheck(parse(source), SYMBOLS, SYMBOLS.positions[at], roster=roster):
        assert problem.code.startswith("QD5") and problem.message
        assert 0 <= problem.start < problem.end <= len(source)
