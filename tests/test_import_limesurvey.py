"""Importing LimeSurvey archives (issue 20): qdef.importing.limesurvey.

Small archives written for these tests (tests/lssfixture.py), the ExpressionScript
parser and its translation (checked against tests/lsexpr.py's evaluator on
generated answers), hostile XML, and every archive of ../shared/corpus when it is
there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdef.expr.parser import parse as parse_qdef
from qdef.importing.limesurvey import archive as lss_archive
from qdef.importing.limesurvey import read, read_bytes, script
from qdef.importing.limesurvey.translate import Symbol, Translator, Untranslatable
from qdef.importing.report import ImportRefused, ImportResult
from qdef.pipeline import validate_text
from qdef.routing.evaluate import holds
from tests import lsexpr
from tests.lssfixture import G, Q, archive

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "limesurvey"


def imported(text: str) -> ImportResult:
    return read_bytes(text.encode("utf-8"), "test.lss")


def errors_of(document: dict[str, Any], tmp: str = "import.yaml") -> list[str]:
    result = validate_text(json.dumps(document, ensure_ascii=False), Path(tmp))
    return [f"{d.code} {d.message}" for d in result.diagnostics if d.is_error]


def questions(result: ImportResult) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for s in result.document["sections"] for q in s["questions"]}


# the question types --------------------------------------------------------------

SURVEY = [
    Q(
        10,
        "L",
        "car",
        "<p>Which <b>car</b>?</p>",
        mandatory="Y",
        other="Y",
        answers=[("A1", "Small", 0), ("A2", "Large", 0)],
    ),
    Q(
        11,
        "M",
        "transport",
        "How do you travel?",
        subquestions=[
            (111, "bus", "Bus", 0, ""),
            (112, "bike", "Bike", 0, ""),
            (113, "none", "None", 0, ""),
        ],
        attributes={"exclude_all_others": "none", "max_answers": "2"},
    ),
    Q(
        12,
        "N",
        "age",
        "How old are you?",
        relevance='car.NAOK == "A1"',
        attributes={
            "min_num_value_n": "0",
            "max_num_value_n": "120",
            "num_value_int_only": "1",
            "suffix": "years",
        },
    ),
    Q(
        13,
        "F",
        "satisf",
        "How satisfied?",
        relevance="!is_empty(transport_bus.NAOK)",
        subquestions=[(131, "SQ001", "Price", 0, ""), (132, "SQ002", "Speed", 0, "")],
        answers=[("1", "Bad", 0), ("2", "Good", 0)],
    ),
    Q(
        14,
        "S",
        "name",
        "Your name, {age}?",
        relevance="age.NAOK < 18",
        attributes={
            "em_validation_q": "strlen(name.NAOK) <= 20",
            "em_validation_q_tip": "At most 20 characters",
        },
    ),
    Q(
        15,
        "R",
        "prio",
        "Rank these",
        answers=[("A", "Price", 0), ("B", "Place", 0), ("C", "Size", 0)],
        attributes={"max_answers": "2"},
    ),
    Q(16, "X", "thanks", "Thank you, {name}."),
    Q(17, "*", "adult", "{age.NAOK >= 18}"),
    Q(18, "Y", "again", "Again?", relevance='prio_1.NAOK == "B"'),
    Q(
        19,
        "K",
        "hours",
        "Hours",
        subquestions=[(191, "work", "Work", 0, ""), (192, "play", "Play", 0, "")],
        attributes={"equals_num_value": "24"},
    ),
    Q(
        20,
        ":",
        "grid",
        "Numbers",
        subquestions=[(201, "r1", "Row", 0, ""), (202, "c1", "Col", 1, "")],
    ),
    Q(
        21,
        "1",
        "dual",
        "Dual",
        subquestions=[(211, "r1", "Row", 0, "")],
        answers=[("a", "A", 0), ("b", "B", 1)],
    ),
    Q(22, "|", "upload", "A file"),
    Q(23, "T", "why", "Why?", relevance="regexMatch('/x/', name.NAOK)"),
    Q(24, "T", "never", "Never shown", relevance="0"),
    Q(25, "T", "grown", "Adult?", relevance="adult == 1 or !adult.NAOK"),
]


def test_every_kind_imports_and_validates() -> None:
    result = imported(archive(SURVEY))
    assert errors_of(result.document) == []
    found = questions(result)
    car = found["car"]
    assert list(car)[:2] == ["id", "type"]
    assert car["type"] == "single" and car["required"] is True
    assert car["text"] == "Which car?"
    assert car["options"][-1]["code"] == "other"
    assert car["options"][-1]["specify"] == [{"id": "car_other"}]
    transport = found["transport"]
    assert transport["options"][2] == {"code": "none", "label": "None", "exclusive": True}
    assert transport["max_choices"] == 2
    assert found["age"]["when"] == 'car == "A1"'
    assert (
        found["age"] | {"kind": "integer", "min": 0, "max": 120, "suffix": "years"}
        == (found["age"])
    )
    assert found["satisf"]["when"] == 'transport has "bus"'
    assert found["satisf"]["type"] == "matrix"
    # "" < 18 is true in ExpressionScript: an unanswered age shows the question
    assert found["name"]["when"] == "not answered(age) or age < 18"
    assert found["name"]["text"] == "Your name, {age|}?"
    assert found["name"]["rules"] == [
        {"check": "len(name) <= 20", "message": "At most 20 characters"}
    ]
    assert found["prio"]["top"] == 2
    assert found["thanks"] == {"id": "thanks", "type": "display", "text": "Thank you, {name|}."}
    assert found["adult"] == {"id": "adult", "type": "computed", "value": "age >= 18"}
    assert found["again"]["when"] == 'rank(prio, "B") == 1'
    assert found["hours"]["total"] == {"equals": 24}
    assert found["grid"]["columns"][0]["input"] == "number"
    assert [s["code"] for s in found["dual"]["scales"]] == ["s0", "s1"]
    assert "upload" not in found and "when" not in found["why"]
    statuses = {o.code: result.status(o) for o in result.origins}
    assert statuses["upload"] == "left out"
    assert statuses["why"] == "approximated"  # its relevance is left out
    assert statuses["satisf"] == "faithful"
    assert statuses["car"] == "approximated"  # the <b> formatting is lost
    assert all(loss.where and loss.why for loss in result.losses)
    lines = [loss.line() for loss in result.losses]
    assert any("question why (qid 23): left out: the relevance equation" in x for x in lines)
    assert any("formatting (b)" in x for x in lines)
    assert result.notes[("sections", 0, "questions", 0)] == ["LimeSurvey car, qid 10, type L"]
    assert found["never"]["when"] == "false"
    # a computed truth value is stored as "1" or "": adult == 1 is adult
    assert found["grown"]["when"] == "adult or not adult"
    assert result.counts() == {"faithful": 13, "approximated": 2, "left out": 1}


def test_old_layout_with_two_languages_gives_translations() -> None:
    text = archive(
        [
            Q(
                1,
                "L",
                "q1",
                {"en": "Colour?", "de": "Farbe?"},
                answers=[("r", "Red", 0), ("g", "Green", 0)],
            ),
            Q(2, "Y", "q2", {"en": "Sure?", "de": ""}, relevance='q1 == "r"'),
        ],
        groups=[G(1, {"en": "Start", "de": "Anfang"})],
        languages=("en", "de"),
        dbversion=177,
        title={"en": "Colours", "de": "Farben"},
    )
    result = imported(text)
    document = result.document
    assert document["language"] == "en" and document["translations"] == ["de"]
    assert document["title"] == {"en": "Colours", "de": "Farben"}
    found = questions(result)
    assert found["q1"]["text"] == {"en": "Colour?", "de": "Farbe?"}
    # a missing translation is the base language's text, as LimeSurvey fills it in
    assert found["q2"]["text"] == {"en": "Sure?", "de": "Sure?"}
    assert found["q2"]["options"][0]["label"] == {"en": "Yes", "de": "Ja"}
    assert found["q2"]["when"] == 'q1 == "r"'
    assert errors_of(document) == []


def test_subquestion_validation_is_a_rule_on_every_part() -> None:
    result = imported(
        archive(
            [
                Q(
                    1,
                    "K",
                    "nums",
                    "Numbers",
                    subquestions=[(11, "a", "A", 0, ""), (12, "b", "B", 0, "")],
                    attributes={
                        "em_validation_sq": "this > 2",
                        "em_validation_sq_tip": "More than 2",
                    },
                ),
            ]
        )
    )
    assert questions(result)["nums"]["rules"] == [
        {"check": "nums.a > 2 and nums.b > 2", "message": "More than 2"}
    ]
    assert result.losses == []
    assert errors_of(result.document) == []


def test_array_filters_by_multiple_ranking_and_array() -> None:
    rows3 = [(0, "a", "A", 0, ""), (0, "b", "B", 0, ""), (0, "c", "C", 0, "")]

    def subs(base: int) -> list[tuple[int, str, str, int, str]]:
        return [
            (base + i, code, label, scale, rel)
            for i, (_, code, label, scale, rel) in enumerate(rows3)
        ]

    answers = [("1", "One", 0), ("2", "Two", 0)]
    result = imported(
        archive(
            [
                Q(1, "M", "pick", "Pick", subquestions=subs(10)),
                Q(2, "R", "order", "Order", answers=[("a", "A", 0), ("b", "B", 0)]),
                Q(3, "K", "hours", "Hours", subquestions=subs(30)),
                Q(
                    4,
                    "F",
                    "f1",
                    "By pick",
                    subquestions=subs(40),
                    answers=answers,
                    attributes={"array_filter": "pick"},
                ),
                Q(
                    5,
                    "F",
                    "f2",
                    "By order",
                    subquestions=subs(50),
                    answers=answers,
                    attributes={"array_filter_exclude": "order"},
                ),
                Q(
                    6,
                    "F",
                    "f3",
                    "By hours",
                    subquestions=subs(60),
                    answers=answers,
                    attributes={"array_filter": "hours"},
                ),
            ]
        )
    )
    found = questions(result)
    assert found["f1"]["filter"] == {"chosen_in": "pick"}
    assert [r.get("when") for r in found["f2"]["rows"]] == [
        'not order has "a"',
        'not order has "b"',
        None,
    ]
    assert [r["when"] for r in found["f3"]["rows"]] == [
        "answered(hours.a)",
        "answered(hours.b)",
        "answered(hours.c)",
    ]
    kinds = {(x.question, x.kind) for x in result.losses}
    assert kinds == {("f2", "approximated"), ("f3", "approximated")}
    assert errors_of(result.document) == []


def test_a_hidden_question_is_a_hidden_variable() -> None:
    result = imported(
        archive(
            [
                Q(
                    1,
                    "L",
                    "region",
                    "Region",
                    answers=[("N", "North", 0), ("S", "South", 0)],
                    attributes={"hidden": "1"},
                    relevance="1",
                ),
                Q(2, "S", "city", "City?", relevance='region.NAOK == "N"'),
                Q(
                    3,
                    "F",
                    "grid",
                    "Hidden array",
                    subquestions=[(31, "r", "R", 0, "")],
                    answers=[("1", "One", 0)],
                    attributes={"hidden": "1"},
                ),
            ]
        )
    )
    document = result.document
    assert list(document)[-2:] == ["hidden", "sections"]
    assert document["hidden"] == [
        {
            "id": "region",
            "type": "choice",
            "label": "Region",
            "options": [{"code": "N", "label": "North"}, {"code": "S", "label": "South"}],
        }
    ]
    assert questions(result)["city"]["when"] == 'region == "N"'
    assert [o.at for o in result.origins] == [
        ("hidden", 0),
        ("sections", 0, "questions", 0),
        ("sections", 0, "questions", 1),
    ]
    assert [(x.question, x.what) for x in result.losses] == [("grid", "the attribute 'hidden'")]
    assert errors_of(document) == []


def test_a_one_field_slider_is_a_number_with_a_slider() -> None:
    result = imported(
        archive(
            [
                Q(
                    1,
                    "K",
                    "mood",
                    "Mood?",
                    subquestions=[(11, "SQ001", "Score", 0, "")],
                    attributes={
                        "slider_layout": "1",
                        "slider_min": "0",
                        "slider_max": "10",
                        "slider_accuracy": "1",
                        "num_value_int_only": "1",
                    },
                ),
                Q(2, "S", "why", "Why?", relevance="mood_SQ001.NAOK > 5"),
            ]
        )
    )
    found = questions(result)
    assert found["mood"] == {
        "id": "mood",
        "type": "number",
        "text": "Mood?",
        "label": "Score",
        "kind": "integer",
        "widget": "slider",
        "min": 0,
        "max": 10,
        "step": 1,
    }
    assert found["why"]["when"] == "mood > 5"
    assert result.losses == []
    assert errors_of(result.document) == []


def test_codes_qdef_cannot_name_are_mapped_with_a_loss() -> None:
    result = imported(
        archive(
            [
                Q(1, "L", "end", "Where?", answers=[("a-1", "A", 0), ("b", "B", 0)]),
                Q(2, "S", "next", "Next", relevance='end == "a-1"'),
            ]
        )
    )
    found = questions(result)
    assert "end_" in found
    assert found["end_"]["options"][0]["code"] == "a_1"
    assert found["next"]["when"] == 'end_ == "a_1"'
    whats = [loss.what for loss in result.losses]
    assert "the code of the question 'end'" in whats
    assert "the code 'a-1' of an answer" in whats
    assert errors_of(result.document) == []


def test_a_later_question_in_a_relevance_is_a_loss() -> None:
    # ExpressionScript allows it, qdef does not
    result = imported(
        archive(
            [
                Q(1, "S", "first", "First", relevance='second.NAOK == "x"'),
                Q(2, "S", "second", "Second"),
            ]
        )
    )
    assert "when" not in questions(result)["first"]
    assert [(loss.question, loss.kind, loss.what) for loss in result.losses] == [
        ("first", "left out", "the relevance equation")
    ]
    assert "asked later" in result.losses[0].why
    assert errors_of(result.document) == []


def test_what_qdef_refuses_is_taken_out_with_a_loss() -> None:
    # the filtered list has a code its source lacks (QD313): the filter is taken out
    result = imported(
        archive(
            [
                Q(
                    1,
                    "M",
                    "src",
                    "Which?",
                    subquestions=[(11, "a", "A", 0, ""), (12, "b", "B", 0, "")],
                ),
                Q(
                    2,
                    "L",
                    "dst",
                    "Best?",
                    answers=[("a", "A", 0), ("c", "C", 0)],
                    attributes={"array_filter": "src"},
                ),
            ]
        )
    )
    assert "filter" not in questions(result)["dst"]
    losses = [(x.question, x.kind, x.what) for x in result.losses]
    assert losses == [("dst", "left out", 'the filter {"chosen_in": "src"}')]
    assert result.losses[0].at == ("sections", 0, "questions", 1)
    assert errors_of(result.document) == []


# ExpressionScript ----------------------------------------------------------------

SYMBOLS = {
    "Q1": Symbol("choice", "Q1", codes={"A1": "A1", "A2": "A2", "1": "1", "2": "2", "10": "10"}),
    "N1": Symbol("number", "N1"),
    "T1": Symbol("text", "T1"),
    "M1_a": Symbol("check", "M1", code="a"),
    "M1_b": Symbol("check", "M1", code="b"),
}


@pytest.mark.parametrize(
    ("equation", "expected"),
    [
        ('Q1.NAOK == "A1"', 'Q1 == "A1"'),
        ("Q1.NAOK eq 'A1' || N1.NAOK gt 3", 'Q1 == "A1" or N1 > 3'),
        ('Q1.NAOK != "A1"', 'Q1 != "A1"'),
        ("Q1.NAOK == 1", 'Q1 == "1"'),
        # "A1" > 1 compares texts in ExpressionScript ("A" comes after "1")
        ("Q1.NAOK > 1", 'Q1 in ["A1", "A2", "2", "10"]'),
        ("Q1.NAOK < 2", 'not answered(Q1) or Q1 == "1"'),
        ("is_empty(Q1.NAOK)", "not answered(Q1)"),
        ("!is_empty(Q1.NAOK)", "answered(Q1)"),
        ('T1.NAOK == ""', "not answered(T1)"),
        ("N1.NAOK >= 18 and N1.NAOK <= 65", "N1 >= 18 and (not answered(N1) or N1 <= 65)"),
        ("N1.NAOK <= 5", "not answered(N1) or N1 <= 5"),
        ('M1_a.NAOK == "Y"', 'M1 has "a"'),
        ('M1_a.NAOK != "Y" && !(M1_b.NAOK == "Y")', 'not M1 has "a" and not M1 has "b"'),
        ("count(M1_a.NAOK, M1_b.NAOK) > 1", 'if(M1 has "a", 1, 0) + if(M1 has "b", 1, 0) > 1'),
        ("sum(N1.NAOK, 2) > 3", "sum(N1, 2) > 3"),
        (
            '(Q1.NAOK == "A1" or Q1.NAOK == "A2") and T1.NAOK != "x"',
            '(Q1 == "A1" or Q1 == "A2") and T1 != "x"',
        ),
    ],
)
def test_equations_translate_exactly(equation: str, expected: str) -> None:
    translator = Translator(SYMBOLS)
    assert translator.condition(script.parse(equation)) == expected
    assert translator.notes == []
    parse_qdef(expected)


@pytest.mark.parametrize(
    ("equation", "reason"),
    [
        ("regexMatch('/a/', T1.NAOK)", "regexMatch() has no qdef equivalent"),
        ('Q1.NAOK == "zz"', "'zz' is not a code of Q1"),
        ("unknown.NAOK == 1", "unknown is not a variable"),
        ("Q1.qid == 3", "no attribute .qid"),
        ("1 == 1", "two constants"),
    ],
)
def test_untranslatable_equations_say_why(equation: str, reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason.replace("(", r"\(").replace(")", r"\)")):
        Translator(SYMBOLS).condition(script.parse(equation))


def test_syntax_errors_point_at_the_character() -> None:
    with pytest.raises(script.ScriptError, match="'=' assigns"):
        script.parse("a = 1")
    with pytest.raises(script.ScriptError, match="at character 6"):
        script.parse('a == "b')
    assert script.parse("12345X6X78 == 1") == script.Binary(
        "==", script.Var("12345X6X78"), script.Num("1")
    )
    # unary operators bind tightest, as in LimeSurvey
    assert script.parse("!a == b") == script.Binary(
        "==", script.Unary("!", script.Var("a")), script.Var("b")
    )


_names = st.sampled_from(["a", "b.NAOK", "Q1_SQ2.NAOK", "that.Q.NAOK", "x.shown", "123X4X5"])
_leaves = st.one_of(
    _names.map(script.Var),
    st.from_regex(r"(0|[1-9][0-9]{0,3})(\.[0-9]{1,2})?", fullmatch=True).map(script.Num),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\\"), max_size=6).map(
        script.Str
    ),
)
_trees = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.builds(script.Unary, st.sampled_from(["!", "-"]), inner),
        st.builds(script.Binary, st.sampled_from(sorted(script.LEVELS)), inner, inner),
        st.builds(
            script.Call,
            st.sampled_from(["if", "count", "sum"]),
            st.lists(inner, max_size=3).map(tuple),
        ),
    ),
    max_leaves=12,
)


@given(_trees)
def test_printed_equations_parse_back(tree: script.Node) -> None:
    assert script.parse(script.show(tree)) == tree


# generated conditions on the variables of SYMBOLS, with every answer they can have
_LS_VALUES = {
    "Q1": ["", "A1", "A2", "1", "2", "10"],
    "N1": ["", "-1", "0", "2.5", "3", "10"],
    "T1": ["", "abc", "x"],
    "M1_a": ["", "Y"],
    "M1_b": ["", "Y"],
}
_LITERALS = {
    "Q1": ['"A1"', '"A2"', "1", "2", '"10"', "3", '""'],
    "N1": ["0", "3", "2.5", '"3"', "-1", '""'],
    "T1": ['"abc"', '"x"', '""'],
    "M1_a": ['"Y"', '""'],
    "M1_b": ['"Y"', '""'],
}


@st.composite
def _comparison(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(_LS_VALUES)))
    ops = ["==", "!="] if name in ("T1", "M1_a", "M1_b") else ["==", "!=", "<", "<=", ">", ">="]
    op = draw(st.sampled_from(ops))
    literal = draw(st.sampled_from(_LITERALS[name]))
    if draw(st.booleans()):
        return f"{name}.NAOK {op} {literal}"
    if draw(st.booleans()):
        return f"is_empty({name}.NAOK)"
    flipped = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
    return f"{literal} {flipped} {name}.NAOK"


_conditions = st.recursive(
    _comparison(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({' '.join(t)})"),
        inner.map(lambda c: f"!({c})"),
    ),
    max_leaves=4,
)


def _qdef_response(values: dict[str, str]) -> dict[str, Any]:
    response: dict[str, Any] = {}
    if values["Q1"]:
        response["Q1"] = values["Q1"]
    if values["N1"]:
        number = float(values["N1"])
        response["N1"] = int(number) if number.is_integer() else number
    if values["T1"]:
        response["T1"] = values["T1"]
    chosen = [code for code in ("a", "b") if values[f"M1_{code}"] == "Y"]
    if chosen:
        response["M1"] = chosen
    return response


@settings(max_examples=150, deadline=None)
@given(_conditions, st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _LS_VALUES.items()}))
def test_translation_agrees_with_expressionscript(equation: str, values: dict[str, str]) -> None:
    translator = Translator(SYMBOLS)
    try:
        translated = translator.condition(script.parse(equation))
    except Untranslatable:
        return
    if translator.notes:  # approximated: said so, and not claimed exact
        return
    expected = lsexpr.holds(equation, values)
    assert holds(parse_qdef(translated), _qdef_response(values)) == expected, translated


# safety --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<document>&b;</document>",
            "declares a document type or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<document>&x;</document>",
            "declares a document type or entities",
        ),
        (b"<survey><item/></survey>", "not a LimeSurvey survey structure"),
        (b"<document>\n<LimeSurveyDocType>Survey</LimeSurveyDocType>\n<DBVersion>", "line 3"),
        (
            b"<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>150</DBVersion>"
            b"</document>",
            "DBVersion 150 is older",
        ),
        (b"", "broken XML at line 1"),
    ],
)
def test_hostile_or_foreign_xml_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message) as refused:
        read_bytes(data, "bad.lss")
    assert str(refused.value).startswith("bad.lss: ")


def test_a_file_above_the_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.lss"
    path.write_text(archive([Q(1, "S", "q1")]), encoding="utf-8")
    monkeypatch.setattr(lss_archive, "MAX_BYTES", 100)
    with pytest.raises(ImportRefused, match="more than the 100 an archive"):
        read(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="cannot read the file"):
        read(tmp_path / "none.lss")


# the corpus ----------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("*.lss")) if CORPUS.is_dir() else [], ids=lambda p: p.name
)
def test_corpus_archive_imports_and_validates(path: Path, tmp_path: Path) -> None:
    result = read(path)
    for loss in result.losses:
        assert loss.where and loss.what and loss.why, loss
        assert loss.kind in ("approximated", "left out")
    assert {o.code for o in result.origins} >= {loss.question for loss in result.losses} - {None}
    for at in [loss.at for loss in result.losses] + [o.at for o in result.origins if o.at]:
        node: Any = result.document
        for key in at:  # every loss and origin names a node of the document
            node = node[key]
        assert isinstance(node, dict)
    target = tmp_path / "imported.yaml"
    target.write_text(json.dumps(result.document, ensure_ascii=False), encoding="utf-8")
    from qdef.pipeline import validate  # noqa: PLC0415

    problems = [d for d in validate(target) if d.is_error]
    unvalidated = [loss for loss in result.losses if loss.what == "the instrument"]
    assert not problems or unvalidated, problems[:3]
    assert not problems, problems[:3]


# the corpus benchmark (benchmarks/corpus_limesurvey.py) on two small archives ----


def test_corpus_benchmark_rows(tmp_path: Path) -> None:
    from benchmarks.corpus_limesurvey import rows  # noqa: PLC0415

    (tmp_path / "a.lss").write_text(archive([*SURVEY[:4], SURVEY[5]]), encoding="utf-8")
    (tmp_path / "b.lss").write_text(
        archive(
            [
                Q(
                    1,
                    "L",
                    "q1",
                    {"en": "Colour?", "de": "Farbe?"},
                    answers=[("r", "Red", 0), ("g", "Green", 0)],
                ),
                Q(2, "S", "q2", {"en": "Why?", "de": "Warum?"}, relevance='q1 == "r"'),
                Q(3, "S", "q3", {"en": "Else?", "de": "Sonst?"}, relevance="q1.NAOK != 'r'"),
            ],
            languages=("en", "de"),
            dbversion=177,
        ),
        encoding="utf-8",
    )
    found = {row["file"]: row for row in rows(tmp_path, respondents=15)}
    assert found["a.lss"] | {"faithful": 4, "approximated": 1, "left out": 0} == found["a.lss"]
    for row in found.values():
        assert row["validates"] is True
        assert row["codes"] == 1.0 and row["answers"] == 1.0 and row["languages"] is True
        assert row["relevance_share"] == 1.0, row
    assert found["b.lss"]["relevance"] == "3/3"


# any archive of the right shape imports without a traceback, and validates ---------

_TYPES = list("LMPNSTUQKDFABCEH1:;RX*Y5G!O|I")
_EQUATIONS = st.sampled_from(
    [
        "1",
        "",
        'q1.NAOK == "A1"',
        "q1 != 'x' or q2.NAOK > 3",
        "!is_empty(q2.NAOK)",
        "count(that.q1.NAOK) > 0",
        "q1_SQ1.NAOK == 'Y' and (q2.NAOK + 1) >= 2",
        "strlen(q3.NAOK) < 5",
        "regexMatch('/x/', q1.NAOK)",
        "q9 == 1",
        "((broken",
        "{q1}",
        "sum(q2_SQ1.NAOK, q2_SQ2.NAOK) == 10",
        "q1_1.NAOK == 'A1'",
    ]
)
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        [
            "min_answers",
            "max_answers",
            "array_filter",
            "array_filter_exclude",
            "hidden",
            "random_order",
            "em_validation_q",
            "em_validation_sq",
            "min_num_value_n",
            "max_num_value_n",
            "other_replace_text",
            "exclude_all_others",
            "display_rows",
            "date_format",
            "prefix",
            "suffix",
            "maximum_chars",
            "num_value_int_only",
        ]
    ),
    st.sampled_from(["1", "0", "3", "q1", "SQ1", "this > 1", "abc", "-2", "q1 == 'A1'"]),
    max_size=3,
)


@st.composite
def _surveys(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 6))
    found: list[Q] = []
    for n in range(1, count + 1):
        kind = draw(st.sampled_from(_TYPES))
        subs = [
            (100 * n + i, f"SQ{i}", f"Row <i>{i}</i>", 1 if i == 3 else 0, draw(_EQUATIONS))
            for i in range(1, draw(st.integers(0, 3)) + 1)
        ]
        answers = [
            (f"A{i}", f"Answer {{q1}} {i}", draw(st.sampled_from([0, 0, 1])))
            for i in range(1, draw(st.integers(0, 3)) + 1)
        ]
        found.append(
            Q(
                n,
                kind,
                draw(st.sampled_from([f"q{n}", "end", f"q{n}", "a-b"])),
                draw(st.sampled_from(["Text", "<p>A <b>b</b></p>", "", "{q1} and {{x}}", "}"])),
                relevance=draw(_EQUATIONS),
                mandatory=draw(st.sampled_from("YNS")),
                other=draw(st.sampled_from("YN")),
                subquestions=subs,
                answers=answers,
                attributes=draw(_ATTRIBUTES),
            )
        )
    languages = draw(st.sampled_from([("en",), ("de", "en"), ("fr", "xx-notalanguage1")]))
    return archive(found, languages=languages, dbversion=draw(st.sampled_from([177, 366, 620])))


@settings(max_examples=60, deadline=None)
@given(_surveys())
def test_any_archive_imports_and_validates(text: str) -> None:
    result = imported(text)
    assert errors_of(result.document) == [] or any(
        loss.what == "the instrument" for loss in result.losses
    )
    assert errors_of(result.document) == []
    for loss in result.losses:
        assert loss.where and loss.why
        assert "importer failed" not in loss.why and "check failed" not in loss.why, loss
        node: Any = result.document
        for key in loss.at:
            node = node[key]
        assert isinstance(node, dict)


# texts ---------------------------------------------------------------------------


def test_html_becomes_plain_text_and_says_what_it_lost() -> None:
    from qdef.importing.limesurvey.texts import plain  # noqa: PLC0415

    assert plain("<p>One&nbsp;<b>two</b></p><p>three<br/>four</p>") == (
        "One two\n\nthree\nfour",
        {"b"},
    )
    assert plain("<script>var a = '{x}';</script>Hi &lt;b&gt;") == ("Hi <b>", {"script"})
    assert plain("a\r\n\r\n\r\nb\x07") == ("a\n\nb", set())
    assert plain('<img src="x.png" alt="A map">') == ("A map", {"img"})


def test_tailoring_becomes_piping_where_qdef_can_say_it() -> None:
    from qdef.importing.limesurvey.texts import tailor  # noqa: PLC0415

    def pipe(inner: str) -> str | None:
        return "{name|}" if inner == "name" else None

    assert tailor("Hi {name}, {count(x)} { not } {{", pipe) == (
        "Hi {name|}, {{count(x)}} {{ not }} {{{{",
        ["count(x)"],
    )
