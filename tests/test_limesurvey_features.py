"""Issue 18's elements in the ``limesurvey`` renderer: hidden variables, computed
values, defaults, filters and option/row conditions, rules — proven against the
walk on generated respondents (LimeSurvey's page flow run by tests/lsexpr.py), and
each element LimeSurvey cannot express refused at its place (QD801–QD805)."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qdef
from qdef.model import SingleChoice
from qdef.renderers.limesurvey.expressions import string
from qdef.routing import walk
from qdef.testing import respondents
from tests import lsexpr
from tests.test_limesurvey import (
    back_to_qdef,
    check_respondent,
    check_structure,
    comparable,
    ls_answers,
    ls_walk,
    lss_of,
)

FEATURES = Path(__file__).parent / "cases" / "limesurvey" / "features.yaml"
INSTRUMENT = qdef.load(FEATURES)
RENDERED = lss_of(INSTRUMENT)


def _respondents() -> st.SearchStrategy[dict[str, Any]]:
    """Respondents with values given from outside for the hidden variables too."""
    hidden = st.fixed_dictionaries(
        {},
        optional={
            "region": st.sampled_from(["north", "south", "nowhere"]),
            "panel": st.sampled_from(["a", "b"]),
            "first_name": st.sampled_from(["Ann", "<b>{x}</b>", "{{", "a & b"]),
            "wave": st.sampled_from([1, 3, 10]),
            "visit": st.sampled_from(["2020-02-29", "2021-06-01"]),
        },
    )
    return st.tuples(respondents(INSTRUMENT), hidden).map(lambda pair: pair[0] | pair[1])


def test_the_features_survey_is_complete() -> None:
    lss, mapping = lss_of(INSTRUMENT)
    check_structure(INSTRUMENT, lss)
    by_code = {q.code: q for q in lss.questions}
    # computed values: hidden equations; hidden variables: hidden text questions
    assert by_code["children"].type == "*" and by_code["children"].attributes["hidden"] == "1"
    assert by_code["region"].type == "S" and by_code["region"].attributes["hidden"] == "1"
    assert mapping["variables"]["big"]["kind"] == "truth"
    # a single choice's filter: its source's subquestion codes are its answer codes
    assert by_code["transportmain"].attributes["array_filter"] == "transport"
    assert by_code["transportnext"].attributes["array_filter_exclude"] == "transport"
    assert {a["code"] for a in by_code["transportmain"].answers} == {
        s["title"] for s in by_code["transport"].subquestions
    }
    roles = {q["role"] for e in mapping["questions"].values() for q in e["questions"]}
    assert {"computed", "hidden"} <= roles
    # defaults: members 1, transport's bus box, city's answer code, the text, region
    defaults = lss.tables["defaultvalue_l10ns"]
    assert sorted(d["defaultvalue"] for d in defaults) == [
        "1",
        "1",
        "Y",
        "north",
        "nothing",
        "other",
    ]


@settings(max_examples=150)
@given(_respondents())
def test_limesurvey_shows_and_keeps_what_the_walk_does(respondent: dict[str, Any]) -> None:
    check_respondent(INSTRUMENT, respondent, RENDERED)


@settings(max_examples=100)
@given(_respondents())
def test_limesurvey_keeps_what_the_walk_keeps_of_every_answer_given(
    respondent: dict[str, Any],
) -> None:
    """Every answer the respondent gives (not only those the walk keeps) offered to
    LimeSurvey: it keeps exactly the walk's (unoffered options and rows, and their
    follow-ups, dropped)."""
    check_typed(INSTRUMENT, respondent, RENDERED)


@pytest.mark.parametrize(
    "answers",
    [
        {"transport": ["car"], "transport_main": "bus", "transport_next": "car"},
        {"transport": ["bus", "bike"], "transport_main": "car", "transport_next": "bike"},
        {
            "transport": ["bike"],
            "transport_main": "bike",
            "bike_model": "x",
            "transport_next": "car",
        },
    ],
)
def test_a_single_choices_filtered_out_answer_is_not_kept(answers: dict[str, Any]) -> None:
    """An answer the filter of a single choice does not offer: LimeSurvey (its list's
    array_filter) drops it, and its follow-up, as the walk does."""
    check_typed(INSTRUMENT, {"members": 1, **answers}, RENDERED)


def check_typed(
    instrument: qdef.Instrument, respondent: dict[str, Any], rendered: tuple[Any, Any]
) -> None:
    """Every typed answer offered to LimeSurvey: it keeps what the walk keeps."""
    lss, mapping = rendered
    reference = walk(instrument, respondent, check=False)
    roles = {
        source: {q["role"] for q in entry["questions"]}
        for source, entry in mapping["questions"].items()
    }
    computed = {k for k, r in roles.items() if "computed" in r}
    hidden = {k for k, r in roles.items() if "hidden" in r}
    # what was typed, with the hidden values as the walk reads them
    typed = {k: v for k, v in respondent.items() if k in mapping["variables"]}
    typed = {k: v for k, v in typed.items() if k not in computed and k not in hidden}
    typed |= {k: v for k, v in reference.response.items() if k in hidden}
    try:
        values = ls_answers(mapping, typed)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return  # an answer of a form LimeSurvey cannot take (the walk ignores it)
    _, kept = ls_walk(lss, values)
    found = back_to_qdef(mapping, kept)
    expected = comparable(reference.response, mapping, frozenset(computed))
    for name in computed:
        found.pop(name, None)
        expected.pop(name, None)
    assert found == expected


HIDDEN = {"region", "panel", "first_name", "wave", "visit"}


@settings(max_examples=150)
@given(_respondents())
def test_limesurveys_validation_equations_fail_where_the_walks_rules_fail(
    respondent: dict[str, Any],
) -> None:
    lss, mapping = RENDERED
    reference = walk(INSTRUMENT, respondent, check=False)
    computed = {"children", "share", "big"}
    given_ = {k: v for k, v in reference.response.items() if k not in computed}
    shown, kept = ls_walk(lss, ls_answers(mapping, given_))
    ruled = {q.id for _, q in INSTRUMENT.questions() if getattr(q, "rules", None)}
    failed = {
        mapping_source(mapping, q.code)
        for q in shown
        if "em_validation_q" in q.attributes
        and not lsexpr.holds(q.attributes["em_validation_q"], kept)
    }
    assert failed & ruled == {f.question for f in reference.errors}


def mapping_source(mapping: dict[str, Any], code: str) -> str:
    return next(
        source
        for source, entry in mapping["questions"].items()
        if any(q["code"] == code for q in entry["questions"])
    )


def test_a_hidden_value_outside_its_domain_is_not_given() -> None:
    """A URL parameter that is no code of the hidden choice: every equation takes the
    default (region north), as the walk does."""
    lss, mapping = RENDERED
    answers = {"members": 5, "adults": 2, "wave": 3}
    for given_region, expected in (("south", False), ("nowhere", True), (None, True)):
        values = ls_answers(mapping, answers)
        if given_region is not None:
            values[mapping["variables"]["region"]["variable"]] = given_region
        shown, _ = ls_walk(lss, values)
        assert ("kidsage" in [q.code for q in shown]) is expected, given_region
        respondent = dict(answers, **({} if given_region is None else {"region": given_region}))
        assert ("kids_age" in walk(INSTRUMENT, respondent).ids) is expected


# ---------------------------------------------------------------------- refusals


def _refused(tmp_path: Path, body: str, hidden: str = "") -> tuple[int, str]:
    from qdef.cli import main  # noqa: PLC0415

    path = tmp_path / "r.yaml"
    path.write_text(
        "qdef: 1\nid: r\ntitle: R\nlanguage: en\n"
        + hidden
        + "sections:\n  - id: s\n    title: S\n    questions:\n"
        + body,
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert main(["validate", str(path)], out=out, err=err) == 0, out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    status = main(["render", str(path), "--to", "limesurvey", "-o", "-"], out=out, err=err)
    assert out.getvalue() == ""
    return status, err.getvalue().splitlines()[0].replace(str(path), "r.yaml")


@pytest.mark.parametrize(
    ("body", "hidden", "expected"),
    [
        (
            "      - {id: t, type: text, text: T}\n"
            "      - {id: n, type: computed, value: len(t)}\n",
            "",
            "r.yaml:10:40: error QD801: the function len cannot be compiled for LimeSurvey",
        ),
        (
            "      - {id: a, type: single, text: A, options: [{code: x, label: X}]}\n"
            "      - id: b\n        type: single\n        text: B\n        options:\n"
            "          - {code: x, label: X, when: 'a == \"x\"'}\n"
            "          - {code: y, label: Y}\n",
            "",
            "r.yaml:14:40: error QD803: LimeSurvey's answer options cannot have conditions",
        ),
        (
            "      - {id: a, type: multiple, text: A, options: [{code: x, label: X}]}\n"
            "      - id: b\n        type: single\n        text: B\n"
            "        widget: dropdown\n        filter: {chosen_in: a}\n"
            "        options: [{code: x, label: X}]\n",
            "",
            "r.yaml:14:17: error QD803: LimeSurvey filters the answer options of a radio list",
        ),
        (
            "      - {id: t, type: text, text: 'Hello {len(first)|you}'}\n",
            "hidden:\n  - {id: first, type: text}\n",
            "r.yaml:11:43: error QD804: the function len cannot be shown in a LimeSurvey text",
        ),
        (
            "      - {id: t, type: text, text: T, pattern: {regex: 'a.b'}}\n",
            "",
            "r.yaml:9:47: error QD805: LimeSurvey checks a regular expression on the server",
        ),
        (
            "      - id: a\n        type: single\n        text: A\n"
            "        options:\n"
            "          - {code: x, label: X, specify: [{id: a_n, type: number}]}\n"
            "        rules: [{check: a_n > 0, message: M}]\n",
            "",
            "r.yaml:14:25: error QD805: the rule reads 'a_n', a follow-up of 'a'",
        ),
    ],
    ids=["len", "single-option-when", "dropdown-filter", "piping", "pattern", "rule-followup"],
)
def test_what_limesurvey_cannot_express_is_refused_at_its_place(
    tmp_path: Path, body: str, hidden: str, expected: str
) -> None:
    if "pattern" in body:
        pytest.importorskip("qdef.expr.patterns")  # validation checks patterns with it
    status, first = _refused(tmp_path, body, hidden)
    assert status == 1
    assert first.startswith(expected), first


# ---------------------------------------------------------------------- piping


def ls_shown(text: str, kept: dict[str, str]) -> str:
    """A LimeSurvey text as the respondent reads it: each ``{expression}`` (its strings
    may hold braces) evaluated once, then the HTML read as text."""
    parts = _split(text)
    out = "".join(
        lsexpr.stored(lsexpr.evaluate(lsexpr.parse(part), kept)) if i % 2 else part
        for i, part in enumerate(parts)
    )
    return html.unescape(out.replace("<br>\n", "\n"))


def qdef_shown(path: tuple[str | int, ...], response: dict[str, Any]) -> str:
    """The text at ``path`` as the walk's response fills it (docs/format.md, Piping)."""
    from qdef.expr.types import expression_type  # noqa: PLC0415
    from qdef.routing.evaluate import as_text, value  # noqa: PLC0415

    compiled = COMPILED
    template = compiled.template(path)
    assert template is not None
    labels = {
        code: label
        for question in INSTRUMENT.questions()
        for code, label in _labels(question[1]).items()
    }

    def show(piece: Any) -> str | None:
        found = value(piece.expr, response, compiled.plan.parts)
        if found is None:
            return None
        vtype = expression_type(piece.expr, compiled.symbols)
        return as_text(found, vtype, labels.get(piece.source, {}))

    return template.fill(show)


