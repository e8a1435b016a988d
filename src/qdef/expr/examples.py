"""Examples in the messages about conditions, made of the instrument's own names and codes.

An example only helps if it fits the instrument: ``employed == "yes"`` in an
English one, ``erwerbstaetig == "ja"`` in a German one, never a fixed word of
some language. :class:`Examples` draws them from the variables a condition may
use (those asked before it). Without an instrument, or where nothing fits, it
falls back to placeholders of no language: ``q1 == "a"``, ``q1 > 0``.

Nothing is computed until a message needs an example, so conditions without
mistakes cost nothing.
"""

from __future__ import annotations

import re
from functools import cached_property

from qdef.expr.messages import DATE_FORMS, example
from qdef.expr.nodes import ORDER_OPS
from qdef.expr.printer import quote
from qdef.model.symbols import Symbols, Variable

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")

PLACEHOLDER = "q1"
"""A variable name of no language, for when the instrument offers none."""


def values_of(variable: Variable) -> tuple[str, ...]:
    """Values (as written in a condition) that ``variable`` can be compared with."""
    vtype = variable.type
    match vtype.kind:
        case "choice" | "choices" | "ranking":
            return tuple(quote(code) for code in vtype.codes)
        case "number":
            return ("0", "10")
        case "date":
            return (quote(DATE_FORMS[vtype.precision or "day"][2]),)
        case "check":
            return ("true", "false")
        case _:
            return ()


class Examples:
    """Examples for a condition at sequence ``position`` of the instrument ``symbols``
    (none given: placeholders only), in ``roster`` (None: outside rosters, where a
    roster's variables are not examples of their own)."""

    def __init__(
        self, symbols: Symbols | None = None, position: int = 0, roster: str | None = None
    ) -> None:
        self.symbols = symbols
        self.position = position
        self.roster = roster

    @cached_property
    def earlier(self) -> list[Variable]:
        """The variables the condition may use, in sequence order."""
        if self.symbols is None:
            return []
        return [
            v
            for v in self.symbols.variables.values()
            if v.position < self.position
            and v.type.kind != "group"
            and v.roster in (None, self.roster)
        ]

    def _first(self, *kinds: str, codes: int = 0) -> Variable | None:
        for variable in self.earlier:
            if variable.type.kind in kinds and len(variable.type.codes) >= codes:
                return variable
        return None

    def known(self, name: str | None) -> Variable | None:
        if self.symbols is None or name is None:
            return None
        return self.symbols.variables.get(name)

    def name(self) -> str:
        """A variable the condition may use (a whole question's, if there is one)."""
        whole = [v.name for v in self.earlier if "." not in v.name]
        return (whole or [v.name for v in self.earlier] or [PLACEHOLDER])[0]

    def value(self, name: str | None, op: str) -> str:
        """A value to compare the variable ``name`` with by ``op`` (one of its codes,
        a number, a date, true), or a placeholder when ``name`` is not known."""
        variable = self.known(name)
        values = values_of(variable) if variable is not None else ()
        if values and not (op in ORDER_OPS and variable and variable.type.kind == "choice"):
            return values[0]
        return "0" if op in ORDER_OPS else '"a"'

    def values(self, name: str | None) -> str:
        """A list's contents for ``name in [...]``: two of its codes, or placeholders."""
        variable = self.known(name)
        values = values_of(variable)[:2] if variable is not None else ()
        return ", ".join(values) if values else '"a", "b"'

    def comparison(self, besides: str = "") -> str:
        """A well-typed comparison, e.g. ``employed == "yes"``; of a variable not named
        in ``besides`` (the author's text it goes with), if there is one."""
        named = set(_NAME.findall(besides))
        others = [v for v in self.earlier if v.name not in named] or self.earlier
        fitting = [v for v in others if v.type.kind == "choice"] or others
        return example(fitting[0]) if fitting else f'{PLACEHOLDER} == "a"'

    def multiple(self) -> str:
        """A use of ``has``, e.g. ``languages has "en"``."""
        variable = self._first("choices", codes=1)
        return example(variable) if variable is not None else f'{PLACEHOLDER} has "a"'

    def member(self, listed: tuple[str, ...] = (), op: str = "in") -> str:
        """A use of ``in`` (or ``op``: ``not in``); with ``listed`` (codes, as written),
        of a variable having them."""
        for candidate in self.earlier:
            codes = values_of(candidate) if candidate.type.kind == "choice" else ()
            if listed and set(listed) <= set(codes):
                return f"{candidate.name} {op} [{', '.join(listed)}]"
        variable = self._first("choice", codes=1)
        if variable is None:
            return f'{PLACEHOLDER} {op} ["a", "b"]'
        return f"{variable.name} {op} [{self.values(variable.name)}]"

    def either(self) -> str:
        """Two comparisons joined by ``or``, in parentheses."""
        variable = self._first("choice", codes=2)
        name, (first, second) = (
            (variable.name, values_of(variable)[:2])
            if variable is not None
            else (PLACEHOLDER, ('"a"', '"b"'))
        )
        return f"({name} == {first} or {name} == {second})"

    def between(self, name: str | None = None) -> str:
        """A number between two bounds, written as two comparisons."""
        if name is None:
            variable = self._first("number")
            name = variable.name if variable is not None else PLACEHOLDER
        return f"{name} > 1 and {name} < 10"

    def part(self, name: str) -> str | None:
        """A part of the multi-part question ``name`` (``name.row``), or of any earlier
        one; None if the instrument has none."""
        if self.symbols is not None:
            for other in self.symbols.variables:
                if other.startswith(name + "."):
                    return other
        dotted = [v.name for v in self.earlier if "." in v.name]
        return dotted[0] if dotted else None
