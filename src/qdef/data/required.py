"""What ``required: true`` asks of a respondent shown a question (docs/responses.md,
"Required questions"): every row offered of a matrix (both scales of a dual-scale
matrix), a cell in every row offered of a grid, a field of a text or number list,
both ends of a date range, min(``top``, the items offered) items of a ranking, else
the question's answer; and each required follow-up of a chosen option. The options and
rows offered are decided as the walk decides them (their conditions on the answers so
far)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from qdef.model import (
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    RankingQuestion,
    SingleChoice,
    TextListQuestion,
)
from qdef.routing.evaluate import holds
from qdef.routing.plan import Plan, Step


def missing(
    plan: Plan, step: Step, scope: Mapping[str, Any], answered: Callable[[str], bool]
) -> Iterator[tuple[str, str]]:
    """The variables (or the question) a respondent shown ``step`` left unanswered
    although ``required`` asks for them, with why."""
    question = step.question
    qid = question.id

    def offered(code: str) -> bool:
        return step.offered(code, lambda condition: holds(condition, scope, plan.parts))

    if getattr(question, "required", False):
        if isinstance(question, MatrixQuestion | DualMatrixQuestion):
            scales = (
                [f".{s.code}" for s in question.scales]
                if isinstance(question, DualMatrixQuestion)
                else [""]
            )
            for row in question.rows:
                names = [f"{qid}.{row.code}{scale}" for scale in scales]
                if offered(row.code) and not all(answered(n) for n in names):
                    yield f"{qid}.{row.code}", f"the row {row.code!r} of a required question"
        elif isinstance(question, GridQuestion):
            for row in question.rows:
                cells = [f"{qid}.{row.code}.{c.code}" for c in question.columns]
                if offered(row.code) and not any(answered(c) for c in cells):
                    yield f"{qid}.{row.code}", f"the row {row.code!r} of a required grid is empty"
        elif isinstance(question, TextListQuestion | NumberListQuestion):
            if not any(answered(name) for name in plan.parts(qid)):
                yield qid, "a required question: at least one field must be answered"
        elif isinstance(question, DateRangeQuestion):
            for end in ("from", "to"):
                if not answered(f"{qid}.{end}"):
                    yield f"{qid}.{end}", "a required date range needs both ends"
        elif isinstance(question, RankingQuestion):
            ranked = scope.get(qid)
            items = [o.code for o in question.options if offered(o.code)]
            need = min(question.top or len(items), len(items))
            count = len(ranked) if isinstance(ranked, list) else 0
            invalid = count == 0 and answered(qid)  # given, but not a ranking: reported
            if count < need and not invalid:
                yield qid, f"a required ranking: {need} items must be ranked, {count} are"
        elif not answered(qid):
            yield qid, "a required question on this respondent's path is not answered"
    if isinstance(question, SingleChoice | MultipleChoice):
        chosen = scope.get(qid)
        for option in question.options:
            picked = chosen == option.code or (isinstance(chosen, list) and option.code in chosen)
            for followup in option.specify or ():
                if picked and followup.required and not answered(followup.id):
                    yield followup.id, f"a required follow-up of the chosen {option.code!r}"


__all__ = ["missing"]
