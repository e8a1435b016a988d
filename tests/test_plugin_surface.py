"""The public plugin surface: qdef's built-in renderers and the codebook plugin import
only the public modules of qdef (those of docs/plugins.md) and their own package, as a
plugin written from docs/plugins.md alone does.

Every import is found by walking the syntax tree of each module (imports inside
functions and under ``if TYPE_CHECKING:`` included; relative imports resolved), so a
private module cannot slip in where the import is lazy or only for type checking.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src"
BUILT_INS = SRC / "qdef" / "renderers"
CODEBOOK = ROOT / "renderers" / "qdef-render-codebook" / "src"
PLUGINS_MD = ROOT / "docs" / "plugins.md"

#: The modules a renderer may import (docs/plugins.md, "The public modules").
PUBLIC = frozenset(
    {
        "qdef",
        "qdef.model",
        "qdef.expr",
        "qdef.routing",
        "qdef.rendering",
        "qdef.rendering.markdown",
        "qdef.diagnostics",
        "qdef.errors",
        "qdef.testing",
        "qdef.renderers.limesurvey",
    }
)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


#: Every module of qdef, so that ``from qdef.rendering import words`` (a submodule
#: imported through a public package) is recognised as the module it is.
QDEF_MODULES = frozenset(_module_name(p, SRC) for p in (SRC / "qdef").rglob("*.py"))


def imported_modules(source: str, module: str, *, package: bool) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every qdef module that ``source`` (the module ``module``,
    a package's ``__init__`` if ``package``) imports, wherever the import stands."""
    here = module if package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # a submodule imported by name from its package
                if f"{target}.{alias.name}" in QDEF_MODULES:
                    yield node.lineno, f"{target}.{alias.name}"


def private_imports(source: str, module: str, own: str, *, package: bool = False) -> list[str]:
    """The imports of private qdef modules in ``source``: ``line: module``. ``own`` is the
    renderer's own package, whose modules it may import freely."""
    found = []
    for line, name in imported_modules(source, module, package=package):
        if name != "qdef" and not name.startswith("qdef."):
            continue  # not qdef's: the standard library, jinja2, the plugin's own package
        if name in PUBLIC or name == own or name.startswith(own + "."):
            continue
        found.append(f"{line}: {name}")
    return found


def _renderer_files() -> Iterator[tuple[Path, str, str]]:
    """Every module of a built-in renderer or the codebook plugin, with its module
    name and its own package."""
    for path in sorted(BUILT_INS.rglob("*.py")):
        module = _module_name(path, SRC)
        parts = module.split(".")
        yield path, module, ".".join(parts[:3])  # qdef.renderers.<name>
    for path in sorted(CODEBOOK.rglob("*.py")):
        module = _module_name(path, CODEBOOK)
        yield path, module, module.split(".")[0]


FILES = list(_renderer_files())


def test_there_are_renderers_to_check() -> None:
    names = {module for _, module, _ in FILES}
    for expected in (
        "qdef.renderers.paper.writer",
        "qdef.renderers.webform.writer",
        "qdef.renderers.limesurvey",
        "qdef_render_codebook.table",
    ):
        assert expected in names


@pytest.mark.parametrize(("path", "module", "own"), FILES, ids=[m for _, m, _ in FILES])
def test_renderers_import_only_the_public_plugin_api(path: Path, module: str, own: str) -> None:
    source = path.read_text(encoding="utf-8")
    found = private_imports(source, module, own, package=path.name == "__init__.py")
    assert not found, (
        f"{path.relative_to(ROOT)} imports private qdef modules {found}; "
        "use the public modules of docs/plugins.md"
    )


def test_the_example_plugin_of_the_docs_imports_only_the_public_api() -> None:
    text = PLUGINS_MD.read_text(encoding="utf-8")
    start = text.index("`src/qdef_render_outline/__init__.py`:")
    match = re.compile(r"^```python\n(.*?)^```\n", re.S | re.M).search(text, start)
    assert match is not None
    module = match.group(1)
    assert "from qdef.rendering import" in module
    assert private_imports(module, "qdef_render_outline", "qdef_render_outline") == []


