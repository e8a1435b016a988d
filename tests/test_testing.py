"""qdef.testing: answer sets, respondents and the routing properties for any instrument."""

from __future__ import annotations

import importlib
import json
from collections import ChainMap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from qdef.expr.nodes import Arith, Call, Literal, Over
from qdef.expr.nodes import walk as nodes
from qdef.expr.patterns import check_pattern
from qdef.expr.template import parse_template
from qdef.model import Computed, Instrument
from qdef.model.dumper import dumps
from qdef.pipeline import compile as compile_file
from qdef.pipeline import load, loads, validate_text
from qdef.pipeline.compiled import compile_instrument
from qdef.routing import Analysis, problems, walk
from qdef.routing.plan import compile_plan
from qdef.testing import (
    ALL_FEATURES,
    FEATURES,
    FEATURES19,
    Attempt,
    answers,
    assert_routing,
    attempts,
    check_routing,
    instruments,
    literal,
    plain_text,
    regexes,
    respondents,
)

INVESTITIONSPAKT = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"
REAL = load(INVESTITIONSPAKT)
HOUSEHOLD = INVESTITIONSPAKT.parent / "household-energy.yaml"

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


# --------------------------------------------------------------------------- issue 18

EVERYTHING = instruments(max_sections=2, max_questions=4, features=FEATURES)


def _features(instrument: Instrument) -> set[str]:
    """The elements of issue 18 ``instrument`` uses (names of FEATURES)."""
    found: set[str] = set()
    if instrument.hidden:
        found.add("hidden")
    compiled = compile_instrument(instrument)
    if any(True for _ in compiled.texts_with_pieces()):
        found.add("piping")
    for _, question in instrument.questions():
        if isinstance(question, Computed):
            found.add("computed")
        if getattr(question, "filter", None) is not None:
            found.add("filter")
        if getattr(question, "rules", None):
            found.add("rules")
        if getattr(question, "default", None) is not None:
            found.add("default")
        if any(o.when for o in getattr(question, "options", ())):
            found.add("cascading")
        if any(r.when for r in getattr(question, "rows", ())):
            found.add("row_when")
    if '"pattern": {' in json.dumps(instrument.model_dump(exclude_none=True)):
        found.add("pattern")
    if any(isinstance(n, Arith | Call) for e in compiled.conditions.values() for n in nodes(e)):
        found.add("arithmetic")
    return found


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_every_feature_is_drawn(feature: str) -> None:
    found = find(
        EVERYTHING,
        lambda instrument: feature in _features(instrument),
        settings=settings(max_examples=300, database=None, phases=[Phase.generate]),
    )
    assert feature in _features(found)


@settings(max_examples=30)
@given(instruments(max_sections=2, max_questions=4))
def test_no_feature_is_drawn_without_features(instrument: Instrument) -> None:
    assert _features(instrument) == set()


@given(EVERYTHING)
def test_instruments_with_every_feature_validate(instrument: Instrument) -> None:
    result = validate_text(dumps(instrument), Path("t.yaml"))
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert errors == [], [str(d) for d in errors]


@given(st.sampled_from(sorted(FEATURES)).flatmap(lambda f: instruments(features={f})))
def test_each_feature_alone_gives_valid_instruments(instrument: Instrument) -> None:
    result = validate_text(dumps(instrument), Path("t.yaml"))
    assert not [d for d in result.diagnostics if d.severity == "error"]


@given(plain_text)
def test_plain_text_is_shown_as_it_is(text: str) -> None:
    template = parse_template(text)
    assert template.plain
    assert literal(template.text) == text


@given(regexes())
def test_drawn_regexes_are_in_the_portable_subset(regex: str) -> None:
    assert check_pattern(regex) == []


@settings(max_examples=40)
@given(EVERYTHING, st.data())
def test_answers_attempts_and_respondents_with_every_feature(
    instrument: Instrument, data: st.DataObject
) -> None:
    answer_set = data.draw(answers(instrument))
    assert problems(instrument, answer_set) == []
    attempt = data.draw(attempts(instrument))
    result = walk(instrument, attempt.given, check=False)
    assert result.response == attempt.response
    assert tuple((e.question, e.index) for e in result.errors) == attempt.errors
    response = data.draw(respondents(instrument))
    again = walk(instrument, response, check=False)
    assert again.response == response
    assert again.errors == ()  # respondents meet the rules


@settings(max_examples=15, suppress_health_check=[HealthCheck.nested_given])
@given(EVERYTHING)
def test_the_routing_properties_hold_with_every_feature(instrument: Instrument) -> None:
    report = check_routing(instrument, max_examples=15)
    hopeless = any(f.code == "QD612" for f in report.findings) or (
        # a required question whose rule (`check or extra`) no answer meets, in a way the
        # analysis cannot see (a contradiction among hidden variables)
        {f.name for f in report.failures} == {"hypothesis"}
        and all("Unable to satisfy" in f.message for f in report.failures)
        and any(
            getattr(q, "required", False) and getattr(q, "rules", None)
            for _, q in instrument.questions()
        )
    )
    if hopeless:
        # a required question whose rules no answer meets: no respondent gets past it
        assert {f.name for f in report.failures} <= {"hypothesis"}
        return
    assert report.failures == (), str(report)


