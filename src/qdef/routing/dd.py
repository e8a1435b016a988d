"""Multi-valued decision diagrams: exact reasoning over finite domains.

A diagram is a node id (int). ``FALSE`` (0) and ``TRUE`` (1) are the terminals;
every other node tests one variable and has one child per value of that
variable's domain. Nodes are hash-consed and reduced (a node whose children
are all equal is its child), so with a fixed variable order every Boolean
function has exactly one node: equivalence is ``==``, and a condition is
unsatisfiable exactly when it is ``FALSE``.

Variables are ints ordered by their number; the routing analysis numbers them
in question order, so diagrams follow the instrument.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

FALSE = 0
TRUE = 1
#: The default bound on diagram nodes: about 160 MB at worst. The largest synthetic
#: instrument benchmarked (10,000 questions) needs about 11,000.
MAX_NODES = 500_000
_TERMINAL = 1 << 62


class Budget(Exception):  # noqa: N818 - an outcome, not a bug
    """A diagram grew beyond the configured number of nodes."""

    position: int | None = None
    """The question (sequence position) whose condition or rules the routing analysis
    was working on, when it knows."""


@contextmanager
def working_on(position: int) -> Iterator[None]:
    """Mark a :class:`Budget` raised inside as raised while working on ``position``."""
    try:
        yield
    except Budget as budget:
        if budget.position is None:
            budget.position = position
        raise


class DD:
    """A manager of diagrams over variables ``0 … len(sizes)-1``."""

    def __init__(self, max_nodes: int = MAX_NODES) -> None:
        self.sizes: list[int] = []
        self._var: list[int] = [_TERMINAL, _TERMINAL]
        self._kids: list[tuple[int, ...]] = [(), ()]
        self._unique: dict[tuple[int, tuple[int, ...]], int] = {}
        self._and: dict[tuple[int, int], int] = {}
        self._or: dict[tuple[int, int], int] = {}
        self._not: dict[int, int] = {FALSE: TRUE, TRUE: FALSE}
        self.max_nodes = max_nodes

    # ------------------------------------------------------------------ building

    def new_var(self, size: int) -> int:
        if size < 1:
            raise ValueError("a domain needs at least one value")
        self.sizes.append(size)
        return len(self.sizes) - 1

    def var(self, node: int) -> int:
        """The variable ``node`` tests (a very large number for terminals)."""
        return self._var[node]

    def kids(self, node: int) -> tuple[int, ...]:
        return self._kids[node]

    def mk(self, var: int, kids: tuple[int, ...]) -> int:
        first = kids[0]
        if all(kid == first for kid in kids):
            return first
        key = (var, kids)
        node = self._unique.get(key)
        if node is None:
            if len(self._var) >= self.max_nodes:
                raise Budget(f"more than {self.max_nodes} diagram nodes")
            node = len(self._var)
            self._var.append(var)
            self._kids.append(kids)
            self._unique[key] = node
        return node

    def literal(self, var: int, allowed: Iterable[int]) -> int:
        """True exactly when ``var`` takes one of the ``allowed`` values."""
        chosen = set(allowed)
        return self.mk(var, tuple(TRUE if k in chosen else FALSE for k in range(self.sizes[var])))

    # ------------------------------------------------------------------ operations

    # Operations are iterative (an explicit stack, never Python recursion), so a
    # diagram may be as deep as an instrument has variables.

    def and_(self, a: int, b: int) -> int:
        return self._binary(self._and, _and_shortcut, a, b)

    def or_(self, a: int, b: int) -> int:
        return self._binary(self._or, _or_shortcut, a, b)

    def _binary(
        self,
        memo: dict[tuple[int, int], int],
        shortcut: Callable[[int, int], int | None],
        a: int,
        b: int,
    ) -> int:
        done = shortcut(a, b)
        if done is not None:
            return done
        root = (a, b) if a < b else (b, a)
        if root in memo:
            return memo[root]
        stack = [root]
        while stack:
            pair = stack[-1]
            if pair in memo:
                stack.pop()
                continue
            var, ka, kb = self._split(*pair)
            kids: list[int] = []
            missing = False
            for x, y in zip(ka, kb, strict=True):
                result = shortcut(x, y)
                if result is None:
                    key = (x, y) if x < y else (y, x)
                    result = memo.get(key)
                    if result is None:
                        stack.append(key)
                        missing = True
                        continue
                kids.append(result)
            if not missing:
                stack.pop()
                memo[pair] = self.mk(var, tuple(kids))
        return memo[root]

    def _unary(
        self,
        root: int,
        memo: dict[int, int],
        combine: Callable[[int, list[int]], int],
    ) -> int:
        """Rebuild ``root`` bottom-up: ``combine(var, transformed kids)`` at each node;
        terminals must already be in ``memo``."""
        if root in memo:
            return memo[root]
        stack = [root]
        while stack:
            node = stack[-1]
            if node in memo:
                stack.pop()
                continue
            missing = [kid for kid in self._kids[node] if kid not in memo]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            memo[node] = combine(self._var[node], [memo[kid] for kid in self._kids[node]])
        return memo[root]

    def not_(self, a: int) -> int:
        result = self._unary(a, self._not, lambda var, kids: self.mk(var, tuple(kids)))
        self._not[result] = a
        return result

    def _split(self, a: int, b: int) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        va, vb = self._var[a], self._var[b]
        if va == vb:
            return va, self._kids[a], self._kids[b]
        if va < vb:
            return va, self._kids[a], (b,) * self.sizes[va]
        return vb, (a,) * self.sizes[vb], self._kids[b]

    def all_(self, nodes: Iterable[int]) -> int:
        result = TRUE
        for node in nodes:
            result = self.and_(result, node)
            if result == FALSE:
                break
        return result

    def any_(self, nodes: Iterable[int]) -> int:
        result = FALSE
        for node in nodes:
            result = self.or_(result, node)
            if result == TRUE:
                break
        return result

    def implies(self, a: int, b: int) -> bool:
        return self.and_(a, self.not_(b)) == FALSE

    def exists(self, a: int, drop: Callable[[int], bool]) -> int:
        """Quantify away every variable for which ``drop(var)`` is true."""

        def combine(var: int, kids: list[int]) -> int:
            return self.any_(kids) if drop(var) else self.mk(var, tuple(kids))

        return self._unary(a, {FALSE: FALSE, TRUE: TRUE}, combine)

    def restrict(self, a: int, values: dict[int, int]) -> int:
        """``a`` with the given variables fixed to the given values."""

        def combine(var: int, kids: list[int]) -> int:
            return kids[values[var]] if var in values else self.mk(var, tuple(kids))

        return self._unary(a, {FALSE: FALSE, TRUE: TRUE}, combine)

    # ------------------------------------------------------------------ reading

    def support(self, a: int) -> set[int]:
        """The variables ``a`` depends on."""
        seen: set[int] = set()
        found: set[int] = set()
        stack = [a]
        while stack:
            node = stack.pop()
            if node <= TRUE or node in seen:
                continue
            seen.add(node)
            found.add(self._var[node])
            stack.extend(self._kids[node])
        return found

    def pick(self, a: int, prefer: dict[int, int] | None = None) -> dict[int, int] | None:
        """One assignment (of the variables on one path) that makes ``a`` true."""
        if a == FALSE:
            return None
        chosen: dict[int, int] = {}
        node = a
        while node != TRUE:
            var, kids = self._var[node], self._kids[node]
            order = range(len(kids))
            if prefer and var in prefer:
                order = [prefer[var], *(k for k in order if k != prefer[var])]  # type: ignore[assignment]
            for value in order:
                if kids[value] != FALSE:
                    chosen[var] = value
                    node = kids[value]
                    break
        return chosen

    def paths(self, a: int) -> Iterator[dict[int, int]]:
        """Every path to TRUE, as the values it fixes (variables it skips are free)."""
        stack: list[tuple[int, dict[int, int]]] = [(a, {})]
        while stack:
            node, fixed = stack.pop()
            if node == FALSE:
                continue
            if node == TRUE:
                yield fixed
                continue
            var, kids = self._var[node], self._kids[node]
            for value in range(len(kids) - 1, -1, -1):
                if kids[value] != FALSE:
                    stack.append((kids[value], {**fixed, var: value}))

    def node_count(self) -> int:
        return len(self._var)


def _and_shortcut(a: int, b: int) -> int | None:
    if FALSE in (a, b):
        return FALSE
    if a in (TRUE, b):
        return b
    if b == TRUE:
        return a
    return None


def _or_shortcut(a: int, b: int) -> int | None:
    if TRUE in (a, b):
        return TRUE
    if a in (FALSE, b):
        return b
    if b == FALSE:
        return a
    return None
