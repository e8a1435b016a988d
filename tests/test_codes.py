"""The registry of diagnostic codes (qdef.diagnostics.codes) is the only place codes are
written: the source names them as ``Code.QD101``, every code it names is registered, and
every registered code is reported somewhere. tests/test_invalid.py has a case for each."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from qdef.diagnostics import Code, Diagnostic, Layer, Span, format_json, format_line
from qdef.diagnostics.codes import CHANGES_ANCHOR
from qdef.diff.changes import CODES as CHANGE_CODES

SRC = Path(__file__).parents[1] / "src" / "qdef"
REGISTRY = SRC / "diagnostics" / "codes.py"
PAGE = Path(__file__).parents[1] / "docs" / "diagnostics.md"

#: A code: the whole of a string constant of the source (``"QD101"``, also in an f-string).
LITERAL = re.compile(r"QD[0-9]{3}")
#: A code named through the registry: ``Code.QD101``.
MEMBER = re.compile(r"\bCode\.(QD[0-9]{3})\b")


def sources(root: Path) -> dict[Path, str]:
    """The Python files under ``root`` but the registry itself, with their text."""
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.py"))
        if path.resolve() != REGISTRY.resolve()
    }


def literals(root: Path) -> list[str]:
    """``file:line: QDnnn`` for each code written as a string under ``root`` (what a
    docstring shows of a code is no string of its own)."""
    return [
        f"{path.relative_to(root)}:{node.lineno}: {node.value}"
        for path, text in sources(root).items()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and LITERAL.fullmatch(node.value)
    ]


def members_used(root: Path) -> set[str]:
    return {name for text in sources(root).values() for name in MEMBER.findall(text)}


# --------------------------------------------------------------------------- the source


def test_no_code_is_written_as_a_string_outside_the_registry() -> None:
    assert literals(SRC) == [], "write Code.QDnnn (qdef.diagnostics.codes) instead"


def test_every_code_the_source_names_is_registered_and_every_registered_code_is_used() -> None:
    used = members_used(SRC)
    registered = {code.name for code in Code}
    assert len(used) >= 90  # the scan finds the codes at all
    assert sorted(used - registered) == [], "add these codes to qdef.diagnostics.codes"
    assert sorted(registered - used) == [], "registered, but nothing reports them"


def test_the_scans_notice_a_string_code_and_an_unused_one(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text("CODE = Code.QD101\n", encoding="utf-8")
    assert literals(tmp_path) == []
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(
        '"""Docs: (\'QD712\', ...)."""\nproblem = Diagnostic("QD999", f"{\'QD102\'}", None)\n',
        encoding="utf-8",
    )
    assert sorted(literals(tmp_path)) == ["pkg/bad.py:2: QD102", "pkg/bad.py:2: QD999"]
    assert members_used(tmp_path) == {"QD101"}


# --------------------------------------------------------------------------- the registry


def test_each_code_is_its_own_name_and_prints_as_itself() -> None:
    for code in Code:
        assert code.value == code.name == str(code) == f"{code}"
        assert repr(code) == repr(code.value)
        assert re.fullmatch(r"QD[0-7][0-9]{2}", code)
        assert Code(code.value) is code
    diagnostic = Diagnostic(Code.QD402, "goto 'x' names no question", Span(Path("a.yaml"), 3, 5))
    assert format_line(diagnostic) == "a.yaml:3:5: error QD402: goto 'x' names no question"
    document = json.loads(format_json([diagnostic], files=1))
    assert document["diagnostics"][0]["code"] == "QD402"
    assert diagnostic == Diagnostic("QD402", diagnostic.message, diagnostic.span)  # type: ignore[arg-type]


#: The layer of each hundred of codes; the exception: what a renderer refuses.
LAYERS = {
    "0": Layer.USAGE,
    "1": Layer.READING,
    "2": Layer.STRUCTURE,
    "3": Layer.SEMANTICS,
    "4": Layer.SEMANTICS,
    "5": Layer.SEMANTICS,
    "6": Layer.ROUTING,
    "7": Layer.DIFF,
}


def test_layers_follow_the_hundreds() -> None:
    wrong = {code: code.layer for code in Code if code.layer is not LAYERS[code[2]]}
    assert wrong == {Code.QD520: Layer.RENDER}


def test_the_changes_of_qdef_diff_are_registered_with_their_description() -> None:
    changes = {code for code in Code if code.severity is None}
    assert changes == set(CHANGE_CODES)
    for code in changes:
        assert code.layer is Layer.DIFF
        assert code.summary == CHANGE_CODES[code][1]
        assert code.anchor == CHANGES_ANCHOR
    assert {code for code in Code if code.layer is Layer.DIFF} - changes == {
        Code.QD726,
        Code.QD727,
    }


def test_warnings_are_the_codes_the_docs_name_as_warnings() -> None:
    warnings = sorted(code for code in Code if code.severity == "warning")
    assert warnings == ["QD404", "QD409", "QD515", *(f"QD60{n}" for n in range(1, 7)), "QD727"]


def test_each_anchor_is_a_heading_of_the_generated_page() -> None:
    """GitHub's and the site's anchor (mkdocs.yml: pymdownx.slugs) of each heading."""
    slugs = pytest.importorskip("pymdownx.slugs", reason="the docs extra is not installed")
    slugify = slugs.slugify(case="lower")
    page = PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^### (QD[0-9]{3} .*)$", page, re.M)
    anchors = {"diagnostics.md#" + slugify(heading, "-") for heading in headings}
    documented = [code for code in Code if code.severity is not None]
    assert [code.heading for code in documented] == headings
    assert {code.anchor for code in documented} == anchors
    assert len(anchors) == len(documented)
