"""qdef.routing: the walk, reaching conditions, findings and paths, on written examples."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from qdef import loads
from qdef.expr import parse, to_source, typecheck
from qdef.model import Instrument
from qdef.model.symbols import build
from qdef.pipeline import load
from qdef.routing import (
    AnswerError,
    analyse,
    count_paths,
    findings,
    paths,
    problems,
    reaching_conditions,
    walk,
)
from qdef.routing.evaluate import holds
from qdef.routing.pathsets import count_paths as count_with_budget

INVESTITIONSPAKT = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"


@pytest.fixture(scope="module")
def investitionspakt() -> Instrument:
    return load(INVESTITIONSPAKT)


def instrument(body: str) -> Instrument:
    """An instrument from the YAML of its sections."""
    head = "qdef: 1\nid: test\ntitle: Test\nlanguage: de\nsections:\n"
    return loads(head + textwrap.indent(textwrap.dedent(body), "  "))


def numbers(inst: Instrument, ids: tuple[str, ...]) -> list[str]:
    table = inst.numbers()
    return [table.get(i, i) for i in ids]


# --------------------------------------------------------------------------- Investitionspakt

ROUTES = [
    ["1", "2", "3", "4", "5", "6", "22"],
    ["1", *[str(n) for n in range(7, 21)], "22"],
    ["1", *[str(n) for n in range(7, 19)], "21", "22"],
]


def test_investitionspakt_has_exactly_the_three_routes(investitionspakt: Instrument) -> None:
    assert [numbers(investitionspakt, p) for p in paths(investitionspakt)] == ROUTES
    counted = count_paths(investitionspakt)
    assert (counted.count, counted.exact) == (3, True)


@pytest.mark.parametrize(
    ("answers", "route"),
    [
        ({"im_eingesetzt": "nein"}, 0),
        ({"im_eingesetzt": "ja", "fortsetzung_geplant": "ja"}, 1),
        ({"im_eingesetzt": "ja"}, 1),
        ({"im_eingesetzt": "ja", "fortsetzung_geplant": "nein"}, 2),
        ({}, 0),  # an unanswered filter continues in sequence
    ],
)
def test_investitionspakt_walks(
    investitionspakt: Instrument, answers: dict[str, Any], route: int
) -> None:
    result = walk(investitionspakt, answers)
    assert numbers(investitionspakt, result.ids) == ROUTES[route]
    assert result.ended_by == "last"


def test_investitionspakt_reaching_conditions(investitionspakt: Instrument) -> None:
    conditions = reaching_conditions(investitionspakt)
    assert conditions["im_eingesetzt"] == "true"
    assert conditions["gruende_kein_im"] == 'im_eingesetzt != "ja"'
    assert conditions["anregungen"] == 'im_eingesetzt != "ja"'
    assert conditions["umsetzungsphase"] == 'im_eingesetzt == "ja"'
    assert conditions["fortsetzung_geplant"] == 'im_eingesetzt == "ja"'
    assert conditions["fortsetzung_finanzierung"] == (
        'im_eingesetzt == "ja" and fortsetzung_geplant != "nein"'
    )
    assert conditions["gruende_keine_fortsetzung"] == (
        'im_eingesetzt == "ja" and fortsetzung_geplant == "nein"'
    )
    assert conditions["interesse_gespraech"] == "true"


def test_investitionspakt_has_no_findings(investitionspakt: Instrument) -> None:
    assert findings(investitionspakt) == []


def test_contact_details_are_kept_only_after_ja(investitionspakt: Instrument) -> None:
    contact = {"kontakt_name": "A. Muster", "kontakt_email": "a@example.org"}
    yes = walk(investitionspakt, {"interesse_gespraech": "ja", **contact})
    assert yes.response == {"interesse_gespraech": "ja", **contact}
    no = walk(investitionspakt, {"interesse_gespraech": "nein", **contact})
    assert no.response == {"interesse_gespraech": "nein"}
    unanswered = walk(investitionspakt, contact)
    assert unanswered.response == {}


def test_answers_of_questions_not_shown_are_dropped(investitionspakt: Instrument) -> None:
    result = walk(
        investitionspakt,
        {"im_eingesetzt": "nein", "wochenstunden": 20, "rueckblick": "ja", "anregungen": "x"},
    )
    assert "wochenstunden" not in result.response
    assert result.response["anregungen"] == "x"


# --------------------------------------------------------------------------- the walk

ROUTED = """
- id: filter
  questions:
    - id: q1
      type: single
      required: true
      text: Eins
      goto: q4
      options:
        - {code: a, label: A, goto: q3}
        - {code: b, label: B}
        - {code: c, label: C, goto: end}
    - id: q2
      type: number
      text: Zwei
    - id: q3
      type: text
      text: Drei
      when: q1 == "a"
