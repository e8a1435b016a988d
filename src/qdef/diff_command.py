"""``qdef diff``: the command-line side of :mod:`qdef.diff`.

``qdef diff OLD NEW`` compares two files; ``qdef diff --base GITREF FILE...``
compares each file with its version in the commit ``GITREF`` (read with
``git cat-file``, the working tree untouched). Exit codes: 0 nothing at or above
``--fail-on`` (default ``breaking``), 1 something is, or a version is not a
valid instrument, 2 usage (arguments, missing files, not a git repository,
an unknown ref).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import dataclass
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

if TYPE_CHECKING:
    from qdef.diff import Change
    from qdef.pipeline import Result

NEVER = "never"


class UsageError(Exception):
    """A problem with the invocation: exit 2 with this message."""


@dataclass(frozen=True, slots=True)
class Compared:
    """One pair of versions and its changes."""

    old: str
    """The old version's name: a file, or ``GITREF:path`` (``None`` in JSON if new)."""
    new: str
    changes: list[Change]
    old_exists: bool = True


# --------------------------------------------------------------------------- reading


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise UsageError("--base needs git, which is not installed or not on PATH") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"cannot run git: {error}") from None


def read_base(ref: str, file: Path) -> tuple[Path, bytes | None]:
    """The version of ``file`` in commit ``ref``: its name (``REF:path``) and bytes, or
    None when the file does not exist there. Reads only; raises :class:`UsageError`."""
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"--base {ref!r} is not a git ref; name a commit, branch or tag")
    try:
        resolved = file.resolve(strict=True)
        is_dir = resolved.is_dir()
    except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
        raise UsageError(f"{file}: no such file; name a file of the working tree") from None
    if is_dir:
        raise UsageError(
            f"{file} is a directory; qdef diff compares instrument files, name them "
            "(e.g. instruments/*.yaml)"
        )
    found = _git(["rev-parse", "--show-toplevel"], resolved.parent)
    if found.returncode != 0:
        said = found.stderr.decode("utf-8", "replace").strip()
        if said and "not a git repository" not in said:  # e.g. git's safe.directory check
            raise UsageError(f"git cannot read the repository of {file}: {said}")
        raise UsageError(
            f"{file} is not inside a git repository, so --base cannot read its old "
            "version; compare two files instead: qdef diff OLD NEW"
        )
    root = Path(found.stdout.decode("utf-8", "replace").strip()).resolve()
    if not resolved.is_relative_to(root):
        raise UsageError(f"{file} is outside the git repository at {root}")
    relative = resolved.relative_to(root).as_posix()
    verified = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if verified.returncode != 0:
        raise UsageError(
            f"unknown git ref {ref!r} in {root}; name a commit, branch or tag "
            "(e.g. HEAD, main, origin/main; in CI, fetch the base branch first)"
        )
    name = Path(f"{ref}:{relative}")
    kind = _git(["cat-file", "-t", f"{ref}:{relative}"], root)
    if kind.returncode != 0:
        return name, None  # a file new since ref
    if kind.stdout.strip() != b"blob":
        raise UsageError(f"{ref}:{relative} is not a file in {ref}; name a file it has")
    shown = _git(["cat-file", "blob", f"{ref}:{relative}"], root)  # the bytes, no filters
    if shown.returncode != 0:
        message = shown.stderr.decode("utf-8", "replace").strip()
        raise UsageError(f"git cannot read {ref}:{relative}: {message}")
    return name, shown.stdout


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


def _pairs(args: argparse.Namespace) -> list[tuple[Path, Result | None, Result]]:
    """(old name, old result or None if new, new result) for each comparison."""
    files: list[Path] = args.files
    if args.base is None:
        if len(files) != 2:
            raise UsageError(
                f"give two files, OLD and NEW (got {len(files)}), or --base GITREF and "
                "the files to compare with their version in that commit"
            )
        old, new = files
        return [(old, _validate_path(old), _validate_path(new))]
    found: list[tuple[Path, Result | None, Result]] = []
    for file in dict.fromkeys(files):
        name, raw = read_base(args.base, file)
        old_result = None if raw is None else _validate_bytes(raw, name)
        found.append((name, old_result, _validate_path(file)))
    return found


# --------------------------------------------------------------------------- command


