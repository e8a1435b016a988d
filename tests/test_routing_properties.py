"""Properties of qdef.routing, against brute force on small instruments dense with routing.

The oracle (tests/routing_strategy.py) walks every answer set that could
matter; qdef's analysis reasons symbolically. They must agree on: the paths
(count and list), which questions are shown on no walk, and, for every
walk, which questions the reaching conditions say are shown.
"""

from __future__ import annotations

from hypothesis import assume, event, given, note
from hypothesis import strategies as st

from qdef.expr import parse
from qdef.expr.nodes import Compare, Ref
from qdef.model import Instrument
from qdef.routing import Analysis, Finding, analyse, count_paths, findings, paths
from qdef.routing.evaluate import holds
from qdef.routing.interpreter import walk
from qdef.routing.plan import compile_plan
from qdef.testing import answers, instruments, respondents
from tests.routing_strategy import all_walks, routed_instruments


@given(routed_instruments())
def test_analysis_agrees_with_brute_force(instrument: Instrument) -> None:
    _agrees_with_brute_force(instrument)


@given(routed_instruments(compare_answers=True))
def test_analysis_of_compared_answers_agrees_with_brute_force(instrument: Instrument) -> None:
    """Conditions comparing two answers (negated too: ``not (a != b)``), where one side
    may be answered only under a condition of its own (issues 15 and 23)."""
    _agrees_with_brute_force(instrument)


def _agrees_with_brute_force(instrument: Instrument) -> None:
    plan = compile_plan(instrument)
    walks = all_walks(plan)
    assume(walks is not None)
    assert walks is not None
    analysis = analyse(plan)
    sequences: set[tuple[str, ...]] = set()
    shown: set[str] = set()
    for result in walks:
        sequences.add(result.ids)
        shown.update(result.ids)
        for step in plan.steps:
            reaching = analysis.reaching(step.question.id)
            assert holds(reaching, result.response, plan.parts) == (
                step.question.id in result.ids
            ), (step.question.id, analysis.reaching_source(step.question.id), result.response)
    note(f"paths: {sorted(sequences)}")
    event(f"paths: {min(len(sequences), 6)}")
    counted = count_paths(analysis)
    listed = list(paths(analysis))
    found = findings(analysis)
    hidden = {q for f in found if f.kind == "unreachable" for q in f.questions}
    undecided = {q for f in found if f.kind == "unknown" for q in f.questions}
    never = {s.question.id for s in plan.steps} - shown
    event(f"exact: {counted.exact}")
    if counted.exact:  # everything decided: equal to brute force
        assert counted.count == len(sequences)
        assert listed == sorted(sequences)  # lexicographic by position = by id order here
        assert hidden == never
        assert not undecided
    else:  # comparisons of two answers: an upper bound, and nothing claimed wrongly
        assert counted.reason
        assert counted.count >= len(sequences)
        assert set(listed) >= sequences
        assert hidden <= never <= hidden | undecided
        # a question some respondent is shown gets an example respondent, so it is
        # neither unreachable nor undecided (issue 15: one side of a comparison shown
        # only under a condition of its own)
        assert not undecided & shown, sorted(undecided & shown)
    for finding in found:
        if finding.kind == "unknown":  # the reason given holds: the showing depends on it
            _assert_reason_holds(analysis, finding)


def _assert_reason_holds(analysis: Analysis, finding: Finding) -> None:
    """An undecided question's showing depends on the comparisons of answers the
    message names, and those are comparisons of two answers."""
    logic, dd = analysis.logic, analysis.dd
    reach = analysis.reach[analysis.plan.position_of(finding.question)]
    named = logic.undecided(reach)
    assert named or "cannot decide either" in finding.message, finding.message
    support = dd.support(reach)
    for source in named:
        assert f"{source}" in finding.message
        if " <= " in source and source.endswith(".to"):
            continue  # the order of a date range's ends
        compared = parse(source)
        assert isinstance(compared, Compare)
        assert isinstance(compared.left, Ref), source
        assert isinstance(compared.right, Ref), source
        opaque = {v for v in dd.support(logic.condition(compared)) if logic.domains[v].opaque}
        assert opaque and opaque <= support, source


