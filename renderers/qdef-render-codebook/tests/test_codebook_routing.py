"""The 'asked when' column is right: for generated respondents and answer sets of the
Investitionspakt, every variable a walk keeps has an asked-when condition that holds
(evaluated with qdef's own evaluator, on the response)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from qdef import load
from qdef.expr.nodes import Expr
from qdef.expr.parser import parse
from qdef.rendering import render
from qdef.routing import as_plan, walk
from qdef.routing.evaluate import holds
from qdef.testing import answers, respondents

PATH = Path(__file__).resolve().parents[3] / "instruments" / "investitionspakt.yaml"
INSTRUMENT = load(PATH)
PLAN = as_plan(INSTRUMENT)
EXAMPLES = settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def asked_when() -> dict[str, Expr]:
    """Variable -> its parsed asked-when condition, read back from the rendered CSV."""
    text = render(INSTRUMENT, "codebook", formula_guard="false")
    assert isinstance(text, str)
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)  # the header row
    return {row[0]: parse(row[7]) for row in reader}


ASKED = asked_when()


def check(response: dict[str, Any]) -> None:
    for name in response:
        assert holds(ASKED[name], response, PLAN.parts), (name, response)


def test_a_condition_for_every_variable() -> None:
    assert list(ASKED) == list(PLAN.variables)


@EXAMPLES
@given(respondents(INSTRUMENT))
def test_asked_when_holds_for_respondents(response: dict[str, Any]) -> None:
    kept = walk(INSTRUMENT, response).response
    assert kept == response
    check(kept)


@EXAMPLES
@given(answers(INSTRUMENT))
def test_asked_when_holds_for_any_answer_set(answer_set: dict[str, Any]) -> None:
    """Answer sets include follow-ups of options not chosen and answers of questions
    not shown: the walk drops them, and what it keeps was asked."""
    check(walk(INSTRUMENT, answer_set).response)


def test_follow_ups_are_asked_only_with_their_option() -> None:
    """A respondent who answers everything but chooses another option: the follow-up's
    condition does not hold, and the walk does not keep its answer."""
    response = {
        "im_eingesetzt": "nein",
        "gruende_kein_im": "sonstiges",
        "gruende_kein_im_foerderprogramm": "Soziale Stadt",
        "gruende_kein_im_sonstiges": "zu klein",
        "interesse_gespraech": "nein",
        "kontakt_name": "A. Muster",
    }
    kept = walk(INSTRUMENT, response).response
    assert "gruende_kein_im_foerderprogramm" not in kept
    assert "kontakt_name" not in kept
    assert not holds(ASKED["gruende_kein_im_foerderprogramm"], kept, PLAN.parts)
    assert not holds(ASKED["kontakt_name"], kept, PLAN.parts)
    assert holds(ASKED["gruende_kein_im_sonstiges"], kept, PLAN.parts)
    check(kept)
