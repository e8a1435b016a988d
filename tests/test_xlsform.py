"""The XLSForm writer of the pyxform benchmark (benchmarks/xlsform.py).

pyxform converts what it writes; the rows of a small hand-made instrument are
exactly as expected; and the relevance it writes means what qdef's walk means:
the gotos skip exactly what qdef skips, and on generated respondents the
questions whose relevance holds (evaluated with XPath 1.0 semantics, a
non-relevant question counting as empty) are exactly those qdef's walk shows.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import qdef
from benchmarks.synthetic import Question, generate, synthetic, to_yaml
from benchmarks.xlsform import goto_skips, write_xlsform, xlsform_rows
from qdef.routing import analyse, walk
from qdef.routing.plan import compile_plan

pytest.importorskip("openpyxl")
xls2xform = pytest.importorskip("pyxform.xls2xform")

XF = "{http://www.w3.org/2002/xforms}"
CONTROLS = (f"{XF}select1", f"{XF}select", f"{XF}input")


def _variables(questions: Sequence[Question]) -> int:
    """qdef's variables: one per choice, text or number question, one per matrix row."""
    return sum(len(q["rows"]) if q["type"] == "matrix" else 1 for q in questions)


def _convert(questions: Sequence[Question], tmp_path: Path) -> ET.Element:
    xlsx, xml = tmp_path / "form.xlsx", tmp_path / "form.xml"
    write_xlsform(questions, xlsx, form_id="synth", title="Synthetic")
    warnings = xls2xform.xls2xform_convert(xlsform_path=xlsx, xform_path=xml, validate=False)
    assert warnings == []
    return ET.parse(xml).getroot()


def _binds(root: ET.Element) -> dict[str, dict[str, str]]:
    """Last path segment (question, row or section) -> the bind's attributes."""
    binds = root.iter(f"{XF}bind")
    return {b.attrib["nodeset"].rsplit("/", 1)[1]: b.attrib for b in binds}


# Exact relevance as pyxform writes it (paths expanded, with its spacing), by seed.
KNOWN_RELEVANCE = {
    0: {
        "q10": "( /data/s1/q1  = '3' and  /data/s1/q6  = '4')",
        "q70": (
            "( /data/s1/q40  != '3' and ( /data/s1/q42  = '1' or  /data/s1/q42  = '4' or "
            " /data/s1/q42  = '5'))"
        ),
        "q80": "selected( /data/s3/q77 , 'none')",
        "q100": " /data/s3/q76  > 5",
        "q114": "not( /data/s3/q113  = '5')",
        "q140": " /data/s4/q136  != '4'",
    },
    1: {
        "s3": " /data/s2/q53  = '4'",
        "q116": "not( /data/s3/q115  = '5')",
        "q117": "not( /data/s3/q115  = '5') and not( /data/s3/q116  = '5')",
        "q121": "not( /data/s3/q115  = '5')",
        "q125": "not( /data/s3/q115  = '5')",
    },
}


@pytest.mark.parametrize("seed", [0, 1])
def test_pyxform_converts_the_synthetic_instrument(seed: int, tmp_path: Path) -> None:
    questions = generate(200, seed)
    root = _convert(questions, tmp_path)
    controls = [e for e in root.iter() if e.tag in CONTROLS]
    assert len(controls) == _variables(questions)
    binds = _binds(root)
    typed = [n for n, b in binds.items() if "type" in b and n != "instanceID"]
    assert len(typed) == _variables(questions)
    skips = goto_skips(questions)
    expected = len({q["section"] for q in questions if q["section_when"] is not None})
    expected += sum(1 for q in questions if q.get("when") is not None or skips[q["id"]])
    assert sum(1 for b in binds.values() if "relevant" in b) == expected
    for name, relevant in KNOWN_RELEVANCE[seed].items():
        assert binds[name]["relevant"] == relevant, name
    # Every relevance is pyxform's expansion of the row written, nothing else.
    written = {r[1]: r[4] for r in xlsform_rows(questions)["survey"][1:] if r[4]}
    unexpanded = {
        n: re.sub(r" /data/(?:\w+/)*(\w+) ", r"${\1}", b["relevant"])
        for n, b in binds.items()
        if "relevant" in b
    }
    assert unexpanded == written


