"""The web form's accessibility audit (axe-core in Chromium) and the injection test:
instrument text that looks like HTML, script or template code renders inert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import qdef
from tests.browser import Form, FormPages, open_form

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
CASES = sorted((Path(__file__).parent / "cases" / "render").glob("*.yaml"))

pytestmark = pytest.mark.browser

#: WCAG 2.2 A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def audit(form: Form) -> list[str]:
    """axe-core's violations on the page as it is now, one line per element."""
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415

    results = Axe().run(
        form.page,
        options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]},
    )
    found: list[str] = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            found.append(f"{violation['id']}: {node['target']} {node['failureSummary']}")
    return found


@pytest.fixture(scope="module")
def investitionspakt() -> qdef.Instrument:
    return qdef.load(INSTRUMENT)


def test_axe_finds_nothing_on_the_investitionspakt_form_in_any_state(
    forms: FormPages, investitionspakt: qdef.Instrument
) -> None:
    form = forms.open(investitionspakt)
    assert audit(form) == []  # as it opens: route 1-6, 22
    form.answer("im_eingesetzt", "ja")
    form.answer("eigene_raeume", "ja")
    form.answer("interesse_gespraech", "ja")
    assert audit(form) == []  # route 1, 7-22 with follow-ups enabled
    form.control("f-wochenstunden").fill("500")
    form.save_refused()
    assert form.error("wochenstunden") is not None
    assert audit(form) == []  # with messages and their summary


def test_the_audit_catches_what_it_should(
    forms: FormPages, investitionspakt: qdef.Instrument
) -> None:
    """Not a vacuous audit: an input stripped of its name, and faint text, are found."""
    form = forms.open(investitionspakt)
    form.page.evaluate(
        "() => { const field = document.getElementById('f-rueckblick');"
        " field.removeAttribute('aria-labelledby');"
        " document.querySelector('h1').style.color = '#ddd'; }"
    )
    found = audit(form)
    assert any(line.startswith("label:") for line in found), found
    assert any(line.startswith("color-contrast:") for line in found), found


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_axe_finds_nothing_on_any_question_type(forms: FormPages, case: Path) -> None:
    form = forms.open(qdef.load(case))
    assert audit(form) == []
    assert form.errors == []


# ---------------------------------------------------------------------- injection

MARK = "window.qdefInjected = (window.qdefInjected || 0) + 1"
HOSTILE = [
    f"<script>{MARK}</script>",
    f'"><img src=x onerror="{MARK}">',
    f"'><svg onload='{MARK}'>",
    f"</textarea><script>{MARK}</script>",
    f"</script><script>{MARK}</script>",
    "{{ 7 * 7 }} {% raw %}{{ self }}",
    # (no U+2028: the loader refuses it in any text, QD112; script_json's escape of
    # it is tested in test_html.py)
    "<!-- ${7*7} &lt;b&gt; &amp;",
]


def hostile_instrument(folder: Path) -> qdef.Instrument:
    """An instrument with hostile text in every place that holds text (written as JSON,
    which is YAML too, so that no quoting of ours stands between the text and qdef)."""
    h = HOSTILE

    def raw(i: int) -> str:
        return h[i % len(h)]

    def text(i: int) -> str:
        """A text that may pipe (docs/format.md, "Piping"): its braces doubled, so that
        it shows as written."""
        return raw(i).replace("{", "{{").replace("}", "}}")

    data = {
        "qdef": 1,
        "id": "hostile",
        "title": raw(0),
        "version": raw(1),
        "language": "de",
        "intro": text(2),
        "sections": [
            {
                "id": "s1",
                "title": text(3),
                "intro": text(4),
                "questions": [
                    {
                        "id": "frei",
                        "type": "text",
                        "text": text(5),
                        "hint": text(6),
                        "help": text(0),
                        "label": text(1),
                        "suffix": text(2),
                    },
                    {
                        "id": "wahl",
                        "type": "single",
                        "text": text(3),
                        "when": f'frei == "{HOSTILE[4]}"',
                        "options": [
                            {
                                "code": "a",
                                "label": text(4),
                                "specify": [
                                    {
                                        "id": "wahl_a",
                                        "label": text(5),
                                        "suffix": text(6),
                                        "long": True,
                                    }
                                ],
                            },
                            {"code": "b", "label": text(6), "goto": "ende"},
                        ],
                    },
                    {
                        "id": "raster",
                        "type": "grid",
                        "text": text(0),
                        "columns": [
                            {
                                "code": "t",
                                "input": "text",
                                "label": text(1),
                                "description": text(2),
                            },
                            {"code": "n", "input": "number", "label": text(3), "unit": text(4)},
                            {"code": "c", "input": "check", "label": text(5)},
                        ],
                        "rows": [
                            {
                                "code": "r",
                                "label": text(6),
                                "specify": {"id": "raster_r", "suffix": text(0)},
                            }
                        ],
                    },
                    {
                        "id": "skala",
                        "type": "matrix",
                        "text": text(1),
                        "scale": [{"code": "1", "label": text(2), "description": text(3)}],
                        "rows": [{"code": "r", "label": text(4)}],
                    },
                    {
                        "id": "liste",
                        "type": "textlist",
                        "text": text(5),
                        "fields": [{"code": "a", "label": text(6)}],
                    },
                    {
                        "id": "zeit",
                        "type": "daterange",
                        "text": text(0),
                        "from_label": text(1),
                        "to_label": text(2),
                    },
                    {
                        "id": "mehr",
                        "type": "multiple",
                        "text": text(3),
                        "options": [{"code": "x", "label": text(4), "exclusive": True}],
                    },
                    {"id": "ende", "type": "display", "text": text(5), "help": text(6)},
                ],
            }
        ],
    }
    path = folder / "hostile.yaml"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return qdef.load(path)


def test_hostile_text_renders_inert_and_shows_literally(
    browser_context: Any, tmp_path: Path
) -> None:
    instrument = hostile_instrument(tmp_path)
    dialogs: list[str] = []
    form = open_form(browser_context, instrument, tmp_path)
    form.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = form.page
    assert page.evaluate("window.qdefInjected") is None
    assert page.evaluate("document.scripts.length") == 2  # the program and ours
    shown = page.inner_text("body")
    for text in HOSTILE:
        assert " ".join(text.split()) in " ".join(shown.split()), text
    assert "49" not in shown
    # a condition comparing with hostile text works as data: type the text, and the
    # question that depends on it appears
    assert "wahl" not in form.shown()
    form.answer("frei", HOSTILE[4])
    assert "wahl" in form.shown()
    form.answer("wahl", "a")
    form.answer("wahl_a", HOSTILE[3])
    saved = form.save()
    assert saved == {"frei": HOSTILE[4], "wahl": "a", "wahl_a": HOSTILE[3]}
    assert page.evaluate("window.qdefInjected") is None
    assert dialogs == [] and form.errors == []
