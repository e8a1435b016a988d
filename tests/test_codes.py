"""The registry of diagnostic codes (qdef.diagnostics.codes) is the only place codes are
written: the source names them as ``Code.QD101``, every code it names is registered, and
every registered code is reported somewhere. tests/test_invalid.py has a case for each."""

from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from qdef.diagnostics import (
    Code,
    Diagnostic,
    Layer,
    Span,
    format_json,
    format_line,
    format_text,
)
from qdef.diagnostics.codes import CHANGES_ANCHOR
from qdef.diff.changes import CODES as CHANGE_CODES
from qdef.pipeline import validate_text

SRC = Path(__file__).parents[1] / "src" / "qdef"
REGISTRY = SRC / "diagnostics" / "codes.py"
PAGE = Path(__file__).parents[1] / "docs" / "diagnostics.md"
HOOKS = Path(__file__).parents[1] / "docs_hooks"

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
        assert re.fullmatch(r"QD[0-8][0-9]{2}", code)
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
    "8": Layer.RENDER,
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
    routing = [*(f"QD60{n}" for n in range(1, 8)), "QD611", "QD612", "QD613"]
    catalogues = ["QD830", "QD834", "QD835"]  # docs/languages.md
    assert warnings == [
        *("QD320", "QD321", "QD404", "QD409", "QD410", "QD411", "QD515"),
        *routing,
        "QD727",
        *catalogues,
    ]


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


# --------------------------------------------------------------------------- the page


def _page_module() -> ModuleType:
    """docs_hooks/diagnostics_page.py, loaded by path as MkDocs loads hooks."""
    spec = importlib.util.spec_from_file_location("diagnostics_page", HOOKS / "diagnostics_page.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: ``example.yaml:21:32: error QD504: message`` (``FILE:LINE:COL`` where no input is known).
EXAMPLE_LINE = re.compile(
    r"^\S+?:(?:[0-9]+|LINE):(?:[0-9]+|COL): (?P<severity>error|warning) (?P<code>QD[0-9]{3}): ",
    re.M,
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def test_the_page_is_the_sources_with_the_registrys_headings() -> None:
    page = PAGE.read_text(encoding="utf-8")
    generated = _page_module().page()
    assert page.endswith(generated)  # after the notice; tests/test_site.py checks it is current
    for code in Code:
        if code.severity is not None:
            assert page.count(f"\n### {code.value} ") == 1
            assert f"\n### {code.heading}\n" in page


def test_each_example_shows_its_sections_code_at_its_severity() -> None:
    """QD307 is a warning in one case (max_choices more than the options)."""
    page = PAGE.read_text(encoding="utf-8")
    shown = 0
    for section in re.split(r"^### ", page, flags=re.M)[1:]:
        code = Code[section[:5]]
        body = section.split("\n## ", 1)[0]
        for language, block in FENCE.findall(body):
            for match in EXAMPLE_LINE.finditer(block if language == "text" else ""):
                shown += 1
                assert match["code"] == code, (code, match[0])
                if (code, match["severity"]) != (Code.QD307, "warning"):
                    assert match["severity"] == code.severity, (code, match[0])
    assert shown >= 80


def _whole_instruments() -> list[tuple[str, str, str]]:
    """(line, instrument, the validate output shown after it) for each whole instrument
    in the page (``qdef: 1`` …); the other examples are parts of larger files."""
    text = PAGE.read_text(encoding="utf-8")
    blocks = [(m[1], m[2], text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]
    return [
        (f"diagnostics.md:{line}", body, following[1])
        for (language, body, line), following in itertools.pairwise(blocks)
        if language == "yaml" and body.startswith("qdef:") and following[0] == "text"
    ]


WHOLE = _whole_instruments()


def test_the_page_has_whole_instruments_to_run() -> None:
    assert len(WHOLE) >= 7


@pytest.mark.parametrize(("where", "instrument", "expected"), WHOLE, ids=[w[0] for w in WHOLE])
def test_the_pages_whole_instruments_validate_as_shown(
    where: str, instrument: str, expected: str
) -> None:
    result = validate_text(instrument, Path("example.yaml"))
    assert format_text(list(result.diagnostics)) == expected, where


def _sources(tmp_path: Path) -> Path:
    source = tmp_path / "diagnostics"
    shutil.copytree(HOOKS / "diagnostics", source)
    return source


@pytest.mark.parametrize(
    ("part", "old", "new", "error"),
    [
        ("qd1xx", "### QD102\n", "### QD102 — not UTF-8\n", "write '### QD102' alone"),
        ("qd1xx", "### QD102\n", "### QD198\n", "QD198 is no code of qdef.diagnostics.codes"),
        ("qd1xx", "### QD102\n", "### QD701\n", "QD701 is no code of qdef.diagnostics.codes"),
        ("qd2xx", "### QD202\n", "### QD102\n", "QD102 belongs in qd1xx.md"),
        ("qd1xx", "### QD102\n", "### QD103\n", "missing ['QD102'], twice ['QD103']"),
        ("qd1xx", "### QD102\n", "", "missing ['QD102'], twice none"),
    ],
)
def test_the_page_cannot_drift_from_the_registry(
    tmp_path: Path, part: str, old: str, new: str, error: str
) -> None:
    module = _page_module()
    source = _sources(tmp_path)
    assert module.page(source) == module.page()
    path = source / f"{part}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(module.PageError, match=re.escape(error)):
        module.page(source)
