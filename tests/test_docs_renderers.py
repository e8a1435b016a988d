"""docs/plugins.md and docs/renderers.md stay true: the example plugin works as shown, and
the conditions-in-words table is what the renderer writes."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qdef import load
from qdef.cli import main
from qdef.expr.parser import parse
from qdef.rendering import Words, compile_instrument, get_renderer, options_for

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
INVESTITIONSPAKT = ROOT / "instruments" / "investitionspakt.yaml"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _blocks(page: str) -> list[tuple[str, str]]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]


def _block_after(page: str, marker: str, language: str) -> str:
    """The first ``language`` block after the line containing ``marker``."""
    text = (DOCS / page).read_text(encoding="utf-8")
    start = text.index(marker)
    for match in FENCE.finditer(text, start):
        if match.group(1) == language:
            return match.group(2)
    raise AssertionError(f"no {language} block after {marker!r} in {page}")


@pytest.fixture
def outline_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The plugin of docs/plugins.md, installed as a distribution on sys.path."""
    toml = _block_after("plugins.md", "`pyproject.toml` registers", "toml")
    module = _block_after("plugins.md", "`src/qdef_render_outline/__init__.py`:", "python")
    entry = re.search(r'^outline = "(.+)"$', toml, re.M)
    assert entry is not None, "the pyproject.toml example registers the outline renderer"
    package = tmp_path / "qdef_render_outline"
    package.mkdir()
    (package / "__init__.py").write_text(module, encoding="utf-8")
    info = tmp_path / "qdef_render_outline-1.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: qdef-render-outline\nVersion: 1.0.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[qdef.renderers]\noutline = {entry.group(1)}\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("qdef_render_outline", None)


def _normalise(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_the_example_plugin_is_listed_as_shown(outline_plugin: Path) -> None:
    console = _block_after("plugins.md", "Install it next to qdef", "console")
    shown = console.split("$ qdef renderers\n", 1)[1].split("$ ", 1)[0]
    out, err = io.StringIO(), io.StringIO()
    assert main(["renderers"], out, err) == 0, err.getvalue()
    listed = _normalise(out.getvalue())
    for line in _normalise(shown):
        assert line in listed, f"docs/plugins.md shows {line!r}; qdef renderers printed {listed}"
    assert _rows_of(listed, "qdef") == _rows_of(_normalise(shown), "qdef")  # none left out


def _rows_of(listing: list[str], distribution: str) -> list[str]:
    """The rows of ``qdef renderers`` (whitespace normalised) of one distribution."""
    return [row for row in listing if f" {distribution} " in f" {row} " and "-O" not in row]


def test_the_codebook_readme_lists_what_qdef_renderers_prints() -> None:
    readme = (ROOT / "renderers" / "qdef-render-codebook" / "README.md").read_text("utf-8")
    shown = readme.split("$ qdef renderers\n", 1)[1].split("\n\n", 1)[0]
    out, err = io.StringIO(), io.StringIO()
    assert main(["renderers"], out, err) == 0, err.getvalue()
    if "qdef-render-codebook" not in out.getvalue():
        pytest.skip("the codebook plugin is not installed")
    printed = _normalise(out.getvalue())
    assert [line for line in _normalise(shown) if line not in printed] == []
    for distribution in ("qdef", "qdef-render-codebook"):
        assert _rows_of(_normalise(shown), distribution) == _rows_of(
            _normalise(out.getvalue()), distribution
        )


def test_the_example_plugin_renders_as_shown(outline_plugin: Path) -> None:
    console = _block_after("plugins.md", "Install it next to qdef", "console")
    command, _, shown = console.split("$ qdef render ", 1)[1].partition("\n")
    args = command.split(" | ")[0].split()
    assert args[0] == "instruments/investitionspakt.yaml"
    args[0] = str(INVESTITIONSPAKT)
    out, err = io.StringIO(), io.StringIO()
    assert main(["render", *args], out, err) == 0, err.getvalue()
    assert out.getvalue().splitlines()[:4] == shown.splitlines()


def test_the_example_plugin_tests_pass(outline_plugin: Path) -> None:
    code = _block_after("plugins.md", "`tests/test_outline.py`:", "python")
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/plugins.md:test_outline.py", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 3
    for test in tests:
        assert callable(test)
        test()


def _words_table() -> list[tuple[str, str]]:
    text = (DOCS / "renderers.md").read_text(encoding="utf-8")
    table = text.split("| Condition | In words (de) |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.strip().splitlines()[1:]:
        condition, words = (cell.strip() for cell in line.strip("|").split(" | "))
        rows.append((condition.strip("`"), words))
    return rows


@pytest.mark.parametrize(("condition", "words"), [r for r in _words_table() if "…" not in r[1]])
def test_conditions_in_words_in_renderers_md_are_what_the_renderer_writes(
    condition: str, words: str
) -> None:
    instrument = load(INVESTITIONSPAKT)
    options = options_for(get_renderer("markdown"), instrument)
    assert Words(compile_instrument(instrument), options).describe(parse(condition)) == words


def test_the_words_table_has_rows_to_check() -> None:
    assert len([r for r in _words_table() if "…" not in r[1]]) >= 9
