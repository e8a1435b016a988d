"""Atomic writes: a failed write leaves no partial file and never touches the old one."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qdef.cli import output
from qdef.cli.output import write_atomic

SRC = Path(__file__).resolve().parents[1] / "src"


def test_writes_the_bytes_exactly(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_atomic(target, b"\xef\xbb\xbf{}\r\n")
    assert target.read_bytes() == b"\xef\xbb\xbf{}\r\n"


def test_replaces_an_existing_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new content")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)], ids=["022", "027", "002"]
)
def test_a_new_file_gets_its_mode_from_the_umask_which_is_never_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int, mode: int
) -> None:
    """The umask is the whole process's: setting it, even to read it, races with other
    threads creating files. The kernel applies it when the file is created."""
    before = os.umask(umask)
    try:

        def no_umask(mask: int) -> int:
            raise AssertionError(f"os.umask({mask:#o}) called while writing")

        monkeypatch.setattr(os, "umask", no_umask)
        write_atomic(tmp_path / "new.txt", b"x")  # new: the umask's mode
        (tmp_path / "old.txt").write_bytes(b"old")
        (tmp_path / "old.txt").chmod(0o604)
        write_atomic(tmp_path / "old.txt", b"x")  # existing: its own mode
        monkeypatch.undo()
    finally:
        os.umask(before)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == mode
    assert (tmp_path / "old.txt").stat().st_mode & 0o777 == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "old.txt"]


def test_a_directory_device_or_pipe_is_refused_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link"
    link.symlink_to(pipe)  # like /dev/stdout: a link to something that is not a file
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (pipe, link, folder):
        with pytest.raises(OSError, match=r"directory|not a regular file"):
            write_atomic(target, b"x")
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert link.is_symlink()
    assert folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "link", "pipe"]


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


# ------------------------------------------------------------------ SIGTERM, leftovers

#: A child that writes TARGET with write_atomic, stopping (as a slow disk would)
#: between writing the temporary file and syncing it, after saying so.
SLOW_WRITER = """
import os, sys, time
from pathlib import Path
from qdef.cli import output

def slow_fsync(fd):
    print("writing", flush=True)
    time.sleep(60)

output.os.fsync = slow_fsync
output.write_atomic(Path(sys.argv[1]), b"new content " * 100_000)
"""


@pytest.mark.parametrize(
    ("existing", "ending"),
    [(False, signal.SIGTERM), (True, signal.SIGTERM), (False, signal.SIGHUP)],
)
def test_sigterm_or_sighup_during_a_write_leaves_no_temporary_file(
    tmp_path: Path, existing: bool, ending: signal.Signals
) -> None:
    """SIGTERM: ``timeout``, a cancelled CI job; SIGHUP: the terminal closed."""
    target = tmp_path / "out.html"
    if existing:
        target.write_bytes(b"old")
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), *sys.path])},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"writing\n"
        assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # mid-write
        child.send_signal(ending)
        _, err = child.communicate(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -ending, err  # ended as the signal ends a process
    assert err == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out.html"] if existing else [])
    if existing:
        assert target.read_bytes() == b"old"


def test_sigterm_handling_is_only_for_the_write(tmp_path: Path) -> None:
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
    write_atomic(tmp_path / "a.txt", b"a")
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL

    def own(signum: int, frame: object) -> None:  # an application's own handler
        pass

    previous = signal.signal(signal.SIGTERM, own)
    try:
        write_atomic(tmp_path / "b.txt", b"b")
        assert signal.getsignal(signal.SIGTERM) is own
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_stale_temporary_files_of_the_same_target_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    day_ago = time.time() - 24 * 3600  # clearly stale
    names = {
        ".out.md.k3v_9x0a.tmp": day_ago,  # left by a killed qdef: removed
        ".out.md.q81mzt2b.tmp": time.time() - 5,  # a qdef writing it now: kept
        ".other.md.k3v_9x0a.tmp": day_ago,  # another target's: kept
        ".out.md.k3v_9x0a.tmp.bak": day_ago,  # not qdef's name: kept
        ".out.md.short.tmp": day_ago,  # not mkstemp's: kept
        "out.md.k3v_9x0a.tmp": day_ago,  # not hidden: kept
    }
    for name, when in names.items():
        (tmp_path / name).write_bytes(b"partial")
        os.utime(tmp_path / name, (when, when))
    os.mkdir(tmp_path / ".out.md.dir_0000.tmp")  # not a file: kept
    os.utime(tmp_path / ".out.md.dir_0000.tmp", (day_ago, day_ago))
    write_atomic(target, b"new")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [n for n in names if n != ".out.md.k3v_9x0a.tmp"] + [".out.md.dir_0000.tmp", "out.md"]
    )
    assert target.read_bytes() == b"new"