def test_attempts_give_what_the_walk_must_drop() -> None:
    """Attempts are not just respondents: hidden values outside their domain, answers of
    options not offered and broken rules all occur on the household-energy example."""
    compiled = compile_file(HOUSEHOLD)
    kinds: set[str] = set()

    @settings(max_examples=60, derandomize=True, database=None)
    @given(attempts(compiled))
    def collect(attempt: Attempt) -> None:
        for name, given_value in attempt.given.items():
            if name not in attempt.response:
                kinds.add("dropped")
            elif attempt.response[name] != given_value:
                kinds.add("replaced")
        if attempt.errors:
            kinds.add("rule broken")

    collect()
    assert kinds == {"dropped", "replaced", "rule broken"}


FILTERED = """\
qdef: 1
id: filtered
title: Filtered
language: en
sections:
  - id: s
    questions:
      - id: used
        type: multiple
        text: Used
        options: [{code: a, label: A}, {code: b, label: B}]
      - id: best
        type: single
        text: Best
        filter: {chosen_in: used}
        options: [{code: a, label: A}, {code: b, label: B}]
      - id: total
        type: computed
        value: selected_count(used) * 2
      - {id: last, type: text, text: "Last ({total})", when: total > 2}
"""


def _first_failure(strategy: st.SearchStrategy[Any], test: Callable[[Any], None]) -> bool:
    """Whether ``test`` fails on one of 100 examples (no shrinking: only whether)."""

    @settings(max_examples=100, derandomize=True, database=None, phases=[Phase.generate])
    @given(strategy)
    def run(example: Any) -> None:
        test(example)

    try:
        run()
    except AssertionError:
        return True
    return False


def test_a_walk_that_keeps_answers_of_options_not_offered_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instrument = loads(FILTERED)

    def same(attempt: Attempt) -> None:
        assert walk(instrument, attempt.given, check=False).response == attempt.response

    assert not _first_failure(attempts(instrument), same)
    walk_module = importlib.import_module("qdef.routing.interpreter")
    monkeypatch.setattr(walk_module, "_dropped", lambda plan, step, response: set())
    assert _first_failure(attempts(instrument), same)


def test_a_walk_that_computes_wrongly_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    instrument = loads(FILTERED)
    assert check_routing(instrument, max_examples=20).failures == ()
    walk_module = importlib.import_module("qdef.routing.interpreter")

    def off_by_one(step, response, parts):  # type: ignore[no-untyped-def]
        response[step.question.id] = 1 + len(response.get("used") or ())

    monkeypatch.setattr(walk_module, "_compute", off_by_one)
    report = check_routing(instrument, max_examples=20)
    assert "computed values" in {f.name for f in report.failures}


# --------------------------------------------------------------------------- issue 19

NEW = instruments(max_sections=3, max_questions=3, features=ALL_FEATURES)
ROSTERS = instruments(max_sections=3, max_questions=3, features={"roster", "random", "ranking"})


@settings(max_examples=30)
@given(st.sampled_from(sorted(FEATURES19)).flatmap(lambda f: instruments(features={f})))
def test_each_feature_of_issue_19_alone_gives_valid_instruments(instrument: Instrument) -> None:
    result = validate_text(dumps(instrument), Path("t.yaml"))
    assert not [d for d in result.diagnostics if d.severity == "error"]


@settings(max_examples=30)
@given(NEW)
def test_every_feature_together_gives_valid_instruments(instrument: Instrument) -> None:
    """All features at once: rosters with filters, rules, computed values and piping
    inside, aggregates in conditions after them, random sections next to rosters."""
    result = validate_text(dumps(instrument), Path("t.yaml"))
    assert not [d for d in result.diagnostics if d.severity == "error"]


def _uses(instrument: Instrument) -> set[str]:
    """The elements of issue 19 ``instrument`` uses (names of FEATURES19, and the kind of
    each roster: ``roster:multiple``, ``roster:textlist``, ``roster:times``)."""
    found: set[str] = set()
    questions = {q.id: q for _, q in instrument.questions()}
    for section in instrument.sections:
        if section.order == "random":
            found.add("random")
        if section.repeat is not None:
            source = section.repeat.for_each or section.repeat.times or ""
            kind = "times" if section.repeat.times else questions[source].type
            found.add(f"roster:{kind}")
    for question in questions.values():
        kind = getattr(question, "type", "")
        if kind in ("ranking", "numbers", "dualmatrix"):
            found.add(kind)
        widget = getattr(question, "widget", None)
        if widget in ("slider", "buttons"):
            found.add(widget)
        if getattr(question, "order", "written") == "random":
            found.add("random")
    return found


