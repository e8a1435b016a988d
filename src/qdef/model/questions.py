"""Questions: a union discriminated by ``type``, with options, follow-ups and grids."""

# Annotations are evaluated as the module runs (no ``from __future__ import annotations``):
# pydantic would otherwise compile every annotation string when the classes are made.
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag

from qdef.model.base import (
    INTEGRAL,
    Code,
    Condition,
    Expression,
    Id,
    IsoDate,
    Node,
    NonEmpty,
    Number,
    Target,
    Text,
)
from qdef.model.inputs import DateInput, NumberInput, Precision, TextInput

# ----------------------------------------------------------------- follow-ups


class FollowupBase(Node):
    id: Id
    """The variable name of the follow-up's answer; unique in the instrument."""
    required: bool = False
    """The follow-up must be answered whenever its option is chosen."""
    personal: bool = False
    """The answer is personal data (name, e-mail, telephone …)."""


class TextFollowup(FollowupBase, TextInput):
    """A blank for text beside an option (``Sonstiges: ___``) or a row."""

    noun: ClassVar[str] = "a text follow-up"

    type: Literal["text"] = "text"
    """The kind of follow-up: ``text`` (the default: may be left out)."""


class NumberFollowup(FollowupBase, NumberInput):
    """A blank for a number beside an option (``Ja, und zwar ___ qm``)."""

    noun: ClassVar[str] = "a number follow-up"

    type: Literal["number"]
    """The kind of follow-up: ``number``."""


class DateFollowup(FollowupBase, DateInput):
    """A blank for a date beside an option."""

    noun: ClassVar[str] = "a date follow-up"

    type: Literal["date"]
    """The kind of follow-up: ``date``."""


def _followup_tag(value: Any) -> str:
    if isinstance(value, dict):
        tag = value.get("type", "text")
        return tag if isinstance(tag, str) else "?"
    return str(getattr(value, "type", "text"))


Followup = Annotated[
    Annotated[TextFollowup, Tag("text")]
    | Annotated[NumberFollowup, Tag("number")]
    | Annotated[DateFollowup, Tag("date")],
    Discriminator(_followup_tag),
]
"""A follow-up input; ``type`` is ``text`` (the default), ``number`` or ``date``."""

Followups = Annotated[list[Followup], Field(min_length=1)]

Order = Literal["written", "random"]
"""The order in which options, rows or a section's questions are shown."""

# ----------------------------------------------------------------- rules and filters


class Rule(Node):
    """A condition an answer must meet, with the message shown when it does not."""

    noun: ClassVar[str] = "a rule"

    check: Condition
    """A condition on the question's own and earlier answers (``sum(q5.a, q5.b) == 100``,
    ``bis >= von``); checked whenever the question is shown and answered."""
    message: Text
    """What the respondent is told when the condition does not hold."""


class Filter(Node):
    """Options (or rows) limited to those chosen, or not chosen, in an earlier multiple choice.

    Exactly one of ``chosen_in`` and ``not_chosen_in`` is given."""

    noun: ClassVar[str] = "a filter"

    chosen_in: Id | None = None
    """Keep only the options (rows) whose code was chosen in this earlier multiple choice."""
    not_chosen_in: Id | None = None
    """Keep only the options (rows) whose code was not chosen in this earlier multiple choice."""


# ----------------------------------------------------------------- options


class Option(Node):
    code: Code
    """The stable answer code stored in data."""
    label: Text
    """What the respondent reads."""
    specify: Followups | None = None
    """Follow-up inputs filled in when this option is chosen."""
    when: Condition | None = None
    """Offer the option only when this condition holds on earlier answers (cascading
    choices)."""
    anchor: bool | None = None
    """Keep this option at its written place when the options are shown in random order
    (``order: random``). By default an exclusive option and an option with ``specify``
    (an "other") are anchored, the others are not."""


class SingleOption(Option):
    """An option of a single-choice question."""

    noun: ClassVar[str] = "an option"

    goto: Target | None = None
    """Where to continue when this option is chosen: a later question's id, or ``end``."""


class MultipleOption(Option):
    """An option of a multiple-choice question."""

    noun: ClassVar[str] = "an option"

    exclusive: bool = False
    """Choosing this option excludes all others (e.g. ``Noch offen``)."""


# ----------------------------------------------------------------- questions


