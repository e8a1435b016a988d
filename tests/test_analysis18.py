"""The routing analysis of issue 18's features, against brute force and by example.

Hidden variables are free inputs over their declared domain (never absent when
they have a default); computed values and atoms that compute are decided exactly
where every value they read can be enumerated, and undecided with the reason
otherwise; the offering of options and rows is routing; rules are constraints
on respondents. On small generated instruments that use all of it (every
domain finite), the analysis must agree with walking every answer set.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import assume, event, given, note
from hypothesis import strategies as st

from qdef.expr import parse
from qdef.model import Instrument
from qdef.routing import Analysis, analyse, count_paths, findings, paths
from qdef.routing.answers import problems
from qdef.routing.evaluate import holds
from qdef.routing.interpreter import Walk, walk
from qdef.routing.plan import Plan, compile_plan
from qdef.routing.verdicts import NEVER_SHOWN, UNDECIDED, Finding

Draw = Callable[[st.SearchStrategy[Any]], Any]
CODES = ["a", "b", "c"]


def plan_of(data: dict[str, Any]) -> Plan:
    return compile_plan(Instrument.model_validate(data))


def plan_of_yaml(text: str) -> Plan:
    return plan_of(yaml.safe_load(text))


# --------------------------------------------------------------------------- generated


@st.composite
def featured_instruments(  # noqa: PLR0915
    draw: Draw, max_questions: int = 5, bounded: bool = True
) -> dict[str, Any]:
    """Small instruments with hidden variables, computed values, arithmetic in
    conditions, filters, cascading options and rules; every domain finite, or (not
    ``bounded``) with numbers that have no upper bound, which qdef cannot enumerate."""
    hidden: list[dict[str, Any]] = []
    earlier: list[tuple[str, str]] = []  # (name, kind): choice, choices, number
    if draw(st.booleans()):
        region: dict[str, Any] = {
            "id": "h",
            "type": "choice",
            "options": [{"code": "n", "label": "N"}, {"code": "s", "label": "S"}],
        }
        if draw(st.booleans()):
            region["default"] = "n"
        hidden.append(region)
        earlier.append(("h", "choice"))
    if draw(st.booleans()):
        wave: dict[str, Any] = {"id": "w", "type": "number", "kind": "integer", "min": 1, "max": 2}
        if draw(st.booleans()):
            wave["default"] = 2
        hidden.append(wave)
        earlier.append(("w", "number"))
    count = draw(st.integers(2, max_questions))
    kinds = draw(
        st.lists(
            st.sampled_from(["single", "single", "multiple", "number", "number", "computed"]),
            min_size=count,
            max_size=count,
        )
    )

    def of(kind: str) -> list[str]:
        return [n for n, k in earlier if k == kind]

    def atom() -> str | None:
        if not earlier:
            return None
        name, kind = draw(st.sampled_from(earlier))
        if kind == "choice":
            code = "n" if name == "h" else draw(st.sampled_from(CODES[:2]))
            return draw(st.sampled_from([f'{name} == "{code}"', f'{name} != "{code}"']))
        if kind == "choices":
            code = draw(st.sampled_from(CODES[:2]))
            return draw(st.sampled_from([f'{name} has "{code}"', f"selected_count({name}) >= 2"]))
        numbers = of("number")
        other = draw(st.sampled_from(numbers))
        op = draw(st.sampled_from(["<", ">=", "==", "!="]))
        constant = draw(st.integers(0, 3))
        form = draw(st.integers(0, 2))
        if form == 0:
            return f"{name} {op} {constant}"
        if form == 1:
            return f"{name} + {other} {op} {constant}"
        return f"sum({name}, {other}) * 2 {op} {constant * 2}"

    def condition() -> str | None:
        first = atom()
        if first is None or draw(st.integers(0, 2)) > 0:
            return first
        second = atom()
        return f"{first} {draw(st.sampled_from(['and', 'or']))} {second}" if second else first

    questions: list[dict[str, Any]] = []
    for i, kind in enumerate(kinds):
        qid = f"q{i + 1}"
        later = [f"q{j + 1}" for j in range(i + 1, count)] + ["end"]
        question: dict[str, Any] = {"id": qid, "type": kind}
        entry: tuple[str, str] | None = (qid, kind)
        if kind in ("single", "multiple"):
            options: list[dict[str, Any]] = []
            for code in CODES[: draw(st.integers(2, 3))]:
                option: dict[str, Any] = {"code": code, "label": code}
                if draw(st.integers(0, 3)) == 0 and (when := atom()):
                    option["when"] = when  # cascading
                if kind == "single" and draw(st.integers(0, 4)) == 0:
                    option["goto"] = draw(st.sampled_from(later))
                options.append(option)
            question["options"] = options
            multiples = of("choices")
            if multiples and draw(st.integers(0, 2)) == 0:
                source = draw(st.sampled_from(multiples))
                key = draw(st.sampled_from(["chosen_in", "not_chosen_in"]))
                # filtered codes must be the source's codes: keep the first two
                question["options"] = [o for o in options if o["code"] in CODES[:2]]
                question["filter"] = {key: source}
            question["required"] = kind == "single" and draw(st.booleans())
            entry = (qid, "choice" if kind == "single" else "choices")
        elif kind == "number":
            question.update(kind="integer", min=0, required=draw(st.booleans()))
            if bounded or draw(st.booleans()):
                question["max"] = 2
            numbers = of("number")
            if numbers and draw(st.integers(0, 2)) == 0:
                other = draw(st.sampled_from(numbers))
                check = draw(st.sampled_from([f"{qid} <= {other}", f"{qid} + {other} <= 2"]))
                question["rules"] = [{"check": check, "message": "Nein."}]
        else:  # computed
            numbers, singles = of("number"), of("choice")
            forms = []
            if numbers:
                x, y = draw(st.sampled_from(numbers)), draw(st.sampled_from(numbers))
                forms += [f"{x} + {y}", f"{x} * 2 - {y}", f"max({x}, {y})", f"count({x}, {y})"]
            if singles:
                forms.append(f'if({draw(st.sampled_from(singles))} == "a", 2, 0)')
            if of("choices"):
                forms.append(f"selected_count({draw(st.sampled_from(of('choices')))})")
            if not forms:
                continue
            question["value"] = draw(st.sampled_from(forms))
            entry = (qid, "number")
        if draw(st.integers(0, 2)) == 0 and (when := condition()):
            question["when"] = when
        if kind != "computed":
            question["text"] = f"Frage {qid}"
            if draw(st.integers(0, 5)) == 0:
                question["goto"] = draw(st.sampled_from(later))
        questions.append(question)
        earlier.append(entry)
    assume(len(questions) >= 2)
    data: dict[str, Any] = {
        "qdef": 1,
        "id": "featured",
        "title": "Featured",
        "language": "de",
        "sections": [{"id": "s1", "questions": questions}],
    }
    if hidden:
        data["hidden"] = hidden
    return data


def _values(plan: Plan) -> dict[str, list[Any]]:
    """Every value of every answer and hidden variable (None: not given)."""
    values: dict[str, list[Any]] = {}
    for info in [*plan.hidden, *plan.variables.values()]:
        options: list[Any] = [None]
        if info.kind == "choice":
            options += list(info.codes)
        elif info.kind == "choices":
            for size in range(1, len(info.codes) + 1):
                options += [list(c) for c in itertools.combinations(info.codes, size)]
        else:  # (an unbounded number: its first values, a part of its domain)
            top = info.node.max if info.node.max is not None else info.node.min + 3
            options += list(range(info.node.min, top + 1))
        values[info.name] = options
    return values


def _walks(plan: Plan, limit: int = 6_000) -> list[tuple[Walk, tuple[str, ...], bool]] | None:
    """Every walk, and the questions it shows to a valid respondent: up to (and with) the
    first whose answer breaks a rule or leaves a required question unanswered, which the
    respondent cannot get past; and whether the respondent gets through."""
    values = _values(plan)
    names = list(values)
    if itertools.accumulate((len(v) for v in values.values()), lambda a, b: a * b):
        total = 1
        for options in values.values():
            total *= len(options)
        if total > limit:
            return None
    found = []
    for combo in itertools.product(*(values[n] for n in names)):
        answers = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        if problems(plan, answers):
            continue
        result = walk(plan, answers, check=False)
        failed = {failure.question for failure in result.errors}
        valid: list[str] = []
        through = True
        for question in result.questions:
            valid.append(question.id)
            if question.id in failed or (
                getattr(question, "required", False) and question.id not in result.response
            ):
                through = False
                break
        found.append((result, tuple(valid), through))
    return found


@given(featured_instruments())
def test_the_analysis_of_issue_18s_features_agrees_with_brute_force(
    data: dict[str, Any],
) -> None:
    plan = plan_of(data)
    walks = _walks(plan)
    assume(walks is not None)
    assert walks is not None
    note(yaml.safe_dump(data, sort_keys=False))
    analysis = analyse(plan)
    computed = {plan.steps[p].question.id for p in analysis.computing}
    questions = [s.question.id for s in plan.steps if s.question.id not in computed]
    reaching = {q: analysis.reaching(q) for q in questions}
    sequences: set[tuple[str, ...]] = set()
    shown: set[str] = set()
    for result, valid, through in walks:
        for q in questions:  # exact on every response, valid or not
            assert holds(reaching[q], result.response, plan.parts) == (q in result.ids), (
                q,
                analysis.reaching_source(q),
                result.response,
            )
        shown.update(valid)
        if through:
            sequences.add(result.ids)
    counted = count_paths(analysis)
    found = findings(analysis)
    hidden = {q for f in found if f.kind in NEVER_SHOWN for q in f.questions} - computed
    stuck = {f.question for f in found if f.kind == "unmeetable"}
    undecided = {q for f in found if f.kind in UNDECIDED for q in f.questions}
    never = set(questions) - shown
    event(f"exact: {counted.exact}")
    event(f"paths: {min(len(sequences), 5)}")
    assert counted.exact, counted.reason  # every domain here is finite
    assert not undecided
    assert counted.count == len(sequences)
    assert set(paths(analysis)) == sequences
    assert hidden == never
    assert stuck <= shown
    for q in questions:
        source = analysis.reaching_source(q)
        position = plan.position_of(q)
        assert analysis.logic.condition(parse(source)) == analysis.shown[position], source


# --------------------------------------------------------------------------- examples


def _findings(text: str) -> tuple[Analysis, list[Finding]]:
    analysis = analyse(plan_of_yaml(text))
    return analysis, findings(analysis)


HEAD = """
qdef: 1
id: t
title: T
language: en
"""


def test_a_hidden_variable_is_a_free_input_and_never_absent_with_a_default() -> None:
    analysis, found = _findings(
        HEAD
        + """
