"""Reading the base commit of ``qdef diff --base``: which instrument files a path
names there and now, and their old versions, bounded.

Only ``git rev-parse``, ``git ls-tree`` and ``git cat-file`` are run (with
``--literal-pathspecs``); the working tree, the index and the repository are not
touched. A directory stands for every instrument file under it, found as
:func:`qdef.pipeline.discover` finds them, in the working tree and in the commit.
An old version larger than the bound every instrument file has is refused with
QD103 before it is read, and never more than the bound is read.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qdef.diagnostics import Code, Diagnostic, Span
from qdef.pipeline import INSTRUMENT_SUFFIXES
from qdef.source.loader import DEFAULT_LIMITS

if TYPE_CHECKING:
    from qdef.diff.changes import Change
    from qdef.pipeline import Result

#: The largest old version read from git: the bound every instrument file has.
MAX_BYTES = DEFAULT_LIMITS.max_bytes
_SYMLINK = "120000"


class UsageError(Exception):
    """A problem with the invocation: exit 2 with this message."""


# --------------------------------------------------------------------------- git


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except FileNotFoundError:
        raise UsageError("--base needs git, which is not installed or not on PATH") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"cannot run git: {error}") from None


def read_blob(root: Path, oid: str, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of the blob ``oid``, or None if it has more than ``limit``: never more
    than ``limit + 1`` bytes are read, whatever git sends."""
    try:
        with tempfile.TemporaryFile() as said:
            process = subprocess.Popen(
                ["git", "cat-file", "blob", oid],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=said,
            )
            assert process.stdout is not None
            with process.stdout:
                data = process.stdout.read(limit + 1)
            if len(data) > limit:
                process.kill()
            status = process.wait(timeout=60)
            if len(data) > limit:
                return None
            if status != 0:
                said.seek(0)
                message = said.read(4096).decode("utf-8", "replace").strip()
                raise UsageError(f"git cannot read the object {oid}: {message}")
            return data
    except FileNotFoundError:
        raise UsageError("--base needs git, which is not installed or not on PATH") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"cannot run git: {error}") from None