- id: rest
  when: answered(q1)
  questions:
    - id: q4
      type: multiple
      text: Vier
      options:
        - {code: x, label: X, specify: [{id: q4_x}]}
        - {code: y, label: Y}
        - {code: none, label: Keine, exclusive: true}
    - id: q5
      type: display
      text: Fünf
      when: q4 has "x"
"""


@pytest.mark.parametrize(
    ("answers", "shown", "ended_by"),
    [
        ({"q1": "a"}, ["q1", "q3", "q4"], "last"),  # option goto
        ({"q1": "b"}, ["q1", "q4"], "last"),  # the question's own goto when the option has none
        ({"q1": "c"}, ["q1"], "goto"),  # goto end
        ({}, ["q1"], "last"),  # unanswered: no option, so the question's goto (q4) …
        ({"q1": "b", "q4": ["x"]}, ["q1", "q4", "q5"], "last"),
        ({"q1": "b", "q4": ["none"]}, ["q1", "q4"], "last"),
    ],
)
def test_walk_follows_gotos_and_conditions(
    answers: dict[str, Any], shown: list[str], ended_by: str
) -> None:
    inst = instrument(ROUTED)
    result = walk(inst, answers)
    assert list(result.ids) == shown
    assert result.ended_by == ended_by


def test_unanswered_question_with_goto_continues_at_its_goto() -> None:
    # q1 unanswered: no option is chosen, so its own goto (q4) applies: q2 and q3 are
    # skipped, and section 'rest' needs answered(q1), so nothing more is shown
    result = walk(instrument(ROUTED), {"q2": 5})
    assert list(result.ids) == ["q1"]
    assert result.response == {}


def test_followups_are_kept_only_for_chosen_options() -> None:
    inst = instrument(ROUTED)
    assert walk(inst, {"q1": "b", "q4": ["y"], "q4_x": "t"}).response == {"q1": "b", "q4": ["y"]}
    assert walk(inst, {"q1": "b", "q4": ["y", "x"], "q4_x": "t"}).response == {
        "q1": "b",
        "q4": ["x", "y"],  # option order
        "q4_x": "t",
    }


def test_answers_that_do_not_fit_raise_with_every_problem() -> None:
    inst = instrument(ROUTED)
    with pytest.raises(AnswerError) as raised:
        walk(inst, {"q1": "z", "q2": "7", "q4": ["x", "none"], "q9": 1, "q5": "?"})
    found = raised.value.problems
    assert len(found) == 5
    assert any("'q9' is not a variable" in p for p in found)
    assert any("'q5' is a display text" in p for p in found)
    assert any("'none' excludes every other option" in p for p in found)
    # unchecked, an unknown code routes like an unanswered question … but counts as answered
    assert walk(inst, {"q1": "z"}, check=False).ids == ("q1", "q4")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (True, "not a number"),
        (2.5, "not a whole number"),
        (-1, "less than the minimum"),
        (169, "more than the maximum"),
        (float("nan"), "not a finite number"),
    ],
)
def test_number_answers_are_checked(value: Any, problem: str) -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - {id: h, type: number, text: Stunden, min: 0, max: 168}
        """
    )
    assert problem in problems(inst, {"h": value})[0]
    assert problems(inst, {"h": 40}) == []