hidden:
  - {id: region, type: choice, default: north,
     options: [{code: north, label: N}, {code: south, label: S}]}
  - {id: wave, type: number, kind: integer, min: 1, max: 3}
sections:
  - id: s
    questions:
      - {id: q1, type: text, text: Q1, when: 'region == "south"'}
      - {id: q2, type: text, text: Q2, when: 'region == "north" or region == "south"'}
      - {id: q3, type: text, text: Q3, when: 'wave > 3'}
      - {id: q4, type: text, text: Q4, when: 'not answered(wave)'}
"""
    )
    assert analysis.reaching_source("q1") == 'region == "south"'
    assert analysis.reaching_source("q2") == "true"  # region always has a value
    assert analysis.witness("q1") == {"region": "south"}
    kinds = {(f.kind, f.question) for f in found}
    assert ("unreachable", "q3") in kinds  # wave is at most 3
    assert ("always-true", "q2") in kinds
    assert not {q for k, q in kinds if q in ("q1", "q4")}  # wave has no default


def test_a_computed_value_over_bounded_answers_is_decided_exactly() -> None:
    analysis, found = _findings(
        HEAD
        + """
sections:
  - id: s
    questions:
      - {id: members, type: number, kind: integer, min: 1, max: 6, text: M, required: true}
      - id: adults
        type: number
        kind: integer
        min: 0
        max: 6
        text: A
        rules: [{check: adults <= members, message: Too many.}]
      - {id: children, type: computed, value: members - adults}
      - {id: school, type: text, text: S, when: children > 0}
      - {id: crowd, type: text, text: C, when: children > 6}
      - {id: negative, type: text, text: N, when: children < 0}
      - {id: big, type: text, text: B, when: members + adults > 11}
