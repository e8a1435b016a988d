"""Writing output: files atomically (a failed or interrupted write never leaves a half
file or touches the old one), and standard output whose failures are told apart from
qdef's own."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

#: A temporary file of qdef's for ``name`` (eight random characters, as
#: ``tempfile.mkstemp`` picks them, between ``.name.`` and ``.tmp``) not modified for
#: this long is left over from a run that was killed (SIGKILL, a power cut); a write
#: of the same file removes it. A run writing the same file at the same time holds its
#: temporary file for well under a second between writing it and the rename.
STALE_AFTER = 3600.0


def destination(path: Path) -> Path:
    """The file that writing ``path`` replaces: ``path`` itself, or the file its symlinks
    lead to (so that a link stays a link). Raises OSError for what a rename would
    destroy rather than write: a directory, a device such as ``/dev/stdout``, a pipe."""
    try:
        mode = path.stat().st_mode  # follows symlinks
    except OSError:  # does not exist (or a dangling link): written as it is
        return path
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a directory", str(path))
    if not stat.S_ISREG(mode):
        raise OSError(
            errno.EINVAL,
            "it is not a regular file (a device or a pipe); write to standard output instead",
            str(path),
        )
    return Path(os.path.realpath(path))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename.

    The file is flushed and synced before the rename, so readers see either the
    old content or the new, never a mixture. Permissions of an existing file are kept;
    a new file gets those any program's new file gets (0o666 less the umask, which
    is neither read nor changed); a symlink is written through. A directory, device
    or pipe is refused (OSError).

    A SIGTERM during the write (``timeout``, a cancelled CI job, ``docker stop``) or
    a SIGHUP (the terminal closed) removes the temporary file, then ends the
    process as that signal does. After a
    successful write, qdef's temporary files for the same target left by killed runs
    (older than :data:`STALE_AFTER`) are removed.
    """
    path = destination(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        kept: int | None = path.stat().st_mode & 0o777
    except FileNotFoundError:
        kept = None  # a new file: made with 0o666, less the umask, as open() makes one
    with _cleanup_on_sigterm() as guard:
        fd, temporary = guard.make_temporary(directory, f".{path.name}.", ".tmp", NEW_FILE_MODE)
        try:
            guard.unblock()
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if kept is not None:
                os.chmod(temporary, kept)
            os.replace(temporary, path)
        except BaseException:
            guard.cleaning()  # a second signal now waits until the file is gone
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
    remove_stale_temporaries(path)


#: The mode a new file is created with; the kernel takes the process's umask off
#: (0o644 with the usual umask 0o022), as for any file a program creates.
NEW_FILE_MODE = 0o666
#: The characters of the random part of a temporary file's name (``tempfile``'s).
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
#: How many names :func:`make_temporary` tries (``tempfile.TMP_MAX``).
_TRIES = getattr(os, "TMP_MAX", 10000)


def make_temporary(directory: Path, prefix: str, suffix: str, mode: int) -> tuple[int, str]:
    """Create a new file ``prefix`` + eight random characters + ``suffix`` in
    ``directory`` with ``mode`` (less the umask, applied by the kernel), as
    ``tempfile.mkstemp`` does but for the mode (mkstemp's is always 0o600): its
    descriptor, open for reading and writing, and its absolute path. The umask is
    never read or changed (it is the whole process's: changing it, even for a
    moment, would race with other threads creating files)."""
    import random  # noqa: PLC0415 - here: a command that writes no file does without

    choose = random.SystemRandom().choices
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TRIES):
        name = "".join(choose(_NAME_CHARACTERS, k=8))
        candidate = os.path.join(directory, f"{prefix}{name}{suffix}")
        try:
            fd = os.open(candidate, flags, mode)
        except FileExistsError:
            continue
        return fd, os.path.abspath(candidate)
    raise FileExistsError(errno.EEXIST, "no unused name for a temporary file", str(directory))