def _labels(question: Any) -> dict[str, dict[str, str]]:
    if question.type in ("single", "multiple"):
        return {question.id: {o.code: o.label for o in question.options}}
    if question.type == "matrix":
        return {
            f"{question.id}.{r.code}": {c.code: c.label for c in question.scale}
            for r in question.rows
        }
    return {}


COMPILED = qdef.rendering.compile_instrument(INSTRUMENT)


@settings(max_examples=100)
@given(_respondents())
def test_piped_texts_read_in_limesurvey_as_the_walk_fills_them(
    respondent: dict[str, Any],
) -> None:
    lss, mapping = RENDERED
    reference = walk(INSTRUMENT, respondent, check=False)
    computed = {"children", "share", "big"}
    given_ = {k: v for k, v in reference.response.items() if k not in computed}
    shown, kept = ls_walk(lss, ls_answers(mapping, given_))
    (summary,) = [q for q in lss.questions if q.code == "summary"]
    if summary not in shown:
        return
    text = next(r["question"] for r in lss.tables["question_l10ns"] if r["qid"] == summary.qid)
    path = ("sections", 1, "questions", 0, "text")
    assert ls_shown(text, kept) == qdef_shown(path, reference.response)


def test_a_piped_answer_stays_inert_text() -> None:
    """Markup, braces, an ExpressionScript and a formula typed by a respondent are
    shown as typed: HTML-escaped, braces as character references (never read by
    LimeSurvey's expression manager, nor by the browser)."""
    lss, mapping = RENDERED
    hostile = '</script><b>x</b> {{1+1}} {INSERTANS:1X2X3} =SUM(A1) & "q"'
    (summary,) = [q for q in lss.questions if q.code == "summary"]
    text = next(r["question"] for r in lss.tables["question_l10ns"] if r["qid"] == summary.qid)
    values = ls_answers(mapping, {"note": hostile, "moved": "2020-01-01", "today_": "2022-01-01"})
    _, kept = ls_walk(lss, values)
    assert f"note {hostile};" in ls_shown(text, kept)  # what the browser shows
    page = "".join(  # the HTML LimeSurvey puts on the page
        lsexpr.stored(lsexpr.evaluate(lsexpr.parse(part), kept)) if i % 2 else part
        for i, part in enumerate(_split(text))
    )
    assert "<b>" not in page and "</script>" not in page
    assert "{" not in page and "}" not in page  # nothing LimeSurvey would read again


