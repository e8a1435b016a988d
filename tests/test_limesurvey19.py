"""The ``limesurvey`` renderer and issue 19: rankings, number lists, dual-scale
matrices, sliders and buttons, random order (docs/limesurvey.md).

The file is checked as every .lss is (tests/test_limesurvey.py ``check_structure``);
the equations the renderer writes for the new variables, and those LimeSurvey
itself makes of the attributes it writes (the sum of a multiple numerical input),
are run by tests/lsexpr.py and must decide as qdef's semantics (SPEC19 §1) do.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qdef
from qdef.errors import LocatedRenderError
from qdef.expr import Answered, Call, Compare, Has, Literal, Piece, Ref
from qdef.renderers.limesurvey.lowering import _Lowering
from qdef.renderers.limesurvey.piping import Piping
from qdef.renderers.limesurvey.values import ValueCompiler
from qdef.routing import walk
from qdef.testing import respondents
from qdef.testing.instrument_gen import ALL_FEATURES, instruments
from tests import lsexpr
from tests.test_limesurvey import Lss, check_respondent, check_structure, ls_answers, lss_of

FEATURES = """
qdef: 1
id: features
title: Features
language: en
sections:
  - id: s1
    title: "One"
    questions:
      - id: vehicles
        type: multiple
        text: "Which vehicles?"
        options:
          - {code: car, label: "Car"}
          - {code: bike, label: "Bike"}
          - {code: bus, label: "Bus"}
      - id: priorities
        type: ranking
        text: "What matters most?"
        top: 2
        required: true
        options:
          - {code: price, label: "Price"}
          - {code: speed, label: "Speed"}
          - {code: comfort, label: "Comfort"}
      - id: used
        type: ranking
        text: "Rank the vehicles you own"
        required: true
        filter: {chosen_in: vehicles}
        options:
          - {code: car, label: "Car"}
          - {code: bike, label: "Bike"}
          - {code: bus, label: "Bus"}
      - id: hours
        type: numbers
        text: "Hours per week"
        fields:
          - {code: work, label: "Work", min: 0, max: 100}
          - {code: care, label: "Care", min: 0, max: 80}
        total: {at_most: 168}
      - id: shares
        type: numbers
        text: "Shares"
        fields:
          - {code: a, label: A, min: 0, max: 100}
          - {code: b, label: B, min: 0, max: 100}
        total: {equals: 100}
      - id: services
        type: dualmatrix
        text: "Importance and satisfaction"
        scales:
          - code: imp
            label: "Importance"
            columns:
              - {code: "1", label: "Low"}
              - {code: "2", label: "High"}
          - code: sat
            label: "Satisfaction"
            columns:
              - {code: "1", label: "Low"}
              - {code: "2", label: "High"}
        rows: [{code: bus, label: Bus}, {code: train, label: "Train"}]
      - id: n
        type: number
        min: 0
        max: 6
        widget: slider
        text: "How many?"
      - id: rate
        type: single
        widget: buttons
        text: "Rate"
        options: [{code: "1", label: "1"}, {code: "2", label: "2"}, {code: "3", label: "3"}]
