"""The routing analysis of issue 19's features: rankings (``has``, ``selected_count``,
``rank``), number lists (fields, the total checked like a rule), dual-scale matrix
cells, a number's ``step`` grid, aggregates over rosters (undecided, with the reason),
and rosters analysed for one iteration, symbolically.

The plans are built here as SPEC19 §2 says ``compile_plan`` builds them (variables,
``Step.total``, ``Step.roster``, ``Plan.rosters``; expressions the semantic checks
resolve given as syntax trees), so these tests pin the analysis on its own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from qdef.expr import parse
from qdef.expr.nodes import Call, Compare, Expr, Literal, Over, Ref
from qdef.expr.template import Template, has_braces, parse_template
from qdef.model import Instrument
from qdef.model.symbols import QuestionEntry, Symbols
from qdef.routing import Analysis, analyse_plan, count_paths
from qdef.routing.plan import Plan, Roster, Step, VarInfo, compile_plan
from qdef.routing.verdicts import Finding
from qdef.source.positions import KeyPath


def _symbols(instrument: Instrument) -> Symbols:
    entries: list[QuestionEntry] = []
    positions: dict[str, int] = {}
    for s, section in enumerate(instrument.sections):
        for q, question in enumerate(section.questions):
            entries.append(QuestionEntry(question, s, len(entries), ("sections", s, "questions", q)))
            positions.setdefault(question.id, len(entries) - 1)
    return Symbols(tuple(entries), {}, positions)


def plan_of(text: str, trees: dict[KeyPath, Expr] | None = None) -> Plan:
    """The plan of ``text`` with the variables, totals and rosters of SPEC19 §2;
    ``trees``: the expressions at those key paths, as the semantic checks give them."""
    instrument = Instrument.model_validate(yaml.safe_load(text))
    symbols = _symbols(instrument)
    plan = compile_plan(instrument, symbols, trees or {})
    variables = dict(plan.variables)
    groups = dict(plan.groups)
    steps: list[Step] = []
    rosters: dict[str, Roster] = {}
    for s, section in enumerate(instrument.sections):
        members = [e.position for e in symbols.entries if e.section_index == s]
        if section.repeat is None or not members:
            continue
        repeat = section.repeat
        source = repeat.for_each or repeat.times
        assert source is not None
        info = variables.get(source)
        slots: tuple[str | int, ...]
        if repeat.times is not None:
            kind, slots = "times", tuple(range(1, (repeat.max or 1) + 1))
        elif info is not None and info.kind == "choices":
            kind, slots = "choices", info.codes
        else:
            kind, slots = "textlist", plan.parts(source)
        rosters[section.id] = Roster(
            section.id, repeat.item, source, kind, slots, members[0], members[-1] + 1
        )
    roster_at = {p: r.id for r in rosters.values() for p in range(r.start, r.stop)}
    for step in plan.steps:
        question = step.question
        found: list[VarInfo] = []
        total: Expr | None = None
        if question.type == "ranking":
            codes = tuple(o.code for o in question.options)
            found.append(VarInfo(question.id, "ranking", question.id, step.position, codes, question))
        elif question.type == "numbers":
            for f in question.fields:
                found.append(VarInfo(f"{question.id}.{f.code}", "number", question.id, step.position, (), f))
            refs = tuple(Ref(f"{question.id}.{f.code}") for f in question.fields)
            if question.total is not None:
                equals = question.total.equals
                op, limit = ("==", equals) if equals is not None else ("<=", question.total.at_most)
                assert limit is not None
                total = Compare(op, Call("sum", refs), Literal(limit))
        elif question.type == "dualmatrix":
            for row in question.rows:
                for scale in question.scales:
                    codes = tuple(c.code for c in scale.columns)
                    name = f"{question.id}.{row.code}.{scale.code}"
                    found.append(VarInfo(name, "choice", question.id, step.position, codes, row))
        roster = roster_at.get(step.position)
        if roster is not None:
            found = [v._replace(roster=roster) for v in found]
            for name in step.variables:
                variables[name] = variables[name]._replace(roster=roster)
        for v in found:
            variables[v.name] = v
        if found and question.type != "ranking":
            groups[question.id] = tuple(v.name for v in found)
        names = step.variables + tuple(v.name for v in found)
        steps.append(dataclasses.replace(step, variables=names, total=total, roster=roster))
    for roster in rosters.values():
        variables[roster.item] = VarInfo(
            roster.item, "text", roster.id, roster.start, (), None, None, roster.id
        )
    return dataclasses.replace(
        plan, steps=tuple(steps), variables=variables, groups=groups, rosters=rosters
    )


def _templates(plan: Plan) -> dict[KeyPath, Template]:
    """The piped texts of the questions' ``text`` and the sections' titles."""
    found: dict[KeyPath, Template] = {}
    for s, section in enumerate(plan.instrument.sections):
        if isinstance(section.title, str) and has_braces(section.title):
            found[("sections", s, "title")] = parse_template(section.title)
    for entry in plan.symbols.entries:
        text = getattr(entry.question, "text", None)
        if isinstance(text, str) and has_braces(text):
            found[(*entry.path, "text")] = parse_template(text)
    return found


def _analyse(plan: Plan) -> Analysis:
    return analyse_plan(plan, templates=_templates(plan))


def _analysis(text: str, trees: dict[KeyPath, Expr] | None = None) -> Analysis:
    return _analyse(plan_of(text, trees))


def _findings(analysis: Analysis) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in analysis.findings():
        found.setdefault(finding.question, []).append(finding)
    return found


def _kinds(analysis: Analysis) -> dict[str, list[str]]:
    return {q: [f.kind for f in fs] for q, fs in _findings(analysis).items()}


def _when(position: tuple[int, int]) -> KeyPath:
    return ("sections", position[0], "questions", position[1], "when")


HEAD = "qdef: 1\nid: t\ntitle: T\nlanguage: en\nsections:\n"


# --------------------------------------------------------------------------- rankings

RANKING = (
    HEAD
    + """
  - id: s1
    questions:
      - id: prio
        type: ranking
        text: What matters?
        top: 2
        options: [{code: a, label: A}, {code: b, label: B}, {code: c, label: C}]
      - {id: first_a, type: text, text: x, when: "true"}
      - {id: has_a, type: text, text: x, when: prio has "a"}
      - {id: three, type: text, text: x, when: "true"}
      - {id: two, type: text, text: x, when: "true"}
