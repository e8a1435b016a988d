"""The routing and rendering commands shown in docs/cli.md, routing.md, webform.md and
limesurvey.md print what they say.

Every ``$ qdef check …`` and ``$ qdef paths …`` example (without ``-o``), and every
``$ qdef render …`` and ``$ qdef renderers`` example, is run
in a directory holding the Investitionspakt instrument and the copy the docs
describe, ``investitionspakt-2023.yaml``, whose option "Nein" of question 18
jumps to question 22 instead of 21. Standard output and standard error
together must equal the lines shown; ``$ echo $?`` must show the exit code.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from io import StringIO
from pathlib import Path

import pytest

from qdef.cli import main

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
CONSOLE = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)
ROUTING_COMMANDS = ("qdef check", "qdef paths", "qdef render", "qdef renderers")


def _examples() -> list[tuple[str, list[str], str, int | None]]:
    """(where, argv, expected output, expected exit code or None)."""
    found: list[tuple[str, list[str], str, int | None]] = []
    for page in ("cli.md", "routing.md", "webform.md", "limesurvey.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        for block in CONSOLE.finditer(text):
            line = text[: block.start()].count("\n") + 2
            commands = re.split(r"^\$ ", block.group(1), flags=re.M)[1:]
            for i, chunk in enumerate(commands):
                command, _, output = chunk.partition("\n")
                if not command.startswith(ROUTING_COMMANDS):
                    continue
                if " -o " in command and not command.startswith("qdef render "):
                    continue
                status = None
                if i + 1 < len(commands) and commands[i + 1].startswith("echo $?"):
                    status = int(commands[i + 1].split("\n")[1])
                found.append((f"{page}:{line}", shlex.split(command)[1:], output, status))
    return found


EXAMPLES = _examples()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("docs")
    (directory / "instruments").mkdir()
    original = (ROOT / "instruments" / "investitionspakt.yaml").read_text(encoding="utf-8")
    (directory / "instruments" / "investitionspakt.yaml").write_text(original, encoding="utf-8")
    old = "{code: nein, label: Nein, goto: gruende_keine_fortsetzung}"
    assert old in original
    changed = original.replace(old, "{code: nein, label: Nein, goto: interesse_gespraech}")
    (directory / "instruments" / "investitionspakt-2023.yaml").write_text(changed, "utf-8")
    return directory


def test_the_docs_show_routing_commands() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(
    ("where", "argv", "expected", "status"),
    EXAMPLES,
    ids=[e[0] + " " + " ".join(e[1]) for e in EXAMPLES],
)
def test_routing_examples_in_the_docs_are_true(
    workdir: Path, where: str, argv: list[str], expected: str, status: int | None
) -> None:
    out, err = StringIO(), StringIO()
    with contextlib.chdir(workdir):
        code = main(argv, out=out, err=err)
    assert out.getvalue() + err.getvalue() == expected, where
    if status is not None:
        assert code == status, where


def test_findings_quoted_in_routing_md_are_real_output() -> None:
    """docs/routing.md quotes the goldens of tests/cases/invalid/route_*.yaml."""
    goldens = {
        line
        for path in (ROOT / "tests" / "cases" / "invalid").glob("route_*.diagnostics.txt")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    quoted = [
        line
        for line in (DOCS / "routing.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("route_")
    ]
    assert len(quoted) >= 5
    assert [line for line in quoted if line not in goldens] == []


def test_the_python_sessions_in_routing_md_run_as_shown() -> None:
    """The ``pycon`` blocks of docs/routing.md, run as doctests on the Investitionspakt."""
    import doctest  # noqa: PLC0415

    from qdef.pipeline import load  # noqa: PLC0415

    text = (DOCS / "routing.md").read_text(encoding="utf-8")
    sessions = re.findall(r"^```pycon\n(.*?)^```\n", text, re.S | re.M)
    assert sessions
    globs = {"instrument": load(ROOT / "instruments" / "investitionspakt.yaml")}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, session in enumerate(sessions):
        runner.run(parser.get_doctest(session, globs, f"routing.md[{i}]", None, 0))
    results = runner.summarize(verbose=False)
    assert results.attempted >= 5
    assert results.failed == 0
