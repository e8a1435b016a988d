"""How qdef is installed and set up: its dependencies, what ``bash dev.sh`` installs
for which job, and what the README tells a reader to type."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_hypothesis_is_a_dependency_so_that_qdef_check_works_after_pip_install() -> None:
    # qdef check and qdef.testing need hypothesis; it is no extra to remember.
    assert "hypothesis" in _names(PYPROJECT["project"]["dependencies"])
