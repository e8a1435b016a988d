"""Golden-file comparison: the ``--update-goldens`` option and the ``golden`` fixture.

Imported by ``tests/conftest.py``; kept apart so the golden machinery has one home.
With ``--update-goldens``, pytest-xdist's ``-n`` is overridden: one process rewrites.
A golden file is compared as exact text (no newline translation), with plain
string equality so that pytest prints a diff.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

UPDATE_OPTION = "--update-goldens"

Golden = Callable[[str, Path], None]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        UPDATE_OPTION,
        action="store_true",
        default=False,
        help="rewrite golden files (expected outputs) from the actual outputs",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """``--update-goldens`` runs the tests in one process, whatever ``-n`` says
    (pytest-xdist): rewriting files is rare, and one writer leaves nothing to chance."""
    if config.getoption(UPDATE_OPTION, default=False) and getattr(
        config.option, "numprocesses", None
    ):
        config.option.numprocesses = 0
        config.option.dist = "no"
        config.option.tx = []


def compare_golden(actual: str, expected_path: Path, *, update: bool) -> None:
    """Write ``actual`` to ``expected_path`` (``update``), or assert it equals the file."""
    if update:
        expected_path.write_text(actual, encoding="utf-8", newline="")
        return
    if not expected_path.exists():
        pytest.fail(f"no golden file {expected_path}; rerun with {UPDATE_OPTION} to create it")
    expected = expected_path.read_bytes().decode("utf-8")  # no newline translation
    assert actual == expected, f"rerun with {UPDATE_OPTION}: {expected_path}"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """``golden(actual, path)``: compare with (or, with --update-goldens, rewrite) a file."""
    update = bool(request.config.getoption(UPDATE_OPTION, default=False))

    def check(actual: str, expected_path: Path) -> None:
        compare_golden(actual, expected_path, update=update)

    return check