class QuestionBase(Node):
    id: Id
    """The stable variable name; unique in the instrument."""
    number: Annotated[str, Field(min_length=1)] | None = None
    """Display number; by default questions are numbered 1, 2, 3 … across sections."""
    text: Text
    """The question as printed."""
    hint: Text | None = None
    """A short instruction printed after the text, e.g. ``(bitte nennen)``."""
    help: Text | None = None
    """A longer explanation printed below the question."""
    required: bool = False
    """The question must be answered whenever it is shown."""
    personal: bool = False
    """The answers are personal data."""
    when: Condition | None = None
    """Show the question only when this condition holds on earlier answers."""
    goto: Target | None = None
    """Where to continue after this question (unless a chosen option says otherwise)."""
    rules: Annotated[list[Rule], Field(min_length=1)] | None = None
    """Conditions the answers must meet, each with its message."""
    anchor: bool = False
    """In a section with ``order: random``: keep this question at its written place."""


class SingleChoice(QuestionBase):
    """One option of several (radio buttons, or a dropdown)."""

    noun: ClassVar[str] = "a single-choice question"

    type: Literal["single"]
    """The kind of question: ``single``."""
    options: Annotated[list[SingleOption], Field(min_length=1)]
    """The options, in order; the respondent chooses one. Their codes are unique."""
    widget: Literal["radio", "dropdown", "buttons"] = "radio"
    """How the web form offers the options: radio buttons in a column, a drop-down list,
    or buttons in one row (for a scale such as 1–5). A widget never changes the data."""
    filter: Filter | None = None
    """Offer only the options chosen (or not chosen) in an earlier multiple choice."""
    order: Order = "written"
    """``written`` (the default) or ``random``: the options in a random order per
    respondent, anchored options at their written place (paper keeps the written order)."""
    default: Code | None = None
    """The option chosen in advance; saved only if the respondent leaves it chosen."""


class MultipleChoice(QuestionBase):
    """Any number of options ("Mehrfachnennungen möglich")."""

    noun: ClassVar[str] = "a multiple-choice question"

    type: Literal["multiple"]
    """The kind of question: ``multiple``."""
    options: Annotated[list[MultipleOption], Field(min_length=1)]
    """The options, in order; any number may be chosen. Their codes are unique."""
    min_choices: Annotated[int, Field(ge=0), INTEGRAL] | None = None
    """At least this many options must be chosen when the question is answered."""
    max_choices: Annotated[int, Field(ge=1), INTEGRAL] | None = None
    """At most this many options may be chosen."""
    filter: Filter | None = None
    """Offer only the options chosen (or not chosen) in an earlier multiple choice."""
    order: Order = "written"
    """``written`` (the default) or ``random``: the options in a random order per
    respondent, anchored options at their written place (paper keeps the written order)."""
    default: Annotated[list[Code], Field(min_length=1)] | None = None
    """The options chosen in advance; saved only if the respondent leaves them chosen."""


class TextQuestion(QuestionBase, TextInput):
    """Short or long free text."""

    noun: ClassVar[str] = "a text question"

    type: Literal["text"]
    """The kind of question: ``text``."""
    default: NonEmpty | None = None
    """The text filled in in advance; saved only if the respondent leaves it."""


class NumberQuestion(QuestionBase, NumberInput):
    """An integer or decimal number, optionally bounded and with a unit."""

    noun: ClassVar[str] = "a number question"

    type: Literal["number"]
    """The kind of question: ``number``."""
    default: Number | None = None
    """The number filled in in advance; saved only if the respondent leaves it."""
    widget: Literal["input", "slider"] = "input"
    """How the web form asks for the number: an ``input`` box, or a ``slider`` between
    ``min`` and ``max`` (both required). A widget never changes the data."""
    step: Annotated[float, Field(gt=0)] | None = None
    """The slider's step (default 1; a decimal slider needs one). Answers must be
    ``min`` plus a whole multiple of it."""


class DateQuestion(QuestionBase, DateInput):
    """A date at day, month or year precision."""

    noun: ClassVar[str] = "a date question"

    type: Literal["date"]
    """The kind of question: ``date``."""
    default: IsoDate | None = None
    """The date filled in in advance; saved only if the respondent leaves it."""


