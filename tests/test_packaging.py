"""How qdef is installed and set up: its dependencies, what ``bash dev.sh`` installs
for which job, and what the README tells a reader to type."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_hypothesis_is_a_dependency_so_that_qdef_check_works_after_pip_install() -> None:
    # qdef check and qdef.testing need hypothesis; it is no extra to remember.
    assert "hypothesis" in _names(PYPROJECT["project"]["dependencies"])


def _fake_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of dev.sh beside a .venv whose python and qdef only log their arguments."""
    log = tmp_path / "log"
    (tmp_path / "dev.sh").write_bytes((ROOT / "dev.sh").read_bytes())
    bin_folder = tmp_path / ".venv" / "bin"
    bin_folder.mkdir(parents=True)
    for name in ("python", "qdef"):
        script = bin_folder / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
        script.chmod(0o755)
    return tmp_path / "dev.sh", log


def test_dev_sh_run_installs_qdef_and_the_plugin_and_nothing_else(tmp_path: Path) -> None:
    # The main job needs no test, benchmark or docs tooling (minutes on a fresh machine).
    dev_sh, log = _fake_checkout(tmp_path)
    done = subprocess.run(
        ["bash", str(dev_sh), "run"],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    installs = [
        line for line in log.read_text(encoding="utf-8").splitlines() if " install " in line
    ]
    assert len(installs) == 2, installs
    assert installs[0].split()[-2:] == ["-e", "."]  # qdef itself, no extras
    assert installs[1].endswith("./renderers/qdef-render-codebook")
    ran = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("qdef")]
    assert ran[0] == "qdef validate instruments/investitionspakt.yaml"


