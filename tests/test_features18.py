"""Issue 18's elements in the symbol table, the plan and the walk (docs/format.md,
docs/responses.md): hidden variables, computed values, filters and cascading
options/rows, rules, defaults, patterns.

Each test names what would break it; the walk is the one semantics the renderers
and the routing analysis are proven against, so these pin it down by example.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qdef.pipeline import Compiled, validate_document
from qdef.routing.answers import AnswerError
from qdef.routing.interpreter import RuleFailure, walk
from qdef.source.loader import parse

HEAD = """\
qdef: 1
id: t
title: T
language: en
"""

TRANSPORT = """\
      - id: transport
        type: multiple
        text: Which of these do you use?
        options: [{code: bus, label: Bus}, {code: car, label: Car}, {code: bike, label: Bike}]
"""


def compiled(body: str) -> Compiled:
    """The compiled instrument of ``HEAD + body`` (which must be valid); the routing
    analysis is left out (it is not what these tests are about)."""
    document, problems = parse(_whole(body), Path("t.yaml"))
    assert document is not None, problems
    result = validate_document(document, routing=False)
    assert result.compiled is not None, "\n".join(map(str, result.diagnostics))
    assert not [d for d in result.diagnostics if d.severity == "error"]
    return result.compiled


def _whole(body: str) -> str:
    return body if body.startswith("qdef:") else HEAD + body


def codes(body: str) -> list[str]:
    document, _ = parse(_whole(body), Path("t.yaml"))
    assert document is not None
    return [d.code.value for d in validate_document(document, routing=False).diagnostics]


# ----------------------------------------------------------------- hidden variables

HIDDEN = """\
hidden:
  - id: region
    type: choice
    options: [{code: north, label: North}, {code: south, label: South}]
    default: north
  - {id: wave, type: number, min: 1, max: 10}
sections:
  - id: s1
    questions:
      - id: city
        type: single
        text: City
        options:
          - {code: hamburg, label: Hamburg, when: 'region == "north"'}
          - {code: munich, label: Munich, when: 'region == "south"'}
      - id: again
        type: text
        text: Again?
        when: wave > 1
"""


def test_hidden_variables_are_in_the_symbol_table_before_every_question() -> None:
    symbols = compiled(HIDDEN).symbols
    region = symbols.variables["region"]
    assert (region.position, region.path, region.type.kind) == (-1, ("hidden", 0), "choice")
    assert region.type.codes == ("north", "south")
    assert [v.name for v in symbols.hidden] == ["region", "wave"]


@pytest.mark.parametrize(
    ("given", "region"),
    [
        ({}, "north"),  # the default
        ({"region": "south"}, "south"),  # given from outside
        ({"region": "west"}, "north"),  # not in the domain: ignored, the default applies
    ],
)
def test_a_hidden_variable_is_given_or_its_default(given: dict[str, Any], region: str) -> None:
    plan = compiled(HIDDEN).plan
    assert walk(plan, given).response == {"region": region}


def test_a_hidden_variable_without_default_is_absent_unless_given() -> None:
    plan = compiled(HIDDEN).plan
    assert "wave" not in walk(plan, {"wave": 11}).response  # out of bounds: ignored
    shown = walk(plan, {"wave": 2})
    assert shown.response["wave"] == 2
    assert shown.ids == ("city", "again")
    assert walk(plan, {}).ids == ("city",)


def test_cascading_options_are_offered_on_earlier_answers() -> None:
    plan = compiled(HIDDEN).plan
    assert walk(plan, {"city": "hamburg"}).response["city"] == "hamburg"
    # munich is not offered in the north: its answer is dropped, as if not given
    assert "city" not in walk(plan, {"city": "munich"}).response
    assert walk(plan, {"city": "munich", "region": "south"}).response["city"] == "munich"


# ----------------------------------------------------------------- filters

FILTERED = f"""\
sections:
  - id: s1
    questions:
{TRANSPORT}      - id: main
        type: single
        text: Which one do you use most?
        required: true
        filter: {{chosen_in: transport}}
        goto: end
        options: [{{code: bus, label: Bus}}, {{code: car, label: Car}}, {{code: bike, label: Bike}}]
      - id: other
        type: multiple
        text: Which would you try?
        filter: {{not_chosen_in: transport}}
        options:
          - {{code: bus, label: Bus, specify: [{{id: bus_line, label: Line}}]}}
          - {{code: car, label: Car}}
          - {{code: bike, label: Bike}}
      - id: rating
        type: matrix
        text: How satisfied are you?
        filter: {{chosen_in: transport}}
        scale: [{{code: "1", label: Good}}, {{code: "2", label: Bad}}]
        rows: [{{code: bus, label: Bus}}, {{code: car, label: Car}}, {{code: bike, label: Bike}}]
