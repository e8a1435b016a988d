"""The web form in Debian's Chromium: routes, follow-ups, exclusive answers, checks,
keyboard use, saving, printing, and no network.

Every test answers the form as a respondent does and compares with the
reference semantics, ``qdef.routing.interpreter``. (The differential test with
generated respondents is in test_html_differential.py, the accessibility
audit and the injection test in test_html_audit.py.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qdef
from qdef.routing import walk
from tests.browser import Form, FormPages, css_id, open_form

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
CASES = Path(__file__).parent / "cases" / "render"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def investitionspakt() -> qdef.Instrument:
    return qdef.load(INSTRUMENT)


@pytest.fixture
def form(forms: FormPages, investitionspakt: qdef.Instrument) -> Form:
    return forms.open(investitionspakt)


def numbers(instrument: qdef.Instrument, ids: list[str]) -> list[str]:
    found = instrument.numbers()
    return [found[i] for i in ids if i in found]


# ---------------------------------------------------------------------- routes

NEIN = {
    "im_eingesetzt": "nein",
    "gruende_kein_im": "sonstiges",
    "gruende_kein_im_sonstiges": "Kein Personal",
    "zweckmaessigkeit": "ja",
    "zweckmaessigkeit_ja_weil": "Es bündelt die Arbeit\nim Quartier.",
    "aufgaben_zustaendigkeit.beteiligung.erfolgt_durch": "Quartiersbüro",
    "aufgaben_zustaendigkeit.akquise.nicht_erforderlich": True,
    "aufgaben_zustaendigkeit.sonstiges.erfolgt_durch": "Stadtteilverein",
    "aufgaben_zustaendigkeit_sonstiges": "Feste",
    "rueckblick": "Nein.",
    "interesse_gespraech": "nein",
}

JA = {
    "im_eingesetzt": "ja",
    "umsetzungsphase": ["vor", "waehrend"],
    "ansiedlung": ["freier_traeger", "sonstiges"],
    "ansiedlung_freier_traeger": "Caritas",
    "ansiedlung_sonstiges": "Rathaus",
    "wochenstunden": 19.5,
    "eigene_raeume": "ja",
    "eigene_raeume_qm": 25.5,
    "eigene_raeume_beschreibung": "Büro im Stadtteilzentrum",
    "finanzierungszeitraum.from": "2019-01",
    "finanzierungszeitraum.to": "2021-12",
    "qualifikation": "Sozialarbeiterin",
    "schwerpunkte.beteiligung": "1",
    "schwerpunkte.vernetzung": "2",
    "schwerpunkte.sonstiges": "4",
    "schwerpunkte_sonstiges": "Feste",
    "aufgaben_veraendert": "nein",
    "erwartungen.1": "Vernetzung",
    "erwartungen.3": "Beteiligung",
    "erwartungen_erfuellt": "ja",
    "erwartungen_erfuellt_ja_beschreibung": "weitgehend",
    "fortsetzung_geplant": "ja",
    "fortsetzung_finanzierung": "eigenmittel",
    "fortsetzung_finanzierung_amt": "Sozialamt",
    "gruende_fortsetzung.1": "Erfolg",
    "interesse_gespraech": "ja",
    "kontakt_name": "A. Muster",
    "kontakt_email": "a.muster@example.org",
}

JA_NEIN = {
    "im_eingesetzt": "ja",
    "wochenstunden": 20,
    "fortsetzung_geplant": "nein",
    "gruende_keine_fortsetzung.2": "Keine Mittel",
    "interesse_gespraech": "ja",
    "kontakt_telefon": "+49 30 1234567",
}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (NEIN, ["1", "2", "3", "4", "5", "6", "22"]),
        (JA, ["1", *map(str, range(7, 21)), "22"]),
        (JA_NEIN, ["1", *map(str, range(7, 19)), "21", "22"]),
    ],
    ids=["nein", "ja-fortsetzung", "ja-keine-fortsetzung"],
)
def test_each_route_shows_exactly_its_questions_and_saves_its_answers(
    form: Form, investitionspakt: qdef.Instrument, answers: dict[str, Any], expected: list[str]
) -> None:
    reference = walk(investitionspakt, answers)
    form.enter(answers)
    assert numbers(investitionspakt, form.shown()) == expected
    assert form.shown() == list(reference.ids)
    saved = form.save_text()
    assert json.loads(saved) == reference.response
    assert saved == json.dumps(reference.response, indent=2, ensure_ascii=False) + "\n"
    assert form.errors == []


def test_answering_ja_to_question_one_leads_through_seven_to_eighteen(form: Form) -> None:
    before = form.shown()
    assert "umsetzungsphase" not in before and "gruende_kein_im" in before
    form.answer("im_eingesetzt", "ja")
    after = form.shown()
    assert "gruende_kein_im" not in after and "umsetzungsphase" in after
    # question 18 decides between 19-20 and 21; before it is answered, the default route
    assert "fortsetzung_finanzierung" in after and "gruende_keine_fortsetzung" not in after
    form.answer("fortsetzung_geplant", "nein")
    assert "fortsetzung_finanzierung" not in form.shown()
    assert "gruende_keine_fortsetzung" in form.shown()


def test_questions_that_leave_the_path_are_cleared_disabled_and_not_saved(form: Form) -> None:
    form.enter(JA)
    form.answer("im_eingesetzt", "nein")
    for element in ("f-wochenstunden", "f-kontakt_name", "f-umsetzungsphase-vor"):
        assert form.disabled(element) == (element != "f-kontakt_name"), element
    assert form.value("f-wochenstunden") == ""
    assert form.value("f-umsetzungsphase-vor") is False
    assert form.value("f-schwerpunkte.beteiligung-1") is False
    # question 22 stays on the path, with its answers
    assert form.value("f-kontakt_name") == "A. Muster"
    saved = form.save()
    assert saved == {
        "im_eingesetzt": "nein",
        "interesse_gespraech": "ja",
        "kontakt_name": "A. Muster",
        "kontakt_email": "a.muster@example.org",
    }
    # back on the other route: the answers given there are gone, not restored
    form.answer("im_eingesetzt", "ja")
    assert form.value("f-wochenstunden") == ""
    assert not form.disabled("f-wochenstunden")


def test_follow_ups_are_enabled_only_while_their_option_is_chosen(form: Form) -> None:
    form.answer("im_eingesetzt", "ja")
    assert form.disabled("f-eigene_raeume_qm") and form.disabled("f-eigene_raeume_sitz")
    form.answer("eigene_raeume", "ja")
    assert not form.disabled("f-eigene_raeume_qm")
    form.answer("eigene_raeume_qm", 30)
    form.answer("eigene_raeume", "nein")
    assert form.disabled("f-eigene_raeume_qm") and form.value("f-eigene_raeume_qm") == ""
    assert not form.disabled("f-eigene_raeume_sitz")
    # multiple choice: a follow-up per ticked box
    form.answer("ansiedlung", ["sonstiges"])
    assert not form.disabled("f-ansiedlung_sonstiges")
    assert form.disabled("f-ansiedlung_freier_traeger")
    form.control("f-ansiedlung-sonstiges").uncheck()
    assert form.disabled("f-ansiedlung_sonstiges")


def test_an_exclusive_check_cell_empties_its_row_and_the_row_unticks_it(form: Form) -> None:
    row = "aufgaben_zustaendigkeit.beteiligung"
    form.answer("im_eingesetzt", "nein")
    form.answer(f"{row}.erfolgt_durch", "Quartiersbüro")
    form.answer(f"{row}.nicht_erforderlich", True)
    assert form.value(f"f-{row}.erfolgt_durch") == ""
    assert form.value(f"f-{row}.nicht_erforderlich") is True
    form.control(f"f-{row}.erfolgt_durch").fill("Amt")
    assert form.value(f"f-{row}.nicht_erforderlich") is False
    assert form.save() == {"im_eingesetzt": "nein", f"{row}.erfolgt_durch": "Amt"}


def test_exclusive_options_clear_the_others(forms: FormPages) -> None:
    instrument = qdef.load(CASES / "multiple_choices.yaml")
    form = forms.open(instrument)
    question = next(
        q
        for _, q in instrument.questions()
        if q.type == "multiple" and any(o.exclusive for o in q.options)
    )
    exclusive = next(o.code for o in question.options if o.exclusive)
    others = [o.code for o in question.options if not o.exclusive]
    form.control(f"f-{question.id}-{others[0]}").check()
    form.control(f"f-{question.id}-{exclusive}").check()
    assert form.value(f"f-{question.id}-{others[0]}") is False
    form.control(f"f-{question.id}-{others[0]}").check()
    assert form.value(f"f-{question.id}-{exclusive}") is False


# ---------------------------------------------------------------------- checks


def test_a_required_question_left_open_stops_saving_with_a_message_at_the_field(
    form: Form,
) -> None:
    page = form.page
    items = form.save_refused()
    assert items == ["1. Bitte beantworten Sie diese Frage."]
    assert form.error("im_eingesetzt") == "Bitte beantworten Sie diese Frage."
    radio = page.locator(css_id("f-im_eingesetzt-ja"))
    assert radio.get_attribute("aria-invalid") == "true"
    assert "e-im_eingesetzt" in (radio.get_attribute("aria-describedby") or "")
    # the summary takes the focus; its link leads to the field
    assert page.evaluate("document.activeElement.id") == "qdef-summary"
    page.click("#qdef-summary a")
    assert page.evaluate("document.activeElement.id") == "f-im_eingesetzt-nein"
    form.answer("im_eingesetzt", "nein")
    assert form.error("im_eingesetzt") is None
    assert radio.get_attribute("aria-invalid") is None
    assert form.save() == {"im_eingesetzt": "nein"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("200", "Bitte geben Sie eine Zahl von 0 bis 168 ein."),
        ("-1", "Bitte geben Sie eine Zahl von 0 bis 168 ein."),
        ("zwanzig", "Bitte geben Sie eine Zahl ein, zum Beispiel 12,5."),
        ("1.000,5", "Bitte geben Sie eine Zahl ein, zum Beispiel 12,5."),
    ],
)
def test_numbers_are_checked_as_they_are_entered(form: Form, typed: str, message: str) -> None:
    form.answer("im_eingesetzt", "ja")
    form.answer("fortsetzung_geplant", "nein")
    field = form.control("f-wochenstunden")
    field.fill(typed)
    field.blur()
    assert form.error("wochenstunden") == message
    assert field.get_attribute("aria-invalid") == "true"
    assert form.save_refused() == [f"9. {message}"]
    field.fill("12,5")  # the message goes as soon as the answer is right
    assert form.error("wochenstunden") is None
    assert form.save()["wochenstunden"] == 12.5


def test_a_date_range_must_not_end_before_it_starts(form: Form) -> None:
    form.answer("im_eingesetzt", "ja")
    form.answer("fortsetzung_geplant", "ja")
    form.answer("finanzierungszeitraum.from", "2021-12")
    form.answer("finanzierungszeitraum.to", "2019-01")
    assert form.error("finanzierungszeitraum.to") == "Das Ende darf nicht vor dem Beginn liegen."
    form.answer("finanzierungszeitraum.to", "2022-01")
    assert form.error("finanzierungszeitraum.to") is None
    assert form.save()["finanzierungszeitraum.to"] == "2022-01"


def test_messages_are_in_the_language_rendered(forms: FormPages) -> None:
    instrument = qdef.load(CASES / "translated.yaml")
    form = forms.open(instrument, lang="en")
    assert form.page.get_attribute("html", "lang") == "en"
    assert form.save_refused() == ["1. Please answer this question."]
    form.answer("eingesetzt", "ja")
    form.answer("phasen", ["vor", "nach"])
    assert form.error("phasen") is None
    form.answer("beginn", "2020-05")
    form.answer("stunden", 1000)
    assert form.error("stunden") == "Please enter a number from 0 to 168."
    assert form.save_refused() == ["5. Please enter a number from 0 to 168."]
    form.answer("stunden", 12.5)
    form.control("f-phasen-keine").check()  # exclusive: the others go
    assert form.save()["phasen"] == ["keine"]
    assert form.errors == []


# ---------------------------------------------------------------------- keyboard


def test_the_form_is_usable_with_the_keyboard_alone(form: Form) -> None:
    """Tab to question 1, choose "Ja" with the arrow keys, tab on to question 7 and tick
    a box with the space bar; then tab to the save button and press Enter."""
    page = form.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "im_eingesetzt"
    page.keyboard.press("ArrowDown")  # radio buttons: the arrows choose
    assert form.value("f-im_eingesetzt-ja") is True
    page.keyboard.press("Tab")  # the "clear selection" button
    assert page.evaluate("document.activeElement.dataset.reset") == "im_eingesetzt"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-umsetzungsphase-vor"
    page.keyboard.press("Space")
    assert form.value("f-umsetzungsphase-vor") is True
    # every control has a visible focus indicator
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    # saving is refused (question 18 is required); the summary's link leads there
    page.focus("#qdef-save")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "qdef-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "fortsetzung_geplant"
    page.keyboard.press("Space")
    page.focus("#qdef-save")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert json.loads(saved) == {
        "im_eingesetzt": "ja",
        "umsetzungsphase": ["vor"],
        "fortsetzung_geplant": "ja",
    }


# ---------------------------------------------------------------------- print, offline


def test_a_blank_form_prints_every_question_and_a_filled_one_its_path(form: Form) -> None:
    page = form.page
    page.emulate_media(media="print")
    every = [q for _, q in form.instrument.questions()]
    assert form.shown() == [q.id for q in every]
    notes = page.eval_on_selector_all(".route", "els => els.filter(e => e.offsetParent).length")
    assert notes > 0
    assert page.is_hidden("#qdef-save")
    page.emulate_media(media="screen")
    form.answer("im_eingesetzt", "nein")
    page.emulate_media(media="print")
    assert "umsetzungsphase" not in form.shown()
    assert page.pdf()[:5] == b"%PDF-"


def test_the_page_requests_nothing_from_any_network(
    browser_context: Any, investitionspakt: qdef.Instrument, tmp_path: Path
) -> None:
    requests: list[str] = []
    browser_context.on("request", lambda request: requests.append(request.url))
    form = open_form(browser_context, investitionspakt, tmp_path)
    form.enter(JA)
    form.save()
    assert [url for url in requests if not url.startswith(("file:", "blob:", "data:"))] == []
    # Chromium reports what its content security policy refuses as console errors
    assert form.errors == []


def test_without_javascript_every_question_shows_with_its_routing_notes(
    chromium: Any, investitionspakt: qdef.Instrument, tmp_path: Path
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        form = open_form(context, investitionspakt, tmp_path)
        page = form.page
        assert len(form.shown()) == len(list(investitionspakt.questions()))
        assert page.is_visible("text=weiter mit Frage 7")
        assert page.is_visible(".noscript")
    finally:
        context.close()


# ---------------------------------------------------------------------- the docs' screenshot

SCREENSHOT = ROOT / "docs" / "img" / "investitionspakt-html.png"


def test_the_screenshot_in_the_docs_is_taken_by_the_tests_browser(
    form: Form, request: pytest.FixtureRequest
) -> None:
    """docs/img/investitionspakt-html.png: the form on route "Ja", one answer out of range.
    Rewritten with --update-goldens; otherwise its size is checked (pixels differ with
    fonts and browser versions)."""
    page = form.page
    page.set_viewport_size({"width": 1000, "height": 1600})
    form.enter(
        {
            "im_eingesetzt": "ja",
            "umsetzungsphase": ["vor", "waehrend"],
            "ansiedlung": ["freier_traeger"],
            "ansiedlung_freier_traeger": "Caritas",
        }
    )
    field = form.control("f-wochenstunden")
    field.fill("200")
    field.blur()
    page.evaluate("window.scrollTo(0, 0)")
    shot = page.screenshot()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    if request.config.getoption("--update-goldens"):
        SCREENSHOT.write_bytes(shot)
    assert SCREENSHOT.read_bytes()[16:24] == shot[16:24]  # width and height


def test_a_dropdown_routes_and_opens_its_follow_up(forms: FormPages) -> None:
    instrument = qdef.load(CASES / "dropdown.yaml")
    form = forms.open(instrument)
    assert form.disabled("f-land_anderes")
    form.answer("land", "anderes")
    assert not form.disabled("f-land_anderes")
    form.answer("land_anderes", "Sachsen")
    form.answer("einwohner", 5000)
    assert form.shown() == ["land", "einwohner", "ende"]
    assert form.save() == {"land": "anderes", "land_anderes": "Sachsen", "einwohner": 5000}
    form.answer("land", "keine")  # goto ende: question 2 leaves the path
    assert form.shown() == ["land", "ende"]
    assert form.disabled("f-land_anderes") and form.value("f-land_anderes") == ""
    assert form.save() == {"land": "keine"}


def test_leaving_with_unsaved_answers_asks_first(form: Form) -> None:
    page = form.page
    form.answer("im_eingesetzt", "nein")
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # the respondent stays, with the answers
    assert not page.is_closed() and form.value("f-im_eingesetzt-nein") is True
    form.save()  # once saved, leaving asks nothing
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_event("close", timeout=5000)  # a question, dismissed, would keep it open
    assert seen == [] and page.is_closed()


# ---------------------------------------------------------------------- the reused page

#: Everything a test can see of a form: the questions shown, every control's value,
#: checked and disabled state and ARIA marks, every message slot, the summary, the
#: status line, the reset buttons, sections, focus, scrolling, storage, the viewport
#: and the emulated media, and what earlier scripts may have left on the window.
STATE = """() => {
  const form = document.getElementById("qdef-form");
  const controls = Array.from(form.elements).map(e => [
    e.id || e.name || e.tagName, e.value, e.checked === undefined ? null : e.checked,
    e.disabled, e.getAttribute("aria-invalid"), e.getAttribute("aria-describedby")]);
  const hidden = selector => Array.from(document.querySelectorAll(selector))
    .map(e => [e.id || e.dataset.reset || "", e.hidden]);
  return {
    shown: Array.from(document.querySelectorAll("[data-q]"))
      .filter(e => e.offsetParent !== null).map(e => e.dataset.q),
    controls,
    errors: Array.from(document.querySelectorAll(".error"))
      .map(e => [e.id, e.hidden, e.textContent]),
    summary: [document.getElementById("qdef-summary").hidden,
      document.getElementById("qdef-summary").textContent],
    status: document.getElementById("qdef-status").textContent,
    hidden: hidden("button[data-reset], section.section, .q"),
    focus: document.activeElement && (document.activeElement.id || document.activeElement.tagName),
    scroll: [window.scrollX, window.scrollY],
    storage: [localStorage.length, sessionStorage.length],
    viewport: [window.innerWidth, window.innerHeight],
    print: window.matchMedia("print").matches,
    left: Object.keys(window).filter(k => k.startsWith("leftOver")),
    html: document.documentElement.className,
  };
}"""


def test_a_reused_page_is_reset_to_a_just_loaded_form(
    forms: FormPages, investitionspakt: qdef.Instrument, browser_context: Any, tmp_path: Path
) -> None:
    """The page forms.open hands out again equals a fresh page in a fresh context, after
    a test that answered, ticked, got messages and a summary, stored, resized, printed,
    left a global and a console error, and listened; the form is not rendered again."""
    fresh = open_form(browser_context, investitionspakt, tmp_path)
    expected = fresh.page.evaluate(STATE)

    used = forms.open(investitionspakt)
    renders, page = forms.renders, used.page
    used.enter(JA)
    used.control("f-wochenstunden").fill("500")
    used.control("f-wochenstunden").blur()
    used.save_refused()  # the summary, with messages at the fields
    used.page.evaluate(
        "() => { localStorage.setItem('k', 'v'); sessionStorage.setItem('k', 'v');"
        " window.leftOver = 1; console.error('from the last test');"
        " document.getElementById('qdef-form').addEventListener('change',"
        " () => { throw new Error('a listener of the last test'); }); }"
    )
    used.page.set_viewport_size({"width": 500, "height": 400})
    used.page.emulate_media(media="print")
    dirty = used.page.evaluate(STATE)
    # the comparison sees what a reset could forget: ticked boxes, messages, the summary
    for part in ("shown", "controls", "errors", "summary", "storage", "viewport", "print"):
        assert dirty[part] != expected[part], part
    assert used.errors == ["from the last test"]

    # a reset that only empties the inputs (the form's own reset) is not enough
    used.page.evaluate("document.getElementById('qdef-form').reset()")
    half = used.page.evaluate(STATE)
    assert half["errors"] != expected["errors"] and half["summary"] != expected["summary"]

    again = forms.open(investitionspakt)
    assert again.page is page and forms.renders == renders  # reused, not rendered again
    assert again.page.evaluate(STATE) == expected
    assert again.errors == []  # the last test's console error stays with it
    # the listener of the last test is gone; the form answers and saves as a fresh one
    for form in (fresh, again):
        form.enter(NEIN)
    assert again.page.evaluate(STATE) == fresh.page.evaluate(STATE)
    assert again.save_text() == fresh.save_text()
    assert again.errors == [] and fresh.errors == []
