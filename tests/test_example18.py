"""instruments/household-energy.yaml: the example of issue 18 uses every new element,
validates, routes as its wording says, and renders in every built-in renderer."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdef.cli import main
from qdef.diagnostics import has_errors
from qdef.errors import LocatedRenderError
from qdef.expr.nodes import Arith, Call, Expr
from qdef.expr.nodes import walk as nodes
from qdef.expr.template import Piece, Template
from qdef.expr.types import expression_type
from qdef.model import (
    Computed,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberQuestion,
    SingleChoice,
    TextQuestion,
)
from qdef.pipeline import compile, validate_file
from qdef.rendering import render
from qdef.routing import AnswerError, walk
from qdef.routing.evaluate import as_text, value
from qdef.routing.interpreter import Walk
from qdef.testing import attempts, check_routing, respondents

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "instruments" / "household-energy.yaml"
COMPILED = compile(EXAMPLE)
PLAN = COMPILED.plan
INSTRUMENT = COMPILED.instrument

#: What a respondent who answers little but what is required gives (and a few more).
BASE: dict[str, Any] = {
    "postcode": "SW1A 1AA",
    "dwelling_type": "terraced",
    "tenure": "private_rent",
    "moved_in": "2019-06",
    "members": 4,
    "adults": 2,
    "main_fuel": "gas",
    "heating_system": "gas_boiler",
    "thermostat": 20,
    "bill_payer": "self",
    "cars": 1,
    "modes": ["walk", "car"],
    "work_status": "employed",
    "contact_ok": "no",
}


def run(**changes: Any) -> Walk:
    """The walk of BASE with ``changes``, rules not enforced; a matrix's answers may be
    given as a mapping {row: code}."""
    answers: dict[str, Any] = {}
    for key, answer in {**BASE, **changes}.items():
        if isinstance(answer, dict):
            answers.update({f"{key}.{row}": code for row, code in answer.items()})
        else:
            answers[key] = answer
    return walk(PLAN, answers, check=False)


# ----------------------------------------------------------------- it is valid


def test_the_example_validates_without_errors() -> None:
    result = validate_file(EXAMPLE)
    assert not has_errors(result.diagnostics), [str(d) for d in result.diagnostics]
    # the one warning: whether some household spends more than 10 % of its income on
    # energy depends on a division qdef cannot enumerate (shown by
    # test_energy_burden_routes_to_cut_back below)
    assert [(d.code, d.message.split("'")[1]) for d in result.diagnostics] == [
        ("QD607", "cut_back")
    ]


def test_qdef_check_finds_no_error_and_the_properties_hold() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--examples", "20", str(EXAMPLE)], out=out, err=err) == 0, out.getvalue()
    assert "0 errors, 1 warning" in out.getvalue() + err.getvalue()
    report = check_routing(COMPILED, max_examples=20)
    assert report.failures == ()
    assert [f.question for f in report.findings] == ["cut_back"]


# ----------------------------------------------------------------- it uses everything


def _expressions() -> Iterator[Expr]:
    for expr in COMPILED.conditions.values():
        yield from nodes(expr)


def _pieces() -> Iterator[tuple[tuple[Any, ...], Piece]]:
    for path, template in COMPILED.texts_with_pieces():
        for piece in template.pieces:
            if isinstance(piece, Piece):
                yield path, piece


def test_the_example_uses_every_element_of_issue_18() -> None:
    hidden = INSTRUMENT.hidden or []
    kinds = {(type(h).__name__, h.default is not None) for h in hidden}
    assert {("HiddenChoice", True), ("HiddenChoice", False)} <= kinds
    assert {("HiddenNumber", True), ("HiddenNumber", False)} <= kinds
    assert {("HiddenText", True), ("HiddenText", False)} <= kinds

    calls = {n.name for n in _expressions() if isinstance(n, Call)}
    assert {"sum", "if", "coalesce", "months_between", "selected_count", "concat"} <= calls
    assert any(isinstance(n, Arith) for n in _expressions())

    questions = [q for _, q in INSTRUMENT.questions()]
    filtered = {
        (type(q).__name__, "chosen_in" if q.filter.chosen_in else "not_chosen_in")
        for q in questions
        if isinstance(q, SingleChoice | MultipleChoice | MatrixQuestion | GridQuestion)
        and q.filter is not None
    }
    assert filtered == {
        (kind, how)
        for kind in ("SingleChoice", "MultipleChoice", "MatrixQuestion", "GridQuestion")
        for how in ("chosen_in", "not_chosen_in")
    }
    assert any(
        o.when for q in questions if isinstance(q, SingleChoice) for o in q.options
    )  # cascading
    assert any(o.when for q in questions if isinstance(q, MultipleChoice) for o in q.options)
    assert any(r.when for q in questions if isinstance(q, MatrixQuestion) for r in q.rows)
    ruled = {q.id for q in questions if getattr(q, "rules", None)}
    assert {"adults", "children_school", "travel_shares", "moved_in"} <= ruled
    assert any(isinstance(q, TextQuestion) and q.pattern for q in questions)
    assert any(isinstance(q, TextQuestion) and q.format == "email" for q in questions)
    defaults = {type(q).__name__ for q in questions if getattr(q, "default", None) is not None}
    assert {"SingleChoice", "NumberQuestion", "TextQuestion"} <= defaults
    assert len([q for q in questions if not isinstance(q, Computed)]) >= 30

    # piping: where, and with and without a fallback
    places = {path[-1] if isinstance(path[-1], str) else path[-2] for path, _ in _pieces()}
    assert {"text", "label", "help", "message", "intro", "hint"} <= places
    assert any(p.fallback is None for _, p in _pieces())
    assert any(p.fallback is not None for _, p in _pieces())
    rows = [path for path, _ in _pieces() if "rows" in path]
    options = [path for path, _ in _pieces() if "options" in path]
    rules = [path for path, _ in _pieces() if "rules" in path]
    assert rows and options and rules


# ----------------------------------------------------------------- it routes as it says


def _fill(template: Template, response: Mapping[str, Any]) -> str:
    def show(piece: Piece) -> str | None:
        found = value(piece.expr, response, PLAN.parts)
        if found is None:
            return None
        labels = _labels(piece.expr)
        return as_text(found, expression_type(piece.expr, COMPILED.symbols), labels)

    return template.fill(show)


def _labels(expr: Expr) -> dict[str, str]:
    """Code -> label of the choice question ``expr`` names (English only here)."""
    for _, question in INSTRUMENT.questions():
        if getattr(question, "id", None) == getattr(expr, "name", None):
            return {o.code: str(o.label) for o in getattr(question, "options", [])}
    return {}


def _text(question: str, *keys: Any) -> Template:
    entry = PLAN.steps[PLAN.position_of(question)].entry
    template = COMPILED.template((*entry.path, *keys))
    assert template is not None
    return template


def test_computed_values_and_hidden_defaults() -> None:
    result = run(members=5, adults=2, bill_gas=80, bill_electricity=70, income=1000)
    response = result.response
    assert response["children"] == 3
    assert response["months_in_home"] == 93  # 2019-06 to 2027-03 (the default fieldwork month)
    assert response["country"] == "england"  # default
    assert response["incentive"] == 10
    assert response["monthly_total"] == 150
    assert response["energy_share"] == 15.0
    assert response["high_burden"] is True
    assert response["schemes_count"] == 0
    assert response["greeting"] == ""
    assert "contact_label" not in response  # contact refused: jumped past it
    assert "sample_source" not in response and "panel_wave" not in response  # no default


def test_hidden_values_from_outside_in_and_out_of_their_domain() -> None:
    scotland = run(country="scotland", panel_wave=3, sample_source="panel", first_name="Sam")
    assert scotland.response["country"] == "scotland"
    assert "changes_since_last" in scotland.ids
    assert scotland.response["greeting"] == ", Sam"
    for wrong in ("france", 3):
        assert run(country=wrong).response["country"] == "england"
    assert "panel_wave" not in run(panel_wave=11).response  # outside 1..10: ignored
    assert "changes_since_last" not in run(panel_wave=3, sample_source="fresh").ids


def test_cascading_options_follow_the_country_and_the_fuel() -> None:
    wales = run(country="wales", support_schemes=["nest", "hes"]).response
    assert wales["support_schemes"] == ["nest"]  # Home Energy Scotland is not offered
    assert run(main_fuel="oil", heating_system="gas_boiler").response.get("heating_system") is None
    assert "heating_system" not in run(main_fuel="dont_know").ids
    assert run(main_fuel="oil", heating_system="other").response["heating_system"] == "other"


def test_filters_offer_only_the_chosen_or_the_other_measures() -> None:
    result = run(
        measures=["loft", "glazing"],
        measure_rating={"loft": "4", "cavity": "5"},
        measure_best="cavity",
        measure_interest={"loft": "very", "solar_pv": "very", "heat_pump": "little"},
        measure_next="heat_pump",
    )
    response = result.response
    assert response["measure_rating.loft"] == "4"
    assert "measure_rating.cavity" not in response  # a row not offered
    assert "measure_best" not in response  # an option not offered is no answer
    assert "measure_interest.loft" not in response  # installed: not offered again
    assert response["measure_interest.solar_pv"] == "very"
    assert response["measure_next"] == "heat_pump"
    # a terraced house may have solar panels; a flat's rows for them are not offered
    flat = run(dwelling_type="flat", measure_interest={"solar_pv": "very"}).response
    assert "measure_interest.solar_pv" not in flat
    # nothing installed that could be rated: the matrix is not shown at all
    assert "measure_rating" not in run(measures=["none"]).ids
    assert "measure_next" in run(measures=["none"]).ids


def test_rules_fail_with_their_messages() -> None:
    assert run(adults=5).errors[0].question == "adults"
    assert run(adults=4).errors == ()
    shares = {"walk": {"pct": 30}, "car": {"pct": 60}}
    cells = {f"travel_shares.{r}.{c}": v for r, cols in shares.items() for c, v in cols.items()}
    failed = walk(PLAN, {**BASE, **cells}, check=False)
    assert [(e.question, e.index) for e in failed.errors] == [("travel_shares", 0)]
    template = _text("travel_shares", "rules", 0, "message")
    assert _fill(template, failed.response) == ("The shares must add up to 100 % (now: 90 %).")
    cells["travel_shares.car.pct"] = 70
    assert walk(PLAN, {**BASE, **cells}, check=False).errors == ()
    with pytest.raises(AnswerError, match="adults"):
        walk(PLAN, {**BASE, "adults": 5})
    school = run(members=4, adults=2, children_school=3)
    assert [(e.question, e.index) for e in school.errors] == [("children_school", 0)]
    assert _fill(_text("children_school", "rules", 0, "message"), school.response) == (
        "Please give a number between 0 and 2."
    )


def test_piped_texts() -> None:
    response = run(members=3, adults=2, thermostat=19.5).response
    assert _fill(_text("adults", "text"), response) == (
        "How many of these 3 people are aged 18 or over?"
    )
    assert _fill(_text("warm_enough", "options", 0, "label"), response) == (
        "Yes, 19.5 °C keeps it warm enough"
    )
    assert _fill(_text("heating_system", "hint"), response) == "(main fuel: Mains gas)"
    assert _fill(_text("commute", "help"), response).endswith(
        "(Walking (10 minutes or more), Car or van)."
    )
    rating = _text("measure_rating", "rows", 8, "label")
    assert _fill(rating, response) == "Other measure"  # the fallback
    assert _fill(rating, {**response, "measure_other": "Heat recovery"}) == "Heat recovery"
    intro = COMPILED.template(("intro",))
    assert intro is not None
    assert _fill(intro, response).startswith("Dear resident, thank you")
    assert "£10 shopping voucher" in _fill(intro, response)
    assert _fill(intro, {**response, "first_name": "<b>Sam</b>"}).startswith("Dear <b>Sam</b>,")


def test_defaults_are_answers_the_respondent_leaves() -> None:
    # a default changes nothing in the walk by itself: not given, not saved
    assert "payment_method" not in run().response
    assert run(payment_method="direct_debit").response["payment_method"] == "direct_debit"
    questions = {q.id: q for _, q in INSTRUMENT.questions()}
    members = questions["members"]
    assert isinstance(members, NumberQuestion) and members.default == 1


def test_energy_burden_routes_to_cut_back() -> None:
    """What the analysis cannot decide (QD607), a respondent shows."""
    shown = run(bill_gas=150, bill_electricity=100, income=2000)
    assert shown.response["high_burden"] is True
    assert "cut_back" in shown.ids
    assert "cut_back" not in run(bill_gas=50, bill_electricity=50, income=2000).ids
    assert "cut_back" not in run(bill_payer="in_rent", income=10).ids  # jumped past


# ----------------------------------------------------------------- generated respondents


@settings(max_examples=40)
@given(st.data())
def test_generated_respondents_walk_as_the_walk_says(data: st.DataObject) -> None:
    attempt = data.draw(attempts(COMPILED))
    result = walk(PLAN, attempt.given, check=False)
    assert result.response == attempt.response
    assert tuple((e.question, e.index) for e in result.errors) == attempt.errors
    response = data.draw(respondents(COMPILED))
    assert walk(PLAN, response).response == response  # rules met, nothing dropped


# ----------------------------------------------------------------- it renders


@pytest.mark.parametrize("target", ["markdown", "html", "codebook"])
def test_the_example_renders(target: str) -> None:
    output = render(COMPILED, target)
    text = output.decode("utf-8") if isinstance(output, bytes) else output
    assert "household" in text.lower()


def test_limesurvey_refuses_only_the_cascading_single_choice_at_its_place() -> None:
    """LimeSurvey's answer options carry no conditions: the one feature of the example
    it cannot express is refused, located and named; nothing is dropped."""
    with pytest.raises(LocatedRenderError) as refused:
        render(COMPILED, "limesurvey")
    error = refused.value
    assert error.code == "QD803"
    step = PLAN.steps[PLAN.position_of("heating_system")]
    assert error.path[: len(step.entry.path)] == step.entry.path
    assert "heating_system" in error.message


def test_without_its_option_conditions_the_example_renders_in_limesurvey(
    tmp_path: Path,
) -> None:
    """Everything else of the example (hidden and computed values, piping, filters on
    single and multiple choices, a matrix and a grid, rules, patterns, formats,
    defaults) is written: only the option conditions of heating_system are left out."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("      - id: heating_system")
    end = text.index("\n\n", start)
    block = text[start:end]
    stripped = "\n".join(
        line.split(", when: ")[0] + "}" if line.lstrip().startswith("- {code:") else line
        for line in block.splitlines()
    )
    assert stripped != block and "when: main_fuel" in stripped  # the question's own when
    variant = tmp_path / "household-energy.yaml"
    variant.write_text(text[:start] + stripped + text[end:], encoding="utf-8")
    compiled = compile(variant)
    best = next(q for _, q in compiled.instrument.questions() if q.id == "measure_best")
    assert isinstance(best, SingleChoice) and best.filter is not None
    output = render(compiled, "limesurvey")
    lss = output.decode("utf-8") if isinstance(output, bytes) else output
    for needed in ("em_validation_q", "array_filter", "regexMatch", "heatingsystem"):
        assert needed in lss, needed
    # the single choice measure_best (a radio list) filtered by measures
    root = ET.fromstring(lss)
    qid = next(
        row.findtext("qid")
        for row in root.iter("row")
        if row.findtext("title") == "measurebest" and row.findtext("parent_qid") == "0"
    )
    attributes = {
        (row.findtext("attribute"), row.findtext("value"))
        for row in root.iter("row")
        if row.findtext("qid") == qid and row.findtext("attribute") is not None
    }
    assert ("array_filter", "measures") in attributes
