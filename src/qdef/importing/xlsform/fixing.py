"""Validating the imported instrument, and taking out what qdef refuses.

The document is written as JSON (which is YAML) with one key per line, so that a
diagnostic's line names the key path it is about. Each translated expression and
piped text was registered as a :class:`Fix`: when qdef's validation (the type
checker of :mod:`qdef.expr` among it) reports an error there, the fix removes the
expression (or writes the text without its inserted values) and becomes a loss
that quotes qdef's message. This repeats until the document validates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qdef.importing.report import KeyPath


@dataclass(slots=True)
class Fix:
    where: str
    what: str
    question: str | None
    replacement: Any = None
    """None: remove the key (or the list element, or the entry)."""
    kind: str = "left out"


class Fixes:
    def __init__(self) -> None:
        self.by_key: dict[tuple[int, str | int], Fix] = {}
        self.by_object: dict[int, Fix] = {}
        self.keep: list[Any] = []

    def key(self, container: Any, key: str, fix: Fix) -> None:
        self.keep.append(container)
        self.by_key[id(container), key] = fix

    def entry(self, node: Any, fix: Fix) -> None:
        self.keep.append(node)
        self.by_object[id(node)] = fix


def dump_lines(document: Any) -> tuple[str, list[KeyPath]]:
    """The document as JSON with one key or item per line, and the key path of each
    line (index 0: line 1)."""
    lines: list[str] = []
    paths: list[KeyPath] = []

    def emit(prefix: str, value: Any, path: KeyPath, comma: str) -> None:
        if isinstance(value, dict) and value:
            lines.append(prefix + "{")
            paths.append(path)
            items = list(value.items())
            for index, (key, item) in enumerate(items):
                emit(
                    json.dumps(key) + ": ",
                    item,
                    (*path, key),
                    "," if index < len(items) - 1 else "",
                )
            lines.append("}" + comma)
            paths.append(path)
        elif isinstance(value, list) and value:
            lines.append(prefix + "[")
            paths.append(path)
            for index, item in enumerate(value):
                emit("", item, (*path, index), "," if index < len(value) - 1 else "")
            lines.append("]" + comma)
            paths.append(path)
        else:
            lines.append(prefix + json.dumps(value, ensure_ascii=False) + comma)
            paths.append(path)

    emit("", document, (), "")
    return "\n".join(lines) + "\n", paths


def validate(document: dict[str, Any], name: str) -> list[tuple[KeyPath | None, str]]:
    """qdef's errors for the document: (key path or None, message)."""
    from qdef.pipeline import validate_text  # noqa: PLC0415

    text, paths = dump_lines(document)
    result = validate_text(text, Path(name))
    errors: list[tuple[KeyPath | None, str]] = []
    for diagnostic in result.diagnostics:
        if diagnostic.severity != "error":
            continue
        path = None
        if diagnostic.span is not None and 1 <= diagnostic.span.line <= len(paths):
            path = paths[diagnostic.span.line - 1]
        errors.append(
            (
                path,
                f"{diagnostic.code} {diagnostic.message}",
            )
        )
    return errors


def apply_fixes(
    document: dict[str, Any],
    fixes: Fixes,
    name: str,
    *,
    lose: Callable[[Fix, str], None],
    unfixed: Callable[[KeyPath | None, str], None],
    rounds: int = 12,
) -> None:
    """Validate, take out what is refused, and again, until the document validates."""
    for _ in range(rounds):
        errors = validate(document, name)
        if not errors:
            return
        applied = False
        for path, message in errors:
            if path is not None and _apply(document, path, fixes, lose, message):
                applied = True
        if not applied:
            for path, message in errors:
                unfixed(path, message)
            return


def _apply(
    document: Any, path: KeyPath, fixes: Fixes, lose: Callable[[Fix, str], None], message: str
) -> bool:
    chain: list[tuple[Any, str | int, Any]] = []
    node = document
    for key in path:
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            break
        chain.append((node, key, child))
        node = child
    for container, key, child in reversed(chain):
        fix = fixes.by_key.get((id(container), key))
        if fix is not None:
            if fix.replacement is None:
                del container[key]
            else:
                container[key] = fix.replacement
            fixes.by_key.pop((id(container), key))
            lose(fix, message)
            return True
        fix = fixes.by_object.get(id(child))
        if fix is not None and isinstance(container, list):
            container.remove(child)
            fixes.by_object.pop(id(child))
            lose(fix, message)
            return True
    return False
