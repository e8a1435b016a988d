"""The codebook's rows: one per variable, in sequence order.

The variables are those of qdef's routing plan (``compiled.plan.variables``):
every name an answer is stored under in a response (docs/responses.md). Each
row says what the variable is (label, type, values, unit), when it can have a
value (the question's reaching condition, and for an option's follow-up that
the option is chosen), whether it is required and whether it is personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qdef.expr import And, Compare, Expr, Has, Literal, Ref, to_source
from qdef.model import (
    CheckColumn,
    DateFollowup,
    DateInput,
    DateRangeQuestion,
    GridColumn,
    GridQuestion,
    ListField,
    MatrixQuestion,
    MatrixRow,
    MultipleChoice,
    NumberFollowup,
    NumberInput,
    Option,
    Question,
    SingleChoice,
    TextFollowup,
    TextInput,
    TextListQuestion,
)
from qdef.rendering import Compiled, RenderError, RenderOptions, VarInfo
from qdef.routing import Budget

from qdef_render_codebook.wording import wording_for

#: Separates the question text from the part's label, and the parts of a label.
DASH = " – "
#: Separates values (codes, notes) in one cell.
SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class Row:
    """One variable of the codebook, in the rendered language."""

    variable: str
    number: str
    question: str
    label: str
    type: str
    values: str
    unit: str
    asked_when: str
    required: bool
    personal: bool


@dataclass(frozen=True, slots=True)
class _Kind:
    """What kind of value a variable holds: type, values and unit, as cells."""

    type: str
    values: str = ""
    unit: str = ""


def rows(compiled: Compiled, options: RenderOptions) -> list[Row]:
    """The rows of the codebook of ``compiled``, one per variable, in sequence order."""
    plan = compiled.plan
    try:  # the analysis validation made: each question's reaching condition, as a tree
        reaching = {step.question.id: compiled.reaching(step.question.id) for step in plan.steps}
    except (Budget, RecursionError) as error:
        raise RenderError(
            "the routing of this instrument is too entangled to work out when each "
            "question is asked, so the codebook's 'asked when' column cannot be written; "
            "simplify its conditions (see docs/routing.md)"
        ) from error
    numbers = compiled.numbers
    questions = {question.id: question for _, question in compiled.instrument.questions()}
    builder = _Builder(options)
    return [
        builder.row(info, questions[info.question], numbers.get(info.question, ""), reaching)
        for info in plan.variables.values()
    ]


@dataclass(frozen=True, slots=True)
class _Parts:
    """A question's options, rows and columns by code, and its rows by follow-up id:
    made once per question, so that each variable's row is found without searching
    (a codebook is written in time linear in the size of each question)."""

    options: dict[str, Option]
    rows: dict[str, MatrixRow]
    columns: dict[str, GridColumn]
    followups: dict[str, MatrixRow]

    @staticmethod
    def of(question: Question) -> _Parts:
        options: dict[str, Option] = {}
        rows: dict[str, MatrixRow] = {}
        columns: dict[str, GridColumn] = {}
        followups: dict[str, MatrixRow] = {}
        if isinstance(question, SingleChoice | MultipleChoice):
            options = {option.code: option for option in question.options}
        if isinstance(question, MatrixQuestion | GridQuestion):
            rows = {row.code: row for row in question.rows}
            followups = {r.specify.id: r for r in question.rows if r.specify is not None}
        if isinstance(question, GridQuestion):
            columns = {column.code: column for column in question.columns}
        return _Parts(options, rows, columns, followups)


class _Builder:
    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self.words = wording_for(options.lang)
        self._parts: dict[str, _Parts] = {}
        self._scales: dict[str, _Kind] = {}

    def parts(self, question: Question) -> _Parts:
        """The options, rows and columns of ``question`` by code (made once)."""
        found = self._parts.get(question.id)
        if found is None:
            found = self._parts[question.id] = _Parts.of(question)
        return found

    # ------------------------------------------------------------ texts

    def text(self, value: str | Mapping[str, str] | None) -> str:
        """An instrument text in the rendered language, without surrounding blanks."""
        return "" if value is None else self.options.text(value).strip()

    def part(self, value: str | Mapping[str, str] | None) -> str:
        """A label of a part (row, column, field, option): a trailing colon dropped."""
        return self.text(value).rstrip(":").rstrip()

    def followup_part(self, owner: str, followup: TextInput | NumberInput | DateInput) -> str:
        """The label of a follow-up: its owner's (option or row) label, then the follow-up's
        own label and suffix where they say something (a parenthesized note attaches
        with a space: ``Sonstiges (bitte nennen)``)."""
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

    # ------------------------------------------------------------ kinds

    def input_kind(self, node: TextInput | NumberInput | DateInput | CheckColumn) -> _Kind:
        """Type, values and unit of a text, number or date input, or of a check box."""
        words = self.words
        if isinstance(node, CheckColumn):
            return _Kind(words["check"], words["ticked"])
        if isinstance(node, NumberInput):
            limits = _number_range(node.min, node.max)
            return _Kind(words[f"number_{node.kind}"], limits, self.text(node.unit))
        if isinstance(node, DateInput):
            return self.date_kind(node.precision, node.min, node.max)
        kind = words[f"text_{node.format}"] if node.format else words["text"]
        limit = words["max_length"].format(count=node.max_length) if node.max_length else ""
        return _Kind(kind, limit)

    def date_kind(self, precision: str, low: str | None, high: str | None) -> _Kind:
        values = [self.words[f"iso_{precision}"]]
        if low is not None and high is not None:
            values.append(f"{low}{DASH}{high}")
        elif low is not None:
            values.append(f"≥ {low}")
        elif high is not None:
            values.append(f"≤ {high}")
        return _Kind(self.words[f"date_{precision}"], SEPARATOR.join(values))

    def choice_kind(self, question: SingleChoice | MultipleChoice) -> _Kind:
        words = self.words
        if isinstance(question, SingleChoice):
            return _Kind(words["single"], self.codes(question.options))
        codes = SEPARATOR.join(
            f"{option.code} = "
            + (
                words["exclusive"].format(label=self.text(option.label))
                if option.exclusive
                else self.text(option.label)
            )
            for option in question.options
        )
        return _Kind(words["multiple"], words["list_of"].format(codes=codes))

    def codes(self, options: Sequence[Option]) -> str:
        return SEPARATOR.join(f"{option.code} = {self.text(option.label)}" for option in options)

    def scale_kind(self, question: MatrixQuestion) -> _Kind:
        """The values of a matrix's rows: the same for each row, so made once."""
        found = self._scales.get(question.id)
        if found is None:
            found = self._scales[question.id] = self._scale_kind(question)
        return found

    def _scale_kind(self, question: MatrixQuestion) -> _Kind:
        values = []
        for column in question.scale:
            label = self.text(column.label)
            if column.description is not None:
                label += f" ({self.text(column.description)})"
            values.append(f"{column.code} = {label}")
        return _Kind(self.words["single"], SEPARATOR.join(values))

    # ------------------------------------------------------------ rows

    def row(
        self, info: VarInfo, question: Question, number: str, reaching: Mapping[str, Expr]
    ) -> Row:
        """The row of the variable ``info`` of ``question``."""
        parts: list[str] = []
        personal = bool(getattr(question, "personal", False))
        required = bool(getattr(question, "required", False))
        condition: Expr = reaching.get(question.id, Literal(True))
        if isinstance(question, SingleChoice | MultipleChoice):
            if info.option is None:
                kind = self.choice_kind(question)
            else:  # a follow-up of an option: asked when its option is chosen
                option = self.parts(question).options[info.option]
                followup = info.node
                assert isinstance(followup, TextFollowup | NumberFollowup | DateFollowup)
                kind = self.input_kind(followup)
                parts.append(self.followup_part(self.part(option.label), followup))
                required = followup.required
                personal = personal or followup.personal
                condition = option_condition(condition, question, info.option)
        elif isinstance(question, DateRangeQuestion):
            end = info.name.rpartition(".")[2]  # from, to
            given = question.from_label if end == "from" else question.to_label
            parts.append(self.part(given) or self.words[end])
            kind = self.date_kind(question.precision, question.min, question.max)
        elif isinstance(question, TextListQuestion):
            field = info.node
            assert isinstance(field, ListField)
            parts.append(self.part(field.label) or field.code)
            kind = self.input_kind(field)
            personal = personal or field.personal
            required = False  # a required text list needs some field, not each
        elif isinstance(question, MatrixQuestion | GridQuestion):
            kind, required = self.rows_part(question, info, parts, required)
            if isinstance(info.node, TextFollowup):
                personal = personal or info.node.personal
        else:  # text, number, date question
            node = info.node
            assert isinstance(node, TextInput | NumberInput | DateInput)
            kind = self.input_kind(node)
        label = DASH.join([self.text(question.text), *(p for p in parts if p)])
        return Row(
            variable=info.name,
            number=number,
            question=question.id,
            label=label,
            type=kind.type,
            values=kind.values,
            unit=kind.unit,
            asked_when=to_source(condition),
            required=required,
            personal=personal,
        )

    def rows_part(
        self,
        question: MatrixQuestion | GridQuestion,
        info: VarInfo,
        parts: list[str],
        required: bool,
    ) -> tuple[_Kind, bool]:
        """A matrix row, a grid cell or a row's follow-up: its kind and whether it is
        required; its label parts are appended to ``parts``."""
        node = info.node
        parts_of = self.parts(question)
        if isinstance(node, TextFollowup):  # the follow-up of a ("Sonstiges") row
            row = parts_of.followups[node.id]
            parts.append(self.followup_part(self.part(row.label), node))
            return self.input_kind(node), node.required
        row_code, _, column_code = info.name[len(question.id) + 1 :].partition(".")
        row = parts_of.rows[row_code]
        parts.append(self.part(row.label))
        if isinstance(question, MatrixQuestion):
            return self.scale_kind(question), required  # a required matrix: every row
        column = parts_of.columns[column_code]
        parts.append(self.part(column.label))
        return self.input_kind(column), False  # a required grid: some cell per row


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_range(low: int | float | None, high: int | float | None) -> str:
    if low is not None and high is not None:
        return f"{_number(low)}–{_number(high)}"
    if low is not None:
        return f"≥ {_number(low)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return ""


def option_condition(reached: Expr, question: SingleChoice | MultipleChoice, code: str) -> Expr:
    """When a follow-up of the option ``code`` of ``question`` is asked: the question is
    ``reached`` and the option chosen (``q == "code"``, or ``q has "code"`` for a
    multiple choice). Printed by qdef's printer, so an ``or`` condition gets its
    parentheses."""
    ref, literal = Ref(question.id), Literal(code)
    chosen: Expr = (
        Compare("==", ref, literal) if isinstance(question, SingleChoice) else Has(ref, literal)
    )
    if reached == Literal(True):
        combined: Expr = chosen
    elif reached == Literal(False):  # never reached: never asked
        combined = reached
    elif isinstance(reached, And):
        combined = And((*reached.operands, chosen))
    else:
        combined = And((reached, chosen))
    return combined