def test_the_xlsx_is_byte_identical_and_its_rows_deterministic(tmp_path: Path) -> None:
    questions = generate(60, 3)
    write_xlsform(questions, tmp_path / "a.xlsx")
    write_xlsform(generate(60, 3), tmp_path / "b.xlsx")
    digest = [hashlib.sha256((tmp_path / f"{n}.xlsx").read_bytes()).digest() for n in "ab"]
    assert digest[0] == digest[1]
    assert xlsform_rows(questions) == xlsform_rows(generate(60, 3))


# ------------------------------------------------------------------ small instrument


def _q(qid: str, type_: str, section: str, **keys: Any) -> Question:
    titles = {"s1": "Teil 1", "s2": "Teil 2"}
    section_when = ("!=", "q1", "1") if section == "s2" else None
    question: Question = {"id": qid, "type": type_, "text": f"Frage {qid}", "required": False}
    question.update(section=section, section_title=titles[section], section_when=section_when)
    question.update(keys)
    return question


YES_NO = [{"code": "1", "label": "ja"}, {"code": "2", "label": "nein"}]
DONT_KNOW = {"code": "3", "label": "weiß nicht"}
TINY: list[Question] = [
    _q(
        "q1",
        "single",
        "s1",
        required=True,
        options=[YES_NO[0], {**YES_NO[1], "goto": "q5"}, DONT_KNOW],
    ),
    _q(
        "q2",
        "multiple",
        "s1",
        options=[
            {"code": "a", "label": "A"},
            {"code": "none", "label": "keines", "exclusive": True},
        ],
    ),
    _q("q3", "number", "s1", kind="integer", min=0, max=10, when=("has", "q2", "a")),
    _q(
        "q4",
        "matrix",
        "s2",
        required=True,
        when=(">", "q3", 5),
        scale=[{"code": "1", "label": "gut"}, {"code": "2", "label": "schlecht"}],
        rows=[{"code": "r1", "label": "Planung"}, {"code": "r2", "label": "Umsetzung"}],
    ),
    _q("q5", "single", "s2", options=YES_NO, when=("in", "q1", ("1", "2"))),
    _q("q6", "text", "s2", when=("and", ("==", "q4.r1", "2"), ("has", "q2", "a"))),
    _q("q7", "single", "s2", required=True, options=[{**YES_NO[0], "goto": "end"}, YES_NO[1]]),
    _q("q8", "text", "s2", when=("==", "q5", "1")),
]

NONE_ONLY = "not(selected(., 'none') and count-selected(.) > 1)"
TINY_SURVEY = [
    ("type", "name", "label", "required", "relevant", "constraint", "constraint_message",
     "appearance"),
    ("begin_group", "s1", "Teil 1", "", "", "", "", ""),
    ("select_one single_q1", "q1", "Frage q1", "yes", "", "", "", ""),
    ("select_multiple multiple_q2", "q2", "Frage q2", "", "not(${q1} = '2')", NONE_ONLY,
     "„keines“ kann nicht mit anderen Antworten kombiniert werden.", ""),
    ("integer", "q3", "Frage q3", "", "selected(${q2}, 'a') and not(${q1} = '2')",
     ". >= 0 and . <= 10", "Bitte eine ganze Zahl von 0 bis 10 angeben.", ""),
    ("end_group", "s1", "", "", "", "", "", ""),
    ("begin_group", "s2", "Teil 2", "", "${q1} != '1'", "", "", ""),
    ("begin_group", "q4", "Frage q4", "", "${q3} > 5 and not(${q1} = '2')", "", "",
     "field-list"),
    ("select_one scale_q4", "q4_r1", "Planung", "yes", "", "", "", ""),
    ("select_one scale_q4", "q4_r2", "Umsetzung", "yes", "", "", "", ""),
    ("end_group", "q4", "", "", "", "", "", ""),
    ("select_one single_q5", "q5", "Frage q5", "", "(${q1} = '1' or ${q1} = '2')", "", "", ""),
    ("text", "q6", "Frage q6", "", "(${q4_r1} = '2' and selected(${q2}, 'a'))", "", "", ""),
    ("select_one single_q5", "q7", "Frage q7", "yes", "", "", "", ""),
    ("text", "q8", "Frage q8", "", "${q5} = '1' and not(${q7} = '1')", "", "", ""),
    ("end_group", "s2", "", "", "", "", "", ""),
]  # fmt: skip