"""


def test_filters_give_each_option_its_condition_and_the_question_its_availability() -> None:
    step = compiled(FILTERED).plan.steps[1]
    assert set(step.option_when) == {"bus", "car", "bike"}
    assert step.available is not None
    assert step.when == step.available  # no when of its own


def test_an_unoffered_option_is_dropped() -> None:
    plan = compiled(FILTERED).plan
    response = walk(plan, {"transport": ["car"], "main": "bus"}).response
    assert response == {"transport": ["car"]}  # bus was not chosen in transport


def test_a_question_with_nothing_offered_is_not_shown_and_its_goto_not_taken() -> None:
    plan = compiled(FILTERED).plan
    # nothing chosen in transport: main offers nothing, so it is skipped (and its
    # goto: end with it); other offers everything
    answers = {"main": "bus", "other": ["bus", "car"], "bus_line": "5"}
    shown = walk(plan, answers)
    assert shown.ids == ("transport", "other")  # rating: no row offered either
    assert shown.response == {"other": ["bus", "car"], "bus_line": "5"}
    assert shown.ended_by == "last"


def test_not_chosen_in_keeps_the_others_and_their_follow_ups() -> None:
    plan = compiled(FILTERED.replace("        goto: end\n", "")).plan
    answers = {"transport": ["bus", "bike"], "other": ["bus", "car"], "bus_line": "5"}
    response = walk(plan, answers).response
    assert response["other"] == ["car"]  # bus was chosen already: not offered again
    assert "bus_line" not in response  # the follow-up of an option not offered


def test_a_matrix_keeps_only_the_offered_rows() -> None:
    body = FILTERED.replace("        goto: end\n", "")
    plan = compiled(body).plan
    answers = {"transport": ["car"], "rating.car": "1", "rating.bus": "2"}
    shown = walk(plan, answers)
    assert "rating" in shown.ids
    assert shown.response == {"transport": ["car"], "rating.car": "1"}
    assert "rating" not in walk(plan, {"rating.bus": "2"}).ids  # no row offered


# ----------------------------------------------------------------- rules

RULES = """\
sections:
  - id: s1
    questions:
      - id: members
        type: number
        text: How many people live in your household?
      - id: adults
        type: number
        text: How many are adults?
        rules:
          - {check: adults <= members, message: "Not more than the household."}
          - {check: adults >= 1, message: "Someone must be an adult."}
"""


def test_a_failing_rule_is_a_walk_error() -> None:
    plan = compiled(RULES).plan
    shown = walk(plan, {"members": 2, "adults": 3}, check=False)
    path = ("sections", 0, "questions", 1, "rules", 0, "message")
    assert shown.errors == (RuleFailure("adults", 0, path),)
    assert shown.response == {"members": 2, "adults": 3}  # the answers are still kept
    assert walk(plan, {"members": 2, "adults": 2}).errors == ()
    # not answered: rules are not checked
    assert walk(plan, {"members": 2}, check=False).errors == ()


def test_a_failing_rule_is_an_answer_error_when_checking() -> None:
    plan = compiled(RULES).plan
    with pytest.raises(AnswerError) as raised:
        walk(plan, {"members": 2, "adults": 0})
    assert raised.value.problems == ["'adults': rule 2 fails: adults >= 1"]


# ----------------------------------------------------------------- defaults


def test_a_question_default_changes_nothing_in_the_walk() -> None:
    body = """\
