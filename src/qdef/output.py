"""Writing files atomically: a failed write never leaves a half file or touches the old one."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


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
    a symlink is written through. A directory, device or pipe is refused (OSError).
    """
    path = destination(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