def _split(text: str) -> list[str]:
    """Text and expressions, alternating (as ls_shown reads them)."""
    parts: list[str] = []
    position = 0
    while (start := text.find("{", position)) >= 0:
        parts.append(text[position:start])
        end, in_string = start + 1, False
        while in_string or text[end] != "}":
            if text[end] == '"' and text[end - 1] != "\\":
                in_string = not in_string
            end += 1
        parts.append(text[start + 1 : end])
        position = end + 1
    parts.append(text[position:])
    return parts


# ---------------------------------------------------------------------- generated


@settings(max_examples=60)
@given(st.data())
def test_generated_instruments_with_issue_18s_elements(data: st.DataObject) -> None:
    """Generated instruments using every element: LimeSurvey shows and keeps what the
    walk does for a generated respondent, or the renderer refuses the instrument at
    a place with one of its codes — never an internal error, never a silent drop."""
    from qdef.errors import LocatedRenderError  # noqa: PLC0415
    from qdef.testing import FEATURES, instruments  # noqa: PLC0415

    features = data.draw(st.sets(st.sampled_from(sorted(FEATURES))))  # any subset
    instrument = data.draw(instruments(max_questions=4, features=features), label="instrument")
    try:
        rendered = lss_of(instrument)
    except LocatedRenderError as refused:
        assert refused.code.startswith("QD80") or refused.code == "QD520", refused
        if refused.code == "QD803":  # a single choice's filter alone is array_filter
            singles = [q for _, q in instrument.questions() if isinstance(q, SingleChoice)]
            assert any(
                any(o.when is not None for o in q.options)
                or (q.filter is not None and q.widget == "dropdown")
                for q in singles
            ), refused
        return
    check_structure(instrument, rendered[0])
    respondent = data.draw(respondents(instrument), label="respondent")
    check_respondent(instrument, respondent, rendered)
    check_typed(instrument, respondent, rendered)


