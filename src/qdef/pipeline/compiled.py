"""The compiled instrument: what the pipeline hands to every later stage.

Validating an instrument computes, once, everything the stages after it need:
the typed instrument, its symbol table (questions, variables, positions), every
condition parsed (syntax trees with spans), and, computed lazily and at most
once, the routing plan and the routing analysis. Renderers, ``qdef diff``,
:mod:`qdef.testing` and the CLI receive this object explicitly; nothing is
looked up by the instrument's identity.

Validation (:func:`qdef.pipeline.validate_file` and its siblings) builds it from
what the semantic checks computed (:class:`qdef.validation.checks.Checked`):
their symbol table and the conditions they parsed. :func:`compile_instrument`
builds it for an instrument made in code, parsing each condition once.

A :class:`Compiled` is immutable from the outside and safe to share between
threads: a lazily computed part may be computed twice by two threads at once,
and either result is the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar, cast

from qdef.expr.nodes import Expr
from qdef.expr.parser import parse
from qdef.expr.scope import resolve
from qdef.model import Computed, Instrument
from qdef.model.symbols import Symbols
from qdef.source.positions import KeyPath

if TYPE_CHECKING:
    from qdef.expr.template import Template
    from qdef.routing.analysis import Analysis
    from qdef.routing.plan import Plan
    from qdef.source.loader import Document

T = TypeVar("T")


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
    conditions: Mapping[KeyPath, Expr] = field(default_factory=dict, repr=False)
    """Every expression of the instrument parsed, by its key path: the ``when`` of
    sections, questions, options and rows (``("sections", 0, "when")``,
    ``("sections", 0, "questions", 2, "options", 1, "when")``), computed values
    (``(…, "value")``) and rules (``(…, "rules", 0, "check")``); the syntax trees carry
    offsets into the expression's text. Expressions missing from the mapping given are
    parsed when the Compiled is made (each once)."""
    templates: Mapping[KeyPath, Template] | None = field(default=None, repr=False)
    """Every piped text (with ``{…}`` pieces) parsed, by the key path of the text (ending
    in the language for a translated text); None: found and parsed when first asked for
    (an instrument built in code)."""

    _derived: dict[Callable[[Compiled], object], object] = field(
        default_factory=dict, init=False, repr=False
    )
    """What later stages derived from this compiled instrument (:meth:`derived`)."""

    def __post_init__(self) -> None:
        complete = dict(self.conditions)
        roster_of = self.symbols.roster_of if self.symbols.rosters else None
        for path, source in _condition_sources(self.instrument):
            if path not in complete:
                parsed = parse(source)
                # an aggregate over a roster as the semantic checks leave it: an Over
                complete[path] = parsed if roster_of is None else resolve(parsed, roster_of)
        object.__setattr__(self, "conditions", MappingProxyType(complete))

    def condition(self, path: KeyPath) -> Expr | None:
        """The parsed expression at ``path`` (the key path of a ``when``, a computed
        ``value``, a rule's ``check``); None if there is none."""
        return self.conditions.get(path)

    def template(self, path: KeyPath) -> Template | None:
        """The piped text at ``path`` (ending in the language for a translated text);
        None when the text there has no ``{…}`` piece."""
        return self._templates().get(path)

    def texts_with_pieces(self) -> Iterator[tuple[KeyPath, Template]]:
        """Every piped text, in document order, with its key path."""
        return iter(self._templates().items())

    def _templates(self) -> Mapping[KeyPath, Template]:
        if self.templates is None:
            from qdef.validation.checks import piped_templates  # noqa: PLC0415

            object.__setattr__(
                self, "templates", MappingProxyType(piped_templates(self.instrument))
            )
        assert self.templates is not None
        return self.templates

    @functools.cached_property
    def numbers(self) -> Mapping[str, str]:
        """The display number of every question that has one, by question id."""
        return MappingProxyType(self.instrument.numbers())

    @functools.cached_property
    def plan(self) -> Plan:
        """The routing plan: the questions in order, each with its parsed conditions
        (the trees of :attr:`conditions`), and the response variables (``plan.variables``);
        its ``numbers`` are :attr:`numbers`."""
        from qdef.routing.plan import compile_plan  # noqa: PLC0415

        return compile_plan(self.instrument, self.symbols, self.conditions, self.numbers)

    @property
    def analysis(self) -> Analysis:
        """The routing analysis (reaching conditions, findings, path counts); raises
        :class:`qdef.routing.Budget` (or :class:`RecursionError`) when the instrument
        is too entangled to analyse, on every access: a failed analysis is not tried
        again either."""
        kept = self.__dict__.get("_analysis")
        if kept is None:
            from qdef.routing.analysis import analyse_plan  # noqa: PLC0415
            from qdef.routing.dd import Budget  # noqa: PLC0415

            try:
                kept = analyse_plan(self.plan, templates=self._templates())
            except (Budget, RecursionError) as error:
                kept = error
            # kept as functools.cached_property keeps the plan: in the instance's dict
            self.__dict__["_analysis"] = kept
        if isinstance(kept, BaseException):
            raise kept.with_traceback(None)
        return kept

    def derived(self, compute: Callable[[Compiled], T]) -> T:
        """``compute(self)``, computed once per compiled instrument and kept with it: how a
        later stage shares what it derives (the routing notes that the paper and the web
        form both print) between the renderers of one run. ``compute`` must be a function
        of the compiled instrument alone (a module-level function, not a new lambda per
        call), and what it returns is shared: treat it as read-only."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return cast(T, self._derived[compute])

    def reaching(self, question_id: str) -> Expr:
        """The condition under which ``question_id`` is shown, as a syntax tree."""
        return self.analysis.reaching(question_id)

    def reaching_text(self, question_id: str) -> str:
        """The condition under which ``question_id`` is shown, in the condition language."""
        return self.analysis.reaching_source(question_id)


def _condition_sources(instrument: Instrument) -> Iterator[tuple[KeyPath, str]]:
    """Every expression of ``instrument``: its key path, and its text."""
    for s, section in enumerate(instrument.sections):
        if section.when is not None:
            yield ("sections", s, "when"), section.when
        for q, question in enumerate(section.questions):
            path: KeyPath = ("sections", s, "questions", q)
            if question.when is not None:
                yield (*path, "when"), question.when
            if isinstance(question, Computed):
                yield (*path, "value"), question.value
                continue
            for key in ("options", "rows"):
                for i, item in enumerate(getattr(question, key, None) or ()):
                    if item.when is not None:
                        yield (*path, key, i, "when"), item.when
            for k, rule in enumerate(getattr(question, "rules", None) or ()):
                yield (*path, "rules", k, "check"), rule.check


def compile_instrument(instrument: Instrument, document: Document | None = None) -> Compiled:
    """The compiled form of an instrument that has passed validation (or was built in
    code from valid parts): its symbol table built and each condition parsed, once."""
    from qdef.validation.checks import build_symbols  # noqa: PLC0415

    return Compiled(instrument, build_symbols(instrument), document)
