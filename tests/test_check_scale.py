"""`qdef check` and the routing findings on large instruments (issue 17): examples stay
small whatever the instrument's size, a bug deep in a long questionnaire is still found
with a small counterexample, and the findings walk no example respondent."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic
from qdef.model import Instrument
from qdef.pipeline import Compiled, compile_instrument, loads
from qdef.routing import analyse, problems
from qdef.routing.dd import FALSE
from qdef.routing.evaluate import holds
from qdef.routing.plan import Plan, compile_plan
from qdef.testing import answer_gen, answers, check_routing, instruments, respondents
from qdef.testing.properties import _respondent_properties, _walk_properties

interpreter = importlib.import_module("qdef.routing.interpreter")

EXAMPLES = 10
LARGE = 5000  # beyond the ~3,000 questions where one example drawing every answer broke


@cache
def large() -> Compiled:
    return compile_instrument(loads(synthetic(LARGE)))


def _ignoring_goto(broken: int) -> Any:
    """The walk with one seeded bug: the option gotos of the question at ``broken``
    are ignored (the respondent goes on to the next question)."""

    def walk_until_stop(
        plan: Plan, given: Mapping[str, Any], stop: int
    ) -> tuple[list[int], list[None], dict[str, Any], Literal["goto", "last"]]:
        response: dict[str, Any] = {}
        shown: list[int] = []
        position = 0
        while position < stop:
            step = plan.steps[position]
            if step.when is not None and not holds(step.when, response, plan.parts):
                position += 1
                continue
            shown.append(position)
            interpreter._keep(plan, step.variables, given, response)
            chosen = response.get(step.question.id)
            target = step.option_gotos.get(chosen) if isinstance(chosen, str) else None
            if position == broken:
                target = None
            position = target if target is not None else step.next_default
        return shown, [None] * len(shown), response, "last"  # (no rosters: no iterations)

    return walk_until_stop


def test_a_goto_ignored_deep_in_a_large_instrument_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled = large()
    plan, analysis = compiled.plan, compiled.analysis
    # the last goto some walk takes, jumping over a question without a condition
    broken = max(
        s.position
        for s in plan.steps
        if s.option_gotos
        and analysis.reach[s.position] != FALSE
        and plan.steps[s.position + 1].when is None
        and min(s.option_gotos.values()) > s.position + 1
    )
    assert broken > LARGE * 0.9  # deep in the questionnaire
    monkeypatch.setattr(interpreter, "_walk", _ignoring_goto(broken))
    report = check_routing(compiled, max_examples=EXAMPLES)
    assert report.failures, "the ignored goto was not caught"
    for failure in report.failures:
        assert failure.name in {"reaching condition", "valid respondents"}
        if failure.name == "reaching condition":
            # shrunk to what shows the bug: the goto's question, answered with the
            # option that routes, and what it takes to reach it
            question = plan.steps[broken].question.id
            assert failure.answers.get(question) in plan.steps[broken].option_gotos
            assert len(failure.answers) <= 5, failure.answers
    assert "reaching condition" in {f.name for f in report.failures}
    monkeypatch.undo()  # with the real walk, the counterexamples break no property
    for failure in report.failures:
        test = _respondent_properties if failure.name == "valid respondents" else _walk_properties
        test(plan, analysis, failure.answers)


def test_examples_of_a_large_instrument_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """hypothesis draws the answers of a few decisions per example, whatever the size
    (drawing every answer outgrew its buffer at ~3,000 questions); the rest is seeded."""
    plan = large().plan
    drawn: list[int] = []
    real = answer_gen._drawing

    def counting(draw: Any, values: Any) -> Any:
        pick = real(draw, values)

        def counted(name: str, needed: bool) -> Any:
            drawn[-1] += 1
            return pick(name, needed)

        return counted

    monkeypatch.setattr(answer_gen, "_drawing", counting)
    sizes: list[int] = []

    @settings(max_examples=15, database=None)
    @given(answers(plan), respondents(plan))
    def example(answer_set: dict[str, Any], response: dict[str, Any]) -> None:
        sizes.append(len(answer_set) + len(response))
        drawn.append(0)

    drawn.append(0)
    example()
    most = max(len(d) for d in answer_gen.decisions(plan)) * answer_gen.FOCUS
    variables = max(len(s.variables) for s in plan.steps)
    assert max(drawn) <= 2 * most * variables  # both strategies: a few questions each
    assert max(sizes) > 1000  # and yet the examples answer much of the questionnaire


def test_the_findings_walk_no_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """QD602 (and QD603) findings keep their witness until it is read: findings() of a
    questionnaire with many of them walks no example; reading a witness walks only as
    far as its question (no whole walk per finding: the quadratic findings)."""
    questions = ["- {id: q0, type: single, text: Q, options: [{code: a, label: A}]}"]
    for i in range(1, 60):
        when = "when: q0 == 'a'" if i % 2 else 'when: "true"'
        questions.append(f"- {{id: q{i}, type: text, text: Q{i}, {when}}}")
    body = "\n      ".join(questions)
    text = (
        "qdef: 1\nid: t\ntitle: T\nlanguage: de\nsections:\n  - id: s\n    questions:\n"
        f"      {body}\n"
    )
    compiled = compile_instrument(loads(text))
    walked: list[int] = []
    real = interpreter._walk

    def counting(plan: Plan, given: Mapping[str, Any], stop: int) -> Any:
        walked.append(stop)
        return real(plan, given, stop)

    monkeypatch.setattr(interpreter, "_walk", counting)
    found = compiled.analysis.findings()
    always = [f for f in found if f.code == "QD602"]
    assert len(always) == 29
    assert walked == []  # no example walked while finding
    positions = [compiled.plan.position_of(f.question) for f in always]
    for finding in always:
        assert finding.witness is not None
        assert finding.witness is finding.witness  # found once, then kept
    assert len(walked) == len(always)
    assert all(stop <= position + 1 for stop, position in zip(walked, positions, strict=True))


@given(instruments(max_sections=2, max_questions=5), st.data())
def test_seeded_answers_and_respondents_fit_any_instrument(
    instrument: Instrument, data: st.DataObject
) -> None:
    """The seeded generator (every type of question, follow-ups, parts, rules) gives
    answer sets that fit and respondents whose responses are their walks' and answer
    every shown required question: here on small instruments, made to take the path of
    large ones."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answer_gen, "WHOLE", 0)
        answer_set = data.draw(answers(instrument))
        response = data.draw(respondents(instrument))
    assert problems(instrument, answer_set) == []
    plan = compile_plan(instrument)
    _respondent_properties(plan, analyse(plan), response)