def test_a_piped_label_with_a_backslash_or_a_line_break_is_written() -> None:
    """A label ending with a backslash, or over two lines, piped: written as HTML
    LimeSurvey reads in a string (``&#92;``, ``<br>``) and shown as authored."""
    instrument = qdef.loads(
        "qdef: 1\nid: p\ntitle: P\nlanguage: en\nsections:\n  - id: s\n    title: S\n"
        "    questions:\n"
        "      - id: a\n        type: single\n        required: true\n        text: A\n"
        "        options:\n"
        "          - {code: x, label: 'C:\\'}\n"
        '          - {code: y, label: "one\\ntwo"}\n'
        "      - {id: b, type: display, text: 'You chose {a}.'}\n"
    )
    lss, mapping = lss_of(instrument)
    (display,) = [q for q in lss.questions if q.code == "b"]
    text = next(r["question"] for r in lss.tables["question_l10ns"] if r["qid"] == display.qid)
    for code, shown in (("x", "You chose C:\\."), ("y", "You chose one<br>two.")):
        _, kept = ls_walk(lss, ls_answers(mapping, {"a": code}))
        page = "".join(
            lsexpr.stored(lsexpr.evaluate(lsexpr.parse(part), kept)) if i % 2 else part
            for i, part in enumerate(_split(text))
        )
        assert html.unescape(page) == shown


