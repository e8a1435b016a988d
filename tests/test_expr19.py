"""Issue 19 in the expression language: ``rank``, rankings, and rosters — the scope
rules (QD525–QD530), aggregates resolved into ``Over`` nodes (``qdef.expr.scope``) and
their values (``qdef.routing.evaluate``). SPEC19 §1.1, §1.6; docs/format.md,
"Functions" and "Aggregates over a roster".

The symbol table is built by hand from a plain instrument (the model's own table for
rankings and rosters is tested with the model): ``prio`` is made a ranking and the
sections ``persons`` and ``cars`` rosters, each with its item."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from qdef.expr import parse, typecheck
from qdef.expr.types import expression_type
from qdef.model import Instrument
from qdef.model.symbols import Symbols, ValueType, Variable, build


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
            "questions": [
                {"id": "age", "type": "number", "text": "Age of {person}?"},
                _single("works", "yes", "no"),
                {"id": "born", "type": "date", "text": "Born"},
            ],
        },
        {"id": "cars", "questions": [{"id": "km", "type": "number", "text": "km"}]},
        {"id": "s3", "questions": [_single("z", "yes", "no")]},
    ],
}


def _symbols() -> Symbols:
    symbols = build(Instrument.model_validate(INSTRUMENT))
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
