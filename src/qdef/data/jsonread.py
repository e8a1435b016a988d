"""Reading responses saved as JSON: the web form's files (one response per file, as
``json.dumps(response, indent=2)`` lays it out), a JSON array of responses, a
directory of such files, and JSON Lines (one response per line).

The web form saves the response object and nothing else (docs/webform.md); a key
``_id`` (never a variable: no id starts with ``_``) names the response in findings,
so that a collection system can add it; ``_language`` (the language a page with
several languages was answered in) is no answer and is left out. A file that is
not JSON, or a line or an element that is not an object, is a finding (D401),
never an exception: the next response is read all the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qdef.data.records import Record, unreadable

#: The suffixes read as JSON Lines; every other file is read as one JSON document.
LINES = (".jsonl", ".ndjson")


def read_json(path: Path, lines: bool | None = None) -> Iterator[Record]:
    """The responses of ``path``: a JSON file, a JSON Lines file (``lines``; by default
    by its suffix), or a directory whose ``*.json`` and ``*.jsonl`` files are read in
    name order."""
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() in (".json", *LINES):
                yield from read_json(child)
        return
    if (path.suffix.lower() in LINES) if lines is None else lines:
        yield from _lines(path)
        return
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_object)
    except OSError as error:
        yield unreadable(str(path), f"cannot read it: {error.strerror or error}")
        return
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        yield unreadable(str(path), f"not a JSON document: {_reason(error)}")
        return
    if isinstance(document, list):
        for k, item in enumerate(document, start=1):
            yield _record(f"{path}#{k}", item)
    else:
        yield _record(str(path), document)


def _lines(path: Path) -> Iterator[Record]:
    try:
        file = path.open(encoding="utf-8-sig", errors="surrogateescape")
    except OSError as error:
        yield unreadable(str(path), f"cannot read it: {error.strerror or error}")
        return
    with file as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            yield line_record(f"{path}:{number}", line)


def line_record(where: str, line: str) -> Record:
    """The response of one line of JSON Lines (not blank), found at ``where``."""
    try:
        document = json.loads(line, object_pairs_hook=_object)
    except (ValueError, RecursionError) as error:
        return unreadable(where, f"not a JSON object: {_reason(error)}")
    return _record(where, document)


def _record(where: str, document: Any) -> Record:
    if not isinstance(document, dict):
        kind = type(document).__name__
        return unreadable(where, f"a response is a JSON object of answers, not a {kind}")
    answers = dict(document)
    answers.pop("_language", None)  # the language the web form was shown in: no answer
    given = answers.pop("_id", None)
    ident = str(given) if isinstance(given, str | int) and not isinstance(given, bool) else None
    return Record(where, ident, answers)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key is there twice (json keeps the last silently;
    which answer was meant cannot be told)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {key!r} is there twice")
        found[key] = value
    return found


def _reason(error: Exception) -> str:
    """The parser's message without Python's type name."""
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 (byte {error.start})"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


__all__ = ["LINES", "line_record", "read_json"]