# ---------------------------------------------------------------------- patterns


@settings(max_examples=200)
@given(st.data())
def test_a_written_pattern_accepts_exactly_what_qdef_accepts(data: st.DataObject) -> None:
    """Generated patterns: where the renderer writes one (ASCII only), LimeSurvey's
    check of it accepts exactly the answers qdef accepts, non-ASCII and line breaks
    included; the others are refused (QD805)."""
    from qdef.expr.patterns import matches, to_pcre  # noqa: PLC0415
    from qdef.renderers.limesurvey.features import ascii_pattern  # noqa: PLC0415
    from qdef.testing.instrument_gen import regexes  # noqa: PLC0415

    regex = data.draw(regexes(), label="regex")
    written = ascii_pattern(regex)
    if written is None:  # it reads characters other than ASCII
        assert "[^" in to_pcre(regex) or not regex.isascii()
        return
    answer = data.draw(st.text(alphabet="aZ09 -./\n\t\u00e9\u20ac\U0001f600", max_size=8))
    equation = f"regexMatch({string(written)}, t.NAOK)"
    assert lsexpr.holds(equation, {"t": answer}) == matches(regex, answer), (regex, answer)


def test_the_features_survey_checks_its_pattern() -> None:
    lss, _ = RENDERED
    (zip_,) = [q for q in lss.questions if q.code == "zip"]
    equation = zip_.attributes["em_validation_q"]
    for answer, ok in (("SW1 2AB", True), ("sw1 2ab", False), ("SW1 2AB\n", False), ("", True)):
        assert lsexpr.holds(equation, {"zip": answer} if answer else {}) is ok, answer
    assert zip_.attributes["em_validation_q_tip"] == "A UK postcode, please."


def test_a_hidden_number_or_date_is_read_only_in_its_form_and_bounds() -> None:
    """What is given from outside for a hidden number or date counts only in its
    form (a real calendar day) and bounds; else the default applies (or nothing)."""
    lss, mapping = RENDERED
    answers = {"members": 5, "adults": 2, "region": "north"}
    for wave, visit, shown in (
        ("3", None, True),
        ("11", None, False),  # above its maximum: the default 1
        ("2.5", None, False),  # not a whole number
        ("x", "2021-02-01", True),
        (None, "2021-02-30", False),  # no such day
        (None, "2021-1-5", False),
    ):
        values = ls_answers(mapping, answers)
        values |= {k: v for k, v in (("wave", wave), ("visit", visit)) if v is not None}
        seen, _ = ls_walk(lss, values)
        assert ("kidsage" in [q.code for q in seen]) is shown, (wave, visit)


# ---------------------------------------------------------------------- formats

FORMATTED = qdef.load(FEATURES.parent / "formats.yaml")
FORMATTED_RENDERED = lss_of(FORMATTED)

