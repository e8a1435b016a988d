"""How ``qdef diff`` writes changes: text, JSON, GitHub annotations, acceptance entries.

Every change is one line in text and GitHub output: line breaks in the texts a
message quotes (or in a file name) are written as ``\\n`` and ``\\r``, and other
control characters escaped too, as every diagnostic echoes input
(:func:`qdef.diagnostics.visible`), so that ``grep`` and CI annotations see one
change per line.
"""

from __future__ import annotations

from dataclasses import dataclass

from qdef.diagnostics import (
    Diagnostic,
    Span,
    format_line,
    github_data,
    github_property,
    json_text,
    to_dict,
    visible,
)
from qdef.diff.accept import acceptable, entry
from qdef.diff.changes import KINDS, Change, rank

NEVER = "never"


@dataclass(frozen=True, slots=True)
class Compared:
    """One pair of versions and its changes."""

    old: str | None
    """The old version's name: a file, or ``GITREF:path``; None for a file new since."""
    new: str | None
    """The new version's file; None for an instrument that is gone."""
    changes: list[Change]
    instrument: str | None = None
    """The id of the new version's instrument (for acceptances)."""


def counts(change: Change, fail_on: str) -> bool:
    """Whether ``change`` makes the run fail under ``--fail-on fail_on``."""
    if fail_on == NEVER or change.accepted is not None:
        return False
    return rank(change.kind) >= rank(fail_on)  # type: ignore[arg-type]  # argparse checks


def fails(changes: list[Change], fail_on: str) -> bool:
    return any(counts(c, fail_on) for c in changes)


# --------------------------------------------------------------------------- text


def _suffix(change: Change) -> str:
    said = ""
    if change.removed and change.old_location is not None:
        said += f" [old: {change.old_location}]"
    if change.accepted is not None:
        said += f" [accepted: {change.accepted}]"
    return said


def format_change(change: Change) -> str:
    """``file:line:col: breaking QD712: message`` — like a diagnostic, the kind first;
    always one line."""
    where = f"{change.location}: " if change.location else ""
    return visible(f"{where}{change.kind} {change.code}: {change.message}{_suffix(change)}")


def format_changes_text(changes: list[Change], stale: list[Diagnostic]) -> str:
    lines = [format_change(c) for c in changes] + [visible(format_line(d)) for d in stale]
    return "".join(line + "\n" for line in lines)


def changes_summary(changes: list[Change], files: int, fail_on: str, stale: int = 0) -> str:
    """``1 breaking, 0 check, 2 routing, 0 additive, 1 wording in 1 file``, what was
    accepted, and whether that fails."""
    parts: list[str] = []
    for kind in reversed(KINDS):
        of_kind = [c for c in changes if c.kind == kind]
        accepted = sum(1 for c in of_kind if c.accepted is not None)
        parts.append(f"{len(of_kind)} {kind}" + (f" ({accepted} accepted)" if accepted else ""))
    noun = "file" if files == 1 else "files"
    said = f"{', '.join(parts)} in {files} {noun}"
    if stale:
        said += f"; {stale} stale acceptance{'' if stale == 1 else 's'}"
    if fails(changes, fail_on):
        said += f"; fails (--fail-on {fail_on})"
        if any(acceptable(c) and counts(c, fail_on) for c in changes):
            said += "; once checked, accept check changes with the entries --format accept prints"
    return said


# --------------------------------------------------------------------------- json


def format_changes_json(compared: list[Compared], fail_on: str, stale: list[Diagnostic]) -> str:
    changes = [c for each in compared for c in each.changes]
    kinds: dict[str, object] = {
        kind: sum(1 for c in changes if c.kind == kind) for kind in reversed(KINDS)
    }
    document = {
        "files": [
            {"old": each.old, "new": each.new, "changes": [c.to_dict() for c in each.changes]}
            for each in compared
        ],
        "stale": [to_dict(d) for d in stale],
        "summary": {
            "files": len(compared),
            **kinds,
            "accepted": sum(1 for c in changes if c.accepted is not None),
            "stale": len(stale),
            "fail_on": fail_on,
            "failed": fails(changes, fail_on),
        },
    }
    return json_text(document)


# --------------------------------------------------------------------------- github


def annotation_level(change: Change, fail_on: str) -> str:
    """``error`` for breaking changes and changes that fail the run; ``warning`` for the
    other check and routing changes; ``notice`` for additive, wording and accepted ones."""
    if change.accepted is not None:
        return "notice"
    if change.kind == "breaking" or counts(change, fail_on):
        return "error"
    return "warning" if change.kind in ("check", "routing") else "notice"


def _annotation(level: str, span: Span | None, title: str, message: str) -> str:
    props: list[str] = []
    if span is not None:
        props += [
            f"file={github_property(str(span.file))}",
            f"line={span.line}",
            f"col={span.column}",
        ]
    props.append(f"title={github_property(title)}")
    return f"::{level} {','.join(props)}::{github_data(message)}"


def format_changes_github(changes: list[Change], fail_on: str, stale: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands, at the changed lines of the new version (and
    at the stale entries of acceptance files)."""
    lines = [
        _annotation(
            annotation_level(c, fail_on),
            c.location,
            f"{c.code} ({c.kind})",
            c.message + _suffix(c),
        )
        for c in changes
    ]
    lines += [_annotation(d.severity, d.span, d.code, d.message) for d in stale]
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------- accept


def _yaml_comment(text: str) -> str:
    """``text`` fit for a YAML comment: one line, no character YAML forbids."""
    return "".join(
        c if c == "\t" or (c.isprintable() and c != "\ufeff") else f"\\u{ord(c):04x}"
        for c in visible(text)
    )


def format_changes_accept(compared: list[Compared]) -> str:
    """The acceptance entries of every check change not yet accepted, as YAML to
    append to ``.qdef-accept.yaml``."""
    found: list[str] = []
    for each in compared:
        if each.instrument is None:
            continue
        for change in each.changes:
            if acceptable(change) and change.accepted is None:
                found.append(entry(each.instrument, change, _yaml_comment(format_change(change))))
    return "".join(found)


__all__ = [
    "NEVER",
    "Compared",
    "annotation_level",
    "changes_summary",
    "counts",
    "fails",
    "format_change",
    "format_changes_accept",
    "format_changes_github",
    "format_changes_json",
    "format_changes_text",
]
