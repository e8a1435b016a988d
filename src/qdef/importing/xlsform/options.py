"""The options of a select question: its choice list, choice filters (each option's
``when``, or qdef's ``filter``), ``or_other``, widgets and ``randomize``."""

from __future__ import annotations

from typing import Any

from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform import xpath as xp
from qdef.importing.xlsform.columns import QType
from qdef.importing.xlsform.fixing import Fix
from qdef.importing.xlsform.sheets import Row, escape
from qdef.importing.xlsform.state import State, parameters_of, parsed_or_none

_SELECT_WIDGETS = {
    "minimal": "dropdown",
    "horizontal": "buttons",
    "horizontal-compact": "buttons",
    "columns": "buttons",
    "columns-pack": "buttons",
    "likert": "buttons",
}


class Options(State):
    """A select question's options."""

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
        tree = parsed_or_none(source) if source else None
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