"""


def features() -> qdef.Instrument:
    return qdef.loads(FEATURES)


@pytest.fixture(scope="module")
def rendered() -> tuple[Lss, dict[str, Any]]:
    return lss_of(features())


def _question(lss: Lss, code: str) -> Any:
    return next(q for q in lss.questions if q.code == code)


def test_the_new_kinds_give_a_complete_file(rendered: tuple[Lss, dict[str, Any]]) -> None:
    lss, mapping = rendered
    check_structure(features(), lss)
    types = {q.code: q.type for q in lss.questions}
    assert types == {
        "vehicles": "M",
        "priorities": "R",
        "used": "R",
        "hours": "K",
        "shares": "K",
        "services": "1",
        "n": "K",
        "rate": "L",
    }
    priorities = _question(lss, "priorities")
    assert [a["code"] for a in priorities.answers] == ["price", "speed", "comfo"]
    assert priorities.attributes["max_answers"] == "2"
    assert priorities.attributes["min_answers"] == "2"  # required: the top 2
    assert mapping["variables"]["priorities"]["ranks"] == [
        "priorities_1",
        "priorities_2",
        "priorities_3",
    ]
    used = _question(lss, "used")  # filtered: the source's subquestion codes as answers
    assert used.attributes["array_filter"] == "vehicles"
    assert [a["code"] for a in used.answers] == [
        s["title"] for s in _question(lss, "vehicles").subquestions
    ]
    services = _question(lss, "services")
    assert [(a["code"], a["scale_id"]) for a in services.answers] == [
        ("1", "0"),
        ("2", "0"),
        ("1", "1"),
        ("2", "1"),
    ]
    assert services.attributes["dualscale_headerA"] == "Importance"
    assert services.attributes["dualscale_headerB"] == "Satisfaction"
    assert mapping["variables"]["services.train.sat"]["variable"] == "services_train_1"
    slider = _question(lss, "n")
    assert slider.attributes["slider_layout"] == "1"
    assert (slider.attributes["slider_min"], slider.attributes["slider_max"]) == ("0", "6")
    assert "slider_default" not in slider.attributes  # starts unanswered
    assert mapping["variables"]["n"]["variable"] == "n_SQ001"
    (rate,) = [q for q in lss.tables["questions"] if q["title"] == "rate"]
    assert rate["question_theme_name"] == "bootstrap_buttons"
    assert all("question_theme_name" not in q for q in lss.tables["questions"] if q is not rate)


# ---------------------------------------------------------------------- rankings


RANKINGS = [
    list(order)
    for size in range(4)
    for order in itertools.permutations(["price", "speed", "comfort"], size)
]


def _compiler() -> tuple[ValueCompiler, Piping]:
    lowering = _Lowering(qdef.compile(features()))  # type: ignore[arg-type]
    lowering.survey()
    compiler = ValueCompiler(lowering.slots)
    return compiler, Piping(compiler, lowering.labels())


def _ls(ranking: list[str]) -> dict[str, str]:
    mapping = qdef_map()
    return ls_answers(mapping, {"priorities": ranking} if ranking else {})


def qdef_map() -> dict[str, Any]:
    from qdef.renderers.limesurvey import code_map  # noqa: PLC0415

    return code_map(features())


def _rank(ranking: list[str], code: str) -> int | None:
    return ranking.index(code) + 1 if code in ranking else None


@pytest.mark.parametrize("ranking", RANKINGS, ids=lambda r: "-".join(r) or "none")
def test_ranking_conditions_decide_as_qdef(ranking: list[str]) -> None:
    """``has``, ``answered``, ``selected_count`` and ``rank`` of a ranking (SPEC19 §1.1),
    compiled and run by lsexpr on LimeSurvey's rank variables, against the rules."""
    compiler, _ = _compiler()
    values = _ls(ranking)
    ref = Ref("priorities")
    for code in ("price", "speed", "comfort"):
        assert lsexpr.holds(compiler.compile(Has(ref, Literal(code))), values) == (code in ranking)
        for r in (1, 2, 3):
            rank = Compare("==", Call("rank", (ref, Literal(code))), Literal(r))
            assert lsexpr.holds(compiler.compile(rank), values) == (_rank(ranking, code) == r)
        absent = Compare("!=", Call("rank", (ref, Literal(code))), Literal(1))
        assert lsexpr.holds(compiler.compile(absent), values) == (_rank(ranking, code) != 1)
    assert lsexpr.holds(compiler.compile(Answered(ref)), values) == bool(ranking)
    for count in range(4):
        selected = Compare("==", Call("selected_count", (ref,)), Literal(count))
        assert lsexpr.holds(compiler.compile(selected), values) == (len(ranking) == count)


