"""The keys of each question of the survey sheet: its type's keys, relevance,
constraint, default, and what has no qdef equivalent (a loss). Options are
:mod:`.options`'; the walk over the rows (sections, rosters) is :mod:`.questions`'."""

from __future__ import annotations

import math
import re
from typing import Any

from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform import xpath as xp
from qdef.importing.xlsform.columns import QType
from qdef.importing.xlsform.fixing import Fix
from qdef.importing.xlsform.options import Options
from qdef.importing.xlsform.sheets import Row, escape, truthy
from qdef.importing.xlsform.state import parameters_of, parsed_or_none


class Entries(Options):
    """A question's entry from its row (the walk's part: :class:`.questions.Survey`)."""

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
            label = self.b.plain(escape(name))
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
        params = parameters_of(row.get("parameters"))
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

    def _constraint(self, row: Row, entry: dict[str, Any], constraint: str) -> None:
        name = row.get("name")
        message = self.b.text(row.texts.get("constraint_message", {}), row=row, question=name)
        if message is None:
            message = self.b.plain("Sorry, this response is invalid.")
        tree = parsed_or_none(constraint)
        if entry["type"] == "number" and tree is not None:
            _bounds(tree, entry)  # the rule stays (with its message); min/max say it too
        if entry["type"] == "text" and tree is not None:
            regex = _own_regex(tree)
            if regex is not None:
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


_KEY_ORDER = [
    "id",
    "type",
    "number",
    "text",
    "hint",
    "help",
    "required",
    "when",
    "kind",
    "long",
    "format",
    "pattern",
    "precision",
    "min",
    "max",
    "step",
    "widget",
    "options",
    "filter",
    "order",
    "default",
    "rules",
    "value",
    "label",
]
_RANK = {key: index for index, key in enumerate(_KEY_ORDER)}


def in_key_order(entry: dict[str, Any]) -> None:
    """Reorder an entry's keys (in place: fixes refer to it) as docs/format.md lists them."""
    items = sorted(entry.items(), key=lambda item: _RANK.get(item[0], len(_RANK)))
    entry.clear()
    entry.update(items)


def _own_regex(tree: xp.Node) -> str | None:
    """The pattern of ``regex(., 'pattern')``, the whole constraint."""
    if (
        isinstance(tree, xp.Call)
        and tree.name == "regex"
        and len(tree.args) == 2
        and tree.args[0] == xp.Path(".", (".",), absolute=False)
        and isinstance(tree.args[1], xp.String)
    ):
        return tree.args[1].value
    return None


_BOUNDS = {">=": "min", ">": "min", "<=": "max", "<": "max"}
_MIRRORED = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}


def _bounds(tree: xp.Node, entry: dict[str, Any]) -> None:
    """``min``/``max`` of a number from a constraint that only bounds it
    (``. >= 0 and . <= 120``); a strict bound only for integers."""
    found: dict[str, float] = {}
    parts = [tree]
    comparisons: list[xp.Binary] = []
    while parts:
        node = parts.pop()
        if isinstance(node, xp.Binary) and node.op == "and":
            parts += [node.left, node.right]
        elif isinstance(node, xp.Binary) and node.op in _BOUNDS:
            comparisons.append(node)
        else:
            return
    integer = entry.get("kind", "integer") == "integer"
    for node in comparisons:
        op, other = node.op, node.right
        if node.right == xp.Path(".", (".",), absolute=False):
            op, other = _MIRRORED[op], node.left
        elif node.left != xp.Path(".", (".",), absolute=False):
            return
        value = _literal_number(other)
        if value is None or (op in {"<", ">"} and not (integer and value.is_integer())):
            return
        if op in {"<", ">"}:
            value += 1 if op == ">" else -1
        key = _BOUNDS[op]
        found[key] = (
            max(found.get(key, value), value) if key == "min" else min(found.get(key, value), value)
        )
    if found.get("min", -math.inf) > found.get("max", math.inf):
        return
    for key, bound in found.items():
        whole = (math.ceil(bound) if key == "min" else math.floor(bound)) if integer else bound
        entry[key] = int(whole) if float(whole).is_integer() else whole


def _literal_number(node: xp.Node) -> float | None:
    if isinstance(node, xp.Number):
        return node.value
    if isinstance(node, xp.Neg) and isinstance(node.operand, xp.Number):
        return -node.operand.value
    return None