sections:
  - id: s1
    questions:
      - id: n
        type: number
        text: How many?
        default: 1
"""
    assert walk(compiled(body).plan, {}).response == {}


# ----------------------------------------------------------------- computed values

COMPUTED = """\
sections:
  - id: s1
    questions:
      - id: members
        type: number
        text: How many people live in your household?
      - id: adults
        type: number
        text: How many are adults?
      - id: children
        type: computed
        value: members - adults
        when: members > 1
      - id: alone
        type: computed
        value: members == 1
      - id: ask_children
        type: text
        text: Tell us about the children.
        when: children > 0
"""


def test_computed_values_get_the_type_of_their_expression() -> None:
    symbols = compiled(COMPUTED).symbols
    children = symbols.variables["children"]
    assert (children.type.kind, children.type.integer, children.position) == ("number", True, 2)
    assert symbols.variables["alone"].type.kind == "truth"


def test_a_computed_value_is_stored_and_used_by_later_conditions() -> None:
    plan = compiled(COMPUTED).plan
    shown = walk(plan, {"members": 4, "adults": 2})
    assert shown.response == {"members": 4, "adults": 2, "children": 2, "alone": False}
    assert shown.ids == ("members", "adults", "ask_children")  # computed values are not shown
    # a response is an answer set of its own walk (the computed values are recomputed)
    assert walk(plan, shown.response).response == shown.response


def test_a_computed_value_is_absent_when_its_when_is_false_or_its_value_absent() -> None:
    plan = compiled(COMPUTED).plan
    assert walk(plan, {"members": 1, "adults": 1}).response == {
        "members": 1,
        "adults": 1,
        "alone": True,
    }
    assert "children" not in walk(plan, {"members": 3}).response  # adults absent


def test_a_computed_value_jumped_over_is_absent() -> None:
    body = COMPUTED.replace(
        "        text: How many are adults?\n",
        "        text: How many are adults?\n        goto: ask_children\n",
    )
    plan = compiled(body).plan
    assert walk(plan, {"members": 4, "adults": 2}).response == {"members": 4, "adults": 2}


def test_a_failed_computed_value_is_reported_once() -> None:
    body = COMPUTED.replace("value: members - adults", "value: members - nobody")
    found = codes(body)
    assert found == ["QD502"]  # not again where children is used


def test_a_computed_value_may_not_use_a_later_one() -> None:
    body = COMPUTED.replace("value: members == 1", "value: members == 1 and later > 0") + (
        "      - id: later\n        type: computed\n        value: members + 1\n"
    )
    assert codes(body) == ["QD503"]


def test_a_broken_hidden_variable_leaves_the_others_checked() -> None:
    """Partial checking (qdef.validation.partial): a hidden variable with a structural
    error is left out, uses of it are not reported as unknown, the other hidden
    variables are still checked, located at their own lines."""
    body = """\
hidden:
  - {id: wave, type: numbr}
  - {id: region, type: choice, options: [{code: north, label: North}], default: south}
sections:
  - id: s1
    questions:
      - id: q1
        type: text
        text: Q
        when: wave > 1 and region == "north"
"""
    document, _ = parse(HEAD + body, Path("t.yaml"))
    assert document is not None
    found = validate_document(document, routing=False).diagnostics
    assert [(d.code.value, d.span.line) for d in found] == [("QD207", 6), ("QD310", 7)]


# ----------------------------------------------------------------- piped texts

PIPED = """\
qdef: 1
id: t
title: {en: T, de: T}
language: en
translations: [de]
hidden:
  - {id: name, type: text, default: you}
