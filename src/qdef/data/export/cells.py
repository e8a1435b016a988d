"""The cells of an exported dataset: each response walked, each variable's value or why
it has none.

A response has no key both for a question that was **not asked** (off the
respondent's path) and for one **asked and not answered** (docs/data.md, "Not asked
and not answered"); the export tells them apart as ``qdef data check`` does: by the
reference walk (:func:`qdef.routing.walk`) of the response. A variable was asked when
the walk shows its question (in a roster: in that iteration), its option is chosen
(a follow-up) and its row or item is offered (a filter, a row's ``when``). What is
exported is what the walk keeps: a value that does not fit its variable is left out
(counted in :attr:`Cells.dropped`; ``qdef data check`` says what is wrong with it), and
so is an answer off the path, which the walk does not keep.

Hidden variables and computed values are shown to nobody: without a value they are
*not asked* (not given, not computed). A grid's check cell of a row asked is ticked
(true) or not (false), never missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from qdef.data.export.columns import Column, Layout
from qdef.data.records import Record
from qdef.routing import walk
from qdef.routing.answers import value_problem
from qdef.routing.evaluate import Layered, holds
from qdef.routing.plan import Plan


class Missing(Enum):
    """Why a variable has no value."""

    NOT_ASKED = "not asked"
    """Its question was not on the respondent's path (or its option not chosen, its row
    not offered; a hidden variable not given, a computed value not computed)."""
    NOT_ANSWERED = "not answered"
    """Its question was shown and left unanswered."""


NOT_ASKED = Missing.NOT_ASKED
NOT_ANSWERED = Missing.NOT_ANSWERED


@dataclass(slots=True)
class Row:
    """One response: its id, its cells in the main table's column order, and for each
    roster one list of cells per iteration (the iteration's number first)."""

    id: str
    cells: list[Any]
    rosters: dict[str, list[list[Any]]] = field(default_factory=dict)


@dataclass(slots=True)
class Cells:
    """What :func:`rows` counted while it went."""

    responses: int = 0
    unreadable: int = 0
    """Responses that could not be read at all (not exported)."""
    dropped: int = 0
    """Values left out because they do not fit their variable."""


def clean(plan: Plan, answers: Mapping[str, Any], counts: Cells) -> dict[str, Any]:
    """``answers`` without the values that do not fit their variable (counted), nor keys
    that are no variable: what the walk may be given without raising."""
    kept: dict[str, Any] = {}
    for name, value in answers.items():
        if name in plan.rosters:
            if isinstance(value, list):
                kept[name] = [
                    _clean_record(plan, name, record, counts)
                    for record in value
                    if isinstance(record, Mapping)
                ]
            continue
        info = plan.variables.get(name) or plan.hidden_info(name)
        if info is None or info.roster is not None:
            continue  # unknown, computed (the walk computes it again), _order
        if value_problem(info, value) is None:
            kept[name] = value
        else:
            counts.dropped += 1
    return kept


def _clean_record(
    plan: Plan, roster: str, record: Mapping[str, Any], counts: Cells
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in record.items():
        info = plan.variables.get(name)
        if info is None or info.roster != roster or name == plan.rosters[roster].item:
            continue
        if value_problem(info, value) is None:
            kept[name] = value
        else:
            counts.dropped += 1
    return kept


def rows(
    plan: Plan,
    layout: Layout,
    responses: Iterable[Record | Mapping[str, Any]],
    counts: Cells | None = None,
) -> Iterator[Row]:
    """Each readable response of ``responses`` as a :class:`Row`, one at a time (a
    record's id, else ``_id``, else where it was read; a plain mapping without ``_id``
    is numbered from 1)."""
    counts = counts if counts is not None else Cells()
    for n, given in enumerate(responses, start=1):
        answers: Mapping[str, Any]
        if isinstance(given, Record):
            if not given.readable:
                if not given.header:
                    counts.unreadable += 1
                continue
            ident, answers = given.response, given.answers
        else:
            ident, answers = str(given.get("_id") or n), given
        counts.responses += 1
        yield _row(plan, layout, ident, clean(plan, answers, counts))


def _row(plan: Plan, layout: Layout, ident: str, answers: Mapping[str, Any]) -> Row:
    walked = walk(plan, answers, check=False)
    iterations = walked.iterations or (None,) * len(walked.positions)
    shown = set(zip(walked.positions, iterations, strict=True))
    response = walked.response
    row = Row(ident, [_cell(plan, column, response, shown, None) for column in layout.main])
    for roster, columns in layout.rosters.items():
        records = response.get(roster)
        found: list[list[Any]] = []
        for k, record in enumerate(records if isinstance(records, list) else ()):
            scope = Layered(record, response)
            found.append([k + 1, *(_cell(plan, c, scope, shown, k) for c in columns)])
        row.rosters[roster] = found
    return row


def _cell(
    plan: Plan,
    column: Column,
    scope: Mapping[str, Any],
    shown: set[tuple[int, int | None]],
    k: int | None,
) -> Any:
    """The value of ``column`` in ``scope`` (the response, or a roster's record over it),
    or why there is none."""
    value = scope.get(column.key)
    if value is not None and column.kind == "rank":
        ranked = value if isinstance(value, list) else []
        value = ranked.index(column.row) + 1 if column.row in ranked else None
    elif value is not None and column.kind == "codes":
        value = " ".join(value)
    if value is not None:
        return value
    if not column.question or column.position < 0:
        return NOT_ASKED
    step = plan.steps[column.position]
    if step.computed is not None or not _asked(plan, column, scope, shown, k):
        return NOT_ASKED
    return False if column.kind == "check" else NOT_ANSWERED


def _asked(
    plan: Plan,
    column: Column,
    scope: Mapping[str, Any],
    shown: set[tuple[int, int | None]],
    k: int | None,
) -> bool:
    if (column.position, k) not in shown:
        return False
    if column.option is not None:
        chosen = scope.get(column.question)
        if chosen != column.option and not (isinstance(chosen, list) and column.option in chosen):
            return False
    if column.row is not None:
        step = plan.steps[column.position]
        return step.offered(column.row, lambda expr: holds(expr, scope, plan.parts))
    return True


__all__ = ["NOT_ANSWERED", "NOT_ASKED", "Cells", "Missing", "Row", "clean", "rows"]