def test_the_docs_list_the_public_modules() -> None:
    text = PLUGINS_MD.read_text(encoding="utf-8")
    section = text.split("## The public modules", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([\w.]+)` \|", section, re.M))
    assert listed == PUBLIC


def test_every_public_module_exists() -> None:
    assert PUBLIC <= QDEF_MODULES


def _public_table() -> dict[str, set[str]]:
    """The names each public module's row of docs/plugins.md names (in backticks)."""
    text = PLUGINS_MD.read_text(encoding="utf-8")
    section = text.split("## The public modules", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([\w.]+)` \| (.*) \|$", section, re.M)
    return {
        module: set(re.findall(r"`(\w+)`", re.sub(r"\[[^]]*\]\([^)]*\)", "", what)))
        for module, what in rows
    }


def test_every_name_the_public_modules_table_gives_is_there() -> None:
    import importlib  # noqa: PLC0415

    table = _public_table()
    assert "get_renderer" in table["qdef.rendering"]
    # words of the prose, not names: qdef's `limesurvey` renderer
    table["qdef.renderers.limesurvey"].discard("limesurvey")
    missing = [
        f"{module}.{name}"
        for module, names in table.items()
        for name in sorted(names)
        if not hasattr(importlib.import_module(module), name)
    ]
    assert missing == []


def test_the_docs_examples_import_only_what_the_table_lists() -> None:
    """The example plugin and its tests import public names only, each listed in its
    module's row (a reader of "The public modules" finds everything they use)."""
    table = _public_table()
    text = PLUGINS_MD.read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```\n", text, re.S | re.M)
    imported = [
        (node.module, alias.name)
        for block in blocks
        for node in ast.walk(ast.parse(block))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "qdef"
        for alias in node.names
    ]
    assert ("qdef.rendering", "get_renderer") in imported
    unlisted = [f"{m}.{n}" for m, n in imported if n not in table.get(m or "", set())]
    assert unlisted == []


# ------------------------------------------------------------------ the scanner itself

SNIPPET = """
from __future__ import annotations

from typing import TYPE_CHECKING

import jinja2
from qdef.model import Instrument
from qdef.rendering import Compiled, RenderOptions, markdown
from qdef.renderers.paper.writer import write
from . import writer
from .writer import write as again

if TYPE_CHECKING:
    from qdef.routing.plan import VarInfo


def render() -> None:
    import qdef.rendering.notes
    from qdef.rendering import words
    from qdef.renderers.limesurvey.lowering import lower
    from qdef.wording.catalog import find
"""


def test_the_scanner_finds_private_imports_wherever_they_stand() -> None:
    found = private_imports(SNIPPET, "qdef.renderers.paper", "qdef.renderers.paper", package=True)
    assert sorted(entry.split(": ")[1] for entry in found) == [
        "qdef.renderers.limesurvey.lowering",  # another renderer's internals
        "qdef.rendering.notes",  # inside a function
        "qdef.rendering.words",  # a submodule, by name from a public package
        "qdef.routing.plan",  # under TYPE_CHECKING
        "qdef.wording.catalog",
    ]


def test_the_scanner_resolves_relative_imports() -> None:
    source = "from ..limesurvey import lowering\nfrom .writer import write\n"
    found = private_imports(source, "qdef.renderers.paper.writer", "qdef.renderers.paper")
    assert found == ["1: qdef.renderers.limesurvey.lowering"]


def test_every_name_the_plugin_api_exports_is_there() -> None:
    """``qdef.rendering`` imports its helpers when first asked for: each name of its
    ``__all__`` must resolve (a typo in the table of lazy names would not be seen
    until a plugin asked for it)."""
    import qdef.rendering  # noqa: PLC0415

    for name in qdef.rendering.__all__:
        assert getattr(qdef.rendering, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'notes_for'"):
        qdef.rendering.notes_for  # noqa: B018


def _optional_reads(source: str) -> list[int]:
    """Lines of ``getattr(x, "options"|"wording", …)`` in ``source``."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in {"options", "wording"}
    ]


def test_options_and_wording_are_read_as_the_protocol_declares_them() -> None:
    """The registry checks every renderer it loads for ``options`` and ``wording``, so
    nothing reads them with a fallback (a fallback would hide a renderer the
    registry did not check)."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((SRC / "qdef").rglob("*.py"))
        for line in _optional_reads(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert _optional_reads('getattr(renderer, "options", None) or {}\n') == [1]