intro: {en: "Hello {name}", de: "Hallo {name}"}
sections:
  - id: s1
    questions:
      - id: members
        type: number
        required: true
        text: {en: "How many people live with {name}?", de: "Wie viele leben bei {name}?"}
        rules:
          - check: members < 20
            message: {en: "{members} is a lot.", de: "{members} sind viele."}
      - id: adults
        type: number
        text: {en: "How many of the {members} are adults?", de: "Wie viele der {members}?"}
"""


def test_piped_texts_are_parsed_once_and_kept_by_path() -> None:
    result = compiled(PIPED)
    paths = [path for path, _ in result.texts_with_pieces()]
    assert paths == [
        ("intro", "en"),
        ("intro", "de"),
        ("sections", 0, "questions", 0, "text", "en"),
        ("sections", 0, "questions", 0, "text", "de"),
        ("sections", 0, "questions", 0, "rules", 0, "message", "en"),
        ("sections", 0, "questions", 0, "rules", 0, "message", "de"),
        ("sections", 0, "questions", 1, "text", "en"),
        ("sections", 0, "questions", 1, "text", "de"),
    ]
    template = result.template(("sections", 0, "questions", 1, "text", "en"))
    assert template is not None
    assert template.fill(lambda piece: "3") == "How many of the 3 are adults?"
    assert result.template(("title",)) is None
    # an instrument built in code finds the same texts (parsed when first asked for)
    from qdef.pipeline import compile as compile_instrument  # noqa: PLC0415

    again = compile_instrument(result.instrument)
    assert [path for path, _ in again.texts_with_pieces()] == paths


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a question's text may not use its own answer (only its rules' messages may)
        ("How many of the {members} are adults?", "How many of the {adults|} adults?"),
        # the instrument's intro comes before every question
        ("Hello {name}", "Hello {members}"),
        # a section's title comes before its first question
        ("    questions:\n", "    title: {en: '{members}', de: x}\n    questions:\n"),
    ],
)
def test_a_piece_may_use_only_what_comes_before_its_text(old: str, new: str) -> None:
    assert codes(PIPED.replace(old, new, 1)) == ["QD503"]


def test_the_fallback_rule() -> None:
    optional = PIPED.replace("        required: true\n", "")
    # members is no longer required: the texts that pipe it need a fallback, except the
    # rule's message (shown only when members is answered)
    assert codes(optional) == ["QD314", "QD314"]
    fixed = optional.replace("{members} are adults", "{members|all} are adults").replace(
        "der {members}", "der {members|}"
    )
    assert codes(fixed) == []
    without_default = PIPED.replace("default: you", "label: {en: Name, de: Name}")
    assert codes(without_default) == ["QD314"] * 4  # the intro and question text, twice


# ----------------------------------------------------------------- patterns and formats

PATTERNS = """\
sections:
  - id: s1
    questions:
      - id: zip
        type: text
        text: Postcode
        pattern: {regex: "[0-9]{5}", message: "Five digits, please."}
      - id: contact
        type: textlist
        text: Contact
        fields:
          - {code: mail, label: E-mail, format: email}
          - {code: web, label: Web, format: url}
"""


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"zip": "12345"}, None),
        ({"zip": "1234"}, "'zip': '1234' does not match the pattern [0-9]{5}"),
        ({"zip": "123456"}, "'zip': '123456' does not match the pattern [0-9]{5}"),
        ({"contact.mail": "a@example.org"}, None),
        ({"contact.mail": "not an address"}, "'contact.mail': 'not an address' is not a valid "),
        ({"contact.web": "https://example.org/x"}, None),
        ({"contact.web": "example"}, "'contact.web': 'example' is not a valid "),
    ],
)
def test_patterns_and_formats_are_enforced(answers: dict[str, Any], problem: str | None) -> None:
    plan = compiled(PATTERNS).plan
    if problem is None:
        assert walk(plan, answers).response == answers
        return
    with pytest.raises(AnswerError) as raised:
        walk(plan, answers)
    assert raised.value.problems[0].startswith(problem)


def test_a_default_must_fit_the_pattern_and_format() -> None:
    body = PATTERNS.replace(
        "        text: Postcode\n", "        text: Postcode\n        default: '1234'\n"
    )
    assert codes(body) == ["QD310"]
    body = PATTERNS.replace(
        "        text: Postcode\n", "        text: Postcode\n        default: '12345'\n"
    )
    assert codes(body) == []


def test_a_grid_row_not_offered_loses_its_cells_and_its_follow_up() -> None:
    body = """\
