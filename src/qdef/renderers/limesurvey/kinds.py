"""Lowering issue 19's kinds of question to LimeSurvey (docs/limesurvey.md, "Rankings,
number lists, dual scales and widgets"):

- a ranking becomes a ranking question (``R``): its items are the answers, the
  ranks LimeSurvey's variables ``Q_1`` … ``Q_n`` (the item's answer code at each
  rank); ``top`` is ``max_answers``, ``required`` asks for ``min_answers`` ranks;
- a number list becomes a multiple numerical input (``K``), one subquestion per
  field; the total LimeSurvey's sum attributes (``equals_num_value``,
  ``max_num_value``), checked, as in qdef, only when a field is answered
  (``value_range_allows_missing``);
- a dual-scale matrix becomes a dual-scale array (``1``): the rows subquestions,
  each scale's columns the answers of its scale (``scale_id`` 0 and 1), each
  scale's label its header (``dualscale_headerA`` / ``B``);
- a number with ``widget: slider`` becomes a multiple numerical input with one
  subquestion shown as a slider (LimeSurvey's numerical input has no slider);
- a single choice with ``widget: buttons`` is a list with LimeSurvey's button
  theme (``bootstrap_buttons``);
- ``order: random`` is LimeSurvey's random order of answers (``answer_order``) or
  subquestions (``random_order``); an anchored item LimeSurvey cannot keep in place
  is refused (QD807): it keeps only its own "Other" of a list last.
"""

from __future__ import annotations

from qdef.diagnostics import Code
from qdef.errors import LocatedRenderError
from qdef.model import (
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    NumberQuestion,
    Question,
    RankingQuestion,
    SingleChoice,
)
from qdef.renderers.limesurvey.arrays import ArrayLowering
from qdef.renderers.limesurvey.codes import (
    ANSWER_CODE_LENGTH,
    SUBQUESTION_CODE_LENGTH,
    SUBQUESTION_FORBIDDEN,
    Codes,
    Slot,
)
from qdef.renderers.limesurvey.expressions import number
from qdef.renderers.limesurvey.questions import _suffix
from qdef.renderers.limesurvey.survey import (
    Answer,
    Attribute,
    LsQuestion,
    Subquestion,
    Text,
    label_with_description,
)
from qdef.renderers.limesurvey.values import _plus

#: The subquestion code of a slider's one field.
SLIDER_FIELD = "SQ001"


