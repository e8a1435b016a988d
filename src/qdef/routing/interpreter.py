"""The walk: the one semantics of skip logic (docs/format.md, "The walk")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from qdef.model import Instrument, Question
from qdef.routing.answers import AnswerError, normalize, problems
from qdef.routing.evaluate import holds
from qdef.routing.plan import Plan, as_plan


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

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


def walk(instrument: Instrument | Plan, answers: Mapping[str, Any], *, check: bool = True) -> Walk:
    """Walk ``instrument`` for a respondent whose answers are ``answers``.

    Answers may be given for any question; those of questions the walk does
    not show are ignored (absent from :attr:`Walk.response`), as are
    follow-ups of options not chosen. With ``check`` (the default) answers
    that do not fit the instrument raise :class:`AnswerError` listing every
    problem: an unknown variable name is a typo, not an unanswered question.
    """
    plan = as_plan(instrument)
    if check:
        found = problems(plan, answers)
        if found:
            raise AnswerError(found)
    shown, response, ended_by = _walk(plan, answers, plan.end)
    steps = plan.steps
    return Walk(tuple(shown), tuple(steps[p].question for p in shown), response, ended_by)


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
        shown.append(position)
        _keep(plan, step.variables, answers, response)
        chosen = response.get(step.question.id)
        target = step.option_gotos.get(chosen) if isinstance(chosen, str) else None
        position = target if target is not None else step.next_default
        if position == end and (target is not None or step.goto is not None):
            ended_by = "goto"
    return shown, response, ended_by


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


def shown_ids(instrument: Instrument | Plan, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the questions :func:`walk` shows (a shortcut)."""
    return walk(instrument, answers).ids


__all__ = ["Walk", "shown_ids", "walk", "walk_until"]