def test_rows_of_a_small_instrument() -> None:
    sheets = xlsform_rows(TINY, form_id="tiny", title="Klein", version="7")
    assert sheets["survey"] == TINY_SURVEY
    assert sheets["choices"] == [
        ("list_name", "name", "label"),
        ("single_q1", "1", "ja"),
        ("single_q1", "2", "nein"),
        ("single_q1", "3", "weiß nicht"),
        ("multiple_q2", "a", "A"),
        ("multiple_q2", "none", "keines"),
        ("scale_q4", "1", "gut"),
        ("scale_q4", "2", "schlecht"),
        ("single_q5", "1", "ja"),
        ("single_q5", "2", "nein"),
    ]
    assert sheets["settings"] == [("form_id", "form_title", "version"), ("tiny", "Klein", "7")]


def test_the_small_instrument_converts(tmp_path: Path) -> None:
    root = _convert(TINY, tmp_path)
    assert len([e for e in root.iter() if e.tag in CONTROLS]) == _variables(TINY)
    assert _binds(root)["q4_r1"]["required"] == "true()"


# ------------------------------------------------------------------ equivalence


@pytest.mark.parametrize("seed", [0, 1])
def test_gotos_skip_exactly_what_qdef_skips(seed: int) -> None:
    questions = generate(200, seed)
    instrument = qdef.loads(synthetic(200, seed))
    plan = compile_plan(instrument)
    analysis = analyse(plan)
    ids = [q["id"] for q in questions]
    skipped_by: dict[tuple[str, str], set[str]] = {}
    for qid, guards in goto_skips(questions).items():
        for guard in guards:
            skipped_by.setdefault(guard, set()).add(qid)
    routing = {
        (s.question.id, code): target for s in plan.steps for code, target in s.option_gotos.items()
    }
    assert set(skipped_by) == set(routing)
    for (source, code), target in routing.items():
        position = ids.index(source)
        # qdef's plan: the walk continues at the target, past everything in between ...
        assert skipped_by[source, code] == set(ids[position + 1 : target])
        # ... and a respondent who is shown the question and chooses the option sees none
        # of them, and is shown the target next if its conditions hold.
        witness = analysis.witness(source)
        assert witness is not None
        result = walk(instrument, {**witness, source: code})
        assert source in result.ids
        after = result.positions[result.ids.index(source) + 1 :]
        assert not set(result.ids) & skipped_by[source, code]
        if after and plan.steps[target].when is None:
            assert after[0] == target


# A small XPath 1.0 evaluator for the relevance the writer emits: comparisons of a
# ${variable} with a literal, selected(), not(), and, or, parentheses.
_TOKEN = re.compile(r"\s*(\$\{\w+\}|'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?|!=|>=|<=|[=<>(),]|\w+)")
Values = dict[str, str]
Predicate = Callable[[Values], bool]


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _compare(op: str, value: str, literal: str) -> bool:
    if literal[0] in "'\"":  # a string: string comparison
        text = literal[1:-1]
        return value == text if op == "=" else value != text if op == "!=" else False
    left, right = _number(value), float(literal)  # a number: NaN compares false
    return {
        "=": left == right,
        "!=": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]


def compile_xpath(source: str) -> Predicate:
    tokens: list[str] = _TOKEN.findall(source)
    assert "".join(tokens) == re.sub(r"\s+", "", source), source
    at = 0

    def take(expected: str | None = None) -> str:
        nonlocal at
        token = tokens[at]
        assert expected is None or token == expected, (source, at, token)
        at += 1
        return token

    def peek() -> str | None:
        return tokens[at] if at < len(tokens) else None

    def disjunction() -> Predicate:
        parts = [conjunction()]
        while peek() == "or":
            take()
            parts.append(conjunction())
        return lambda v: any(p(v) for p in parts)

    def conjunction() -> Predicate:
        parts = [unary()]
        while peek() == "and":
            take()
            parts.append(unary())
        return lambda v: all(p(v) for p in parts)

    def unary() -> Predicate:
        token = take()
        if token == "(":
            inner = disjunction()
            take(")")
            return inner
        if token == "not":
            take("(")
            negated = disjunction()
            take(")")
            return lambda v: not negated(v)
        if token == "selected":
            take("(")
            name = take()[2:-1]
            take(",")
            code = take()[1:-1]
            take(")")
            return lambda v: code in v[name].split()
        assert token.startswith("${"), (source, token)
        name, op, literal = token[2:-1], take(), take()
        return lambda v: _compare(op, v[name], literal)

    predicate = disjunction()
    assert at == len(tokens), source
    return predicate


