"""The pre-commit hooks of .pre-commit-hooks.yaml (docs/pre-commit.md) are well formed and
work as pre-commit runs them: the entry split with shlex, the staged files appended."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).parents[1]
VALID = "instruments/investitionspakt.yaml"
INVALID = "tests/cases/invalid/goto_rueckwaerts.yaml"  # QD403, an error for both hooks
UNREACHABLE = "tests/cases/invalid/route_frage_abgeschnitten.yaml"  # QD601: warning / error
#: The keys pre-commit requires of a hook definition.
REQUIRED = ("id", "name", "entry", "language")


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return {hook["id"]: hook for hook in hooks}


HOOKS = _hooks()


def _run(hook: dict[str, Any], *files: str) -> subprocess.CompletedProcess[str]:
    """Run ``hook`` on ``files`` as pre-commit does, from the repository root."""
    command = shlex.split(hook["entry"])
    program = shutil.which(command[0], path=str(Path(sys.executable).parent))
    assert program is not None, f"{command[0]} is not installed beside {sys.executable}"
    return subprocess.run(
        [program, *command[1:], *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _selects(hook: dict[str, Any], path: str) -> bool:
    """Whether pre-commit would pass ``path`` to the hook (``files``/``exclude``, and
    ``types: [yaml]`` as pre-commit's identify tags YAML files: by suffix)."""
    if not re.search(hook.get("files", ""), path):
        return False
    if "exclude" in hook and re.search(hook["exclude"], path):
        return False
    return hook.get("types") != ["yaml"] or path.endswith((".yaml", ".yml"))


def test_the_hooks_are_qdef_validate_and_qdef_check() -> None:
    assert list(HOOKS) == ["qdef-validate", "qdef-check"]
    assert HOOKS["qdef-validate"]["entry"] == "qdef validate"
    assert HOOKS["qdef-check"]["entry"] == "qdef check"


@pytest.mark.parametrize("hook_id", list(HOOKS))
def test_a_hook_has_what_pre_commit_requires(hook_id: str) -> None:
    hook = HOOKS[hook_id]
    for key in REQUIRED:
        assert isinstance(hook.get(key), str) and hook[key], f"{hook_id}: {key}"
    assert hook["language"] == "python"  # pre-commit installs this repository: qdef
    assert hook.get("pass_filenames", True) is True  # both commands take many files
    assert hook["types"] == ["yaml"]


@pytest.mark.parametrize("hook_id", list(HOOKS))
def test_a_hook_runs_on_instruments_and_not_on_other_yaml(hook_id: str) -> None:
    hook = HOOKS[hook_id]
    assert _selects(hook, "instruments/investitionspakt.yaml")
    assert _selects(hook, "instruments/2024/kita.yml")
    for other in (".pre-commit-config.yaml", ".github/workflows/instruments.yml", "README.md"):
        assert not _selects(hook, other), other
    assert not _selects(hook, "instruments/README.md")
    assert not _selects(hook, "instruments/.qdef-accept.yaml")  # what qdef diff accepts
    assert not _selects(hook, "instruments/.drafts/kita.yaml")  # hidden, as qdef validate DIR


def test_qdef_check_gets_hypothesis_with_qdef_itself() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(d.startswith("hypothesis") for d in pyproject["project"]["dependencies"])
    assert "additional_dependencies" not in HOOKS["qdef-check"]
    assert "additional_dependencies" not in HOOKS["qdef-validate"]


@pytest.mark.parametrize("hook_id", list(HOOKS))
def test_a_hook_passes_a_valid_instrument(hook_id: str) -> None:
    result = _run(HOOKS[hook_id], VALID)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings in 1 file" in result.stderr


@pytest.mark.parametrize("hook_id", list(HOOKS))
def test_a_hook_fails_an_invalid_instrument_among_several(hook_id: str) -> None:
    result = _run(HOOKS[hook_id], VALID, INVALID)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{INVALID}:14:15: error QD403:" in result.stdout
    assert "1 error, 0 warnings in 2 files" in result.stderr


def test_only_qdef_check_fails_a_question_shown_on_no_walk() -> None:
    validate = _run(HOOKS["qdef-validate"], UNREACHABLE)
    check = _run(HOOKS["qdef-check"], UNREACHABLE)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "warning QD601" in validate.stdout
    assert check.returncode == 1, check.stdout + check.stderr
    assert "error QD601" in check.stdout


# --------------------------------------------------------------------- docs/pre-commit.md

YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```\n", re.S | re.M)


def _page_configs() -> list[dict[str, Any]]:
    """The complete ``.pre-commit-config.yaml`` examples of docs/pre-commit.md."""
    page = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    found = []
    for block in YAML_BLOCK.findall(page):
        if block.startswith("repos:"):
            found.append(YAML(typ="safe").load(block))
    return found


def test_the_page_shows_a_remote_and_a_local_configuration() -> None:
    remote, local = _page_configs()
    ((repo,), (here,)) = remote["repos"], local["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == list(HOOKS)
    # qdef has no public URL: the page must not show one that looks real
    assert repo["repo"].startswith("<") and "://" not in repo["repo"]
    assert str(repo["rev"]).startswith("<")
    assert here["repo"] == "local"
    assert [hook["id"] for hook in here["hooks"]] == list(HOOKS)


@pytest.mark.parametrize("hook_id", list(HOOKS))
def test_the_local_hooks_of_the_page_are_the_published_ones_run_from_the_environment(
    hook_id: str,
) -> None:
    _, local = _page_configs()
    hook = next(h for h in local["repos"][0]["hooks"] if h["id"] == hook_id)
    assert hook["language"] == "system"  # installs nothing: qdef must be on PATH
    published = HOOKS[hook_id]
    for key in ("name", "entry", "types", "files", "exclude"):
        assert hook[key] == published[key], key
    result = _run(hook, VALID, INVALID)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{INVALID}:14:15: error QD403:" in result.stdout
