"""``qdef schema --responses``: the response schema with the routing rules JSON Schema
can express (qdef.routing.responses_schema.routing_rules).

On generated respondents of every instrument under instruments/: each rule's
condition holds exactly when qdef's walk shows the question, every response
validates, and a response given an answer to a question the walk did not show (or a
follow-up without its option) is rejected wherever a rule covers it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import qdef
from qdef.cli import main
from qdef.expr.parser import parse
from qdef.pipeline.compiled import Compiled
from qdef.routing import walk
from qdef.routing.responses_schema import condition_schema, response_schema
from qdef.testing import answers, respondents

INSTRUMENTS = sorted((Path(__file__).parents[1] / "instruments").glob("*.yaml"))


def _compiled(path: Path) -> Compiled:
    return qdef.compile(path)


COMPILED = {path.stem: _compiled(path) for path in INSTRUMENTS}


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


VALIDATORS = {name: _validator(response_schema(c.plan, c.analysis)) for name, c in COMPILED.items()}


def _holds(schema: dict[str, Any], response: dict[str, Any]) -> bool:
    return Draft202012Validator(schema).is_valid(response)


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_every_instrument_has_rules(name: str) -> None:
    schema = response_schema(COMPILED[name].plan, COMPILED[name].analysis)
    assert schema["allOf"], name
    assert all("$comment" in rule for rule in schema["allOf"])


@pytest.mark.parametrize("name", sorted(COMPILED))
@given(data=st.data())
def test_rules_agree_with_the_walk_and_catch_off_path_answers(name: str, data: Any) -> None:
    compiled = COMPILED[name]
    validator = VALIDATORS[name]
    response = data.draw(respondents(compiled), label="response")
    assert not list(validator.iter_errors(response)), response
    shown = {q.id for q in walk(compiled.plan, response).questions}
    extra = data.draw(answers(compiled), label="other answers")
    analysis = compiled.analysis
    for step in compiled.plan.steps:
        if step.roster is not None or step.computed is not None:
            continue
        condition = condition_schema(analysis.reaching(step.question.id))
        if condition is None:
            continue
        question = step.question.id
        assert _holds(condition, response) == (question in shown), question
        offered = [name for name in step.variables if name in extra and name not in response]
        if question not in shown and offered:
            mutated = {**response, offered[0]: extra[offered[0]]}
            assert not validator.is_valid(mutated), (question, offered[0])


def test_a_follow_up_without_its_option_is_rejected() -> None:
    compiled = COMPILED["investitionspakt"]
    validator = VALIDATORS["investitionspakt"]
    response = walk(
        compiled.plan,
        {
            "im_eingesetzt": "nein",
            "gruende_kein_im": "sonstiges",
            "gruende_kein_im_sonstiges": "anders",
        },
    ).response
    assert validator.is_valid(response)
    orphan = {**response, "gruende_kein_im": "nicht_bekannt"}
    assert not validator.is_valid(orphan)


def test_conditions_a_schema_cannot_say_give_no_rule() -> None:
    for source in ("a + 1 > 2", "a == b", "len(t) > 3", "count(r) > 1"):
        assert condition_schema(parse(source)) is None, source
    assert condition_schema(parse("a > 2")) == {
        "required": ["a"],
        "properties": {"a": {"type": "number", "exclusiveMinimum": 2}},
    }
    assert condition_schema(parse("2 > a")) == {
        "required": ["a"],
        "properties": {"a": {"type": "number", "exclusiveMaximum": 2}},
    }


def test_the_command_prints_it(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["schema", "--responses", str(INSTRUMENTS[0])], out, io.StringIO()) == 0
    assert json.loads(out.getvalue()) == response_schema(
        COMPILED[INSTRUMENTS[0].stem].plan, COMPILED[INSTRUMENTS[0].stem].analysis
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("qdef: 1\nid: x\n", encoding="utf-8")
    err = io.StringIO()
    assert main(["schema", "--responses", str(broken)], io.StringIO(), err) == 1