"""
    )
    assert analysis.reaching_source("school") == "children >= 1"
    kinds = {(f.kind, f.question) for f in found}
    assert ("unreachable", "crowd") in kinds  # members is at most 6
    assert ("unreachable", "negative") in kinds  # the rule: adults <= members
    assert ("unreachable", "big") not in kinds  # members 6, adults 6 is allowed by bounds
    assert not [f for f in found if f.kind in UNDECIDED]
    example = analysis.witness("school")
    assert example is not None and example["children"] > 0
    assert count_paths(analysis).exact


def test_arithmetic_on_unbounded_answers_is_undecided_with_the_reason() -> None:
    analysis, found = _findings(
        HEAD
        + """
sections:
  - id: s
    questions:
      - {id: a, type: number, text: A}
      - {id: b, type: number, text: B}
      - {id: both, type: text, text: X, when: a * 2 > 10 and a * 2 < 11 and b + a == 0.25}
      - {id: easy, type: text, text: E, when: a + b > 1000}
"""
    )
    undecided = [f for f in found if f.kind in UNDECIDED]
    assert [f.question for f in undecided] == ["both"]
    assert undecided[0].code == "QD607"
    assert "a number without bounds" in undecided[0].message
    assert "`a * 2 > 10`" in undecided[0].message
    example = analysis.witness("easy")  # found by search, checked by walking
    assert example is not None and example["a"] + example["b"] > 1000
    counted = count_paths(analysis)
    assert not counted.exact and "values qdef cannot enumerate" in counted.reason
    for question in ("both", "easy"):  # printed as written, and read back the same
        source = analysis.reaching_source(question)
        position = analysis.plan.position_of(question)
        assert analysis.logic.condition(parse(source)) == analysis.shown[position], source
    assert analysis.reaching_source("easy") == "a + b > 1000"


def test_a_question_whose_options_are_never_offered_is_never_shown() -> None:
    analysis, found = _findings(
        HEAD
        + """