@dataclass(frozen=True, slots=True)
class Blob:
    """A file in the base commit: its object id and size in bytes."""

    oid: str
    size: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One instrument file: in the base commit, in the working tree, or both."""

    root: Path
    relative: str
    """Its path in the repository (``instruments/a.yaml``)."""
    shown: Path
    """Its name as the user gave it (or as found under a directory given)."""
    blob: Blob | None
    here: bool


def _tree(root: Path, ref: str, relative: str, *, recursive: bool) -> dict[str, tuple[str, Blob]]:
    """``git ls-tree`` of ``relative`` in ``ref``: path -> (type, blob)."""
    args = ["ls-tree", "-l", "-z", *(["-r"] if recursive else []), ref]
    listed = _git([*args, "--", relative] if relative else args, root)
    if listed.returncode != 0:
        message = listed.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"git cannot list {ref}:{relative}: {message}")
    found: dict[str, tuple[str, Blob]] = {}
    for record in listed.stdout.split(b"\0"):
        meta, tab, name = record.partition(b"\t")
        if not tab:
            continue
        mode, kind, oid, size = meta.decode("ascii").split()
        if mode == _SYMLINK:
            continue  # its target is listed itself (or is not an instrument file here)
        blob = Blob(oid, int(size) if size.isdigit() else 0)
        found[name.decode("utf-8", "surrogateescape")] = (kind, blob)
    return found


def _instruments_in(root: Path, ref: str, relative: str) -> dict[str, Blob]:
    """The instrument files under the folder ``relative`` in ``ref``, as ``qdef validate``
    finds them in a directory: ``*.yaml`` and ``*.yml``, hidden ones skipped."""
    prefix = f"{relative}/" if relative else ""
    found: dict[str, Blob] = {}
    for name, (kind, blob) in _tree(root, ref, relative, recursive=True).items():
        inner = name[len(prefix) :]
        if (
            kind == "blob"
            and name.startswith(prefix)
            and name.endswith(INSTRUMENT_SUFFIXES)
            and not any(part.startswith(".") for part in inner.split("/"))
        ):
            found[name] = blob
    return found


class Base:
    """The commit ``ref`` of the repositories the paths given are in."""

    def __init__(self, ref: str) -> None:
        if ref.startswith("-") or not ref.strip():
            raise UsageError(f"--base {ref!r} is not a git ref; name a commit, branch or tag")
        self.ref = ref
        self._verified: set[Path] = set()

    def _root(self, resolved: Path, shown: Path) -> Path:
        start = resolved
        while not start.is_dir() and start != start.parent:
            start = start.parent  # a file, or a path gone from the working tree
        found = _git(["rev-parse", "--show-toplevel"], start)
        if found.returncode != 0:
            said = found.stderr.decode("utf-8", "replace").strip()
            if said and "not a git repository" not in said:  # e.g. git's safe.directory
                raise UsageError(f"git cannot read the repository of {shown}: {said}")
            raise UsageError(
                f"{shown} is not inside a git repository, so --base cannot read its old "
                "version; compare two files instead: qdef diff OLD NEW"
            )
        root = Path(found.stdout.decode("utf-8", "replace").strip()).resolve()
        if root not in self._verified:
            verified = _git(["rev-parse", "--verify", "--quiet", f"{self.ref}^{{commit}}"], root)
            if verified.returncode != 0:
                raise UsageError(
                    f"unknown git ref {self.ref!r} in {root}; name a commit, branch or tag "
                    "(e.g. HEAD, main, origin/main; in CI, fetch the base branch first)"
                )
            self._verified.add(root)
        return root

    def entries(self, path: Path) -> list[Entry]:
        """The instrument files ``path`` names, now and in the base commit."""
        try:
            resolved = path.resolve()
            is_dir, exists = resolved.is_dir(), resolved.exists()
        except (OSError, RuntimeError) as error:  # unreadable, or a symlink loop
            raise UsageError(f"{path}: cannot read this path: {error}") from None
        root = self._root(resolved, path)
        if not resolved.is_relative_to(root):
            raise UsageError(f"{path} is outside the git repository at {root}")
        relative = resolved.relative_to(root).as_posix()
        relative = "" if relative == "." else relative
        there = _tree(root, self.ref, relative, recursive=False).get(relative) if relative else None
        kind = "tree" if not relative else there[0] if there else None
        if is_dir or (not exists and kind == "tree"):
            return self._folder(root, path, resolved, relative, is_dir=is_dir)
        if kind == "tree":
            raise UsageError(
                f"{self.ref}:{relative} is not a file in {self.ref}; name a file it has"
            )
        if not exists and there is None:
            raise UsageError(
                f"{path}: no such file, neither in the working tree nor in {self.ref}; "
                "check the path"
            )
        return [Entry(root, relative, path, there[1] if there else None, exists)]

    def _folder(
        self, root: Path, path: Path, resolved: Path, relative: str, *, is_dir: bool
    ) -> list[Entry]:
        from qdef.pipeline import discover  # noqa: PLC0415

        then = _instruments_in(root, self.ref, relative)
        now: dict[str, Path] = {}
        if is_dir:
            files, problems = discover([path])
            unreadable = [p for p in problems if p.code != Code.QD003]
            if unreadable:
                raise UsageError(f"{unreadable[0].span}: {unreadable[0].message}")
            for file in files:
                actual = file.resolve()
                if not actual.is_relative_to(root):
                    raise UsageError(f"{file} is outside the git repository at {root}")
                now.setdefault(actual.relative_to(root).as_posix(), file)
        if not then and not now:
            raise UsageError(
                f"{path} holds no instrument files (*.yaml, *.yml), neither now nor in "
                f"{self.ref}; name the files or a directory that has them"
            )
        for name in now.keys() - then.keys():
            # a file the folder holds through a link, or one the base has elsewhere in
            # the tree: its old version is wherever the base has that path
            found = _tree(root, self.ref, name, recursive=False).get(name)
            if found is not None and found[0] == "blob":
                then[name] = found[1]
        prefix = f"{relative}/" if relative else ""
        entries = [
            Entry(
                root,
                name,
                now.get(name) or path / name.removeprefix(prefix),
                then.get(name),
                name in now,
            )
            for name in sorted(then.keys() | now.keys())
        ]
        return entries

    def read(self, entry: Entry) -> Result:
        """The old version of ``entry`` (named ``GITREF:path``), validated."""
        from qdef.pipeline import Result  # noqa: PLC0415

        assert entry.blob is not None
        name = Path(f"{self.ref}:{entry.relative}")
        raw = None if entry.blob.size > MAX_BYTES else read_blob(entry.root, entry.blob.oid)
        if raw is None:
            return Result(name, None, (_too_large(name),))
        return _validate_bytes(raw, name)


def _too_large(name: Path) -> Diagnostic:
    """QD103, as :func:`qdef.source.loader.load_file` reports a file over the bound."""
    return Diagnostic(
        Code.QD103,
        f"the file is larger than {MAX_BYTES:,} bytes, far more than an instrument needs; "
        "check that this is the right file",
        Span(name, 1, 1),
    )


def _validate_bytes(raw: bytes, name: Path) -> Result:
    from qdef.pipeline import Result, validate_document  # noqa: PLC0415
    from qdef.source.loader import decode, parse  # noqa: PLC0415

    text, problems = decode(raw, name)
    if text is None:
        return Result(name, None, tuple(problems))
    document, problems = parse(text, name)
    if document is None:
        return Result(name, None, tuple(problems))
    return validate_document(document, routing=False)


# --------------------------------------------------------------------------- instruments gone


def gone(entry: Entry, ref: str, old: Result | None, new: Result | None) -> Change:
    """QD713 for the instrument file ``entry`` of ``ref``: gone from the working tree
    (``new`` None), or moved to the file of ``new``. ``old`` is its old version, which
    names the instrument if it is valid."""
    from qdef.diff.changes import Change  # noqa: PLC0415

    was = old.instrument if old is not None and old.ok else None
    named = f"the instrument '{was.id}'" if was is not None else "the instrument"
    where = Span(Path(f"{ref}:{entry.relative}"), 1, 1)
    if new is None:
        return Change(
            Code.QD713,
            f"{entry.shown}: {named} is gone: it is in {ref}, and no longer in the working "
            "tree; data collected with it has no instrument to be read against from now "
            "on. Keep the file, or archive it with its data",
            old=entry.relative,
            old_location=where,
        )
    location = new.document.locate(("id",)) if new.document is not None else None
    return Change(
        Code.QD713,
        f"{named} moved from {entry.shown} to {new.path}; whatever finds it by its path "
        "(data pipelines, links, renders) must follow. Keep the old path, or move them too",
        old=entry.relative,
        new=str(new.path),
        location=location,
        old_location=where,
    )


__all__ = ["MAX_BYTES", "Base", "Blob", "Entry", "UsageError", "gone", "read_blob"]