def test_dev_sh_test_installs_the_tooling_and_runs_the_wheel_smoke_test() -> None:
    dev_sh = (ROOT / "dev.sh").read_text(encoding="utf-8")
    test_case = dev_sh.split("\n    test)\n", 1)[1].split(";;", 1)[0]
    assert 'stage setup setup ".[test,bench,docs]"' in test_case
    assert "stage wheel bash tests/wheel_smoke.sh .venv/bin/python" in test_case
    assert "build" in _names(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("bash dev.sh test")


#: What ``bash dev.sh test`` runs after its set-up, in order (a fake of each logs it).
TEST_STAGES = ["ruff", "mypy", "lint-imports", "mkdocs", "wheel", "pytest"]


def _fake_test_checkout(tmp_path: Path, failing: str | None = None) -> tuple[Path, Path, Path]:
    """dev.sh beside fakes of every tool ``dev.sh test`` runs; ``failing`` exits 3."""
    dev_sh, log = _fake_checkout(tmp_path)
    tools = {
        ".venv/bin/ruff": "ruff",
        ".venv/bin/mypy": "mypy",
        ".venv/bin/lint-imports": "lint-imports",
        ".venv/bin/mkdocs": "mkdocs",
        ".venv/bin/pytest": "pytest",
        "tests/wheel_smoke.sh": "wheel",
        "fakebin/apt-get": "apt-get",  # never the machine's: nothing is installed
    }
    for relative, name in tools.items():
        script = tmp_path / relative
        script.parent.mkdir(parents=True, exist_ok=True)
        end = "exit 3\n" if name == failing else ""
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n{end}', encoding="utf-8")
        script.chmod(0o755)
    return dev_sh, log, tmp_path / "fakebin"


def _run_dev_sh_test(dev_sh: Path, fakebin: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(dev_sh), "test"],
        env={**os.environ, "PYTHON": sys.executable, "PATH": f"{fakebin}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_dev_sh_test_prints_the_time_of_each_stage_and_the_total(tmp_path: Path) -> None:
    dev_sh, log, fakebin = _fake_test_checkout(tmp_path)
    done = _run_dev_sh_test(dev_sh, fakebin)
    assert done.returncode == 0, done.stderr
    timed = re.findall(r"^== ([\w-]+): (\d+\.\d) s$", done.stdout, re.MULTILINE)
    assert [name for name, _ in timed] == ["setup", "browser", *TEST_STAGES, "total"]
    ran = [line.split()[0] for line in log.read_text(encoding="utf-8").splitlines()]
    assert [name for name in ran if name in TEST_STAGES] == TEST_STAGES
    pytest_args = next(line for line in log.read_text().splitlines() if line.startswith("pytest"))
    assert "-n auto" in pytest_args  # pytest-xdist, a worker per core


def test_a_failing_stage_of_dev_sh_test_fails_it_with_its_exit_status(tmp_path: Path) -> None:
    """`set -e` holds inside the timed stages: mypy failing stops the script there."""
    dev_sh, log, fakebin = _fake_test_checkout(tmp_path, failing="mypy")
    done = _run_dev_sh_test(dev_sh, fakebin)
    assert done.returncode == 3
    assert "== mypy failed (exit 3)" in done.stderr
    assert "== ruff: " in done.stdout and "== mypy: " not in done.stdout
    assert "== total: " in done.stdout
    ran = [line.split()[0] for line in log.read_text(encoding="utf-8").splitlines()]
    assert "mypy" in ran and "lint-imports" not in ran and "pytest" not in ran


def test_the_wheel_smoke_test_runs_qdef_from_the_wheel_outside_the_checkout() -> None:
    script = (ROOT / "tests" / "wheel_smoke.sh").read_text(encoding="utf-8")
    assert '-m build --outdir "$work/dist" .' in script  # sdist, and the wheel from it
    assert 'cd "$work"' in script
    for command in ("validate", "render", "--to html", "check", "schema"):
        assert f"{command} " in script or f"{command}\n" in script, command
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["qdef"]
    for needed in (
        "model/schema/*.json",
        "wording/catalogs/*.po",
        "renderers/webform/assets/*",
        "renderers/paper/print.css",
    ):
        assert needed in package_data


#: A qdef command with arguments, as typed: `qdef validate x.yaml`, `python -m qdef …`.
COMMAND = re.compile(r"^(?:\$ )?(?P<run>(?:\S*/)?(?:python3? -m qdef|qdef))(?: \S+){2,}")


def _commands(markdown: str) -> list[str]:
    """Every qdef command with arguments that ``markdown`` shows: in code spans and in
    fenced blocks (``$ `` prompts removed), Python code excluded."""
    shown: list[str] = []
    fenced = False
    language = ""
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced, language = not fenced, line[3:].strip()
            continue
        if fenced:
            if language != "python":
                shown.append(line)
        else:
            shown += re.findall(r"`([^`\n]+)`", line)
    return [text for text in shown if COMMAND.match(text)]


def test_the_readme_shows_qdef_commands_as_they_run_in_a_fresh_shell() -> None:
    # After the quickstart, qdef is in .venv, not on PATH: `qdef …` alone fails.
    for page in (ROOT / "README.md", ROOT / "docs" / "getting-started.md"):
        commands = _commands(page.read_text(encoding="utf-8"))
        assert commands, page.name
        for command in commands:
            match = COMMAND.match(command)
            assert match is not None
            assert match.group("run").startswith(".venv/bin/"), f"{page.name}: {command}"


def test_the_readme_says_how_long_the_test_command_takes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    test_part = quickstart.split("bash dev.sh test", 1)[1]
    assert re.search(r"about \d+ minutes on 2 cores", " ".join(test_part.split()))


def test_the_install_docs_do_not_promise_a_published_package() -> None:
    # There is none: install from a checkout or from a wheel built from one.
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'pip install ["\']?qdef\[', text), page.name
    install = (ROOT / "docs" / "index.md").read_text(encoding="utf-8").split("## Install", 1)[1]
    install = install.split("\n## ", 1)[0]
    assert "not published on PyPI" in install
    assert "python -m build" in install and "pip install dist/qdef-" in install


def test_update_goldens_runs_in_one_process_whatever_n_says() -> None:
    """``pytest -n auto --update-goldens`` (dev.sh's -n, plus the option) rewrites the
    goldens in one process: the hook turns pytest-xdist's workers off before it starts
    them (xdist reads these options after the hook)."""
    from types import SimpleNamespace  # noqa: PLC0415

    from tests.conftest_goldens import UPDATE_OPTION, pytest_cmdline_main  # noqa: PLC0415

    for update, expected in ((True, 0), (False, "auto")):
        option = SimpleNamespace(numprocesses="auto", dist="load", tx=["popen"])
        wanted = {UPDATE_OPTION: update}
        config: Any = SimpleNamespace(
            option=option, getoption=lambda name, default=None, w=wanted: w.get(name, default)
        )
        pytest_cmdline_main(config)
        assert option.numprocesses == expected
        assert (option.dist, option.tx) == (("no", []) if update else ("load", ["popen"]))