@pytest.mark.parametrize("ranking", RANKINGS, ids=lambda r: "-".join(r) or "none")
def test_a_piped_ranking_shows_the_labels_in_rank_order(ranking: list[str]) -> None:
    _, piping = _compiler()
    labels = {"price": "Price", "speed": "Speed", "comfort": "Comfort"}
    piece = piping.piece(Piece(Ref("priorities"), "priorities", "none", 0, 0, 0), "en")
    assert piece.startswith("{") and piece.endswith("}")
    shown = lsexpr.evaluate(lsexpr.parse(piece[1:-1]), _ls(ranking))
    assert shown == (", ".join(labels[c] for c in ranking) or "none")


@pytest.mark.parametrize("chosen", [[], ["car"], ["car", "bus"], ["car", "bike", "bus"]])
def test_a_required_filtered_ranking_asks_for_every_item_offered(
    rendered: tuple[Lss, dict[str, Any]], chosen: list[str]
) -> None:
    """Complete = min(k, items offered) ranks (SPEC19 §1.1)."""
    lss, mapping = rendered
    equation = _question(lss, "used").attributes["em_validation_q"]
    for size in range(len(chosen) + 1):
        ranking = chosen[:size]
        values = ls_answers(mapping, {"vehicles": chosen} | ({"used": ranking} if size else {}))
        assert lsexpr.holds(equation, values) == (size >= len(chosen)), (chosen, ranking)


# ---------------------------------------------------------------------- number lists


def _sum_equation(question: Any, names: list[str]) -> str:
    """The equation LimeSurvey's expression manager makes of a multiple numerical
    input's sum attributes (``em_manager_helper.php``, LimeSurvey 6: ``equals_num_value``
    and ``max_num_value``, the no-answer option with ``value_range_allows_missing`` on a
    question that is not mandatory), written with ``or`` for its ``||``."""
    attributes = question.attributes
    fields = ", ".join(f"{n}.NAOK" for n in names)
    missing = (
        f" or count({fields}) == 0"
        if attributes.get("value_range_allows_missing") == "1" and question.mandatory != "Y"
        else ""
    )
    if "equals_num_value" in attributes:
        return f"(sum({fields}) == ({attributes['equals_num_value']}){missing})"
    return f"(sum({fields}) <= ({attributes['max_num_value']}){missing})"


CELLS = [None, 0, 30, 50, 70, 100]


@pytest.mark.parametrize("code", ["hours", "shares"])
def test_a_totals_check_in_limesurvey_is_qdefs(
    rendered: tuple[Lss, dict[str, Any]], code: str
) -> None:
    """The total holds, or no field is answered (blanks count 0), exactly where
    LimeSurvey's own sum check passes."""
    lss, mapping = rendered
    question = _question(lss, code)
    total = next(q for _, q in features().questions() if q.id == code).total
    assert total is not None
    fields = [f"{code}.work", f"{code}.care"] if code == "hours" else [f"{code}.a", f"{code}.b"]
    names = [mapping["variables"][f]["variable"] for f in fields]
    equation = _sum_equation(question, names)
    for a, b in itertools.product(CELLS, CELLS):
        response = {f: v for f, v in zip(fields, (a, b), strict=True) if v is not None}
        answered = [v for v in (a, b) if v is not None]
        total_of = sum(answered)
        expected = not answered or (
            total_of == total.equals if total.equals is not None else total_of <= total.at_most
        )
        assert lsexpr.holds(equation, ls_answers(mapping, response)) == expected, response


def test_lsexpr_sums_the_numbers_only() -> None:
    assert lsexpr.evaluate(lsexpr.parse('sum("", 2, "3.5")'), {}) == Decimal("5.5")


def test_differing_field_bounds_become_one_equation_per_field() -> None:
    instrument = qdef.loads(FEATURES.replace("max: 80}", "max: 80, kind: decimal}"))
    lss, mapping = lss_of(instrument)
    hours = _question(lss, "hours")
    assert hours.attributes["min_num_value_n"] == "0"  # the same for both
    assert "max_num_value_n" not in hours.attributes
    equation = hours.attributes["em_validation_q"]
    for work, care in itertools.product([None, 7, 100, 101], [None, 2, 80, 81, 2.5]):
        response = {k: v for k, v in (("hours.work", work), ("hours.care", care)) if v is not None}
        expected = (work is None or work <= 100) and (care is None or care <= 80)
        assert lsexpr.holds(equation, ls_answers(mapping, response)) == expected, response


