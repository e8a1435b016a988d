"""The layout of :mod:`qdef.cli`: one module per command, one shared module, and imports
that go one way — the command modules import :mod:`qdef.cli.common`, never the
package :mod:`qdef.cli` (which imports them), and nothing below the command line
imports it (``qdef/__main__.py`` aside)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import qdef.cli
from qdef.cli import COMMANDS, main

SRC = Path(__file__).parents[1] / "src" / "qdef"
CLI = SRC / "cli"
#: The command modules, by the command each one adds.
COMMAND_MODULES = {
    "validate": "qdef.cli.validate",
    "check": "qdef.cli.check",
    "paths": "qdef.cli.paths",
    "render": "qdef.cli.render",
    "renderers": "qdef.cli.renderers",
    "schema": "qdef.cli.schema",
    "diff": "qdef.cli.diff",
    "import": "qdef.cli.importing",
    "data": "qdef.cli.data",
    "translate": "qdef.cli.translate",
    "catalog": "qdef.cli.catalog",
}


def imported(file: Path) -> set[str]:
    """The modules ``file`` imports (``from a import b`` counts as ``a`` and ``a.b``),
    wherever in the file the import is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_nothing_below_the_command_line_imports_it() -> None:
    importers = sorted(
        str(file.relative_to(SRC))
        for file in SRC.rglob("*.py")
        if CLI not in file.parents
        and any(name == "qdef.cli" or name.startswith("qdef.cli.") for name in imported(file))
    )
    assert importers == ["__main__.py"]


@pytest.mark.parametrize("file", sorted(CLI.glob("*.py"), key=str), ids=lambda f: f.name)
def test_no_cli_module_imports_the_package(file: Path) -> None:
    """``from qdef.cli import main`` in a command module would be a cycle: the package
    imports every command module to build its parser."""
    if file.name == "__init__.py":
        return
    shared = ("qdef.cli.common", "qdef.cli.output", "qdef.cli.gcpause")
    wrong = sorted(
        name
        for name in imported(file)
        if (name == "qdef.cli" or name.startswith("qdef.cli."))
        and not any(name == ok or name.startswith(ok + ".") for ok in shared)
    )
    assert wrong == []


def test_the_shared_module_imports_no_command() -> None:
    assert not {n for n in imported(CLI / "common.py") if n in COMMAND_MODULES.values()}


def test_each_command_comes_from_its_own_module() -> None:
    assert list(COMMANDS) == list(COMMAND_MODULES)
    for name, module_name in COMMAND_MODULES.items():
        args = qdef.cli._parser().parse_args(
            {
                "validate": ["validate", "x.yaml"],
                "check": ["check", "x.yaml"],
                "paths": ["paths", "x.yaml"],
                "render": ["render", "x.yaml", "--to", "markdown"],
                "renderers": ["renderers"],
                "schema": ["schema"],
                "diff": ["diff", "a.yaml", "b.yaml"],
                "import": ["import", "survey.lss"],
                "data": ["data", "check", "x.yaml", "answers.json"],
                "translate": ["translate", "extract", "x.yaml", "--lang", "en"],
                "catalog": ["catalog", "check", "sw.po"],
            }[name]
        )
        assert args.command == name
        module = importlib.import_module(module_name)
        assert args.handler is getattr(module, f"{name}_command")


#: What a run of ``qdef schema`` imports of :mod:`qdef.cli`.
PROBE = """
import sys
from qdef.cli import main
main(["schema", "-o", sys.argv[1]])
print(" ".join(sorted(m for m in sys.modules if m.startswith("qdef.cli"))))
"""


def test_a_run_imports_only_the_command_it_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "schema.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == [
        "qdef.cli",
        "qdef.cli.common",
        "qdef.cli.gcpause",
        "qdef.cli.output",
        "qdef.cli.schema",
    ]


def test_the_package_keeps_only_the_parser_main_and_run() -> None:
    own = {
        name
        for name, value in vars(qdef.cli).items()
        if callable(value) and getattr(value, "__module__", None) == "qdef.cli"
    }
    assert own == {
        "_Commands",
        "_Parser",
        "_parser",
        "_command_parser",
        "main",
        "_main",
        "_output_failed",
        "_flush_or_drop",
        "run",
    }
    assert main(["--version"]) == 0
