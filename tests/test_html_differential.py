"""The web form against the reference semantics, on generated respondents.

Each respondent (``qdef.testing.respondents``, a fixed seed by the test
profile) is entered into the page the way a person would: clicking options,
ticking boxes, typing texts, numbers and dates, in the order of the walk.
The page must then show exactly the questions ``qdef.routing.interpreter`` shows,
and save exactly its response.

Two sources of instruments: the Investitionspakt instrument, and small
instruments dense with routing (tests/routing_strategy.py: every kind of
condition, option and question gotos, conditional sections, ``goto: end``),
so that the browser's condition evaluator meets every rule of the language.

What a browser cannot hold is mapped as a browser maps it, and the expected
response is the walk of what was typed: a one-line input turns line breaks
into spaces, a text area turns CR LF and CR into LF.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import qdef
from qdef.model import Instrument, TextColumn, TextInput
from qdef.routing import walk
from qdef.routing.plan import Plan
from qdef.testing import answers, instruments, respondents
from tests.browser import FormPages
from tests.routing_strategy import routed_instruments

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"

pytestmark = pytest.mark.browser

#: Each example drives a real browser: a bounded number, more in the deep profile.
EXAMPLES = 300 if os.environ.get("QDEF_HYPOTHESIS_PROFILE") == "deep" else 30

#: Shrinking through a browser takes many minutes; CI reports the example as found.
PHASES = (
    tuple(Phase)
    if os.environ.get("QDEF_HYPOTHESIS_PROFILE") == "deep"
    else (Phase.explicit, Phase.reuse, Phase.generate)
)

BROWSER_SETTINGS = settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def in_textarea(plan: Plan, name: str) -> bool:
    node = plan.variables[name].node
    return isinstance(node, TextInput) and node.long and not isinstance(node, TextColumn)


def as_typed(plan: Plan, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as the page's inputs hold them once typed."""
    typed: dict[str, Any] = {}
    for name, value in answers.items():
        info = plan.variables.get(name)  # None: a hidden or computed value, as it is
        if info is None or info.kind != "text":
            typed[name] = value
        elif in_textarea(plan, name):
            typed[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        else:
            typed[name] = re.sub(r"\r\n|\r|\n", " ", value)
    return typed


def check_respondent(pages: FormPages, instrument: Instrument, respondent: dict[str, Any]) -> None:
    """A just-loaded page of the instrument's form (rendered once per instrument, the
    page reset for each respondent: tests/browser.py), answered as ``respondent``."""
    plan = pages.plan(instrument)
    reference = walk(plan, as_typed(plan, respondent))
    form = pages.open(instrument)
    form.enter(reference.response)
    assert form.shown() == list(reference.ids)
    assert form.save() == reference.response
    assert form.errors == []


@pytest.fixture
def pages(forms: FormPages) -> FormPages:
    return forms


INVESTITIONSPAKT = qdef.load(INSTRUMENT)


#: One fixed instrument, whose routes the generated instruments below vary anyway: 15
#: examples in the quick profile (the suite's time is bounded), all 300 in the deep one.
@settings(BROWSER_SETTINGS, max_examples=EXAMPLES if EXAMPLES > 30 else 15)
@given(respondent=respondents(INVESTITIONSPAKT))
def test_the_page_routes_and_saves_as_the_walk_on_the_investitionspakt(
    pages: FormPages, respondent: dict[str, Any]
) -> None:
    check_respondent(pages, INVESTITIONSPAKT, respondent)


@BROWSER_SETTINGS
@given(data=st.data(), instrument=routed_instruments())
def test_the_page_routes_and_saves_as_the_walk_on_instruments_dense_with_routing(
    pages: FormPages, instrument: Instrument, data: st.DataObject
) -> None:
    respondent = data.draw(respondents(instrument), label="respondent")
    check_respondent(pages, instrument, respondent)


# ---------------------------------------------------------------------- the evaluator

SAFE = 2**53 - 1


def for_script(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE:
        return {"big": str(value)}
    return value


def assert_script_walks_as_the_reference(
    pages: FormPages, instrument: Instrument, sets: list[dict[str, Any]]
) -> None:
    """The page script's walk of each answer set equals ``qdef.routing.interpreter``'s."""
    form = pages.open(instrument)
    results = form.page.evaluate(
        "sets => sets.map(answers => window.qdefForm.walk(answers))",
        [{name: for_script(value) for name, value in given.items()} for given in sets],
    )
    plan = pages.plan(instrument)
    for answer_set, result in zip(sets, results, strict=True):
        reference = walk(plan, answer_set)
        assert result["shown"] == list(reference.ids), answer_set
        assert json.loads(result["response"]) == reference.response, answer_set


@settings(BROWSER_SETTINGS, max_examples=EXAMPLES * 3)
@given(instrument=st.one_of(routed_instruments(), instruments()), data=st.data())
def test_the_page_script_walks_any_answer_set_as_the_reference(
    pages: FormPages, instrument: Instrument, data: st.DataObject
) -> None:
    """The script's walk on whole answer sets (answers off the path and follow-ups of
    options not chosen included), many per page: every rule of the condition language,
    without typing."""
    sets = data.draw(st.lists(answers(instrument), min_size=1, max_size=25), label="answer sets")
    assert_script_walks_as_the_reference(pages, instrument, sets)


CONDITIONS = Path(__file__).parent / "cases" / "html" / "conditions.yaml"


def test_the_page_script_decides_every_kind_of_condition_as_the_reference(pages: FormPages) -> None:
    """A truth table: one display per condition (check boxes against true and false,
    numbers beyond a double's precision, has, in, answered, dates, texts), every
    combination of a few values for each variable."""
    instrument = qdef.load(CONDITIONS)
    values: dict[str, list[Any]] = {
        "s": [None, "a", "b"],
        "n": [None, -1, 5, 5.5, 2**53, 2**53 + 1],
        "m": [None, ["a"]],
        "t": [None, "x", "01"],
        "d": [None, "2021-05", "2021-06"],
        "g.r.c": [None, True, False],
        "n2": [None, 5],
        "s2": [None, "a"],
        "o": [None, "a", "sonstiges"],
        "o_text": [None, "x"],
    }
    sets = [
        {name: value for name, value in zip(values, combination, strict=True) if value is not None}
        for combination in itertools.product(*values.values())
    ]
    # the walk keeps a follow-up only while its option is chosen
    sets = [s for s in sets if "o_text" not in s or s.get("o") == "sonstiges"]
    assert_script_walks_as_the_reference(pages, instrument, sets)