sections:
  - id: s
    questions:
      - id: transport
        type: multiple
        text: T
        options: [{code: bus, label: Bus}, {code: car, label: Car}]
      - id: main
        type: single
        text: M
        when: not answered(transport)
        filter: {chosen_in: transport}
        options: [{code: bus, label: Bus}, {code: car, label: Car}]
      - id: other
        type: single
        text: O
        filter: {not_chosen_in: transport}
        options: [{code: bus, label: Bus}, {code: car, label: Car}]
"""
    )
    offered = [f for f in found if f.kind == "unoffered"]
    assert [f.question for f in offered] == ["main"]
    assert offered[0].code == "QD611"
    assert "none of its options is ever offered" in offered[0].message
    assert analysis.reaching_source("other") == 'not transport has "car" or not transport has "bus"'


def test_a_chosen_option_was_offered() -> None:
    """The precise pass knows an answer for an option not offered is dropped: a question
    shown only when such an answer was kept is shown on no walk."""
    _, found = _findings(
        HEAD
        + """
sections:
  - id: s
    questions:
      - {id: x, type: single, text: X, options: [{code: a, label: A}, {code: b, label: B}]}
      - id: y
        type: single
        text: Y
        options:
          - {code: a, label: A, when: 'x == "a"'}
          - {code: b, label: B}
      - {id: z, type: text, text: Z, when: 'y == "a" and x == "b"'}
"""
    )
    assert [(f.kind, f.question) for f in found] == [("unreachable", "z")]


def test_a_rule_no_answer_can_meet_is_reported() -> None:
    _, found = _findings(
        HEAD
        + """
sections:
  - id: s
    questions:
      - {id: n, type: number, kind: integer, min: 0, max: 5, text: N}
      - id: m
        type: number
        kind: integer
        min: 0
        max: 5
        text: M
        required: true
        rules:
          - {check: m <= 5, message: Fine.}
          - {check: m + n > 10, message: Never.}
      - {id: after, type: text, text: After}
"""
    )
    rules = [f for f in found if f.kind == "unmeetable"]
    assert [(f.question, f.path[-2:]) for f in rules] == [("m", (1, "check"))]
    assert rules[0].code == "QD612"
    assert "cannot go on" in rules[0].message
    assert not [f for f in found if f.question == "m" and f.kind != "unmeetable"]


def test_a_piped_value_that_may_be_absent_where_its_text_is_shown_is_reported() -> None:
    """SPEC18 §1, "Fallback rule": validate accepts a required question's answer and a
    computed value without fallback; the analysis proves they are there."""
    _, found = _findings(
        HEAD
        + """
hidden:
  - {id: region, type: choice, default: north,
     options: [{code: north, label: N}, {code: south, label: S}]}
