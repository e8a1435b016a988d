"""Comparing lists of coded things (options, rows, columns, fields) and follow-ups.

Options, rows, columns and text-list fields are matched by ``code`` within
their question; follow-ups by ``id`` within their option or row. A code whose
label now stands under another code was *recoded* (QD712):
``{code: nein, label: Nein}`` -> ``{code: nicht, label: Nein}``, or two codes
that swapped labels. Labels match when they are equal once case, spacing and
punctuation are ignored, and only labels that are unique in their list count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qdef.diagnostics import Code
from qdef.diff import inputs
from qdef.diff.record import At, Differ
from qdef.diff.wording import key as label_key
from qdef.model import DateFollowup, NumberFollowup, TextFollowup
from qdef.source.positions import KeyPath

Compare = Callable[[Differ, At, Any, Any], None]

#: item noun -> (code when removed, code when added)
ITEM_CODES = {
    "option": (Code.QD703, Code.QD741),
    "row": (Code.QD704, Code.QD742),
    "column": (Code.QD705, Code.QD743),
    "field": (Code.QD706, Code.QD744),
    "item": (Code.QD703, Code.QD741),
    "scale": (Code.QD774, Code.QD775),
}


def items(
    differ: Differ,
    at: At,
    key: str,
    old: Sequence[Any],
    new: Sequence[Any],
    *,
    noun: str,
    compare: Compare,
) -> None:
    """Options, rows, columns or fields, matched by code."""
    removed_code, added_code = ITEM_CODES[noun]
    olds = {item.code: i for i, item in enumerate(old)}
    recodes = _recodes(differ, old, new)
    for j, item in enumerate(new):
        i = olds.get(item.code)
        old_path = (*at.was, key, i) if i is not None else (*at.was, key)
        child = at.child(f"{noun} '{item.code}'", item.code, old_path, (*at.new, key, j))
        if item.code in recodes:
            was = recodes[item.code]
            label = differ.new.text(item.label)
            child = at.child(f"{noun} '{was}'", item.code, (*at.was, key, olds[was]), child.new)
            if was in {n.code for n in new}:
                then = next(n for n in new if n.code == was)
                fate = f"now stand for '{differ.new.text(then.label)}'"
            else:
                fate = "have no counterpart in the new version"
            differ.add(
                Code.QD712,
                child,
                f"'{label}' is now coded '{item.code}' (was '{was}'); answers already "
                f"collected as '{was}' {fate}. Keep the old code, or recode the "
                "collected data before merging",
                key="code",
                old=was,
                new=item.code,
            )
        elif i is not None:
            compare(differ, child, old[i], item)
        else:
            differ.add(added_code, child, "added", key="code", new=item.code)
    recoded = set(recodes) | set(recodes.values())
    news = {item.code for item in new}
    old_order = [x.code for x in old if x.code in news and x.code not in recoded]
    new_order = [x.code for x in new if x.code in olds and x.code not in recoded]
    if old_order != new_order:
        differ.add(
            Code.QD752,
            at,
            f"the {key} are in another order ({', '.join(new_order)}; was "
            f"{', '.join(old_order)}); codes keep their meaning",
            key=key,
            at_key=True,
            old=old_order,
            new=new_order,
        )
    for i, item in enumerate(old):
        if item.code in news or item.code in recoded:
            continue
        child = at.child(f"{noun} '{item.code}'", item.code, (*at.was, key, i), at.new)
        label = differ.old.text(item.label)
        differ.add(
            removed_code,
            child,
            f"removed (was '{label}'); answers already collected as '{item.code}' have no "
            "counterpart in the new version. Keep it, or map the code before merging",
            key="code",
            new_path=(*at.new, key),
            at_key=True,
            old=item.code,
        )


def _recodes(differ: Differ, old: Sequence[Any], new: Sequence[Any]) -> dict[str, str]:
    """New code -> old code, for items whose (unique) label moved to another code."""

    def labels(side: Any, items_: Sequence[Any]) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        for item in items_:
            found.setdefault(label_key(side.text(item.label) or ""), []).append(item.code)
        return {label: codes[0] for label, codes in found.items() if len(codes) == 1}

    old_labels, new_labels = labels(differ.old, old), labels(differ.new, new)
    old_by = {label: code for label, code in old_labels.items()}
    old_of = {code: label for label, code in old_labels.items()}
    new_of = {code: label for label, code in new_labels.items()}
    result: dict[str, str] = {}
    for label, code in new_labels.items():
        was = old_by.get(label)
        if was is None or was == code:
            continue
        if new_of.get(was) == label or old_of.get(code) == label:
            continue  # the old code kept its label, or this code had it already
        result[code] = was
    return result


def followups(
    differ: Differ,
    at: At,
    key: str,
    old: Sequence[Any],
    new: Sequence[Any],
    *,
    single: bool = False,
) -> None:
    """Follow-up inputs of an option (a list) or a row (``single``), matched by id."""

    def path(base: KeyPath, index: int) -> KeyPath:
        return (*base, key) if single else (*base, key, index)

    olds = {f.id: i for i, f in enumerate(old)}
    news = {f.id for f in new}
    for j, item in enumerate(new):
        i = olds.get(item.id)
        child = at.child(
            f"follow-up '{item.id}'",
            item.id,
            path(at.was, i) if i is not None else (*at.was, key),
            path(at.new, j),
        )
        if i is None:
            differ.add(Code.QD745, child, "added", key="id", new=item.id)
        else:
            followup(differ, child, old[i], item)
    for i, item in enumerate(old):
        if item.id not in news:
            child = at.child(f"follow-up '{item.id}'", item.id, path(at.was, i), at.new)
            differ.add(
                Code.QD707,
                child,
                f"removed; the {item.type} already collected in '{item.id}' has no "
                "counterpart in the new version",
                key="id",
                new_path=at.new if single else (*at.new, key),
                at_key=True,
                old=item.id,
            )


def followup(differ: Differ, at: At, old: Any, new: Any) -> None:
    if old.type != new.type:
        differ.add(
            Code.QD708,
            at,
            f"now {new.noun} (was {old.noun}); data already collected in '{new.id}' "
            "has another type",
            key="type",
            old=old.type,
            new=new.type,
        )
        return
    differ.flag(
        Code.QD721,
        at,
        "required",
        (old.required, new.required),
        says="missing answers are now " + ("refused" if new.required else "allowed"),
    )
    differ.flag(
        Code.QD722,
        at,
        "personal",
        (old.personal, new.personal),
        says="the answers' handling as personal data changes: check consent, storage and "
        "deletion of the answers already collected",
    )
    if isinstance(new, TextFollowup):
        inputs.text(differ, at, old, new)
    elif isinstance(new, NumberFollowup):
        inputs.number(differ, at, old, new)
    elif isinstance(new, DateFollowup):
        inputs.date(differ, at, old, new)


__all__ = ["ITEM_CODES", "Compare", "followup", "followups", "items"]