# ---------------------------------------------------------------------- refusals


def test_a_ranking_item_with_a_condition_is_refused_at_its_place() -> None:
    text = FEATURES.replace(
        '- {code: speed, label: "Speed"}',
        '- {code: speed, label: "Speed", when: vehicles has "car"}',
    )
    with pytest.raises(LocatedRenderError) as raised:
        lss_of(qdef.loads(text))
    assert raised.value.code.value == "QD803"
    assert "item 'speed' of the ranking 'priorities'" in str(raised.value)


# ---------------------------------------------------------------------- steps


@pytest.mark.parametrize(("start", "step"), [(None, 5), (3, 2), (-4, 3)])
def test_a_step_is_checked_exactly(start: int | None, step: int) -> None:
    bounds = "" if start is None else f", min: {start}"
    lss, mapping = lss_of(
        qdef.loads(
            "qdef: 1\nid: s\ntitle: S\nlanguage: en\nsections:\n  - id: a\n    questions:\n"
            f"      - {{id: n, type: number, text: N, kind: decimal, step: {step}{bounds}}}\n"
        )
    )
    equation = _question(lss, "n").attributes["em_validation_q"]
    origin = start or 0
    for value in [*range(-12, 13), 2.5, -3.5, 7.25]:
        if start is not None and value < start:
            continue
        on_grid = (value - origin) % step == 0
        assert lsexpr.holds(equation, ls_answers(mapping, {"n": value})) == on_grid, value
    assert lsexpr.holds(equation, {})  # unanswered


def test_a_step_expressionscript_cannot_check_exactly_is_refused() -> None:
    with pytest.raises(LocatedRenderError) as raised:
        lss_of(
            qdef.loads(
                "qdef: 1\nid: s\ntitle: S\nlanguage: en\nsections:\n  - id: a\n"
                "    questions:\n"
                "      - {id: n, type: number, text: N, kind: decimal, step: 0.1}\n"
            )
        )
    assert raised.value.code.value == "QD806"
    assert raised.value.path == ("sections", 0, "questions", 0, "step")


# ---------------------------------------------------------------------- random order


def test_random_order_becomes_limesurveys_attributes() -> None:
    text = (
        FEATURES.replace("type: multiple\n", "type: multiple\n        order: random\n")
        .replace("top: 2\n", "top: 2\n        order: random\n")
        .replace("type: dualmatrix\n", "type: dualmatrix\n        order: random\n")
        .replace("widget: buttons\n", "widget: buttons\n        order: random\n")
    )
    lss, _ = lss_of(qdef.loads(text))
    check_structure(qdef.loads(text), lss)
    attributes = {q.code: q.attributes for q in lss.questions}
    assert attributes["vehicles"]["random_order"] == "1"
    assert attributes["services"]["random_order"] == "1"
    assert attributes["priorities"]["answer_order"] == "random"
    assert attributes["rate"]["answer_order"] == "random"
    assert "random_order" not in attributes["hours"] and "answer_order" not in attributes["used"]


