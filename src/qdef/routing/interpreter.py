"""The walk: the one semantics of skip logic (docs/format.md, "The walk").

Hidden variables come first: each takes the value given (when it is in its domain),
else its default. Then the steps in order: a question is shown when its ``when``
(section, own, availability: :attr:`qdef.routing.plan.Step.when`) holds; it keeps
the answers given for it, except those of options (rows) not offered; a computed
value stores its expression's value (unless absent); the rules of a shown question
with an answer are checked (:attr:`Walk.errors`), and a number list's total.

A roster (a section with ``repeat``) is one candidate: its section's ``when`` is
decided once, then its steps are walked once per iteration on the iteration's record
over the response (``ChainMap(record, response)``: the item and the iteration's
answers first, then everything before the roster), and the records are stored under
the section's id. The walk stays linear in the answers: what is outside a roster is
walked once. ``order: random`` changes nothing the walk decides; the order shown is
recorded under ``_order`` (given, or drawn with ``seed``: :mod:`qdef.routing.order`).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal

from qdef.expr.printer import to_source
from qdef.model import (
    DualMatrixQuestion,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    Question,
    Section,
)
from qdef.routing.answers import AnswerError, normalize, problems, value_problem
from qdef.routing.evaluate import Parts, holds, value
from qdef.routing.order import codes, is_permutation, shown_order
from qdef.routing.plan import Plan, Roster, Step, as_plan
from qdef.source.positions import KeyPath


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """A rule of a shown, answered question whose check does not hold."""

    question: str
    """The question's id."""
    index: int
    """The rule's index in the question's ``rules``."""
    message: KeyPath
    """The key path of the rule's message (``(…, "rules", index, "message")``); for the
    total of a number list (``index`` -1) the key path of its ``total``."""
    iteration: int | None = None
    """Inside a roster: the iteration's index (0-based) in the roster's records."""


@dataclass(frozen=True, slots=True)
class Walk:
    """What a respondent with given answers is shown, and the response kept."""

    positions: tuple[int, ...]
    """Sequence positions of the shown questions, in order."""
    questions: tuple[Question, ...]
    """The shown questions (displays included), in order."""
    response: dict[str, Any]
    """The answers kept: those of shown questions (see :mod:`qdef.routing.answers`)."""
    ended_by: Literal["goto", "last"]
    """``goto`` when a ``goto: end`` ended the walk, ``last`` after the last question."""
    errors: tuple[RuleFailure, ...] = ()
    """The rules that failed, in the order the questions were shown."""
    iterations: tuple[int | None, ...] = ()
    """Parallel to :attr:`positions`: the roster iteration (0-based) in which the
    question was shown, None outside rosters (empty when the instrument has no roster)."""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


def walk(
    instrument: Instrument | Plan,
    answers: Mapping[str, Any],
    *,
    check: bool = True,
    seed: int | None = None,
) -> Walk:
    """Walk ``instrument`` for a respondent whose answers are ``answers``.

    Answers may be given for any question and hidden variable; those of questions
    the walk does not show are ignored (absent from :attr:`Walk.response`), as are
    follow-ups of options not chosen and answers of options (rows) not offered. A
    hidden variable's value outside its domain is ignored (its default applies).
    A roster's answers are a list of records under its id, the k-th answering the
    k-th iteration. With ``check`` (the default) answers that do not fit the
    instrument raise :class:`AnswerError` listing every problem — an unknown
    variable name is a typo, not an unanswered question — and so do rules that fail
    (:attr:`Walk.errors`).

    ``seed`` decides the order shown of what has ``order: random``
    (:func:`qdef.routing.order.shuffled`); the response records it under ``_order``.
    An ``_order`` entry given in ``answers`` is kept when it fits (a permutation of the
    question's codes, the section's ids); without a seed and without ``_order`` the
    response has no ``_order``.
    """
    plan = as_plan(instrument)
    if check:
        found = problems(plan, answers)
        if found:
            raise AnswerError(found)
    shown, trail, response, ended_by = _walk(plan, answers, plan.end)
    errors = _rules(plan, shown, trail, response)
    if check and errors:
        raise AnswerError([_failure_text(plan, failure) for failure in errors])
    if plan.randomised:
        order = _orders(plan, shown, answers.get("_order"), seed)
        if order:
            response["_order"] = order
    steps = plan.steps
    return Walk(
        tuple(shown),
        tuple(steps[p].question for p in shown),
        response,
        ended_by,
        tuple(errors),
        tuple(trail) if plan.rosters else (),
    )


def _failure_text(plan: Plan, failure: RuleFailure) -> str:
    step = plan.steps[plan.position_of(failure.question)]
    where = f"'{failure.question}'"
    if failure.iteration is not None and step.roster is not None:
        where += f" (iteration {failure.iteration + 1} of '{step.roster}')"
    if failure.index < 0:
        assert step.total is not None
        return f"{where}: the total fails: {to_source(step.total)}"
    rules = getattr(step.question, "rules", None) or ()
    rule = rules[failure.index]
    return f"{where}: rule {failure.index + 1} fails: {rule.check}"


