"""``qdef diff``: the command-line side of :mod:`qdef.diff`.

``qdef diff OLD NEW`` compares two files; ``qdef diff --base GITREF PATH...``
compares each file with its version in the commit ``GITREF`` (read with
``git ls-tree`` and ``git cat-file``, the working tree untouched). A directory
stands for every instrument file under it in the working tree *or* in
``GITREF``, so that one that is gone since is reported too (QD713). Accepted
changes come from ``.qdef-accept.yaml`` beside the instruments, or the files
given with ``--accept`` (:mod:`qdef.diff.accept`). Exit codes: 0 nothing at or
above ``--fail-on`` (default ``breaking``), 1 something is, or a version or an
acceptance file is not valid, 2 usage (arguments, missing files, not a git
repository, an unknown ref).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, USAGE_CODES
from qdef.diagnostics import (
    Diagnostic,
    Span,
    format_github,
    format_json,
    format_text,
    has_errors,
    sort_diagnostics,
    summary,
)
from qdef.loader import DEFAULT_LIMITS
from qdef.pipeline import INSTRUMENT_SUFFIXES

if TYPE_CHECKING:
    from qdef.diff import Change
    from qdef.diff.report import Compared
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
            unreadable = [p for p in problems if p.code != "QD003"]
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
    """QD103, as :func:`qdef.loader.load_file` reports a file over the bound."""
    return Diagnostic(
        "QD103",
        f"the file is larger than {MAX_BYTES:,} bytes, far more than an instrument needs; "
        "check that this is the right file",
        Span(name, 1, 1),
    )


# --------------------------------------------------------------------------- reading


def _validate_bytes(raw: bytes, name: Path) -> Result:
    from qdef.loader import decode, parse  # noqa: PLC0415
    from qdef.pipeline import Result, validate_document  # noqa: PLC0415

    text, problems = decode(raw, name)
    if text is None:
        return Result(name, None, tuple(problems))
    document, problems = parse(text, name)
    if document is None:
        return Result(name, None, tuple(problems))
    return validate_document(document, routing=False)


def _validate_path(path: Path) -> Result:
    from qdef.pipeline import Result, validate_file  # noqa: PLC0415

    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    if is_dir:
        problem = Diagnostic(
            "QD002",
            "this is a directory; qdef diff compares instrument files, name them",
            Span(path, 1, 1),
        )
        return Result(path, None, (problem,))
    return validate_file(path, routing=False)


@dataclass(frozen=True, slots=True)
class Pair:
    """What to compare: the old version (None: new since the base), the new one (None:
    gone), and, for an instrument gone or moved, where it was."""

    old_name: str | None
    old: Result | None
    new: Result | None
    gone: Entry | None = None
    ref: str = ""


def _pairs(args: argparse.Namespace) -> list[Pair]:
    files: list[Path] = args.files
    if args.base is None:
        if len(files) != 2:
            raise UsageError(
                f"give two files, OLD and NEW (got {len(files)}), or --base GITREF and "
                "the files or directories to compare with their version in that commit"
            )
        old, new = files
        return [Pair(str(old), _validate_path(old), _validate_path(new))]
    base = Base(args.base)
    entries: dict[tuple[Path, str], Entry] = {}
    for path in files:
        for entry in base.entries(path):
            entries.setdefault((entry.root, entry.relative), entry)
    return _match(base, list(entries.values()))


def _match(base: Base, entries: list[Entry]) -> list[Pair]:
    """Pair each entry with its old version; an instrument gone from one path whose id
    is now at exactly one new path (and nowhere else) is taken as moved there."""
    new = {e: _validate_path(e.shown) for e in entries if e.here}
    gone = {e: base.read(e) for e in entries if not e.here and e.blob is not None}

    def ids(results: dict[Entry, Result], entry_filter: set[Entry]) -> dict[str, list[Entry]]:
        found: dict[str, list[Entry]] = {}
        for entry, result in results.items():
            if entry in entry_filter and result.ok and result.instrument is not None:
                found.setdefault(result.instrument.id, []).append(entry)
        return found

    added = {e for e in new if e.blob is None}
    gone_ids, added_ids = ids(gone, set(gone)), ids(new, added)
    moved: dict[Entry, Entry] = {}  # new entry -> where it was
    for iid, before in gone_ids.items():
        now = added_ids.get(iid, [])
        if len(before) == 1 and len(now) == 1:
            moved[now[0]] = before[0]
    pairs: list[Pair] = []
    for entry in entries:
        if entry in moved:
            was = moved[entry]
            pairs.append(Pair(f"{base.ref}:{was.relative}", gone[was], new[entry], was, base.ref))
        elif entry.here and entry.blob is not None:
            pairs.append(Pair(f"{base.ref}:{entry.relative}", base.read(entry), new[entry]))
        elif entry.here:
            pairs.append(Pair(None, None, new[entry]))
        elif entry not in moved.values():
            old = gone.get(entry)
            pairs.append(Pair(f"{base.ref}:{entry.relative}", old, None, entry, base.ref))
    return pairs


# --------------------------------------------------------------------------- instruments gone


def _gone(pair: Pair) -> Change:
    from qdef.diff import Change  # noqa: PLC0415

    assert pair.gone is not None and pair.old_name is not None
    was = pair.old.instrument if pair.old is not None and pair.old.ok else None
    named = f"the instrument '{was.id}'" if was is not None else "the instrument"
    where = Span(Path(pair.old_name), 1, 1)
    if pair.new is None:
        return Change(
            "QD713",
            f"{pair.gone.shown}: {named} is gone: it is in {pair.ref}, "
            "and no longer in the working tree; data collected with it has no instrument "
            "to be read against from now on. Keep the file, or archive it with its data",
            old=pair.gone.relative,
            old_location=where,
        )
    here = pair.new.path
    location = pair.new.document.locate(("id",)) if pair.new.document is not None else None
    return Change(
        "QD713",
        f"{named} moved from {pair.gone.shown} to {here}; whatever finds it by its path "
        "(data pipelines, links, renders) must follow. Keep the old path, or move them too",
        old=pair.gone.relative,
        new=str(here),
        location=location,
        old_location=where,
    )


def _compared(pairs: list[Pair]) -> list[Compared]:
    from qdef.diff import compare  # noqa: PLC0415
    from qdef.diff.report import Compared  # noqa: PLC0415

    found: list[Compared] = []
    for pair in pairs:
        changes = [_gone(pair)] if pair.gone is not None else []
        new = pair.new
        if new is not None:
            changes += compare(pair.old, new)
        iid = new.instrument.id if new is not None and new.instrument is not None else None
        found.append(Compared(pair.old_name, str(new.path) if new else None, changes, iid))
    return found


# --------------------------------------------------------------------------- acceptances


def _acceptance_files(args: argparse.Namespace, compared: list[Compared]) -> list[Path]:
    """The acceptance files to read: ``--accept``, else ``.qdef-accept.yaml`` beside
    each new version."""
    from qdef.diff.accept import FILE_NAME  # noqa: PLC0415

    given: list[Path] | None = args.accept
    if given is not None:
        return list(dict.fromkeys(given))
    found: dict[Path, Path] = {}
    for each in compared:
        if each.new is not None:
            candidate = Path(each.new).parent / FILE_NAME
            try:
                if candidate.is_file():
                    found.setdefault(candidate.resolve(), candidate)
            except OSError:
                continue
    return list(found.values())


# --------------------------------------------------------------------------- command


def diff_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.diff import accept  # noqa: PLC0415

    try:
        pairs = _pairs(args)
    except UsageError as error:
        err.write(f"qdef: error: {error}\n")
        return EXIT_USAGE
    problems: list[Diagnostic] = []
    for pair in pairs:
        for result in (pair.old if pair.new is not None else None, pair.new):
            if result is not None and not result.ok:
                problems.extend(result.diagnostics)
    if problems:
        return _invalid(problems, args, out, err, what="instruments")
    compared = _compared(pairs)
    entries: list[accept.Acceptance] = []
    for file in _acceptance_files(args, compared):
        found, file_problems = accept.load(file)
        entries += found
        problems += file_problems
    if problems:
        return _invalid(problems, args, out, err, what="acceptance files")
    marked, stale = accept.apply(entries, [(c.instrument, c.changes) for c in compared])
    compared = [replace(c, changes=m) for c, m in zip(compared, marked, strict=True)]
    return _write(compared, stale, args, out, err)


def _write(
    compared: list[Compared],
    stale: list[Diagnostic],
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
) -> int:
    from qdef.diff import report  # noqa: PLC0415

    changes = [c for each in compared for c in each.changes]
    if args.format == "json":
        out.write(report.format_changes_json(compared, args.fail_on, stale))
    elif args.format == "github":
        out.write(report.format_changes_github(changes, args.fail_on, stale))
    elif args.format == "accept":
        out.write(report.format_changes_accept(compared))
        err.write(report.format_changes_text([], stale))
    else:
        out.write(report.format_changes_text(changes, stale))
    if not args.quiet:
        said = report.changes_summary(changes, len(compared), args.fail_on, len(stale))
        err.write(said + "\n")
    return EXIT_PROBLEMS if report.fails(changes, args.fail_on) else EXIT_OK


def _invalid(
    problems: list[Diagnostic],
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    *,
    what: str,
) -> int:
    """Print the problems of versions (or acceptance files) that are not valid, as
    ``qdef validate`` does."""
    problems = sort_diagnostics(problems)
    files = len({d.span.file for d in problems if d.span is not None})
    if args.format == "json":
        out.write(format_json(problems, files))
    elif args.format == "github":
        out.write(format_github(problems))
    else:
        out.write(format_text(problems))
    if not args.quiet:
        err.write(summary(problems, files) + "\n")
    if any(d.code in USAGE_CODES for d in problems):
        return EXIT_USAGE
    if what == "instruments":
        err.write(
            "qdef: error: only valid instruments can be compared; fix the problems above "
            "(qdef validate shows them too), or compare with another version\n"
        )
    else:
        err.write(
            "qdef: error: an acceptance file has problems; fix the entries above "
            "(qdef diff --format accept prints valid ones)\n"
        )
    return EXIT_PROBLEMS if has_errors(problems) else EXIT_OK


__all__ = ["MAX_BYTES", "Base", "UsageError", "diff_command", "read_blob"]