class KindLowering(ArrayLowering):
    """Rankings, number lists, dual-scale matrices and sliders of a lowering."""

    def ranking(self, question: RankingQuestion, code: str, text: Text) -> list[LsQuestion]:
        item = LsQuestion(code, "R", text, question.id, help=question.help)
        for index, option in enumerate(question.options):
            if option.when is not None:
                raise LocatedRenderError(
                    Code.QD803,
                    "LimeSurvey's answer options cannot have conditions (only subquestions "
                    f"can), so the item {option.code!r} of the ranking {question.id!r} "
                    "cannot be offered only sometimes; offer the items by the ranking's "
                    "filter (an earlier multiple choice) for LimeSurvey",
                    f"the condition of {question.id!r}",
                    (*self.place, "options", index, "when"),
                )
        source = None
        if question.filter is not None:  # the items chosen (not chosen) in the source
            source = question.filter.chosen_in or question.filter.not_chosen_in
            name = "array_filter" if question.filter.chosen_in else "array_filter_exclude"
            item.attributes.append(Attribute(name, self.question_codes[source or ""]))
        # a filtered ranking's answers have the codes of its source's subquestions
        shared = self.subquestion_codes.get(source or "")
        answers = Codes(ANSWER_CODE_LENGTH, letter_first=False, abbreviate=True)
        values: dict[str, str] = {}
        for option in question.options:
            if shared is not None and option.code in shared:
                answer = shared[option.code]
            else:
                answer = answers.make(option.code, fallback="A")
            values[option.code] = answer
            item.answers.append(Answer(answer, option.label, option.code))
        top = question.top if question.top is not None else len(question.options)
        if top < len(question.options):
            item.attributes.append(Attribute("max_answers", str(top)))
        ranks = {str(r): f"{code}_{r}" for r in range(1, len(question.options) + 1)}
        if question.required and source is not None:
            # complete: the top k, or every item offered where fewer are offered
            chosen = self.slots[source].options
            keep = question.filter is not None and question.filter.chosen_in is not None
            offered = _plus(
                f'if({chosen[o.code]}.NAOK {"==" if keep else "!="} "Y", 1, 0)'
                for o in question.options
            )
            filled = ", ".join(f"{r}.NAOK" for r in ranks.values())
            item.attributes.append(
                Attribute("em_validation_q", f"count({filled}) >= min({top}, {offered})")
            )
            item.attributes.append(
                Attribute(
                    "em_validation_q_tip",
                    self.chrome(
                        "lss_rank_all",
                        f"the message of the required ranking {question.id!r}",
                        "no key of the instrument holds this message; make the "
                        "ranking optional (required: false) instead",
                        top=top,
                    ),
                    i18n=True,
                )
            )
        elif question.required:  # complete: the top k (every item is offered)
            item.attributes.append(Attribute("min_answers", str(top)))
        self.slots[question.id] = Slot(code, "ranking", values=values, options=ranks)
        return [item]

    def number_list(self, question: NumberListQuestion, code: str, text: Text) -> list[LsQuestion]:
        item = LsQuestion(code, "K", text, question.id, help=question.help)
        subs = Codes(SUBQUESTION_CODE_LENGTH, letter_first=False, forbidden=SUBQUESTION_FORBIDDEN)
        for f in question.fields:
            sub = subs.make(f.code, fallback="SQ")
            item.subquestions.append(Subquestion(sub, f.label, f.code))
            self.slots[f"{question.id}.{f.code}"] = Slot(f"{code}_{sub}", "number")
        if question.required:  # at least one field, as a text list (docs/responses.md)
            item.attributes.append(Attribute("min_answers", "1"))
        self.field_bounds(item, question)
        total = question.total
        if total is not None:
            if total.equals is not None:
                item.attributes.append(Attribute("equals_num_value", number(total.equals)))
            else:
                assert total.at_most is not None  # validation: exactly one of the two
                item.attributes.append(Attribute("max_num_value", number(total.at_most)))
            # checked only when a field is answered, as qdef checks a total
            item.attributes.append(Attribute("value_range_allows_missing", "1"))
        return [item]

    def field_bounds(self, item: LsQuestion, question: NumberListQuestion) -> None:
        """Bounds and integrality per field: LimeSurvey's attributes where every field
        has the same, else a validation equation per field."""
        fields = question.fields
        names = [self.slots[f"{question.id}.{f.code}"].name for f in fields]
        rules: list[str] = []
        for attribute, bound, op in (
            ("min_num_value_n", "min", ">="),
            ("max_num_value_n", "max", "<="),
        ):
            found = [getattr(f, bound) for f in fields]
            if len(set(found)) == 1 and found[0] is not None:
                item.attributes.append(Attribute(attribute, number(found[0])))
                continue
            for name, value in zip(names, found, strict=True):
                if value is not None:
                    rules.append(f"(is_empty({name}.NAOK) or {name}.NAOK {op} {number(value)})")
        kinds = {f.kind for f in fields}
        if kinds == {"integer"}:
            item.attributes.append(Attribute("num_value_int_only", "1"))
        elif "integer" in kinds:
            for name, f in zip(names, fields, strict=True):
                if f.kind == "integer":
                    rules.append(
                        f'(is_empty({name}.NAOK) or regexMatch("/^-?[0-9]+$/", {name}.NAOK))'
                    )
        for name, f in zip(names, fields, strict=True):
            suffix = _suffix(f.unit, f.suffix)
            if suffix is not None:  # K has one suffix: the field's unit joins its label
                for sub in item.subquestions:
                    if sub.code == name.rsplit("_", 1)[1]:
                        sub.label = label_with_description(sub.label, suffix)
        if rules:
            item.attributes.append(Attribute("em_validation_q", " and ".join(rules)))
            item.attributes.append(
                Attribute(
                    "em_validation_q_tip",
                    self.chrome(
                        "lss_field_bounds",
                        f"the message of the number list {question.id!r}'s field bounds",
                        "give every field the same min, max and kind (LimeSurvey then "
                        "checks them with its own message)",
                    ),
                    i18n=True,
                )
            )

    def dual_matrix(self, question: DualMatrixQuestion, code: str, text: Text) -> list[LsQuestion]:
        item = LsQuestion(
            code, "1", text, question.id, help=question.help, mandatory=question.required
        )
        rows = self.rows(question, item)
        for scale_id, scale in enumerate(question.scales):
            answers = Codes(ANSWER_CODE_LENGTH, letter_first=False, abbreviate=True)
            values: dict[str, str] = {}
            for column in scale.columns:
                answer = answers.make(column.code, fallback="A")
                values[column.code] = answer
                label = label_with_description(column.label, column.description)
                item.answers.append(Answer(answer, label, column.code, scale=scale_id))
            header = "dualscale_headerA" if scale_id == 0 else "dualscale_headerB"
            item.attributes.append(Attribute(header, scale.label, i18n=True))
            for row in question.rows:
                self.slots[f"{question.id}.{row.code}.{scale.code}"] = Slot(
                    f"{code}_{rows[row.code]}_{scale_id}", "choice", values
                )
        return [item, *self.row_followups(question)]

    def slider(self, question: NumberQuestion, code: str, text: Text) -> list[LsQuestion]:
        """A number shown as a slider: LimeSurvey's numerical input has none, its
        multiple numerical input has, so the number is its one field. It starts
        without a value (no ``slider_default``)."""
        item = LsQuestion(
            code, "K", text, question.id, help=question.help, mandatory=question.required
        )
        assert question.min is not None and question.max is not None  # validation
        item.subquestions.append(Subquestion(SLIDER_FIELD, question.label or "", question.id))
        step = question.step if question.step is not None else 1
        item.attributes += [
            Attribute("slider_layout", "1"),
            Attribute("slider_min", number(question.min)),
            Attribute("slider_max", number(question.max)),
            Attribute("slider_accuracy", number(step)),
            Attribute("slider_showminmax", "1"),
            Attribute("min_num_value_n", number(question.min)),
            Attribute("max_num_value_n", number(question.max)),
        ]
        if question.kind == "integer":
            item.attributes.append(Attribute("num_value_int_only", "1"))
        suffix = _suffix(question.unit, question.suffix)
        if suffix is not None:
            item.attributes.append(Attribute("suffix", suffix, i18n=True))
        self.slots[question.id] = Slot(f"{code}_{SLIDER_FIELD}", "number")
        return [item]

    def random_order(self, question: Question, items: list[LsQuestion]) -> None:
        """``order: random`` of a question's options, items or rows: LimeSurvey's
        ``answer_order`` (a list's and a ranking's answers) or ``random_order`` (the
        subquestions of a multiple choice and of arrays). LimeSurvey keeps no item in
        place but a list's own Other (last): any other anchored item is refused."""
        if getattr(question, "order", "written") != "random":
            return
        assert isinstance(
            question,
            SingleChoice
            | MultipleChoice
            | RankingQuestion
            | MatrixQuestion
            | GridQuestion
            | DualMatrixQuestion,
        )
        item = items[0]
        key = (
            "rows"
            if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion)
            else "options"
        )
        if (
            isinstance(question, GridQuestion)
            and len([i for i in items if i.role != "followup"]) > 1
        ):
            raise LocatedRenderError(
                Code.QD807,
                f"the grid {question.id!r} becomes one LimeSurvey array per kind of column, "
                "which would each shuffle its rows in another order; give the grid columns "
                "of one kind, or leave out its order: random, for LimeSurvey",
                f"the order of {question.id!r}",
                (*self.place, "order"),
            )
        for index, entry in enumerate(getattr(question, key)):
            other = item.other and index == len(question.options) - 1  # type: ignore[union-attr]
            if anchored(entry) and not other:
                raise LocatedRenderError(
                    Code.QD807,
                    f"LimeSurvey shuffles all the {key} of a question or none, and keeps "
                    f"only a list's own Other in place, so the anchored {key[:-1]} "
                    f"{entry.code!r} of {question.id!r} would move; leave out its anchor "
                    "(anchor: false), or the question's order: random, for LimeSurvey",
                    f"the {key[:-1]} {entry.code!r} of {question.id!r}",
                    (*self.place, key, index),
                )
        if item.type in ("L", "!", "R"):
            item.attributes.append(Attribute("answer_order", "random"))
        else:
            item.attributes.append(Attribute("random_order", "1"))


def anchored(entry: object) -> bool:
    """Whether an option, item or row stays at its written place in a random order
    (SPEC19 §1.5): ``anchor: true``, or no ``anchor`` and exclusive or with a
    ``specify``."""
    anchor = getattr(entry, "anchor", None)
    if anchor is not None:
        return bool(anchor)
    return bool(getattr(entry, "exclusive", False) or getattr(entry, "specify", None))
