"""The web form with the elements of issue 18, against the walk, in Chromium.

Hidden variables (from the URL), computed values, filters and cascading options
and rows, rules, patterns, defaults and piping: the page's script walks answer
sets as :func:`qdef.routing.walk` does (generated instruments using every feature,
generated attempts with answers the walk must drop and rules that fail); typed
into the page, generated respondents are saved as the walk keeps them; piped
values stay inert text; axe-core finds nothing on a form with every feature.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import qdef
from qdef.model import Instrument
from qdef.routing import walk
from qdef.testing import attempts, instruments, respondents
from qdef.testing.instrument_gen import FEATURES
from tests.browser import Form, FormPages, typed
from tests.test_html_audit import audit
from tests.test_html_differential import as_typed, for_script

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = qdef.load(ROOT / "instruments" / "household-energy.yaml")

#: Each example drives a real browser: few, and no shrinking (the example is reported).
FEW = settings(
    max_examples=15,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

featured = instruments(features=FEATURES)


def script_walks(form: Form, sets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = form.page.evaluate(
        "sets => sets.map(answers => window.qdefForm.walk(answers))",
        [{name: for_script(value) for name, value in given.items()} for given in sets],
    )
    return result


def assert_script_walks_attempts(form: Form, tries: list[Any]) -> None:
    results = script_walks(form, [attempt.given for attempt in tries])
    for attempt, result in zip(tries, results, strict=True):
        reference = walk(form.plan, attempt.given, check=False)
        assert result["shown"] == list(reference.ids), attempt.given
        assert json.loads(result["response"]) == reference.response, attempt.given
        assert [tuple(e) for e in result["errors"]] == [
            (e.question, e.index) for e in reference.errors
        ], attempt.given


@FEW
@given(instrument=featured, data=st.data())
def test_the_script_walks_attempts_as_the_reference_on_instruments_with_every_feature(
    forms: FormPages, instrument: Instrument, data: st.DataObject
) -> None:
    """Hidden values in and out of their domain, computed values, answers of options
    and rows not offered, rules met and failed: many answer sets per page."""
    tries = data.draw(st.lists(attempts(instrument), min_size=1, max_size=15), label="attempts")
    form = forms.open(instrument)
    assert_script_walks_attempts(form, tries)
    assert form.errors == []


@settings(
    FEW,
    max_examples=10,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,  # an attempt at the example is a long questionnaire
    ],
)
@given(st.lists(attempts(EXAMPLE), min_size=1, max_size=6))
def test_the_script_walks_attempts_on_the_household_example(
    forms: FormPages, tries: list[Any]
) -> None:
    assert_script_walks_attempts(forms.open(EXAMPLE), tries)


# ---------------------------------------------------------------------- typed in


def open_with(forms: FormPages, instrument: Instrument, outside: dict[str, Any]) -> Form:
    """The form opened with the hidden variables' values in its URL (``?name=value``)."""
    form = forms.open(instrument)
    if outside:
        query = "&".join(
            f"{quote(name)}={quote(typed(kind_of(form, name), value), safe='')}"
            for name, value in outside.items()
        )
        form.page.goto(form.page.url.split("?")[0] + "?" + query)
    return form


def kind_of(form: Form, name: str) -> str:
    info = form.plan.hidden_info(name)
    assert info is not None
    return info.kind


def clear_question(form: Form, question: str) -> None:
    """Empty a question's inputs as a respondent does who does not keep its default."""
    page = form.page
    for element in page.locator(f'[id="q-{question}"] :is(input, select, textarea)').all():
        if not element.is_enabled():
            continue
        kind = element.get_attribute("type")
        tag = element.evaluate("e => e.tagName")
        if kind in ("radio", "checkbox"):
            if element.is_checked():
                if kind == "checkbox":
                    element.uncheck()
                else:
                    page.click(f'button[data-reset="{question}"]')
        elif tag == "SELECT":
            element.select_option("")
        elif element.input_value() != "":
            element.fill("")
            element.blur()


def enter_as_walked(form: Form, respondent: dict[str, Any]) -> Any:
    """Type a respondent's answers into the page in the walk's order; a question with
    a default that the respondent does not answer is emptied (the default not kept)."""
    plan = form.plan
    reference = walk(plan, as_typed(plan, respondent), check=False)
    for position in reference.positions:
        step = plan.steps[position]
        question = step.question
        if getattr(question, "default", None) is not None:
            clear_question(form, question.id)  # answered: the answer replaces the default
        for name in step.variables:
            if name in reference.response:
                form.answer(name, reference.response[name])
    return reference


def check_typed(forms: FormPages, instrument: Instrument, respondent: dict[str, Any]) -> None:
    plan = forms.plan(instrument)
    outside = {info.name: respondent[info.name] for info in plan.hidden if info.name in respondent}
    form = open_with(forms, instrument, outside)
    reference = enter_as_walked(form, respondent)
    assume(not reference.errors)
    assert form.shown() == list(reference.ids)
    messages = form.page.eval_on_selector_all(
        ".error:not([hidden])", "els => els.map(e => e.id + ': ' + e.textContent)"
    )
    assert messages == [], (messages, respondent)
    assert form.errors == []
    try:
        saved = form.save()
    except Exception:
        refused = form.page.eval_on_selector_all(
            "#qdef-summary li", "els => els.map(e => e.textContent)"
        )
        pytest.fail(f"save refused: {refused}")
    if form.page.locator(".languages").count():  # a page of several languages names its own
        assert saved.pop("_language") == instrument.language
    assert saved == reference.response
    assert form.page.evaluate("qdefForm.debug.audit()") == []
    assert form.errors == []


