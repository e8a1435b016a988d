"""A path through an instrument written as a paper questionnaire writes routes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qdef.routing.analysis import Analysis

_WHOLE = re.compile(r"[0-9]+")


def format_path(analysis: Analysis, path: Sequence[str]) -> str:
    """A path as question numbers (displays by id), as a paper questionnaire writes
    routes: ``1, 2–6, 22`` and ``1, 7–18, 19, 20, 22``.

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
