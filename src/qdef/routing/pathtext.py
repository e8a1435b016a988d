"""A path through an instrument written as a paper questionnaire writes routes.

A roster's block (its questions of one iteration) is written in brackets with what it
is repeated for: ``1, 2, [3–6] × each person of question 1 (at most 3), 7``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qdef.routing.analysis import Analysis
    from qdef.routing.plan import Plan, Roster

_WHOLE = re.compile(r"[0-9]+")


def repeated_for(plan: Plan, roster: Roster) -> str:
    """What a roster's block is repeated for, as listings say it: ``each person of
    question 1 'names' (at most 3)``."""
    number = plan.numbers.get(roster.source)
    source = f"question {number} '{roster.source}'" if number else f"'{roster.source}'"
    if roster.kind == "times":
        return f"{roster.item} = 1 … {source} (at most {roster.max})"
    return f"each {roster.item} of {source} (at most {roster.max})"


def _segments(plan: Plan, path: Sequence[str]) -> list[tuple[str | None, list[str]]]:
    """``path`` cut where it enters or leaves a roster: (roster id or None, questions)."""
    segments: list[tuple[str | None, list[str]]] = []
    for question in path:
        roster = getattr(plan.steps[plan.position_of(question)], "roster", None)
        if not segments or segments[-1][0] != roster:
            segments.append((roster, []))
        segments[-1][1].append(question)
    return segments


def format_ids(analysis: Analysis, path: Sequence[str]) -> str:
    """A path as question ids, a roster's block in brackets with what it is repeated for
    (``names, [age, works] × each person of question 1 'names' (at most 3), end``)."""
    plan = analysis.plan
    parts: list[str] = []
    for roster, questions in _segments(plan, path):
        text = ", ".join(questions)
        parts.append(text if roster is None else _bracket(plan, roster, text))
    return ", ".join(parts)


def _bracket(plan: Plan, roster: str, text: str) -> str:
    return f"[{text}] × {repeated_for(plan, plan.rosters[roster])}"


def format_path(analysis: Analysis, path: Sequence[str]) -> str:
    """A path as question numbers (displays by id), as a paper questionnaire writes
    routes: ``1, 2–6, 22`` and ``1, 7–18, 19, 20, 22``; a roster's block in brackets
    with what it is repeated for (:func:`repeated_for`).
    """
    plan = analysis.plan
    parts: list[str] = []
    for roster, questions in _segments(plan, path):
        text = _numbers(analysis, questions)
        parts.append(text if roster is None else _bracket(plan, roster, text))
    return ", ".join(parts)


def _numbers(analysis: Analysis, path: Sequence[str]) -> str:
    """Questions as numbers.

    Consecutive whole numbers form a run; a run ends where the path leaves a
    section and after a question whose options route (where paths part), and
    a run of three or more is written as a range with an en dash.
    """
    plan = analysis.plan
    numbers = plan.numbers
    parts: list[str] = []
    run: list[str] = []  # numbers of the current run
    previous: tuple[int, int] | None = None  # (section, number) the run may continue from

    def close() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for question in path:
        number = numbers.get(question)
        step = plan.steps[plan.position_of(question)]
        if number is None or not _WHOLE.fullmatch(number):
            close()
            parts.append(number or question)
            previous = None
            continue
        here = (step.entry.section_index, int(number))
        if previous != (here[0], here[1] - 1):
            close()
        run.append(number)
        previous = None if step.option_gotos else here  # paths part here: end the run
    close()
    return ", ".join(parts)