def remove_stale_temporaries(path: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files qdef's :func:`write_atomic` left for ``path`` in runs
    that were killed: regular files of this user named ``.NAME.`` + eight random
    letters, digits or ``_`` + ``.tmp`` (as :func:`make_temporary` makes them) and not
    modified for :data:`STALE_AFTER` seconds (a run writing the same file now is
    younger). Returns what was removed; what cannot be removed is left alone."""
    directory = path.parent if str(path.parent) else Path(".")
    ours = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    limit = (time.time() if now is None else now) - STALE_AFTER
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if not ours.fullmatch(name):
            continue
        candidate = directory / name
        try:
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_mtime < limit:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


class OutputError(Exception):
    """Standard output could not be written (a full disk, a closed pipe): the user's
    setting, not a bug in qdef. ``error`` is the OSError."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class GuardedOutput:
    """A stream (standard output) whose write and flush errors are raised as
    :class:`OutputError`, so that they are told apart from OSErrors of qdef's own
    work; its binary ``buffer``, where the stream has one, is guarded alike."""

    def __init__(self, stream: IO[Any]) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        try:
            return int(self._stream.write(data))
        except OSError as error:
            raise OutputError(error) from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputError(error) from error

    @property
    def buffer(self) -> GuardedOutput:
        stream: Any = self._stream
        return GuardedOutput(stream.buffer)  # AttributeError where there is none

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


#: The signals that end a process and that a write cleans up after: SIGTERM
#: (``timeout``, a cancelled CI job, ``docker stop``) and SIGHUP (the terminal
#: closed). SIGINT raises KeyboardInterrupt, which the write's cleanup catches.
_ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class _Terminated(BaseException):
    """Raised by the signal handler of :func:`write_atomic` to unwind to its cleanup."""


class _Guard:
    """SIGTERM or SIGHUP during a write: blocked while the temporary file is made (so
    it is always cleaned up), then raising :class:`_Terminated`, and blocked again
    while cleaning up."""

    def __init__(self, signals: frozenset[int]) -> None:
        self.signals = signals
        self.active = bool(signals)
        self.terminated: int | None = None
        """The signal that came, if one did."""
        self.quiet = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.terminated is None:
            self.terminated = signum
        if not self.quiet:
            raise _Terminated

    def _mask(self, how: int) -> None:
        if self.active:
            signal.pthread_sigmask(how, self.signals)

    def make_temporary(
        self, directory: Path, prefix: str, suffix: str, mode: int
    ) -> tuple[int, str]:
        """:func:`make_temporary`, not interrupted: the caller arms its cleanup, then
        calls :meth:`unblock`."""
        self._mask(signal.SIG_BLOCK)
        self.quiet = True  # a signal handled before the mask took effect only counts
        try:
            return make_temporary(directory, prefix, suffix, mode)
        except BaseException:
            self.unblock()
            raise

    def unblock(self) -> None:
        self._mask(signal.SIG_UNBLOCK)
        self.quiet = False
        if self.terminated is not None:
            raise _Terminated

    def cleaning(self) -> None:
        self.quiet = True
        self._mask(signal.SIG_BLOCK)


@contextlib.contextmanager
def _cleanup_on_sigterm() -> Iterator[_Guard]:
    """Within: SIGTERM and SIGHUP unwind (cleaning up) instead of killing the process
    outright; afterwards the process ends by that signal as it would have. Only for
    a signal with its default action (an application's own handler is left alone)
    and only in the main thread (where Python runs signal handlers)."""
    import threading  # noqa: PLC0415 - only for writing files

    usable = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    signals = frozenset(
        number for number in _ENDING if usable and signal.getsignal(number) == signal.SIG_DFL
    )
    guard = _Guard(signals)
    if not signals:
        yield guard
        return
    for number in signals:
        signal.signal(number, guard.handle)
    try:
        yield guard
    finally:
        guard.quiet = True  # from here on, a signal is only counted
        for number in signals:
            signal.signal(number, signal.SIG_DFL)
        # A signal that came while blocked is delivered now, with its default action.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
        if guard.terminated is not None:  # end as the signal ends a process, file gone
            os.kill(os.getpid(), guard.terminated)
            raise SystemExit(128 + guard.terminated)  # not reached
