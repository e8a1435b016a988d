"""The rows of the survey sheet, walked in order: groups into sections, repeats
into rosters, each question into its qdef entry."""

from __future__ import annotations

import re
from typing import Any

from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform.build import (
    _LEFT_OUT_TYPES,
    ROSTER_MAX,
    Builder,
    Row,
    _escape,
    _Frame,
    truthy,
)
from qdef.importing.xlsform.columns import QType, question_type
from qdef.importing.xlsform.fixing import Fix

_SELECT_WIDGETS = {
    "minimal": "dropdown",
    "horizontal": "buttons",
    "horizontal-compact": "buttons",
    "columns": "buttons",
    "columns-pack": "buttons",
    "likert": "buttons",
}
_LOOP = (
    "qdef has no loop over a whole choice list: make the list a multiple choice "
    "and the loop a roster over it (repeat: for_each)"
)
_NESTED = "qdef's rosters do not nest: make the inner repeat a roster of its own"
_IGNORED_APPEARANCES = {"", "field-list", "table-list"}


class Survey:
    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.result = builder.result
        self.stack: list[_Frame] = []
        self.current: dict[str, Any] | None = None
        self.current_frame: _Frame | None = None
        self.opened: dict[int, int] = {}
        self.entries: dict[str, dict[str, Any]] = {}
        self.items: dict[int, str] = {}

    # --- the walk ---------------------------------------------------------------

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
        for frame in self.stack:
            self.result.lose(
                f"survey sheet, row {frame.row.number}",
                "approximated",
                f"the {frame.kind} {frame.row.get('name')!r}",
                "it is not closed by an end row; it is taken to end with the sheet",
            )

    def _where(self, row: Row, col: str | None = None) -> str:
        return f"survey sheet, row {row.number}" + (f", column {col}" if col else "")

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
        frame = _Frame(kind, row, fid)
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
        self.stack.append(frame)
        if self.current_frame is not None and frame.section:
            self.current = None
        if kind == "group" and not frame.section:
            self._group_label(row, frame)

    def _group_label(self, row: Row, frame: _Frame) -> None:
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
            entry["when"] = _conjunction(conditions)
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

    # --- sections ---------------------------------------------------------------

    def _section_frame(self) -> _Frame | None:
        found = None
        for frame in self.stack:
            if frame.section:
                found = frame
        return found

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
        elif id(frame) in self.opened:
            sid = self.b.new_id(f"{frame.id}_continued", "survey sheet", question=None)
        else:
            sid = frame.id
        section["id"] = sid
        if frame is not None:
            self.opened[id(frame)] = 1
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
                section["when"] = _conjunction(conditions)
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
        for frame in self.stack:
            for index in frame.pending:
                self.b.anchor_loss(index, section)
            frame.pending = []

    def _repeat(self, frame: _Frame, when: str | None) -> dict[str, Any] | None:
        row = frame.row
        item = self.b.new_id(f"{frame.id}_number", "survey sheet", question=None)
        self.items[id(frame)] = item
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
                    "a qdef roster needs a most number of iterations: "
                    f"{entry['id']} asks for a whole number of at most {entry['max']}",
                    question=ref.group(1),
                )
            maximum = max(int(entry["max"]), 1)
        elif re.fullmatch(r"[0-9]+", _constant(count, self.entries)):
            number = max(1, min(int(_constant(count, self.entries)), 100))
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
                _escape(row.get("name"))
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

    # --- questions --------------------------------------------------------------

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
        if base in _LEFT_OUT_TYPES:
            self._left_out(
                row, f"qdef has no question for {_LEFT_OUT_TYPES[base]}; collect it another way"
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
        if "default" in entry:
            self.b.fixes.key(
                entry, "default", Fix(self._where(row, "default"), "the default", name)
            )
        section = self._section(row)
        section["questions"].append(entry)
        self.entries[name] = entry
        self._origin(row, entry)
        self._ignored(row, entry)

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
        self.b.anchor_origin(_origin(name, row, None), None)

    def _origin(self, row: Row, entry: dict[str, Any]) -> None:
        self.b.anchor_origin(_origin(row.get("name"), row, None), entry)
        self.b.anchor_note(entry, f"XLSForm survey row {row.number}: {row.get('type')}")

    def _entry(self, row: Row, qtype: QType) -> dict[str, Any] | None:  # noqa: PLR0915
        name, base = row.get("name"), qtype.base
        qid = row.cells["_id"]
        entry: dict[str, Any] = {"id": qid}
        label = self.b.text(row.texts.get("label", {}), row=row, question=name)
        hint = self.b.text(row.texts.get("hint", {}), row=row, question=name)
        if base == "calculate":
            entry["type"] = "computed"
            calculation = row.get("calculation")
            if not calculation:
                self._left_out(row, "it has no calculation")
                return None
            try:
                translation = tr.value(calculation, self._context(name))
            except tr.UntranslatableError as error:
                self._left_out(row, f"its calculation cannot be written in qdef: {error}")
                return None
            entry["value"] = translation.text
            self._approximations(row, "calculation", translation, entry)
            when = self._when(row, entry)
            if when:
                entry["when"] = when
            self.b.fixes.entry(entry, Fix(self._where(row, "calculation"), "the calculation", name))
            return entry
        if base == "note":
            if label is None:
                self._left_out(
                    row,
                    "a note without a label shows nothing in qdef (its media are not carried over)",
                )
                return None
            entry["type"] = "display"
            entry["text"] = label
            self._fix_text(entry, "text", row, name)
            if hint is not None:
                entry["help"] = hint
                self._fix_text(entry, "help", row, name)
            when = self._when(row, entry)
            if when:
                entry["when"] = when
            return entry
        if label is None:
            label = self.b.plain(_escape(name))
            self.result.lose(
                self._where(row, "label"),
                "approximated",
                "the question's text",
                "the row has no label; the name is its text in qdef: write one",
                question=name,
            )
        entry["type"] = _QDEF_TYPES[base]
        entry["text"] = label
        self._fix_text(entry, "text", row, name)
        if hint is not None:
            entry["hint"] = hint
            self._fix_text(entry, "hint", row, name)
        required = row.get("required")
        if required:
            flag = truthy(required)
            if flag is None:
                self.result.lose(
                    self._where(row, "required"),
                    "approximated",
                    f"the condition {required!r} of required",
                    "qdef's required is true or false: the question is not required; "
                    "add a rule if needed",
                    question=name,
                )
            elif flag:
                entry["required"] = True
        if row.texts.get("required_message"):
            self.result.lose(
                self._where(row, "required_message"),
                "approximated",
                "the message for a missing answer",
                "qdef shows its own message when a required question is not answered",
                question=name,
            )
        when = self._when(row, entry)
        if when:
            entry["when"] = when
        self._typed(row, qtype, entry)
        constraint = row.get("constraint")
        if constraint:
            self._constraint(row, entry, constraint)
        return entry

    def _typed(  # noqa: PLR0915 (one branch per question type)
        self, row: Row, qtype: QType, entry: dict[str, Any]
    ) -> None:
        name, base = row.get("name"), qtype.base
        appearance = row.get("appearance")
        used_appearance = False
        default = row.get("default")
        if base in {"integer", "decimal", "range"}:
            if base == "decimal":
                entry["kind"] = "decimal"
            if base == "range":
                used_appearance = self._range(row, entry)
            if default:
                try:
                    entry["default"] = int(default) if base != "decimal" else float(default)
                except ValueError:
                    self._lost_default(row, default)
        elif base in {"text", "barcode", "phone", "time"}:
            if base == "phone":
                entry["format"] = "phone"
            if appearance == "multiline":
                entry["long"] = True
                used_appearance = True
            if base == "barcode":
                self.result.lose(
                    self._where(row, "type"),
                    "approximated",
                    "the barcode scan",
                    "qdef asks for the code as text",
                    question=name,
                )
            if base == "time":
                entry["pattern"] = {
                    "regex": "([01][0-9]|2[0-3]):[0-5][0-9]",
                    "message": self.b.plain("HH:MM"),
                }
                self.result.lose(
                    self._where(row, "type"),
                    "approximated",
                    "the time of day",
                    "qdef has no time question: it asks for text of the form HH:MM",
                    question=name,
                )
            if default:
                entry["default"] = default
        elif base in {"date", "datetime"}:
            if appearance in {"month-year", "year"}:
                entry["precision"] = "month" if appearance == "month-year" else "year"
                used_appearance = True
            if base == "datetime":
                self.result.lose(
                    self._where(row, "type"),
                    "approximated",
                    "the time of day",
                    "qdef's dates have no time of day: only the date is asked",
                    question=name,
                )
            if default:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", default[:10]) and "precision" not in entry:
                    entry["default"] = default[:10]
                else:
                    self._lost_default(row, default)
        elif base in {"select_one", "select_multiple", "rank", "acknowledge"}:
            used_appearance = self._select(row, qtype, entry, appearance)
            if default and base != "acknowledge":
                codes = self.b.codes_of.get(id(row), {})
                wanted = default.split() if base == "select_multiple" else [default]
                if all(code in codes for code in wanted):
                    mapped = [codes[code] for code in wanted]
                    entry["default"] = mapped if base == "select_multiple" else mapped[0]
                else:
                    self._lost_default(row, default)
        if appearance and not used_appearance:
            self.result.lose(
                self._where(row, "appearance"),
                "approximated",
                f"the appearance {appearance!r}",
                "qdef has no such widget: the question is asked with its ordinary input",
                question=name,
            )
        parameters = row.get("parameters")
        if parameters and base != "range":
            self._parameters(row, entry, parameters)

    def _lost_default(self, row: Row, default: str) -> None:
        self.result.lose(
            self._where(row, "default"),
            "left out",
            f"the default {default!r}",
            "it is not an answer the qdef question can take (an expression, "
            "or a value of another form); set it by hand",
            question=row.get("name"),
        )

    def _range(self, row: Row, entry: dict[str, Any]) -> bool:
        params = _params(row.get("parameters"))
        numbers: dict[str, float] = {}
        for key, value in params.items():
            try:
                numbers[key] = float(value)
            except ValueError:
                continue
        start, end, step = (
            numbers.get("start", 1.0),
            numbers.get("end", 10.0),
            numbers.get("step", 1.0),
        )
        whole = all(float(v).is_integer() for v in (start, end, step))
        if not whole:
            entry["kind"] = "decimal"
        lo, hi = min(start, end), max(start, end)
        entry["widget"] = "slider"
        entry["min"] = int(lo) if whole else lo
        entry["max"] = int(hi) if whole else hi
        entry["step"] = int(step) if whole else step
        if row.get("appearance"):
            self.result.lose(
                self._where(row, "appearance"),
                "approximated",
                f"the appearance {row.get('appearance')!r}",
                "qdef's slider has one look",
                question=row.get("name"),
            )
        return True

    def _select(  # noqa: PLR0915 (options, their filters, or_other, order)
        self, row: Row, qtype: QType, entry: dict[str, Any], appearance: str
    ) -> bool:
        name = row.get("name")
        base = qtype.base
        if base == "acknowledge":
            entry["options"] = [{"code": "OK", "label": self.b.plain("OK")}]
            self.result.lose(
                self._where(row, "type"),
                "approximated",
                "the acknowledgement",
                "qdef asks it as a single choice with the one option OK (the value ODK stores)",
                question=name,
            )
            return False
        used = False
        if appearance in _SELECT_WIDGETS and base == "select_one":
            entry["widget"] = _SELECT_WIDGETS[appearance]
            used = appearance in {"minimal", "horizontal", "columns"}
        if appearance in {"autocomplete", "search"} and base == "select_one":
            entry["widget"] = "dropdown"
        assert qtype.list_name is not None
        choices = self.b.choices.get(qtype.list_name, [])
        codes = self.b.codes_of.get(id(row), {})
        if not choices:
            self.result.lose(
                self._where(row, "type"),
                "approximated",
                f"the choice list {qtype.list_name!r}",
                "the choices sheet has no such list: the question has a single placeholder option",
                question=name,
            )
        options: list[dict[str, Any]] = []
        by_code: dict[str, dict[str, Any]] = {}
        filter_source = row.get("choice_filter")
        for choice in choices:
            code = codes.get(choice.name)
            if code is None:
                continue
            label = self.b.text(choice.texts, row=row, question=name)
            if label is None:
                label = self.b.plain(_escape(choice.name))
                self.result.lose(
                    f"choices sheet, row {choice.number}",
                    "approximated",
                    f"the label of the choice {choice.name!r}",
                    "it has none (perhaps only an image); qdef shows its name",
                    question=name,
                )
            when = None
            if filter_source:
                when = self._choice_filter(row, choice, filter_source)
                if when == "false":
                    continue
            if code in by_code:
                previous = by_code[code]
                if "when" in previous and when is not None:
                    previous["when"] = f"({previous['when']}) or ({when})"
                elif when is None:
                    previous.pop("when", None)
                continue
            option: dict[str, Any] = {"code": code, "label": label}
            if when is not None and when != "true":
                option["when"] = when
                self.b.fixes.key(
                    option,
                    "when",
                    Fix(
                        self._where(row, "choice_filter"),
                        f"the choice filter for {choice.name!r}",
                        name,
                    ),
                )
            options.append(option)
            by_code[code] = option
        if qtype.or_other and "other" not in by_code:
            specify = {
                "id": self.b.new_id(f"{name}_other", self._where(row, "type"), question=name)
            }
            options.append({"code": "other", "label": self.b.plain("Other"), "specify": [specify]})
        if filter_source and choices:
            self.result.lose(
                self._where(row, "choice_filter"),
                "approximated",
                "the question when the filter leaves no choice",
                "ODK still shows the question (with no choices to pick); qdef does not show "
                "a question none of whose options is offered",
                question=name,
            )
        if not options and choices:
            self.result.lose(
                self._where(row, "choice_filter"),
                "approximated",
                "the choice filter",
                "it offers no choice at all; qdef needs one: the question has a placeholder option",
                question=name,
            )
        if not options:
            options.append({"code": "none", "label": self.b.plain("(no choices)")})
        if base == "rank" and len(options) < 2:
            options.append({"code": "none_2", "label": self.b.plain("(no choices)")})
        entry["options"] = options
        params = _params(row.get("parameters"))
        if params.get("randomize", "").lower() in {"true", "true()", "yes"}:
            entry["order"] = "random"
        return used

    def _choice_filter(self, row: Row, choice: Any, source: str) -> str | None:
        context = self._context(row.get("name"))
        context.choice = {"name": choice.name, **choice.columns}
        context.current = None
        try:
            translation = tr.condition(source, context)
        except tr.UntranslatableError as error:
            self.result.lose(
                self._where(row, "choice_filter"),
                "left out",
                f"the choice filter for {choice.name!r}",
                f"it cannot be written in qdef ({error}); the choice is always offered",
                question=row.get("name"),
            )
            return None
        return translation.text

    def _parameters(self, row: Row, entry: dict[str, Any], text: str) -> None:
        for key, value in _params(text).items():
            if key == "randomize" and "options" in entry:
                continue
            self.result.lose(
                self._where(row, "parameters"),
                "left out",
                f"the parameter {key}={value}",
                "qdef has no such parameter",
                question=row.get("name"),
            )

    def _ignored(self, row: Row, entry: dict[str, Any]) -> None:
        name = row.get("name")
        for key, what in (
            ("read_only", "read-only"),
            ("trigger", "trigger"),
            ("guidance_hint", "guidance hint"),
        ):
            value = row.get(key) if key != "guidance_hint" else (row.texts.get(key) and "x")
            if value and (key != "read_only" or truthy(value) is not False):
                self.result.lose(
                    self._where(row, key),
                    "left out",
                    f"the {what} {value!r}" if key != "guidance_hint" else "the guidance hint",
                    "qdef has no equivalent; the question is asked as usual",
                    question=name,
                )
        if row.get("calculation") and entry.get("type") != "computed":
            self.result.lose(
                self._where(row, "calculation"),
                "left out",
                "the calculation of a question",
                "qdef computes only computed values (type: computed), not an answer's default",
                question=name,
            )
        if row.get("choice_filter") and "options" not in entry:
            self.result.lose(
                self._where(row, "choice_filter"),
                "left out",
                "the choice filter",
                "the question has no choices",
                question=name,
            )
        if row.get("media"):
            self.result.lose(
                self._where(row, "media"),
                "left out",
                "the media (image, audio, video)",
                "qdef texts have no media; describe them in the text",
                question=name,
            )

    # --- expressions ------------------------------------------------------------

    def _context(self, current: str | None) -> tr.Context:
        item = None
        for frame in self.stack:
            if frame.kind == "repeat" and id(frame) in self.items:
                item = self.items[id(frame)]
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
        return _conjunction(conditions)

    def _constraint(self, row: Row, entry: dict[str, Any], constraint: str) -> None:
        name = row.get("name")
        message = self.b.text(row.texts.get("constraint_message", {}), row=row, question=name)
        if message is None:
            message = self.b.plain("Sorry, this response is invalid.")
        if entry["type"] == "text":
            found = re.fullmatch(r"\s*regex\(\s*\.\s*,\s*'([^']*)'\s*\)\s*", constraint)
            if found:
                regex = found.group(1)
                if regex.startswith("^") and regex.endswith("$"):
                    regex = regex[1:-1]
                else:
                    self.result.lose(
                        self._where(row, "constraint"),
                        "approximated",
                        "the regex constraint",
                        "qdef's pattern must match the whole answer; ODK's regex() matches a part",
                        question=name,
                    )
                entry["pattern"] = {"regex": regex, "message": message}
                self.b.fixes.key(
                    entry,
                    "pattern",
                    Fix(self._where(row, "constraint"), f"the constraint {constraint!r}", name),
                )
                return
        check = self._condition(constraint, row, "constraint", name, name)
        if check is None:
            return
        entry["rules"] = [{"check": check, "message": message}]
        self.b.fixes.key(
            entry,
            "rules",
            Fix(self._where(row, "constraint"), f"the constraint {constraint!r}", name),
        )

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


_QDEF_TYPES = {
    "text": "text",
    "barcode": "text",
    "phone": "text",
    "time": "text",
    "integer": "number",
    "decimal": "number",
    "range": "number",
    "date": "date",
    "datetime": "date",
    "select_one": "single",
    "acknowledge": "single",
    "select_multiple": "multiple",
    "rank": "ranking",
}


def _constant(count: str, entries: dict[str, dict[str, Any]]) -> str:
    """A repeat count as a constant: written, or a calculate of a constant."""
    ref = re.fullmatch(r"\$\{\s*([^}\s]+)\s*\}", count)
    if ref and entries.get(ref.group(1), {}).get("type") == "computed":
        return str(entries[ref.group(1)].get("value", ""))
    return count


def _conjunction(conditions: list[str]) -> str:
    if len(conditions) == 1:
        return conditions[0]
    return " and ".join(f"({c})" for c in conditions)


def _params(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in re.split(r"[\s;,]+", text.strip()):
        key, sep, value = part.partition("=")
        if sep:
            found[key.strip().lower()] = value.strip()
    return found


def _origin(name: str, row: Row, at: Any) -> Any:
    from qdef.importing.report import Origin  # noqa: PLC0415

    return Origin(name, f"survey sheet, row {row.number}", at)
