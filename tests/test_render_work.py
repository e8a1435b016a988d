"""Work the renderers and the loader avoid at scale, counted (never timed).

Each test pins one change of issue 17 (rendering at scale) by counting the work it
removed, on a synthetic instrument (``benchmarks/synthetic.py``); the bytes each
renderer writes are pinned by the goldens, not here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import jinja2.runtime
import markupsafe
import pytest

import qdef
import qdef.renderers.webform.writer as webform
from benchmarks.synthetic import synthetic
from qdef.rendering import render

N = 120


@pytest.fixture(scope="module")
def instrument() -> Any:
    return qdef.loads(synthetic(N), path=f"synthetic-{N}.yaml")


def test_the_web_form_escapes_each_string_once(
    instrument: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template's autoescaping and the page's own fragments (options, matrix cells)
    escape through one :class:`~qdef.renderers.webform.writer.Escaper` per page, so
    MarkupSafe escapes each distinct string once: a question's id, repeated in every
    element id of the question, and a scale's labels, repeated on every matrix, were
    escaped each time (about 44 escapes per question)."""
    calls: Counter[str] = Counter()
    original = markupsafe.escape

    def counted(value: object) -> markupsafe.Markup:
        if type(value) is str:
            calls[value] += 1
        return original(value)

    # What the compiled template imports (jinja2.runtime) and what the writer uses.
    monkeypatch.setattr(jinja2.runtime, "escape", counted)
    monkeypatch.setattr(webform, "escape", counted)
    page = render(instrument, "html")
    assert isinstance(page, str)
    questions = [question for _, question in instrument.questions()]
    assert len(questions) == N
    for question in questions:  # the template escaped them (id="q-…") through the escaper
        assert calls[question.id] == 1
    repeated = {text: count for text, count in calls.items() if count > 1}
    assert repeated == {}
    assert sum(calls.values()) < 12 * N  # each question's own texts and ids, once


def test_numbers_and_units_are_looked_for_only_after_a_digit_and_a_space(
    instrument: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """:func:`qdef.rendering.spacing.keep_units` runs its unit pattern (a look-behind
    tried at every position of the text, some microseconds a question text) only on
    texts where a digit is followed by a space or tab; each of the three renderers
    passed every text with a space through it."""
    from qdef.rendering import spacing  # noqa: PLC0415

    searched: list[str] = []
    pattern = spacing._UNIT_SPACE

    class Counted:
        def sub(self, replacement: str, text: str) -> str:
            searched.append(text)
            return pattern.sub(replacement, text)

    monkeypatch.setattr(spacing, "_UNIT_SPACE", Counted())
    for renderer in ("markdown", "html", "limesurvey"):
        render(instrument, renderer)
    assert searched  # the synthetic instrument has numbers with units
    assert all(re.search(r"[0-9][ \t]", text) for text in searched)
    assert spacing.keep_units("zwischen 10 und 25 %") == "zwischen 10 und 25\u00a0%"


def test_the_escaper_gives_what_markupsafe_gives() -> None:
    escaper = webform.Escaper()
    hostile = ["<script>alert('x')</script>", '"&amp;"', "{{ x }}", "a\u00a0b", "", "ok"]
    for value in [*hostile, *hostile, 12, 1.5, None, markupsafe.Markup("<b>kept</b>")]:
        got = escaper(value)
        assert type(got) is markupsafe.Markup
        assert got == markupsafe.escape(value)
    assert escaper.escaped == len(set(hostile))  # each string once, however often asked


def test_limesurvey_rows_are_written_as_they_are_added() -> None:
    """A table of the ``.lss`` holds its rows as written XML, not as tuples of cells
    formatted in a second pass over all of them (57,000 rows at 5,000 questions:
    the writer took 0.22 s, now 0.14 s); the first row names the fields."""
    from qdef.renderers.limesurvey.writer import _Table  # noqa: PLC0415

    table = _Table("answers")
    table.add(("aid", "1"), ("code", "A]]>1"), ("other", ""), ("scale_id", None))
    table.add(("aid", "2"), ("code", "B"))
    assert table.rows == [
        "   <row><aid><![CDATA[1]]></aid><code><![CDATA[A]]]]><![CDATA[>1]]></code><other/></row>",
        "   <row><aid><![CDATA[2]]></aid><code><![CDATA[B]]></code></row>",
    ]
    assert table.xml().splitlines()[1] == (
        "  <fields><fieldname>aid</fieldname><fieldname>code</fieldname>"
        "<fieldname>other</fieldname><fieldname>scale_id</fieldname></fields>"
    )