def test_date_ranges_and_grids_are_checked() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - {id: zeit, type: daterange, precision: month, text: Zeitraum}
            - id: aufgaben
              type: grid
              text: Aufgaben
              columns:
                - {code: wer, label: Wer, input: text}
                - {code: keine, label: Nicht erforderlich, input: check, exclusive: true}
              rows:
                - {code: a, label: A}
        """
    )
    assert problems(inst, {"zeit.from": "2022-05", "zeit.to": "2021-01"}) == [
        "'zeit': the start 2022-05 is after the end 2021-01"
    ]
    assert "must be empty" in problems(inst, {"aufgaben.a.keine": True, "aufgaben.a.wer": "x"})[0]
    assert problems(inst, {"zeit.from": "2022-13"})[0].startswith("'zeit.from'")
    unticked = walk(inst, {"aufgaben.a.keine": False, "aufgaben.a.wer": "x"}).response
    assert unticked == {"aufgaben.a.wer": "x"}


# --------------------------------------------------------------------------- absent answers


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('q == "a"', False),
        ('q != "a"', True),
        ('q in ["a"]', False),
        ('q not in ["a"]', True),
        ("n < 3", False),
        ("n >= 3", False),
        ("n != 3", True),
        ('m has "x"', False),
        ("not answered(q)", True),
        ("answered(g)", False),
        ("g.r.c", False),
        ("g.r.c == false", True),
        ("answered(q) == false", True),
    ],
)
def test_absent_answers_follow_the_documented_rules(condition: str, expected: bool) -> None:
    parts = {"g": ("g.r.c",)}
    assert holds(parse(condition), {}, lambda name: parts.get(name, ())) is expected


def test_answered_group_holds_when_any_part_is_answered() -> None:
    parts = {"g": ("g.r1", "g.r2")}
    assert holds(parse("answered(g)"), {"g.r2": "1"}, lambda name: parts.get(name, ()))


def test_a_bool_never_equals_a_number() -> None:
    assert not holds(parse("n == 1"), {"n": True})


# --------------------------------------------------------------------------- reaching conditions

PRINTED = """
- id: s
  questions:
    - {id: n, type: number, text: Zahl, min: 0, max: 100}
    - {id: d, type: date, precision: month, text: Datum}
    - {id: t, type: text, text: Text}
    - id: m
      type: multiple
      text: Mehrfach
      options: [{code: x, label: X}, {code: y, label: Y}]
    - id: g
      type: grid
      text: Gitter
      columns: [{code: c, label: C, input: check}]
      rows: [{code: r, label: R}]
    - {id: a1, type: text, text: A1, when: n >= 10 and n < 20}
    - {id: a2, type: text, text: A2, when: not (n >= 10 and n < 20)}
    - {id: a3, type: text, text: A3, when: 'd < "2020-01" or d == "2021-06"'}
    - {id: a4, type: text, text: A4, when: 't != "nein"'}
    - {id: a5, type: text, text: A5, when: 'answered(t) and t not in ["nein", "weiß nicht"]'}
    - {id: a6, type: text, text: A6, when: 'm has "x" and not m has "y"'}
    - {id: a7, type: text, text: A7, when: g.r.c}
    - {id: a8, type: text, text: A8, when: n == 5 or n == 7}
    - {id: a9, type: text, text: A9, when: n > 100}
