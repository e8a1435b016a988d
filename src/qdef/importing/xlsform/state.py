"""What the walk over the survey sheet knows at a row (the groups and repeats open,
the section being filled) and the expressions of a row: its relevance with its
groups', translated (:mod:`.translate`), each registered for qdef's validation
(:mod:`.fixing`). :mod:`.options` and :mod:`.entries` build on it."""

from __future__ import annotations

import re
from typing import Any

from qdef.importing.report import ImportResult, Origin
from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform import xpath as xp
from qdef.importing.xlsform.build import Builder
from qdef.importing.xlsform.fixing import Fix
from qdef.importing.xlsform.sheets import Frame, Row


class State:
    """The walk's state and a row's expressions."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.result: ImportResult = builder.result
        self.stack: list[Frame] = []
        """The groups and repeats open at the current row, outermost first."""
        self.waiting: list[str] = []
        """Questions left out whose losses wait for the section they would be in."""
        self.current: dict[str, Any] | None = None
        """The section being filled."""

    def _where(self, row: Row, col: str | None = None) -> str:
        return f"survey sheet, row {row.number}" + (f", column {col}" if col else "")

    def _left_out(self, row: Row, why: str) -> None:
        name = row.get("name")
        var = self.b.variables.get(name)
        if var is not None and var.id == row.cells.get("_id"):
            self.b.left_out[name] = why
            del self.b.variables[name]
        self.result.lose(
            self._where(row),
            "left out",
            f"the question (type {row.get('type')!r})",
            why,
            question=name,
        )
        self.b.anchor_origin(origin_of(name, row, None), None)
        if self.current is not None:  # its losses go where it would have been
            self.b.orphans.setdefault(name, self.current)
        else:
            self.waiting.append(name)

    def _context(self, current: str | None) -> tr.Context:
        item = None
        for frame in self.stack:
            if frame.kind == "repeat" and frame.item is not None:
                item = frame.item
        return tr.Context(
            self.b.variables,
            self.b.left_out,
            empty=frozenset(self.b.notes),
            current=current,
            item=item,
        )

    def _condition(
        self, source: str, row: Row, col: str, current: str | None, question: str | None
    ) -> str | None:
        try:
            translation = tr.condition(source, self._context(current))
        except tr.UntranslatableError as error:
            self.result.lose(
                self._where(row, col),
                "left out",
                f"the {col} {source!r}",
                f"it cannot be written in qdef: {error}; write the condition by hand",
                question=question,
            )
            return None
        for why in translation.approximations:
            self.result.lose(
                self._where(row, col),
                "approximated",
                f"the {col} {source!r}",
                why,
                question=question,
            )
        return translation.text

    def _approximations(
        self, row: Row, col: str, translation: tr.Translation, entry: dict[str, Any]
    ) -> None:
        for why in translation.approximations:
            self.result.lose(
                self._where(row, col), "approximated", f"the {col}", why, question=row.get("name")
            )

    def _when(self, row: Row, entry: dict[str, Any]) -> str | None:
        name = row.get("name")
        conditions = self._inherited()
        inherited = bool(conditions)
        relevant = row.get("relevant")
        if relevant:
            own = self._condition(relevant, row, "relevant", None, name)
            if own:
                conditions.append(own)
        if not conditions:
            return None
        self.b.fixes.key(
            entry,
            "when",
            Fix(
                self._where(row, "relevant"),
                "the relevance" + (" (with its groups')" if inherited else ""),
                name,
            ),
        )
        return conjunction(conditions)

    def _fix_text(self, entry: dict[str, Any], key: str, row: Row, name: str) -> None:
        value = entry[key]
        if "{" not in str(value).replace("{{", ""):
            return
        plain = self.b.text(row.texts.get("label" if key == "text" else "hint", {}), piped=False)
        if plain is None:
            return
        self.b.fixes.key(
            entry,
            key,
            Fix(
                self._where(row, "label" if key == "text" else "hint"),
                "the inserted values in the text",
                name,
                replacement=plain,
                kind="approximated",
            ),
        )

    def _section_frame(self) -> Frame | None:
        found = None
        for frame in self.stack:
            if frame.section:
                found = frame
        return found

    def _inherited(self) -> list[str]:
        """The conditions of the groups between the section and the question."""
        section = self._section_frame()
        conditions: list[str] = []
        below = False
        for frame in self.stack:
            if frame is section:
                below = True
                continue
            if below or section is None:
                conditions.extend(frame.conditions)
        return conditions


def parsed_or_none(source: str) -> xp.Node | None:
    try:
        return xp.parse(source)
    except xp.XPathError:
        return None


def constant(count: str, entries: dict[str, dict[str, Any]]) -> str:
    """A repeat count as a constant: written, or a calculate of a constant."""
    ref = re.fullmatch(r"\$\{\s*([^}\s]+)\s*\}", count)
    if ref and entries.get(ref.group(1), {}).get("type") == "computed":
        return str(entries[ref.group(1)].get("value", ""))
    return count


def conjunction(conditions: list[str]) -> str:
    if len(conditions) == 1:
        return conditions[0]
    return " and ".join(f"({c})" for c in conditions)


def parameters_of(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in re.split(r"[\s;,]+", text.strip()):
        key, sep, value = part.partition("=")
        if sep:
            found[key.strip().lower()] = value.strip()
    return found


def origin_of(name: str, row: Row, at: Any) -> Origin:
    return Origin(name, f"survey sheet, row {row.number}", at)