def walk_until(
    plan: Plan, answers: Mapping[str, Any], stop: int
) -> tuple[list[int], dict[str, Any]]:
    """The start of :func:`walk` (answers not checked): the positions shown before
    position ``stop``, and the response kept until then. When ``answers`` answers no
    question at ``stop`` or later, the response is the whole walk's: a question after
    ``stop`` keeps only its own answers (what an example respondent needs, without
    walking the rest of a long questionnaire). A roster that ``stop`` cuts is walked
    for every iteration up to ``stop`` (its positions repeat once per iteration)."""
    shown, _, response, _ = _walk(plan, answers, min(stop, plan.end))
    return shown, response


Trail = list[int | None]


def _walk(
    plan: Plan, answers: Mapping[str, Any], stop: int
) -> tuple[list[int], Trail, dict[str, Any], Literal["goto", "last"]]:
    response: dict[str, Any] = {}
    for info in plan.hidden:
        given = answers.get(info.name)
        if given is not None and value_problem(info, given) is None:
            response[info.name] = normalize(info, given)
        elif info.node.default is not None:
            response[info.name] = info.node.default
    shown: list[int] = []
    trail: Trail = []
    position, end = 0, plan.end
    ended_by: Literal["goto", "last"] = "last"
    steps = plan.steps
    while position < stop:
        step = steps[position]
        if step.roster is not None:
            roster = plan.rosters[step.roster]
            _roster(plan, roster, answers, response, shown=shown, trail=trail, stop=stop)
            position = roster.stop
            continue
        was_shown, position, routed = _visit(plan, step, answers, response)
        if was_shown:
            shown.append(step.position)
            trail.append(None)
        if position == end and routed:
            ended_by = "goto"
    return shown, trail, response, ended_by


def _visit(
    plan: Plan, step: Step, given: Mapping[str, Any], scope: MutableMapping[str, Any]
) -> tuple[bool, int, bool]:
    """Take one step on ``scope`` (the response, or inside a roster the iteration's
    record over it), keeping the answers ``given`` for it: whether it was shown, the
    next position, and whether a goto chose that position."""
    parts = plan.parts
    when = step.when
    if when is not None and not holds(when, scope, parts):
        return False, step.position + 1, False
    if step.computed is not None:
        _compute(step, scope, parts)
        return False, step.position + 1, False
    dropped = _dropped(plan, step, scope)  # decided before the question's answers
    _keep(plan, step.variables, given, scope)
    if dropped:
        _withdraw(plan, step, scope, dropped)
    chosen = scope.get(step.question.id)
    target = step.option_gotos.get(chosen) if isinstance(chosen, str) else None
    if target is not None:
        return True, target, True
    return True, step.next_default, step.goto is not None


def iterations(roster: Roster, response: Mapping[str, Any]) -> list[Any]:
    """The items of ``roster``'s iterations on ``response`` (the answers before it): the
    chosen codes in option order, the answered fields' texts in field order, or the
    numbers 1 … the source's value (none when it is absent or below 1)."""
    if roster.kind == "choices":
        chosen = response.get(roster.source)
        if not isinstance(chosen, list):
            return []
        return [code for code in roster.slots if code in chosen]
    if roster.kind == "textlist":
        return [
            response[slot] for slot in roster.slots if isinstance(slot, str) and slot in response
        ]
    count = response.get(roster.source)
    if isinstance(count, bool) or not isinstance(count, int | float):
        return []
    return [slot for slot in roster.slots if isinstance(slot, int) and slot <= count]


def _roster(
    plan: Plan,
    roster: Roster,
    answers: Mapping[str, Any],
    response: dict[str, Any],
    *,
    shown: list[int],
    trail: Trail,
    stop: int,
) -> None:
    """Walk ``roster`` once per iteration (its section's ``when`` decided once, before),
    storing the records under its id (no key when there is no iteration)."""
    steps = plan.steps
    section_when = steps[roster.start].section_when
    if section_when is not None and not holds(section_when, response, plan.parts):
        return
    items = iterations(roster, response)
    given = answers.get(roster.id)
    records_given = given if isinstance(given, list) else []
    records: list[dict[str, Any]] = []
    last = min(stop, roster.stop)
    for k, item in enumerate(items):
        record: dict[str, Any] = {roster.item: item}
        scope = ChainMap(record, response)
        own = records_given[k] if k < len(records_given) else None
        own_answers: Mapping[str, Any] = own if isinstance(own, Mapping) else {}
        position = roster.start
        while position < last:
            step = steps[position]
            was_shown, position, _ = _visit(plan, step, own_answers, scope)
            if was_shown:
                shown.append(step.position)
                trail.append(k)
        records.append(record)
    if records:
        response[roster.id] = records