"""


def test_reaching_conditions_are_printed_readably() -> None:
    inst = instrument(PRINTED)
    printed = reaching_conditions(inst)
    assert printed["a1"] == "n >= 10 and n < 20"
    assert printed["a2"] in ("not (n >= 10 and n < 20)", "not answered(n) or n < 10 or n >= 20")
    assert printed["a3"] == 'd == "2021-06" or d < "2020-01"' or printed["a3"] == (
        'd < "2020-01" or d == "2021-06"'
    )
    assert printed["a4"] == 't != "nein"'
    assert printed["a5"] == 'answered(t) and t not in ["nein", "weiß nicht"]'
    assert printed["a6"] == 'm has "x" and not m has "y"'
    assert printed["a7"] == "g.r.c"
    assert printed["a8"] == "n in [5, 7]"
    assert printed["a9"] == "false"  # outside the question's bounds


def test_printed_reaching_conditions_type_check_at_their_question() -> None:
    for inst in (instrument(PRINTED), load(INVESTITIONSPAKT), instrument(ROUTED)):
        symbols = build(inst)
        for qid, source in reaching_conditions(inst).items():
            expr = parse(source)
            assert to_source(expr) == source
            position = symbols.positions[qid]
            if source not in ("true", "false"):
                assert typecheck(expr, symbols, position) == [], (qid, source)


# --------------------------------------------------------------------------- findings


def kinds(inst: Instrument) -> list[tuple[str, str]]:
    return [(f.kind, f.question) for f in findings(inst)]


def test_required_questions_count_as_answered_for_reachability() -> None:
    cut = instrument(
        """
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
    )
    assert kinds(cut) == [("unreachable", "q2")]
    # not required: leaving q1 unanswered continues in sequence, so q2 is reachable
    optional = cut.model_dump(exclude_none=True)
    optional["sections"][0]["questions"][0]["required"] = False
    assert kinds(Instrument.model_validate(optional)) == []


def test_exclusive_options_make_conditions_contradict() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - id: m
              type: multiple
              text: M
              options: [{code: a, label: A}, {code: keiner, label: Keiner, exclusive: true}]
            - {id: t, type: text, text: T, when: m has "a" and m has "keiner"}
        """
    )
    assert kinds(inst) == [("unreachable", "t")]


def test_min_choices_are_respected() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - id: m
              type: multiple
              min_choices: 2
              text: M
              options: [{code: a, label: A}, {code: b, label: B}, {code: c, label: C}]
            - {id: t, type: text, text: T, when: m has "a" and not m has "b" and not m has "c"}
        """
    )
    assert kinds(inst) == [("unreachable", "t")]


def test_witnesses_reach_their_question() -> None:
    inst = instrument(ROUTED)
    analysis = analyse(inst)
    hidden = {q for f in findings(analysis) if f.kind == "unreachable" for q in f.questions}
    assert hidden == {"q2"}  # q1 jumps past it whatever the answer
    for step in analysis.plan.steps:
        witness = analysis.witness(step.question.id)
        if step.question.id in hidden:
            assert witness is None
            continue
        assert witness is not None
        assert step.question.id in walk(inst, witness).ids
        assert walk(inst, witness).response == witness


