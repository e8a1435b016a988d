"""The ``xlsform`` renderer: pyxform converts what it writes without a warning, and the
XForm decides as qdef's walk decides.

The differential tests convert each rendering with pyxform (the converter ODK,
Enketo and KoboToolbox use) and evaluate the XForm's relevance, calculations
and constraints with :mod:`tests.xpatheval` (XPath 1.0 with ODK's functions) on
the answers of generated respondents (``qdef.testing.respondents``): the
questions relevant are exactly those the walk shows (a question not relevant
counts as empty, as ODK submits it), each computed value is the walk's, and no
constraint fails for answers that meet every rule.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import qdef
from qdef.cli import main
from qdef.diagnostics import Code
from qdef.expr import format_number
from qdef.model import Instrument
from qdef.renderers.xlsform import XlsformRenderer
from qdef.renderers.xlsform.survey import XlsformError
from qdef.renderers.xlsform.xpath import full_date
from qdef.rendering import (
    Compiled,
    RenderError,
    RenderOptionError,
    RenderOptions,
    catalog,
    compile_instrument,
    registrations,
)
from qdef.rendering import render as qdef_render
from qdef.routing import problems, walk
from qdef.testing import ALL_FEATURES, attempts, instruments, respondents
from tests.xpatheval import XForm

openpyxl = pytest.importorskip("openpyxl")
xls2xform = pytest.importorskip("pyxform.xls2xform")

ROOT = Path(__file__).parents[1]
EXAMPLES = max(settings().max_examples // 4, 5)
"""A quarter of the profile's examples (15 in "ci", 500 in "deep"): each converts
with pyxform or walks a large instrument."""
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "cases" / "xlsform").glob("*.yaml"))
"""Small instruments, each exercising features one by one (gotos, end, rosters,
computed values, filters, rules with messages, piping, dates, translations)."""


def render(instrument: Instrument | Compiled, **settings_: object) -> bytes:
    """The renderer called as ``qdef render`` calls it (its entry point may not be
    installed where this worktree is tested)."""
    compiled = instrument if isinstance(instrument, Compiled) else compile_instrument(instrument)
    lang = compiled.instrument.language
    options = RenderOptions(lang, catalog("en"), dict(settings_))
    return XlsformRenderer().render(compiled, options)


def convert(data: bytes, tmp_path: Path) -> tuple[str, list[str]]:
    """pyxform's XForm of an .xlsx, and its warnings."""
    xlsx, xml = tmp_path / "form.xlsx", tmp_path / "form.xml"
    xlsx.write_bytes(data)
    warnings = xls2xform.xls2xform_convert(xlsform_path=xlsx, xform_path=xml, validate=False)
    return xml.read_text(encoding="utf-8"), list(warnings)


def sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {
        ws.title: [
            tuple("" if c is None else c for c in row) for row in ws.iter_rows(values_only=True)
        ]
        for ws in workbook.worksheets
    }


# ---------------------------------------------------------------------- conversion


@pytest.mark.parametrize("path", INSTRUMENTS + CASES, ids=lambda p: p.stem)
def test_pyxform_converts_every_instrument_without_warnings(path: Path, tmp_path: Path) -> None:
    xml, warnings = convert(render(qdef.load(path), order="written"), tmp_path)
    assert warnings == []
    assert "<h:html" in xml


def test_the_investitionspakt_renders_without_options(tmp_path: Path) -> None:
    _, warnings = convert(
        render(qdef.load(ROOT / "instruments" / "investitionspakt.yaml")), tmp_path
    )
    assert warnings == []


def test_the_xlsx_is_byte_identical() -> None:
    instrument = qdef.load(ROOT / "instruments" / "household-energy.yaml")
    first, second = (
        render(instrument),
        render(qdef.load(ROOT / "instruments" / "household-energy.yaml")),
    )
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2024-01-01T00:00:00Z" in core


# ---------------------------------------------------------------------- the walk


