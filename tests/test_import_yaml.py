"""The YAML that ``qdef import`` writes (qdef.importing.yamlout): the schema line,
block style, the documented key order, and every source note and loss as a comment
at the node it belongs to — the text reads back as exactly the imported data."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from qdef.cli import main
from qdef.importing import ImportRefused, read
from qdef.importing.report import ImportResult, Origin, report_lines
from qdef.importing.yamlout import dumps
from qdef.pipeline import validate_text

DOCUMENT: dict[str, Any] = {
    "qdef": 1,
    "title": "Kurz # nicht kommentiert: ja",
    "id": "kurz",
    "language": "de",
    "sections": [
        {
            "id": "s1",
            "questions": [
                {
                    "text": "Wie alt sind Sie?",
                    "type": "number",
                    "id": "age",
                },
                {
                    "id": "likes",
                    "type": "single",
                    "text": "Gefällt es Ihnen?",
                    "options": [{"code": "1", "label": "ja"}, {"code": "2", "label": "nein"}],
                },
            ],
        }
    ],
}


def _result() -> ImportResult:
    result = ImportResult("survey.lss", "limesurvey", DOCUMENT)
    result.origins = [
        Origin("AGE", "question AGE (qid 1)", ("sections", 0, "questions", 0)),
        Origin("LIKES", "question LIKES (qid 2)", ("sections", 0, "questions", 1)),
        Origin("MAP", "question MAP (qid 3)", None),
    ]
    result.note(("sections", 0, "questions", 0), "LimeSurvey AGE, qid 1, type N")
    result.lose(
        "question AGE (qid 1)",
        "approximated",
        "the code 'AGE'",
        "written as 'age': qdef ids are lower case",
        at=("sections", 0, "questions", 0, "id"),
        question="AGE",
    )
    result.lose(
        "question MAP (qid 3)",
        "left out",
        "the question (type 'geopoint')",
        "qdef has no map questions; ask for coordinates as numbers",
        at=("sections", 0, "questions", 2),
        question="MAP",
    )
    result.lose("survey 1", "left out", "the theme 'vanilla'", "qdef renders its own layout")
    result.lose(
        "question LIKES (qid 2)",
        "approximated",
        "the label\nof option 2",
        "a line break\rand a control \x85 character stay inside the comment",
        at=("sections", 0, "questions", 1, "options", 1, "label"),
        question="LIKES",
    )
    return result


def _load(text: str) -> Any:
    return YAML(typ="safe").load(io.StringIO(text))


def test_the_text_reads_back_as_the_document_and_validates() -> None:
    text = dumps(_result())
    assert _load(text) == DOCUMENT
    assert not validate_text(text).diagnostics
    assert dumps(_result()) == text  # deterministic


def test_the_schema_line_and_the_summary_come_first() -> None:
    lines = dumps(_result(), schema="../schema/qdef-1.schema.json").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/qdef-1.schema.json"
    header = "\n".join(lines[:8])
    assert "Questions: 0 faithful, 2 approximated, 1 left out; 4 report lines" in header
    assert "# left out: survey 1: the theme 'vanilla': qdef renders its own layout" in header


def test_keys_are_written_in_the_documented_order() -> None:
    text = dumps(_result())
    body = [line for line in text.splitlines() if line and not line.lstrip().startswith("#")]
    assert body[:4] == [
        "qdef: 1",
        "id: kurz",
        "title: 'Kurz # nicht kommentiert: ja'",
        "language: de",
    ]
    assert "      - id: age\n        type: number\n        text:" in text


def test_each_comment_stands_before_its_node_at_its_indentation() -> None:
    lines = dumps(_result()).splitlines()
    source = lines.index("      # LimeSurvey AGE, qid 1, type N")
    # the loss on the item's first key moves before the item (nothing can stand
    # between a dash and its first key)
    assert lines[source + 1].startswith("      # approximated: question AGE (qid 1): the code")
    assert lines[source + 2].startswith("      #   ")  # wrapped at 100 columns
    assert lines[source + 3] == "      - id: age"
    assert all(len(line) <= 100 for line in lines)
    # a question left out: its loss stands at the nearest node that exists
    left_out = next(i for i, line in enumerate(lines) if "geopoint" in line)
    assert lines[left_out].startswith("    # left out: question MAP (qid 3)")
    assert lines[left_out + 2] == "    questions:"
    label = next(i for i, line in enumerate(lines) if "of option 2" in line)
    assert lines[label].startswith("            # approximated: question LIKES (qid 2): the label")
    assert lines[label + 1].lstrip().startswith("#")  # wrapped, still a comment
    assert lines[label + 2] == "            label: nein"


def test_report_lines_are_located() -> None:
    lines = report_lines(_result())
    assert lines[0] == (
        "survey.lss: question AGE (qid 1): approximated: the code 'AGE': "
        "written as 'age': qdef ids are lower case"
    )
    assert len(lines) == 4


TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@given(title=TEXTS, note=TEXTS, why=TEXTS)
def test_no_text_breaks_out_of_its_scalar_or_comment(title: str, note: str, why: str) -> None:
    """An author's text and a source's names end up in scalars and comments: whatever
    they hold, the YAML reads back as the same data (a line break in a comment would
    start YAML, a '#' in a text would start a comment)."""
    document = {**DOCUMENT, "title": title}
    result = ImportResult("x.xlsx", "xlsform", document)
    result.note(("sections", 0, "questions", 1), note)
    result.lose(note, "left out", note, why, at=("title",))
    assert _load(dumps(result)) == document


def test_an_unknown_kind_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match=r"qdef imports LimeSurvey survey archives"):
        read(tmp_path / "survey.csv")
    err = io.StringIO()
    assert main(["import", str(tmp_path / "survey.csv")], io.StringIO(), err) == 2
    assert "rename the file if it is one of them" in err.getvalue()


# ---------------------------------------------------------------- qdef import, end to end


def _import(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["import", *args], out, err)
    return status, out.getvalue(), err.getvalue()


def test_a_faithful_import_exits_0_and_writes_a_valid_instrument(tmp_path: Path) -> None:
    from tests.lssfixture import Q, archive  # noqa: PLC0415

    source = tmp_path / "survey.lss"
    source.write_text(
        archive([Q(1, "L", "likes", answers=[("A1", "yes", 0), ("A2", "no", 0)])]),
        encoding="utf-8",
    )
    before = source.read_bytes()
    target = tmp_path / "out" / "instrument.yaml"
    target.parent.mkdir()
    status, out, err = _import(str(source), "-o", str(target))
    assert (status, out) == (0, "")
    assert err.endswith("1 questions: 1 faithful, 0 approximated, 0 left out; 0 report lines\n")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=qdef-1.schema.json\n")
    assert "# LimeSurvey likes, qid 1, type L" in text
    assert not validate_text(text).diagnostics
    assert source.read_bytes() == before  # the input is never modified
    assert _import(str(source))[1] == text  # standard output, the same bytes
    assert [p.name for p in target.parent.iterdir()] == ["instrument.yaml"]  # no temporaries


def test_a_lossy_import_exits_1_reports_each_loss_and_comments_it(tmp_path: Path) -> None:
    from tests.lssfixture import Q, archive  # noqa: PLC0415

    source = tmp_path / "survey.lss"
    source.write_text(
        archive(
            [
                Q(1, "S", "name", attributes={"hide_tip": "1"}),
                Q(2, "|", "upload", text="Your file"),
            ]
        ),
        encoding="utf-8",
    )
    target = tmp_path / "instrument.yaml"
    status, _, err = _import(str(source), "-o", str(target), "--schema", "../qdef.json")
    assert status == 1
    report = [line for line in err.splitlines() if ": left out: " in line]
    assert any(line.startswith(f"{source}: question upload (qid 2): left out: ") for line in report)
    assert any("question name (qid 1)" in line and "hide_tip" in line for line in report)
    assert err.endswith("2 questions: 0 faithful, 1 approximated, 1 left out; 2 report lines\n")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../qdef.json\n")
    assert "# left out: question upload (qid 2): " in text
    assert not validate_text(text).diagnostics


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "bomb.lss",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<document>&b;</document>",
            "entities",
        ),
        ("notes.lss", b"just some text", "broken XML"),
        ("missing.lss", None, "cannot read"),
    ],
)
def test_unreadable_input_exits_2_and_writes_nothing(
    tmp_path: Path, name: str, data: bytes | None, message: str
) -> None:
    source = tmp_path / name
    if data is not None:
        source.write_bytes(data)
    target = tmp_path / "instrument.yaml"
    status, out, err = _import(str(source), "-o", str(target))
    assert (status, out) == (2, "")
    assert err.startswith(f"qdef: error: {source}: ") and message in err
    assert "Traceback" not in err
    assert not target.exists()


def test_a_loss_touching_several_questions_is_one_report_line() -> None:
    result = _result()
    twice = result.losses[-1]
    result.losses.append(twice)  # the same place and words, another question's loss
    assert len(report_lines(result)) == 4
    assert "4 report lines" in dumps(result)
