"""qdef.testing: answer sets, respondents and the routing properties for any instrument."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.expr.nodes import Literal
from qdef.model import Instrument
from qdef.pipeline import load, loads
from qdef.routing import Analysis, problems, walk
from qdef.routing.plan import compile_plan
from qdef.testing import answers, assert_routing, check_routing, instruments, respondents

INVESTITIONSPAKT = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"
REAL = load(INVESTITIONSPAKT)

CUT_OFF = """\
qdef: 1
id: cut
title: Cut
language: de
sections:
  - id: s
    questions:
      - id: q1
        type: single
        required: true
        text: Eins
        options: [{code: a, label: A, goto: q3}, {code: b, label: B, goto: q3}]
      - {id: q2, type: text, text: Zwei}
      - {id: q3, type: text, text: Drei}
"""


@given(st.data())
def test_answers_fit_the_real_instrument(data: st.DataObject) -> None:
    answer_set = data.draw(answers(REAL))
    assert problems(REAL, answer_set) == []


@given(instruments(max_sections=2, max_questions=4), st.data())
def test_answers_fit_any_instrument(instrument: Instrument, data: st.DataObject) -> None:
    assert problems(instrument, data.draw(answers(instrument))) == []


@given(st.data())
def test_respondents_of_the_real_instrument(data: st.DataObject) -> None:
    response = data.draw(respondents(REAL))
    assert problems(REAL, response) == []
    result = walk(REAL, response)
    assert result.response == response
    assert response["im_eingesetzt"] == "nein" or "fortsetzung_geplant" in response
    if any(key.startswith("kontakt_") for key in response):
        assert response["interesse_gespraech"] == "ja"


def test_respondents_reach_every_route() -> None:
    seen: set[int] = set()

    @given(respondents(REAL))
    def collect(response: dict[str, object]) -> None:
        seen.add(len(walk(REAL, response).ids))

    collect()
    assert seen == {7, 15, 16}


def test_the_real_instrument_passes_the_routing_properties() -> None:
    report = assert_routing(INVESTITIONSPAKT, max_examples=50)
    assert report.ok
    assert report.failures == ()
    assert report.paths.count == 3
    assert str(report).startswith("0 failing routing properties, 0 findings, 3 paths")


def test_an_unreachable_question_fails_the_routing_check() -> None:
    report = check_routing(loads(CUT_OFF), max_examples=20)
    assert not report.ok
    assert [(f.code, f.question) for f in report.findings] == [("QD601", "q2")]
    with pytest.raises(AssertionError, match="QD601 unreachable at 'q2'"):
        assert_routing(loads(CUT_OFF), max_examples=20)


def test_the_failure_shown_in_testing_md_is_real() -> None:
    text = (INVESTITIONSPAKT.parents[1] / "docs" / "testing.md").read_text(encoding="utf-8")
    instrument = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    shown = text.split("```text\nAssertionError: ", 1)[1].split("```", 1)[0]
    with pytest.raises(AssertionError) as raised:
        assert_routing(loads(instrument))
    assert str(raised.value) + "\n" == shown


def test_a_wrong_reaching_condition_is_caught_with_a_small_counterexample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The properties can fail: an analyser that claims every question is always shown."""
    monkeypatch.setattr(Analysis, "reaching", lambda self, question: Literal(True))
    monkeypatch.setattr(Analysis, "reaching_source", lambda self, question: "true")
    report = check_routing(REAL, max_examples=50)
    assert {f.name for f in report.failures} == {"reaching condition"}
    failure = report.failures[0]
    assert failure.question is not None
    position = compile_plan(REAL).position_of(failure.question)
    assert position not in walk(REAL, failure.answers).positions
    assert len(failure.answers) <= 2  # shrunk: one filter answer is enough
    # docs/testing.md shows this very report; which counterexample hypothesis shrinks to
    # may change with its version, so only the lines around the counterexamples must match
    text = (INVESTITIONSPAKT.parents[1] / "docs" / "testing.md").read_text(encoding="utf-8")
    shown = [line for line in str(report).splitlines() if "counterexample:" not in line]
    assert all(line in text for line in shown)


def test_a_broken_walk_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """An interpreter that forgets to drop answers of questions not shown."""
    walk_module = importlib.import_module("qdef.routing.interpreter")
    real_keep = walk_module._keep

    def keep_everything(plan, names, answers, response):  # type: ignore[no-untyped-def]
        real_keep(plan, names, answers, response)
        response.update({k: v for k, v in answers.items() if k not in response})

    monkeypatch.setattr(walk_module, "_keep", keep_everything)
    report = check_routing(REAL, max_examples=50)
    assert "only shown answers" in {f.name for f in report.failures}


def test_three_lines_are_enough_for_a_users_own_instrument(tmp_path: Path) -> None:
    path = tmp_path / "umfrage.yaml"
    path.write_text(INVESTITIONSPAKT.read_text(encoding="utf-8"), encoding="utf-8")

    from qdef.testing import assert_routing as check  # noqa: PLC0415

    check(path)


NUMBER_EDGES = """\
qdef: 1
id: edges
title: Edges
language: en
sections:
  - id: s
    questions:
      - {id: zero, type: number, kind: decimal, text: Zero, min: 0, max: -0.0}
      - {id: signed, type: number, kind: integer, text: Signed, min: -0.0, max: 0}
      - {id: between, type: number, kind: decimal, text: Between, min: 0.5, max: 0.7}
"""


@given(st.data())
def test_answers_fill_every_range_validation_accepts(data: st.DataObject) -> None:
    """Issue 23 item 6: ``min: 0, max: -0.0`` holds 0 (validation compares numbers),
    an integer range from -0.0 holds 0 (not the float -0.0), and a decimal range
    may hold no whole number."""
    instrument = loads(NUMBER_EDGES)
    answer_set = data.draw(answers(instrument))
    assert problems(instrument, answer_set) == []
    assert answer_set.get("zero", 0) == 0
    assert isinstance(answer_set.get("signed", 0), int)


def test_qdef_check_passes_on_every_range_validation_accepts() -> None:
    report = check_routing(loads(NUMBER_EDGES), max_examples=30)
    assert report.failures == ()
