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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from qdef.cli.common import report as report_diagnostics
from qdef.diagnostics import Code, Diagnostic, Span

if TYPE_CHECKING:
    from qdef.diff.git import Base, Entry
    from qdef.diff.report import Compared
    from qdef.pipeline import Result

#: What ``qdef diff --fail-on`` takes: the kinds of :mod:`qdef.diff`, harmless first.
DIFF_KINDS = ("wording", "additive", "routing", "check", "breaking", "never")


def add_arguments(diff: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef diff``, and what runs it."""
    diff.usage = "qdef diff [options] OLD NEW\n       qdef diff [options] --base GITREF PATH..."
    diff.description = (
        "Compare two versions of an instrument, matching questions by id and "
        "options, rows, columns and fields by code, and classify every change by what it "
        "means for data already collected: wording < additive < routing < check < "
        "breaking. With --base, each file is compared with its version in the git commit "
        "GITREF (read with git cat-file; the working tree is not touched); a directory "
        "stands for every instrument under it now or in GITREF. Fails (exit 1) when a "
        "change at or above --fail-on is found that no acceptance file accepts."
    )
    diff.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="OLD and NEW; with --base, the files or directories to compare with GITREF",
    )
    diff.add_argument(
        "--base", metavar="GITREF", help="compare each PATH with its version in this commit"
    )
    diff.add_argument(
        "--fail-on",
        choices=DIFF_KINDS,
        default="breaking",
        help="exit 1 when a change of this kind or a worse one is found (default: "
        "breaking); never: always exit 0 when both versions are valid",
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "github", "accept"),
        default="text",
        help="text (default), json, github (workflow annotations), or accept (the "
        "acceptance entries of the check changes not yet accepted)",
    )
    diff.add_argument(
        "--accept",
        action="append",
        type=Path,
        metavar="FILE",
        help="read accepted changes from FILE (repeatable) instead of the "
        ".qdef-accept.yaml beside each instrument",
    )
    diff.add_argument(
        "--quiet", "-q", action="store_true", help="do not print the summary line on stderr"
    )
    diff.set_defaults(handler=diff_command)


# --------------------------------------------------------------------------- reading


def _validate_path(path: Path) -> Result:
    from qdef.pipeline import Result, validate_file  # noqa: PLC0415

    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    if is_dir:
        problem = Diagnostic(
            Code.QD002,
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
    from qdef.diff.git import Base, UsageError  # noqa: PLC0415

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


def _compared(pairs: list[Pair]) -> list[Compared]:
    from qdef.diff import compare  # noqa: PLC0415
    from qdef.diff.git import gone  # noqa: PLC0415
    from qdef.diff.report import Compared  # noqa: PLC0415

    found: list[Compared] = []
    for pair in pairs:
        changes = []
        if pair.gone is not None and pair.old_name is not None:
            changes.append(gone(pair.gone, pair.ref, pair.old, pair.new))
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
    from qdef.diff.git import UsageError  # noqa: PLC0415

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
    files = len({d.span.file for d in problems if d.span is not None})
    status = report_diagnostics(problems, files, args, out, err)
    if status == EXIT_USAGE:
        return status
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
    return status


__all__ = ["DIFF_KINDS", "add_arguments", "diff_command"]
