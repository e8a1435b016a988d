"""Process-wide state: the cyclic garbage collector is paused in one place, the
command line (around the command it runs), never by the library; the console script
exits as a Python program normally does. (The umask: tests/test_output.py.)"""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import TextIO

import pytest

import qdef
import qdef.cli
import qdef.cli.check
import qdef.cli.validate
from qdef.cli import main
from qdef.cli.gcpause import gc_paused
from qdef.pipeline import validate_file, validate_text

ROOT = Path(__file__).parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
INVALID = ROOT / "tests" / "cases" / "invalid" / "goto_unbekannt.yaml"


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on, as a program leaves it, and on again afterwards."""
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


def test_library_calls_leave_the_collector_as_the_caller_set_it(
    monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    def no_disable() -> None:
        raise AssertionError("the library switched the collector off")

    monkeypatch.setattr(gc, "disable", no_disable)
    assert validate_file(INSTRUMENT).ok
    assert validate_text(INSTRUMENT.read_text(encoding="utf-8")).ok
    instrument = qdef.load(INSTRUMENT)
    for name in ("markdown", "html", "limesurvey"):
        assert qdef.render(instrument, to=name)
    assert qdef.render(INSTRUMENT, to="markdown")
    assert gc.isenabled()


def test_the_command_line_pauses_the_collector_while_a_command_runs(
    monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    seen: list[bool] = []

    def command(args: object, out: TextIO, err: TextIO) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(qdef.cli.validate, "validate_command", command)
    assert main(["validate", str(INSTRUMENT)], out=StringIO(), err=StringIO()) == 0
    assert seen == [False]
    assert gc.isenabled()  # as main found it


def test_qdef_check_runs_with_the_collector(
    monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    """hypothesis, which qdef check runs, leaves garbage in cycles: paused, the
    collector would let it pile up (0.37 GB became 0.66 GB at 1,000 questions)."""
    seen: list[bool] = []

    def command(args: object, out: TextIO, err: TextIO) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(qdef.cli.check, "check_command", command)
    assert main(["check", str(INSTRUMENT)], out=StringIO(), err=StringIO()) == 0
    assert seen == [True]


def test_the_command_line_leaves_a_collector_switched_off_off(collector_on: None) -> None:
    gc.disable()
    assert main(["validate", "-q", str(INSTRUMENT)], out=StringIO(), err=StringIO()) == 0
    assert not gc.isenabled()


def test_the_collector_is_back_after_a_failing_command(
    monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    def command(args: object, out: TextIO, err: TextIO) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(qdef.cli.validate, "validate_command", command)
    err = StringIO()
    assert main(["validate", str(INSTRUMENT)], out=StringIO(), err=err) == 130
    assert err.getvalue() == "qdef: interrupted\n"
    assert gc.isenabled()


def test_pauses_nest_and_restore(collector_on: None) -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


# --------------------------------------------------------------------------- exit

#: The console script as ``qdef`` runs it, with an exit handler and output left in
#: the buffers of standard output and error for the interpreter to flush at exit.
CONSOLE_SCRIPT = """
import atexit, sys
atexit.register(lambda: print("exit handler ran", file=sys.stderr))
atexit.register(lambda: sys.stdout.write("unflushed at exit"))
sys.argv = ["qdef", *sys.argv[1:]]
from qdef.cli import run
run()
"""


@pytest.mark.parametrize(("path", "status"), [(INSTRUMENT, 0), (INVALID, 1)])
def test_the_console_script_exits_normally(path: Path, status: int) -> None:
    """Exit handlers run and what they write is flushed (``os._exit`` skipped both);
    the exit status is :func:`main`'s."""
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE_SCRIPT, "validate", "-q", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert done.stdout.endswith("unflushed at exit")
    assert done.stderr.endswith("exit handler ran\n")
    assert "Traceback" not in done.stderr


def test_a_stream_that_cannot_be_flushed_is_pointed_at_devnull(tmp_path: Path) -> None:
    """So that the interpreter's own flush at exit finds nothing to fail on."""
    target = tmp_path / "out"
    with target.open("wb") as file:
        descriptor = os.dup(file.fileno())

    class Broken(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return descriptor

    try:
        qdef.cli._flush_or_drop(Broken())
        os.write(descriptor, b"lost")
        assert os.path.samestat(os.fstat(descriptor), os.stat(os.devnull))
    finally:
        os.close(descriptor)
    assert target.read_bytes() == b""