"""
)


def _rank(code: str) -> Expr:
    return Call("rank", (Ref("prio"), Literal(code)))


def test_a_ranking_is_chosen_items_with_at_most_top_of_them() -> None:
    trees = {
        _when((0, 1)): Compare("==", _rank("a"), Literal(1)),
        _when((0, 3)): parse("selected_count(prio) >= 3"),  # top: 2, never
        _when((0, 4)): parse("selected_count(prio) == 2"),
    }
    analysis = _analysis(RANKING, trees)
    kinds = _kinds(analysis)
    assert kinds.get("three") == ["unreachable"]
    assert "two" not in kinds and "has_a" not in kinds and "first_a" not in kinds
    witness = analysis.witness("first_a")
    assert witness is not None and witness["prio"][0] == "a"
    assert count_paths(analysis).exact


def test_ranks_are_one_to_m_each_once() -> None:
    trees = {
        _when((0, 1)): parse("true"),
        _when((0, 2)): Compare("==", _rank("b"), Literal(2)),  # needs some item ranked 1
        _when((0, 3)): Compare("==", _rank("c"), Literal(3)),  # top: 2, never
        _when((0, 4)): parse("true"),
    }
    plan = plan_of(RANKING.replace('when: prio has "a"', 'when: prio has "a"'), trees)
    analysis = _analyse(plan)
    assert _kinds(analysis).get("three") == ["unreachable"]
    witness = analysis.witness("has_a")
    assert witness is not None and len(witness["prio"]) == 2 and witness["prio"][1] == "b"


def test_the_rank_of_an_item_not_written_as_a_code_is_undecided_with_the_reason() -> None:
    other = Call("rank", (Ref("prio"), Ref("first_a")))
    trees = {_when((0, 2)): Compare("==", other, Literal(1))}
    analysis = _analysis(RANKING, trees)
    kinds = _kinds(analysis)
    assert kinds.get("has_a") == ["undecided"]
    message = _findings(analysis)["has_a"][0].message
    assert "qdef decides ranks only of an item written as a code" in message


# --------------------------------------------------------------------------- number lists

NUMBERS = (
    HEAD
    + """
  - id: s1
    questions:
      - id: hours
        type: numbers
        text: Hours
        fields:
          - {code: work, label: Work, kind: integer, min: 0, max: 10}
          - {code: care, label: Care, kind: integer, min: 0, max: 10}
        total: {at_most: 12}
      - {id: lots, type: text, text: x, when: hours.work > 5}
      - {id: too_much, type: text, text: x, when: hours.work + hours.care > 12}
      - {id: most, type: text, text: x, when: hours.work + hours.care == 12}