def test_a_lists_other_stays_last_but_other_anchors_are_refused() -> None:
    other = (
        "qdef: 1\nid: s\ntitle: S\nlanguage: en\nsections:\n  - id: a\n    questions:\n"
        "      - id: q\n        type: single\n        text: Q\n        order: random\n"
        "        options:\n          - {code: a, label: A}\n          - {code: b, label: B}\n"
        "          - code: other\n            label: Other\n"
        "            specify: [{id: q_other, type: text}]\n"
    )
    lss, _ = lss_of(qdef.loads(other))  # LimeSurvey's own Other: kept last
    assert _question(lss, "q").other == "Y"
    assert _question(lss, "q").attributes["answer_order"] == "random"
    exclusive = (
        "qdef: 1\nid: s\ntitle: S\nlanguage: en\nsections:\n  - id: a\n    questions:\n"
        "      - id: q\n        type: multiple\n        text: Q\n        order: random\n"
        "        options:\n          - {code: a, label: A}\n          - {code: b, label: B}\n"
        "          - {code: none, label: None, exclusive: true}\n"
    )
    with pytest.raises(LocatedRenderError) as raised:
        lss_of(qdef.loads(exclusive))
    assert raised.value.code.value == "QD807"
    assert raised.value.path == ("sections", 0, "questions", 0, "options", 2)
    opted_out = exclusive.replace("exclusive: true}", "exclusive: true, anchor: false}")
    lss, _ = lss_of(qdef.loads(opted_out))
    assert _question(lss, "q").attributes["random_order"] == "1"


SECTION = """
qdef: 1
id: s
title: S
language: en
sections:
  - id: a
    order: random
    questions:
      - {id: intro, type: display, text: Hello, anchor: true}
      - {id: q1, type: text, text: One}
      - {id: q2, type: text, text: Two}
      - {id: q3, type: number, text: Three}
      - {id: c, type: computed, value: "1"}
  - id: b
    questions:
      - {id: q4, type: text, text: Four}
"""


def test_a_random_section_is_a_randomisation_group_of_its_free_questions() -> None:
    lss, _ = lss_of(qdef.loads(SECTION))
    check_structure(qdef.loads(SECTION), lss)
    groups = {q.code: q.attributes.get("random_group") for q in lss.questions}
    assert groups == {
        "intro": None,
        "q1": "section1",
        "q2": "section1",
        "q3": "section1",
        "c": None,
        "q4": None,
    }


def test_a_question_written_as_several_in_a_random_section_is_refused() -> None:
    text = SECTION.replace(
        "- {id: q2, type: text, text: Two}",
        "- {id: q2, type: daterange, text: Two, precision: day}",
    )
    with pytest.raises(LocatedRenderError) as raised:
        lss_of(qdef.loads(text))
    assert raised.value.code.value == "QD807"
    assert raised.value.path == ("sections", 0, "questions", 2)


# ---------------------------------------------------------------------- against the walk


ROUTED = (
    FEATURES
    + """      - id: why
        type: text
        text: Why?
        when: >-
          priorities has "price" and hours.work > 10 and services.bus.imp == "1"
          and selected_count(priorities) == 2 and selected_count(used) >= 1 and n >= 3
"""
)
#: A condition on an item's rank. The relevance is compiled from the routing
#: analysis's normal form of the reaching condition, which (for now) prints
#: ``rank(priorities, "speed") == 1`` as ``priorities has "speed"`` and ``== 2`` as
#: ``not priorities has "speed"`` (qdef.routing.printing, ``describe`` of a rank's
#: domain): LimeSurvey would then show what the walk hides.
RANKED = ROUTED.replace("selected_count(priorities) == 2", 'rank(priorities, "speed") == 1')


def _ranking(codes: list[str], top: int) -> st.SearchStrategy[list[str]]:
    return st.permutations(codes).flatmap(
        lambda order: st.integers(1, top).map(lambda k: list(order[:k]))
    )


_SCALE = st.sampled_from(["1", "2"])
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "vehicles": st.lists(st.sampled_from(["car", "bike", "bus"]), min_size=1, unique=True),
        "priorities": _ranking(["price", "speed", "comfort"], 2),
        "used": _ranking(["car", "bike", "bus"], 3),
        "hours.work": st.integers(0, 100),
        "hours.care": st.integers(0, 80),
        "shares.a": st.integers(0, 100),
        "shares.b": st.integers(0, 100),
        "services.bus.imp": _SCALE,
        "services.bus.sat": _SCALE,
        "services.train.imp": _SCALE,
        "services.train.sat": _SCALE,
        "n": st.integers(0, 6),
        "rate": st.sampled_from(["1", "2", "3"]),
        "why": st.just("because"),
    },
)


