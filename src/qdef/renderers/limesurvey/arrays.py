"""Lowering qdef's matrices and grids to LimeSurvey's array questions: a matrix
becomes one array of answers, a grid one array per kind of column sharing the
rows; a row's follow-up becomes its own question.
"""

from __future__ import annotations

from qdef.model import (
    CheckColumn,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    NumberColumn,
    TextColumn,
)
from qdef.renderers.limesurvey.codes import (
    ANSWER_CODE_LENGTH,
    SUBQUESTION_CODE_LENGTH,
    SUBQUESTION_FORBIDDEN,
    Codes,
    Slot,
)
from qdef.renderers.limesurvey.expressions import number
from qdef.renderers.limesurvey.questions import QuestionLowering, carrier
from qdef.renderers.limesurvey.survey import (
    Answer,
    Attribute,
    LsQuestion,
    Subquestion,
    Text,
    join,
    label_with_description,
)


class ArrayLowering(QuestionLowering):
    """The matrices and grids of a lowering."""

    def rows(
        self, question: MatrixQuestion | GridQuestion | DualMatrixQuestion, item: LsQuestion
    ) -> dict[str, str]:
        subs = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=SUBQUESTION_FORBIDDEN)
        rows: dict[str, str] = {}
        for row in question.rows:
            sub = subs.make(row.code, fallback="SQ")
            rows[row.code] = sub
            item.subquestions.append(Subquestion(sub, row.label, row.code))
        return rows

    def row_followups(
        self, question: MatrixQuestion | GridQuestion | DualMatrixQuestion
    ) -> list[LsQuestion]:
        found = []
        for row in question.rows:
            if row.specify is not None:
                found.append(self.followup(row.specify, row.label, (question.id, None)))
        return found

    def matrix(self, question: MatrixQuestion, code: str, text: Text) -> list[LsQuestion]:
        item = carrier(question, code, "F", text)
        rows = self.rows(question, item)
        answers = Codes(ANSWER_CODE_LENGTH, letter_first=False, abbreviate=True)
        values: dict[str, str] = {}
        for column in question.scale:
            answer = answers.make(column.code, fallback="A")
            values[column.code] = answer
            item.answers.append(
                Answer(
                    answer, label_with_description(column.label, column.description), column.code
                )
            )
        for row in question.rows:
            self.slots[f"{question.id}.{row.code}"] = Slot(
                f"{code}_{rows[row.code]}", "choice", values
            )
        return [item, *self.row_followups(question)]

    def grid(self, question: GridQuestion, code: str, text: Text) -> list[LsQuestion]:
        """A grid: one array question per kind of column (texts ``;``, numbers ``:``,
        check boxes ``:`` drawn as check boxes), sharing the rows."""
        kinds = (
            ("T", ";", TextColumn, "text"),
            ("N", ":", NumberColumn, "number"),
            ("C", ":", CheckColumn, "check"),
        )
        items: list[LsQuestion] = []
        for suffix, ls_type, kind, slot_kind in kinds:
            columns = [c for c in question.columns if isinstance(c, kind)]
            if not columns:
                continue
            first = not items
            part_code = code if first else self.codes.make(question.id, suffix=suffix)
            item = LsQuestion(
                part_code,
                ls_type,
                text
                if first
                else join(
                    text,
                    self.chrome(
                        f"lss_{slot_kind}_columns",
                        f"the text of the grid {question.id!r}'s second question (its "
                        f"{slot_kind} columns)",
                        "no key of the instrument holds this text; split the grid into "
                        "one grid per kind of column (text, number, check) instead",
                    ),
                ),
                question.id,
                role="question" if first else "part",
                help=question.help if first else None,
            )
            rows = self.rows(question, item)
            cols = Codes(
                SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=SUBQUESTION_FORBIDDEN
            )
            for column in columns:
                sub = cols.make(column.code, fallback="SQ")
                item.subquestions.append(
                    Subquestion(
                        sub,
                        label_with_description(column.label, column.description),
                        column.code,
                        scale=1,
                    )
                )
                for row in question.rows:
                    name = f"{question.id}.{row.code}.{column.code}"
                    self.slots[name] = Slot(f"{part_code}_{rows[row.code]}_{sub}", slot_kind)
            if slot_kind == "check":
                item.attributes.append(Attribute("multiflexible_checkbox", "1"))
            if slot_kind == "number":
                # text boxes (not drop-downs of numbers); their bounds, where all agree
                item.attributes.append(Attribute("input_boxes", "1"))
                for attribute, bound in (
                    ("multiflexible_min", "min"),
                    ("multiflexible_max", "max"),
                ):
                    values = {getattr(c, bound) for c in columns}
                    if len(values) == 1 and None not in values:
                        item.attributes.append(Attribute(attribute, number(values.pop())))
            items.append(item)
        # an exclusive check column leaves the rest of its row empty
        rules: list[str] = []
        for row in question.rows:
            for column in question.columns:
                if isinstance(column, CheckColumn) and column.exclusive:
                    ticked = self.slots[f"{question.id}.{row.code}.{column.code}"].name
                    others = [
                        self.slots[f"{question.id}.{row.code}.{c.code}"].name
                        for c in question.columns
                        if c is not column
                    ]
                    if others:
                        empty = " and ".join(f"is_empty({o}.NAOK)" for o in others)
                        rules.append(f"(is_empty({ticked}.NAOK) or ({empty}))")
        if rules:
            items[-1].attributes.append(Attribute("em_validation_q", " and ".join(rules)))
            items[-1].attributes.append(
                Attribute(
                    "em_validation_q_tip",
                    self.chrome(
                        "lss_exclusive_column",
                        f"the message of the grid {question.id!r}'s exclusive column",
                        "no key of the instrument holds this message; leave out "
                        "exclusive: true (nothing then empties the rest of the row)",
                    ),
                    i18n=True,
                )
            )
        if question.required:  # every row at least one cell (docs/responses.md)
            names = [
                [
                    f"{self.slots[f'{question.id}.{row.code}.{c.code}'].name}.NAOK"
                    for c in question.columns
                ]
                for row in question.rows
            ]
            rule = " and ".join(f"count({', '.join(cells)}) > 0" for cells in names)
            # on the last part, where every cell is defined; one equation per question
            last = items[-1].attributes
            equation = next((a for a in last if a.name == "em_validation_q"), None)
            if equation is None:
                last.append(Attribute("em_validation_q", rule))
                last.append(
                    Attribute(
                        "em_validation_q_tip",
                        self.chrome(
                            "web_required_row",
                            f"the message of the required grid {question.id!r}",
                            "no key of the instrument holds this message; make the "
                            "grid optional (required: false) instead",
                        ),
                        i18n=True,
                    )
                )
            else:
                assert isinstance(equation.value, str)
                equation.value = f"{equation.value} and {rule}"
        return [*items, *self.row_followups(question)]
