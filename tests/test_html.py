"""The ``html`` renderer without a browser: one self-contained, deterministic page whose
every input is named, whose references all resolve, and whose routing program is the
instrument's plan. (The browser tests are test_html_browser.py, test_html_audit.py and
test_html_differential.py.)"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import qdef
from qdef.expr.parser import parse
from qdef.renderers.webform import HtmlRenderer
from qdef.renderers.webform.writer import condition, program, script_json
from qdef.rendering import Catalog, compile_instrument, options_for, render
from qdef.testing import instruments

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
CASES = sorted((Path(__file__).parent / "cases" / "render").glob("*.yaml"))


class Page(HTMLParser):
    """The elements of a page: tag, attributes and the text inside scripts and styles;
    as the document has them (the content of a ``<template>``, the page in another
    language, is not the document's: ``templates`` counts them)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self.text: list[str] = []
        self.templates = 0
        self._in: str | None = None
        self._inert = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._inert:
            return
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.raw:
            self._in = tag
        if tag == "template":
            self._inert = True
            self.templates += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._inert = False
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._inert:
            return
        if self._in is not None:
            self.raw[self._in].append(data)
        else:
            self.text.append(data)

    def ids(self) -> Counter[str]:
        return Counter(a["id"] for _, a in self.elements if "id" in a)


def page_of(path: Path, **settings: Any) -> tuple[str, Page]:
    html = render(qdef.load(path), "html", **settings)
    assert isinstance(html, str)
    return html, Page(html)


@pytest.mark.parametrize(
    "case", [INSTRUMENT, *CASES], ids=["investitionspakt"] + [c.stem for c in CASES]
)
def test_the_page_is_one_self_contained_file(case: Path) -> None:
    html, page = page_of(case)
    tags = [tag for tag, _ in page.elements]
    assert not {"link", "img", "iframe", "object", "embed", "base", "audio", "video"} & set(tags)
    for tag, attributes in page.elements:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attributes.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    css = "".join(page.raw["style"])
    assert "url(" not in css and "@import" not in css
    # the code names no address (the program is data: a message may show one, e.g.
    # "https://example.org" as the example of a web address)
    code = "".join(s for s in page.raw["script"] if not s.startswith("{"))
    assert not re.search(r"https?://", css + code)
    assert html.startswith("<!DOCTYPE html>\n")


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_only_its_own_script_and_style_may_run_and_nothing_may_be_fetched() -> None:
    _, page = page_of(INSTRUMENT)
    (policy,) = [
        a["content"]
        for tag, a in page.elements
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    code = [s for s in page.raw["script"] if not s.startswith("{")]
    (script,) = code
    assert directives["script-src"] == f"'{_hash(script)}'"
    assert directives["style-src"] == f"'{_hash(''.join(page.raw['style']))}'"
    assert "unsafe" not in policy


def test_rendering_is_deterministic_and_sets_the_language() -> None:
    instrument = qdef.load(CASES[0].parent / "translated.yaml")
    first = render(instrument, "html")
    assert first == render(qdef.load(CASES[0].parent / "translated.yaml"), "html")
    assert '<html lang="de"' in str(first)
    english = str(render(instrument, "html", lang="en", languages="one"))
    assert '<html lang="en"' in english and "Save answers" in english
    assert "Antworten speichern" not in english
    both = Page(str(render(instrument, "html", lang="en")))  # German in a template
    shown = "".join(both.text)
    assert both.templates == 1 and "Save answers" in shown and "Antworten speichern" not in shown
    assert "Antworten speichern" in str(render(instrument, "html", lang="en"))


@pytest.mark.parametrize(
    "case", [INSTRUMENT, *CASES], ids=["investitionspakt"] + [c.stem for c in CASES]
)
def test_every_input_is_named_and_every_reference_resolves(case: Path) -> None:
    _, page = page_of(case)
    ids = page.ids()
    assert [i for i, n in ids.items() if n > 1] == []
    labelled = {a["for"] for tag, a in page.elements if tag == "label"}
    for tag, attributes in page.elements:
        for name in ("aria-labelledby", "aria-describedby"):
            for ref in attributes.get(name, "").split():
                assert ref in ids, (tag, attributes, ref)
        if tag == "label":
            assert attributes["for"] in ids
        if tag in {"input", "select", "textarea"}:
            named = attributes.get("id") in labelled or "aria-labelledby" in attributes
            assert named, (tag, attributes)
            assert attributes.get("name"), (tag, attributes)


def test_each_question_is_a_fieldset_with_a_legend_and_tables_have_scoped_headers() -> None:
    _, page = page_of(INSTRUMENT)
    instrument = qdef.load(INSTRUMENT)
    questions = [q for _, q in instrument.questions() if q.type != "display"]
    tags = [tag for tag, _ in page.elements]
    assert tags.count("fieldset") == tags.count("legend") == len(questions)
    headers = [a for tag, a in page.elements if tag == "th"]
    assert headers and all(a.get("scope") in {"row", "col"} for a in headers)


def test_the_program_is_the_plan_as_data() -> None:
    instrument = qdef.load(INSTRUMENT)
    _, page = page_of(INSTRUMENT)
    (data,) = [s for s in page.raw["script"] if s.startswith("{")]
    options = options_for(HtmlRenderer(), instrument)
    assert json.loads(data) == program(compile_instrument(instrument), options)
    steps = json.loads(data)["steps"]
    assert [s["q"] for s in steps] == [q.id for _, q in instrument.questions()]
    assert steps[0]["gotos"] == {"ja": 6}  # question 7, at position 6
    assert steps[0]["required"] == "value"


def test_conditions_travel_as_syntax_trees() -> None:
    tree = condition(
        parse('not (a == 1 or b has "x") and c in [2, 9007199254740993] and answered(d)')
    )
    assert tree == [
        "and",
        [
            [
                "not",
                [
                    "or",
                    [["cmp", "==", ["ref", "a"], ["lit", 1]], ["has", ["ref", "b"], ["lit", "x"]]],
                ],
            ],
            ["in", ["ref", "c"], [2, {"big": "9007199254740993"}], False],
            ["answered", "d"],
        ],
    ]


def test_data_in_a_script_element_cannot_end_it() -> None:
    text = str(script_json({"t": "</script><!-- & \u2028 \u2029 >"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028 \u2029 >"}


HOSTILE = "⟦<b>&amp;</script>{{ x }}\"'⟧"


@pytest.mark.parametrize(
    "case", [INSTRUMENT, *CASES], ids=["investitionspakt"] + [c.stem for c in CASES]
)
def test_catalogue_texts_are_escaped_like_any_other_text(case: Path) -> None:
    instrument = qdef.load(case)
    renderer = HtmlRenderer()
    options = options_for(renderer, instrument)
    hostile = Catalog(
        options.chrome.lang, {key: HOSTILE + text for key, text in options.chrome.entries.items()}
    )
    html = renderer.render(
        compile_instrument(instrument), dataclasses.replace(options, chrome=hostile)
    )
    page = Page(html)
    shown = "".join(page.text)
    assert "⟦<b>&amp;</script>{{ x }}\"'⟧" in shown  # as text, once decoded
    assert "<b>" not in html
    assert sum(1 for tag, _ in page.elements if tag == "script") == 2


@given(instruments())
def test_any_valid_instrument_renders_a_page_whose_references_resolve(
    instrument: qdef.Instrument,
) -> None:
    html = render(instrument, "html")
    page = Page(str(html))
    ids = page.ids()
    assert [i for i, n in ids.items() if n > 1] == []
    for _, attributes in page.elements:
        for ref in attributes.get("aria-labelledby", "").split():
            assert ref in ids
    assert sum(1 for tag, _ in page.elements if tag == "fieldset") == sum(
        1 for _, q in instrument.questions() if q.type != "display"
    )


def test_without_a_browser_the_browser_tests_skip_but_in_ci_they_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.browser import unavailable  # noqa: PLC0415

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        unavailable("no Chromium at /usr/bin/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true, but the browser tests cannot run"):
        unavailable("no Chromium at /usr/bin/chromium")
