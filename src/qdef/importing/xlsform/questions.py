"""The rows of the survey sheet, walked in order: groups into sections, repeats
into rosters, each question into its qdef entry."""

from __future__ import annotations

import re
from typing import Any

from qdef.importing.xlsform.build import Builder
from qdef.importing.xlsform.columns import QType, question_type
from qdef.importing.xlsform.entries import Entries, in_key_order
from qdef.importing.xlsform.fixing import Fix
from qdef.importing.xlsform.sheets import LEFT_OUT_TYPES, ROSTER_MAX, Frame, Row, escape
from qdef.importing.xlsform.state import conjunction, constant, origin_of

_LOOP = (
    "qdef has no loop over a whole choice list: make the list a multiple choice "
    "and the loop a roster over it (repeat: for_each)"
)
_NESTED = "qdef's rosters do not nest: make the inner repeat a roster of its own"
_IGNORED_APPEARANCES = {"", "field-list", "table-list"}


class Survey(Entries):
    """The walk over the survey sheet's rows."""

    def __init__(self, builder: Builder) -> None:
        super().__init__(builder)
        self.current_frame: Frame | None = None
        self.entries: dict[str, dict[str, Any]] = {}

    def walk(self, rows: list[Row]) -> None:
        for row in rows:
            qtype = question_type(row.get("type"))
            base = qtype.base
            if base in {"begin_group", "begin_repeat", "begin_loop"}:
                self._begin(row, qtype)
            elif base in {"end_group", "end_repeat", "end_loop"}:
                self._end(row)
            else:
                self._row(row, qtype)
        if self.waiting and self.b.sections:
            self._place_pending(self.b.sections[-1])
        for frame in self.stack:
            self.result.lose(
                f"survey sheet, row {frame.row.number}",
                "approximated",
                f"the {frame.kind} {frame.row.get('name')!r}",
                "it is not closed by an end row; it is taken to end with the sheet",
            )

    def _blocked(self) -> str | None:
        for frame in self.stack:
            if frame.kind == "loop":
                return _LOOP
            if frame.kind == "nested":
                return _NESTED
        return None

    def _begin(self, row: Row, qtype: QType) -> None:
        name = row.get("name")
        fid = row.cells.get("_id", name or "group")
        in_repeat = any(frame.kind in {"repeat", "nested", "loop"} for frame in self.stack)
        kind = {"begin_group": "group", "begin_repeat": "repeat", "begin_loop": "loop"}[qtype.base]
        if kind == "repeat" and in_repeat:
            kind = "nested"
        frame = Frame(kind, row, fid)
        first = len(self.result.losses)
        if kind in {"loop", "nested"}:
            self.result.lose(
                self._where(row),
                "left out",
                f"the {'loop' if kind == 'loop' else 'nested repeat'} {name!r} and its questions",
                self._blocked_reason(kind),
            )
        relevant = row.get("relevant")
        if relevant:
            when = self._condition(relevant, row, "relevant", None, None)
            if when:
                frame.conditions.append(when)
        frame.section = kind == "repeat" or (
            kind == "group" and not any(f.kind == "group" or f.section for f in self.stack)
        )
        appearance = row.get("appearance")
        if appearance and not (frame.section and appearance in _IGNORED_APPEARANCES):
            self.result.lose(
                self._where(row, "appearance"),
                "approximated",
                f"the appearance {appearance!r} of the {kind} {name!r}",
                "qdef's sections are not nested and have no such layout; "
                "the questions are asked one after another",
            )
        for key in ("read_only", "required", "constraint", "calculation", "default"):
            if row.get(key) and kind == "group":
                self.result.lose(
                    self._where(row, key),
                    "left out",
                    f"the {key} of the group {name!r}",
                    "a group has none in qdef",
                )
        frame.pending = list(range(first, len(self.result.losses)))
        if kind == "repeat":  # the item, before any question of the roster names it
            frame.item = self.b.new_id(f"{fid}_number", "survey sheet", question=None)
        self.stack.append(frame)
        if self.current_frame is not None and frame.section:
            self.current = None
        if kind == "group" and not frame.section:
            self._group_label(row, frame)

    def _group_label(self, row: Row, frame: Frame) -> None:
        """A nested group's label (and hint) as a display before its questions."""
        label = self.b.text(row.texts.get("label", {}), row=row)
        if label is None:
            return
        entry: dict[str, Any] = {"id": frame.id, "type": "display", "text": label}
        hint = self.b.text(row.texts.get("hint", {}), row=row)
        if hint is not None:
            entry["help"] = hint
        section = self._section(row)
        conditions = self._inherited()
        if conditions:
            entry["when"] = conjunction(conditions)
            self.b.fixes.key(
                entry, "when", Fix(self._where(row, "relevant"), "the group's relevance", None)
            )
        section["questions"].append(entry)
        self.b.anchor_note(entry, f"XLSForm survey row {row.number}: {row.get('type')}")
        if row.cells.get("_loop"):
            return  # an iteration of a loop: its questions' losses say so
        index = len(self.result.losses)
        self.result.lose(
            self._where(row),
            "approximated",
            f"the group {row.get('name')!r}",
            "qdef's sections do not nest: its label is a text before its questions, "
            "and its relevance is part of theirs",
        )
        self.b.anchor_loss(index, entry)

    @staticmethod
    def _blocked_reason(kind: str) -> str:
        if kind == "loop":
            return _LOOP
        return _NESTED

    def _end(self, row: Row) -> None:
        if not self.stack:
            self.result.lose(
                self._where(row),
                "approximated",
                "an end row",
                "no group or repeat is open here; the row is ignored",
            )
            return
        frame = self.stack.pop()
        if frame.section or frame is self.current_frame:
            self.current = None
            self.current_frame = None
        elif self.current_frame is not None and frame.kind in {"repeat"}:
            self.current = None

    def _section(self, row: Row) -> dict[str, Any]:
        frame = self._section_frame()
        if self.current is not None and self.current_frame is frame:
            self._place_pending(self.current)
            return self.current
        section: dict[str, Any] = {}
        if frame is None:
            sid = self.b.new_id(
                f"section_{len(self.b.sections) + 1}", "survey sheet", question=None
            )
        elif frame.opened:
            sid = self.b.new_id(f"{frame.id}_continued", "survey sheet", question=None)
        else:
            sid = frame.id
        section["id"] = sid
        if frame is not None:
            frame.opened = True
            self.b.anchor_note(
                section, f"XLSForm survey row {frame.row.number}: {frame.row.get('type')}"
            )
            title = self.b.text(frame.row.texts.get("label", {}), row=frame.row)
            if title is not None:
                section["title"] = title
            intro = self.b.text(frame.row.texts.get("hint", {}), row=frame.row)
            if intro is not None:
                section["intro"] = intro
            conditions = [
                c
                for f in self.stack
                if f is not frame
                and (f.kind == "group" and self.stack.index(f) < self.stack.index(frame))
                for c in f.conditions
            ]
            conditions += frame.conditions
            if conditions:
                section["when"] = conjunction(conditions)
                where = self._where(frame.row, "relevant")
                self.b.fixes.key(section, "when", Fix(where, "the relevance of the group", None))
            if frame.kind == "repeat":
                first = len(self.result.losses)
                repeat = self._repeat(frame, section.get("when"))
                if repeat is not None:
                    section["repeat"] = repeat
                    where = self._where(frame.row, "repeat_count")
                    self.b.fixes.key(section, "repeat", Fix(where, "the repetition", None))
                for index in range(first, len(self.result.losses)):
                    self.b.anchor_loss(index, section)
        section["questions"] = []
        self.b.sections.append(section)
        self.current, self.current_frame = section, frame
        self._place_pending(section)
        return section

    def _place_pending(self, section: dict[str, Any]) -> None:
        for name in self.waiting:
            self.b.orphans.setdefault(name, section)
        self.waiting = []
        for frame in self.stack:
            for index in frame.pending:
                self.b.anchor_loss(index, section)
            frame.pending = []

    def _repeat(self, frame: Frame, when: str | None) -> dict[str, Any] | None:
        row = frame.row
        item = frame.item
        assert item is not None  # set when the repeat began
        count = row.get("repeat_count")
        source: str | None = None
        maximum = ROSTER_MAX
        ref = re.fullmatch(r"\$\{\s*([^}\s]+)\s*\}", count)
        if (
            ref
            and ref.group(1) in self.entries
            and self.entries[ref.group(1)].get("type") == "number"
        ):
            entry = self.entries[ref.group(1)]
            source = entry["id"]
            if (
                entry.get("kind", "integer") != "integer"
                or "max" not in entry
                or entry["max"] > 100
            ):
                entry.pop("kind", None)
                entry["max"] = min(entry.get("max", ROSTER_MAX), ROSTER_MAX)
                self.result.lose(
                    self._where(row, "repeat_count"),
                    "approximated",
                    f"the answer to {count}",
                    "a qdef roster needs a largest number of iterations: "
                    f"{entry['id']} asks for a whole number of at most {entry['max']}",
                    question=ref.group(1),
                )
            maximum = max(int(entry["max"]), 1)
        elif re.fullmatch(r"[0-9]+", constant(count, self.entries)):
            number = max(1, min(int(constant(count, self.entries)), 100))
            source = self.b.new_id(f"{frame.id}_times", "survey sheet", question=None)
            self.b.hidden.append(
                {"id": source, "type": "number", "min": number, "max": number, "default": number}
            )
            maximum = number
        else:
            why = (
                f"the repeat count {count!r} is not a number question of the form"
                if count
                else "ODK lets the respondent add entries until done"
            )
            source = self.b.new_id(f"{frame.id}_how_many", "survey sheet", question=None)
            label = self.b.text(row.texts.get("label", {}), row=row) or self.b.plain(
                escape(row.get("name"))
            )
            question: dict[str, Any] = {
                "id": source,
                "type": "number",
                "required": True,
                "text": self.b.plain("How many times?"),
                "min": 0,
                "max": ROSTER_MAX,
            }
            if isinstance(label, str):
                question["text"] = f"How many: {label}?"
            elif isinstance(label, dict):
                question["text"] = {tag: f"How many: {text}?" for tag, text in label.items()}
            pre: dict[str, Any] = {
                "id": self.b.new_id(f"{frame.id}_how_many_section", "survey sheet", question=None)
            }
            if when:
                pre["when"] = when
            pre["questions"] = [question]
            self.b.sections.append(pre)
            self.result.lose(
                self._where(row, "repeat_count"),
                "approximated",
                f"the number of entries of the repeat {row.get('name')!r}",
                f"{why}; qdef asks for the number first (the question {source}, "
                f"at most {ROSTER_MAX}) and repeats that often",
            )
        return {"times": source, "max": maximum, "item": item}

    def _row(self, row: Row, qtype: QType) -> None:
        name = row.get("name")
        base = qtype.base
        where = self._where(row)
        if not name:
            self.result.lose(
                where, "left out", f"the row of type {row.get('type')!r}", "it has no name"
            )
            return
        blocked = self._blocked()
        if blocked is not None:
            self._left_out(row, "it is inside a loop or a nested repeat (see the loss of that row)")
            return
        if base == "metadata":
            self._left_out(
                row,
                f"the device records it ({row.get('type')}); qdef forms have no such metadata: "
                "record it in the survey platform",
            )
            return
        if base in LEFT_OUT_TYPES:
            self._left_out(
                row, f"qdef has no question for {LEFT_OUT_TYPES[base]}; collect it another way"
            )
            return
        if base in {"select_one_from_file", "select_multiple_from_file", "select_one_external"}:
            self._left_out(
                row, "its choices come from a file; put them in the choices sheet and import again"
            )
            return
        if base == "hidden":
            hidden: dict[str, Any] = {"id": row.cells["_id"], "type": "text"}
            label = self.b.text(row.texts.get("label", {}), raw=True)
            if label is not None:
                hidden["label"] = label
            default = row.get("default")
            if default:
                hidden["default"] = default
            if self._section_frame() is not None and any(f.kind == "repeat" for f in self.stack):
                self._left_out(row, "a hidden value in a repeat has no qdef equivalent")
                return
            self.b.hidden.append(hidden)
            self._origin(row, hidden)
            return
        if "_id" not in row.cells and base != "note":
            self._left_out(row, f"qdef has no question of the type {row.get('type')!r}")
            return
        if base == "note":
            row.cells.setdefault(
                "_id", self.b.new_id(name, self._where(row, "name"), question=name)
            )
        entry = self._entry(row, qtype)
        if entry is None:
            return
        in_key_order(entry)
        if "default" in entry:
            self.b.fixes.key(
                entry, "default", Fix(self._where(row, "default"), "the default", name)
            )
        section = self._section(row)
        section["questions"].append(entry)
        self.entries[name] = entry
        self._origin(row, entry)
        self._ignored(row, entry)

    def _origin(self, row: Row, entry: dict[str, Any]) -> None:
        self.b.anchor_origin(origin_of(row.get("name"), row, None), entry)
        self.b.anchor_note(entry, f"XLSForm survey row {row.number}: {row.get('type')}")
