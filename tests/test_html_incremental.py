"""The web form routes incrementally, and incremental routing equals full routing.

After an answer the page walks again only what the answer can change (steps whose
condition reads a changed variable, and the steps where the new path parts from
the old one). Two kinds of test hold it to that:

- **Equal to the full evaluation, on every state.** Generated instruments (dense
  with routing, and of every question type) get sequences of changes — answers
  set, changed and taken back, in random order, options whose gotos skip ranges,
  reset buttons — and after each single change the page's own
  ``qdefForm.debug.audit()`` compares everything routing keeps and shows (the
  answers read, the path, the response, every input's state, sections, reset
  buttons, the page's marks) with a full evaluation of the inputs as they are.
  ``test_html_differential.py`` holds the full evaluation itself to
  ``qdef.routing``.
- **Work counted, not timed.** On a chain of questions, one answer read by one
  condition evaluates one condition, however many questions the page has, and a
  goto walks only the range it skips.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import qdef
from qdef.model import Instrument
from qdef.rendering import render
from qdef.routing.plan import compile_plan
from qdef.testing import answers, instruments
from qdef.testing.instrument_gen import FEATURES
from tests.browser import Form, open_form, typed
from tests.routing_strategy import routed_instruments
from tests.test_html_growth import chain

pytestmark = pytest.mark.browser

DEEP = os.environ.get("QDEF_HYPOTHESIS_PROFILE") == "deep"

INCREMENTAL_SETTINGS = settings(
    max_examples=200 if DEEP else 25,
    phases=tuple(Phase) if DEEP else (Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Applies changes one at a time as the page's inputs see them, each followed by the
#: events a browser fires, and audits the page after each: the first difference from
#: the full evaluation, or null. A change to a disabled input is skipped (a
#: respondent cannot make it); so is a reset button that is not shown.
APPLY = """ops => {
  const debug = window.qdefForm.debug;
  const fire = (element, type) => element.dispatchEvent(new Event(type, {bubbles: true}));
  let applied = 0;
  const audit = op => {
    applied += 1;
    const found = debug.audit();
    return found.length ? {op: op, found: found} : null;
  };
  for (const op of ops) {
    const [kind, name, value] = op;
    if (kind === "reset") {
      const button = document.querySelector('button[data-reset="' + name + '"]');
      if (!button || button.hidden || button.closest("[hidden]")) continue;
      button.click();
      const failed = audit(op);
      if (failed) return failed;
      continue;
    }
    const inputs = Array.from(document.getElementsByName(name));
    if (!inputs.length || inputs[0].disabled) continue;
    const first = inputs[0];
    if (kind === "choice" && first.tagName === "SELECT") {
      first.value = value === null ? "" : value;
      fire(first, "input");
      fire(first, "change");
    } else if (kind === "choice") {
      let changed = null;
      for (const radio of inputs) {
        const on = radio.value === value;
        if (radio.checked !== on) {
          radio.checked = on;
          if (on || changed === null) changed = radio;
        }
      }
      fire(changed || first, "change");
    } else if (kind === "choices") {
      const wanted = value || [];
      for (const box of inputs) {
        const on = wanted.includes(box.value);
        if (box.checked === on || box.disabled) continue;
        box.checked = on;
        fire(box, "change");
        const failed = audit(op);
        if (failed) return failed;
      }
      continue;
    } else if (kind === "check") {
      first.checked = value === true;
      fire(first, "change");
    } else {
      first.value = value === null ? "" : value;
      fire(first, "input");
      fire(first, "change");
    }
    const failed = audit(op);
    if (failed) return failed;
  }
  return applied === 0 ? null : {applied: applied};
}"""


def operations(instrument: Instrument, data: st.DataObject) -> list[list[Any]]:
    """Sequences of answer sets entered one variable at a time in random order (what
    a set does not answer is emptied), with reset buttons pressed in between."""
    plan = compile_plan(instrument)
    names = list(plan.variables)
    questions = [step.question.id for step in plan.steps]
    ops: list[list[Any]] = []
    for answer_set in data.draw(st.lists(answers(instrument), min_size=1, max_size=3)):
        for name in data.draw(st.permutations(names)):
            kind = plan.variables[name].kind
            value = answer_set.get(name)
            if kind == "number" and data.draw(st.integers(0, 7)) == 0:
                value = "1,5x"  # not a number: a problem, not an answer
            elif value is not None and kind not in ("choice", "choices", "check"):
                value = typed(kind, value)
            ops.append([kind, name, value])
            if data.draw(st.integers(0, 9)) == 0:
                ops.append(["reset", data.draw(st.sampled_from(questions)), None])
    return ops


def assert_incremental_equals_full(
    context: Any, folder: Path, instrument: Instrument, ops: Any
) -> None:
    form = open_form(context, instrument, folder)
    try:
        assert form.page.evaluate("window.qdefForm.debug.incremental") is True
        assert form.page.evaluate("window.qdefForm.debug.audit()") == []  # as opened
        outcome = form.page.evaluate(APPLY, ops)
        assert outcome is None or "found" not in outcome, outcome
        assert form.errors == []
    finally:
        form.page.close()


@INCREMENTAL_SETTINGS
@given(instrument=routed_instruments(), data=st.data())
def test_incremental_routing_equals_full_routing_on_instruments_dense_with_routing(
    browser_context: Any, tmp_path: Path, instrument: Instrument, data: st.DataObject
) -> None:
    assert_incremental_equals_full(
        browser_context, tmp_path, instrument, operations(instrument, data)
    )


@settings(INCREMENTAL_SETTINGS, max_examples=60 if DEEP else 15)
@given(instrument=instruments(features=FEATURES), data=st.data())
def test_incremental_routing_equals_full_routing_on_instruments_with_every_feature(
    browser_context: Any, tmp_path: Path, instrument: Instrument, data: st.DataObject
) -> None:
    """Hidden values, computed values (recomputed when what they read changes, and what
    reads them walked again), options and rows offered under conditions, piped texts:
    after each change, the page equals a full evaluation, pieces included."""
    assert_incremental_equals_full(
        browser_context, tmp_path, instrument, operations(instrument, data)
    )


@INCREMENTAL_SETTINGS
@given(instrument=instruments(), data=st.data())
def test_incremental_routing_equals_full_routing_on_every_question_type(
    browser_context: Any, tmp_path: Path, instrument: Instrument, data: st.DataObject
) -> None:
    assert_incremental_equals_full(
        browser_context, tmp_path, instrument, operations(instrument, data)
    )


def test_the_audit_finds_a_page_that_differs_from_the_full_evaluation(
    browser_context: Any, tmp_path: Path
) -> None:
    """The audit is not blind: an input changed behind the script's back (no event),
    and a question shown off the path, are reported."""
    form = open_form(browser_context, qdef.loads(chain(20), path="chain.yaml"), tmp_path)
    try:
        assert form.page.evaluate("window.qdefForm.debug.audit()") == []
        form.page.evaluate("document.getElementById('f-q0-2').checked = true")
        found = form.page.evaluate("window.qdefForm.debug.audit()")
        assert "answer kept: q0" in found
        assert "shown: q10" in found
        form.page.evaluate("window.qdefForm.debug.refresh()")
        assert form.page.evaluate("window.qdefForm.debug.audit()") == []
    finally:
        form.page.close()


# ---------------------------------------------------------------------- work counted

WORK = "window.qdefForm.debug.work()"


def work_of(form: Form, name: str, code: str) -> dict[str, int]:
    """What routing walked and evaluated for one answer (a radio button ticked)."""
    before = form.page.evaluate(WORK)
    form.control(f"f-{name}-{code}").check()
    after = form.page.evaluate(WORK)
    assert form.page.evaluate("window.qdefForm.debug.audit()") == []
    return {key: after[key] - before[key] for key in after}


def chain_work(context: Any, folder: Path, n: int) -> list[dict[str, int]]:
    form = open_form(context, qdef.loads(chain(n), path=f"chain-{n}.yaml"), folder)
    try:
        found = [
            work_of(form, "q1", "1"),  # read by no condition
            work_of(form, "q0", "2"),  # read by one condition, far away
            work_of(form, "q0", "3"),  # its goto skips q1 … q11
            work_of(form, "q0", "1"),  # and back
        ]
        assert form.errors == []
        return found
    finally:
        form.page.close()


def test_one_answer_walks_what_it_can_change_not_the_whole_questionnaire(
    browser_context: Any, tmp_path: Path
) -> None:
    small = chain_work(browser_context, tmp_path, 200)
    assert small == [
        {"conditions": 0, "questions": 1},
        {"conditions": 1, "questions": 2},
        # q0, the eleven questions it now skips, and the condition that reads q0
        {"conditions": 1, "questions": 13},
        {"conditions": 1, "questions": 13},
    ]
    assert chain_work(browser_context, tmp_path, 800) == small  # not O(questions)


def test_a_page_whose_conditions_read_later_questions_routes_every_change_in_full(
    browser_context: Any, tmp_path: Path
) -> None:
    """Validation refuses a condition that reads a later question, but a page edited
    by hand (or made by another tool) may have one (the walk decides it on the answers
    kept so far, where the later answer is not yet). Incremental routing assumes no
    such condition: there the script routes every change with the full evaluation
    (no incremental work counted; forced incremental, this counts 29 questions), and
    the page stays as the full evaluation makes it."""
    instrument = qdef.loads(chain(20), path="chain.yaml")
    html = render(instrument, "html")
    assert isinstance(html, str)
    start = '<script type="application/json" id="qdef-program">'
    before, _, rest = html.partition(start)
    text, end, after = rest.partition("</script>")
    program = json.loads(text)
    # q1 is asked only if q5 (after it) is 1: on no walk, as q5 comes after it
    assert program["steps"][1]["q"] == "q1" and program["steps"][1]["when"] is None
    program["steps"][1]["when"] = ["cmp", "==", ["ref", "q5"], ["lit", "1"]]
    path = tmp_path / "edited.html"
    path.write_text(before + start + json.dumps(program) + end + after, encoding="utf-8")
    page = browser_context.new_page()
    form = Form(page, instrument)
    page.goto(path.as_uri())
    try:
        assert page.evaluate("window.qdefForm.debug.incremental") is False
        assert page.evaluate("window.qdefForm.debug.audit()") == []
        ops = [
            ["choice", "q5", "1"],  # q1 stays hidden: q5 is not kept when q1 is decided
            ["choice", "q0", "2"],  # shows q10
            ["choice", "q5", "2"],
            ["choice", "q0", "3"],  # skips q1 … q11: q5 emptied
            ["choice", "q0", "1"],
            ["choice", "q5", "1"],
        ]
        outcome = page.evaluate(APPLY, ops)
        assert outcome == {"applied": len(ops)}, outcome
        assert form.shown()[:5] == ["q0", "q2", "q3", "q4", "q5"]
        assert page.evaluate(WORK) == {"conditions": 0, "questions": 0}  # all in full
        assert form.errors == []
    finally:
        page.close()
