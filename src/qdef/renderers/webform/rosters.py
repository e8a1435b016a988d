"""Rosters in the web form: a copy of the roster's questions per slot.

The page has no loops: a roster section (``repeat``) is written once per slot of
:attr:`qdef.routing.plan.Roster.slots` (the source's codes, its fields, or 1 … max),
each copy with its own variables, named ``<name>@<k>`` (``k`` the slot's index from
0; ``@`` is in no id or code, so the names never collide). Each copy starts with a
computed step for the item (``person@k``), shown when the section's ``when`` holds
and the slot exists (the code chosen, the field answered, the count reached); the
copy's other steps are shown only when the item is there, and read the copy's
variables. A condition after the roster reads it through an aggregate (``Over``),
which becomes ``["over", func, [[exists, body], …]]``: the body once per slot, on
that slot's variables. The script walks the copies as any other steps, so its walk
is :func:`qdef.routing.interpreter.walk` unrolled; saving groups each copy's
answers into the roster's records (``program["copies"]``), in iteration order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qdef.model import MultipleChoice, Question, SingleChoice
from qdef.routing import Plan, Roster

#: Between a variable's name and its copy's slot index.
SEP = "@"


@dataclass(frozen=True, slots=True)
class Copy:
    """One slot's copy of a roster: the names of its variables (and questions)."""

    roster: Roster
    k: int
    names: dict[str, str]
    """Original name -> the copy's name: the item, every variable and question id."""

    @property
    def item(self) -> str:
        return self.names[self.roster.item]


def copy_name(name: str, question: str, k: int) -> str:
    """``age`` -> ``age@1``; ``hours.work`` of ``hours`` -> ``hours@1.work``; a follow-up
    (its own id) -> ``other@1``."""
    if name == question or name.startswith(question + "."):
        return f"{question}{SEP}{k}{name[len(question) :]}"
    return f"{name}{SEP}{k}"


def copies_of(plan: Plan) -> dict[str, list[Copy]]:
    """Each roster's copies, one per slot."""
    found: dict[str, list[Copy]] = {}
    for roster in plan.rosters.values():
        found[roster.id] = []
        for k in range(len(roster.slots)):
            names = {roster.item: f"{roster.item}{SEP}{k}"}
            for step in plan.steps[roster.start : roster.stop]:
                qid = step.question.id
                names[qid] = f"{qid}{SEP}{k}"
                for name in (*step.variables, *plan.groups.get(qid, ())):
                    names[name] = copy_name(name, qid, k)
            found[roster.id].append(Copy(roster, k, names))
    return found


def renamed(tree: Any, names: Mapping[str, str]) -> Any:
    """A syntax tree of the script (``writer.condition``) with its variables renamed."""
    kind = tree[0]
    if kind in ("ref", "answered"):
        return [kind, names.get(tree[1], tree[1])]
    if kind == "lit":
        return tree
    if kind in ("cmp", "arith"):
        return [kind, tree[1], renamed(tree[2], names), renamed(tree[3], names)]
    if kind == "has":
        return [kind, renamed(tree[1], names), renamed(tree[2], names)]
    if kind == "in":
        return [kind, renamed(tree[1], names), tree[2], tree[3]]
    if kind in ("not", "neg"):
        return [kind, renamed(tree[1], names)]
    if kind in ("and", "or"):
        return [kind, [renamed(t, names) for t in tree[1]]]
    if kind == "call":
        return [kind, tree[1], [renamed(t, names) for t in tree[2]]]
    assert kind == "over", kind
    return [kind, tree[1], [[renamed(e, names), renamed(b, names)] for e, b in tree[2]]]


def exists(roster: Roster, k: int) -> list[Any]:
    """Whether slot ``k`` of ``roster`` has an iteration, on the answers before it."""
    slot = roster.slots[k]
    if roster.kind == "choices":
        return ["has", ["ref", roster.source], ["lit", slot]]
    if roster.kind == "textlist":
        return ["answered", slot]
    return ["cmp", ">=", ["ref", roster.source], ["lit", slot]]


def item_value(roster: Roster, k: int) -> list[Any]:
    """The item of slot ``k``: the code, the field's text, the number."""
    slot = roster.slots[k]
    if roster.kind == "textlist":
        return ["ref", slot]
    return ["lit", slot]


def renamed_question(question: Question, k: int) -> Question:
    """The roster question as copy ``k`` shows it: its id, its follow-ups' and rows'
    follow-ups' ids renamed (texts are renamed as they are written: ``Pipes.names``)."""
    update: dict[str, Any] = {"id": f"{question.id}{SEP}{k}"}
    if isinstance(question, SingleChoice | MultipleChoice):
        update["options"] = [
            o
            if not o.specify
            else o.model_copy(
                update={
                    "specify": [f.model_copy(update={"id": f"{f.id}{SEP}{k}"}) for f in o.specify]
                }
            )
            for o in question.options
        ]
    rows = getattr(question, "rows", None)
    if rows is not None:
        update["rows"] = [
            r
            if getattr(r, "specify", None) is None
            else r.model_copy(
                update={"specify": r.specify.model_copy(update={"id": f"{r.specify.id}{SEP}{k}"})}
            )
            for r in rows
        ]
    return question.model_copy(update=update)
