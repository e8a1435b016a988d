"""Validating the imported document with qdef's own pipeline, and taking out what
qdef refuses (a condition naming a later question, a filter by a question with
other codes …), each with a loss, until the document validates.

The document is written as JSON (which qdef's YAML reader reads) with every
scalar on a line of its own, so a diagnostic's line names its key path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qdef.diagnostics import Code, Diagnostic
from qdef.importing.report import ImportResult, KeyPath
from qdef.pipeline import validate_document
from qdef.source.loader import parse

#: Keys that can be taken out of their mapping and leave a valid document.
REMOVABLE = (
    "when",
    "filter",
    "pattern",
    "default",
    "rules",
    "min",
    "max",
    "total",
    "top",
    "min_choices",
    "max_choices",
    "specify",
    "order",
    "exclusive",
)
TEXTS = ("text", "help", "label", "suffix", "title", "intro", "message", "hint", "description")
ROUNDS = 6
#: Diagnostics located at a part whose cause is a key of the question.
BY_CODE = {Code.QD313: "filter", Code.QD312: "filter"}


def dump(data: Any) -> tuple[str, list[KeyPath]]:
    """JSON text with one scalar (or opening bracket) per line, and each line's key path."""
    lines: list[str] = []
    paths: list[KeyPath] = []

    def emit(value: Any, path: KeyPath, prefix: str, comma: str) -> None:
        if isinstance(value, dict) and value:
            lines.append(prefix + "{")
            paths.append(path)
            items = list(value.items())
            for i, (key, inner) in enumerate(items):
                emit(
                    inner,
                    (*path, key),
                    json.dumps(key, ensure_ascii=False) + ": ",
                    "," if i < len(items) - 1 else "",
                )
            lines.append("}" + comma)
            paths.append(path)
        elif isinstance(value, list) and value:
            lines.append(prefix + "[")
            paths.append(path)
            for i, inner in enumerate(value):
                emit(inner, (*path, i), "", "," if i < len(value) - 1 else "")
            lines.append("]" + comma)
            paths.append(path)
        else:
            lines.append(prefix + json.dumps(value, ensure_ascii=False) + comma)
            paths.append(path)

    emit(data, (), "", "")
    return "\n".join(lines) + "\n", paths


def _get(data: Any, path: KeyPath) -> Any:
    for key in path:
        data = data[key]
    return data


def _unpipe(text: str) -> str:
    """A qdef text with its pieces written as literal text."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "{":
            end = text.find("}", i)
            end = len(text) - 1 if end < 0 else end
            out.append("{{" + text[i + 1 : end].split("|", maxsplit=1)[0] + "}}")
            i = end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def make_valid(result: ImportResult, where_of: dict[KeyPath, tuple[str, str | None]]) -> list[str]:
    """Validate ``result.document``; take out what qdef refuses, with losses. Returns the
    problems left (empty: the document validates)."""
    left: list[str] = []
    for _ in range(ROUNDS):
        text, paths = dump(result.document)
        errors = _errors(text)
        if not errors:
            return []
        left = []
        changed = False
        done: set[KeyPath] = set()
        for diagnostic in errors:
            line = diagnostic.span.line if diagnostic.span else 0
            path = paths[line - 1] if 0 < line <= len(paths) else ()
            if diagnostic.code in BY_CODE and len(_question_of(path)) == 4:
                path = (*_question_of(path), BY_CODE[diagnostic.code])
            if _fix(result, path, diagnostic.message, where_of, done):
                changed = True
            else:
                place = "/".join(map(str, path))
                left.append(f"{diagnostic.code} at {place}: {diagnostic.message}")
        _compact(result.document)
        if not changed:
            return left
    return left


def _errors(text: str) -> list[Diagnostic]:
    """The errors qdef finds in the document (no routing analysis: it finds warnings)."""
    document, problems = parse(text, Path("import.yaml"))
    if document is None:
        return [d for d in problems if d.is_error]
    return [d for d in validate_document(document, routing=False).diagnostics if d.is_error]


def _question_of(path: KeyPath) -> KeyPath:
    if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
        return path[:4]
    return path[:2]


def _fix(
    result: ImportResult,
    path: KeyPath,
    message: str,
    where_of: dict[KeyPath, tuple[str, str | None]],
    done: set[KeyPath],
) -> bool:
    document = result.document
    owner = _question_of(path)
    where, code = where_of.get(owner, (f"survey {document.get('id', '')}", None))
    why = f"qdef refuses it ({message.split(';', maxsplit=1)[0]}); fix it by hand in the YAML"
    for depth in range(len(path), 0, -1):
        key = path[depth - 1]
        parent_path = path[: depth - 1]
        if (*parent_path, key) in done:
            return True
        if isinstance(key, str) and key in TEXTS:
            parent = _get(document, parent_path)
            value = parent[key]
            if isinstance(value, dict) and depth < len(path):
                lang = path[depth]
                fixed = _unpipe(value[lang])
                if fixed == value[lang]:
                    return False
                value[lang] = fixed
            elif isinstance(value, str):
                fixed = _unpipe(value)
                if fixed == value:
                    return False
                parent[key] = fixed
            else:
                return False
            done.add((*parent_path, key))
            result.lose(where, "approximated", f"the piped {key}", why, at=owner, question=code)
            return True
        if isinstance(key, str) and key in REMOVABLE:
            parent = _get(document, parent_path)
            if isinstance(parent, dict) and key in parent:
                shown = json.dumps(parent[key], ensure_ascii=False)
                del parent[key]
                done.add((*parent_path, key))
                result.lose(
                    where, "left out", f"the {key} {_short(shown)}", why, at=owner, question=code
                )
                return True
        if isinstance(key, int) and len(parent_path) >= 1 and parent_path[-1] == "rules":
            rules = _get(document, parent_path)
            if rules[key] is None:
                return True
            shown = json.dumps(rules[key].get("check"), ensure_ascii=False)
            rules[key] = None  # taken out after the round (the others keep their places)
            result.lose(
                where, "left out", f"the rule {_short(shown)}", why, at=owner, question=code
            )
            return True
    return False


def _compact(document: dict[str, Any]) -> None:
    """Rules taken out in a round leave their lists."""
    for section in document.get("sections", []):
        for question in section.get("questions", []):
            rules = question.get("rules")
            if isinstance(rules, list) and None in rules:
                kept = [r for r in rules if r is not None]
                if kept:
                    question["rules"] = kept
                else:
                    del question["rules"]


def _short(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."