"""
)


def test_a_number_lists_total_is_checked_like_a_rule() -> None:
    analysis = _analysis(NUMBERS)
    kinds = _kinds(analysis)
    assert kinds.get("too_much") == ["unreachable"]  # the total forbids it
    assert "lots" not in kinds and "most" not in kinds
    witness = analysis.witness("most")
    assert witness is not None and witness["hours.work"] + witness["hours.care"] == 12


def test_a_total_no_answer_can_meet_is_reported_at_the_total() -> None:
    text = NUMBERS.replace("total: {at_most: 12}", "total: {equals: 30}")
    found = _findings(_analysis(text))["hours"]
    assert [f.kind for f in found] == ["unmeetable"]
    assert found[0].path == ("sections", 0, "questions", 0, "total")


# --------------------------------------------------------------------------- dual matrix, step

DUAL = (
    HEAD
    + """
  - id: s1
    questions:
      - id: serv
        type: dualmatrix
        text: Imp and sat
        scales:
          - {code: imp, label: I, columns: [{code: "1", label: Low}, {code: "2", label: High}]}
          - {code: sat, label: S, columns: [{code: "1", label: Low}, {code: "2", label: High}]}
        rows: [{code: bus, label: Bus}, {code: train, label: Train}]
      - id: slide
        type: number
        kind: integer
        min: 0
        max: 10
        step: 5
        widget: slider
        text: Slide
      - {id: q1, type: text, text: x, when: serv.bus.imp == "2" and serv.bus.sat == "1"}
      - {id: q2, type: text, text: x, when: slide > 0 and slide < 5}
      - {id: q3, type: text, text: x, when: slide > 5 and slide < 10}
      - {id: q4, type: text, text: x, when: slide > 2 and slide < 7}