def diff_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.diff import compare  # noqa: PLC0415

    try:
        pairs = _pairs(args)
    except UsageError as error:
        err.write(f"qdef: error: {error}\n")
        return EXIT_USAGE
    problems: list[Diagnostic] = []
    for _, old, new in pairs:
        for result in (old, new):
            if result is not None and not result.ok:
                problems.extend(result.diagnostics)
    if problems:
        return _invalid(problems, args, out, err)
    compared = [
        Compared(str(name), str(new.path), compare(old, new), old is not None)
        for name, old, new in pairs
    ]
    changes = [c for each in compared for c in each.changes]
    failed = _fails(changes, args.fail_on)
    if args.format == "json":
        out.write(format_changes_json(compared, args.fail_on, failed))
    elif args.format == "github":
        out.write(format_changes_github(changes, args.fail_on))
    else:
        out.write(format_changes_text(changes))
    if not args.quiet:
        err.write(changes_summary(changes, len(compared), args.fail_on, failed) + "\n")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _invalid(problems: list[Diagnostic], args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the problems of versions that are not valid, as ``qdef validate`` does."""
    problems = sort_diagnostics(problems)
    files = len({d.span.file for d in problems if d.span is not None})
    if args.format == "json":
        out.write(format_json(problems, files))
    elif args.format == "github":
        out.write(format_github(problems))
    else:
        out.write(format_text(problems))
    if any(d.code in USAGE_CODES for d in problems):
        if not args.quiet:
            err.write(summary(problems, files) + "\n")
        return EXIT_USAGE
    if not args.quiet:
        err.write(summary(problems, files) + "\n")
    err.write(
        "qdef: error: only valid instruments can be compared; fix the problems above "
        "(qdef validate shows them too), or compare with another version\n"
    )
    return EXIT_PROBLEMS if has_errors(problems) else EXIT_OK


def _fails(changes: list[Change], fail_on: str) -> bool:
    from qdef.diff import rank  # noqa: PLC0415

    if fail_on == NEVER:
        return False
    threshold = rank(fail_on)  # type: ignore[arg-type]  # argparse restricts the choices
    return any(rank(c.kind) >= threshold for c in changes)


# --------------------------------------------------------------------------- formats


def _old_place(change: Change) -> str:
    if change.removed and change.old_location is not None:
        return f" [old: {change.old_location}]"
    return ""


def format_change(change: Change) -> str:
    """``file:line:col: breaking QD712: message`` — like a diagnostic, the kind first."""
    where = f"{change.location}: " if change.location else ""
    return f"{where}{change.kind} {change.code}: {change.message}{_old_place(change)}"


def format_changes_text(changes: list[Change]) -> str:
    return "".join(format_change(c) + "\n" for c in changes)


def changes_summary(changes: list[Change], files: int, fail_on: str, failed: bool) -> str:
    """``1 breaking, 0 check, 2 routing, 0 additive, 1 wording in 1 file``, and whether
    that fails."""
    from qdef.diff import KINDS  # noqa: PLC0415

    counts = ", ".join(
        f"{sum(1 for c in changes if c.kind == kind)} {kind}" for kind in reversed(KINDS)
    )
    noun = "file" if files == 1 else "files"
    verdict = f"; fails (--fail-on {fail_on})" if failed else ""
    return f"{counts} in {files} {noun}{verdict}"


def format_changes_json(compared: list[Compared], fail_on: str, failed: bool) -> str:
    from qdef.diff import KINDS  # noqa: PLC0415

    changes = [c for each in compared for c in each.changes]
    counts: dict[str, object] = {
        kind: sum(1 for c in changes if c.kind == kind) for kind in reversed(KINDS)
    }
    document = {
        "files": [
            {
                "old": each.old if each.old_exists else None,
                "new": each.new,
                "changes": [c.to_dict() for c in each.changes],
            }
            for each in compared
        ],
        "summary": {
            "files": len(compared),
            **counts,
            "fail_on": fail_on,
            "failed": failed,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_level(change: Change, fail_on: str) -> str:
    """``error`` for breaking changes and changes at or above ``--fail-on``; ``warning``
    for check and routing; ``notice`` for additive and wording."""
    from qdef.diff import rank  # noqa: PLC0415

    if change.kind == "breaking" or (
        fail_on != NEVER and rank(change.kind) >= rank(fail_on)  # type: ignore[arg-type]
    ):
        return "error"
    return "warning" if change.kind in ("check", "routing") else "notice"


def format_changes_github(changes: list[Change], fail_on: str) -> str:
    """GitHub Actions workflow commands, at the changed lines of the new version."""
    lines: list[str] = []
    for change in changes:
        props: list[str] = []
        if change.location is not None:
            props += [
                f"file={_escape_property(str(change.location.file))}",
                f"line={change.location.line}",
                f"col={change.location.column}",
            ]
        props.append(f"title={_escape_property(f'{change.code} ({change.kind})')}")
        message = change.message + _old_place(change)
        level = annotation_level(change, fail_on)
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


__all__ = [
    "UsageError",
    "annotation_level",
    "changes_summary",
    "diff_command",
    "format_change",
    "format_changes_github",
    "format_changes_json",
    "format_changes_text",
    "read_base",
]
