"""Questions of one answer, lowered to XLSForm rows: choices (with their follow-ups,
filters and random order), text, number and date inputs with their checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdef.expr import FORMATS
from qdef.model import (
    DateQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    MultipleOption,
    NumberQuestion,
    RankingQuestion,
    SingleChoice,
    TextQuestion,
)
from qdef.renderers.xlsform.base import Asked, LoweringBase
from qdef.renderers.xlsform.texts import (
    Row,
    XlsformError,
    escape,
    language_name,
    odk_regex,
)
from qdef.renderers.xlsform.xpath import full_date, number, string


class InputLowering(LoweringBase):
    """Questions of one answer."""

    def label_of(self, question: Asked, where: str) -> Row:
        row = self.texts("label", question.text, pipe=where)
        number_ = self.compiled.numbers.get(question.id)
        if number_ is not None:
            row = {k: f"{escape(number_)}. {v}" for k, v in row.items()}
        hint = self.texts("hint", question.hint, pipe=where)
        row.update(hint)
        row.update(self.texts("guidance_hint", question.help, pipe=where))
        return row

    def base(self, type_: str, name: str, question: Asked, relevant: str, where: str) -> Row:
        row: Row = {"type": type_, "name": self.claim(name, where)}
        row.update(self.label_of(question, where))
        if relevant:
            row["relevant"] = relevant
        if question.required:
            row["required"] = "yes"
        return row

    def random(self, question: Any, where: str, path: tuple[str | int, ...]) -> None:
        """Random order XLSForm keeps: the choices of a list, all of them
        (``randomize=true``); rows, ranking items and anchors it cannot keep."""
        if self.written_order:
            return
        rows = isinstance(question, MatrixQuestion | DualMatrixQuestion | GridQuestion)
        if rows or isinstance(question, RankingQuestion) or _anchors(question):
            what = (
                "rows"
                if rows
                else "ranking items"
                if isinstance(question, RankingQuestion)
                else "options with an anchor"
            )
            raise XlsformError(
                where,
                (*path, "order"),
                f"random order of {what}",
                "XLSForm shuffles every choice of a list (randomize=true) and no rows; render "
                "with -O order=written to keep the written order, or remove order: random",
            )

    def randomize(self, question: SingleChoice | MultipleChoice, row: Row) -> None:
        if question.order == "random" and not _anchors(question):
            row["parameters"] = "randomize=true"

    def filtered(
        self, step: Any, codes: Sequence[str], where: str, path: tuple[str | int, ...]
    ) -> str:
        """The ``choice_filter`` of the options offered only under a condition."""
        parts = []
        for code in codes:
            condition = step.option_when.get(code)
            if condition is None:
                continue
            test = self.compile(condition, where, (*path, "filter"))
            parts.append(f"(name != {string(code)} or {test})" if test else "")
        return " and ".join(p for p in parts if p)

    def single(
        self, q: SingleChoice, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        name = self.choice_list("single", q.id, [(o.code, o.label) for o in q.options])
        row = self.base(f"select_one {name}", q.id, q, relevant, where)
        appearance = {"dropdown": "minimal", "buttons": "columns-pack"}.get(q.widget)
        if appearance:
            row["appearance"] = appearance
        choice_filter = self.filtered(step, [o.code for o in q.options], where, path)
        if choice_filter:
            row["choice_filter"] = choice_filter
        if q.default is not None:
            row["default"] = q.default
        self.randomize(q, row)
        self.rows.append(row)
        self.followups(q, f"${{{q.id}}} = ", where, path)

    def multiple(
        self, q: MultipleChoice, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        name = self.choice_list("multiple", q.id, [(o.code, o.label) for o in q.options])
        row = self.base(f"select_multiple {name}", q.id, q, relevant, where)
        choice_filter = self.filtered(step, [o.code for o in q.options], where, path)
        if choice_filter:
            row["choice_filter"] = choice_filter
        if q.default is not None:
            row["default"] = " ".join(q.default)
        constraints = []
        exclusive = [o.code for o in q.options if o.exclusive]
        for code in exclusive:
            constraints.append(f"not(selected(., {string(code)}) and count-selected(.) > 1)")
        alone = " or ".join(f"selected(., {string(c)})" for c in exclusive)
        if q.min_choices:
            test = f"count-selected(.) >= {q.min_choices}"
            constraints.append(f"({alone} or {test})" if alone else test)
        if q.max_choices:
            constraints.append(f"count-selected(.) <= {q.max_choices}")
        if constraints:
            row["_own"] = " and ".join(constraints)
        self.randomize(q, row)
        self.rows.append(row)
        self.followups(q, "selected(${" + q.id + "}, ", where, path)

    def followups(
        self, q: SingleChoice | MultipleChoice, test: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        for o, option in enumerate(q.options):
            for f, followup in enumerate(option.specify or ()):
                chosen = test + string(option.code) + (")" if test.startswith("selected") else "")
                row: Row = {"name": self.claim(followup.id, where), "relevant": chosen}
                if self.roster is not None:
                    row["relevant"] = f"${{{self.repeats[self.roster][0]}}} != '' and {chosen}"
                self.input_row(followup, row, where, (*path, "options", o, "specify", f))
                label = followup.label if followup.label is not None else option.label
                row.update(self.texts("label", label, pipe=where))
                self.add_hint(row, self.affixes(followup, skip_label=True))
                if followup.required:
                    row["required"] = "yes"
                self.rows.append(row)

    def affixes(self, element: Any, *, skip_label: bool = False) -> Row:
        """An input's label, unit and suffix, as the hint (XLSForm has one label)."""
        parts = [] if skip_label else [getattr(element, "label", None)]
        parts += [getattr(element, "unit", None), getattr(element, "suffix", None)]
        parts = [p for p in parts if p is not None]
        if not parts:
            return {}
        row: Row = {}
        for lang in self.languages:
            texts = [self.piped(self.one(p, lang), lang, None) for p in parts]
            row[f"hint::{language_name(lang)}"] = " ".join(texts)
        return row

    @staticmethod
    def add_hint(row: Row, extra: Row) -> None:
        """An input's affixes after the question's own hint, where it has one."""
        for column, text in extra.items():
            row[column] = f"{row[column]} {text}" if row.get(column) else text

    def input_row(self, element: Any, row: Row, where: str, path: tuple[str | int, ...]) -> None:
        """Type, appearance and the checks of an input (text, number or date)."""
        kind = getattr(element, "type", None) or getattr(element, "input", None)
        if isinstance(element, TextQuestion) or kind == "text" or hasattr(element, "max_length"):
            row["type"] = "text"
            if getattr(element, "long", False):
                row["appearance"] = "multiline"
            checks = []
            if element.max_length is not None:
                checks.append(f"string-length(.) <= {element.max_length}")
            for regex in (
                FORMATS[element.format] if element.format else None,
                element.pattern.regex if element.pattern else None,
            ):
                if regex is not None:
                    written = odk_regex(regex)
                    if "\\u{" in written:
                        raise XlsformError(
                            where,
                            path,
                            "a pattern with a character beyond U+FFFF",
                            "ODK's regex() reads such a character as two; "
                            "leave it out of the pattern",
                        )
                    checks.append(f"regex(., {string(written)})")
            if checks:
                row["_own"] = " and ".join(checks)
            if element.pattern is not None and element.pattern.message is not None:
                row["_messages"] = element.pattern.message
        elif hasattr(element, "kind"):
            row["type"] = "integer" if element.kind == "integer" else "decimal"
            checks = []
            if element.min is not None:
                checks.append(f". >= {number(element.min)}")
            if element.max is not None:
                checks.append(f". <= {number(element.max)}")
            if checks:
                row["_own"] = " and ".join(checks)
        else:
            row["type"] = "date"
            appearance = {"month": "month-year", "year": "year"}.get(element.precision)
            if appearance:
                row["appearance"] = appearance
            checks = []
            if element.min is not None:
                checks.append(
                    f"decimal-date-time(.) >= decimal-date-time({string(full_date(element.min))})"
                )
            if element.max is not None:
                checks.append(
                    f"decimal-date-time(.) <= decimal-date-time({string(full_date(element.max))})"
                )
            if checks:
                row["_own"] = " and ".join(checks)

    def text(
        self, q: TextQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        row = self.base("text", q.id, q, relevant, where)
        self.input_row(q, row, where, path)
        self.add_hint(row, self.affixes(q))
        if q.default is not None:
            row["default"] = self.default_text(q.default, where, (*path, "default"))
        self.rows.append(row)

    def number(
        self, q: NumberQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        row = self.base("integer", q.id, q, relevant, where)
        self.input_row(q, row, where, path)
        self.add_hint(row, self.affixes(q))
        if q.step is not None:
            low = number(q.min) if q.min is not None else "0"
            ratio = f"((. - {low}) div {number(q.step)})"
            tolerance = "0.000000001"  # as qdef checks a step
            grid = (
                f"{ratio} - round({ratio}) <= {tolerance} and "
                f"round({ratio}) - {ratio} <= {tolerance}"
            )
            row["_own"] = f"{row['_own']} and {grid}" if row.get("_own") else grid
        if q.widget == "slider":
            assert q.min is not None and q.max is not None
            if (q.step or 1) > q.max - q.min:
                raise XlsformError(
                    where,
                    (*path, "step"),
                    "a slider whose step is larger than its range",
                    "ODK's range needs a step within max - min; make the step smaller",
                )
            row["type"] = "range"
            row["parameters"] = (
                f"start={number(q.min)} end={number(q.max)} step={number(q.step or 1)}"
            )
        if q.default is not None:
            row["default"] = number(q.default)
        self.rows.append(row)

    def date(
        self, q: DateQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        row = self.base("date", q.id, q, relevant, where)
        self.input_row(q, row, where, path)
        self.add_hint(row, self.affixes(q))
        if q.default is not None:
            row["default"] = full_date(q.default)
        self.rows.append(row)


def _anchors(question: Any) -> bool:
    """Whether an option of a single or multiple choice stays at its place in random
    order: ``anchor: true``, or by default an exclusive option or one with ``specify``."""
    if not isinstance(question, SingleChoice | MultipleChoice):
        return False
    for option in question.options:
        exclusive = isinstance(option, MultipleOption) and option.exclusive
        if option.anchor or (option.anchor is None and (exclusive or option.specify)):
            return True
    return False