sections:
  - id: s
    questions:
      - {id: members, type: number, kind: integer, min: 1, max: 9, required: true, text: M}
      - {id: adults, type: number, kind: integer, min: 0, max: 9, text: A}
      - {id: children, type: computed, value: members - adults}
      - {id: pet, type: single, required: true, when: 'region == "south"', text: P,
         options: [{code: y, label: "yes"}, {code: n, label: "no"}]}
      - {id: fine, type: text, text: "{members} people in {region}", when: answered(adults)}
      - {id: kids, type: text, text: "Your {children} children", when: answered(adults)}
      - {id: kids2, type: text, text: "Your {children} children"}
      - {id: pets, type: text, text: "Pets: {pet}"}
      - {id: pets2, type: text, text: "Pets: {pet}", when: 'region == "south"'}
"""
    )
    piped = [f for f in found if f.kind == "piped-absent"]
    assert [(f.question, f.path) for f in piped] == [
        ("kids2", ("sections", 0, "questions", 6, "text")),
        ("pets", ("sections", 0, "questions", 7, "text")),
    ]
    assert all(f.code == "QD613" for f in piped)
    assert "'children' may be absent" in piped[0].message
    assert "region='north'" in piped[1].message  # the respondent: pet is never asked
    assert "shown 1, 2, 6, 7)" in piped[1].message


def test_a_computed_value_is_no_stop_on_a_path_nor_in_the_graph() -> None:
    from qdef.routing.graph import edges, nodes  # noqa: PLC0415

    analysis = analyse(
        plan_of_yaml(
            HEAD
            + """
sections:
  - id: s
    questions:
      - {id: a, type: number, kind: integer, min: 0, max: 3, text: A}
      - {id: twice, type: computed, value: a * 2}
      - {id: b, type: text, text: B, when: twice >= 4}
      - {id: c, type: text, text: C}
"""
        )
    )
    assert analysis.reaching_source("b") == "twice >= 4"
    assert sorted(paths(analysis)) == [("a", "b", "c"), ("a", "c")]
    assert count_paths(analysis).count == 2
    assert [n.question for n in nodes(analysis)] == ["a", "b", "c"]
    solid = {(e.source, e.target) for e in edges(analysis) if not e.passed}
    assert (0, 2) in solid  # a -> b passes only the computed value: no question skipped
    assert (0, 3) not in solid  # a -> c skips b


@given(featured_instruments(max_questions=4, bounded=False))
def test_what_qdef_cannot_enumerate_is_undecided_never_wrong(data: dict[str, Any]) -> None:
    """Numbers without an upper bound: brute force walks only some of their values, so
    it checks what the analysis claims, not that it claims everything: reaching
    conditions are exact on every walk, a question claimed never shown is shown on none,
    and a question some walk shows is never claimed never shown."""
    plan = plan_of(data)
    walks = _walks(plan, limit=3_000)
    assume(walks is not None)
    assert walks is not None
    note(yaml.safe_dump(data, sort_keys=False))
    analysis = analyse(plan)
    computed = {plan.steps[p].question.id for p in analysis.computing}
    questions = [s.question.id for s in plan.steps if s.question.id not in computed]
    found = findings(analysis)
    hidden = {q for f in found if f.kind in NEVER_SHOWN for q in f.questions}
    shown: set[str] = set()
    for result, valid, _ in walks:
        shown.update(valid)
        for q in questions:
            assert holds(analysis.reaching(q), result.response, plan.parts) == (q in result.ids), (
                q,
                analysis.reaching_source(q),
                result.response,
            )
    assert not hidden & shown
    undecided = [f for f in found if f.kind in UNDECIDED]
    event(f"undecided: {bool(undecided)}")
    for finding in undecided:  # the reason names what qdef cannot enumerate
        assert finding.code == "QD607" or "comparing answers" in finding.message


def test_computed_truth_and_text_values() -> None:
    analysis, found = _findings(
        HEAD
        + """
sections:
  - id: s
    questions:
      - {id: age, type: number, kind: integer, min: 0, max: 120, text: Age}
      - {id: adult, type: computed, value: age >= 18}
      - {id: group, type: computed, value: 'if(age < 65, "young", "old")'}
      - {id: vote, type: text, text: V, when: adult}
      - {id: kid, type: text, text: K, when: not adult}
      - {id: senior, type: text, text: S, when: 'group == "old" and not adult'}
"""
    )
    assert analysis.reaching_source("vote") == "adult"
    assert found == []
    # "old" and not adult: only when age is unanswered (age >= 18 is then false and
    # age < 65 too), which the analysis knows exactly
    example = analysis.witness("senior")
    assert example is not None and "age" not in example
    assert example["adult"] is False and example["group"] == "old"