def test_a_comparison_of_two_answers_is_decided_by_example_when_possible() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - {id: a, type: number, text: A}
            - {id: b, type: number, text: B}
            - {id: c, type: text, text: C, when: a < b}
            - {id: d, type: text, text: D, when: a < b and b < a}
        """
    )
    assert kinds(inst) == [("unknown", "d")]
    assert count_paths(inst).exact is False


def test_a_path_count_that_needs_too_much_memory_is_an_upper_bound() -> None:
    inst = instrument(ROUTED)
    analysis = analyse(inst)
    exact = count_with_budget(analysis)
    bounded = count_with_budget(analysis, max_states=1)
    assert exact.exact and not bounded.exact
    assert bounded.count >= exact.count
    assert str(bounded).startswith("at most ")


def test_many_independent_filters_are_counted_without_enumeration() -> None:
    blocks = []
    for i in range(150):
        blocks.append(
            f"""
            - id: f{i}
              type: single
              required: true
              text: Filter {i}
              options: [{{code: ja, label: Ja}}, {{code: nein, label: Nein, goto: n{i}}}]
            - {{id: d{i}, type: text, text: Details {i}}}
            - {{id: n{i}, type: text, text: Weiter {i}}}
            """
        )
    body = "- id: s\n  questions:\n" + "".join(
        textwrap.indent(textwrap.dedent(b), "    ") for b in blocks
    )
    inst = instrument(body)
    counted = count_paths(inst)
    assert counted.exact
    assert counted.count == 2**150


def test_correlated_filters_are_counted_exactly() -> None:
    """q3 and q5 test the same answer: 2 paths, not the 4 a plain DAG count gives."""
    inst = instrument(
        """
        - id: s
          questions:
            - id: q1
              type: single
              required: true
              text: Eins
              options: [{code: a, label: A}, {code: b, label: B}]
            - {id: q2, type: text, text: Zwei}
            - {id: q3, type: text, text: Drei, when: q1 == "a"}
            - {id: q4, type: text, text: Vier}
            - {id: q5, type: text, text: Fünf, when: q1 == "a"}
        """
    )
    assert count_paths(inst).count == 2
    assert list(paths(inst)) == [
        ("q1", "q2", "q3", "q4", "q5"),
        ("q1", "q2", "q4"),
    ]


def test_paths_can_be_limited() -> None:
    inst = instrument(ROUTED)
    assert len(list(paths(inst, limit=2))) == 2


def test_long_chains_of_filters_need_no_deep_recursion() -> None:
    blocks = "".join(
        f"""
    - id: m{i}
      type: multiple
      text: M
      options: [{{code: a, label: A}}, {{code: n, label: N, exclusive: true}}]
    - {{id: t{i}, type: text, text: T, when: m{i} has "a" and not m{i} has "n"}}"""
        for i in range(1500)
    )
    inst = instrument("- id: s\n  questions:" + blocks)
    analysis = analyse(inst)
    assert findings(analysis) == []
    assert count_paths(analysis).count == 2**1500


def test_an_analysis_beyond_its_memory_bound_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qdef.pipeline import validate_file  # noqa: PLC0415
    from qdef.routing import analysis  # noqa: PLC0415

    monkeypatch.setattr(
        analysis, "analyse_plan", lambda plan, **_: analysis.Analysis(plan, max_nodes=4)
    )
    result = validate_file(INVESTITIONSPAKT)
    assert [(d.code, d.severity) for d in result.diagnostics] == [("QD605", "warning")]
    assert result.instrument is not None


def test_the_order_of_a_date_range_is_checked_by_example() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - {id: zeit, type: daterange, precision: month, text: Zeitraum}
            - id: moeglich
              type: text
              text: Möglich
              when: 'zeit.from >= "2020-01" and zeit.to < "2023-01"'
            - id: unmoeglich
              type: text
              text: Unmöglich
              when: 'zeit.from >= "2022-01" and zeit.to < "2021-01"'
        """
    )
    found = findings(inst)
    assert [(f.kind, f.question) for f in found] == [("unknown", "unmoeglich")]
    assert "zeit.from <= zeit.to" in found[0].message
    counted = count_paths(inst)
    assert not counted.exact
    assert "zeit.from <= zeit.to" in counted.reason


def test_a_date_ranges_order_across_questions_makes_the_path_count_a_bound() -> None:
    """No one question looks at both ends, but together they part paths: one question
    is shown when from >= 06/2020, a later one when to < 06/2020 — never both, which
    the diagrams (without from <= to) cannot know. The count must not claim exactness.
    (Found by the deep hypothesis profile.)"""
    inst = instrument(
        """
        - id: s
          questions:
            - {id: zeit, type: daterange, precision: month, text: Zeitraum}
            - {id: frueh, type: text, text: Früh, when: 'zeit.from >= "2020-06"'}
            - {id: mitte, type: text, text: Mitte}
            - {id: spaet, type: text, text: Spät, when: 'zeit.to < "2020-06"'}
        """
    )
    real = {("zeit", "frueh", "mitte"), ("zeit", "mitte"), ("zeit", "mitte", "spaet")}
    counted = count_paths(inst)
    assert not counted.exact
    assert "zeit.from <= zeit.to" in counted.reason
    assert counted.count == 4 >= len(real)
    assert set(paths(inst)) >= real


