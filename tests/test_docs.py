"""The documentation stays true: its YAML examples validate as the text around them says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qdef.diagnostics import format_text
from qdef.pipeline import validate_text

DOCS = Path(__file__).parents[1] / "docs"
WRAP = (
    "qdef: 1\nid: wrap\ntitle: Wrap\nlanguage: de\nsections:\n"
    "  - id: wrap_section\n    questions:\n"
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _examples() -> list[tuple[str, str, str]]:
    """(where, instrument text, expected validate output) for every checkable YAML block.

    Whole instruments and lists of questions are checked; a block directly
    followed by a ``text`` block that starts with ``example.yaml:`` must give
    exactly that output, any other block must be valid without warnings.
    """
    cases: list[tuple[str, str, str]] = []
    for page in ("format.md", "index.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        blocks = [
            (m.group(1), m.group(2), text[: m.start()].count("\n") + 1)
            for m in FENCE.finditer(text)
        ]
        for i, (language, body, line) in enumerate(blocks):
            if language != "yaml":
                continue
            if body.startswith(("qdef:", "# yaml-language-server")):
                instrument = body
            elif body.startswith("- id:"):
                indented = "".join(
                    "      " + row if row.strip() else row for row in body.splitlines(True)
                )
                instrument = WRAP + indented
            else:
                continue
            expected = ""
            if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
                following = blocks[i + 1][1]
                if following.startswith("example.yaml:"):
                    expected = following
            cases.append((f"{page}:{line}", instrument, expected))
    return cases


EXAMPLES = _examples()


def test_the_docs_have_examples_to_check() -> None:
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize(
    ("where", "instrument", "expected"), EXAMPLES, ids=[case[0] for case in EXAMPLES]
)
def test_yaml_examples_in_the_docs_validate_as_documented(
    where: str, instrument: str, expected: str
) -> None:
    result = validate_text(instrument, Path("example.yaml"))
    assert format_text(list(result.diagnostics)) == expected, where


# ------------------------------------------------------------ names the docs give

ROOT = DOCS.parent
#: What a reader is told to import or call: ``qdef.x.y`` in the docs and READMEs.
DOTTED = re.compile(r"(?<![\w/.-])qdef(?:\.[A-Za-z_]\w*)+")
PAGES = [
    *sorted(DOCS.glob("*.md")),
    ROOT / "README.md",
    ROOT / "renderers" / "qdef-render-codebook" / "README.md",
]


def _resolves(name: str) -> bool:
    """Whether ``name`` is a module of qdef, or an attribute reached from one."""
    import importlib  # noqa: PLC0415
    import importlib.util  # noqa: PLC0415

    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        module = ".".join(parts[:end])
        if module.endswith("__main__"):  # importing it would run the command
            return importlib.util.find_spec(module) is not None and end == len(parts)
        try:
            found: object = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        for attribute in parts[end:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def _dotted_names() -> list[tuple[str, str]]:
    names = set()
    for page in PAGES:
        for match in DOTTED.finditer(page.read_text(encoding="utf-8")):
            name = match.group(0)
            if name.rsplit(".", 1)[-1] in {"md", "py", "yaml", "json", "toml", "html"}:
                continue  # a file name (qdef.yaml), not a module
            names.add((page.relative_to(ROOT).as_posix(), name))
    return sorted(names)


DOTTED_NAMES = _dotted_names()


def test_the_docs_name_modules_and_functions() -> None:
    assert ("docs/plugins.md", "qdef.rendering.markdown") in DOTTED_NAMES
    assert len(DOTTED_NAMES) >= 50


@pytest.mark.parametrize(("page", "name"), DOTTED_NAMES, ids=[f"{p}:{n}" for p, n in DOTTED_NAMES])
def test_every_qdef_name_in_the_docs_exists(page: str, name: str) -> None:
    """A module moved or a function renamed leaves no stale name in the docs
    (``qdef.validate_file`` for ``qdef.validate``, ``qdef.renderers.base`` …). The
    entry-point group of wording catalogues is a name too, and must be qdef's."""
    from qdef.wording.sources import GROUP  # noqa: PLC0415

    assert _resolves(name) or name == GROUP, f"{page} names {name}, which qdef does not have"


def test_the_library_example_of_diff_md_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (DOCS / "diff.md").read_text(encoding="utf-8")
    section = text.split("## As a library", 1)[1]
    match = FENCE.search(section)
    assert match is not None
    assert match.group(1) == "python"
    old = (ROOT / "instruments" / "investitionspakt.yaml").read_text(encoding="utf-8")
    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    new = old.replace("Halten Sie den Einsatz", "Halten Sie denn Einsatz", 1)
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(match.group(2), "docs/diff.md", "exec"), {})
    assert capsys.readouterr().out.startswith("check QD720 zweckmaessigkeit None new.yaml:")


def test_the_docs_send_renderers_to_public_modules_only() -> None:
    """``qdef.rendering``'s submodules are private but ``markdown`` (docs/plugins.md):
    a page naming ``qdef.rendering.spacing.keep_units`` sends a plugin author to a
    module that may change; ``qdef.rendering.keep_units`` is the public name."""
    private = sorted(
        (page, name)
        for page, name in DOTTED_NAMES
        if name.startswith("qdef.rendering.")
        and name.split(".")[2] in {"protocol", "registry", "notes", "words", "phrases", "spacing"}
    )
    assert private == []
