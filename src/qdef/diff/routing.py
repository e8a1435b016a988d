"""Comparing the routing of two versions: each question's reaching condition, and the
set of paths.

A question's reaching condition (the condition under which it is shown, see
docs/routing.md) is compared for every question both versions have. Two
conditions are the same when they print alike in the condition language, or
when the old one, compiled into the new version's analysis, gives the same
decision diagram as the new one. (That takes an old condition whose variables
the new analysis knows with the same codes, and whose constants it cuts its
number, date and text domains at; otherwise printing alike is what counts.)

Paths are compared over the questions both versions have, so that adding a
question everyone is shown, or removing one, does not count as a routing
change: the set of question sequences (each path with the other questions
left out) before and after. When a version has more than :data:`LIMIT` paths,
or only an upper bound of them is known, the counts are compared instead.

A goto or ``when`` edited (QD732, QD733) is routing when some reaching
condition or the paths changed; otherwise it is reported as rewritten (QD754).
"""

from __future__ import annotations

import dataclasses

from qdef.diagnostics import Code
from qdef.diff.record import At, Differ
from qdef.expr.nodes import Answered, Compare, Expr, Has, In, Literal, Ref, walk
from qdef.expr.printer import to_source
from qdef.routing import Analysis, Budget, count_paths, format_path, paths
from qdef.routing.plan import compared_constants

#: The most paths enumerated per version to compare path sets.
LIMIT = 10_000
#: Paths quoted in a message, per side.
QUOTED = 3
#: Codes whose kind depends on whether the routing changed.
EDITS = (Code.QD732, Code.QD733)


def compare(differ: Differ) -> None:
    """Add the routing changes to ``differ``, and settle its goto and ``when`` edits."""
    try:
        old = differ.old.compiled.analysis
        new = differ.new.compiled.analysis
        found = _reaching(differ, old, new)
        found = _paths(differ, old, new) or found
    except (Budget, RecursionError):
        differ.add(
            Code.QD734,
            At("", None, None, (), ()),
            "the routing of one version is too entangled for qdef to analyse within its "
            "memory bounds, so reaching conditions and paths were not compared; "
            "check the routing by hand",
            new_path=("sections",),
            at_key=True,
        )
        return
    if not found:
        _rewritten(differ)


def _show(expr: Expr) -> str:
    if isinstance(expr, Literal) and isinstance(expr.value, bool):
        return "always" if expr.value else "never"
    return f"when {to_source(expr)}"


def _reaching(differ: Differ, old: Analysis, new: Analysis) -> bool:
    found = False
    for qid, entry in differ.new.entries.items():
        if qid not in differ.old.entries:
            continue
        before, after = old.reaching(qid), new.reaching(qid)
        if to_source(before) == to_source(after) or _equivalent(old, new, qid, before):
            continue
        found = True
        path = (*entry.path, "when") if entry.question.when else (*entry.path, "id")
        at = At(differ.new.name(qid), qid, None, differ.old.path(qid), entry.path)
        differ.add(
            Code.QD730,
            at,
            f"reaching condition changed: now {_show(after)}, was {_show(before)}; "
            "its answers are comparable only among respondents both conditions select",
            new_path=path,
            old_path=(*differ.old.path(qid), "id"),
            old=to_source(before),
            new=to_source(after),
        )
    return found


