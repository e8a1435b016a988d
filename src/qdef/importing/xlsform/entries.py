"""The keys of each question of the survey sheet: its type's keys, options and their
filters, relevance, constraint, default, and what has no qdef equivalent (a loss).
The walk over the rows (sections, rosters) is :mod:`.questions`'s."""

from __future__ import annotations

import math
import re
from typing import Any

from qdef.importing.report import ImportResult, Origin
from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform import xpath as xp
from qdef.importing.xlsform.build import Builder
from qdef.importing.xlsform.columns import QType
from qdef.importing.xlsform.fixing import Fix
from qdef.importing.xlsform.sheets import Frame, Row, escape, truthy

_SELECT_WIDGETS = {
    "minimal": "dropdown",
    "horizontal": "buttons",
    "horizontal-compact": "buttons",
    "columns": "buttons",
    "columns-pack": "buttons",
    "likert": "buttons",
}


class Entries:
    """A question's entry from its row (the walk's part: :class:`.questions.Survey`)."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.result: ImportResult = builder.result
        self.stack: list[Frame] = []
        self.items: dict[int, str] = {}
        self.waiting: list[str] = []
        self.current: dict[str, Any] | None = None
        """The section being filled."""
        """Questions left out whose losses wait for the section they would be in."""
        """A roster's frame (id()) → its item."""

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
        chosen = self._chosen_in(
            filter_source, set(codes.values()) | ({"other"} if qtype.or_other else set())
        )
        if chosen is not None:
            entry["filter"] = chosen
            self.b.fixes.key(
                entry, "filter", Fix(self._where(row, "choice_filter"), "the choice filter", name)
            )
        for choice in choices:
            code = codes.get(choice.name)
            if code is None:
                continue
            label = self.b.text(choice.texts, row=row, question=name)
            if label is None:
                label = self.b.plain(escape(choice.name))
                self.result.lose(
                    f"choices sheet, row {choice.number}",
                    "approximated",
                    f"the label of the choice {choice.name!r}",
                    "it has none (perhaps only an image); qdef shows its name",
                    question=name,
                )
            when = None
            if filter_source and chosen is None:
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
        params = parameters_of(row.get("parameters"))
        if params.get("randomize", "").lower() in {"true", "true()", "yes"}:
            entry["order"] = "random"
        return used

    def _chosen_in(self, source: str, codes: set[str]) -> dict[str, str] | None:
        """``selected(${q}, name)`` (or its ``not(…)``) over the choices of an earlier
        multiple choice ``q`` that has all of them: qdef's ``filter`` says it as it is."""
        tree = _parsed(source) if source else None
        key = "chosen_in"
        if isinstance(tree, xp.Call) and tree.name == "not" and len(tree.args) == 1:
            tree, key = tree.args[0], "not_chosen_in"
        if not (
            isinstance(tree, xp.Call)
            and tree.name == "selected"
            and len(tree.args) == 2
            and isinstance(tree.args[0], xp.Name)
            and tree.args[1] == xp.Path("name", ("name",), absolute=False)
        ):
            return None
        var = self.b.variables.get(tree.args[0].name)
        if var is None or var.kind != "multiple" or not codes <= set((var.codes or {}).values()):
            return None
        return {key: var.id}

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
        for key, value in parameters_of(text).items():
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
        return conjunction(conditions)

    def _constraint(self, row: Row, entry: dict[str, Any], constraint: str) -> None:
        name = row.get("name")
        message = self.b.text(row.texts.get("constraint_message", {}), row=row, question=name)
        if message is None:
            message = self.b.plain("Sorry, this response is invalid.")
        tree = _parsed(constraint)
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


def _parsed(source: str) -> xp.Node | None:
    try:
        return xp.parse(source)
    except xp.XPathError:
        return None


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