@settings(FEW, max_examples=4)
@given(data=st.data())
def test_respondents_typed_into_the_household_example_are_saved_as_the_walk_keeps_them(
    forms: FormPages, data: st.DataObject
) -> None:
    check_typed(forms, EXAMPLE, data.draw(respondents(EXAMPLE), label="respondent"))


@settings(FEW, max_examples=10)
@given(instrument=featured, data=st.data())
def test_respondents_typed_into_instruments_with_every_feature_are_saved_as_the_walk_keeps_them(
    forms: FormPages, instrument: Instrument, data: st.DataObject
) -> None:
    check_typed(forms, instrument, data.draw(respondents(instrument), label="respondent"))


# ---------------------------------------------------------------------- piping, inert

PIPING = qdef.load(Path(__file__).parent / "cases" / "html" / "piping.yaml")

#: Answers and URL values that would do harm if they were read as HTML, script, a
#: template (``{…}``) or a formula.
HOSTILE = [
    "</script><b>x</b>",
    "{word}",
    "{{",
    "<b>bold</b>",
    "=1+1",
    "<img src=x onerror=alert(1)>",
]

COUNT = "() => document.querySelectorAll('*').length"


def pipes(form: Form) -> list[str]:
    found: list[str] = form.page.eval_on_selector_all(
        "[data-pipe]", "els => els.map(e => e.textContent)"
    )
    return found


@pytest.mark.parametrize("value", HOSTILE)
def test_piped_values_stay_inert_text_everywhere(forms: FormPages, value: str) -> None:
    """A hidden value from the URL and a typed answer, piped into the intro, a section's
    title and intro, a question's text and hint, options (a drop-down's too), a rule's
    message and a display: always the literal text, never an element or a script."""
    form = open_with(forms, PIPING, {"name": value})
    elements = form.page.evaluate(COUNT)
    form.control("f-word").fill(value)
    form.control("f-word").blur()
    form.answer("size", 60)
    form.answer("many", ["x"])
    form.control("f-code").fill("no")
    form.control("f-code").blur()
    body = form.page.inner_text("body")
    assert f"Hello {value}." in body
    assert f"About {value}" in body
    assert f"A word, {value}" in body
    assert f"How many, {value}?" in body
    assert f"Say {value}" in form.page.inner_text('[id="f-pick"]')
    assert form.error("many") == f"Not x with 60 ({value})."
    assert form.error("code") == f"Like AB12, not {value}."
    assert f"You said {value}, 60 times (120)" in body
    assert value in pipes(form)
    # nothing was created: no element, no script, no dialog; the spans hold text only
    assert form.page.evaluate(COUNT) == elements
    assert form.page.evaluate("document.scripts.length") == 2
    assert form.page.eval_on_selector_all("[data-pipe] *", "els => els.length") == 0
    assert form.page.evaluate("window.qdefInjected") is None
    assert form.errors == []


def test_the_page_pipes_fallbacks_defaults_and_the_page_language(forms: FormPages) -> None:
    form = open_with(forms, PIPING, {"region": "west"})  # outside the domain: the default
    body = form.page.inner_text("body")
    assert "Hello there." in body and "Region: North." in body  # a label, not the code
    assert form.value("f-word") == "hello" and form.value("f-size") == "2"  # pre-filled
    assert "How many, hello?" in body
    assert "b" not in form.page.eval_on_selector_all(
        '[id="f-pick"] option:not([hidden])', "els => els.map(e => e.value)"
    )
    form.answer("pick", "c")
    form.control("f-size").fill("")
    form.control("f-size").blur()
    option = form.page.text_content('[id="f-pick"] option[value="c"]')
    assert option == "Twice "  # size absent: twice too, and its piece without fallback is ""
    saved_refused = form.save_refused()  # size is required
    assert len(saved_refused) == 1
    form.answer("size", 7)
    assert form.page.text_content('[id="f-pick"] option[value="c"]') == "Twice 14"
    # a chosen label piped elsewhere is shown without its own pieces (not piped twice)
    note = form.page.text_content('[id="q-note"] .display') or ""
    assert "You said hello, 7 times (14); you picked Twice  and Y." in note, note
    assert form.save() == {
        "region": "north",
        "word": "hello",
        "size": 7,
        "twice": 14,
        "pick": "c",
        "many": ["y"],
    }


def test_a_hidden_value_in_its_domain_is_taken_from_the_url(forms: FormPages) -> None:
    form = open_with(forms, PIPING, {"region": "south", "name": "Ann"})
    assert "Region: South." in form.page.inner_text("body")
    assert "b" in form.page.eval_on_selector_all(
        '[id="f-pick"] option:not([hidden])', "els => els.map(e => e.value)"
    )
    assert form.save()["region"] == "south"


def test_axe_finds_nothing_on_a_form_with_every_feature(forms: FormPages) -> None:
    form = open_with(forms, PIPING, {"name": "Ann"})
    assert audit(form) == []
    form.answer("size", 60)
    form.answer("many", ["x"])
    form.control("f-code").fill("no")
    form.control("f-code").blur()
    assert form.error("many") is not None and form.error("code") is not None
    refused = form.save_refused()  # a failing rule and a pattern block saving
    assert refused == ["4. Not x with 60 (hello).", "5. Like AB12, not hello."], refused
    assert audit(form) == []  # with the rule's and the pattern's messages
    example = forms.open(EXAMPLE)
    assert audit(example) == []