@pytest.fixture(scope="module")
def routed() -> tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]]:
    instrument = qdef.loads(ROUTED)
    return instrument, lss_of(instrument)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANSWERS)
def test_limesurvey_shows_and_keeps_what_the_walk_does_with_the_new_kinds(
    routed: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]], answers: dict[str, Any]
) -> None:
    """A condition on a ranking (has, rank, selected_count of a filtered one), a number
    list's field, a dual scale's cell and a slider, run by lsexpr in LimeSurvey's page
    flow, shows what the walk shows; every answer is kept as the walk keeps it."""
    instrument, rendered = routed
    check_respondent(instrument, answers, rendered)


def test_the_routed_question_is_shown_and_hidden_by_the_walk_alike(
    routed: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]],
) -> None:
    instrument, rendered = routed
    shown = {
        "priorities": ["speed", "price"],
        "hours.work": 20,
        "services.bus.imp": "1",
        "vehicles": ["bike"],
        "used": ["bike"],
        "n": 4,
        "why": "because",
    }
    assert "why" in walk(instrument, shown).response  # not vacuous: the walk shows it
    check_respondent(instrument, shown, rendered)
    hidden = shown | {"priorities": ["price"]}
    assert "why" not in walk(instrument, hidden).response
    check_respondent(instrument, hidden, rendered)


def test_a_condition_on_a_rank_shows_what_the_walk_shows() -> None:
    instrument = qdef.loads(RANKED)
    rendered = lss_of(instrument)
    base = {"hours.work": 20, "services.bus.imp": "1", "vehicles": ["bike"]}
    for ranking in (["speed", "price"], ["price", "speed"]):
        answers = base | {"used": ["bike"], "n": 4, "why": "w", "priorities": ranking}
        check_respondent(instrument, answers, rendered)


#: What the renderer refuses of generated instruments, each at its place.
REFUSED = {"QD801", "QD803", "QD804", "QD805", "QD806", "QD807", "QD808"}


@settings(max_examples=30, deadline=None)
@given(st.data(), instruments(features=ALL_FEATURES))
def test_generated_instruments_with_issue_19s_elements_render_or_are_refused_at_a_place(
    data: st.DataObject, instrument: qdef.Instrument
) -> None:
    """Any mix of issue 18's and 19's elements, rosters too: the file is complete and
    LimeSurvey's page flow shows and keeps what the walk does for a generated
    respondent, or the renderer refuses one place with its code."""
    try:
        rendered = lss_of(instrument)
    except LocatedRenderError as refused:
        assert refused.code.value in REFUSED, refused
        return
    check_structure(instrument, rendered[0])
    check_respondent(instrument, data.draw(respondents(instrument)), rendered)


# ---------------------------------------------------------------------- rosters

HOUSEHOLD = """
qdef: 1
id: household
title: Household
language: en
sections:
  - id: a
    questions:
      - id: names
        type: textlist
        text: Who lives here?
        fields: [{code: p1, label: "1."}, {code: p2, label: "2."}, {code: p3, label: "3."}]
      - {id: kids, type: number, min: 0, max: 3, text: Children}
  - id: persons
    when: answered(names)
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, min: 0, max: 120, text: "How old is {person}?"}
      - id: works
        type: single
        when: age >= 15
        text: "Does {person} work?"
        options: [{code: "yes", label: "Yes"}, {code: "no", label: "No"}]
  - id: children
    repeat: {times: kids, max: 3, item: child}
    questions:
      - id: school
        type: single
        when: child >= 2
        text: "Is child {child} at school?"
        options: [{code: "yes", label: "Yes"}, {code: "no", label: "No"}]
  - id: b
    questions:
      - id: adults
        type: text
        when: any(age >= 18) and any(works == "yes")
        text: "{count(age)} people, {sum(age)} years, the oldest {max(age)|none}"
      - {id: older, type: text, when: any(age > 60) or all(age >= 18), text: Older}
      - {id: schooled, type: text, when: 'any(school == "yes")', text: School}
      - {id: n_adults, type: computed, value: "count(age >= 18)"}
      - {id: big, type: text, when: n_adults >= 2, text: Big}
"""

