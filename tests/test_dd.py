"""The decision diagrams behind routing analysis, against truth tables."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from qdef.routing.dd import DD, FALSE, TRUE

SIZES = (2, 3, 2)
POINTS = list(itertools.product(*(range(n) for n in SIZES)))


def evaluate(dd: DD, node: int, point: tuple[int, ...]) -> bool:
    while node not in (FALSE, TRUE):
        node = dd.kids(node)[point[dd.var(node)]]
    return node == TRUE


def build(dd: DD, table: tuple[bool, ...]) -> int:
    """The diagram of a truth table over SIZES (a sum of minterms)."""
    result = FALSE
    for point, value in zip(POINTS, table, strict=True):
        if value:
            term = dd.all_(dd.literal(var, [v]) for var, v in enumerate(point))
            result = dd.or_(result, term)
    return result


def manager() -> DD:
    dd = DD()
    for size in SIZES:
        dd.new_var(size)
    return dd


tables = st.tuples(*[st.booleans()] * len(POINTS))


@given(tables, tables)
def test_operations_match_truth_tables(left: tuple[bool, ...], right: tuple[bool, ...]) -> None:
    dd = manager()
    a, b = build(dd, left), build(dd, right)
    for point, x, y in zip(POINTS, left, right, strict=True):
        assert evaluate(dd, a, point) == x
        assert evaluate(dd, dd.and_(a, b), point) == (x and y)
        assert evaluate(dd, dd.or_(a, b), point) == (x or y)
        assert evaluate(dd, dd.not_(a), point) == (not x)
    assert dd.implies(a, b) == all(y for x, y in zip(left, right, strict=True) if x)


@given(tables)
def test_equal_functions_are_the_same_node(table: tuple[bool, ...]) -> None:
    dd = manager()
    direct = build(dd, table)
    # the same function built the other way round: not of the complement
    twice = dd.not_(build(dd, tuple(not v for v in table)))
    assert direct == twice
    assert (direct == FALSE) == (not any(table))
    assert (direct == TRUE) == all(table)


@given(tables, st.integers(0, 2))
def test_exists_and_restrict(table: tuple[bool, ...], var: int) -> None:
    dd = manager()
    node = build(dd, table)
    gone = dd.exists(node, lambda v: v == var)
    fixed = dd.restrict(node, {var: 1})
    assert var not in dd.support(gone) and var not in dd.support(fixed)
    for point in POINTS:
        others = [(*point[:var], v, *point[var + 1 :]) for v in range(SIZES[var])]
        assert evaluate(dd, gone, point) == any(evaluate(dd, node, p) for p in others)
        assert evaluate(dd, fixed, point) == evaluate(dd, node, others[1])


@given(tables)
def test_pick_and_paths_satisfy(table: tuple[bool, ...]) -> None:
    dd = manager()
    node = build(dd, table)
    picked = dd.pick(node)
    assert (picked is None) == (node == FALSE)
    covered = set()
    for path in dd.paths(node):
        for point in POINTS:
            if all(point[v] == k for v, k in path.items()):
                assert evaluate(dd, node, point)
                covered.add(point)
    assert covered == {p for p, v in zip(POINTS, table, strict=True) if v}