def test_printing_factors_and_drops_what_is_redundant() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - {id: q1, type: single, text: A, options: [{code: a, label: A}, {code: b, label: B}]}
            - {id: q2, type: single, text: B, options: [{code: a, label: A}, {code: b, label: B}]}
            - {id: q3, type: single, text: C, options: [{code: a, label: A}, {code: b, label: B}]}
            - id: t1
              type: text
              text: T1
              when: 'q1 == "a" or q2 == "a" and (q1 == "a" or q3 == "a")'
            - id: t2
              type: text
              text: T2
              when: 'q1 == "a" and q2 == "b" or q1 == "a" and q3 == "b"'
        """
    )
    printed = reaching_conditions(inst)
    assert printed["t1"] == 'q1 == "a" or q2 == "a" and q3 == "a"'
    assert printed["t2"] == 'q1 == "a" and (q2 == "b" or q3 == "b")'


def test_listing_long_paths_does_not_copy_prefixes() -> None:
    """Paths of thousands of questions are listed in time linear in their length."""
    body = "- id: s\n  questions:\n" + "".join(
        f"    - {{id: q{i}, type: text, text: T}}\n" for i in range(3000)
    )
    body += (
        "    - id: f\n      type: single\n      required: true\n      text: F\n"
        "      options: [{code: a, label: A}, {code: b, label: B, goto: end}]\n"
        "    - {id: z, type: text, text: Z}\n"
    )
    listed = list(paths(instrument(body)))
    assert [len(p) for p in listed] == [3001, 3002]


def test_an_exclusive_option_alone_is_a_whole_answer_whatever_min_choices() -> None:
    inst = instrument(
        """
        - id: s
          questions:
            - id: m
              type: multiple
              min_choices: 2
              text: M
              options:
                - {code: a, label: A}
                - {code: b, label: B}
                - {code: keine, label: Keine, exclusive: true}
            - {id: t, type: text, text: T, when: m has "keine"}
        """
    )
    assert problems(inst, {"m": ["keine"]}) == []
    assert problems(inst, {"m": ["a"]}) == ["'m': at least 2 options must be chosen"]
    assert findings(inst) == []  # t is reachable through "keine"
    assert count_paths(inst).count == 2


# --------------------------------------------------------------------------- issues 15 and 23

CONDITIONAL_SIDE = """
- id: s1
  questions:
    - {id: a, type: number, text: "A?"}
    - id: m
      type: single
      text: "M?"
      options: [{code: "Y", label: "Yes"}, {code: "N", label: "No"}]
    - {id: b, type: number, when: m == "Y", text: "B?"}
    - {id: d, type: display, when: 'b >= a', text: D.}
"""


def test_a_comparison_whose_side_has_a_condition_finds_its_example() -> None:
    """Issue 15: ``b`` exists only when ``m == "Y"``; the example respondent for
    ``b >= a`` must answer ``m`` too, though ``d``'s condition does not name it."""
    inst = instrument(CONDITIONAL_SIDE)
    assert walk(inst, {"a": 6, "m": "Y", "b": 6}).ids == ("a", "m", "b", "d")
    assert kinds(inst) == []
    witness = analyse(inst).witness("d")
    assert witness is not None
    assert "d" in walk(inst, witness).ids