def _respondent(questions: Sequence[Question], rnd: random.Random) -> dict[str, Any]:
    """Valid answers for every variable, about one in ten left unanswered."""
    answers: dict[str, Any] = {}
    for q in questions:
        kind = q["type"]
        if kind == "matrix":
            codes = [c["code"] for c in q["scale"]]
            for row in q["rows"]:
                if rnd.random() > 0.1:
                    answers[f"{q['id']}.{row['code']}"] = rnd.choice(codes)
            continue
        if rnd.random() < 0.1:
            continue
        if kind == "single":
            answers[q["id"]] = rnd.choice(q["options"])["code"]
        elif kind == "multiple":
            options = q["options"]
            exclusive = [o["code"] for o in options if o.get("exclusive")]
            if exclusive and rnd.random() < 0.3:
                answers[q["id"]] = exclusive[:1]
            else:
                others = [o["code"] for o in options if not o.get("exclusive")]
                answers[q["id"]] = rnd.sample(others, rnd.randint(1, min(3, len(others))))
        elif kind == "number":
            numbers = (0, 3, 5, 6, 10, 11, 20, 21, q["max"])
            answers[q["id"]] = rnd.choice([x for x in numbers if q["min"] <= x <= q["max"]])
        else:
            answers[q["id"]] = "Antwort"
    return answers


def _xform_shown(survey: list[tuple[str, ...]], answers: dict[str, Any]) -> list[str]:
    """The questions a form filler shows, going through the rows in order: a control is
    shown when it and all its groups are relevant; a non-relevant one stays empty."""
    values: Values = {}
    groups: list[tuple[str, bool]] = []
    shown: list[str] = []
    for kind, name, *_, relevant, _c, _m, _a in (row[:8] for row in survey[1:]):
        holds = all(g for _, g in groups) and (not relevant or compile_xpath(relevant)(values))
        if kind == "begin_group":
            groups.append((name, holds))
            if re.fullmatch(r"q\d+", name) and holds:  # a matrix: shown with its group
                shown.append(name)
        elif kind == "end_group":
            groups.pop()
        else:
            variable = re.sub(r"^(q\d+)_(r\d+)$", r"\1.\2", name)
            answer = answers.get(variable) if holds else None
            if isinstance(answer, list):
                answer = " ".join(answer)
            values[name] = "" if answer is None else str(answer)
            if holds and not re.fullmatch(r"q\d+_r\d+", name):
                shown.append(name)
    return shown


@pytest.mark.parametrize(("n", "seed"), [(200, 0), (200, 1), (400, 1)])
def test_relevance_shows_what_the_walk_shows(n: int, seed: int) -> None:
    questions = generate(n, seed)
    instrument = qdef.loads(synthetic(n, seed))
    survey = xlsform_rows(questions)["survey"]
    rnd = random.Random(f"xlsform-{n}-{seed}")
    jumped = 0
    for _ in range(150):
        answers = _respondent(questions, rnd)
        expected = walk(instrument, answers).ids
        assert _xform_shown(survey, answers) == list(expected)
        jumped += len(expected) < n - 10
    assert jumped > 0  # some respondents took a goto or a filter out


def test_the_small_instrument_relevance_matches_the_walk() -> None:
    instrument = qdef.loads(to_yaml(TINY, "tiny", "Klein"))
    survey = xlsform_rows(TINY)["survey"]
    rnd = random.Random("tiny")
    for _ in range(400):
        answers = _respondent(TINY, rnd)
        assert _xform_shown(survey, answers) == list(walk(instrument, answers).ids), answers