#: Each LimeSurvey question checking a format, and the qdef answers that type one
#: text into each of its formatted inputs (a follow-up's option chosen).
FORMATTED_INPUTS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "mail": ("email", {}, ("mail",)),
    "contact": ("phone", {}, ("contact.tel",)),
    "site": ("url", {"kind": "web"}, ("site",)),
    "grid": ("email", {}, ("grid.a.mail", "grid.b.mail")),
    "both": ("url", {}, ("both",)),
}


def _format_answers() -> st.SearchStrategy[str]:
    """Answers near and far from every format: valid ones (any characters the formats
    allow, other than ASCII and beyond the BMP included), and texts of their pieces."""
    from qdef.expr.patterns import FORMATS, to_python  # noqa: PLC0415

    valid = [st.from_regex(to_python(regex), fullmatch=True) for regex in FORMATS.values()]
    pieces = st.text(alphabet="ab09@.:/+()- \n\t#?h\u00e9\u20ac\U0001f600", min_size=1, max_size=12)
    return st.one_of(*valid, pieces, st.sampled_from(["https://ex.org", "a@b.c", "+49 30 12"]))


@settings(max_examples=200)
@given(st.sampled_from(sorted(FORMATTED_INPUTS)), _format_answers())
def test_limesurvey_refuses_exactly_the_formatted_answers_the_walk_refuses(
    code: str, answer: str
) -> None:
    """Every kind of text input with a format (a text question, a text-list field, a
    follow-up, a grid's text column, one with a pattern too): LimeSurvey's validation
    equation, read by PCRE and by JavaScript alike (tests/lsexpr.py), fails exactly
    where the walk refuses the answer."""
    from qdef.routing import AnswerError  # noqa: PLC0415

    lss, mapping = FORMATTED_RENDERED
    _, chosen, names = FORMATTED_INPUTS[code]
    answers = dict.fromkeys(names, answer) | chosen
    try:
        walk(FORMATTED, answers, check=True)
        refused = False
    except AnswerError:
        refused = True
    (item,) = [q for q in lss.questions if q.code == code]
    values = {mapping["variables"][name]["variable"]: answer for name in names}
    assert lsexpr.holds(item.attributes["em_validation_q"], values) is not refused, answer


def test_a_formats_message_is_qdefs_in_every_language() -> None:
    """The web form's message of each format, in every language of the survey; with a
    pattern too, both messages."""
    from qdef.rendering import find_catalog, render  # noqa: PLC0415

    lss, _ = FORMATTED_RENDERED
    english = find_catalog("en")
    assert english is not None
    tips = {q.code: q.attributes.get("em_validation_q_tip") for q in lss.questions}
    for code, (shape, _, _) in FORMATTED_INPUTS.items():
        expected = english(f"web_format_{shape}")
        assert tips[code] == (expected + " Secure, please." if code == "both" else expected)
    translated = qdef.load(Path(__file__).parent / "cases" / "render" / "translated.yaml")
    text = render(translated, "limesurvey")
    for lang in ("de", "en"):
        found = find_catalog(lang)
        assert found is not None
        assert html.escape(found("web_format_email"), quote=False) in str(text)


def test_a_format_in_a_language_without_wording_is_refused_at_its_question(
    tmp_path: Path,
) -> None:
    from qdef.errors import MissingWordingError  # noqa: PLC0415
    from qdef.rendering import render  # noqa: PLC0415

    path = tmp_path / "sw.yaml"
    path.write_text(
        "qdef: 1\nid: sw\ntitle: T\nlanguage: sw\nsections:\n  - id: s\n    title: S\n"
        "    questions:\n"
        "      - {id: mail, type: text, text: Mail, format: email}\n"
        "      - {id: other, type: text, text: Other}\n",
        encoding="utf-8",
    )
    with pytest.raises(MissingWordingError) as raised:
        render(qdef.load(path), "limesurvey")
    assert [p.path for p in raised.value.places] == [("sections", 0, "questions", 0)]
    assert "the format of 'mail'" in str(raised.value)
