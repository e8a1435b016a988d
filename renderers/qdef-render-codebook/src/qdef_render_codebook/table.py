"""The codebook's rows: one per variable, in sequence order.

The variables are those of qdef's routing plan (``compiled.plan.variables``):
every name an answer is stored under in a response (docs/responses.md). Each
row says what the variable is (label, type, values, unit), when it can have a
value (the question's reaching condition, and for an option's follow-up that
the option is chosen), whether it is required and whether it is personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from qdef.expr import And, Compare, Expr, Has, Literal, Ref, to_source, variables_used
from qdef.model import (
    CheckColumn,
    Computed,
    DateFollowup,
    DateInput,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridColumn,
    GridQuestion,
    ListField,
    MatrixQuestion,
    MatrixRow,
    MultipleChoice,
    NumberField,
    NumberFollowup,
    NumberInput,
    NumberListQuestion,
    NumberQuestion,
    Option,
    Question,
    RankingOption,
    RankingQuestion,
    Scale,
    ScaleColumn,
    SingleChoice,
    TextFollowup,
    TextInput,
    TextListQuestion,
)
from qdef.rendering import Compiled, RenderError, RenderOptions, VarInfo
from qdef.routing import Budget, Step

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
    source: str = ""
    """Where the value comes from, when not (only) from the respondent: a hidden
    variable's URL parameter and default, a computed value's expression, a question's
    default answer."""
    depends_on: str = ""
    """The variables the question's texts pipe, its filter and its options' (rows')
    conditions use, or a computed value's expression uses."""
    checks: str = ""
    """The rules of the question and the pattern of the answer, each with its message."""
    roster: str = ""
    """The roster whose iterations each have this variable (issue 19)."""
    notes: str = ""
    """Presentation (widgets, random order) and how a value is derived (issue 19)."""


class Roster(Protocol):
    """What the codebook reads of a roster of the plan (``compiled.plan.rosters``)."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def max(self) -> int: ...


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
    issue19 = uses_issue19(compiled)
    extended = issue19 or uses_issue18(compiled)
    steps = {step.question.id: step for step in plan.steps}
    items = {roster.item: roster for roster in plan.rosters.values()}
    # (position, 0 for a roster's item — defined before its first entry's variables —
    # else 1, row): sorted stably, the variables of one question stay in order.
    found: list[tuple[int, int, Row]] = [(-1, 1, builder.hidden_row(info)) for info in plan.hidden]
    for info in plan.variables.values():
        if info.name in items:
            found.append((info.position, 0, builder.item_row(info, items[info.name], reaching)))
            continue
        question = questions[info.question]
        row = builder.row(info, question, numbers.get(info.question, ""), reaching)
        if extended:
            row = builder.extend(row, info, question, compiled, steps[question.id])
        if issue19:
            row = builder.extend19(row, info, question, compiled, steps[question.id])
        found.append((info.position, 1, row))
        if isinstance(question, RankingQuestion):
            found.extend((info.position, 1, rank) for rank in builder.rank_rows(row, question))
    for step in plan.steps:
        if isinstance(step.question, Computed):
            computed = builder.computed_row(step.question, compiled, reaching)
            if issue19 and step.roster is not None:
                computed = replace(computed, roster=builder.per_iteration(step.roster))
            found.append((step.position, 1, computed))
    if issue19 and _randomised(compiled):
        found.append((plan.end, 1, builder.order_row()))
    found.sort(key=lambda item: item[:2])  # stable: the variables of one question in order
    return [row for _, _, row in found]


def uses_issue19(compiled: Compiled) -> bool:
    """Whether the instrument uses rosters, rankings, number lists, dual-scale matrices,
    widgets (slider, buttons), steps or random order: only then has the codebook the
    columns ``roster`` and ``notes`` (and those of issue 18)."""
    instrument = compiled.instrument
    for section in instrument.sections:
        if section.repeat is not None or section.order == "random":
            return True
    for _, question in instrument.questions():
        if isinstance(question, RankingQuestion | NumberListQuestion | DualMatrixQuestion):
            return True
        if getattr(question, "order", "written") == "random":
            return True
        if isinstance(question, NumberQuestion) and (
            question.widget != "input" or question.step is not None
        ):
            return True
        if isinstance(question, SingleChoice) and question.widget == "buttons":
            return True
    return False


def _randomised(compiled: Compiled) -> bool:
    """Whether anything is shown in random order (a response then has ``_order``)."""
    instrument = compiled.instrument
    return any(section.order == "random" for section in instrument.sections) or any(
        getattr(question, "order", "written") == "random" for _, question in instrument.questions()
    )


def uses_issue18(compiled: Compiled) -> bool:
    """Whether the instrument uses hidden variables, computed values, piping, filters,
    option or row conditions, rules, patterns or defaults: only then has the codebook
    the columns ``source``, ``depends on`` and ``checks`` (so that the codebook of an
    instrument without them stays as it was)."""
    instrument = compiled.instrument
    if instrument.hidden:
        return True
    for _, question in instrument.questions():
        if isinstance(question, Computed):
            return True
        if getattr(question, "filter", None) is not None:
            return True
        if getattr(question, "rules", None) or getattr(question, "default", None) is not None:
            return True
        items = [*getattr(question, "options", ()), *getattr(question, "rows", ())]
        if any(item.when is not None for item in items):
            return True
        if any(i.pattern is not None for i in text_inputs(question)):
            return True
    return next(iter(compiled.texts_with_pieces()), None) is not None


def text_inputs(question: Question) -> list[TextInput]:
    """Every text input of ``question``: itself, its fields, follow-ups and columns."""
    found: list[TextInput] = []
    if isinstance(question, TextInput):
        found.append(question)
    if isinstance(question, TextListQuestion):
        found.extend(question.fields)
    if isinstance(question, SingleChoice | MultipleChoice):
        found.extend(
            f
            for option in question.options
            for f in option.specify or ()
            if isinstance(f, TextInput)
        )
    if isinstance(question, MatrixQuestion | GridQuestion):
        found.extend(row.specify for row in question.rows if row.specify is not None)
    if isinstance(question, GridQuestion):
        found.extend(c for c in question.columns if isinstance(c, TextInput))
    return found


def _names(exprs: Sequence[Expr], exclude: str) -> list[str]:
    """The variables ``exprs`` use, each once, in order; the question's own aside."""
    seen: list[str] = []
    for expr in exprs:
        for ref in variables_used(expr):
            name = ref.name
            own = name == exclude or name.startswith(exclude + ".")
            if not own and name not in seen:
                seen.append(name)
    return seen


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
        if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
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

    def dual_kind(self, question: DualMatrixQuestion, scale: Scale) -> _Kind:
        """The values of a dual-scale matrix's rows on ``scale`` (made once per scale)."""
        key = f"{question.id}.{scale.code}"
        found = self._scales.get(key)
        if found is None:
            found = self._scales[key] = self._columns_kind(scale.columns)
        return found

    def codes(self, options: Sequence[Option | RankingOption]) -> str:
        return SEPARATOR.join(f"{option.code} = {self.text(option.label)}" for option in options)

    def scale_kind(self, question: MatrixQuestion) -> _Kind:
        """The values of a matrix's rows: the same for each row, so made once."""
        found = self._scales.get(question.id)
        if found is None:
            found = self._scales[question.id] = self._scale_kind(question)
        return found

    def _scale_kind(self, question: MatrixQuestion) -> _Kind:
        return self._columns_kind(question.scale)

    def _columns_kind(self, columns: Sequence[ScaleColumn]) -> _Kind:
        values = []
        for column in columns:
            label = self.text(column.label)
            if column.description is not None:
                label += f" ({self.text(column.description)})"
            values.append(f"{column.code} = {label}")
        return _Kind(self.words["single"], SEPARATOR.join(values))

    # ------------------------------------------------------------ issue 18

    def value_kind(self, kind: str, integer: bool, precision: str | None) -> _Kind:
        """The type cell of a computed value (the type of its expression)."""
        words = self.words
        if kind == "number":
            return _Kind(words["number_integer" if integer else "number_decimal"])
        if kind == "date":
            return _Kind(words[f"date_{precision or 'day'}"], words[f"iso_{precision or 'day'}"])
        if kind == "truth":
            return _Kind(words["truth"], words["truth_values"])
        return _Kind(words["text"])

    def hidden_row(self, info: VarInfo) -> Row:
        """The row of a hidden variable: set from outside (a URL parameter), else its
        default."""
        words = self.words
        node = info.node
        if node.type == "choice":
            kind = _Kind(words["single"], self.codes(node.options))
        elif node.type == "number":
            limits = _number_range(node.min, node.max)
            kind = _Kind(words[f"number_{node.kind}"], limits)
        elif node.type == "date":
            kind = self.date_kind(node.precision, node.min, node.max)
        else:
            kind = _Kind(words["text"])
        source = [words["source_hidden"].format(name=node.id)]
        if node.default is not None:
            source.append(words["source_default"].format(value=_value(node.default)))
        return Row(
            variable=node.id,
            number="",
            question=node.id,
            label=self.text(node.label),
            type=kind.type,
            values=kind.values,
            unit="",
            asked_when="",
            required=False,
            personal=False,
            source=SEPARATOR.join(source),
        )

    def computed_row(
        self, question: Computed, compiled: Compiled, reaching: Mapping[str, Expr]
    ) -> Row:
        """The row of a computed value: its expression, and when it is computed."""
        variable = compiled.symbols.variables.get(question.id)
        vtype = variable.type if variable is not None else None
        kind = self.value_kind(
            vtype.kind if vtype else "text",
            bool(vtype and vtype.integer),
            vtype.precision if vtype else None,
        )
        expr = compiled.plan.steps[compiled.symbols.positions[question.id]].computed
        return Row(
            variable=question.id,
            number="",
            question=question.id,
            label=self.text(question.label),
            type=kind.type,
            values=kind.values,
            unit="",
            asked_when=to_source(reaching.get(question.id, Literal(True))),
            required=False,
            personal=False,
            source=self.words["source_computed"].format(expression=question.value.strip()),
            depends_on=", ".join(_names([expr] if expr is not None else [], question.id)),
        )

    def extend(
        self, row: Row, info: VarInfo, question: Question, compiled: Compiled, step: Step
    ) -> Row:
        """``row`` with the cells ``source``, ``depends on`` and ``checks``."""
        words = self.words
        default = getattr(question, "default", None)
        source = ""
        if default is not None and info.name == question.id:
            source = words["source_default"].format(value=_value(default))
        depends: list[str] = []
        prefix = compiled.symbols.entries[step.position].path
        piped = [
            piece.expr
            for path, template in compiled.texts_with_pieces()
            if path[: len(prefix)] == prefix
            for piece in template.pieces
            if not isinstance(piece, str)
        ]
        if piped:
            depends.append(words["depends_piped"].format(names=", ".join(_names(piped, ""))))
        chosen = getattr(question, "filter", None)
        if chosen is not None:
            depends.append(
                words["depends_filter"].format(names=chosen.chosen_in or chosen.not_chosen_in)
            )
        conditions = [
            expr
            for key in ("options", "rows")
            for i, item in enumerate(getattr(question, key, None) or ())
            if item.when is not None
            and (expr := compiled.condition((*prefix, key, i, "when"))) is not None
        ]
        offered = _names(conditions, question.id)
        if offered:
            depends.append(words["depends_offered"].format(names=", ".join(offered)))
        checks = [
            f"{rule.check.strip()} → {self.text(rule.message)}"
            for rule in getattr(question, "rules", None) or ()
        ]
        node = info.node
        if isinstance(node, TextInput) and node.pattern is not None:
            pattern = words["pattern"].format(regex=node.pattern.regex)
            if node.pattern.message is not None:
                pattern += f" → {self.text(node.pattern.message)}"
            checks.append(pattern)
        return replace(
            row,
            source=source,
            depends_on=SEPARATOR.join(depends),
            checks=SEPARATOR.join(checks),
        )

    # ------------------------------------------------------------ issue 19

    def per_iteration(self, roster: str) -> str:
        return self.words["one_per_iteration"].format(roster=roster)

    def extend19(
        self, row: Row, info: VarInfo, question: Question, compiled: Compiled, step: Step
    ) -> Row:
        """``row`` with the cells ``roster`` and ``notes``, and a number list's total
        among its checks."""
        words = self.words
        notes: list[str] = []
        if isinstance(question, NumberQuestion):
            if question.widget == "slider":
                notes.append(words["presentation_slider"])
            if question.step is not None:
                notes.append(words["step"].format(step=_number(question.step)))
        if isinstance(question, SingleChoice) and question.widget == "buttons":
            notes.append(words["presentation_buttons"])
        if getattr(question, "order", "written") == "random":
            what = "random_items" if hasattr(question, "options") else "random_rows"
            notes.append(words["random_order"].format(what=words[what], key=question.id))
        section = compiled.instrument.sections[
            compiled.symbols.entries[step.position].section_index
        ]
        if section.order == "random":
            what = words["random_questions"].format(section=section.id)
            notes.append(words["random_order"].format(what=what, key=section.id))
        checks = row.checks
        if step.total is not None:
            total = words["total_check"].format(check=to_source(step.total))
            checks = SEPARATOR.join(c for c in (checks, total) if c)
        return replace(
            row,
            roster=self.per_iteration(info.roster) if info.roster is not None else "",
            notes=SEPARATOR.join(notes),
            checks=checks,
        )

    def rank_rows(self, row: Row, question: RankingQuestion) -> list[Row]:
        """The analysis variables of a ranking (docs/responses.md): each item's rank,
        derived from the stored list."""
        words = self.words
        count = min(question.top or len(question.options), len(question.options))
        return [
            replace(
                row,
                variable=f"{question.id}.{option.code}",
                label=DASH.join(
                    [
                        self.text(question.text),
                        words["rank_of"].format(label=self.part(option.label)),
                    ]
                ),
                type=words["number_integer"],
                values=words["rank_range"].format(count=count),
                required=False,
                source=words["derived_rank"].format(name=question.id),
            )
            for option in question.options
        ]

    def item_row(self, info: VarInfo, roster: Roster, reaching: Mapping[str, Expr]) -> Row:
        """The row of a roster's item: what each iteration's record holds under it."""
        words = self.words
        if roster.kind == "times":
            kind = _Kind(words["number_integer"], _number_range(1, roster.max))
            source = words["item_number"].format(max=roster.max, source=roster.source)
        elif roster.kind == "choices":
            node = info.node  # the multiple choice: the item is one of its codes
            options = node.options if isinstance(node, MultipleChoice) else ()
            kind = _Kind(words["single"], self.codes(options) or SEPARATOR.join(info.codes))
            source = words["item_choice"].format(source=roster.source)
        else:
            kind = _Kind(words["text"])
            source = words["item_text"].format(source=roster.source)
        return Row(
            variable=info.name,
            number="",
            question=roster.id,
            label=words["item_label"].format(roster=roster.id),
            type=kind.type,
            values=kind.values,
            unit="",
            asked_when="",
            required=False,
            personal=False,
            source=source,
            roster=words["roster_item"].format(roster=roster.id),
        )

    def order_row(self) -> Row:
        """The row of ``_order``: the order each randomised question (section) was shown
        in; not a variable conditions can use."""
        words = self.words
        return Row(
            variable="_order",
            number="",
            question="",
            label=words["order_label"],
            type=words["order_type"],
            values=words["order_values"],
            unit="",
            asked_when="",
            required=False,
            personal=False,
            source=words["order_source"],
        )

    # ------------------------------------------------------------ rows

    def row(
        self, info: VarInfo, question: Question, number: str, reaching: Mapping[str, Expr]
    ) -> Row:
        """The row of the variable ``info`` of ``question``."""
        assert not isinstance(question, Computed)  # no answer: see computed_row
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
        elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
            kind, required = self.rows_part(question, info, parts, required)
            if isinstance(info.node, TextFollowup):
                personal = personal or info.node.personal
        elif isinstance(question, RankingQuestion):
            count = min(question.top or len(question.options), len(question.options))
            values = self.words["ranking_values"].format(
                count=count, codes=self.codes(question.options)
            )
            kind = _Kind(self.words["ranking"], values)
        elif isinstance(question, NumberListQuestion):
            field = info.node
            assert isinstance(field, NumberField)
            parts.append(self.part(field.label))
            kind = self.input_kind(field)
            required = False  # as a text list: the fields together, not each
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
        question: MatrixQuestion | GridQuestion | DualMatrixQuestion,
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
        if isinstance(question, DualMatrixQuestion):  # a row on one of the two scales
            scale = next(s for s in question.scales if s.code == column_code)
            parts.append(self.part(scale.label))
            return self.dual_kind(question, scale), required
        column = parts_of.columns[column_code]
        parts.append(self.part(column.label))
        return self.input_kind(column), False  # a required grid: some cell per row


def _value(value: object) -> str:
    """A default as the data holds it: a number without a needless ``.0``, codes
    joined."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value)
    return str(value)


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
