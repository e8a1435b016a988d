"""Questions of several parts (date ranges, text and number lists, matrices, grids,
rankings) as ``field-list`` groups, the rules of every question as constraints, and
computed values as calculations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qdef.expr import resolved
from qdef.model import (
    CheckColumn,
    Computed,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    NumberListQuestion,
    RankingQuestion,
    TextListQuestion,
)
from qdef.renderers.xlsform.base import Asked
from qdef.renderers.xlsform.inputs import InputLowering
from qdef.renderers.xlsform.texts import (
    Row,
    Text,
    XlsformError,
    escape,
    language_name,
)
from qdef.renderers.xlsform.xpath import UnsupportedError, number


class PartLowering(InputLowering):
    """Questions of several parts, checks and computed values."""

    def group(self, q: Asked, relevant: str, where: str, appearance: str = "field-list") -> None:
        row: Row = {
            "type": "begin_group",
            "name": self.claim(q.id, where),
            "appearance": appearance,
        }
        row.update(self.label_of(q, where))
        if relevant:
            row["relevant"] = relevant
        self.rows.append(row)

    def end(self, q: Asked) -> None:
        self.rows.append({"type": "end_group", "name": q.id})

    def part(
        self, type_: str, name: str, label: Text | None, where: str, *, required: bool = False
    ) -> Row:
        row: Row = {
            "type": type_,
            "name": self.claim(self.nodes[name].names[0] if name in self.nodes else name, where),
        }
        # ODK needs a label on every question: a field without one shows its code
        row.update(self.texts("label", name.rsplit(".", 1)[-1] if label is None else label))
        if required:
            row["required"] = "yes"
        return row

    def any_of(self, names: Sequence[str], own: str) -> str:
        """``required`` of one part of a question answered as a whole when any part is:
        required while none of the others is answered."""
        others = [f"${{{self.nodes[n].names[0]}}} = ''" for n in names if n != own]
        return " and ".join(others) if others else "yes"

    def daterange(
        self,
        q: DateRangeQuestion,
        step: Any,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        self.group(q, relevant, where)
        catalogs = {lang: self.catalog_for(lang) for lang in self.languages}
        names = [f"{q.id}.from", f"{q.id}.to"]
        for end, label, key in (("from", q.from_label, "date_from"), ("to", q.to_label, "date_to")):
            row = self.part("date", f"{q.id}.{end}", None, where, required=q.required)
            row.update(self.input_date(q))
            if label is not None:
                row.update(self.plain("label", label))
            else:
                row.update(self.wording(catalogs, key, where, (*path, f"{end}_label")))
            if end == "to":
                start = self.nodes[names[0]].names[0]
                row["_own"] = (row.get("_own", "") + " and " if row.get("_own") else "") + (
                    f"(${{{start}}} = '' or "
                    f"decimal-date-time(.) >= decimal-date-time(${{{start}}}))"
                )
            self.rows.append(row)
        self.end(q)

    def wording(
        self, catalogs: Mapping[str, Any], key: str, where: str, path: tuple[str | int, ...]
    ) -> Row:
        """qdef's own wording in every language of the form, or a refusal naming the
        key of the instrument that would hold the text instead."""
        row: Row = {}
        for lang, found in catalogs.items():
            if found is None or key not in found:
                raise XlsformError(
                    where,
                    path,
                    f"qdef's wording in {lang!r} (it has none for that language)",
                    f"give the text yourself: {path[-1]}",
                )
            row[f"label::{language_name(lang)}"] = escape(found(key))
        return row

    def input_date(self, q: Any) -> Row:
        row: Row = {}
        self.input_row(_DateLike(q.precision, q.min, q.max), row, "", ())
        row.pop("type", None)
        return row

    def textlist(
        self, q: TextListQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self._fields(q, "text", relevant, where, path)

    def numbers(
        self,
        q: NumberListQuestion,
        step: Any,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        self._fields(q, "integer", relevant, where, path)

    def _fields(
        self,
        q: TextListQuestion | NumberListQuestion,
        kind: str,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        """A text or number list: a group of one row per field (``kind``, refined by the
        field's input), required as a whole: at least one field answered."""
        self.group(q, relevant, where)
        names = [f"{q.id}.{f.code}" for f in q.fields]
        for name, field_ in zip(names, q.fields, strict=True):
            row = self.part(kind, name, field_.label, where)
            self.input_row(field_, row, where, path)
            self.add_hint(row, self.affixes(field_, skip_label=True))
            if q.required:
                row["required"] = self.any_of(names, name)
                row["_required"] = "web_required_field"
            self.rows.append(row)
        self.end(q)

    def rows_offered(
        self, q: Any, step: Any, row_code: str, where: str, path: tuple[str | int, ...]
    ) -> str:
        condition = step.option_when.get(row_code)
        return self.compile(condition, where, (*path, "rows")) if condition is not None else ""

    def matrix(
        self, q: MatrixQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        items = [
            (
                c.code,
                c.label
                if c.description is None
                else _described(c.label, c.description, self.languages),
            )
            for c in q.scale
        ]
        name = self.choice_list("scale", q.id, items)
        for r in q.rows:
            row = self.part(
                f"select_one {name}", f"{q.id}.{r.code}", r.label, where, required=q.required
            )
            offered = self.rows_offered(q, step, r.code, where, path)
            if offered:
                row["relevant"] = offered
            self.rows.append(row)
            self.row_followup(q, r, offered, where)
        self.end(q)

    def row_followup(self, q: Any, r: Any, offered: str, where: str) -> None:
        if r.specify is None:
            return
        row: Row = {"name": self.claim(r.specify.id, where)}
        if offered:
            row["relevant"] = offered
        self.input_row(r.specify, row, where, ())
        row.update(
            self.texts(
                "label", r.specify.label if r.specify.label is not None else r.label, pipe=where
            )
        )
        self.add_hint(row, self.affixes(r.specify, skip_label=True))
        if r.specify.required:
            row["required"] = "yes"
        self.rows.append(row)

    def dualmatrix(
        self,
        q: DualMatrixQuestion,
        step: Any,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        self.group(q, relevant, where)
        lists = [
            self.choice_list(
                f"scale_{s.code}",
                q.id,
                [
                    (
                        c.code,
                        c.label
                        if c.description is None
                        else _described(c.label, c.description, self.languages),
                    )
                    for c in s.columns
                ],
            )
            for s in q.scales
        ]
        for r in q.rows:
            offered = self.rows_offered(q, step, r.code, where, path)
            for s, name in zip(q.scales, lists, strict=True):
                label = {
                    lang: f"{self.one(r.label, lang)} – {self.one(s.label, lang)}"
                    for lang in self.languages
                }
                row = self.part(
                    f"select_one {name}",
                    f"{q.id}.{r.code}.{s.code}",
                    label,
                    where,
                    required=q.required,
                )
                if offered:
                    row["relevant"] = offered
                self.rows.append(row)
            self.row_followup(q, r, offered, where)
        self.end(q)

    def grid(
        self, q: GridQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        for r in q.rows:
            offered = self.rows_offered(q, step, r.code, where, path)
            cells = [f"{q.id}.{r.code}.{c.code}" for c in q.columns]
            exclusive = [
                n
                for n, c in zip(cells, q.columns, strict=True)
                if isinstance(c, CheckColumn) and c.exclusive
            ]
            for name, column in zip(cells, q.columns, strict=True):
                label = {
                    lang: f"{self.one(r.label, lang)} – {self.one(column.label, lang)}"
                    for lang in self.languages
                }
                if isinstance(column, CheckColumn):
                    row = self.part("acknowledge", name, label, where)
                else:
                    row = self.part("text", name, label, where)
                    self.input_row(column, row, where, path)
                    self.add_hint(row, self.affixes(column, skip_label=True))
                if q.required:
                    row["required"] = self.any_of(cells, name)
                    row["_required"] = "web_required_row"
                if offered:
                    row["relevant"] = offered
                others = [f"${{{self.nodes[n].names[0]}}} = ''" for n in cells if n != name]
                if name in exclusive and others:
                    own = " and ".join(others)
                    row["_own"] = f"{row['_own']} and {own}" if row.get("_own") else own
                elif exclusive and name not in exclusive:
                    own = " and ".join(f"${{{self.nodes[n].names[0]}}} != 'OK'" for n in exclusive)
                    row["_own"] = f"{row['_own']} and {own}" if row.get("_own") else own
                self.rows.append(row)
            self.row_followup(q, r, offered, where)
        self.end(q)

    def ranking(
        self, q: RankingQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        name = self.choice_list("ranking", q.id, [(o.code, o.label) for o in q.options])
        slots = self.nodes[q.id].names
        offered = [self.filtered_one(step, o.code, where, path) for o in q.options]
        count = " + ".join(f"if({t}, 1, 0)" if t else "1" for t in offered)
        for k, slot in enumerate(slots, 1):
            row: Row = {"type": f"select_one {name}", "name": self.claim(slot, where)}
            row.update({f"label::{language_name(lang)}": f"{k}." for lang in self.languages})
            conditions = []
            if k > 1:
                conditions.append(f"${{{slots[k - 2]}}} != ''")
            if any(offered):
                conditions.append(f"({count}) >= {k}")
            if conditions:
                row["relevant"] = " and ".join(conditions)
            if q.required:
                row["required"] = "yes"
            excluded = [f"name != ${{{s}}}" for s in slots[: k - 1]]
            choice_filter = self.filtered(step, [o.code for o in q.options], where, path)
            parts = [*excluded, *([choice_filter] if choice_filter else [])]
            if parts:
                row["choice_filter"] = " and ".join(parts)
            self.rows.append(row)
        self.end(q)

    def filtered_one(self, step: Any, code: str, where: str, path: tuple[str | int, ...]) -> str:
        condition = step.option_when.get(code)
        return self.compile(condition, where, path) if condition is not None else ""

    def checks(
        self, question: Asked, step: Any, start: int, where: str, path: tuple[str | int, ...]
    ) -> None:
        """The rules (and a number list's total) on every answer node of the question:
        ODK checks a constraint when its node is answered, qdef a rule when any of
        the question's variables is, so a failing rule stops each answered part."""
        rules = [
            (r, rule.message) for r, rule in zip(step.rules, question.rules or (), strict=False)
        ]
        if (
            step.total is not None
            and isinstance(question, NumberListQuestion)
            and question.total is not None
        ):
            total = question.total
            message = total.message
            if message is None:
                message = self.total_message(total)
            rules.append((step.total, message))
        checks = [self.compile(expr, where, (*path, "rules")) or "true()" for expr, _ in rules]
        messages = [m for _, m in rules if m is not None]
        own = {n for v in step.variables if v in self.nodes for n in self.nodes[v].names}
        for row in self.rows[start:]:
            constraint = [
                c for c in (row.pop("_own", ""), *(checks if row.get("name") in own else ())) if c
            ]
            pattern_message = row.pop("_messages", None)
            if not constraint:
                continue
            row["constraint"] = " and ".join(f"({c})" if " or " in c else c for c in constraint)
            texts: list[Text] = [pattern_message] if pattern_message is not None else []
            if row.get("name") in own:
                texts += messages
            if texts:
                row.update(self.message("constraint_message", texts, where))

    def required_message(self, key: str) -> Row:
        """qdef's message for an unanswered required question, in the languages qdef
        has wording for (ODK shows its own in the others)."""
        row: Row = {}
        for lang in self.languages:
            found = self.catalog_for(lang)
            if found is not None and key in found:
                row[f"required_message::{language_name(lang)}"] = escape(found(key))
        return row

    def total_message(self, total: Any) -> Text:
        result: dict[str, str] = {}
        for lang in self.languages:
            found = self.catalog_for(lang)
            key = "total_equals_message" if total.equals is not None else "total_at_most_message"
            value = total.equals if total.equals is not None else total.at_most
            result[lang] = (
                found(key, total=number(value)) if found is not None and key in found else ""
            )
        return result if all(result.values()) else None

    def computed(self, q: Computed, relevant: str, where: str, path: tuple[str | int, ...]) -> None:
        expr = self.compiled.condition((*path, "value"))
        if expr is None:
            from qdef.expr import parse  # noqa: PLC0415

            expr = parse(q.value)
        expr = resolved(expr, self.symbols)
        kind = self.nodes[q.id].kind
        try:
            if kind == "number":
                value = self.compiler.value(expr)
                calc = f"if({value} = {value}, {value}, '')"
            elif kind == "truth":
                calc = self.compiler.truth_text(expr)
            elif kind == "date":
                calc = self.compiler.date(expr)
            else:
                calc = self.compiler.text(expr)
        except UnsupportedError as refused:
            raise XlsformError(
                where, (*path, "value"), refused.what, "write it without that"
            ) from None
        row: Row = {"type": "calculate", "name": self.claim(q.id, where), "calculation": calc}
        if relevant:
            row["relevant"] = relevant
        self.rows.append(row)


@dataclass
class _DateLike:
    precision: str
    min: str | None
    max: str | None


def _described(label: Text, description: Text, languages: Sequence[str]) -> dict[str, str]:
    def one(value: Text, lang: str) -> str:
        if isinstance(value, str):
            return value
        # a text not translated into lang: in the instrument's own language (languages[0])
        return str(value.get(lang, value[languages[0]]))

    return {lang: f"{one(label, lang)} ({one(description, lang)})" for lang in languages}