@given(instruments(max_sections=3, max_questions=4), st.data())
def test_walks_of_any_answers_follow_the_rules(instrument: Instrument, data: st.DataObject) -> None:
    """Every walk terminates, keeps sequence order, shows a question only when its
    conditions hold on the answers before it, and keeps answers of shown questions only."""
    plan = compile_plan(instrument)
    analysis = analyse(plan)
    answer_set = data.draw(answers(plan))
    result = walk(plan, answer_set)
    assert list(result.positions) == sorted(set(result.positions))
    before: dict[str, object] = {}
    for position in result.positions:
        step = plan.steps[position]
        assert step.when is None or holds(step.when, before, plan.parts)
        before.update({n: result.response[n] for n in step.variables if n in result.response})
    assert before == result.response
    for step in plan.steps:
        assert holds(analysis.reaching(step.question.id), result.response, plan.parts) == (
            step.position in result.positions
        )


@given(instruments(max_sections=3, max_questions=4), st.data())
def test_respondents_are_their_own_walks(instrument: Instrument, data: st.DataObject) -> None:
    plan = compile_plan(instrument)
    response = data.draw(respondents(plan))
    assert walk(plan, response).response == response


@given(routed_instruments(), st.data())
def test_a_question_cut_off_by_gotos_is_reported_at_its_location(
    instrument: Instrument, data: st.DataObject
) -> None:
    """Mutate an instrument so that gotos cut a question off: every goto that led to it
    leads past it, and the question before it (now always shown when reached) jumps
    past it. It must be reported as shown on no walk, located at its id."""
    plan = compile_plan(instrument)
    assume(plan.end >= 3)
    cut = data.draw(st.integers(1, plan.end - 2), label="victim position")
    victim = plan.steps[cut].question.id
    after = plan.steps[cut + 1].question.id
    raw = instrument.model_dump(exclude_none=True)
    places = [
        (s, q)
        for s, section in enumerate(raw["sections"])
        for q in range(len(section["questions"]))
    ]
    for s, q in places:
        question = raw["sections"][s]["questions"][q]
        for jump in [question, *question.get("options", [])]:
            if jump.get("goto") == victim:
                jump["goto"] = after
    s, q = places[cut - 1]
    before = raw["sections"][s]["questions"][q]
    before["goto"] = after
    before.pop("when", None)
    raw["sections"][s].pop("when", None)
    for option in before.get("options", []):
        option.pop("goto", None)
    mutated = Instrument.model_validate(raw)
    found = [f for f in findings(mutated) if f.kind == "unreachable" and victim in f.questions]
    assert len(found) == 1, f"{victim} not reported"
    vs, vq = places[cut]
    assert found[0].path == ("sections", vs, "questions", vq, "id")
    assert victim in found[0].message
    assert all(victim not in walk(mutated, r).ids for r in _some_respondents(mutated, data))


def _some_respondents(instrument: Instrument, data: st.DataObject) -> list[dict[str, object]]:
    return [data.draw(respondents(instrument), label="respondent") for _ in range(5)]


@given(routed_instruments(max_questions=10, compare_answers=True), st.data())
def test_a_question_a_respondent_is_shown_is_never_called_unreachable(
    instrument: Instrument, data: st.DataObject
) -> None:
    """On instruments too large for brute force: a question that generated respondents
    are shown is never reported unreachable, and undecided only for a reason that holds."""
    analysis = analyse(instrument)
    found = findings(analysis)
    hidden = {q for f in found if f.kind == "unreachable" for q in f.questions}
    for finding in found:
        if finding.kind == "unknown":
            _assert_reason_holds(analysis, finding)
    for response in _some_respondents(instrument, data):
        shown = set(walk(instrument, response).ids)
        assert not shown & hidden, (sorted(shown & hidden), response)


@given(
    st.one_of(
        routed_instruments(),
        routed_instruments(compare_answers=True),
        instruments(max_sections=3, max_questions=4),
    )
)
def test_printed_reaching_conditions_are_the_diagrams_exactly(instrument: Instrument) -> None:
    """Printing loses nothing: the printed condition, parsed and compiled again, is the
    very diagram it was printed from (diagrams are canonical)."""
    analysis = analyse(instrument)
    for step in analysis.plan.steps:
        source = analysis.reaching_source(step.question.id)
        assert analysis.logic.condition(parse(source)) == analysis.shown[step.position], source