def test_example_searches_share_one_allowance_of_the_diagram_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The diagram keeps the nodes a failed search built, so all searches together
    get a share of the budget (found in review: a dozen failed searches could leave
    none for the findings after them, and every finding was lost as QD605). With the
    share spent, the search that needs it gives up: the finding is QD604, not lost."""
    from qdef.routing.analysis import Analysis  # noqa: PLC0415

    monkeypatch.setattr(Analysis, "EXAMPLE_SHARE", 0.0)
    assert analyse(instrument(CONDITIONAL_SIDE)).witness("d") is None
    monkeypatch.undo()
    assert analyse(instrument(CONDITIONAL_SIDE)).witness("d") is not None


def test_a_comparison_with_a_follow_up_finds_its_example() -> None:
    """The example chooses the option whose follow-up it answers."""
    inst = instrument(
        """
        - id: s
          questions:
            - {id: a, type: number, text: A}
            - id: m
              type: single
              text: M
              options:
                - {code: "n", label: N}
                - {code: "j", label: J, specify: [{id: m_qm, type: number, label: qm}]}
            - {id: d, type: display, when: 'not (a != m_qm)', text: D.}
        """
    )
    assert kinds(inst) == []
    witness = analyse(inst).witness("d")
    assert witness is not None and witness["m"] == "j"


def test_two_follow_ups_of_one_option_choose_it_once() -> None:
    """Found in review: the example answering both follow-ups of one option of a
    multiple choice chose that option twice, which no respondent can (QD604)."""
    inst = instrument(
        """
        - id: s
          questions:
            - id: m
              type: multiple
              text: M
              options:
                - code: o
                  label: O
                  specify: [{id: x, type: number}, {id: y, type: number}]
                - {code: p, label: P}
            - {id: d, type: display, when: 'x >= y', text: D.}
        """
    )
    assert kinds(inst) == []
    witness = analyse(inst).witness("d")
    assert witness is not None and witness["m"] == ["o"]


NEGATED = 'not (wochenstunden != eigene_raeume_qm or im_eingesetzt == "{code}")'


def negated_variant(code: str) -> str:
    """The Investitionspakt with question 22 shown under a negated comparison of answers."""
    text = INVESTITIONSPAKT.read_text(encoding="utf-8")
    head = "      - id: interesse_gespraech\n        type: single\n"
    assert head in text
    return text.replace(head, f"{head}        when: '{NEGATED.format(code=code)}'\n")


@pytest.mark.parametrize("code", ["ja", "nein"])
def test_a_negated_comparison_of_two_answers_is_analysed(code: str) -> None:
    """Issue 23: ``not (a != b)`` is ``a == b`` (on absent answers too), one comparison
    for the analysis; printing it and compiling it back used to raise KeyError."""
    inst = loads(negated_variant(code))
    analysis = analyse(inst)
    found = [(f.code, f.question) for f in findings(analysis)]
    source = analysis.reaching_source("interesse_gespraech")
    position = analysis.plan.position_of("interesse_gespraech")
    assert analysis.logic.condition(parse(source)) == analysis.shown[position]
    if code == "ja":  # wochenstunden is asked only when im_eingesetzt == "ja"
        assert found == [("QD601", "interesse_gespraech")]
    else:
        assert found == []
        assert source == 'im_eingesetzt != "nein" and wochenstunden == eigene_raeume_qm'
        witness = analysis.witness("interesse_gespraech")
        assert witness is not None
        assert witness["wochenstunden"] == witness["eigene_raeume_qm"]


@pytest.mark.parametrize("code", ["ja", "nein"])
def test_a_negated_comparison_of_two_answers_checks_and_renders(code: str, tmp_path: Path) -> None:
    from io import StringIO  # noqa: PLC0415

    from qdef.cli import main  # noqa: PLC0415

    source = tmp_path / "variante.yaml"
    source.write_text(negated_variant(code), encoding="utf-8")
    runs = [["check", "--examples", "5"]] + [
        ["render", "--to", target, "-o", str(tmp_path / f"out.{target}")]
        for target in ("limesurvey", "codebook", "markdown", "html")
    ]
    for argv in runs:
        out, err = StringIO(), StringIO()
        status = main([argv[0], str(source), *argv[1:]], out=out, err=err)
        assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
        assert status == (1 if argv[0] == "check" and code == "ja" else 0), (argv, err.getvalue())


def test_a_thousand_independent_options_are_analysed() -> None:
    """Issue 23: the options of one multiple choice are independent; its rules (limits,
    an exclusive option) and ``answered`` grow linearly, so the analysis neither gives
    up (QD605) nor recurses once per option."""
    options = "".join(f'\n          - {{code: "c{i}", label: "L{i}"}}' for i in range(999))
    inst = instrument(
        "- id: s\n  questions:\n"
        "    - id: mc\n      type: multiple\n      text: MC\n"
        "      min_choices: 2\n      max_choices: 3\n"
        f"      options:{options}\n"
        '          - {code: "keine", label: "Keine", exclusive: true}\n'
        """    - {id: x, type: display, when: 'mc has "c5" and mc has "keine"', text: X.}\n"""
        "    - {id: y, type: display, when: 'answered(mc)', text: Y.}\n"
        """    - {id: z, type: display, when: 'mc has "c1" and not answered(mc)', text: Z.}\n"""
    )
    analysis = analyse(inst)
    assert kinds(analysis.plan.instrument) == [("unreachable", "x"), ("unreachable", "z")]
    assert len(analysis.reaching_source("y")) > 1000  # every option, read without recursion
    witness = analysis.witness("y")
    assert witness is not None and len(witness["mc"]) in (1, 2, 3)


def entangled(pairs: int) -> Instrument:
    """``x``'s condition pairs each answer with one far from it: its diagram doubles
    with every pair. ``y`` never holds, whatever ``x``."""
    count = 2 * pairs
    questions = "".join(
        f"    - {{id: a{i}, type: single, text: A, "
        f'options: [{{code: "a", label: A}}, {{code: "b", label: B}}]}}\n'
        for i in range(count)
    )
    cond = " or ".join(f'a{i} == "a" and a{i + pairs} == "a"' for i in range(pairs))
    return instrument(
        f"- id: s\n  questions:\n{questions}"
        f"    - {{id: x, type: display, text: X, when: '{cond}'}}\n"
        """    - {id: y, type: display, text: Y, when: 'a0 == "a" and a0 == "b"'}\n"""
        """    - {id: z, type: display, text: Z, when: 'a1 == "a"'}\n"""
    )


def test_a_question_beyond_the_memory_bound_is_left_out_and_the_rest_analysed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 23: where the bound is really reached, qdef says which question it did not
    analyse (QD606) and still reports the findings about the others."""
    from qdef.pipeline import validate_text  # noqa: PLC0415
    from qdef.routing import analysis as module  # noqa: PLC0415
    from qdef.routing.analysis import Analysis, analyse_plan  # noqa: PLC0415
    from qdef.routing.dd import Budget  # noqa: PLC0415
    from qdef.routing.plan import compile_plan  # noqa: PLC0415

    inst = entangled(8)
    plan = compile_plan(inst)
    assert Analysis(plan).dd.node_count() > 1000
    with pytest.raises(Budget):
        Analysis(plan, max_nodes=600)
    analysis = analyse_plan(plan, max_nodes=600)
    assert analysis.skipped == {plan.position_of("x")}
    found = [(f.code, f.question) for f in findings(analysis)]
    assert found == [("QD606", "x"), ("QD601", "y")]
    # the reaching condition of x is still exact: its condition, as written
    assert analysis.reaching_source("x") == inst.sections[0].questions[16].when
    counted = count_paths(analysis)
    assert not counted.exact and "the routing at x was not analysed" in counted.reason

    monkeypatch.setattr(module, "analyse_plan", lambda plan, **_: analyse_plan(plan, max_nodes=600))
    from qdef.model.dumper import dumps  # noqa: PLC0415

    codes = [(d.code, d.severity) for d in validate_text(dumps(inst)).diagnostics]
    assert codes == [("QD606", "warning"), ("QD601", "warning")]


def test_an_example_keeps_a_date_ranges_ends_in_order() -> None:
    """Found by the stronger property: the example for ``to >= 2020-01 and
    from >= 2020-06`` must move ``to`` up to ``from``; it used to be QD604."""
    inst = instrument(
        """
        - id: s
          questions:
            - {id: z, type: daterange, precision: month, min: "2020-01", max: "2021-12", text: Z}
            - id: q
              type: text
              text: Q
              when: 'z.to >= "2020-01" and z.from >= "2020-06"'
        """
    )
    assert kinds(inst) == []
    witness = analyse(inst).witness("q")
    assert witness is not None and witness["z.from"] <= witness["z.to"]
