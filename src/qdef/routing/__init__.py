"""Routing: the reference interpreter of skip logic and whole-instrument analysis.

- :func:`walk` — the questions a respondent with given answers is shown, and
  the response kept (the one semantics of docs/routing.md);
- :func:`analyse` — an :class:`Analysis` of the whole instrument:
  reaching conditions (:meth:`Analysis.reaching`), findings
  (:meth:`Analysis.findings`), and, through :func:`count_paths` and
  :func:`iter_paths`, the distinct paths (:func:`format_path` writes one as
  question numbers, as a paper questionnaire writes routes);
- :func:`problems` — what is wrong with an answer set (a walk's failed rules are
  :attr:`Walk.errors`, each a :class:`RuleFailure`).

Everything here expects an instrument that ``qdef validate`` accepts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from qdef.model import Instrument
from qdef.routing.analysis import Analysis, analyse_plan
from qdef.routing.answers import AnswerError
from qdef.routing.answers import problems as _problems
from qdef.routing.dd import Budget
from qdef.routing.interpreter import RuleFailure, Walk, walk
from qdef.routing.order import anchored, shuffled
from qdef.routing.pathsets import PathCount
from qdef.routing.pathsets import count_paths as _count_paths
from qdef.routing.pathsets import iter_paths as _iter_paths
from qdef.routing.pathtext import format_path
from qdef.routing.plan import Plan, Roster, Step, as_plan
from qdef.routing.verdicts import CODES, Finding, FindingKind

__all__ = [
    "CODES",
    "Analysis",
    "AnswerError",
    "Budget",
    "Finding",
    "FindingKind",
    "PathCount",
    "Plan",
    "Roster",
    "RuleFailure",
    "Step",
    "Walk",
    "analyse",
    "anchored",
    "as_plan",
    "count_paths",
    "findings",
    "format_path",
    "paths",
    "problems",
    "reaching_conditions",
    "shuffled",
    "walk",
]


def analyse(instrument: Instrument | Plan) -> Analysis:
    """Analyse the routing of ``instrument``. A question too entangled to analyse within
    memory bounds is left out (:attr:`Analysis.skipped`, finding QD606) and the rest
    analysed; raises :class:`Budget` if that is not enough."""
    return analyse_plan(as_plan(instrument))


def _analysis(instrument: Instrument | Plan | Analysis) -> Analysis:
    """An analysis given, or a new one of an instrument or a plan (a caller that has a
    :class:`~qdef.pipeline.compiled.Compiled` passes its ``analysis``, made once)."""
    if isinstance(instrument, Analysis):
        return instrument
    return analyse(instrument)


def reaching_conditions(instrument: Instrument | Plan | Analysis) -> dict[str, str]:
    """Question id -> the condition under which it is shown, in the condition language."""
    analysis = _analysis(instrument)
    return {s.question.id: analysis.reaching_source(s.question.id) for s in analysis.plan.steps}


def findings(instrument: Instrument | Plan | Analysis) -> list[Finding]:
    """Unreachable questions (also because no option is ever offered), conditions that
    always hold, gotos that change nothing, rules no answer can meet, piped values that
    may be absent, and questions whose reachability cannot be decided."""
    return _analysis(instrument).findings()


def count_paths(instrument: Instrument | Plan | Analysis) -> PathCount:
    """The number of distinct paths (question sequences), counted without listing them."""
    return _count_paths(_analysis(instrument))


def paths(
    instrument: Instrument | Plan | Analysis, limit: int | None = None
) -> Iterator[tuple[str, ...]]:
    """The distinct paths as sequences of question ids, in order, at most ``limit``."""
    analysis = _analysis(instrument)
    steps = analysis.plan.steps
    for positions in _iter_paths(analysis, limit):
        yield tuple(steps[p].question.id for p in positions)


def problems(instrument: Instrument | Plan, answers: Mapping[str, Any]) -> list[str]:
    """Every way ``answers`` does not fit ``instrument`` (empty: they fit)."""
    return _problems(as_plan(instrument), answers)
