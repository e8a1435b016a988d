"""Turn a decision diagram back into a condition a person can read.

The diagram is read top-down (variables in question order). At each node the
values that lead to the same child are grouped and described in the
condition language (``q == "a"``, ``q in ["a", "b"]``, ``q != "a"``,
``x >= 5 and x < 10``, ``not answered(q)``), choosing the shorter of a
positive and a negated description. A child implied by all of its siblings
is written without the test that leads to it, which removes the typical
``a != "x" and …`` clutter. The result is an exact equivalent of the
diagram, printable with :func:`qdef.expr.to_source`.
"""

from __future__ import annotations

from typing import Any

from qdef.expr.nodes import And, Answered, Call, Compare, Expr, Has, In, Literal, Not, Or, Ref
from qdef.expr.nodes import walk as nodes
from qdef.expr.printer import to_source
from qdef.routing.dd import FALSE, TRUE
from qdef.routing.logic import Domain, Logic, from_ordinal

TRUE_EXPR = Literal(True)
FALSE_EXPR = Literal(False)


def conjoin(parts: list[Expr]) -> Expr:
    flat: list[Expr] = []
    for part in parts:
        if part == TRUE_EXPR:
            continue
        flat.extend(part.operands if isinstance(part, And) else (part,))
    if not flat:
        return TRUE_EXPR
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def disjoin(parts: list[Expr]) -> Expr:
    flat: list[Expr] = []
    for part in parts:
        if part == FALSE_EXPR:
            continue
        if part == TRUE_EXPR:
            return TRUE_EXPR
        flat.extend(part.operands if isinstance(part, Or) else (part,))
    if not flat:
        return FALSE_EXPR
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def negate(expr: Expr) -> Expr:
    match expr:
        case Literal(value=bool() as value):
            return Literal(not value)
        case Not(operand=operand):
            return operand
        case Compare(op="==", left=left, right=right):
            return Compare("!=", left, right)
        case Compare(op="!=", left=left, right=right):
            return Compare("==", left, right)
        case In(left=left, values=values, negated=negated):
            return In(left, values, not negated)
    return Not(expr)


def _shorter(*options: Expr) -> Expr:
    return min(options, key=lambda e: len(to_source(e)))


def _literal(value: Any) -> Literal:
    return Literal(value)


def _runs(values: list[int]) -> list[list[int]]:
    """Ascending ``values`` in runs of consecutive numbers: [1, 2, 4] → [[1, 2], [4]]."""
    runs: list[list[int]] = []
    for k in values:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _points(ref: Ref, values: list[Any]) -> Expr:
    if len(values) == 1:
        return Compare("==", ref, _literal(values[0]))
    return In(ref, tuple(_literal(v) for v in values))


def factor(expr: Expr) -> Expr:
    """Pull conditions shared by every alternative out of an ``or``:
    ``a and b or a and c`` becomes ``a and (b or c)`` (bottom-up, exact)."""
    match expr:
        case Not(operand=operand):
            return negate(factor(operand)) if isinstance(operand, And | Or) else expr
        case And(operands=operands):
            return conjoin([factor(o) for o in operands])
        case Or(operands=operands):
            alternatives = [factor(o) for o in operands]
            conjuncts = [list(a.operands) if isinstance(a, And) else [a] for a in alternatives]
            common = [c for c in conjuncts[0] if all(c in other for other in conjuncts[1:])]
            if not common:
                return disjoin(alternatives)
            rests = [conjoin([c for c in each if c not in common]) for each in conjuncts]
            return conjoin([*common, factor(disjoin(rests))])
    return expr


def atoms(expr: Expr) -> int:
    """How many comparisons and tests ``expr`` has."""
    match expr:
        case Not(operand=operand):
            return atoms(operand)
        case And(operands=operands) | Or(operands=operands):
            return sum(atoms(o) for o in operands)
    return 1


def _without(expr: Expr, target: int) -> tuple[Expr | None, int]:
    """``expr`` with its ``target``-th deletable operand (in pre-order) removed, and the
    number of deletable operands seen; None when ``target`` was not reached."""
    seen = 0

    def go(node: Expr) -> Expr:
        nonlocal seen
        if isinstance(node, And | Or):
            kept: list[Expr] = []
            for operand in node.operands:
                if seen == target:
                    seen += 1
                    continue  # drop it
                seen += 1
                kept.append(go(operand))
            return conjoin(kept) if isinstance(node, And) else disjoin(kept)
        if isinstance(node, Not):
            return Not(go(node.operand))
        return node

    result = go(expr)
    return (result if seen > target else None), seen


