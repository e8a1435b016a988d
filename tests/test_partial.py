"""Every problem at once (issue 15 item 9): the semantic checks run on the
structurally valid parts of a file with structural errors, without false
errors caused by the parts left out (``qdef.validation.partial``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qdef.pipeline import validate_text

HEAD = "qdef: 1\nid: partial-test\ntitle: Test\nlanguage: en\n"


def found(text: str) -> list[tuple[str, int, int]]:
    result = validate_text(text, Path("t.yaml"))
    assert result.instrument is None
    return [(d.code, d.span.line, d.span.column) for d in result.diagnostics]


def codes(text: str) -> list[str]:
    return [code for code, _, _ in found(text)]


FIVE_STAGES = (
    HEAD
    + """\
sections:
  - id: work
    questions:
      - id: employed
        type: single
        required: true
        text: Are you employed?
        options:
          - {code: "yes", label: "Yes", goto: employer}
          - {code: "no", label: "No"}
          - {code: "no", label: "Not really"}
      - id: employer
        type: rank
        text: Rank your employers.
      - id: hours
        type: number
        text: Hours per week?
        goto: commnt
        when: employer.first == "x" or employed == "Yes"
      - id: comment
        type: text
        lines: 100
        text: Anything else?
      - id: thanks
        type: display
        text: Thank you.
        when: answered(comment) or hours > 1
"""
)


def test_five_mistakes_in_different_stages_are_all_reported_in_one_run() -> None:
    assert found(FIVE_STAGES) == [
        ("QD301", 15, 20),  # duplicate option code (model)
        ("QD207", 17, 15),  # unknown type (structure)
        ("QD402", 22, 15),  # goto to no question (semantics)
        ("QD504", 23, 52),  # unknown code in a condition (conditions)
        ("QD206", 26, 16),  # lines out of bounds (structure)
    ]


def test_references_to_a_broken_question_are_not_errors() -> None:
    """The goto to 'employer' and the condition on 'employer.first' name a question
    left out for its own structural error (its type); 'comment', whose only error
    is an optional key, is kept, so the condition on it is fine and the misspelt
    goto 'commnt' is told to mean it."""
    messages = [d.message for d in validate_text(FIVE_STAGES).diagnostics]
    assert not any("employer" in m or "unknown variable" in m for m in messages), messages
    assert "goto 'commnt' names no question; did you mean 'comment'?" in messages


def test_follow_ups_of_a_broken_question_are_not_unknown_variables() -> None:
    text = (
        HEAD
        + """\
sections:
  - id: s
    questions:
      - id: q1
        type: single
        text: Q1
        colour: red
        options:
          - code: other
            label: Other
            specify: [{id: q1_other}]
      - {id: q2, type: text, text: Q2, when: 'q1_other == "x" or q1 == "other"'}
      - {id: q3, type: text, text: Q3, when: 'q9 == "x"'}
"""
    )
    assert codes(text) == ["QD201", "QD502"]


def test_a_section_with_a_broken_id_is_left_out_with_its_questions() -> None:
    text = (
        HEAD
        + """\
sections:
  - id: 1st
    questions:
      - {id: q1, type: text, text: Q1, goto: q9}
  - id: s2
    when: answered(q1)
    questions:
      - {id: q2, type: text, text: Q2, goto: s2}
"""
    )
    assert codes(text) == ["QD205", "QD402"]
    message = validate_text(text).diagnostics[1].message
    assert (
        message == "goto 's2' names no question; 's2' is a section: name its first question, 'q2'"
    )


def test_an_unknown_section_key_does_not_hide_the_sections_problems() -> None:
    text = (
        HEAD
        + """\
sections:
  - id: s
    titel: Start
    questions:
      - {id: q1, type: number, text: Q1, min: 5, max: 1}
"""
    )
    assert codes(text) == ["QD201", "QD305"]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        # the language is wrong: texts are not compared with a stand-in language
        ("langauge: en\ntranslations: [de]\n", ["QD201", "QD202", "QD305"]),
        ("language: en\ntranslations: de\n", ["QD202", "QD203", "QD305"]),
        # a missing title gets a stand-in, which lacks no translation
        ("language: en\ntranslations: [de]\n", ["QD202", "QD305"]),
        # a wrong optional key is left out; the texts are still checked
        ("language: en\nversion: ''\ntitle: {en: T, de: T}\n", ["QD206", "QD305", *["QD309"] * 2]),
    ],
)
def test_broken_instrument_keys_cause_no_false_errors(top: str, expected: list[str]) -> None:
    text = (
        "qdef: 1\nid: t\n"
        + top
        + """\
sections:
  - id: s
    questions:
      - {id: q1, type: number, text: {en: Q, de: F}, min: 5, max: 1}
"""
    )
    assert sorted(codes(text)) == expected


def test_numbers_are_not_compared_when_questions_are_left_out() -> None:
    """'q3' would be shown as 2 without the broken 'q2': no false QD409."""
    text = (
        HEAD
        + """\
sections:
  - id: s
    questions:
      - {id: q1, type: text, text: Q1}
      - {id: q2, type: texts, text: Q2}
      - {id: q3, type: text, text: Q3}
      - {id: q4, type: text, number: "2", text: Q4}
"""
    )
    assert codes(text) == ["QD207"]


@pytest.mark.parametrize(
    "sections",
    [
        "sections: []\n",
        "sections: 3\n",
        "sections:\n  - 3\n",
        "sections:\n  - {id: s, questions: []}\n",
        "sections:\n  - {id: s, questions: [{id: q1, type: nope, text: Q}]}\n",
    ],
)
def test_nothing_left_to_check_gives_the_structural_errors_alone(sections: str) -> None:
    assert all(code.startswith("QD2") for code in codes(HEAD + sections))


def test_another_format_version_is_not_checked_as_version_1() -> None:
    text = HEAD.replace("qdef: 1", "qdef: 2") + (
        "sections:\n  - id: s\n    questions:\n"
        "      - {id: q1, type: number, text: Q, min: 5, max: 1}\n"
    )
    assert codes(text) == ["QD204"]
    assert codes(text.replace("qdef: 2\n", "")) == ["QD202", "QD305"]


def test_a_question_with_an_unknown_or_wrong_optional_key_is_still_checked() -> None:
    """Only the wrong key is left out, not the question: its id still counts for
    duplicates, its option codes are still checked, and conditions on it are typed."""
    text = (
        HEAD
        + """\
sections:
  - id: s1
    questions:
      - {id: q2, type: number, colour: red, text: "N?"}
      - {id: q2, type: text, text: "T?"}
      - {id: q6, type: single, required: maybe, text: "S?",
         options: [{code: a, label: A}, {code: a, label: B}]}
      - {id: q7, type: number, unit: 5, text: "M?"}
      - {id: q8, type: text, when: 'q7 == "x"', text: "X"}
"""
    )
    assert found(text) == [
        ("QD201", 8, 32),  # colour: unknown
        ("QD401", 9, 14),  # the second q2, although the first has an unknown key
        ("QD203", 10, 42),  # required: maybe
        ("QD301", 11, 48),  # the option code a twice, in the question with a wrong key
        ("QD203", 12, 38),  # unit: 5
        ("QD506", 13, 43),  # q7 is a number, although its unit is wrong
    ]