#: Prints the examples ``answers`` and ``respondents`` give under one seed, at a size
#: where the seeded generator fills in most answers (argv: seed).
_EXAMPLES = """
import json, sys
from hypothesis import given, seed, settings
from benchmarks.synthetic import synthetic
from qdef.pipeline import loads
from qdef.routing.plan import compile_plan
from qdef.testing import answer_gen, answers, respondents
plan = compile_plan(loads(synthetic(300)))
assert len(plan.variables) > answer_gen.WHOLE
seen = []
@seed(int(sys.argv[1]))
@settings(max_examples=8, database=None, derandomize=False)
@given(answers(plan), respondents(plan))
def example(answer_set, response):
    seen.append([answer_set, response])
example()
print(json.dumps(seen, sort_keys=True, default=str))
"""


def test_the_same_seed_gives_the_same_examples_in_any_process() -> None:
    """``qdef check --seed``: the examples at scale (hypothesis' draws and the seeded
    generator's) are the same in another process, whatever its string hashing
    (``PYTHONHASHSEED``: a set's order must not decide a value), and another seed gives
    others."""
    root = Path(__file__).resolve().parent.parent

    def examples(seed: int, hashing: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": hashing}
        done = subprocess.run(
            [sys.executable, "-c", _EXAMPLES, str(seed)],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            check=True,
        )
        return done.stdout

    first = examples(3, "1")
    assert len(json.loads(first)) == 8
    assert examples(3, "2") == first
    assert examples(4, "1") != first
