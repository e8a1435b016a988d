"""Acknowledged changes: a person looked at a "check" change and accepted it.

An acceptance file (``.qdef-accept.yaml`` beside the instruments, or one named
with ``qdef diff --accept FILE``) is a YAML list of entries, each naming one
change precisely::

    - instrument: zufriedenheit      # the instrument's id
      code: QD720                    # a check code
      question: gesamt               # the question's id (left out: none)
      item: sehr                     # the option, row, column or field code (left out: none)
      old: "5f0f7c0f3bd2c1a7"        # fingerprint of the old value
      new: "0d6e1a0c8c7b1e52"        # fingerprint of the new value
      note: antonym on purpose, new scale from 2025   # optional, for the reader

A fingerprint is the first :data:`DIGITS` hexadecimal digits of the SHA-256 of
the value's UTF-8 bytes in Unicode NFC: a text as it is, an absent value as the
empty text, any other value (a text in several languages, yes/no) as compact
JSON with sorted keys. The file is read with qdef's bounded loader; every
problem is a located diagnostic (QD726); an entry that matches no change of an
instrument compared is stale (QD727, a warning).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qdef.diagnostics import Code, Diagnostic, Span
from qdef.diff.changes import CODES, Change
from qdef.source.loader import Document, load_file

#: The name of the acceptance file ``qdef diff`` looks for beside each instrument
#: (hidden, so that ``qdef validate DIRECTORY`` does not take it for an instrument).
FILE_NAME = ".qdef-accept.yaml"
#: Hexadecimal digits of a fingerprint (64 bits).
DIGITS = 16
INVALID, STALE = Code.QD726, Code.QD727

_KEYS = ("instrument", "code", "question", "item", "old", "new", "note")
_REQUIRED = ("instrument", "code", "old", "new")
_FINGERPRINT = re.compile(rf"[0-9a-f]{{{DIGITS}}}\Z")

Key = tuple[str, str, str | None, str | None, str, str]


def fingerprint(value: Any) -> str:
    """The fingerprint of a changed value (see the module's documentation)."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    data = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:DIGITS]


def key_of(instrument: str, change: Change) -> Key:
    """What an entry must name to accept ``change`` of the instrument ``instrument``."""
    return (
        instrument,
        change.code,
        change.question,
        change.item,
        fingerprint(change.old),
        fingerprint(change.new),
    )


def acceptable(change: Change) -> bool:
    """Only "check" changes can be accepted: the others say what happened to data."""
    return change.kind == "check"


@dataclass(frozen=True, slots=True)
class Acceptance:
    """One entry of an acceptance file, and where it is."""

    key: Key
    span: Span

    def describe(self) -> str:
        instrument, code, question, item, _, _ = self.key
        parts = [f"instrument '{instrument}'", code]
        parts += [f"question '{question}'"] if question is not None else []
        parts += [f"item '{item}'"] if item is not None else []
        return ", ".join(parts)


# --------------------------------------------------------------------------- reading


def load(path: Path) -> tuple[list[Acceptance], list[Diagnostic]]:
    """The entries of the acceptance file ``path``, or located problems (QD726; QD001
    and QD002 when it cannot be read). An empty file has no entries."""
    document, problems = load_file(path)
    if document is None:
        if [p.code for p in problems] == [Code.QD107]:  # no YAML content: nothing accepted
            return [], []
        return [], problems
    data = document.data
    if not isinstance(data, list):
        return [], [
            *problems,
            _problem(
                document,
                (),
                "an acceptance file is a list of entries ('- instrument: …'); "
                "qdef diff --format accept prints them",
            ),
        ]
    entries: list[Acceptance] = []
    for index, entry in enumerate(data):
        found, entry_problems = _entry(document, index, entry)
        problems.extend(entry_problems)
        if found is not None:
            entries.append(found)
    return (entries, []) if not problems else ([], problems)


def _problem(
    document: Document, path: tuple[str | int, ...], message: str, *, key: bool = False
) -> Diagnostic:
    return Diagnostic(INVALID, message, document.locate(path, key=key))


def _entry(
    document: Document, index: int, entry: Any
) -> tuple[Acceptance | None, list[Diagnostic]]:
    if not isinstance(entry, dict):
        return None, [
            _problem(
                document,
                (index,),
                "each entry is a mapping with instrument, code, question, item, old and new; "
                "qdef diff --format accept prints them",
            )
        ]
    problems: list[Diagnostic] = []
    for name in entry:
        if name not in _KEYS:
            problems.append(
                _problem(
                    document,
                    (index, name),
                    f"unknown key {name!r}; an entry has {', '.join(_KEYS)}",
                    key=True,
                )
            )
    for name in _REQUIRED:
        if name not in entry:
            problems.append(
                _problem(document, (index,), f"this entry has no {name!r}; add it", key=False)
            )
    for name in ("instrument", "code", "question", "item", "note"):
        value = entry.get(name)
        required = name in _REQUIRED and name in entry  # present but empty: say so too
        if (value is not None or required) and not isinstance(value, str):
            problems.append(
                _problem(document, (index, name), f"{name} must be text; put it in quotes")
            )
    for name in ("old", "new"):
        value = entry.get(name)
        if name in entry and not (isinstance(value, str) and _FINGERPRINT.match(value)):
            problems.append(
                _problem(
                    document,
                    (index, name),
                    f"{name} must be a fingerprint of {DIGITS} hexadecimal digits (0-9, a-f) "
                    'in quotes, e.g. "5f0f7c0f3bd2c1a7"; qdef diff --format accept prints it',
                )
            )
    code = entry.get("code")
    if isinstance(code, str):
        if code not in CODES:
            problems.append(
                _problem(document, (index, "code"), f"{code!r} is not a code of qdef diff")
            )
        elif CODES[code][0] != "check":
            problems.append(
                _problem(
                    document,
                    (index, "code"),
                    f"{code} is a {CODES[code][0]} change; only check changes can be accepted "
                    "(a person can tell whether their meaning moved); raise or lower "
                    "--fail-on instead",
                )
            )
    if problems:
        return None, problems
    key: Key = (
        entry["instrument"],
        entry["code"],
        entry.get("question"),
        entry.get("item"),
        entry["old"],
        entry["new"],
    )
    return Acceptance(key, document.locate((index,))), []


# --------------------------------------------------------------------------- applying


def apply(
    entries: list[Acceptance], compared: list[tuple[str | None, list[Change]]]
) -> tuple[list[list[Change]], list[Diagnostic]]:
    """Mark the changes an entry accepts (``Change.accepted``), for each ``(instrument
    id, changes)`` compared (id None: no new version). Entries naming an instrument
    compared that match none of its changes are stale (QD727 warnings)."""
    by_key: dict[Key, Acceptance] = {}
    for entry in entries:
        by_key.setdefault(entry.key, entry)
    used: set[Key] = set()
    marked: list[list[Change]] = []
    for instrument, changes in compared:
        result: list[Change] = []
        for change in changes:
            found = by_key.get(key_of(instrument, change)) if instrument is not None else None
            if found is not None and acceptable(change):
                used.add(found.key)
                result.append(replace(change, accepted=found.span))
            else:
                result.append(change)
        marked.append(result)
    ids = {instrument for instrument, _ in compared if instrument is not None}
    stale = [
        Diagnostic(
            STALE,
            f"this entry ({entry.describe()}) accepts no change found: the change was "
            "made differently since, or it is in the base version already; remove the "
            "entry (qdef diff --format accept prints the entries of the changes found)",
            entry.span,
            "warning",
        )
        for entry in entries
        if entry.key[0] in ids and entry.key not in used
    ]
    return marked, stale


# --------------------------------------------------------------------------- writing


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)  # a YAML double-quoted scalar


def entry(instrument: str, change: Change, comment: str) -> str:
    """The entry accepting ``change``, as YAML to append to an acceptance file, after
    ``comment`` (one line, saying what is accepted)."""
    _, code, question, item, old, new = key_of(instrument, change)
    lines = [f"# {comment}", f"- instrument: {_quoted(instrument)}", f"  code: {code}"]
    if question is not None:
        lines.append(f"  question: {_quoted(question)}")
    if item is not None:
        lines.append(f"  item: {_quoted(item)}")
    lines += [f'  old: "{old}"', f'  new: "{new}"']
    return "".join(line + "\n" for line in lines)


__all__ = [
    "DIGITS",
    "FILE_NAME",
    "INVALID",
    "STALE",
    "Acceptance",
    "acceptable",
    "apply",
    "entry",
    "fingerprint",
    "key_of",
    "load",
]