_RECORD = st.fixed_dictionaries(
    {}, optional={"age": st.integers(0, 120), "works": st.sampled_from(["yes", "no"])}
)
HOUSEHOLD_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "names.p1": st.just("Anna"),
        "names.p2": st.just("Ben {x} <b>"),
        "names.p3": st.just("Cem"),
        "kids": st.integers(0, 3),
        "persons": st.lists(_RECORD, max_size=4),
        "children": st.lists(
            st.fixed_dictionaries({}, optional={"school": st.sampled_from(["yes", "no"])}),
            max_size=4,
        ),
        "adults": st.just("a"),
        "older": st.just("o"),
        "schooled": st.just("s"),
        "big": st.just("b"),
    },
)


@pytest.fixture(scope="module")
def household() -> tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]]:
    instrument = qdef.loads(HOUSEHOLD)
    return instrument, lss_of(instrument)


def test_a_roster_is_unrolled_per_slot(
    household: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]],
) -> None:
    instrument, (lss, mapping) = household
    check_structure(instrument, lss)
    codes = [q.code for q in lss.questions]
    assert codes[:8] == [
        "names",
        "kids",
        "agex1",
        "worksx1",
        "agex2",
        "worksx2",
        "agex3",
        "worksx3",
    ]
    assert codes[8:11] == ["schoolx1", "schoolx2", "schoolx3"]
    persons = mapping["rosters"]["persons"]
    assert [c["slot"] for c in persons["copies"]] == ["names.p1", "names.p2", "names.p3"]
    assert persons["copies"][1]["variables"]["age"] == {"variable": "agex2", "kind": "number"}
    assert mapping["rosters"]["children"]["copies"][2]["slot"] == 3


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HOUSEHOLD_ANSWERS)
def test_an_unrolled_roster_shows_and_keeps_what_the_walk_does(
    household: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]], answers: dict[str, Any]
) -> None:
    """Per copy: the iteration exists and its own conditions hold on its answers (the
    item the field's text or the iteration's number); after the roster, any, all,
    count, sum and max over the copies; records read back through the mapping."""
    instrument, rendered = household
    check_respondent(instrument, answers, rendered)


def test_the_roster_respondents_reach_every_branch(
    household: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]],
) -> None:
    instrument, rendered = household
    answers = {
        "names.p1": "Anna",
        "names.p3": "Cem",
        "kids": 2,
        "persons": [{"age": 70, "works": "yes"}, {"age": 12, "works": "yes"}],
        "children": [{"school": "yes"}, {"school": "yes"}],
        "adults": "a",
        "older": "o",
        "schooled": "s",
    }
    reference = walk(instrument, answers)
    assert reference.response["persons"] == [
        {"person": "Anna", "age": 70, "works": "yes"},
        {"person": "Cem", "age": 12},
    ]
    assert {"adults", "older", "schooled"} <= reference.response.keys()
    check_respondent(instrument, answers, rendered)


def test_a_copy_pipes_its_own_item(
    household: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]],
) -> None:
    _, (lss, _) = household
    texts = {row["qid"]: row["question"] for row in lss.tables["question_l10ns"] if row["question"]}
    age2 = _question(lss, "agex2")
    assert "names_p2.NAOK" in texts[age2.qid] and "htmlspecialchars" in texts[age2.qid]
    school3 = _question(lss, "schoolx3")
    assert texts[school3.qid].startswith("Is child {") and "3" in texts[school3.qid]


