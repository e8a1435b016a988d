"""benchmarks/corpus.py, the coverage section of docs/import.md: on a tiny corpus of
our own (one LimeSurvey archive, one XLSForm) it counts, tabulates and ranks the
losses, and ``--write`` replaces exactly the marked section."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import corpus
from tests.lssfixture import Q, archive
from tests.xlsform_files import xlsform


def _corpus(root: Path) -> Path:
    (root / "limesurvey").mkdir(parents=True)
    (root / "xlsform").mkdir()
    (root / "limesurvey" / "a.lss").write_text(
        archive(
            [
                Q(1, "L", "q1", answers=[("r", "Red", 0), ("g", "Green", 0)]),
                Q(2, "S", "q2", relevance='q1 == "r"', attributes={"hide_tip": "1"}),
                Q(3, "|", "q3"),
            ]
        ),
        encoding="utf-8",
    )
    xlsform(
        root / "xlsform" / "b.xlsx",
        [
            ("type", "name", "label::English (en)", "relevant"),
            ("select_one yn", "ok", "OK?", ""),
            ("text", "why", "Why?", "${ok} = 'no'"),
        ],
        [("list_name", "name", "label::English (en)"), ("yn", "yes", "Yes"), ("yn", "no", "No")],
    )
    return root


def test_the_section_counts_tabulates_and_ranks(tmp_path: Path) -> None:
    text = corpus.section(_corpus(tmp_path / "corpus"))
    assert text.startswith(corpus.START) and text.rstrip().endswith(corpus.END)
    assert "**All 2 corpus files, 5 questions:** 3 faithful (60%), 1 approximated (20%), " in text
    assert "1 left out (20%); 1 of the approximated questions only for settings" in text
    assert "| `a.lss` | 3 | 1 | 1 | 1 | yes |" in text
    assert "| `b.xlsx` | 2 | 2 | 0 | 0 | yes |" in text
    ranked = [line for line in text.splitlines() if line[:3] in ("1. ", "2. ")]
    assert ranked == [
        "1. 1 questions, 1 lines — left out: the attribute …",
        "2. 1 questions, 1 lines — left out: the question",
    ]  # equal kinds in the order of their names


def test_write_replaces_only_the_marked_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "import.md"
    doc.write_text(f"# Before\n\n{corpus.START}\nold\n{corpus.END}\n\nAfter\n", encoding="utf-8")
    monkeypatch.setattr(corpus, "DOC", doc)
    root = _corpus(tmp_path / "corpus")
    assert corpus.main(["--corpus", str(root), "--write"]) == 0
    written = doc.read_text(encoding="utf-8")
    assert written.startswith("# Before\n\n<!-- corpus:start -->\n")
    assert written.endswith("<!-- corpus:end -->\n\nAfter\n")
    assert "old" not in written
    assert corpus.main(["--corpus", str(tmp_path / "none")]) == 2


def test_the_docs_show_a_section_made_by_the_script() -> None:
    doc = corpus.DOC.read_text(encoding="utf-8")
    shown = doc.split(corpus.START, 1)[1].split(corpus.END, 1)[0]
    assert "**All 37 corpus files" in shown and "**The largest remaining losses**" in shown
