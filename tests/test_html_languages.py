"""The web form in every language of the instrument (docs/webform.md, "Languages"):
the switcher changes every text and every message without touching an answer, the
saved response names the language, and the page stays accessible in each language
and readable without its script."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import qdef
from qdef.errors import RenderOptionError
from qdef.rendering import render
from qdef.routing import walk
from tests.browser import Form, FormPages, css_id

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = Path(__file__).parent / "cases" / "html" / "languages.yaml"
TRANSLATED = Path(__file__).parent / "cases" / "render" / "translated.yaml"


@pytest.fixture(scope="module")
def sprachen() -> qdef.Instrument:
    return qdef.load(LANGUAGES)


# ---------------------------------------------------------------------- the page


def test_the_page_carries_each_language_once_with_a_switcher(sprachen: qdef.Instrument) -> None:
    html = render(sprachen, "html")
    assert isinstance(html, str)
    assert '<html lang="de"' in html
    assert re.findall(r'<template data-lang="(\w+)" lang="\w+">', html) == ["en"]
    switcher = re.search(r'<div class="languages".*?</div>', html, re.DOTALL)
    assert switcher is not None
    assert re.findall(r'<button type="button" lang="(\w+)"[^>]*>(\w+)</button>', switcher[0]) == [
        ("de", "Deutsch"),
        ("en", "English"),
    ]
    program = json.loads(re.search(r'id="qdef-program">(.*?)</script>', html, re.DOTALL)[1])  # type: ignore[index]
    assert sorted(program["languages"]) == ["de", "en"]
    assert program["languages"]["en"]["title"] == "Languages"
    places = {json.dumps(path) for path, _ in program["languages"]["en"]["set"]}
    assert places == {json.dumps(path) for path, _ in program["languages"]["de"]["set"]}
    # the languages differ only in words: messages, piped texts and their numbers
    for place in places:
        path = json.loads(place)
        assert path[0] in ("lang", "messages", "pieces", "texts", "steps"), path
        if path[0] == "steps":
            assert path[2] in ("rules", "total"), path


def test_lang_picks_the_language_shown_first(sprachen: qdef.Instrument) -> None:
    html = render(sprachen, "html", lang="en")
    assert isinstance(html, str)
    assert '<html lang="en"' in html and "<title>Languages</title>" in html
    assert re.findall(r'<template data-lang="(\w+)"', html) == ["de"]
    assert 'aria-pressed="true">English<' in html


def test_languages_one_writes_the_page_of_one_language(sprachen: qdef.Instrument) -> None:
    html = render(sprachen, "html", lang="en", languages="one")
    assert isinstance(html, str)
    assert "<template data-lang" not in html and '<div class="languages"' not in html
    assert '"languages":' not in html and "Sprachen" not in html


def test_a_page_of_one_language_has_no_switcher() -> None:
    html = render(ROOT / "instruments" / "investitionspakt.yaml", "html")
    assert isinstance(html, str)
    assert "<template data-lang" not in html and '<div class="languages"' not in html
    assert html == render(ROOT / "instruments" / "investitionspakt.yaml", "html", languages="one")


def test_languages_takes_all_or_one(sprachen: qdef.Instrument) -> None:
    with pytest.raises(RenderOptionError, match="use all or one"):
        render(sprachen, "html", languages="both")


def test_a_language_without_wording_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "drei.yaml"
    path.write_text(
        "qdef: 1\nid: drei\ntitle: {de: Drei, en: Three, qaa: Qaa}\nlanguage: de\n"
        "translations: [en, qaa]\nsections:\n  - id: s\n    questions:\n"
        "      - {id: q, type: text, text: {de: Frage, en: Question, qaa: Qaq}}\n",
        encoding="utf-8",
    )
    html = render(path, "html")
    assert isinstance(html, str)
    assert re.findall(r'<template data-lang="(\w+)"', html) == ["en"]
    assert 'lang="qaa"' not in html and "Qaq" not in html


# ---------------------------------------------------------------------- in the browser


def texts(form: Form) -> dict[str, Any]:
    """What the respondent reads of the page now."""
    page = form.page
    return {
        "lang": page.get_attribute("html", "lang"),
        "title": page.title(),
        "h1": page.inner_text("h1"),
        "intro": page.eval_on_selector_all("header .intro", "els => els.map(e => e.textContent)"),
        "farbe": page.inner_text(css_id("q-farbe-legend")),
        "options": page.eval_on_selector_all(
            "#q-farbe .option > label", "els => els.map(e => e.id + ' ' + e.textContent)"
        ),
        "wahl": page.eval_on_selector_all(
            css_id("f-wahl") + " option", "els => els.map(e => e.textContent)"
        ),
        "dank": page.inner_text(css_id("q-dank")),
        "laune": page.get_attribute(css_id("f-laune"), "aria-valuetext"),
        "pressed": page.eval_on_selector_all(
            ".languages button", "els => els.map(e => `${e.lang}:${e.ariaPressed}`)"
        ),
    }


def state(form: Form) -> dict[str, Any]:
    """What the respondent answered and sees of the routing."""
    inputs = ("f-name", "f-farbe-blau", "f-stunden", "f-laune", "f-wahl", "f-urteil.himmel-1")
    values = {element: form.value(element) for element in inputs}
    audit = form.page.evaluate("qdefForm.debug.audit()")
    return {"shown": form.shown(), "values": values, "audit": audit}


#: The English labels of question farbe's options (shown in the same random order).
OPTIONS = {"l-farbe-rot": "Red", "l-farbe-blau": "Blue", "l-farbe-andere": "Other:"}

ANSWERS = {"name": "Eva <b>&amp;", "farbe": "blau", "stunden": 21.5, "laune": 7, "wahl": "a"}


@pytest.mark.browser
def test_switching_keeps_every_answer_and_changes_every_text(
    forms: FormPages, sprachen: qdef.Instrument
) -> None:
    from tests.test_html_audit import audit  # noqa: PLC0415

    form = forms.open(sprachen)
    page = form.page
    assert page.is_visible(".languages")
    form.enter(ANSWERS)
    form.answer("urteil.himmel", "1")
    german = texts(form)
    before = state(form)
    assert german["lang"] == "de" and german["h1"] == "Sprachen"
    assert german["farbe"] == "2. Welche Farbe, Eva <b>&amp;? (Pflichtfrage)"
    assert german["dank"] == "Danke, Eva <b>&amp;: Blau, 21.5 Stunden."
    assert form.error("stunden") == "Mehr als 21.5 Stunden nur bei Rot, Eva <b>&amp;."
    assert before["audit"] == [] and "urteil" in before["shown"]
    assert audit(form) == []

    page.focus(css_id("f-name"))  # the switcher comes first: Shift+Tab, Tab, Enter
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.lang") == "de"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.lang") == "en"  # the focus stays
    english = texts(form)
    assert state(form) == before  # answers, routing and the order shown unchanged
    assert english == {
        "lang": "en",
        "title": "Languages",
        "h1": "Languages",
        "intro": ["Welcome."],
        "farbe": "2. Which colour\ndo you like, Eva <b>&amp;? (required)",
        "options": [f"{o.split()[0]} {OPTIONS[o.split()[0]]}" for o in german["options"]],
        "wahl": ["Please choose …", "Colour Blue", "Nothing"],
        "dank": "Thanks, Eva <b>&amp;! You chose Blue for 21.5 hours.",
        "laune": "7 points",
        "pressed": ["de:false", "en:true"],
    }
    assert page.eval_on_selector_all("b", "els => els.length") == 0  # piped text stays inert
    assert form.error("stunden") == "Eva <b>&amp;: more than 21.5 hours only with red."
    assert audit(form) == []

    # a message made after the switch is in the new language; saving names it
    form.answer("stunden", 30)
    assert form.error("stunden") == "Please enter a number from 0 to 24."
    form.answer("stunden", 5)
    saved = json.loads(form.save_text())
    given = {**ANSWERS, "stunden": 5, "urteil.himmel": "1", "_order": saved["_order"]}
    reference = walk(sprachen, given).response
    assert next(iter(saved)) == "_language"
    assert saved == {"_language": "en", **reference}

    page.click('.languages button[lang="de"]')
    assert texts(form)["dank"] == "Danke, Eva <b>&amp;: Blau, 5 Stunden."
    assert texts(form)["farbe"] == german["farbe"]
    assert form.page.evaluate("qdefForm.debug.audit()") == []
    assert form.errors == []


@pytest.mark.browser
def test_the_language_in_the_address_opens_the_page_in_it(
    forms: FormPages, sprachen: qdef.Instrument
) -> None:
    path = forms.file(sprachen)
    page = forms.open(sprachen).page
    page.goto(path.as_uri() + "?_language=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Languages"
    page.goto(path.as_uri() + "?_language=fr")  # not one of its languages: the first
    assert page.get_attribute("html", "lang") == "de"


@pytest.mark.browser
def test_without_script_the_first_language_shows(chromium: Any, tmp_path: Path) -> None:
    html = render(qdef.load(TRANSLATED), "html")
    assert isinstance(html, str)
    path = tmp_path / "translated.html"
    path.write_text(html, encoding="utf-8")
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        assert page.get_attribute("html", "lang") == "de"
        assert not page.is_visible(".languages")
        assert page.inner_text("h1") == "Kurzbefragung"
        body = page.inner_text("body")
        assert "Ohne JavaScript" in body and "Short survey" not in body
        assert "Was an integration manager employed?" not in body
    finally:
        context.close()


def test_the_overlay_names_each_place_where_the_programs_differ_once() -> None:
    from qdef.renderers.webform.languages import overlay  # noqa: PLC0415

    de = {"lang": "de", "m": {"a": "Ja", "b": "x"}, "p": [1, 2], "s": [{"r": [["c", 0]]}]}
    en = {"lang": "en", "m": {"a": "Yes", "b": "x"}, "p": [1], "s": [{"r": [["c", 1]]}]}
    fr = {"lang": "fr", "m": {"a": "Oui", "b": "x", "c": "z"}, "p": [1, 2]}
    fr["s"] = [{"r": [["c", 0]]}]
    found = overlay({"de": de, "en": en, "fr": fr})
    places = [["lang"], ["m", "a"], ["m", "c"], ["p"], ["s", 0, "r", 0, 1]]
    assert [path for path, _ in found["de"]] == places
    assert [value for _, value in found["de"]] == ["de", "Ja", None, [1, 2], 0]
    assert [value for _, value in found["en"]] == ["en", "Yes", None, [1], 1]
    assert [value for _, value in found["fr"]] == ["fr", "Oui", "z", [1, 2], 0]
