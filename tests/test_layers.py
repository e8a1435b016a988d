"""The import contracts of pyproject.toml (``[tool.importlinter]``, the layers of
docs/design.md's map): qdef keeps them, and they catch the imports they forbid.

Each check runs ``lint-imports`` (import-linter) in a fresh process on a source tree
of its own, so a copy of ``src/qdef`` with a forbidden import added is checked with
the same contracts as the real one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]
LAYERS = next(contract for contract in CONTRACTS if contract["type"] == "layers")

LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with ``project/pyproject.toml`` on ``project/src/qdef``."""
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _broken(report: str) -> dict[str, str]:
    """What lint-imports says under each broken contract's heading, by contract id."""
    broken = report.partition("\nBroken contracts\n")[2]
    sections: dict[str, str] = {}
    headings = [
        (match.start(), match.end(), contract["id"])
        for contract in CONTRACTS
        for match in re.finditer(rf"^{re.escape(contract['name'])}\n-+\n", broken, re.M)
    ]
    headings.sort()
    for (_, end, contract_id), (start, *_) in zip(
        headings, [*headings[1:], (len(broken), 0, "")], strict=True
    ):
        sections[contract_id] = broken[end:start]
    return sections


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "src" / "qdef",
        tmp_path / "src" / "qdef",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, code: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(code)


def test_qdef_keeps_its_import_contracts() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in done.stdout


def test_the_contracts_catch_upward_imports_cycles_and_new_unlayered_modules(
    tmp_path: Path,
) -> None:
    project = _copy(tmp_path)
    qdef = project / "src" / "qdef"
    unchanged = _lint_imports(project)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr

    # An import counts wherever it is written: under TYPE_CHECKING, ...
    _append(qdef / "model" / "base.py", "\nimport typing\n\nif typing.TYPE_CHECKING:\n")
    _append(qdef / "model" / "base.py", "    import qdef.cli\n")
    # ... inside a function, ...
    _append(qdef / "validation" / "checks.py", "\n\ndef _late() -> None:\n")
    _append(qdef / "validation" / "checks.py", "    import qdef.routing\n")
    _append(qdef / "renderers" / "paper" / "writer.py", "\n\ndef _late() -> None:\n")
    _append(qdef / "renderers" / "paper" / "writer.py", "    from qdef.renderers import webform\n")
    _append(qdef / "diff" / "__init__.py", "\n\ndef _late() -> None:\n")
    _append(qdef / "diff" / "__init__.py", "    import qdef.testing\n")
    _append(qdef / "expr" / "tokens.py", "\n\ndef _late() -> None:\n")
    _append(qdef / "expr" / "tokens.py", "    from qdef.expr import parser\n")
    _append(qdef / "testing" / "__init__.py", "\n\ndef _late() -> None:\n")
    _append(qdef / "testing" / "__init__.py", "    from qdef import load\n")
    # ... or at the top of qdef/__init__.py, which is above the layers but not the CLI.
    _append(qdef / "__init__.py", "\nimport qdef.cli\n")
    (qdef / "stray.py").write_text('"""A top-level module without a layer."""\n', "utf-8")

    done = _lint_imports(project)
    assert done.returncode == 1, done.stdout + done.stderr
    broken = _broken(done.stdout)
    assert set(broken) == {contract["id"] for contract in CONTRACTS}, done.stdout
    layers = broken["layers"]
    assert "qdef.model is not allowed to import qdef.cli" in layers
    assert "- qdef.model.base -> qdef.cli (l." in layers
    assert "qdef.validation is not allowed to import qdef.routing" in layers
    assert "- qdef.validation.checks -> qdef.routing (l." in layers
    assert "qdef.diff is not allowed to import qdef.testing" in layers
    assert "not listed as layers:\n\n- qdef.stray\n" in layers
    assert "- qdef.renderers.paper.writer -> qdef.renderers.webform" in broken["builtin-renderers"]
    assert "- qdef.model.base -> qdef.cli" in broken["cli"]
    assert "- qdef -> qdef.cli (l." in broken["cli"]
    assert "- qdef.testing -> qdef (l." in broken["top"]
    assert "No cycles are allowed in qdef.expr." in broken["acyclic"]
    assert ".tokens -> .parser" in broken["acyclic"]


def test_the_layers_name_every_package_and_no_contract_has_exceptions() -> None:
    # Exhaustive: a new top-level module must be given a layer. No import is let off:
    # an exception would have to be argued here first.
    assert LAYERS["containers"] == ["qdef"]
    assert LAYERS["exhaustive"] is True
    for contract in CONTRACTS:
        assert not contract.get("exhaustive_ignores"), contract["id"]
        assert not contract.get("ignore_imports"), contract["id"]


def test_dev_sh_test_checks_the_contracts() -> None:
    dev_sh = (ROOT / "dev.sh").read_text(encoding="utf-8")
    test_case = dev_sh.split("\n    test)\n", 1)[1].split(";;", 1)[0]
    assert "\n        stage lint-imports .venv/bin/lint-imports " in test_case
    test_extra = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert any(requirement.startswith("import-linter") for requirement in test_extra)


def test_the_map_in_the_design_doc_lists_the_layers_of_the_contract() -> None:
    # docs/design.md's table of packages, lowest first, is the layers contract read upwards.
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    the_map = design.split("\n## The map of the code\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in the_map.splitlines() if line.startswith("| `qdef")]
    documented = [sorted(re.findall(r"`qdef\.(\w+)`", row)) for row in rows]
    declared = [sorted(re.findall(r"\w+", layer)) for layer in LAYERS["layers"]]
    assert documented == declared[::-1]


def shadowed_submodules(root: Path) -> list[str]:
    """The submodules whose name their package's ``__init__.py`` binds to something
    else (``from qdef.routing.walk import walk`` made ``qdef.routing.walk`` a function
    or a module depending on what was imported first)."""
    import ast  # noqa: PLC0415

    found = []
    for init in sorted(root.rglob("__init__.py")):
        package = init.parent
        submodules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
        submodules |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
        bound: set[str] = set()
        for node in ast.parse(init.read_text(encoding="utf-8")).body:  # what runs on import
            if isinstance(node, ast.ImportFrom):
                bound |= {alias.asname or alias.name for alias in node.names}
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(node.name)
            elif isinstance(node, ast.Assign):
                bound |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for name in sorted(submodules & bound):
            # "from qdef.x import name" of the submodule itself binds the module: fine
            dotted = ".".join(package.relative_to(root.parent).parts)
            if not _binds_the_module(init, dotted, name):
                found.append(f"{dotted}.{name}")
    return found


def _binds_the_module(init: Path, dotted: str, name: str) -> bool:
    import ast  # noqa: PLC0415

    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == name for a in node.names
        ):
            return node.module == dotted or (node.level == 1 and node.module is None)
    return False


def test_no_package_binds_a_submodules_name_to_something_else() -> None:
    assert shadowed_submodules(ROOT / "src" / "qdef") == []


def test_the_shadowing_check_finds_a_function_named_as_its_module(tmp_path: Path) -> None:
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    (package / "walk.py").write_text("def walk(): ...\n", encoding="utf-8")
    (package / "other.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text(
        "from pkg.walk import walk\nfrom pkg import other\n", encoding="utf-8"
    )
    assert shadowed_submodules(package) == ["pkg.walk"]