class Printer:
    #: Conditions with more tests than this are printed as read from the diagram,
    #: without the search for redundant parts (which compiles each candidate).
    SIMPLIFY_UP_TO = 40

    def __init__(self, logic: Logic) -> None:
        self.logic = logic
        self.dd = logic.dd
        self._memo: dict[int, Expr] = {}
        self._tidy: dict[int, Expr] = {}

    def expr(self, node: int) -> Expr:
        """A readable condition equivalent to the diagram ``node``: read from the
        diagram, shared parts factored out, redundant parts removed."""
        done = self._tidy.get(node)
        if done is None:
            done = self.order(self.simplify(factor(self.read(node)), node))
            self._tidy[node] = done
        return done

    def order(self, expr: Expr) -> Expr:
        """Alternatives in question order (then shorter first), as people list cases."""
        match expr:
            case Not(operand=operand):
                return Not(self.order(operand))
            case And(operands=operands):
                return And(tuple(self.order(o) for o in operands))
            case Or(operands=operands):
                alternatives = [self.order(o) for o in operands]
                return Or(tuple(sorted(alternatives, key=self._order_key)))
        return expr

    def _order_key(self, expr: Expr) -> tuple[int, int]:
        info = self.logic.info
        positions = [
            found.position if (found := info(n.name)) is not None else 0
            for n in nodes(expr)
            if isinstance(n, Ref)
        ]
        return (min(positions, default=0), len(to_source(expr)))

    def simplify(self, expr: Expr, node: int) -> Expr:
        """Remove every part of ``expr`` whose removal leaves it equivalent to ``node``
        (checked on the diagrams, so exactly), then factor again."""
        if atoms(expr) > self.SIMPLIFY_UP_TO or self.logic.unanalysed_in(node):
            return expr  # (the parts of a condition not analysed are not compiled)
        target = 0
        while True:
            candidate, _ = _without(expr, target)
            if candidate is None:
                break
            if self.logic.condition(candidate) == node:
                expr = candidate  # the same target now names the next operand
            else:
                target += 1
        return factor(expr)

    def read(self, node: int) -> Expr:
        """The condition read off the diagram, grouping values that lead alike."""
        if node == TRUE:
            return TRUE_EXPR
        if node == FALSE:
            return FALSE_EXPR
        done = self._memo.get(node)
        if done is not None:
            return done
        # the nodes below first, without recursion: a diagram may be as deep as an
        # instrument has variables (a multiple choice with a thousand options)
        stack = [node]
        while stack:
            top = stack[-1]
            missing = [k for k in self.dd.kids(top) if k > TRUE and k not in self._memo]
            if missing:
                stack.extend(dict.fromkeys(missing))
                continue
            stack.pop()
            if top not in self._memo:
                self._memo[top] = self._read(top)
        return self._memo[node]

    def _read(self, node: int) -> Expr:
        """One node read, its children already read."""
        dd = self.dd
        var, kids = dd.var(node), dd.kids(node)
        groups: dict[int, list[int]] = {}
        for value, kid in enumerate(kids):
            groups.setdefault(kid, []).append(value)
        domain = self.logic.domains[var]
        free: int | None = None
        if FALSE not in groups:
            for kid in groups:
                if all(dd.implies(kid, other) for other in groups):
                    free = kid
                    break
        terms: list[Expr] = []
        if free is not None:
            terms.append(self.read(free))
        for kid, values in groups.items():
            if kid in (FALSE, free):
                continue
            test = self.describe(domain, values)
            terms.append(test if kid == TRUE else conjoin([test, self.read(kid)]))
        return disjoin(terms)

    # ------------------------------------------------------------------ one variable

    def describe(self, domain: Domain, values: list[int]) -> Expr:
        """The condition "the variable of ``domain`` takes one of ``values``"."""
        size = len(domain.values)
        chosen = set(values)
        if domain.default is not None:  # never absent: absent is the default
            chosen.discard(0)
            size -= 1
            if len(chosen) == size:
                return TRUE_EXPR
            return self.positive(domain, Ref(domain.name), sorted(chosen))
        if len(chosen) == size:
            return TRUE_EXPR
        if domain.opaque is not None:
            return domain.opaque if 1 in chosen else negate(domain.opaque)
        ref = Ref(domain.name)
        if domain.code is not None and len(domain.values) > 2:  # a ranked item's rank
            return self._rank(domain, chosen)
        if domain.code is not None:  # one code of a multiple choice (or ranking)
            has = Has(ref, _literal(domain.code))
            return has if 1 in chosen else Not(has)
        if domain.info is not None and domain.info.kind == "check":
            return ref if 1 in chosen else Not(ref)
        if domain.info is not None and domain.info.kind == "truth" and size == 3:
            if chosen == {2}:
                return ref  # a computed truth value that is true
            if chosen == {0, 1}:
                return Not(ref)
        present = sorted(chosen - {0})
        rest = [k for k in range(1, size) if k not in chosen]
        if 0 not in chosen:
            return self.positive(domain, ref, present)
        if not present:
            return Not(Answered(ref))
        return _shorter(
            negate(self.positive(domain, ref, rest)),
            disjoin([Not(Answered(ref)), self.positive(domain, ref, present)]),
        )

    def _rank(self, domain: Domain, chosen: set[int]) -> Expr:
        """The condition "the item of ``domain`` has one of the ranks ``chosen``" (value
        k is rank k; 0, absent, is "not ranked", which no comparison of its rank meets)."""
        assert domain.code is not None
        ranked = Has(Ref(domain.name), _literal(domain.code))
        rank = Call("rank", (Ref(domain.name), _literal(domain.code)))
        last = len(domain.values) - 1
        terms: list[Expr] = []
        for run in _runs(sorted(chosen - {0})):
            low, high = run[0], run[-1]
            if low == high:
                terms.append(Compare("==", rank, _literal(low)))
            elif low == 1 and high == last:
                terms.append(ranked)
            elif low == 1:
                terms.append(Compare("<=", rank, _literal(high)))
            elif high == last:
                terms.append(Compare(">=", rank, _literal(low)))
            else:
                terms.append(
                    And((Compare(">=", rank, _literal(low)), Compare("<=", rank, _literal(high))))
                )
        if 0 in chosen:
            terms.insert(0, Not(ranked))
        return disjoin(terms)

    def positive(self, domain: Domain, ref: Ref, values: list[int]) -> Expr:
        """A description of non-absent ``values``; false when the variable is absent."""
        size = len(domain.values)
        if len(values) == size - 1:
            return Answered(ref)
        if domain.regions:
            return self._ranges(domain, ref, values)
        kind = domain.info.kind if domain.info else "choice"
        if kind == "text":
            other = size - 1  # the last value stands for every other text
            texts = [domain.values[k] for k in values if k != other]
            if other not in values:
                return _points(ref, texts)
            excluded = [domain.values[k] for k in range(1, other) if k not in values]
            return conjoin([Answered(ref), negate(_points(ref, excluded))])
        return _points(ref, [domain.values[k] for k in values])

    def _ranges(self, domain: Domain, ref: Ref, values: list[int]) -> Expr:
        regions = domain.regions
        runs = _runs(values)
        terms: list[Expr] = []
        points: list[Any] = []
        last = len(regions) - 1
        for run in runs:
            first, final = regions[run[0]], regions[run[-1]]
            if len(run) == 1 and first.point:
                points.append(self._constant(domain, first.low))
                continue
            bounds: list[Expr] = []
            if run[0] > 1:
                op = ">=" if first.point else ">"
                bounds.append(Compare(op, ref, _literal(self._constant(domain, first.low))))
            if run[-1] < last:
                op = "<=" if final.point else "<"
                bounds.append(Compare(op, ref, _literal(self._constant(domain, final.high))))
            terms.append(conjoin(bounds) if bounds else Answered(ref))
        if points:
            terms.insert(0, _points(ref, points))
        return disjoin(terms)

    @staticmethod
    def _constant(domain: Domain, value: Any) -> Any:
        """A region boundary as the condition language writes it (dates as ISO text)."""
        if domain.precision is not None:
            return from_ordinal(value, domain.precision)
        return value
