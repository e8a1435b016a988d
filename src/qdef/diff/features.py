"""Comparing the elements of issue 18: hidden variables, computed values, filters,
option and row conditions, rules, patterns, defaults and piped texts (QD756–QD769).

How each is classed follows what it does to data already collected:

- a hidden variable removed, or its type or domain narrowed, leaves old data
  without a place (breaking); added, it is a new column (additive); its default
  changed, respondents who come without the parameter get another value (check);
- a computed value's formula changed: the same variable now holds another
  quantity, so old and new values cannot be compared (breaking);
- a filter or an option's (row's) condition changed who is offered what (routing);
- a rule or pattern added or made different may refuse answers the old version
  took (check: a person must look whether old data meets it); removed, more
  answers are accepted (additive); only its message changed (wording);
- a default changed: pre-filled answers that respondents leave are saved as
  theirs, so the distribution may move (check);
- a text now pipes other answers: what respondents read depends on other
  variables than before (check).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdef.diagnostics import Code
from qdef.diff.record import At, Differ, Side, show
from qdef.expr.nodes import variables_used
from qdef.expr.parser import parse
from qdef.expr.printer import to_source
from qdef.model import Computed
from qdef.model.inputs import TextInput
from qdef.source.positions import KeyPath

# --------------------------------------------------------------------------- hidden


def hidden(differ: Differ) -> None:
    """Hidden variables matched by id (QD756–QD759, QD746, QD769)."""
    olds = {h.id: (i, h) for i, h in enumerate(differ.old.instrument.hidden or ())}
    news = {h.id: (j, h) for j, h in enumerate(differ.new.instrument.hidden or ())}
    for name, (j, after) in news.items():
        if name not in olds:
            at = At(f"hidden variable '{name}'", None, name, None, ("hidden", j))
            differ.add(
                Code.QD757,
                at,
                "added; it is set from outside (a URL parameter or its default), and data "
                "from the old version has no value for it",
                key="id",
                new=name,
            )
            continue
        i, before = olds[name]
        at = At(f"hidden variable '{name}'", None, name, ("hidden", i), ("hidden", j))
        _hidden_domain(differ, at, before, after)
        if before.default != after.default:
            differ.add(
                Code.QD759,
                at,
                f"its default is now {show(after.default)} (was {show(before.default)}); "
                "respondents who come without the parameter now get another value: keep "
                "the versions apart when analysing it",
                key="default",
                old=before.default,
                new=after.default,
            )
        if before.label != after.label:
            differ.add(
                Code.QD769,
                at,
                f"its label is now {show(differ.new.text(after.label))} (was "
                f"{show(differ.old.text(before.label))}); documentation only",
                key="label",
                old=before.label,
                new=after.label,
            )
    place: KeyPath = ("hidden",) if news else ("sections",)
    for name, (i, _) in olds.items():
        if name not in news:
            at = At(f"hidden variable '{name}'", None, name, ("hidden", i), place)
            differ.add(
                Code.QD756,
                at,
                f"removed; data already collected for '{name}' has no counterpart in the new "
                "version. Keep the variable, or archive its data",
                new_path=place,
                at_key=True,
                old=name,
            )


def _hidden_domain(differ: Differ, at: At, old: Any, new: Any) -> None:
    if old.type != new.type:
        differ.add(
            Code.QD758,
            at,
            f"its type is now {new.type} (was {old.type}); data already collected has another type",
            key="type",
            old=old.type,
            new=new.type,
        )
        return
    narrowed: list[str] = []
    widened: list[str] = []
    if old.type == "choice":
        before = [o.code for o in old.options]
        after = [o.code for o in new.options]
        gone = [c for c in before if c not in after]
        added = [c for c in after if c not in before]
        if gone:
            narrowed.append(f"codes {', '.join(gone)} removed")
        if added:
            widened.append(f"codes {', '.join(added)} added")
    if old.type in ("number", "date"):
        if old.type == "number" and old.kind != new.kind:
            (narrowed if new.kind == "integer" else widened).append(f"kind now {new.kind}")
        if old.type == "date" and old.precision != new.precision:
            narrowed.append(f"precision now {new.precision} (was {old.precision})")
        for key, lower in (("min", True), ("max", False)):
            a, b = getattr(old, key), getattr(new, key)
            if a == b:
                continue
            tighter = b is not None and (a is None or (b > a if lower else b < a))
            (narrowed if tighter else widened).append(f"{key} now {show(b)} (was {show(a)})")
    if narrowed:
        differ.add(
            Code.QD758,
            at,
            f"its values were narrowed ({'; '.join(narrowed + widened)}); values already "
            "collected may not fit the new version",
            key="type",
        )
    elif widened:
        differ.add(
            Code.QD746,
            at,
            f"its values were widened ({'; '.join(widened)}); new values can lie outside "
            "the old domain",
            key="type",
        )


# --------------------------------------------------------------------------- questions


def computed(differ: Differ, at: At, old: Computed, new: Computed) -> None:
    """A computed value kept: its formula (QD760) and label (QD769)."""
    before = _source(differ.old, at.old, "value", old.value)
    after = _source(differ.new, at.new, "value", new.value)
    if before != after:
        differ.add(
            Code.QD760,
            at,
            f"now computed as {after} (was {before}); the variable holds another quantity, "
            "so old and new values cannot be compared: give it a new id, or recompute the "
            "old data",
            key="value",
            old=before,
            new=after,
        )
    if old.label != new.label:
        differ.add(
            Code.QD769,
            at,
            f"its label is now {show(differ.new.text(new.label))} (was "
            f"{show(differ.old.text(old.label))}); documentation only",
            key="label",
            old=old.label,
            new=new.label,
        )


def question(differ: Differ, at: At, old: Any, new: Any) -> None:
    """What issue 18 added to a question of the same type in both versions: its filter,
    rules, default and piped texts."""
    if getattr(old, "filter", None) != getattr(new, "filter", None):
        differ.add(
            Code.QD761,
            at,
            f"now offers {_filtered(new.filter)} (was {_filtered(old.filter)}); who is "
            "offered which answers changed",
            key="filter",
            old=_dump(old.filter),
            new=_dump(new.filter),
        )
    rules(differ, at, old.rules or [], new.rules or [])
    before, after = getattr(old, "default", None), getattr(new, "default", None)
    if before != after:
        differ.add(
            Code.QD767,
            at,
            f"its default is now {show(after)} (was {show(before)}); respondents who leave "
            "a pre-filled answer give it, so the answers may move: compare the versions "
            "with care",
            key="default",
            old=before,
            new=after,
        )
    piped(differ, at)


def _filtered(filter_: Any) -> str:
    if filter_ is None:
        return "every answer"
    if filter_.chosen_in is not None:
        return f"only the answers chosen in '{filter_.chosen_in}'"
    return f"only the answers not chosen in '{filter_.not_chosen_in}'"


def _dump(node: Any) -> Any:
    return None if node is None else node.model_dump(exclude_none=True)


def condition(differ: Differ, at: At, old: str | None, new: str | None) -> None:
    """An option's or row's own ``when`` (QD762)."""
    before = None if old is None else _source(differ.old, at.old, "when", old)
    after = None if new is None else _source(differ.new, at.new, "when", new)
    if before == after:
        return
    says = f"now offered only when {after}" if after else "now always offered"
    was = f"only when {before}" if before else "always"
    differ.add(
        Code.QD762,
        at,
        f"{says} (was {was}); who can choose it changed",
        key="when",
        old=before,
        new=after,
    )


def rules(differ: Differ, at: At, old: Sequence[Any], new: Sequence[Any]) -> None:
    """Rules matched by their check, as qdef prints it; a rule whose check changed in
    place (an unmatched rule at the same index in both) is one change (QD763 added or
    check changed, QD764 removed, QD765 message changed)."""
    olds = {
        _source(differ.old, at.old, ("rules", k, "check"), r.check): (k, r)
        for k, r in enumerate(old)
    }
    news = {
        _source(differ.new, at.new, ("rules", k, "check"), r.check): (k, r)
        for k, r in enumerate(new)
    }
    gone = {k: check for check, (k, _) in olds.items() if check not in news}
    for check, (k, rule) in news.items():
        if check in olds:
            j, before = olds[check]
            if before.message != rule.message:
                differ.add(
                    Code.QD765,
                    at,
                    f"the message of rule {check} is now "
                    f"{show(differ.new.text(rule.message))} (was "
                    f"{show(differ.old.text(before.message))}); the rule is the same",
                    new_path=(*at.new, "rules", k, "message"),
                    old_path=_old(at, "rules", j, "message"),
                    old=before.message,
                    new=rule.message,
                )
            continue
        was = gone.pop(k, None)
        says = f"rule {k + 1} now checks {check} (was {was})" if was else f"new rule {check}"
        differ.add(
            Code.QD763,
            at,
            f"{says}; answers the old version accepted may fail it: check whether data "
            "already collected meets it",
            new_path=(*at.new, "rules", k, "check"),
            old_path=_old(at, "rules", k, "check") if was else None,
            old=was,
            new=check,
        )
    for j, check in gone.items():
        differ.add(
            Code.QD764,
            at,
            f"rule {check} removed; answers it refused are now accepted",
            new_path=(*at.new, "rules") if new else (*at.new, "id"),
            old_path=_old(at, "rules", j, "check"),
            old=check,
        )


def _old(at: At, *keys: str | int) -> KeyPath | None:
    return None if at.old is None else (*at.old, *keys)


def pattern(differ: Differ, at: At, old: TextInput, new: TextInput) -> None:
    """A text input's ``pattern`` (QD766 added or changed, QD764 removed, QD765 its
    message)."""
    before, after = old.pattern, new.pattern
    if before == after:
        return
    if after is None:
        assert before is not None
        differ.add(
            Code.QD764,
            at,
            f"answers no longer need to match {before.regex}; any text is accepted",
            key="pattern",
            old=before.regex,
        )
        return
    if before is None or before.regex != after.regex:
        was = f" (was {before.regex})" if before is not None else ""
        differ.add(
            Code.QD766,
            at,
            f"answers must now match {after.regex}{was}; answers already collected may "
            "not: check them against it",
            key="pattern",
            old=before.regex if before is not None else None,
            new=after.regex,
        )
        return
    differ.add(
        Code.QD765,
        at,
        f"the pattern's message is now {show(differ.new.text(after.message))} (was "
        f"{show(differ.old.text(before.message))}); the pattern is the same",
        key="pattern",
        old=before.message,
        new=after.message,
    )


def piped(differ: Differ, at: At) -> None:
    """The variables a question's texts pipe, compared as sets (QD768)."""
    if at.old is None or at.new is None:
        return
    before, after = _piped(differ.old, at.old), _piped(differ.new, at.new)
    if before == after:
        return
    differ.add(
        Code.QD768,
        at,
        f"its texts now insert {_names(after)} (was {_names(before)}); what respondents "
        "read depends on other answers than before: check that the question still asks "
        "the same",
        key="text",
        old=sorted(before),
        new=sorted(after),
    )


def _names(names: set[str]) -> str:
    return ", ".join(f"'{n}'" for n in sorted(names)) if names else "nothing"


def _piped(side: Side, owner: KeyPath) -> set[str]:
    """The variables the texts of the question at ``owner`` pipe (its options', rows',
    columns' and rules' texts included)."""
    found: set[str] = set()
    for path, template in side.templates:
        if path[: len(owner)] == owner:
            for piece in template.pieces:
                if not isinstance(piece, str):
                    found.update(ref.name for ref in variables_used(piece.expr))
    return found


def _source(side: Side, owner: KeyPath | None, key: str | KeyPath, source: str) -> str:
    """The expression ``source`` at ``owner`` + ``key``, printed as qdef prints
    expressions (so that a rewrite that means the same compares equal)."""
    keys = (key,) if isinstance(key, str) else key
    expr = None if owner is None else side.compiled.condition((*owner, *keys))
    return to_source(parse(source) if expr is None else expr)


__all__ = ["computed", "condition", "hidden", "pattern", "question", "rules"]
