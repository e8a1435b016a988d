"""The compiled instrument: what the pipeline hands to every later stage.

Validating an instrument computes, once, everything the stages after it need:
the typed instrument, its symbol table (questions, variables, positions), every
condition parsed (syntax trees with spans), and, computed lazily and at most
once, the routing plan and the routing analysis. Renderers, ``qdef diff``,
:mod:`qdef.testing` and the CLI receive this object explicitly; nothing is
looked up by the instrument's identity.

A :class:`Compiled` is immutable from the outside and safe to share between
threads: a lazily computed part may be computed twice by two threads at once,
and either result is the same.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qdef.expr.nodes import Expr
    from qdef.model import Instrument
    from qdef.model.symbols import Symbols
    from qdef.routing.analysis import Analysis
    from qdef.routing.plan import Plan
    from qdef.source.loader import Document


@dataclass(frozen=True, eq=False)
class Compiled:
    """An instrument with everything derived from it, computed once."""

    instrument: Instrument
    """The typed instrument."""
    symbols: Symbols
    """Its symbol table: questions in sequence order, variables and their types."""
    document: Document | None = field(default=None, repr=False)
    """The parsed file it came from (positions for located messages); None for an
    instrument built in code."""

    @functools.cached_property
    def numbers(self) -> Mapping[str, str]:
        """The display number of every question that has one, by question id."""
        return {q.id: number for q, number in self.instrument.numbered() if number is not None}

    @functools.cached_property
    def plan(self) -> Plan:
        """The routing plan: the questions in order, each with its parsed conditions,
        and the response variables (``plan.variables``)."""
        from qdef.routing.plan import plan_for  # noqa: PLC0415

        return plan_for(self.instrument)

    @functools.cached_property
    def analysis(self) -> Analysis:
        """The routing analysis (reaching conditions, findings, path counts); raises
        :class:`qdef.routing.Budget` when the instrument is too entangled to analyse."""
        from qdef.routing.analysis import analysis_for  # noqa: PLC0415

        return analysis_for(self.instrument)

    def reaching(self, question_id: str) -> Expr:
        """The condition under which ``question_id`` is shown, as a syntax tree."""
        return self.analysis.reaching(question_id)

    def reaching_text(self, question_id: str) -> str:
        """The condition under which ``question_id`` is shown, in the condition language."""
        return self.analysis.reaching_source(question_id)


def compile_instrument(instrument: Instrument, document: Document | None = None) -> Compiled:
    """The compiled form of an instrument that has passed validation (or was built in
    code from valid parts)."""
    from qdef.model.symbols import symbols_for  # noqa: PLC0415

    return Compiled(instrument, symbols_for(instrument), document)