hidden:
  - {id: since, type: date, precision: month, min: "2020-01", default: "2021-06"}
sections:
  - id: s1
    questions:
      - id: budget
        type: grid
        text: Your budget
        columns: [{code: pct, label: Share, input: number}, {code: none, label: None, input: check}]
        rows:
          - {code: rent, label: Rent}
          - code: other
            label: Other
            when: since >= "2022-01"
            specify: {id: other_name, label: Which}
"""
    plan = compiled(body).plan
    answers = {"budget.rent.pct": 50, "budget.other.pct": 50, "other_name": "Food"}
    assert walk(plan, answers).response == {"since": "2021-06", "budget.rent.pct": 50}
    later = walk(plan, {**answers, "since": "2022-03"}).response
    assert later == {"since": "2022-03", **answers}
    # a date at the wrong precision, or before min, is not in the domain: the default applies
    assert walk(plan, {"since": "2022-03-01"}).response == {"since": "2021-06"}
    assert walk(plan, {"since": "2019-12"}).response == {"since": "2021-06"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a rule may not use a later question
        ("check: adults >= 1", "check: adults >= later"),
        # an option's condition looks only earlier: not at the question's own answer
        (
            "        text: How many are adults?\n",
            "        text: How many are adults?\n"
            "      - id: kind\n        type: single\n        text: Kind\n"
            "        options: [{code: a, label: A, when: 'kind == \"a\"'}]\n",
        ),
    ],
)
def test_rules_and_option_conditions_look_only_as_far_as_allowed(old: str, new: str) -> None:
    body = RULES + "      - id: later\n        type: number\n        text: Later\n"
    assert codes(body) == []
    assert codes(body.replace(old, new, 1)) == ["QD503"]


def test_every_expression_place_is_parsed_once_by_the_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The compiled instrument and the plan take the semantic checks' syntax trees of
    every ``when`` (sections, questions, options, rows), computed value and rule:
    neither parses anything again."""
    import qdef.pipeline.compiled  # noqa: PLC0415
    import qdef.routing.plan  # noqa: PLC0415

    def refuse(*_: object) -> None:
        raise AssertionError("parsed again")

    body = COMPUTED + (
        "      - id: mood\n        type: single\n        text: Mood\n"
        "        rules: [{check: 'mood != \"bad\"', message: Sorry.}]\n"
        "        options:\n"
        "          - {code: good, label: Good}\n"
        "          - {code: bad, label: Bad, when: members > 2}\n"
    )
    monkeypatch.setattr(qdef.pipeline.compiled, "parse", refuse)
    monkeypatch.setattr(qdef.routing.plan, "parse", refuse)
    result = compiled(body)
    plan = result.plan
    step = plan.steps[plan.position_of("mood")]
    assert set(step.option_when) == {"bad"}
    assert len(step.rules) == 1
    assert plan.steps[plan.position_of("children")].computed is not None
    paths = {path[-1] for path in result.conditions}
    assert paths == {"when", "value", "check"}


def test_an_inputs_label_is_piped_and_a_computed_values_label_is_not() -> None:
    body = """\
sections:
  - id: s1
    questions:
      - id: name
        type: text
        required: true
        text: Name?
      - id: age
        type: number
        text: Age?
        label: "{name}:"
      - id: twice
        type: computed
        value: age * 2
        label: "{not a piece"
"""
    result = compiled(body)
    assert [path for path, _ in result.texts_with_pieces()] == [
        ("sections", 0, "questions", 1, "label")
    ]