"""
)


def test_dual_matrix_cells_are_choices_and_a_step_is_a_grid() -> None:
    analysis = _analysis(DUAL)
    kinds = _kinds(analysis)
    assert "q1" not in kinds
    assert kinds.get("q2") == ["unreachable"] and kinds.get("q3") == ["unreachable"]
    assert "q4" not in kinds
    witness = analysis.witness("q4")
    assert witness is not None and witness["slide"] == 5
    assert analysis.witness("q1") is not None


# --------------------------------------------------------------------------- rosters

ROSTER = (
    HEAD
    + """
  - id: s1
    questions:
      - id: names
        type: textlist
        text: Who lives here?
        fields: [{code: p1, label: "1."}, {code: p2, label: "2."}, {code: p3, label: "3."}]
      - id: cars
        type: multiple
        text: Vehicles
        options: [{code: car, label: Car}, {code: bike, label: Bike}]
  - id: persons
    title: "Person: {person}"
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, kind: integer, min: 0, max: 120, text: "How old is {person}?"}
      - id: works
        type: single
        when: age >= 15
        text: "Does {person} work?"
        options: [{code: "yes", label: "Yes"}, {code: "no", label: "No", goto: p_end}]
      - {id: job, type: text, text: "Job?", when: works == "yes"}
      - {id: child_job, type: text, text: "?", when: age < 15 and works == "yes"}
      - {id: hobby, type: text, text: "?"}
      - {id: p_end, type: text, text: "end of person"}
  - id: vehicles
    repeat: {for_each: cars, item: vehicle}
    questions:
      - {id: v_age, type: number, kind: integer, min: 0, max: 50, text: "Age of {vehicle}?"}
      - {id: v_bike, type: text, text: "?", when: vehicle == "bike" and v_age > 2}
  - id: s3
    questions:
      - {id: adults, type: text, text: "x", when: "true"}
      - {id: after, type: text, text: "x", when: "true"}
"""
)


def _roster_trees() -> dict[KeyPath, Expr]:
    return {
        _when((3, 0)): Over("any", "persons", parse("age >= 18")),
        _when((3, 1)): Compare(">=", Over("count", "persons", Ref("age")), Literal(2)),
    }


def test_a_roster_is_analysed_for_one_iteration_symbolically() -> None:
    analysis = _analysis(ROSTER, _roster_trees())
    kinds = _kinds(analysis)
    assert kinds.get("child_job") == ["unreachable"]  # inside one iteration, age < 15 hides works
    for question in ("age", "works", "job", "hobby", "p_end", "v_age", "v_bike"):
        assert question not in kinds, (question, kinds.get(question))
    # shown only when the source has an item
    assert "names" in analysis.reaching_source("age")
    assert analysis.reaching_source("v_age") == "answered(cars)"


def test_a_roster_iteration_is_an_example_with_a_record() -> None:
    analysis = _analysis(ROSTER, _roster_trees())
    job = analysis.witness("job")
    assert job is not None
    records = job["persons"]
    assert records[-1]["works"] == "yes" and records[-1]["age"] >= 15
    bike = analysis.witness("v_bike")
    assert bike is not None and "bike" in bike["cars"]
    index = [c for c in ("car", "bike") if c in bike["cars"]].index("bike")
    assert bike["vehicles"][index]["v_age"] > 2


def test_aggregates_over_a_roster_are_undecided_with_the_reason() -> None:
    analysis = _analysis(ROSTER, _roster_trees())
    found = _findings(analysis)
    assert [f.kind for f in found["adults"]] == ["undecided"]
    assert "aggregates the iterations of roster 'persons'" in found["adults"][0].message
    counted = count_paths(analysis)
    assert not counted.exact and "roster 'persons'" in counted.reason


def test_a_times_roster_item_is_at_most_the_number() -> None:
    text = (
        HEAD
        + """
  - id: s1
    questions:
      - {id: n, type: number, kind: integer, min: 0, max: 3, text: "How many?"}
  - id: kids
    repeat: {times: n, max: 3, item: child}
    questions:
      - {id: k_age, type: number, kind: integer, min: 0, max: 20, text: "Age of child {child}?"}
      - {id: third, type: text, text: x, when: child == 3}
      - {id: fourth, type: text, text: x, when: child > 3}
"""
    )
    plan = plan_of(text)
    variables = dict(plan.variables)
    variables["child"] = variables["child"]._replace(kind="number")
    analysis = _analyse(dataclasses.replace(plan, variables=variables))
    kinds = _kinds(analysis)
    assert kinds.get("fourth") == ["unreachable"]
    assert "third" not in kinds
    third = analysis.witness("third")
    assert third is not None and third["n"] == 3 and len(third["kids"]) == 3


def _unused(*_: Any) -> None:  # pragma: no cover
    """(keeps imports that only type hints use)"""
