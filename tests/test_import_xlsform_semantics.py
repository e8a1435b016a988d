"""The translation keeps ODK's meaning: a condition drawn by hypothesis is the
``relevant`` of a note in a small XLSForm; the form is imported, and for a set of
answers (unanswered ones among them) qdef's walk shows the note exactly where ODK
(the XForm pyxform makes, evaluated by tests/xlsform_relevance.py) finds it
relevant. Translations reported as approximated or untranslatable are skipped."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import qdef
from qdef.importing.xlsform import read
from qdef.routing import walk
from tests.xlsform_files import xlsform
from tests.xlsform_relevance import OriginalForm

SURVEY = [
    ["type", "name", "label", "relevant"],
    ["select_one yn", "s", "S"],
    ["select_multiple abc", "m", "M"],
    ["integer", "n", "N"],
    ["integer", "k", "K"],
    ["text", "t", "T"],
]
CHOICES = [
    ["list_name", "name", "label"],
    ["yn", "yes", "Yes"],
    ["yn", "no", "No"],
    ["abc", "a", "A"],
    ["abc", "b", "B"],
    ["abc", "c", "C"],
]
ANSWERS: list[dict[str, Any]] = [
    dict(zip(("s", "m", "n", "k", "t"), values, strict=True))
    for values in itertools.islice(
        itertools.product(
            [None, "yes", "no"],
            [None, ["a"], ["a", "c"]],
            [None, 0, 3],
            [None, 3, 12],
            [None, "ab", "abcd"],
        ),
        0,
        None,
        7,
    )
]

numbers = st.one_of(
    st.sampled_from(["${n}", "${k}", "count-selected(${m})", "string-length(${t})"]),
    st.sampled_from(["0", "3", "5", "-1", "2.5"]),
)
comparisons = st.one_of(
    st.tuples(numbers, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), numbers).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}"
    ),
    st.tuples(
        st.sampled_from(["${s}", "${t}", "${n}"]),
        st.sampled_from(["=", "!="]),
        st.sampled_from(["'yes'", "'no'", "''", "'ab'", "${s}", "${t}"]),
    ).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
    st.tuples(st.sampled_from(["${m}", "${s}"]), st.sampled_from(["'a'", "'c'", "'yes'"])).map(
        lambda t: f"selected({t[0]}, {t[1]})"
    ),
    st.tuples(numbers, st.sampled_from(["+", "-", "*"]), numbers, st.sampled_from(["<", ">="])).map(
        lambda t: f"{t[0]} {t[1]} {t[2]} {t[3]} 4"
    ),
)
conditions = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]}) {t[1]} ({t[2]})"
        ),
        inner.map(lambda c: f"not({c})"),
    ),
    max_leaves=4,
)


def _value(answer: Any) -> str:
    return " ".join(answer) if isinstance(answer, list) else str(answer)


@settings(max_examples=40)
@given(condition=conditions)
def test_translated_relevance_agrees_with_odk(condition: str, tmp_path_factory: Any) -> None:
    folder: Path = tmp_path_factory.mktemp("form")
    path = xlsform(folder / "f.xlsx", [*SURVEY, ["note", "probe", "Probe", condition]], CHOICES)
    result = read(path)
    assume(not any(loss.question == "probe" for loss in result.losses))
    (folder / "f.yaml").write_text(json.dumps(result.document), encoding="utf-8")
    compiled = qdef.compile(folder / "f.yaml")
    original = OriginalForm(path)
    for answers in ANSWERS:
        given_answers = {key: value for key, value in answers.items() if value is not None}
        shown = "probe" in walk(compiled.instrument, given_answers, check=False).ids
        odk = original.shown({k: _value(v) for k, v in given_answers.items()}, {})
        assert shown == odk[("probe", 1)], (
            condition,
            given_answers,
            result.document["sections"][0]["questions"][-1].get("when"),
        )


@pytest.mark.parametrize(
    "condition", ["${s} != 'yes'", "${n} != 3", "${t} = ${s}", "not(${n} > 2)"]
)
def test_unanswered_is_empty_as_in_odk(condition: str, tmp_path: Path) -> None:
    path = xlsform(tmp_path / "f.xlsx", [*SURVEY, ["note", "probe", "Probe", condition]], CHOICES)
    result = read(path)
    (tmp_path / "f.yaml").write_text(json.dumps(result.document), encoding="utf-8")
    compiled = qdef.compile(tmp_path / "f.yaml")
    assert "probe" in walk(compiled.instrument, {}, check=False).ids
    assert OriginalForm(path).shown({}, {})[("probe", 1)] is True
