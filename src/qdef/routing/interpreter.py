"""The walk: the one semantics of skip logic (docs/format.md, "The walk").

Hidden variables come first: each takes the value given (when it is in its domain),
else its default. Then the steps in order: a question is shown when its ``when``
(section, own, availability: :attr:`qdef.routing.plan.Step.when`) holds; it keeps
the answers given for it, except those of options (rows) not offered; a computed
value stores its expression's value (unless absent); the rules of a shown question
with an answer are checked (:attr:`Walk.errors`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from qdef.model import GridQuestion, Instrument, MatrixQuestion, Question
from qdef.routing.answers import AnswerError, normalize, problems, value_problem
from qdef.routing.evaluate import Parts, holds, value
from qdef.routing.plan import Plan, Step, as_plan
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


def walk(instrument: Instrument | Plan, answers: Mapping[str, Any], *, check: bool = True) -> Walk:
    """Walk ``instrument`` for a respondent whose answers are ``answers``.

    Answers may be given for any question and hidden variable; those of questions
    the walk does not show are ignored (absent from :attr:`Walk.response`), as are
    follow-ups of options not chosen and answers of options (rows) not offered. A
    hidden variable's value outside its domain is ignored (its default applies).
    With ``check`` (the default) answers that do not fit the instrument raise
    :class:`AnswerError` listing every problem — an unknown variable name is a typo,
    not an unanswered question — and so do rules that fail (:attr:`Walk.errors`).
    """
    plan = as_plan(instrument)
    if check:
        found = problems(plan, answers)
        if found:
            raise AnswerError(found)
    shown, response, ended_by = _walk(plan, answers, plan.end)
    errors = _rules(plan, shown, response)
    if check and errors:
        raise AnswerError([_failure_text(plan, failure) for failure in errors])
    steps = plan.steps
    return Walk(
        tuple(shown), tuple(steps[p].question for p in shown), response, ended_by, tuple(errors)
    )


def _failure_text(plan: Plan, failure: RuleFailure) -> str:
    question = plan.steps[plan.position_of(failure.question)].question
    rules = getattr(question, "rules", None) or ()
    rule = rules[failure.index]
    return f"'{failure.question}': rule {failure.index + 1} fails: {rule.check}"


def walk_until(
    plan: Plan, answers: Mapping[str, Any], stop: int
) -> tuple[list[int], dict[str, Any]]:
    """The start of :func:`walk` (answers not checked): the positions shown before
    position ``stop``, and the response kept until then. When ``answers`` answers no
    question at ``stop`` or later, the response is the whole walk's: a question after
    ``stop`` keeps only its own answers (what an example respondent needs, without
    walking the rest of a long questionnaire)."""
    shown, response, _ = _walk(plan, answers, min(stop, plan.end))
    return shown, response


def _walk(
    plan: Plan, answers: Mapping[str, Any], stop: int
) -> tuple[list[int], dict[str, Any], Literal["goto", "last"]]:
    response: dict[str, Any] = {}
    for info in plan.hidden:
        given = answers.get(info.name)
        if given is not None and value_problem(info, given) is None:
            response[info.name] = normalize(info, given)
        elif info.node.default is not None:
            response[info.name] = info.node.default
    shown: list[int] = []
    position, end = 0, plan.end
    ended_by: Literal["goto", "last"] = "last"
    parts = plan.parts
    steps = plan.steps
    while position < stop:
        step = steps[position]
        when = step.when
        if when is not None and not holds(when, response, parts):
            position += 1
            continue
        if step.computed is not None:
            _compute(step, response, parts)
            position += 1
            continue
        shown.append(position)
        dropped = _dropped(plan, step, response)  # decided before the question's answers
        _keep(plan, step.variables, answers, response)
        if dropped:
            _withdraw(plan, step, response, dropped)
        chosen = response.get(step.question.id)
        target = step.option_gotos.get(chosen) if isinstance(chosen, str) else None
        position = target if target is not None else step.next_default
        if position == end and (target is not None or step.goto is not None):
            ended_by = "goto"
    return shown, response, ended_by


def _compute(step: Step, response: dict[str, Any], parts: Parts) -> None:
    assert step.computed is not None
    result = value(step.computed, response, parts)
    if result is not None:
        response[step.question.id] = result


def _rules(plan: Plan, shown: list[int], response: Mapping[str, Any]) -> list[RuleFailure]:
    """The failed rules of the shown questions with an answer. Checked on the whole
    response: a rule reads only its question's and earlier variables, which no later
    step changes, so this is what checking each rule as its question is left gives."""
    errors: list[RuleFailure] = []
    for position in shown:
        step = plan.steps[position]
        if not step.rules or not any(name in response for name in step.variables):
            continue  # checked only when at least one of the question's variables is answered
        path = step.entry.path
        for k, rule in enumerate(step.rules):
            if not holds(rule, response, plan.parts):
                errors.append(RuleFailure(step.question.id, k, (*path, "rules", k, "message")))
    return errors


def _keep(
    plan: Plan, names: tuple[str, ...], answers: Mapping[str, Any], response: dict[str, Any]
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


def _withdraw(plan: Plan, step: Step, response: dict[str, Any], dropped: Collection[str]) -> None:
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
        elif own and info.kind == "choices":
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
    if not isinstance(question, MatrixQuestion | GridQuestion):
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


__all__ = ["RuleFailure", "Walk", "shown_ids", "walk", "walk_until"]
