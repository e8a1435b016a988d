"""The columns of an exported dataset: names, labels and values, as the codebook has them.

One column per variable of the response format (docs/responses.md), in the codebook's
order: the hidden variables, then each question's variables in sequence order (a
ranking's list, then each item's rank, as the codebook derives them), a computed value
at its place. A roster's variables (its item first) are the columns of the roster's own
long table. ``_order`` (the order shown) is no column.

Names and labels are the codebook's (``renderers/qdef-render-codebook``): the variable
label is the question text, and for a part `` – `` and the row, column, field or option
label, built by the same rules as the codebook's ``label`` column; value labels are the
option (scale column) texts, a scale column's description in parentheses. qdef may not
import an outside plugin, so the rules are written here again, and
``tests/test_data_export_codebook.py`` holds the two to each other on every instrument.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from qdef.model import (
    CheckColumn,
    Computed,
    DateFollowup,
    DateInput,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberFollowup,
    NumberInput,
    NumberListQuestion,
    Question,
    RankingQuestion,
    SingleChoice,
    TextFollowup,
    TextInput,
    TextListQuestion,
)
from qdef.pipeline.compiled import Compiled
from qdef.routing.plan import Plan, VarInfo

#: Separates the question text from a part's label (the codebook's ``DASH``).
DASH = " – "

#: What a column holds. ``code``: one code of :attr:`Column.values`; ``codes``: a
#: multiple choice's or ranking's codes (written separated by spaces, as qdef's CSV);
#: ``rank``: an item's rank (derived from its ranking); ``check``/``truth``: true or
#: false; ``integer``/``number``: numbers; ``date``: ISO text at its precision.
ColumnKind = Literal["code", "codes", "rank", "check", "truth", "integer", "number", "date", "text"]

#: The few words of the codebook's own wording that labels use, by primary language.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "from": "from",
        "to": "to",
        "rank_of": "rank of {label}",
        "item_label": "item of the roster {roster}",
    },
    "de": {
        "from": "von",
        "to": "bis",
        "rank_of": "Rang von {label}",
        "item_label": "Eintrag der Wiederholung {roster}",
    },
}


@dataclass(frozen=True, slots=True)
class Column:
    """One variable of the dataset."""

    name: str
    """The qdef variable name (the codebook's ``variable``)."""
    label: str
    """The variable label (the codebook's ``label``)."""
    kind: ColumnKind
    values: tuple[tuple[str, str], ...] = ()
    """For ``code``: each (qdef code, label), in the order the options are written."""
    question: str = ""
    """The question whose being shown decides whether the variable was asked ("" for a
    hidden variable)."""
    position: int = -1
    """The question's (computed value's) position in the sequence; -1 hidden."""
    option: str | None = None
    """For a follow-up: the code of its option (asked only with it chosen)."""
    row: str | None = None
    """For a row's part (matrix, grid, dual scale): the row's code (asked only offered)."""
    roster: str | None = None
    """The roster whose long table has this column."""
    source: str = ""
    """The response key the value is read from (a rank column: its ranking)."""
    lower: float | None = None
    """A number's ``min`` (missing-value codes are chosen below it)."""

    @property
    def key(self) -> str:
        return self.source or self.name


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns of the main table and of each roster's long table."""

    main: tuple[Column, ...]
    rosters: Mapping[str, tuple[Column, ...]]


def layout(compiled: Compiled, lang: str | None = None) -> Layout:
    """The columns of ``compiled``'s dataset, labelled in ``lang`` (default: the
    instrument's language)."""
    return _Builder(compiled, lang or compiled.instrument.language).layout()


class _Builder:
    def __init__(self, compiled: Compiled, lang: str) -> None:
        self.compiled = compiled
        self.plan: Plan = compiled.plan
        self.lang = lang
        self.words = _WORDS.get(lang.partition("-")[0].lower(), _WORDS["en"])

    def text(self, value: str | Mapping[str, str] | None) -> str:
        """An instrument text in the language, without surrounding blanks."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        found = value.get(self.lang)
        return (found if found is not None else next(iter(value.values()))).strip()

    def part(self, value: str | Mapping[str, str] | None) -> str:
        """A part's label (row, column, field, option): a trailing colon dropped."""
        return self.text(value).rstrip(":").rstrip()

    def followup_part(self, owner: str, followup: TextInput | NumberInput | DateInput) -> str:
        own = " ".join(
            text
            for text in (self.part(followup.label), self.part(followup.suffix))
            if any(char.isalnum() for char in text)
        )
        if not own:
            return owner
        if not owner:
            return own
        return f"{owner} {own}" if own.startswith("(") else f"{owner}{DASH}{own}"

    def layout(self) -> Layout:
        plan = self.plan
        questions = {question.id: question for _, question in self.compiled.instrument.questions()}
        items = {roster.item: roster for roster in plan.rosters.values()}
        found: list[tuple[int, int, Column]] = [(-1, 1, self.hidden(info)) for info in plan.hidden]
        for info in plan.variables.values():
            if info.name in items:
                roster = items[info.name]
                found.append((info.position, 0, self.item(info, roster.id)))
                continue
            question = questions[info.question]
            column = self.variable(info, question)
            found.append((info.position, 1, column))
            if isinstance(question, RankingQuestion):
                found.extend((info.position, 1, rank) for rank in self.ranks(column, question))
        for step in plan.steps:
            if isinstance(step.question, Computed):
                found.append((step.position, 1, self.computed(step.question, step.roster)))
        found.sort(key=lambda item: item[:2])
        main = tuple(column for _, _, column in found if column.roster is None)
        rosters = {
            roster: tuple(column for _, _, column in found if column.roster == roster)
            for roster in plan.rosters
        }
        return Layout(main, rosters)

    # ------------------------------------------------------------ kinds of variables

    def hidden(self, info: VarInfo) -> Column:
        node = info.node
        label = self.text(node.label)
        if node.type == "choice":
            values = tuple((o.code, self.text(o.label)) for o in node.options)
            return Column(info.name, label, "code", values, source=info.name)
        kind: ColumnKind = "text"
        lower = None
        if node.type == "number":
            kind = "integer" if node.kind == "integer" else "number"
            lower = node.min
        elif node.type == "date":
            kind = "date"
        return Column(info.name, label, kind, lower=lower)

    def computed(self, question: Computed, roster: str | None) -> Column:
        variable = self.compiled.symbols.variables.get(question.id)
        vtype = variable.type if variable is not None else None
        kind: ColumnKind = "text"
        if vtype is not None and vtype.kind == "number":
            kind = "integer" if vtype.integer else "number"
        elif vtype is not None and vtype.kind in ("date", "truth"):
            kind = "date" if vtype.kind == "date" else "truth"
        position = self.plan.symbols.positions[question.id]
        return Column(
            question.id,
            self.text(question.label),
            kind,
            question=question.id,
            position=position,
            roster=roster,
        )

    def item(self, info: VarInfo, roster: str) -> Column:
        label = self.words["item_label"].format(roster=roster)
        kind: ColumnKind = "text"
        values: tuple[tuple[str, str], ...] = ()
        if info.kind == "choice":
            node = info.node
            options = node.options if isinstance(node, MultipleChoice) else ()
            values = tuple((o.code, self.text(o.label)) for o in options)
            kind = "code"
        elif info.kind == "number":
            kind = "integer"
        return Column(info.name, label, kind, values, roster=roster, lower=1)

    def ranks(self, column: Column, question: RankingQuestion) -> list[Column]:
        return [
            Column(
                f"{question.id}.{option.code}",
                DASH.join(
                    [
                        self.text(question.text),
                        self.words["rank_of"].format(label=self.part(option.label)),
                    ]
                ),
                "rank",
                question=column.question,
                position=column.position,
                roster=column.roster,
                source=question.id,
                row=option.code,
                lower=1,
            )
            for option in question.options
        ]

    def variable(self, info: VarInfo, question: Question) -> Column:
        """The column of the variable ``info`` of ``question`` (the codebook's ``row``)."""
        assert not isinstance(question, Computed)
        parts: list[str] = []
        node = info.node
        row: str | None = None
        values: tuple[tuple[str, str], ...] = ()
        if isinstance(question, SingleChoice | MultipleChoice) and info.option is None:
            kind: ColumnKind = "code" if isinstance(question, SingleChoice) else "codes"
            values = tuple((o.code, self.text(o.label)) for o in question.options)
        elif isinstance(question, SingleChoice | MultipleChoice):
            option = next(o for o in question.options if o.code == info.option)
            assert isinstance(node, TextFollowup | NumberFollowup | DateFollowup)
            parts.append(self.followup_part(self.part(option.label), node))
            kind = _input_kind(node)
        elif isinstance(question, DateRangeQuestion):
            end = info.name.rpartition(".")[2]
            given = question.from_label if end == "from" else question.to_label
            parts.append(self.part(given) or self.words[end])
            kind = "date"
        elif isinstance(question, TextListQuestion):
            parts.append(self.part(node.label) or node.code)
            kind = "text"
        elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
            kind, values, row = self.rows_part(question, info, parts)
        elif isinstance(question, RankingQuestion):
            kind = "codes"
            values = tuple((o.code, self.text(o.label)) for o in question.options)
        elif isinstance(question, NumberListQuestion):
            parts.append(self.part(node.label))
            kind = _input_kind(node)
        else:
            kind = _input_kind(node)
        label = DASH.join([self.text(question.text), *(p for p in parts if p)])
        return Column(
            info.name,
            label,
            kind,
            values,
            question=info.question,
            position=info.position,
            option=info.option,
            row=row,
            roster=info.roster,
            lower=getattr(node, "min", None) if kind in ("integer", "number") else None,
        )

    def rows_part(
        self,
        question: MatrixQuestion | GridQuestion | DualMatrixQuestion,
        info: VarInfo,
        parts: list[str],
    ) -> tuple[ColumnKind, tuple[tuple[str, str], ...], str]:
        """A matrix row, a grid cell, a dual-scale cell or a row's follow-up: its kind,
        values and row code; its label parts are appended to ``parts``."""
        node = info.node
        if isinstance(node, TextFollowup):  # the follow-up of a ("Sonstiges") row
            row = next(
                r for r in question.rows if r.specify is not None and r.specify.id == node.id
            )
            parts.append(self.followup_part(self.part(row.label), node))
            return "text", (), row.code
        row_code, _, column_code = info.name[len(question.id) + 1 :].partition(".")
        row = next(r for r in question.rows if r.code == row_code)
        parts.append(self.part(row.label))
        if isinstance(question, MatrixQuestion):
            return "code", self.scale(question.scale), row_code
        if isinstance(question, DualMatrixQuestion):
            scale = next(s for s in question.scales if s.code == column_code)
            parts.append(self.part(scale.label))
            return "code", self.scale(scale.columns), row_code
        column = next(c for c in question.columns if c.code == column_code)
        parts.append(self.part(column.label))
        if isinstance(column, CheckColumn):
            return "check", (), row_code
        return _input_kind(column), (), row_code

    def scale(self, columns: Sequence[object]) -> tuple[tuple[str, str], ...]:
        found: list[tuple[str, str]] = []
        for column in columns:
            label = self.text(getattr(column, "label", None))
            description = getattr(column, "description", None)
            if description is not None:
                label += f" ({self.text(description)})"
            found.append((str(getattr(column, "code", "")), label))
        return tuple(found)


def _input_kind(node: object) -> ColumnKind:
    if isinstance(node, NumberInput):
        return "integer" if node.kind == "integer" else "number"
    if isinstance(node, DateInput):
        return "date"
    return "text"


__all__ = ["DASH", "Column", "ColumnKind", "Layout", "layout"]
