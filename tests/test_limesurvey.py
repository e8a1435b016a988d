"""The ``limesurvey`` renderer: an .lss that LimeSurvey 6 imports as is.

Checked on the file itself (parsed as XML), against the facts of
shared/reference/limesurvey-lss.md: every table and required column, ids
consistent, orders set, codes LimeSurvey keeps (nothing it would rename or
drop), translations complete, no ``conditions``. The relevance equations are
run by a small ExpressionScript evaluator (tests/lsexpr.py) in a model of
LimeSurvey's page flow, and must show exactly the questions qdef's walk
shows, for generated respondents, and keep exactly their answers.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qdef
from qdef.expr.printer import to_source
from qdef.renderers.limesurvey.codes import Codes, numeric
from qdef.rendering import render
from qdef.routing import walk
from qdef.testing import instruments, respondents
from tests import lsexpr
from tests.routing_strategy import routed_instruments

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
CASES = sorted((Path(__file__).parent / "cases" / "render").glob("*.yaml"))
GOLDEN = Path(__file__).parent / "golden" / "limesurvey"

QUESTION_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
SUBQUESTION_CODE = re.compile(r"[A-Za-z0-9]+")
ANSWER_CODE = re.compile(r"[A-Za-z0-9]{1,5}")
RESERVED = {"lang", "sid", "savedid", "token", "qid", "gid", "sgq"}
TYPES = set("LO!MPFH1ABCE:;KQRSTUNDYG5X*|I")
#: The question attributes the renderer writes, and the types whose config.xml in
#: LimeSurvey 6 declares them (an attribute a type does not declare is stored, then
#: never used).
ATTRIBUTE_TYPES = {
    "prefix": set("KNQS"),
    "suffix": set("KNQS"),
    "maximum_chars": set("STUNQK:;"),
    "min_num_value_n": {"N", "K"},
    "max_num_value_n": {"N", "K"},
    "num_value_int_only": {"N", "K"},
    "equals_num_value": {"K"},
    "max_num_value": {"K"},
    "value_range_allows_missing": {"K"},
    "slider_layout": {"K"},
    "slider_min": {"K"},
    "slider_max": {"K"},
    "slider_accuracy": {"K"},
    "slider_showminmax": {"K"},
    "dualscale_headerA": {"1"},
    "dualscale_headerB": {"1"},
    "answer_order": set("L!R"),
    "random_order": set("MF1K:;"),  # "M, P, arrays" (limesurvey-lss.md §4)
    "random_group": set("LMFSNDTQ:;!XKR1"),
    "date_format": {"D"},
    "date_min": {"D"},
    "date_max": {"D"},
    "exclude_all_others": set("MQ"),
    "min_answers": set("MPQKR"),
    "max_answers": set("MPQKR"),
    "other_replace_text": set("LMP!"),
    "other_comment_mandatory": set("LP!"),
    "multiflexible_checkbox": {":"},
    "multiflexible_min": {":"},
    "multiflexible_max": {":"},
    "input_boxes": {":"},
    "em_validation_q": set("SNDTQ:;FMLK!R1"),
    "em_validation_q_tip": set("SNDTQ:;FMLK!R1"),
    "hidden": set("LMFSNDTQ:;*!X"),
    "equation": {"*"},
    "array_filter": {"L", "R"},  # a radio list's answers filtered (not a drop-down's)
    "array_filter_exclude": {"L", "R"},
}
I18N = {
    "prefix",
    "suffix",
    "other_replace_text",
    "em_validation_q_tip",
    "dualscale_headerA",
    "dualscale_headerB",
}


# ---------------------------------------------------------------------- reading the file


@dataclass
class LsQuestion:
    qid: str
    gid: str
    code: str
    type: str
    order: int
    relevance: str
    mandatory: str
    other: str
    subquestions: list[dict[str, str]] = field(default_factory=list)
    answers: list[dict[str, str]] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Lss:
    root: ET.Element
    languages: list[str]
    tables: dict[str, list[dict[str, str]]]
    groups: list[dict[str, str]]
    questions: list[LsQuestion]


def rows(root: ET.Element, table: str) -> list[dict[str, str]]:
    section = root.find(table)
    if section is None:
        return []
    return [{cell.tag: cell.text or "" for cell in row} for row in section.iter("row")]


def read(text: str) -> Lss:
    root = ET.fromstring(text)
    names = [
        "surveys",
        "surveys_languagesettings",
        "groups",
        "group_l10ns",
        "questions",
        "subquestions",
        "question_l10ns",
        "answers",
        "answer_l10ns",
        "question_attributes",
        "defaultvalues",
        "defaultvalue_l10ns",
    ]
    tables = {name: rows(root, name) for name in names}
    listed = root.find("languages")
    languages = [] if listed is None else [e.text or "" for e in listed]
    groups = sorted(tables["groups"], key=lambda g: int(g["group_order"]))
    order = {g["gid"]: i for i, g in enumerate(groups)}
    questions = [
        LsQuestion(
            q["qid"],
            q["gid"],
            q["title"],
            q["type"],
            int(q["question_order"]),
            q["relevance"],
            q["mandatory"],
            q["other"],
        )
        for q in tables["questions"]
    ]
    questions.sort(key=lambda q: (order[q.gid], q.order))
    by_qid = {q.qid: q for q in questions}
    for sub in tables["subquestions"]:
        by_qid[sub["parent_qid"]].subquestions.append(sub)
    for answer in tables["answers"]:
        by_qid[answer["qid"]].answers.append(answer)
    for attribute in tables["question_attributes"]:
        if attribute.get("language", languages[0]) == languages[0]:
            by_qid[attribute["qid"]].attributes[attribute["attribute"]] = attribute["value"]
    return Lss(root, languages, tables, groups, questions)


def lss_of(instrument: qdef.Instrument) -> tuple[Lss, dict[str, Any]]:
    text = render(instrument, "limesurvey")
    assert isinstance(text, str)
    mapping = json.loads(str(render(instrument, "limesurvey-map")))
    return read(text), mapping


# ---------------------------------------------------------------------- LimeSurvey as a walk


def ls_value(kind: str, value: Any) -> str:
    """How LimeSurvey stores an answer of a qdef kind."""
    if kind == "number":
        return format(Decimal(repr(value) if isinstance(value, float) else str(value)), "f")
    if kind == "date":
        parts = [*value.split("-"), "01", "01"]
        return f"{parts[0]}-{parts[1]}-{parts[2]} 00:00:00"
    return str(value)


def ls_answers(mapping: dict[str, Any], response: dict[str, Any]) -> dict[str, str]:
    """A qdef response as LimeSurvey's response variables; a roster's k-th record as
    the copies of its k-th existing slot (the mapping's ``rosters``)."""
    values: dict[str, str] = {}
    for name, value in response.items():
        if name in mapping.get("rosters", {}):
            roster = mapping["rosters"][name]
            copies = [
                c for c, k in zip(roster["copies"], _slots(roster, response), strict=True) if k
            ]
            for record, copy in zip(value, copies, strict=False):
                inner = {k: v for k, v in record.items() if k != roster["item"]}
                values |= ls_answers({"variables": copy["variables"]}, inner)
            continue
        slot = mapping["variables"][name]
        kind = slot["kind"]
        if kind == "choices":
            for code in value:
                values[slot["options"][code]] = "Y"
        elif kind == "ranking":  # the item's answer code at each rank, rank 1 first
            for rank, code in zip(slot["ranks"], value, strict=False):
                values[rank] = slot["answers"][code]
        elif kind == "choice":
            values[slot["variable"]] = slot["answers"][value]
        elif kind == "check":
            values[slot["variable"]] = "1"
        else:
            values[slot["variable"]] = ls_value(kind, value)
    return values


def ls_walk(lss: Lss, given: dict[str, str]) -> tuple[list[LsQuestion], dict[str, str]]:
    """The questions LimeSurvey shows for these answers, and the values it keeps:
    page by page, a question is shown when its group's and its own relevance hold;
    the answers of hidden questions are empty to every later equation (``.NAOK``)."""
    kept: dict[str, str] = {}
    shown: list[LsQuestion] = []
    relevance = {g["gid"]: g["grelevance"] for g in lss.groups}
    # a hidden short text is filled from the URL before the survey starts: every
    # equation of its page sees it (until its own relevance says otherwise)
    prefilled = {
        q.code for q in lss.questions if q.attributes.get("hidden") == "1" and q.type == "S"
    }
    kept |= {name: value for name, value in given.items() if name in prefilled}
    for question in lss.questions:
        visible = lsexpr.holds(relevance[question.gid] or "1", kept) and lsexpr.holds(
            question.relevance or "1", kept
        )
        if not visible:
            kept.pop(question.code, None)  # an irrelevant question's value is not kept
            continue
        shown.append(question)
        if question.type == "*":  # an equation: its value is computed and saved
            equation = question.attributes["equation"]
            assert equation.startswith("{") and equation.endswith("}")
            result = lsexpr.evaluate(lsexpr.parse(equation[1:-1]), kept)
            if result != "":
                kept[question.code] = lsexpr.stored(result)
            continue
        # an option or row whose subquestion relevance fails is not offered: not kept
        unoffered = [
            f"{question.code}_{sub['title']}"
            for sub in question.subquestions
            if sub["scale_id"] == "0" and not lsexpr.holds(sub["relevance"] or "1", kept)
        ]
        # a list's answer option filtered out (array_filter: its code is not a chosen
        # subquestion of the source; array_filter_exclude: it is) is not kept either
        source = question.attributes.get("array_filter")
        exclude = question.attributes.get("array_filter_exclude")
        if question.type == "L" and (source or exclude) and question.code in given:
            chosen = kept.get(f"{source or exclude}_{given.get(question.code)}") == "Y"
            if chosen != bool(source):
                unoffered.append(question.code)
        for name, value in given.items():
            ours = name == question.code or name.startswith(question.code + "_")
            if ours and not any(name == o or name.startswith(o + "_") for o in unoffered):
                kept[name] = value
    return shown, kept


def _slots(roster: dict[str, Any], response: dict[str, Any]) -> list[bool]:
    """Which slots of a roster have an iteration, by the qdef response before it."""
    copies = roster["copies"]
    if roster["kind"] == "textlist":
        return [c["slot"] in response for c in copies]
    if roster["kind"] == "choices":
        return [c["slot"] in response.get(roster["source"], ()) for c in copies]
    count = Decimal(str(response.get(roster["source"], 0)))  # LimeSurvey's: text
    return [k < count for k in range(len(copies))]


def back_to_qdef(
    mapping: dict[str, Any], kept: dict[str, str], lss: Lss | None = None
) -> dict[str, Any]:
    """LimeSurvey's kept values as qdef variables (for comparing the data); a roster's
    copies as records, one per existing slot, each with its item, where the section's
    condition (the copies' group's relevance, in ``lss``) holds."""
    found = _back(mapping, kept)
    for name, roster in mapping.get("rosters", {}).items():
        if lss is not None and not _section_holds(lss, roster, kept):
            continue  # the section's condition fails: no iterations
        records = []
        for k, (copy, exists) in enumerate(
            zip(roster["copies"], _slots(roster, found), strict=True)
        ):
            if exists:
                kind = roster["kind"]
                item = {"textlist": found.get(copy["slot"]), "choices": copy["slot"]}.get(
                    kind, k + 1
                )
                records.append({roster["item"]: item} | _back(copy, kept))
        if records:
            found[name] = records
    return found


def _section_holds(lss: Lss, roster: dict[str, Any], kept: dict[str, str]) -> bool:
    variable = next(iter(roster["copies"][0]["variables"].values()))["variable"]
    (question,) = [q for q in lss.questions if variable.split("_")[0] == q.code]
    (group,) = [g for g in lss.groups if g["gid"] == question.gid]
    return lsexpr.holds(group["grelevance"] or "1", kept)


def _back(mapping: dict[str, Any], kept: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, slot in mapping["variables"].items():
        kind = slot["kind"]
        if kind == "choices":
            chosen = [code for code, var in slot["options"].items() if kept.get(var) == "Y"]
            if chosen:
                found[name] = chosen
        elif kind == "ranking":
            codes = {v: k for k, v in slot["answers"].items()}
            ranked = [codes[kept[r]] for r in slot["ranks"] if kept.get(r)]
            if ranked:
                found[name] = ranked
        elif slot["variable"] in kept:
            value = kept[slot["variable"]]
            if kind == "choice":
                value = {v: k for k, v in slot["answers"].items()}[value]
            elif kind in {"check", "truth"}:
                value = value == "1"
            found[name] = value
    return found


def comparable(
    response: dict[str, Any], mapping: dict[str, Any], computed: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A qdef response with numbers and dates as LimeSurvey keeps them."""
    result: dict[str, Any] = {}
    for name, value in response.items():
        if name in mapping.get("rosters", {}):
            roster = mapping["rosters"][name]
            inner = {"variables": roster["copies"][0]["variables"]}
            result[name] = [
                {roster["item"]: r[roster["item"]]}
                | comparable({k: v for k, v in r.items() if k != roster["item"]}, inner)
                for r in value
            ]
            continue
        kind = mapping["variables"][name]["kind"]
        if name in computed:  # LimeSurvey saves an equation's number with 14 digits
            result[name] = f"{float(value):.14G}" if kind == "number" else value
        else:
            result[name] = ls_value(kind, value) if kind in ("number", "date") else value
    return result


def check_respondent(
    instrument: qdef.Instrument,
    respondent: dict[str, Any],
    rendered: tuple[Lss, dict[str, Any]] | None = None,
) -> None:
    lss, mapping = lss_of(instrument) if rendered is None else rendered
    reference = walk(instrument, respondent, check=False)  # failed rules: see their test
    computed = frozenset(
        source
        for source, entry in mapping["questions"].items()
        if any(item["role"] == "computed" for item in entry["questions"])
    )
    # the order shown (``_order``) is no answer: LimeSurvey shuffles by itself, saves none
    response = {k: v for k, v in reference.response.items() if k != "_order"}
    given = {k: v for k, v in response.items() if k not in computed}
    shown, kept = ls_walk(lss, ls_answers(mapping, given))
    carriers = {
        item["code"]: qid
        for qid, entry in mapping["questions"].items()
        for item in entry["questions"]
        if item["role"] == "question"
    }
    assert [carriers[q.code] for q in shown if q.code in carriers] == list(reference.ids)
    found = back_to_qdef(mapping, kept, lss)
    for name in computed & found.keys():
        if mapping["variables"][name]["kind"] == "number":
            found[name] = f"{float(found[name]):.14G}"
    assert found == comparable(response, mapping, computed)


# ---------------------------------------------------------------------- structure


def check_structure(instrument: qdef.Instrument, lss: Lss) -> None:  # noqa: PLR0915
    tables = lss.tables
    assert lss.root.tag == "document"
    assert lss.root.findtext("LimeSurveyDocType") == "Survey"
    assert lss.root.findtext("DBVersion") == "620"
    assert lss.languages == [instrument.language, *instrument.translations]
    assert lss.root.find("conditions") is None
    (survey,) = tables["surveys"]
    assert survey["language"] == instrument.language
    assert {r["surveyls_language"] for r in tables["surveys_languagesettings"]} == set(
        lss.languages
    )
    assert all(r["surveyls_title"] for r in tables["surveys_languagesettings"])
    gids = {g["gid"] for g in tables["groups"]}
    assert len(gids) == len(tables["groups"])
    for group in tables["groups"]:
        assert group["group_order"].isdigit() and "randomization_group" in group
        lsexpr.parse(group["grelevance"] or "1")
    assert {(r["gid"], r["language"]) for r in tables["group_l10ns"]} == {
        (g, lang) for g in gids for lang in lss.languages
    }
    assert all(r["group_name"] for r in tables["group_l10ns"])
    qids = [q["qid"] for q in tables["questions"] + tables["subquestions"]]
    assert len(set(qids)) == len(qids)
    codes: set[str] = set()
    defined: set[str] = set()
    grelevance = {g["gid"]: g["grelevance"] for g in tables["groups"]}
    checked_groups: set[str] = set()
    for question in lss.questions:
        code = question.code
        if question.gid not in checked_groups:  # a group's relevance reads earlier groups
            checked_groups.add(question.gid)
            for name in lsexpr.variables(lsexpr.parse(grelevance[question.gid] or "1")):
                assert name in defined, f"group of {code}: relevance reads {name}"
        assert QUESTION_CODE.fullmatch(code) and len(code) <= 20, code
        assert code.lower() not in RESERVED and code not in {"self", "that", "this"}, code
        assert code.lower() not in codes, f"duplicate question code {code}"
        codes.add(code.lower())
        assert question.gid in gids
        assert question.type in TYPES
        assert question.mandatory in {"Y", "N"}
        assert question.other == "N" or question.type in {"L", "!", "M", "P"}
        seen: set[tuple[str, str]] = set()
        for sub in question.subquestions:
            sub_code = sub["title"]
            assert SUBQUESTION_CODE.fullmatch(sub_code) and len(sub_code) <= 20, sub_code
            assert sub_code.lower() not in {"other", "time"}
            key = (sub["scale_id"], sub_code.lower())
            assert key not in seen, f"duplicate subquestion code {sub_code} in {code}"
            seen.add(key)
            assert sub["type"] == question.type and sub["question_order"].isdigit()
            assert sub["gid"] == question.gid
        answer_keys: set[tuple[str, str]] = set()  # unique per question and scale
        for answer in question.answers:
            assert ANSWER_CODE.fullmatch(answer["code"]), answer["code"]
            key = (
                answer["scale_id"],
                str(Decimal(answer["code"]).normalize())
                if numeric(answer["code"])
                else answer["code"].lower(),
            )
            assert key not in answer_keys, f"duplicate answer code {answer['code']} in {code}"
            answer_keys.add(key)
            assert answer["sortorder"].isdigit() and answer["aid"]
        # every variable a relevance equation reads is defined by an earlier question
        for name in lsexpr.variables(lsexpr.parse(question.relevance or "1")):
            assert name in defined, f"{code}: relevance reads {name}, defined later or never"
        earlier = [sub["relevance"] for sub in question.subquestions]  # an option's condition
        if "equation" in question.attributes:  # a computed value: {equation}
            equation = question.attributes["equation"]
            assert equation.startswith("{") and equation.endswith("}"), equation
            earlier.append(equation[1:-1])
        for equation in earlier:
            for name in lsexpr.variables(lsexpr.parse(equation or "1")):
                assert name in defined, f"{code}: an equation reads {name}, defined later or never"
        defined |= variables_of(question)
        for attribute in ("em_validation_q",):
            if attribute in question.attributes:
                for name in lsexpr.variables(lsexpr.parse(question.attributes[attribute])):
                    assert name in defined, (code, name)
    assert {(r["qid"], r["language"]) for r in tables["question_l10ns"]} == {
        (q, lang) for q in qids for lang in lss.languages
    }
    types = {q.qid: q.type for q in lss.questions}
    for attribute in tables["question_attributes"]:
        name, kind = attribute["attribute"], types[attribute["qid"]]
        assert kind in ATTRIBUTE_TYPES[name], f"{name} on a question of type {kind}"
        assert ("language" in attribute) == (name in I18N), attribute
        if name in {"multiflexible_min", "multiflexible_max"}:  # only with text boxes
            assert any(
                a["qid"] == attribute["qid"] and a["attribute"] == "input_boxes"
                for a in tables["question_attributes"]
            )
    for default in tables["defaultvalues"]:  # on a question, or one of its subquestions
        assert default["qid"] in types
        assert default["sqid"] == "0" or any(
            sub["qid"] == default["sqid"] and sub["parent_qid"] == default["qid"]
            for sub in tables["subquestions"]
        )
    assert {(d["dvid"], d["language"]) for d in tables["defaultvalue_l10ns"]} == {
        (d["dvid"], lang) for d in tables["defaultvalues"] for lang in lss.languages
    }
    aids = [a["aid"] for a in tables["answers"]]
    assert len(set(aids)) == len(aids)
    assert {(r["aid"], r["language"]) for r in tables["answer_l10ns"]} == {
        (a, lang) for a in aids for lang in lss.languages
    }


def variables_of(question: LsQuestion) -> set[str]:
    """The ExpressionScript variables a question defines (limesurvey-lss.md §5)."""
    code, kind = question.code, question.type
    names = {code}
    if question.other == "Y":
        names.add(f"{code}_other")
    if kind in {"M", "Q", "F", "K"}:
        names |= {f"{code}_{s['title']}" for s in question.subquestions}
    if kind == "R":  # the item at each rank
        names |= {f"{code}_{rank}" for rank in range(1, len(question.answers) + 1)}
    if kind == "1":  # each row on each scale
        names |= {f"{code}_{s['title']}_{scale}" for s in question.subquestions for scale in (0, 1)}
    if kind in {":", ";"}:
        rows_ = [s["title"] for s in question.subquestions if s["scale_id"] == "0"]
        cols = [s["title"] for s in question.subquestions if s["scale_id"] == "1"]
        names |= {f"{code}_{r}_{c}" for r in rows_ for c in cols}
    return names


@pytest.mark.parametrize(
    "case", [INSTRUMENT, *CASES], ids=["investitionspakt"] + [c.stem for c in CASES]
)
def test_the_file_is_complete_and_holds_nothing_limesurvey_would_change(case: Path) -> None:
    instrument = qdef.load(case)
    lss, _ = lss_of(instrument)
    check_structure(instrument, lss)


@settings(max_examples=40)
@given(instruments())
def test_any_instrument_gives_a_complete_file(instrument: qdef.Instrument) -> None:
    lss, _ = lss_of(instrument)
    check_structure(instrument, lss)


# ---------------------------------------------------------------------- routing


INVESTITIONSPAKT = qdef.load(INSTRUMENT)


@given(respondents(INVESTITIONSPAKT))
def test_limesurvey_shows_what_the_walk_shows_on_the_investitionspakt(
    respondent: dict[str, Any],
) -> None:
    check_respondent(INVESTITIONSPAKT, respondent)


@settings(max_examples=150)
@given(st.data(), routed_instruments())
def test_limesurvey_shows_what_the_walk_shows_on_instruments_dense_with_routing(
    data: st.DataObject, instrument: qdef.Instrument
) -> None:
    check_respondent(instrument, data.draw(respondents(instrument), label="respondent"))


@given(st.data(), instruments(max_questions=4))
def test_limesurvey_keeps_every_answer_of_any_instrument(
    data: st.DataObject, instrument: qdef.Instrument
) -> None:
    check_respondent(instrument, data.draw(respondents(instrument), label="respondent"))


def test_the_three_routes_of_the_investitionspakt() -> None:
    lss, mapping = lss_of(INVESTITIONSPAKT)
    numbers = INVESTITIONSPAKT.numbers()
    carriers = {
        item["code"]: qid
        for qid, entry in mapping["questions"].items()
        for item in entry["questions"]
        if item["role"] == "question"
    }
    for answers, expected in (
        ({"im_eingesetzt": "nein"}, ["1", "2", "3", "4", "5", "6", "22"]),
        ({"im_eingesetzt": "ja"}, ["1", *map(str, range(7, 21)), "22"]),
        (
            {"im_eingesetzt": "ja", "fortsetzung_geplant": "nein"},
            ["1", *map(str, range(7, 19)), "21", "22"],
        ),
    ):
        shown, _ = ls_walk(lss, ls_answers(mapping, answers))
        assert [numbers[carriers[q.code]] for q in shown if q.code in carriers] == expected


# ---------------------------------------------------------------------- text and codes


HOSTILE = "a ]]> b <script>x</script> & \"q\" 's' {INSERTANS:1X2X3} ]]]]>"
#: HOSTILE as an authored text writes it: its braces doubled, literal (not piped).
AUTHORED = HOSTILE.replace("{", "{{").replace("}", "}}")


def test_text_survives_cdata_html_and_expressions(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(
        json.dumps(
            {
                "qdef": 1,
                "id": "hostile",
                "title": HOSTILE,
                "language": "de",
                "sections": [
                    {
                        "id": "s",
                        "title": AUTHORED,
                        "questions": [
                            {
                                "id": "q",
                                "type": "single",
                                "text": AUTHORED,
                                "help": AUTHORED,
                                "options": [{"code": "a", "label": AUTHORED}],
                            }
                        ],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    text = str(render(qdef.load(path), "limesurvey"))
    assert "<script>" not in text
    lss = read(text)  # well-formed, with ]]> inside values
    (question,) = lss.tables["question_l10ns"]
    shown = question["question"]
    assert "{" not in shown and "<" not in shown.replace("<br>", "")
    assert html.unescape(shown) == HOSTILE
    (answer,) = lss.tables["answer_l10ns"]
    assert html.unescape(answer["answer"]) == HOSTILE
    (settings_,) = lss.tables["surveys_languagesettings"]
    assert html.unescape(settings_["surveyls_title"]) == HOSTILE


def test_codes_are_valid_unique_and_deterministic() -> None:
    codes = Codes(20, letter_first=True, forbidden=frozenset(RESERVED))
    sources = ["aufgaben_zustaendigkeit", "aufgaben_zustaendigkeit_sonstiges", "sid", "q_1", "q1"]
    sources += ["q12", "this"]
    assert codes.reserve(sources) == {
        "aufgaben_zustaendigkeit": "aufgabenzustaendigke",
        "aufgaben_zustaendigkeit_sonstiges": "aufgabenzustaendigk2",
        "sid": "sid2",
        "q_1": "q1",
        "q1": "q13",  # q12 is another question's own code
        "q12": "q12",
        "this": "this2",
    }
    assert codes.make("aufgaben_zustaendigkeit", suffix="bis") == "aufgabenzustaendibis"
    answers = Codes(5, letter_first=False, abbreviate=True)
    sources = ("1", "01", "1.0", "nicht_bekannt", "nicht_bewilligt", "nicht_bezahlt", "sonstiges")
    sources += ("nicht_bekannt_x",)
    made = [answers.make(c, fallback="A") for c in sources]
    # "01" would equal "1" as a number in ExpressionScript
    assert made == ["1", "012", "10", "nbeka", "nbewi", "nbeza", "sonst", "nbx"]


def test_the_mapping_names_every_variable(tmp_path: Path) -> None:
    _, mapping = lss_of(INVESTITIONSPAKT)
    from qdef.routing.plan import as_plan  # noqa: PLC0415

    assert set(mapping["variables"]) == set(as_plan(INVESTITIONSPAKT).variables)
    assert mapping["variables"]["gruende_kein_im_sonstiges"]["variable"] == "gruendekeinim_other"
    assert mapping["variables"]["schwerpunkte.beteiligung"] == {
        "variable": "schwerpunkte_beteiligung",
        "kind": "choice",
        "answers": {"1": "1", "2": "2", "3": "3", "4": "4"},
    }


def test_the_investitionspakt_survey_is_the_golden_file(golden: Any) -> None:
    golden(str(render(INVESTITIONSPAKT, "limesurvey")), GOLDEN / "investitionspakt.lss")
    golden(str(render(INVESTITIONSPAKT, "limesurvey-map")), GOLDEN / "investitionspakt.map.json")


def test_code_map_gives_plugins_what_limesurvey_map_writes() -> None:
    """qdef.renderers.limesurvey.code_map: the golden mapping, as data; codes only,
    so also for a translation qdef has no wording for (whose .lss is refused)."""
    from qdef.renderers.limesurvey import code_map  # noqa: PLC0415

    golden = json.loads((GOLDEN / "investitionspakt.map.json").read_text(encoding="utf-8"))
    assert code_map(INVESTITIONSPAKT) == golden
    instrument = qdef.loads(
        "qdef: 1\nid: t\ntitle: {de: T, sw: T}\nlanguage: de\ntranslations: [sw]\n"
        "sections:\n  - id: s\n    questions:\n"
        "      - {id: q1, type: text, text: {de: Frage, sw: Swali}}\n"
    )
    assert code_map(instrument) == {
        "questions": {"q1": {"questions": [{"code": "q1", "type": "S", "role": "question"}]}},
        "variables": {"q1": {"variable": "q1", "kind": "text"}},
    }


#: The modules of the limesurvey renderer, lowest first: each imports only those before it.
LIMESURVEY_MODULES = (
    "codes",
    "expressions",
    "values",
    "survey",
    "writer",
    "piping",
    "questions",
    "arrays",
    "kinds",
    "rosters",
    "features",
    "lowering",
)


def test_the_limesurvey_modules_import_one_way_and_stay_small() -> None:
    import ast  # noqa: PLC0415

    import qdef.renderers.limesurvey as package  # noqa: PLC0415

    folder = Path(package.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.py")) == sorted(("__init__", *LIMESURVEY_MODULES))
    for index, name in enumerate(LIMESURVEY_MODULES):
        source = (folder / f"{name}.py").read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 450, name
        assert ast.get_docstring(ast.parse(source)), name
        imported = {
            node.module.removeprefix(package.__name__ + ".")
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom)
            and node.module is not None
            and node.module.startswith(package.__name__ + ".")
        }
        assert imported <= set(LIMESURVEY_MODULES[:index]), (name, imported)


CONDITIONS = Path(__file__).parent / "cases" / "html" / "conditions.yaml"


def test_every_kind_of_condition_compiles_to_an_equation_that_decides_the_same() -> None:
    """A truth table for the compiler alone: each condition of conditions.yaml (check
    boxes against true and false, !=, numbers beyond a double, has, in, answered,
    dates, texts, two variables compared) as ExpressionScript, evaluated on LimeSurvey's
    values, against qdef's own evaluation, for every combination of a few values."""
    from qdef.expr.parser import parse  # noqa: PLC0415
    from qdef.renderers.limesurvey.expressions import Compiler  # noqa: PLC0415
    from qdef.renderers.limesurvey.lowering import lower  # noqa: PLC0415
    from qdef.rendering import compile_instrument  # noqa: PLC0415
    from qdef.routing.evaluate import holds  # noqa: PLC0415

    instrument = qdef.load(CONDITIONS)
    compiled = compile_instrument(instrument)
    plan = compiled.plan
    compiler = Compiler(lower(compiled).slots)
    _, mapping = lss_of(instrument)
    conditions = [parse(q.when) for _, q in instrument.questions() if q.when is not None]
    equations = [lsexpr.parse(compiler.compile(c)) for c in conditions]
    values: dict[str, list[Any]] = {
        "s": [None, "a", "b"],
        "n": [None, -1, 5, 5.5, 2**53 + 1],
        "n2": [None, 5],
        "s2": [None, "a"],
        "o": [None, "a", "sonstiges"],
        "o_text": [None, "x"],
        "m": [None, ["a"], ["a", "b"]],
        "t": [None, "x", "ÿ", "1", "01"],
        "d": [None, "2021-05", "2021-06"],
        "g.r.c": [None, True],
        "g.r.x": [None, "1"],
    }
    checked = 0
    # an equation reads only its variables (lsexpr.evaluate looks up nothing else): its
    # value is worked out once per distinct values of them, the same as every time
    reads = [sorted(lsexpr.variables(equation)) for equation in equations]
    decided: dict[tuple[int, tuple[str, ...]], bool] = {}
    for combination in itertools.product(*values.values()):
        response = {n: v for n, v in zip(values, combination, strict=True) if v is not None}
        if "o_text" in response and response.get("o") != "sonstiges":
            continue  # a follow-up is kept only while its option is chosen
        ls = ls_answers(mapping, response)
        for index, (condition, equation) in enumerate(zip(conditions, equations, strict=True)):
            expected = holds(condition, response, plan.parts)
            key = (index, tuple(ls.get(name, "") for name in reads[index]))
            if key not in decided:
                decided[key] = lsexpr.truthy(lsexpr.evaluate(equation, ls))
            assert decided[key] == expected, (to_source(condition), response)
            checked += 1
    assert checked > 50_000


# ---------------------------------------------------------------------- section conditions

#: Every form of condition, as a section's ``when`` (on the variables of
#: conditions.yaml), besides those of conditions.yaml itself: truth values compared
#: with conditions, on either side, nested (docs/format.md shows the first).
SECTION_FORMS = (
    "answered(n) == false",
    "answered(n) != false",
    '(s == "a") == true',
    '(s == "a") != true',
    'true == (s == "a" or n < 0)',
    'false != (m has "a")',
    "(answered(t) == false) == true",
    'not ((t == "x") == false)',
    "((n > 5) == true) != false",
    '(d < "2021-06" and g.r.c) == false',
    "false == (not answered(o_text))",
    # strings LimeSurvey reads specially: a last backslash, entities, quotes, braces
    't == "C:\\\\"',
    't != "x&lt;\\"{y}\\\\z" and t in ["C:\\\\", "1"]',
)


def _sectioned(path: Path) -> qdef.Instrument:
    """conditions.yaml with every condition (its own, and SECTION_FORMS) as the
    condition of a section of its own, after the section of the questions."""
    from qdef.source.yamldata import build_data  # noqa: PLC0415

    data = build_data(CONDITIONS.read_text(encoding="utf-8"))
    first = data["sections"][0]
    whens = [q.pop("when") for q in first["questions"] if "when" in q]
    first["questions"] = [q for q in first["questions"] if q["type"] != "display"]
    for index, when in enumerate([*whens, *SECTION_FORMS]):
        data["sections"].append(
            {
                "id": f"c{index}",
                "when": when,
                "questions": [{"id": f"x{index}", "type": "display", "text": "X"}],
            }
        )
    path.write_text(json.dumps(data), encoding="utf-8")
    return qdef.load(path)


def test_section_conditions_of_every_form_decide_as_qdef_decides(tmp_path: Path) -> None:
    """A section's condition becomes its group's relevance: compiled through the same
    analysis as a question's (main refused `answered(n) == false` with a syntax-tree
    dump), and deciding as qdef decides, for every combination of a few values."""
    from qdef.expr.parser import parse  # noqa: PLC0415
    from qdef.routing.evaluate import holds  # noqa: PLC0415
    from qdef.routing.plan import as_plan  # noqa: PLC0415

    instrument = _sectioned(tmp_path / "sections.yaml")
    plan = as_plan(instrument)
    lss, mapping = lss_of(instrument)
    check_structure(instrument, lss)
    conditions = [parse(s.when) for s in instrument.sections[1:] if s.when is not None]
    equations = [lsexpr.parse(g["grelevance"] or "1") for g in lss.groups[1:]]
    assert len(equations) == len(conditions) == len(instrument.sections) - 1
    values: dict[str, list[Any]] = {
        "s": [None, "a", "b"],
        "n": [None, -1, 5, 2**53 + 1],
        "n2": [None, 5, 6],
        "s2": [None, "a"],
        "o": [None, "sonstiges"],
        "o_text": [None, "x"],
        "m": [None, ["a"]],
        "t": [None, "x", "1", "C:\\", 'x&lt;"{y}\\z'],
        "d": [None, "2021-05", "2021-06"],
        "g.r.c": [None, True],
    }
    checked = 0
    for combination in itertools.product(*values.values()):
        response = {n: v for n, v in zip(values, combination, strict=True) if v is not None}
        if "o_text" in response and response.get("o") != "sonstiges":
            continue
        ls = ls_answers(mapping, response)
        for condition, equation in zip(conditions, equations, strict=True):
            expected = holds(condition, response, plan.parts)
            assert lsexpr.truthy(lsexpr.evaluate(equation, ls)) == expected, (
                to_source(condition),
                response,
            )
            checked += 1
    assert checked > 50_000


# ---------------------------------------------------------------------- strings in conditions

#: Characters that matter to LimeSurvey's reading of a string: quotes, backslashes,
#: HTML entities (an equation is HTML-decoded first), braces, spaces.
TRICKY = st.text(alphabet="ab\\\"'&;lt#{} \t", max_size=8)


@settings(max_examples=60, deadline=None)
@given(TRICKY, TRICKY)
def test_text_literals_compare_as_in_qdef(value: str, other: str) -> None:
    """``t == "…"`` and ``t != "…"`` with any backslashes, quotes, entities and
    braces: the compiled equation, read by LimeSurvey's tokenizer rules
    (tests/lsexpr.py), decides as qdef does, for the value itself and others."""
    from qdef.expr.parser import parse  # noqa: PLC0415
    from qdef.expr.printer import quote  # noqa: PLC0415
    from qdef.renderers.limesurvey.codes import Slot  # noqa: PLC0415
    from qdef.renderers.limesurvey.expressions import Compiler  # noqa: PLC0415
    from qdef.routing.evaluate import holds  # noqa: PLC0415

    compiler = Compiler({"t": Slot("t", "text")})
    for op in ("==", "!=", "in", "not in"):
        literal = f"[{quote(value)}]" if "in" in op else quote(value)
        condition = parse(f"t {op} {literal}")
        equation = lsexpr.parse(compiler.compile(condition))
        for answer in {value, other, value + "x", value[:-1], "\\"}:
            response = {"t": answer} if answer else {}
            assert lsexpr.truthy(lsexpr.evaluate(equation, response)) == holds(
                condition, response
            ), (to_source(condition), answer)


def test_strings_are_written_as_limesurvey_reads_them() -> None:
    from qdef.renderers.limesurvey.expressions import string  # noqa: PLC0415

    assert string('a"b') == r'"a\"b"'
    assert string("C:\\x") == r'"C:\\x"'
    assert string("x&lt;y") == '"x&amp;lt;y"'  # the equation is HTML-decoded first
    for value in ("C:\\", "a\nb", "a\rb"):
        with pytest.raises(ValueError):
            string(value)
    assert lsexpr.tokens(r'"C:\\x" "a\"b" ' + "'it\\'s'") == [
        ("string", "C:\\x"),
        ("string", 'a"b'),
        ("string", "it's"),
    ]
    with pytest.raises(lsexpr.ExpressionError):  # the closing quote follows a backslash
        lsexpr.tokens('"C:\\\\"')
    with pytest.raises(lsexpr.ExpressionError):  # a string ends at its line
        lsexpr.tokens('"a\nb"')


def test_a_line_break_in_a_compared_string_is_refused_at_its_place(tmp_path: Path) -> None:
    from qdef.cli import main  # noqa: PLC0415

    path = tmp_path / "pfad.yaml"
    path.write_text(
        "qdef: 1\nid: pfad\ntitle: T\nlanguage: de\nsections:\n"
        "  - id: s1\n    questions:\n      - {id: pfad, type: text, long: true, text: P}\n"
        "  - id: s2\n    when: 'pfad != \"a\\nb\"'\n"
        "    questions:\n      - {id: c, type: text, text: C}\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    status = main(["render", str(path), "--to", "limesurvey", "-o", "-"], out=out, err=err)
    assert status == 1
    assert out.getvalue() == ""
    first = err.getvalue().splitlines()[0]
    assert first.startswith(f'{path}:10:20: error QD520: the string "a\\nb" holds a line break')
    assert "Traceback" not in err.getvalue()
    with pytest.raises(qdef.rendering.RenderError, match="the condition of section 's2'"):
        render(qdef.load(path), "limesurvey")
    # the mapping holds codes, no equations: nothing to refuse
    assert main(["render", str(path), "--to", "limesurvey-map", "-o", "-"], out=out, err=err) == 0


# ---------------------------------------------------------------------- languages and dates

SWAHILI = """\
qdef: 1
id: sw
title: {sw: Utafiti, en: Survey}
language: sw
translations: [en]
sections:
  - id: s1
    TITLE
    questions:
      - {id: umri, type: number, kind: decimal, text: {sw: "Umri?", en: "Age?"}}
      - {id: tarehe, type: date, text: {sw: "Tarehe?", en: "Date?"}}
"""


def _cli(*argv: str | Path) -> tuple[int, str, str]:
    from qdef.cli import main  # noqa: PLC0415

    out, err = io.StringIO(), io.StringIO()
    return main([str(a) for a in argv], out=out, err=err), out.getvalue(), err.getvalue()


def test_a_language_without_wording_renders_where_no_wording_is_printed(tmp_path: Path) -> None:
    """Swahili (no catalogue) with English: the map prints no wording, and this survey
    none either (titled section, no date range or grid), with --lang en or without.
    LimeSurvey's own number and date formats apply to Swahili; English gets qdef's."""
    path = tmp_path / "sw.yaml"
    path.write_text(SWAHILI.replace("TITLE", "title: {sw: Sehemu, en: Part}"), encoding="utf-8")
    for to in ("limesurvey", "limesurvey-map"):
        for lang in ((), ("--lang", "en")):
            status, out, err = _cli("render", path, "--to", to, *lang, "-o", "-")
            assert (status, err) == (0, ""), (to, lang, err)
            if to == "limesurvey":
                lss = read(out)
                assert lss.languages == ["sw", "en"]
                sw, en = lss.tables["surveys_languagesettings"]
                assert "surveyls_numberformat" not in sw and "surveyls_dateformat" not in sw
                assert (en["surveyls_numberformat"], en["surveyls_dateformat"]) == ("0", "5")


def test_wording_really_missing_is_a_usage_error_with_a_fix_that_works(tmp_path: Path) -> None:
    """An untitled section needs a group name in every language of the survey: exit 2
    (docs/cli.md), saying what needs wording and what to do instead of --lang, which
    cannot help; the map still renders. A renderer that prints one language is pointed
    at the --lang that works. No fix asks the user to edit qdef itself."""
    path = tmp_path / "sw.yaml"
    path.write_text(SWAHILI.replace("TITLE", ""), encoding="utf-8")
    for lang in ((), ("--lang", "en")):
        status, out, err = _cli("render", path, "--to", "limesurvey", *lang, "-o", "-")
        assert (status, out) == (2, "")
        assert "the name of section 1 ('s1'), which has no title" in err
        assert "give the section a title (title: {sw: …, en: …})" in err
        assert "--lang does not change that" in err
        assert "catalogs/" not in err
        assert _cli("render", path, "--to", "limesurvey-map", *lang, "-o", "-")[0] == 0
    status, _, err = _cli("render", path, "--to", "markdown", "-o", "-")
    assert status == 2
    assert "no wording for the language 'sw' (it has de, en, es, fr;" in err
    assert err.rstrip().endswith("; render with --lang en")
    assert _cli("render", path, "--to", "markdown", "--lang", "en", "-o", "-")[0] == 0


#: Swahili and English, with every place where the survey prints qdef's wording.
SWAHILI_WORDED = """\
qdef: 1
id: sw
title: {sw: Utafiti, en: Survey}
language: sw
translations: [en]
sections:
  - id: s1
    questions:
      - id: kipindi
        type: daterange
        text: {sw: "Kipindi?", en: "Period?"}
  - id: s2
    title: {sw: Sehemu, en: Part}
    questions:
      - id: kazi
        type: grid
        text: {sw: "Kazi?", en: "Tasks?"}
        columns:
          - {code: nani, input: text, label: {sw: Nani, en: Who}}
          - {code: hakuna, input: check, label: {sw: Hakuna, en: None}, exclusive: true}
        rows:
          - {code: a, label: {sw: A, en: A}}
      - id: orodha
        type: grid
        required: true
        text: {sw: "Orodha?", en: "List?"}
        columns:
          - {code: jina, input: text, label: {sw: Jina, en: Name}}
        rows:
          - {code: a, label: {sw: A, en: A}}
"""


def test_every_place_that_needs_missing_wording_is_reported_at_once(tmp_path: Path) -> None:
    """One run names every place (not one per run), each at its file:line:column with
    its own fix: what the instrument can do there, or plainly that no key of it holds
    the text. Exit 2; the Python API raises one error with all the places."""
    path = tmp_path / "sw.yaml"
    path.write_text(SWAHILI_WORDED, encoding="utf-8")
    status, out, err = _cli("render", path, "--to", "limesurvey", "--lang", "en", "-o", "-")
    assert (status, out) == (2, "")
    head, *places = err.splitlines()
    assert head.startswith(f"qdef: error: cannot render {path} with 'limesurvey': ")
    assert "prints qdef's own wording in 6 places" in head
    assert "no wording for the language 'sw' (it has de, en, es, fr;" in head
    assert places == [
        f"{path}:7:5: error: the name of section 1 ('s1'), which has no title, needs "
        "qdef's wording: give the section a title (title: {sw: …, en: …})",
        f"{path}:9:9: error: the label of the end of the date range 'kipindi', which has "
        "no to_label, needs qdef's wording: give it a to_label (to_label: {sw: …, en: …}), "
        "and a from_label if its start needs one",
        f"{path}:9:9: error: the message of the date range 'kipindi' when its end is "
        "before its start needs qdef's wording: no key of the instrument holds this "
        "message; ask for the two dates as two date questions instead (they need no "
        "wording, but nothing checks that the end is not before the start)",
        f"{path}:15:9: error: the text of the grid 'kazi''s second question (its check "
        "columns) needs qdef's wording: no key of the instrument holds this text; split "
        "the grid into one grid per kind of column (text, number, check) instead",
        f"{path}:15:9: error: the message of the grid 'kazi''s exclusive column needs "
        "qdef's wording: no key of the instrument holds this message; leave out "
        "exclusive: true (nothing then empties the rest of the row)",
        f"{path}:23:9: error: the message of the required grid 'orodha' needs qdef's "
        "wording: no key of the instrument holds this message; make the grid optional "
        "(required: false) instead",
    ]
    from qdef.errors import MissingWordingError  # noqa: PLC0415

    with pytest.raises(MissingWordingError) as raised:
        render(qdef.load(path), "limesurvey")
    assert [p.path for p in raised.value.places] == [
        ("sections", 0),
        *[("sections", 0, "questions", 0)] * 2,
        *[("sections", 1, "questions", 0)] * 2,
        ("sections", 1, "questions", 1),
    ]
    assert str(raised.value).count("\n- ") == 6


def test_the_fixes_offered_for_missing_wording_work(tmp_path: Path) -> None:
    """Doing what the messages say renders the survey: a section title, a to_label,
    two date questions instead of the range, a grid per kind of column, no exclusive
    column, an optional grid."""
    fixed = (
        SWAHILI_WORDED.replace("  - id: s1\n", "  - id: s1\n    title: {sw: Moja, en: One}\n")
        .replace(
            "      - id: kipindi\n        type: daterange\n",
            "      - {id: mwanzo, type: date, text: {sw: Mwanzo, en: Start}}\n"
            "      - id: kipindi\n        type: date\n",
        )
        .replace("        required: true\n", "")
        .replace(
            "input: check, label: {sw: Hakuna, en: None}, exclusive: true",
            "input: text, label: {sw: Hakuna, en: None}",
        )
    )
    path = tmp_path / "sw.yaml"
    path.write_text(fixed, encoding="utf-8")
    status, out, err = _cli("render", path, "--to", "limesurvey", "-o", "-")
    assert (status, err) == (0, "")
    assert read(out).languages == ["sw", "en"]
    # the to_label alone is enough for a date range's label
    ranged = SWAHILI_WORDED.replace(
        '        text: {sw: "Kipindi?", en: "Period?"}\n',
        '        text: {sw: "Kipindi?", en: "Period?"}\n        to_label: {sw: hadi, en: to}\n',
    )
    path.write_text(ranged, encoding="utf-8")
    _, _, err = _cli("render", path, "--to", "limesurvey", "-o", "-")
    assert "to_label" not in err and "the message of the date range" in err


def test_a_language_qdef_has_no_wording_for_gets_limesurveys_date_format(
    tmp_path: Path,
) -> None:
    """Dates are written in each language's way: qdef does not know Swahili's, so a full
    date's date_format (which has no language in LimeSurvey) is left out and Swahili
    keeps LimeSurvey's default (no surveyls_dateformat), English its dd/mm/yyyy. A month
    or a year has no survey setting: those keep their format."""
    sw_en = _dated(tmp_path, "sw", ["en"], ranged=False)
    assert [q.attributes.get("date_format") for q in sw_en.questions] == [None, "mm/yyyy", "yyyy"]
    sw, en = sw_en.tables["surveys_languagesettings"]
    assert "surveyls_dateformat" not in sw and en["surveyls_dateformat"] == "5"


def test_a_date_ranges_codes_do_not_depend_on_the_language(tmp_path: Path) -> None:
    """The end of a date range is coded with the fixed suffix bis in every language
    (German, English, Swahili): codes are not wording, and the Investitionspakt's
    finanzierungszeitbis keeps its data column (docs/limesurvey.md)."""
    found = set()
    for language, translations in (("de", []), ("en", []), ("sw", ["en"]), ("de", ["en"])):
        path = _dates(tmp_path, language, translations, ranged=True)
        status, out, _ = _cli("render", path, "--to", "limesurvey-map", "-o", "-")
        assert status == 0
        carriers = json.loads(out)["questions"]["range"]["questions"]
        found.add(tuple(q["code"] for q in carriers))
    assert found == {("range", "rangebis")}


def _dated(tmp_path: Path, language: str, translations: list[str], *, ranged: bool = True) -> Lss:
    lss, _ = lss_of(qdef.load(_dates(tmp_path, language, translations, ranged=ranged)))
    return lss


def _dates(tmp_path: Path, language: str, translations: list[str], *, ranged: bool) -> Path:
    """Date questions at each precision and (``ranged``) a date range with a to_label."""
    texts = [language, *translations]
    text = {lang: "Datum" for lang in texts}
    data = {
        "qdef": 1,
        "id": "dates",
        "title": text,
        "language": language,
        "translations": translations,
        "sections": [
            {
                "id": "s",
                "title": text,
                "questions": [
                    {"id": p, "type": "date", "precision": p, "text": text}
                    for p in ("day", "month", "year")
                ]
                + [{"id": "range", "type": "daterange", "text": text, "to_label": text}] * ranged,
            }
        ],
    }
    path = tmp_path / f"{'-'.join(texts)}.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_dates_are_written_as_the_survey_language_writes_them(tmp_path: Path) -> None:
    """One source for every renderer: the catalogue's date_value_* (paper and web form
    write dates with it). English writes dd/mm/yyyy, German dd.mm.yyyy; date_format has
    no language in LimeSurvey, so a survey in both leaves it out for full dates and sets
    each language's surveyls_dateformat (5 = dd/mm/yyyy, 1 = dd.mm.yyyy)."""

    def formats(lss: Lss) -> tuple[list[str | None], dict[str, str]]:
        found = [q.attributes.get("date_format") for q in lss.questions]
        settings_ = {
            row["surveyls_language"]: row["surveyls_dateformat"]
            for row in lss.tables["surveys_languagesettings"]
        }
        return found, settings_

    english, german, both = (
        _dated(tmp_path, "en", []),
        _dated(tmp_path, "de", []),
        _dated(tmp_path, "de", ["en"]),
    )
    assert formats(english) == (
        ["dd/mm/yyyy", "mm/yyyy", "yyyy", "dd/mm/yyyy", "dd/mm/yyyy"],
        {"en": "5"},
    )
    assert formats(german) == (
        ["dd.mm.yyyy", "mm/yyyy", "yyyy", "dd.mm.yyyy", "dd.mm.yyyy"],
        {"de": "1"},
    )
    assert formats(both) == ([None, "mm/yyyy", "yyyy", None, None], {"de": "1", "en": "5"})


def test_every_catalogue_writes_dates_and_shows_their_hints_alike() -> None:
    """The paper hint (DD/MM/YYYY) and the date LimeSurvey and the web form write
    (dd/mm/yyyy) have the same order and separators in every catalogue."""
    from qdef.wording.catalog import catalog, languages  # noqa: PLC0415

    for lang in languages():
        chrome = catalog(lang)
        for precision in ("day", "month", "year"):
            written = chrome(f"date_value_{precision}", day="1", month="2", year="3")
            hint = chrome(f"date_{precision}")
            shape = re.sub(r"[^\W\d_]+", "#", hint.strip("()"))
            assert re.sub(r"\d", "#", written) == shape, (lang, precision, hint)