def form_values(compiled: Compiled, response: Mapping[str, Any]) -> dict[str, Any]:
    """The values of the form's nodes for a walk's response (what ODK would hold)."""
    plan = compiled.plan
    values: dict[str, Any] = {}
    kinds = {v.name: v.kind for v in plan.hidden} | {n: v.kind for n, v in plan.variables.items()}

    def put(name: str, value: Any, into: dict[str, Any], index: int | None, slots: int) -> None:
        kind = kinds.get(name)
        if kind is None:
            return
        if kind == "ranking":
            for k, code in enumerate(value, 1):
                put_one(f"{name}.{k}", code, into, index, slots)
            return
        if kind == "choices":
            text = " ".join(value)
        elif kind == "number":
            text = format_number(value)
        elif kind == "date":
            text = full_date(value)
        elif kind == "check":
            text = "OK" if value else ""
        else:
            text = str(value)
        put_one(name, text, into, index, slots)

    def put_one(name: str, text: str, into: dict[str, Any], index: int | None, slots: int) -> None:
        if index is None:
            into[name] = text
        else:
            into.setdefault(name, [""] * slots)[index] = text

    for name, value in response.items():
        if name in plan.rosters:
            roster = plan.rosters[name]
            for record, slot in zip(value, roster_slots(compiled, name, response), strict=True):
                for key, item in record.items():
                    put(key, item, values, slot, len(roster.slots))
        elif not name.startswith("_"):
            put(name, value, values, None, 0)
    # what the response lacks is empty, also where the form has a default: the
    # respondent cleared it
    for name, info in plan.variables.items():
        if info.roster is not None:
            slots = len(plan.rosters[info.roster].slots)
            values.setdefault(name, [""] * slots)
        elif kinds[name] == "ranking":
            question = next(s.question for s in plan.steps if s.question.id == name)
            for k in range(1, (getattr(question, "top", None) or len(question.options)) + 1):
                values.setdefault(f"{name}.{k}", "")
        else:
            values.setdefault(name, "")
    for hidden in plan.hidden:
        values.setdefault(hidden.name, "")
    return values


def roster_slots(compiled: Compiled, roster_id: str, response: Mapping[str, Any]) -> list[int]:
    """The repeat instance (0-based) of each record: the form has one per possible item."""
    roster = compiled.plan.rosters[roster_id]
    records = response.get(roster_id, [])
    if roster.kind == "choices":
        return [roster.slots.index(r[roster.item]) for r in records]
    if roster.kind == "textlist":
        answered = [k for k, field in enumerate(roster.slots) if field in response]
        return answered[: len(records)]
    return [int(r[roster.item]) - 1 for r in records]


def check_respondent(compiled: Compiled, form: XForm, answers: Mapping[str, Any]) -> None:
    plan = compiled.plan
    result = walk(plan, answers)
    filled = form.fill(form_values(compiled, result.response))
    roster_of = {step.question.id: step.roster for step in plan.steps}
    expected: set[tuple[str, int]] = set()
    for question, iteration in zip(
        result.questions, result.iterations or [None] * len(result.questions), strict=True
    ):
        roster = roster_of[question.id]
        if roster is None:
            expected.add((question.id, 1))
        else:
            assert iteration is not None
            slot = roster_slots(compiled, roster, result.response)[iteration]
            expected.add((question.id, slot + 1))
    got: set[tuple[str, int]] = set()
    for step in plan.steps:
        qid = step.question.id
        if step.computed is not None:
            continue
        for index in range(1, filled.instances(qid) + 1):
            if filled.relevant(qid, index):
                got.add((qid, index))
    assert got == expected, (sorted(got - expected), sorted(expected - got))
    # computed values: the walk's
    for step in plan.steps:
        if step.computed is None or step.roster is not None:
            continue
        qid = step.question.id
        value = filled.value(qid)
        if qid not in result.response:
            assert value == "", qid
        else:
            want = result.response[qid]
            if isinstance(want, bool):
                assert value == ("true" if want else "false"), qid
            elif isinstance(want, int | float):
                assert float(value) == pytest.approx(float(want), rel=1e-9, abs=1e-9), qid
            else:
                assert value == str(want), qid
    assert filled.failed() == []


_forms: dict[str, tuple[Compiled, XForm]] = {}


def form_of(path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Compiled, XForm]:
    key = str(path)
    if key not in _forms:
        compiled = compile_instrument(qdef.load(path))
        xml, warnings = convert(render(compiled, order="written"), tmp_path_factory.mktemp("x"))
        assert warnings == []
        _forms[key] = compiled, XForm(xml)
    return _forms[key]


