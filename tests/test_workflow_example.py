"""The GitHub Actions workflow of docs/github-workflow.md (docs/examples/qdef-instruments.yml)
has the documented steps, and its qdef commands are real: its validate, check and render
steps run, as GitHub runs them, in a repository holding the Investitionspakt instrument."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from qdef import load
from qdef.rendering import render

ROOT = Path(__file__).parents[1]
WORKFLOW = ROOT / "docs" / "examples" / "qdef-instruments.yml"
INVESTITIONSPAKT = ROOT / "instruments" / "investitionspakt.yaml"
#: What the render step writes per instrument: renderer -> suffix.
ARTEFACTS = {"html": ".html", "markdown": ".md", "limesurvey": ".lss"}


def _steps() -> list[dict[str, Any]]:
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow["on"]) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert job["runs-on"].startswith("ubuntu-")
    steps: list[dict[str, Any]] = job["steps"]
    return steps


STEPS = _steps()


def _step(text: str) -> tuple[int, dict[str, Any]]:
    """The one step whose ``run`` (or ``uses``) contains ``text``, and its position."""
    found = [
        (i, step) for i, step in enumerate(STEPS) if text in step.get("run", step.get("uses", ""))
    ]
    assert len(found) == 1, f"{len(found)} steps with {text!r}"
    return found[0]


def test_the_repository_is_checked_out_with_its_history_and_python_is_new_enough() -> None:
    checkout, python = STEPS[0], STEPS[1]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0  # qdef diff reads the target branch
    assert python["uses"].startswith("actions/setup-python@")
    major, minor = map(int, str(python["with"]["python-version"]).split("."))
    assert (major, minor) >= (3, 11)


def test_qdef_is_installed_from_where_the_team_says() -> None:
    _, install = _step("pip install")
    assert install["env"] == {"QDEF_PACKAGE": "${{ vars.QDEF_PACKAGE }}"}
    assert (
        install["run"] == 'pip install "${QDEF_PACKAGE:?set the repository variable QDEF_PACKAGE}"'
    )
    source = WORKFLOW.read_text(encoding="utf-8")
    assert "qdef @ git+https://" in source  # hypothesis comes with qdef: no extra to name
    assert "qdef[testing]" not in source
    unset = subprocess.run(  # an unset variable fails the step with a message, never pip
        ["bash", "-eo", "pipefail", "-c", install["run"]],
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert unset.returncode != 0
    assert "set the repository variable QDEF_PACKAGE" in unset.stderr


def test_the_steps_validate_check_diff_render_and_upload_in_this_order() -> None:
    order = [
        _step(command)[0]
        for command in (
            "qdef validate",
            "qdef check",
            "qdef diff",
            "qdef render",
            "actions/upload-artifact@",
        )
    ]
    assert order == sorted(order)


def test_the_diff_runs_on_pull_requests_against_the_target_branch() -> None:
    """Every instrument the validate step sees, at the base or the head (a directory,
    not a glob the shell expands to the files that still exist), failing on check
    changes, as docs/github-workflow.md recommends."""
    _, diff = _step("qdef diff")
    _, validate = _step("qdef validate")
    assert diff["if"] == "github.event_name == 'pull_request'"
    command = diff["run"].replace("${{ github.base_ref }}", "BASE").split()
    assert command[:2] == ["qdef", "diff"]
    options = dict(zip(command[2::2], command[3::2], strict=False))
    assert {k: v for k, v in options.items() if k.startswith("--")} == {
        "--base": "origin/BASE",
        "--fail-on": "check",
        "--format": "github",
    }
    assert command[-1] == validate["run"].split()[-1] == "instruments/"
    assert len(command) == 9 and "*" not in diff["run"]


def test_the_rendered_artefacts_are_uploaded() -> None:
    _, render_step = _step("qdef render")
    _, upload = _step("actions/upload-artifact@")
    folder = upload["with"]["path"].rstrip("/")
    command = 'qdef render "$instrument" --to html --to markdown --to limesurvey'
    assert f"{command} -o {folder}" in render_step["run"]
    assert all(f"--to {renderer}" in render_step["run"] for renderer in ARTEFACTS)


def test_the_page_includes_this_file() -> None:
    # Committed into the page (docs_hooks/generate.py), so that GitHub shows it too.
    page = (ROOT / "docs" / "github-workflow.md").read_text(encoding="utf-8")
    text = WORKFLOW.read_text(encoding="utf-8")
    assert f"<!-- qdef:include examples/qdef-instruments.yml -->\n```yaml\n{text}```\n" in page


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instrument repository after the workflow's validate, check and render steps."""
    directory = tmp_path_factory.mktemp("instruments-repo")
    (directory / "instruments").mkdir()
    shutil.copyfile(INVESTITIONSPAKT, directory / "instruments" / INVESTITIONSPAKT.name)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    for command in ("qdef validate", "qdef check", "qdef render"):
        _, step = _step(command)
        result = subprocess.run(  # how GitHub runs a step's run: bash -e, pipefail
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=directory,
            env={**os.environ, "PATH": path},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{step['run']}\n{result.stdout}{result.stderr}"
    return directory


def test_the_qdef_steps_run_on_an_instrument_repository(repository: Path) -> None:
    instrument = load(INVESTITIONSPAKT)
    stem = INVESTITIONSPAKT.stem
    written = sorted(p.name for p in (repository / "artefacts").iterdir())
    assert written == sorted(f"{stem}{suffix}" for suffix in ARTEFACTS.values())
    for renderer, suffix in ARTEFACTS.items():
        expected = render(instrument, renderer)
        if isinstance(expected, str):
            expected = expected.encode("utf-8")
        assert (repository / "artefacts" / f"{stem}{suffix}").read_bytes() == expected


def _run_step(text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The step whose ``run`` contains ``text``, as GitHub runs it, with the last commit
    standing for ``origin/<base branch>``."""
    _, step = _step(text)
    run = step["run"].replace("origin/${{ github.base_ref }}", "HEAD")
    assert "${{" not in run
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", run],
        cwd=cwd,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A repository whose last commit holds the instrument and a second one."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    (tmp_path / "instruments").mkdir()
    shutil.copyfile(INVESTITIONSPAKT, tmp_path / "instruments" / INVESTITIONSPAKT.name)
    second = INVESTITIONSPAKT.read_text(encoding="utf-8").replace(
        "id: investitionspakt-im\n", "id: zweite-welle\n", 1
    )
    (tmp_path / "instruments" / "zweite-welle.yaml").write_text(second, encoding="utf-8")
    identity = ["-c", "user.name=qdef", "-c", "user.email=qdef@example.org"]
    for command in (["init", "-q"], ["add", "."], [*identity, "commit", "-q", "-m", "v1"]):
        subprocess.run([git, *command], cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def test_the_diff_step_runs_against_a_commit(committed: Path) -> None:
    """The diff step's command and options are real: run against the last commit
    (for ``origin/<base branch>``) of a repository holding the instruments."""
    result = _run_step("qdef diff", committed)
    assert result.returncode == 0, f"{result.stdout}{result.stderr}"


def test_the_diff_step_fails_when_an_instrument_is_deleted(committed: Path) -> None:
    (committed / "instruments" / "zweite-welle.yaml").unlink()
    result = _run_step("qdef diff", committed)
    assert result.returncode == 1
    assert result.stdout.startswith("::error title=QD713 (breaking)::")
    assert "instruments/zweite-welle.yaml: the instrument 'zweite-welle' is gone" in result.stdout


def test_the_diff_step_fails_on_a_checked_change_until_it_is_accepted(committed: Path) -> None:
    """A label whose meaning is reversed fails the step; the entries ``qdef diff
    --format accept`` prints, kept beside the instruments, make it pass — and the
    validate step does not take the acceptance file for an instrument (nor does the
    check step: both search a directory alike)."""
    file = committed / "instruments" / INVESTITIONSPAKT.name
    text = file.read_text(encoding="utf-8")
    assert text.count("label: Option war nicht bekannt") == 1
    file.write_text(text.replace("war nicht bekannt", "war bekannt"), encoding="utf-8")
    result = _run_step("qdef diff", committed)
    assert result.returncode == 1
    assert "::error file=instruments/investitionspakt.yaml,line=40," in result.stdout
    assert "title=QD720 (check)" in result.stdout
    _, step = _step("qdef diff")
    command = step["run"].replace("origin/${{ github.base_ref }}", "HEAD").split()
    command[command.index("--format") + 1] = "accept"
    entries = subprocess.run(
        [sys.executable, "-m", "qdef", *command[1:]],
        cwd=committed,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert entries.count("- instrument:") == 1
    (committed / "instruments" / ".qdef-accept.yaml").write_text(entries, encoding="utf-8")
    for command_text in ("qdef validate", "qdef diff"):
        result = _run_step(command_text, committed)
        assert result.returncode == 0, f"{command_text}\n{result.stdout}{result.stderr}"
    assert "title=QD720 (check)::" in result.stdout and result.stdout.startswith("::notice")
