"""The rules between answers and the required answers of one question, as SQL finding
slots (a part of :mod:`.query`): ``D204`` for a date range's start after its end and
an exclusive check column ticked with other cells of its row, on valid answers
whether shown or not (as :func:`qdef.routing.answers.problems` checks them), and
``D302`` as :func:`qdef.data.required.missing` decides it, for a question whose
options and rows are all offered (the SQL checks no other)."""

from __future__ import annotations

from typing import Protocol

from qdef.data.sql.dialect import Dialect
from qdef.data.sql.values import has_code
from qdef.model import (
    CheckColumn,
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
from qdef.routing.plan import Plan, Step


class SqlChecks(Protocol):
    """What the slots here need of :class:`qdef.data.sql.query.SqlChecks` (a protocol,
    so that this part of the query does not import the whole)."""

    plan: Plan
    dialect: Dialect
    index: dict[str, int]

    def kept(self, name: str) -> str: ...

    def answered(self, name: str) -> str: ...


def valid(checks: SqlChecks, name: str) -> str:
    i = checks.index[name]
    return f"r{i} IS NOT NULL AND c{i} IS NULL"


def cross(checks: SqlChecks, step: Step) -> list[tuple[str, str]]:
    """Rules between valid answers, on the path or not: a date range's start after its
    end, an exclusive check column ticked with other cells of its row."""
    question = step.question
    found: list[tuple[str, str]] = []
    if isinstance(question, DateRangeQuestion):
        start, end = f"{question.id}.from", f"{question.id}.to"
        both = f"{valid(checks, start)} AND {valid(checks, end)}"
        bad = f"r{checks.index[start]} > r{checks.index[end]}"
        found.append((question.id, f"CASE WHEN {both} AND {bad} THEN 'D204' ELSE NULL END"))
    if isinstance(question, GridQuestion):
        for row in question.rows:
            cells = [f"{question.id}.{row.code}.{c.code}" for c in question.columns]
            for column in question.columns:
                if not (isinstance(column, CheckColumn) and column.exclusive):
                    continue
                name = f"{question.id}.{row.code}.{column.code}"
                others = " OR ".join(f"({_given(checks, cell)})" for cell in cells if cell != name)
                ticked = _given(checks, name)
                found.append(
                    (name, f"CASE WHEN ({ticked}) AND ({others}) THEN 'D204' ELSE NULL END")
                )
    return found


def _given(checks: SqlChecks, name: str) -> str:
    """A valid value that is not an unticked box."""
    info = checks.plan.variables[name]
    i = checks.index[name]
    test = valid(checks, name)
    if info.kind == "check":
        test += f" AND LOWER(TRIM(r{i})) IN ('true', '1')"
    return test


def required(checks: SqlChecks, step: Step) -> list[tuple[str, str]]:
    """D302 as :func:`qdef.data.required.missing` decides it."""
    question = step.question
    if not getattr(question, "required", False):
        return []
    qid, shown = question.id, f"s{step.position}"

    def answered(name: str) -> str:
        return f"({checks.answered(name)})"

    def missing(label: str, unanswered: str) -> tuple[str, str]:
        return label, f"CASE WHEN {shown} AND ({unanswered}) THEN 'D302' ELSE NULL END"

    if isinstance(question, MatrixQuestion | DualMatrixQuestion):
        scales = (
            [f".{s.code}" for s in question.scales]
            if isinstance(question, DualMatrixQuestion)
            else [""]
        )
        return [
            missing(
                f"{qid}.{row.code}",
                " OR ".join(f"NOT {answered(f'{qid}.{row.code}{s}')}" for s in scales),
            )
            for row in question.rows
        ]
    if isinstance(question, GridQuestion):
        return [
            missing(
                f"{qid}.{row.code}",
                " AND ".join(
                    f"NOT {answered(f'{qid}.{row.code}.{c.code}')}" for c in question.columns
                ),
            )
            for row in question.rows
        ]
    if isinstance(question, TextListQuestion | NumberListQuestion):
        parts = checks.plan.parts(qid)
        return [missing(qid, " AND ".join(f"NOT {answered(p)}" for p in parts))]
    if isinstance(question, DateRangeQuestion):
        return [
            missing(f"{qid}.{end}", f"NOT {answered(f'{qid}.{end}')}") for end in ("from", "to")
        ]
    if isinstance(question, RankingQuestion):
        i = checks.index[qid]
        codes = checks.plan.variables[qid].codes
        need = min(question.top or len(codes), len(codes))
        count = " + ".join(
            f"CASE WHEN {has_code(checks.dialect, f'r{i}', c)} THEN 1 ELSE 0 END" for c in codes
        )
        ranked = f"CASE WHEN {checks.kept(qid)} THEN {count} ELSE 0 END"
        invalid = f"r{i} IS NOT NULL AND c{i} IS NOT NULL"
        return [missing(qid, f"({ranked}) < {need} AND NOT ({invalid})")]
    if isinstance(question, SingleChoice | MultipleChoice) or qid in checks.index:
        return [missing(qid, f"NOT {answered(qid)}")]
    return []


__all__ = ["cross", "required", "valid"]
