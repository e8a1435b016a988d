"""Model behaviour beyond structure: numbering, ids in document order, errors first."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

import qdef
from qdef.diagnostics import Diagnostic, QdefError, Span
from qdef.model import Instrument
from qdef.model.dumper import to_data
from qdef.pipeline import validate_text
from qdef.source.loader import parse
from qdef.testing import instruments


def dumps_data(data: Any) -> str:
    stream = io.StringIO()
    YAML(typ="safe", pure=False).dump(data, stream)
    return stream.getvalue()


def instrument(questions: str, sections: str = "") -> str:
    return (
        "qdef: 1\nid: x\ntitle: T\nlanguage: de\nsections:\n"
        f"  - id: s1\n    questions:\n{questions}{sections}"
    )


def q(qid: str, extra: str = "") -> str:
    return f"      - {{id: {qid}, type: text, text: Frage{extra}}}\n"


def test_questions_are_numbered_continuously_skipping_displays() -> None:
    text = instrument(q("a") + "      - {id: d, type: display, text: Hinweis}\n" + q("b"))
    numbered = qdef.loads(text).numbers()
    assert numbered == {"a": "1", "b": "2"}


def test_an_explicit_whole_number_sets_the_count_and_others_leave_it_alone() -> None:
    text = instrument(q("a") + q("b", ", number: 1a") + q("c") + q("d", ", number: '7'") + q("e"))
    assert qdef.loads(text).numbers() == {"a": "1", "b": "1a", "c": "2", "d": "7", "e": "8"}


def test_an_explicit_number_clashing_with_an_automatic_one_is_a_warning() -> None:
    text = instrument(q("a") + q("b", ", number: '1'"))
    result = validate_text(text, Path("n.yaml"))
    assert [(d.code, d.severity) for d in result.diagnostics] == [("QD409", "warning")]
    span = result.diagnostics[0].span
    assert span is not None and span.line == 9  # at the explicit number (the second question)


def test_the_later_of_two_equal_ids_is_reported_even_across_sections() -> None:
    text = instrument(q("s2"), "  - id: s2\n    questions:\n" + q("b"))
    result = validate_text(text, Path("ids.yaml"))
    assert [d.code for d in result.diagnostics] == ["QD401"]
    span = result.diagnostics[0].span
    assert span is not None and span.line == 9  # the section, which comes second


@pytest.mark.parametrize("blank", ['"  "', '"\\n\\t"', "' '"])
def test_texts_of_only_white_space_are_refused(blank: str) -> None:
    result = validate_text(instrument(f"      - {{id: a, type: text, text: {blank}}}\n"))
    assert [d.code for d in result.diagnostics] == ["QD205"]
    assert "only white space" in result.diagnostics[0].message


def test_the_non_specific_tag_makes_a_scalar_text() -> None:
    document, problems = parse("a: ! 12\nb: !!str 12\n", Path("t.yaml"))
    assert problems == []
    assert document is not None and document.data == {"a": "12", "b": "12"}


def test_loading_a_missing_file_says_no_such_file(tmp_path: Path) -> None:
    with pytest.raises(QdefError) as raised:
        qdef.load(tmp_path / "missing.yaml")
    assert [d.code for d in raised.value.diagnostics] == ["QD001"]


def test_qdef_error_leads_with_an_error_not_a_warning() -> None:
    span = Span(Path("f.yaml"), 1, 1)
    error = QdefError(
        [
            Diagnostic("QD404", "a warning", span, "warning"),
            Diagnostic("QD402", "an error", Span(Path("f.yaml"), 9, 1)),
        ]
    )
    assert str(error).startswith("f.yaml:9:1: error QD402: an error")
    assert str(error).endswith("(and 1 more)")


def _language_maps(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Paths of every text given as a language mapping."""
    found: list[tuple[object, ...]] = []
    if isinstance(node, dict):
        if node and set(node) <= {"de", "en"} and all(isinstance(v, str) for v in node.values()):
            return [path]
        for key, value in node.items():
            found += _language_maps(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _language_maps(value, (*path, index))
    return found


@given(instruments(translations=True), st.data())
def test_every_text_is_checked_for_its_translations(
    instrument: Instrument, data: st.DataObject
) -> None:
    """Dropping the English of any one text is found (a warning: the text is shown in the
    instrument's own language), and located at that text."""
    document = to_data(instrument)
    paths = _language_maps(document)
    target = data.draw(st.sampled_from(paths))
    node: Any = document
    for key in target[:-1]:
        node = node[key]
    del node[target[-1]]["en"]
    result = validate_text(dumps_data(document), Path("t.yaml"))
    texts = [d for d in result.diagnostics if not d.code.startswith("QD6")]  # not routing
    assert [(d.code, d.severity) for d in texts] == [("QD410", "warning")]
    assert result.document is not None
    assert texts[0].span == result.document.locate(target)