def _drawn(instrument: Instrument) -> set[str]:
    """What ``instrument`` uses of issue 19 (see :func:`_uses`), and ``aggregate`` where
    a condition, computed value or rule of its plan aggregates over a roster."""
    used = _uses(instrument)
    if any(u.startswith("roster") for u in used):
        for step in compile_plan(instrument).steps:
            trees = [step.when, step.computed, *step.rules]
            if any(isinstance(n, Over) for tree in trees if tree for n in nodes(tree)):
                used.add("aggregate")
                break
    return used


@pytest.mark.parametrize(
    "element",
    [
        "ranking",
        "numbers",
        "dualmatrix",
        "slider",
        "buttons",
        "random",
        "roster:multiple",
        "roster:textlist",
        "roster:times",
        "aggregate",
    ],
)
def test_issue_19_features_are_drawn(element: str) -> None:
    """Each element (each kind of roster, and aggregates over a roster in the walk's
    plan) is drawn by the strategies with every feature, within 300 instruments (a
    search for one that has it: which of them come first is Hypothesis's business)."""
    found = find(
        st.one_of(NEW, ROSTERS),
        lambda instrument: element in _drawn(instrument),
        settings=settings(
            max_examples=300, derandomize=True, database=None, phases=[Phase.generate]
        ),
    )
    assert element in _drawn(found)


@settings(max_examples=30)
@given(NEW, st.data())
def test_answers_attempts_and_respondents_with_issue_19(
    instrument: Instrument, data: st.DataObject
) -> None:
    answer_set = data.draw(answers(instrument))
    assert problems(instrument, answer_set) == []
    attempt = data.draw(attempts(instrument))
    result = walk(instrument, attempt.given, check=False)
    assert result.response == attempt.response
    assert tuple((e.question, e.index) for e in result.errors) == attempt.errors
    response = data.draw(respondents(instrument))
    again = walk(instrument, response, check=False)
    assert again.response == response
    assert again.errors == ()
    assert problems(instrument, response) == []


ROSTER = """\
qdef: 1
id: roster
title: Roster
language: en
sections:
  - id: s
    questions:
      - id: names
        type: textlist
        text: Names
        fields: [{code: a, label: A}, {code: b, label: B}]
  - id: people
    title: "About {person}"
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, min: 0, max: 99, text: "Age of {person}"}
      - {id: job, type: text, text: Job, when: age >= 16}
  - id: t
    questions:
      - {id: note, type: display, text: Adults, when: any(age >= 18)}
"""


def _varied(drawn: tuple[Instrument, Any]) -> set[str]:
    """What an attempt at ``drawn``'s instrument shows of issue 19's answers."""
    instrument, attempt = drawn
    seen: set[str] = set()
    plan = compile_plan(instrument)
    for name in plan.rosters:
        if len(attempt.response.get(name, [])) > 1:
            seen.add("several iterations")
    for name, given_value in attempt.given.items():
        if name in plan.rosters and len(given_value) > len(attempt.response.get(name, [])):
            seen.add("surplus records")
        if name == "_order":
            kept = attempt.response.get("_order", {})
            seen.add("order kept" if kept else "order ignored")
        if name in plan.variables and plan.variables[name].kind == "ranking":
            seen.add("ranking")
    return seen


@pytest.mark.parametrize(
    "element", ["surplus records", "several iterations", "order kept", "ranking"]
)
def test_issue_19_respondents_vary(element: str) -> None:
    """Respondents give rankings (complete when required), totals met, several roster
    records, and `_order` — attempts also malformed `_order` and surplus records (each
    searched for among at most 1000 attempts: the search stops at the first; what
    hypothesis draws first depends on what the process drew before, and under the whole
    suite 300 once fell short)."""
    drawn = st.one_of(NEW, ROSTERS).flatmap(
        lambda instrument: st.tuples(st.just(instrument), attempts(instrument))
    )
    found = find(
        drawn,
        lambda pair: element in _varied(pair),
        settings=settings(
            max_examples=1000, derandomize=True, database=None, phases=[Phase.generate]
        ),
    )
    assert element in _varied(found)


def test_a_walk_that_reads_roster_conditions_outside_the_iteration_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The routing properties judge a roster's questions per iteration: a walk whose
    conditions inside the roster do not see the iteration's answers is caught."""
    instrument = loads(ROSTER)
    assert check_routing(instrument, max_examples=30).failures == ()
    walk_module = importlib.import_module("qdef.routing.interpreter")
    real = walk_module.holds

    def outside(condition, scope, parts):  # type: ignore[no-untyped-def]
        if isinstance(scope, ChainMap):
            scope = scope.parents  # the response only, without the iteration's record
        return real(condition, scope, parts)

    monkeypatch.setattr(walk_module, "holds", outside)
    report = check_routing(instrument, max_examples=30)
    assert "reaching condition" in {f.name for f in report.failures}