@settings(max_examples=15, deadline=None)
@given(st.data(), instruments(features={"roster"}))
def test_generated_rosters_render_and_keep_what_the_walk_keeps(
    data: st.DataObject, instrument: qdef.Instrument
) -> None:
    try:
        rendered = lss_of(instrument)
    except LocatedRenderError as refused:
        assert refused.code.value == "QD808", refused
        return
    check_structure(instrument, rendered[0])
    check_respondent(instrument, data.draw(respondents(instrument)), rendered)


EXAMPLE = Path(__file__).resolve().parent.parent / "instruments" / "household-roster.yaml"


@pytest.fixture(scope="module")
def example() -> tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]]:
    instrument = qdef.load(EXAMPLE)
    return instrument, lss_of(instrument)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_the_household_example_shows_and_keeps_what_the_walk_does(
    example: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]], data: st.DataObject
) -> None:
    """The example of issue 19 (rosters over a text list and a multiple choice, their
    aggregates, a ranking, a number list with a total, a dual scale, a slider, buttons,
    random order): complete, and as the walk for generated respondents."""
    instrument, rendered = example
    check_structure(instrument, rendered[0])
    check_respondent(instrument, data.draw(respondents(instrument)), rendered)


#: The household with count, sum, min and max over the roster compared in conditions.
NUMERIC = HOUSEHOLD.replace("when: any(age >= 18) and", "when: count(age) >= 2 and").replace(
    "when: any(age > 60) or all(age >= 18)",
    "when: sum(age) > 100 or max(age) >= 70 or min(age) < 5",
)


@pytest.fixture(scope="module")
def numeric() -> tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]]:
    instrument = qdef.loads(NUMERIC)
    return instrument, lss_of(instrument)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HOUSEHOLD_ANSWERS)
def test_count_sum_min_max_compared_in_conditions_show_what_the_walk_shows(
    numeric: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]], answers: dict[str, Any]
) -> None:
    """Relevance compiled from the analysis's normal form, which keeps an aggregate over a
    roster as the atom it is (``count(age) >= 2``), over the unrolled copies."""
    instrument, rendered = numeric
    check_respondent(instrument, answers, rendered)


def test_numeric_aggregates_in_conditions_are_compiled_over_the_copies(
    numeric: tuple[qdef.Instrument, tuple[Lss, dict[str, Any]]],
) -> None:
    instrument, rendered = numeric
    three = {"names.p1": "A", "names.p2": "B", "names.p3": "C", "adults": "a", "older": "o"}
    ages = [{"age": 40, "works": "yes"}, {"age": 30}, {"age": 2}]
    shown = walk(instrument, three | {"persons": ages}).response
    assert "adults" in shown and "older" in shown  # two ages, one under 5
    check_respondent(instrument, three | {"persons": ages}, rendered)
    one = {"names.p1": "A", "adults": "a", "older": "o", "persons": [{"age": 40}]}
    assert "older" not in walk(instrument, one).response
    check_respondent(instrument, one, rendered)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (  # a computed value inside a roster
            (
                "      - {id: age, type: number",
                '      - {id: twice, type: computed, value: "1"}\n      - {id: age, type: number',
            ),
            ("sections", 1, "questions", 0),
        ),
    ],
    ids=["computed-in-a-roster"],
)
def test_what_the_unrolling_cannot_keep_is_refused_at_its_place(
    change: tuple[str, str], path: tuple[str | int, ...]
) -> None:
    with pytest.raises(LocatedRenderError) as raised:
        lss_of(qdef.loads(HOUSEHOLD.replace(*change)))
    assert raised.value.code.value == "QD808"
    assert raised.value.path == path


def test_a_title_of_a_no_break_space_is_kept() -> None:
    """Only the source's layout is stripped from a text: a title that is a no-break
    space (drawn by Hypothesis) stays a title; LimeSurvey needs one."""
    instrument = qdef.loads(
        'qdef: 1\nid: x\ntitle: "\\u00a0"\nlanguage: de\nsections:\n'
        "  - id: s1\n    questions:\n      - {id: q1, type: text, text: Q}\n"
    )
    lss, _ = lss_of(instrument)
    check_structure(instrument, lss)