def _compute(step: Step, response: MutableMapping[str, Any], parts: Parts) -> None:
    assert step.computed is not None
    result = value(step.computed, response, parts)
    if result is not None:
        response[step.question.id] = result


def _rules(
    plan: Plan, shown: list[int], trail: Trail, response: dict[str, Any]
) -> list[RuleFailure]:
    """The failed rules (and number-list totals) of the shown questions with an answer.
    Checked on the whole response (inside a roster: the iteration's record over it): a
    rule reads only its question's and earlier variables, which no later step changes,
    so this is what checking each rule as its question is left gives."""
    errors: list[RuleFailure] = []
    parts = plan.parts
    for position, k in zip(shown, trail, strict=True):
        step = plan.steps[position]
        if not step.rules and step.total is None:
            continue
        scope: Mapping[str, Any] = response
        if k is not None and step.roster is not None:
            scope = ChainMap(response[step.roster][k], response)
        if not any(name in scope for name in step.variables):
            continue  # checked only when at least one of the question's variables is answered
        path = step.entry.path
        for i, rule in enumerate(step.rules):
            if not holds(rule, scope, parts):
                qid = step.question.id
                errors.append(RuleFailure(qid, i, (*path, "rules", i, "message"), k))
        if step.total is not None and not holds(step.total, scope, parts):
            errors.append(RuleFailure(step.question.id, -1, (*path, "total"), k))
    return errors


def _orders(plan: Plan, shown: list[int], given: Any, seed: int | None) -> dict[str, list[str]]:
    """``_order`` of the response: for each randomised question shown and each randomised
    section with an entry shown, the order shown — the one given (when it is a
    permutation of the codes or ids), else the one ``seed`` draws, else none."""
    found: dict[str, list[str]] = {}
    sections = plan.instrument.sections
    seen: set[int] = set()
    for position in shown:
        step = plan.steps[position]
        question = step.question
        if getattr(question, "order", "written") == "random":
            _order_of(question, given, seed, found)
        index = step.entry.section_index
        if index not in seen:
            seen.add(index)
            if sections[index].order == "random":
                _order_of(sections[index], given, seed, found)
    return found


def _order_of(
    what: Question | Section, given: Any, seed: int | None, found: dict[str, list[str]]
) -> None:
    if what.id in found:
        return
    mine = given.get(what.id) if isinstance(given, Mapping) else None
    if is_permutation(mine, codes(what)):
        assert isinstance(mine, list)
        found[what.id] = list(mine)
    elif seed is not None:
        found[what.id] = shown_order(what, seed)


def _keep(
    plan: Plan,
    names: tuple[str, ...],
    answers: Mapping[str, Any],
    response: MutableMapping[str, Any],
) -> None:
    for name in names:
        if name not in answers:
            continue
        info = plan.variables[name]
        if info.option is not None:  # a follow-up counts only while its option is chosen
            chosen = response.get(info.question)
            if chosen is None:
                continue
            if isinstance(chosen, str) and chosen != info.option:
                continue
            if isinstance(chosen, list) and info.option not in chosen:
                continue
        value = normalize(info, answers[name])
        if value is not None:
            response[name] = value


def _withdraw(
    plan: Plan, step: Step, response: MutableMapping[str, Any], dropped: Collection[str]
) -> None:
    """Take the answers of the options and rows in ``dropped`` (not offered) out of the
    answers ``step`` kept: a single choice of one, the codes of a multiple choice, the
    parts of a row, and their follow-ups."""
    for name in step.variables:
        if name not in response:
            continue
        info = plan.variables[name]
        own = name == info.question
        chosen = own and info.kind == "choice" and response[name] in dropped
        if chosen or info.option in dropped or _unoffered(step, name, dropped):
            del response[name]
        elif own and info.kind in ("choices", "ranking"):  # a ranking keeps its order
            kept = [code for code in response[name] if code not in dropped]
            if kept:
                response[name] = kept
            else:
                del response[name]


def _dropped(plan: Plan, step: Step, response: Mapping[str, Any]) -> Collection[str]:
    """The codes of the options (rows) of ``step`` not offered, decided on the answers
    before the question's own (their conditions look only earlier)."""
    if not step.option_when:
        return ()
    parts = plan.parts
    return {code for code, cond in step.option_when.items() if not holds(cond, response, parts)}


def _unoffered(step: Step, name: str, dropped: Collection[str]) -> bool:
    """Whether ``name`` is a part of a row that is not offered (a matrix row, a grid
    cell, a row's follow-up)."""
    question = step.question
    if not isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
        return False
    prefix = question.id + "."
    if name.startswith(prefix):
        return name[len(prefix) :].split(".", 1)[0] in dropped
    return any(
        row.code in dropped and row.specify is not None and row.specify.id == name
        for row in question.rows
    )


def shown_ids(instrument: Instrument | Plan, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the questions :func:`walk` shows (a shortcut)."""
    return walk(instrument, answers).ids


__all__ = ["RuleFailure", "Walk", "iterations", "shown_ids", "walk", "walk_until"]