class DateRangeQuestion(QuestionBase):
    """Two dates, from and to, with from <= to ("Von MM/JJJJ bis MM/JJJJ")."""

    noun: ClassVar[str] = "a date-range question"

    type: Literal["daterange"]
    """The kind of question: ``daterange``."""
    precision: Precision = "day"
    """``day``, ``month`` or ``year``; applies to both dates."""
    min: Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")] | None = None
    """The earliest allowed date."""
    max: Annotated[str, Field(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")] | None = None
    """The latest allowed date."""
    from_label: Text | None = None
    """Printed before the first date (default from the renderer's catalogue: ``von``)."""
    to_label: Text | None = None
    """Printed before the second date (default: ``bis``)."""


class ListField(TextInput):
    """A labelled text field of a text-list question."""

    noun: ClassVar[str] = "a text-list field"

    code: Code
    """The field's code; its answer is ``<question id>.<code>``."""
    personal: bool = False
    """The answer is personal data."""


class TextListQuestion(QuestionBase):
    """Several labelled text fields ("1. ___ 2. ___ 3. ___")."""

    noun: ClassVar[str] = "a text-list question"

    type: Literal["textlist"]
    """The kind of question: ``textlist``."""
    fields: Annotated[list[ListField], Field(min_length=1)]
    """The text fields, in order; each is its own answer. Their codes are unique."""


class MatrixRow(Node):
    """A row of a matrix or grid question."""

    noun: ClassVar[str] = "a row"

    code: Code
    """The row's code; its answer is ``<question id>.<code>``."""
    label: Text
    """The row's label."""
    specify: TextFollowup | None = None
    """For a "Sonstiges" row: the text in which the respondent names the row."""
    when: Condition | None = None
    """Show the row only when this condition holds on earlier answers."""
    anchor: bool | None = None
    """Keep this row at its written place when the rows are shown in random order. By
    default a row with ``specify`` (an "other") is anchored, the others are not."""


class ScaleColumn(Node):
    """A column of a matrix question's scale."""

    noun: ClassVar[str] = "a scale column"

    code: Code
    """The code stored for a row when this column is chosen."""
    label: Text
    """The column heading, e.g. ``Überwiegend``."""
    description: Text | None = None
    """A second heading line, e.g. ``50 % und mehr``."""


class MatrixQuestion(QuestionBase):
    """Rows answered on one scale: one column chosen per row."""

    noun: ClassVar[str] = "a matrix question"

    type: Literal["matrix"]
    """The kind of question: ``matrix``."""
    scale: Annotated[list[ScaleColumn], Field(min_length=1)]
    """The scale's columns, in order; one is chosen per row. Their codes are unique."""
    rows: Annotated[list[MatrixRow], Field(min_length=1)]
    """The rows, in order; each is answered on the scale. Their codes are unique."""
    filter: Filter | None = None
    """Show only the rows chosen (or not chosen) in an earlier multiple choice."""
    order: Order = "written"
    """``written`` (the default) or ``random``: the rows in a random order per
    respondent, anchored rows at their written place (paper keeps the written order)."""


class GridColumnBase(Node):
    code: Code
    """The column's code; a cell's answer is ``<question id>.<row>.<column>``."""
    label: Text
    """The column heading."""
    description: Text | None = None
    """A second heading line."""


class TextColumn(GridColumnBase, TextInput):
    """A grid column whose cells take text."""

    noun: ClassVar[str] = "a text column"

    input: Literal["text"]
    """The kind of column: ``text``."""
    label: Text
    """The column heading."""


class NumberColumn(GridColumnBase, NumberInput):
    """A grid column whose cells take a number."""

    noun: ClassVar[str] = "a number column"

    input: Literal["number"]
    """The kind of column: ``number``."""
    label: Text
    """The column heading."""


class CheckColumn(GridColumnBase):
    """A grid column whose cells are check boxes."""

    noun: ClassVar[str] = "a check column"

    input: Literal["check"]
    """The kind of column: ``check``."""
    exclusive: bool = False
    """Ticking this cell empties the row's other cells (e.g. ``Nicht erforderlich``)."""


GridColumn = Annotated[TextColumn | NumberColumn | CheckColumn, Field(discriminator="input")]


class GridQuestion(QuestionBase):
    """Rows × columns of differing inputs: each cell is its own answer."""

    noun: ClassVar[str] = "a grid question"

    type: Literal["grid"]
    """The kind of question: ``grid``."""
    columns: Annotated[list[GridColumn], Field(min_length=1)]
    """The columns, in order; a cell takes its column's input. Their codes are unique."""
    rows: Annotated[list[MatrixRow], Field(min_length=1)]
    """The rows, in order; each has one cell per column. Their codes are unique."""
    filter: Filter | None = None
    """Show only the rows chosen (or not chosen) in an earlier multiple choice."""
    order: Order = "written"
    """``written`` (the default) or ``random``: the rows in a random order per
    respondent, anchored rows at their written place (paper keeps the written order)."""


class RankingOption(Node):
    """An item of a ranking question."""

    noun: ClassVar[str] = "a ranking item"

    code: Code
    """The stable code stored in the answer."""
    label: Text
    """What the respondent reads."""
    when: Condition | None = None
    """Offer the item only when this condition holds on earlier answers."""
    anchor: bool | None = None
    """Keep this item at its written place when the items are shown in random order."""


class RankingQuestion(QuestionBase):
    """Items put in order: all of them, or the ``top`` most important."""

    noun: ClassVar[str] = "a ranking question"

    type: Literal["ranking"]
    """The kind of question: ``ranking``."""
    options: Annotated[list[RankingOption], Field(min_length=2)]
    """The items, in written order. Their codes are unique."""
    top: Annotated[int, Field(ge=1), INTEGRAL] | None = None
    """Rank only this many items (the most important first); by default all."""
    filter: Filter | None = None
    """Offer only the items chosen (or not chosen) in an earlier multiple choice."""
    order: Order = "written"
    """``written`` (the default) or ``random``: the items in a random order per
    respondent, anchored items at their written place (paper keeps the written order)."""


class NumberField(NumberInput):
    """A labelled number field of a number-list question."""

    noun: ClassVar[str] = "a number field"

    code: Code
    """The field's code; its answer is ``<question id>.<code>``."""
    label: Text
    """What the field asks for, e.g. ``Vollzeit``."""


class Total(Node):
    """What the fields of a number list must add up to (answered fields; blanks count 0)."""

    noun: ClassVar[str] = "a total"

    equals: Number | None = None
    """The sum must be exactly this (e.g. ``100`` per cent)."""
    at_most: Number | None = None
    """The sum may be at most this (e.g. ``24`` hours)."""
    label: Text | None = None
    """The label of the total line (default from the wording catalogue: ``Summe``)."""
    message: Text | None = None
    """What the respondent is told when the sum is wrong (default: the catalogue's)."""


class NumberListQuestion(QuestionBase):
    """Several labelled numbers in one question, optionally with a total."""

    noun: ClassVar[str] = "a number-list question"

    type: Literal["numbers"]
    """The kind of question: ``numbers``."""
    fields: Annotated[list[NumberField], Field(min_length=1)]
    """The number fields, in order; each is its own answer. Their codes are unique."""
    total: Total | None = None
    """What the answered fields must add up to: exactly one of ``equals`` and
    ``at_most``."""


class Scale(Node):
    """One of the two scales of a dual-scale matrix."""

    noun: ClassVar[str] = "a scale"

    code: Code
    """The scale's code; a row's answer on it is ``<question id>.<row>.<code>``."""
    label: Text
    """The heading over the scale's columns, e.g. ``Wichtigkeit``."""
    columns: Annotated[list[ScaleColumn], Field(min_length=1)]
    """The scale's columns, in order; one is chosen per row. Their codes are unique."""


class DualMatrixQuestion(QuestionBase):
    """Rows answered on two scales (e.g. importance and satisfaction)."""

    noun: ClassVar[str] = "a dual-scale matrix question"

    type: Literal["dualmatrix"]
    """The kind of question: ``dualmatrix``."""
    scales: Annotated[list[Scale], Field(min_length=2, max_length=2)]
    """The two scales, in order. Their codes are unique."""
    rows: Annotated[list[MatrixRow], Field(min_length=1)]
    """The rows, in order; each is answered on both scales. Their codes are unique."""
    filter: Filter | None = None
    """Show only the rows chosen (or not chosen) in an earlier multiple choice."""
    order: Order = "written"
    """``written`` (the default) or ``random``: the rows in a random order per
    respondent, anchored rows at their written place (paper keeps the written order)."""


class Display(Node):
    """Text shown to respondents, with no answer."""

    noun: ClassVar[str] = "a display text"

    id: Id
    """A stable identifier (not a variable: a display has no answer)."""
    type: Literal["display"]
    """The kind of entry: ``display``, a text without an answer."""
    text: Text
    """The text shown."""
    help: Text | None = None
    """A further note."""
    when: Condition | None = None
    """Show the text only when this condition holds."""
    goto: Target | None = None
    """Where to continue after this text."""
    anchor: bool = False
    """In a section with ``order: random``: keep this text at its written place."""


class Computed(Node):
    """A value computed from earlier answers: not shown, saved in the response."""

    noun: ClassVar[str] = "a computed value"

    id: Id
    """The variable name; unique in the instrument."""
    type: Literal["computed"]
    """The kind of entry: ``computed``, a value calculated from earlier answers."""
    value: Expression
    """The expression that computes it, e.g. ``q5.a + q5.b`` or ``if(q1 == "ja", 1, 0)``."""
    label: Text | None = None
    """What the value means (for the codebook and data exports); never shown."""
    when: Condition | None = None
    """Compute the value only when this condition holds (otherwise it is absent)."""


Question = Annotated[
    SingleChoice
    | MultipleChoice
    | TextQuestion
    | NumberQuestion
    | DateQuestion
    | DateRangeQuestion
    | TextListQuestion
    | MatrixQuestion
    | GridQuestion
    | RankingQuestion
    | NumberListQuestion
    | DualMatrixQuestion
    | Display
    | Computed,
    Field(discriminator="type"),
]
"""Any question; ``type`` says which kind."""

ChoiceQuestion = SingleChoice | MultipleChoice