def _equivalent(old: Analysis, new: Analysis, qid: str, condition: Expr) -> bool:
    """Whether the old reaching ``condition`` means, in the new version, exactly what the
    new reaching condition of ``qid`` means (decided on the new analysis's diagrams)."""
    logic = new.logic
    constants = compared_constants(new.plan)
    for node in walk(condition):
        names: list[str] = []
        if isinstance(node, Ref):
            names = [node.name]
        elif isinstance(node, Answered):
            names = list(new.plan.parts(node.ref.name)) or [node.ref.name]
        for name in names:
            was, now = old.plan.variables.get(name), new.plan.variables.get(name)
            if was is None or now is None or was.kind != now.kind:
                return False
            if set(was.codes) != set(now.codes):
                return False
            if not logic.vars_of(name):
                return False
        if isinstance(node, Has) and isinstance(node.left, Ref):
            literal = node.value
            if isinstance(literal, Literal) and (node.left.name, str(literal.value)) not in (
                logic.bits
            ):
                return False
        if isinstance(node, Compare | In) and not _cut(node, new, constants):
            return False
    try:
        compiled = logic.condition(condition)
    except (KeyError, AssertionError, ValueError):
        return False
    return compiled == new.shown[new.plan.position_of(qid)]


def _cut(node: Compare | In, new: Analysis, constants: dict[str, set[object]]) -> bool:
    """Whether the new analysis's domains are cut at every constant ``node`` compares a
    number, date or text with (so that its diagram is exact)."""
    pairs: list[tuple[Expr, Expr]]
    if isinstance(node, In):
        pairs = [(node.left, v) for v in node.values]
    else:
        pairs = [(node.left, node.right), (node.right, node.left)]
    for ref, literal in pairs:
        if not isinstance(ref, Ref) or not isinstance(literal, Literal):
            continue
        info = new.plan.variables.get(ref.name)
        if info is None:
            return False
        if info.kind in ("number", "date", "text") and literal.value not in constants.get(
            ref.name, set()
        ):
            return False
    return True


def _paths(differ: Differ, old: Analysis, new: Analysis) -> bool:
    common = {q for q in differ.new.entries if q in differ.old.entries}
    counts = count_paths(old), count_paths(new)
    if all(c.exact and c.count <= LIMIT for c in counts):
        before = _projected(old, common)
        after = _projected(new, common)
        if before == after:
            return False
        gone = sorted(before - after)
        came = sorted(after - before)
        message = (
            f"the paths through the instrument changed: {counts[0]} before, {counts[1]} "
            f"now; {_some(old, gone)} only before, {_some(new, came)} only now (over the "
            "questions both versions have). Respondents are routed differently: compare "
            "the data of the questions concerned only where the routes agree"
        )
        old_value: object = [format_path(old, p) for p in gone[:20]]
        new_value: object = [format_path(new, p) for p in came[:20]]
    else:
        if counts[0].count == counts[1].count and counts[0].exact == counts[1].exact:
            return False
        message = (
            f"the number of paths through the instrument changed: {counts[0]} before, "
            f"{counts[1]} now. Respondents are routed differently"
        )
        old_value, new_value = counts[0].count, counts[1].count
    first = next((c for c in differ.changes if c.code in (*EDITS, Code.QD730)), None)
    path = first.path if first is not None else ("sections",)
    differ.add(
        Code.QD731,
        At("", None, None, (), ()),
        message,
        new_path=path,
        at_key=first is None,
        old=old_value,
        new=new_value,
    )
    return True


def _projected(analysis: Analysis, common: set[str]) -> set[tuple[str, ...]]:
    return {tuple(q for q in path if q in common) for path in paths(analysis, LIMIT + 1)}


def _some(analysis: Analysis, found: list[tuple[str, ...]]) -> str:
    if not found:
        return "none"
    noun = "path" if len(found) == 1 else "paths"
    quoted = "; ".join(format_path(analysis, p) for p in found[:QUOTED])
    more = ", …" if len(found) > QUOTED else ""
    return f"{len(found)} {noun} ({quoted}{more})"


def _rewritten(differ: Differ) -> None:
    """Goto and ``when`` edits that changed no route: QD754, wording."""
    for index, change in enumerate(differ.changes):
        if change.code in EDITS:
            differ.changes[index] = dataclasses.replace(
                change,
                code=Code.QD754,
                message=change.message + "; the routing is the same (no reaching condition "
                "and no path changed)",
            )


__all__ = ["LIMIT", "compare"]