@pytest.mark.parametrize("path", INSTRUMENTS + CASES, ids=lambda p: p.stem)
@settings(
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_form_routes_as_the_walk(
    path: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    compiled, form = form_of(path, tmp_path_factory)
    respondent = data.draw(respondents(compiled.instrument), label="respondent")
    check_respondent(compiled, form, respondent)


def owner(compiled: Compiled, name: str) -> str:
    """The question a node of the form answers (a ranking's slot ``q.k`` is ``q``'s)."""
    variables = compiled.plan.variables
    if name in variables:
        return variables[name].question
    return variables[name.rsplit(".", 1)[0]].question


@pytest.mark.parametrize("path", INSTRUMENTS + CASES, ids=lambda p: p.stem)
@settings(
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_constraints_fail_where_the_rules_fail(
    path: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Respondents who may break rules: the questions with a failing constraint are
    those with a failing rule (or total)."""
    compiled, form = form_of(path, tmp_path_factory)
    attempt = data.draw(attempts(compiled.instrument), label="attempt")
    computed = {step.question.id for step in compiled.plan.steps if step.computed is not None}
    answers = {k: v for k, v in attempt.response.items() if k not in computed}
    assume(not problems(compiled.plan, answers))  # rules broken, not patterns or bounds
    filled = form.fill(form_values(compiled, attempt.response))
    failed = {owner(compiled, name) for name, _ in filled.failed()}
    assert failed == {question for question, _ in attempt.errors}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_instruments_convert_and_route_as_the_walk(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Any instrument (every feature, texts full of markup): rendered, or refused as a
    feature XLSForm cannot express; pyxform converts what is rendered without a
    warning, and it routes as the walk for a respondent."""
    compiled = compile_instrument(data.draw(instruments(features=ALL_FEATURES)))
    try:
        rendered = render(compiled, order="written")
    except XlsformError:
        return
    xml, warnings = convert(rendered, tmp_path_factory.mktemp("g"))
    assert warnings == []
    check_respondent(compiled, XForm(xml), data.draw(respondents(compiled), label="respondent"))


# ---------------------------------------------------------------------- refusals


def test_random_order_of_a_section_is_refused_where_it_stands() -> None:
    instrument = qdef.load(ROOT / "instruments" / "household-roster.yaml")
    with pytest.raises(RenderError, match=r"section .everyday.*random order.*-O order=written"):
        render(instrument)


def test_an_unknown_order_option_is_refused() -> None:
    instrument = qdef.load(ROOT / "instruments" / "investitionspakt.yaml")
    with pytest.raises(RenderOptionError, match="order=shuffle"):
        render(instrument, order="shuffle")


ROSTER = """
qdef: 1
id: refused
title: Refused
language: en
sections:
  - id: s
    questions:
      - {id: n, type: number, min: 0, max: 3, text: "How many?"}
  - id: loop
    repeat: {times: n, max: 3, item: k}
    questions:
      - {id: age, type: number, min: 0, max: 99, text: "Age?"}
  - id: after
    questions:
      - {id: doubled, type: computed, value: sum(age * 2)}
"""

ANCHORED = """
qdef: 1
id: anchored
title: Anchored
language: en
sections:
  - id: s
    questions:
      - id: q
        type: multiple
        order: random
        text: Which?
        options:
          - {code: a, label: A}
          - {code: b, label: B}
          - {code: none, label: None, exclusive: true}
"""


@pytest.mark.parametrize(
    ("source", "where", "path", "feature"),
    [
        (ROSTER, "question 'doubled'", ("sections", 2, "questions", 0, "value"), "sum()"),
        (ANCHORED, "question 'q'", ("sections", 0, "questions", 0, "order"), "anchor"),
    ],
    ids=["aggregate-of-an-expression", "random-order-with-an-anchor"],
)
def test_what_xlsform_cannot_express_is_refused_where_it_stands(
    source: str, where: str, path: tuple[object, ...], feature: str
) -> None:
    with pytest.raises(XlsformError) as refused:
        render(qdef.loads(source))
    assert refused.value.where == where
    assert refused.value.path == path
    assert feature in refused.value.feature
    assert str(refused.value).startswith(f"{where}: ")
    assert "cannot be expressed in an XLSForm" in str(refused.value)
    assert refused.value.code == Code.QD820


def test_qdef_render_prints_a_refusal_at_its_place(tmp_path: Path) -> None:
    """The command line locates QD820 in the file, as LimeSurvey's QD8xx: the line and
    column of the section's ``order``."""
    source = ROOT / "instruments" / "household-roster.yaml"
    lines = source.read_text(encoding="utf-8").splitlines()
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "form.xlsx"
    assert main(["render", str(source), "--to", "xlsform", "-o", str(target)], out, err) == 1
    match = re.match(r"(.+):(\d+):(\d+): error QD820: random order", err.getvalue())
    assert match is not None, err.getvalue()
    assert match[1] == str(source)
    assert lines[int(match[2]) - 1][int(match[3]) - 1 :].startswith("random")
    assert not target.exists()


def test_random_order_without_anchors_is_randomize(tmp_path: Path) -> None:
    source = ANCHORED.replace(", exclusive: true", "")
    data = render(qdef.loads(source))
    (row,) = [r for r in sheets(data)["survey"] if r[1] == "q"]
    assert "randomize=true" in row
    assert convert(data, tmp_path)[1] == []


# ---------------------------------------------------------------------- rows

TINY = """
qdef: 1
id: tiny
version: "7"
title: Klein
language: de
sections:
  - id: s1
    title: "Teil  1 \u201eeins\u201c"
    questions:
      - id: q1
        type: single
        required: true
        text: "Weiter? *ja*"
        options:
          - {code: ja, label: Ja}
          - {code: nein, label: Nein, goto: end}
      - id: q2
        type: number
        min: 0
        max: 10
        text: "Wie viele, {q1}?"
        rules:
          - {check: q2 > 1, message: "Mehr als 1 <bitte>."}
      - {id: q3, type: text, text: "${{x}} & {q2|0}", when: q2 > 5}
"""

Q2 = "if(number(${q2}) = number(${q2}), string(number(${q2})), '')"
TINY_SURVEY = [
    ("type", "name", "label::Deutsch (de)", "required", "relevant", "constraint", "calculation",
     "required_message::Deutsch (de)", "constraint_message::Deutsch (de)"),
    ("calculate", "_dollar", "", "", "", "", "'$'", "", ""),
    ("begin_group", "s1", "Teil  1 \u201eeins&#8220;", "", "", "", "", "", ""),
    ("select_one single_q1", "q1", "1. Weiter? \\*ja\\*", "yes", "", "", "",
     "Bitte beantworten Sie diese Frage.", ""),
    ("calculate", "_pipe1", "", "", "", "",
     "if(${q1} = 'ja', 'Ja', if(${q1} = 'nein', 'Nein', ''))", "", ""),
    ("integer", "q2", "2. Wie viele, ${_pipe1}?", "", "not(${q1} = 'nein')",
     ". >= 0 and . <= 10 and number(${q2}) > 1", "", "", "Mehr als 1 &lt;bitte&gt;."),
    ("calculate", "_pipe2", "", "", "", "", f"if({Q2} != '', {Q2}, '0')", "", ""),
    ("text", "q3", "3. ${_dollar}{x} &amp; ${_pipe2}", "",
     "(not(${q1} = 'nein') and number(${q2}) > 5)", "", "", "", ""),
    ("end_group", "s1", "", "", "", "", "", "", ""),
]  # fmt: skip


def test_rows_of_a_small_instrument(tmp_path: Path) -> None:
    """Each sheet's rows: the goto to the end as relevance, the rule as a constraint
    with its message, piped values as calculations, a literal ``${`` and markup kept
    as text."""
    data = render(qdef.loads(TINY))
    found = sheets(data)
    assert found["survey"] == TINY_SURVEY
    assert found["choices"] == [
        ("list_name", "name", "label::Deutsch (de)"),
        ("single_q1", "ja", "Ja"),
        ("single_q1", "nein", "Nein"),
    ]
    assert found["settings"] == [
        ("form_id", "form_title", "version", "default_language", "clean_text_values"),
        ("tiny", "Klein", "7", "Deutsch (de)", "no"),
    ]
    xml, warnings = convert(data, tmp_path)
    assert warnings == []
    filled = XForm(xml).fill({"q1": "ja", "q2": "7"})
    assert filled.relevant("q3")
    assert filled.value("_pipe1") == "Ja"
    assert filled.value("_dollar") == "$"  # the label shows "${x} & 7"
    # pyxform keeps the text as written: two spaces, and a typographic quote
    assert "Teil  1 \u201eeins&amp;#8220;" in xml
    assert "'Ja'" in xml


def test_every_language_has_its_columns() -> None:
    found = sheets(render(qdef.load(CASES[0])))
    header = found["survey"][0]
    for column in ("label", "constraint_message"):
        assert f"{column}::English (en)" in header
        assert f"{column}::Deutsch (de)" in header
    assert found["settings"][1][3] == "English (en)"


def test_a_cell_longer_than_a_spreadsheet_holds_is_refused() -> None:
    """openpyxl would write it; Excel and pyxform read it cut at 32,767 characters."""
    source = ANCHORED.replace("text: Which?", "text: " + "x" * 40_000)
    with pytest.raises(XlsformError, match="32,767"):
        render(qdef.loads(source), order="written")


def test_qdef_render_writes_the_xlsx(tmp_path: Path) -> None:
    """Through the entry point (pyproject.toml registers it) and the command line: the
    bytes written are the renderer's."""
    assert "xlsform" in {r.name for r in registrations()}
    from qdef.cli import main  # noqa: PLC0415

    source = ROOT / "instruments" / "investitionspakt.yaml"
    assert qdef_render(source, to="xlsform") == render(qdef.load(source))
    target = tmp_path / "form.xlsx"
    assert main(["render", str(source), "--to", "xlsform", "-o", str(target)], io.StringIO()) == 0
    assert target.read_bytes() == render(qdef.load(source))


def test_an_inputs_label_and_unit_follow_the_questions_hint() -> None:
    source = """
qdef: 1
id: hint
title: Hint
language: en
sections:
  - id: s
    questions:
      - {id: n, type: number, text: "How far?", hint: Roughly., label: About, unit: km}
"""
    survey = sheets(render(qdef.loads(source)))["survey"]
    header = survey[0]
    (row,) = [r for r in survey if r[1] == "n"]
    assert row[header.index("hint::English (en)")] == "Roughly. About km"
