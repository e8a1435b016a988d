"""Comparing the elements of issue 19: rosters, random order and anchors, widgets and
steps, rankings, number lists and dual-scale matrices (QD770–QD776).

How each is classed follows what it does to data already collected:

- a question moved into or out of a roster changes the shape of its data (one
  value per respondent, or one per iteration in the roster's records), and a
  roster that repeats for something else (another source, another item name, or a
  section that became or stopped being a roster) files its records differently:
  breaking;
- a roster's maximum changed: ``times`` rosters with more iterations than the new
  maximum allows cannot exist any more, fewer are fine — a person must look
  (check);
- random order switched on or off, or an anchor changed: the codes keep their
  meaning, only the order shown moves (wording; position effects are possible,
  so the message says so);
- a widget or the slider's presentation changed: presentation only (QD751); a
  ``step`` added or made coarser narrows the answers allowed (QD710), removed or
  made finer widens them (QD746);
- a ranking's items are matched like options (QD703/QD741); ``top`` lowered keeps
  fewer ranks (QD710), raised more (QD746);
- a number list's fields are matched like a text list's (QD706/QD744), each
  compared as a number; its ``total`` added or changed may refuse sums the old
  version took (check), removed only lets more through (QD764), its message
  changed is wording (QD765);
- a dual-scale matrix's scales are matched by code: removed, the answers on it
  have no counterpart (breaking); added, a new column of data (additive); each
  scale's columns are compared as a matrix's scale.
"""

from __future__ import annotations

from typing import Any

from qdef.diagnostics import Code
from qdef.diff.inputs import NARROWED, WIDENED
from qdef.diff.record import At, Differ, show

# --------------------------------------------------------------------------- rosters


def _repeats_for(repeat: Any) -> str | None:
    """What a roster repeats for, as a reader names it (None: not a roster)."""
    if repeat is None:
        return None
    if repeat.for_each is not None:
        return f"for each of '{repeat.for_each}' as '{repeat.item}'"
    return f"'{repeat.times}' times as '{repeat.item}'"


def section(differ: Differ, at: At, old: Any, new: Any) -> None:
    """A section matched by id: its ``repeat`` (QD771, QD772) and ``order`` (QD773)."""
    before, after = _repeats_for(old.repeat), _repeats_for(new.repeat)
    if before != after:
        if after is None:
            says = f"is no longer a roster (was repeated {before})"
        elif before is None:
            says = f"is now a roster, repeated {after}"
        else:
            says = f"is now repeated {after} (was {before})"
        differ.add(
            Code.QD771,
            at,
            f"{says}; its answers are filed in another shape (one record per iteration "
            "under the section's id, or one value per respondent), so data already "
            "collected cannot be merged as is. Keep the roster as it was, or give the "
            "section and its questions new ids",
            key="repeat",
            old=before,
            new=after,
        )
    elif old.repeat is not None and old.repeat.max != new.repeat.max:
        differ.add(
            Code.QD772,
            at,
            f"its maximum number of iterations is now {show(new.repeat.max)} (was "
            f"{show(old.repeat.max)}); respondents with more iterations than the new "
            "maximum cannot be represented any more, check data already collected",
            new_path=(*at.new, "repeat", "max") if new.repeat.max is not None else None,
            key=None if new.repeat.max is not None else "repeat",
            old=old.repeat.max,
            new=new.repeat.max,
        )
    order(differ, at, old.order, new.order, noun="questions")


def roster_moved(differ: Differ, at: At, old: str | None, new: str | None) -> bool:
    """A question that moved into or out of a roster, or into another one (QD770).
    Returns whether it did (then its other changes are not compared)."""
    if old == new:
        return False
    if new is None:
        says = f"is no longer in a roster (was in '{old}'): one answer per respondent now"
    elif old is None:
        says = f"is now in the roster '{new}': one answer per iteration now"
    else:
        says = f"is now in the roster '{new}' (was in '{old}')"
    differ.add(
        Code.QD770,
        at,
        f"{says}; data already collected has another shape and cannot be merged as is. "
        "Keep it where it was, or give it a new id",
        key="id",
        old=old,
        new=new,
    )
    return True


# --------------------------------------------------------------------------- order


def order(differ: Differ, at: At, old: str, new: str, *, noun: str) -> None:
    """``order: written`` ↔ ``random`` (QD773)."""
    if old == new:
        return
    says = "now shown in random order" if new == "random" else "now shown in written order"
    differ.add(
        Code.QD773,
        at,
        f"its {noun} are {says} (was {old}); codes keep their meaning, but answers may "
        "shift with the position an item is shown at",
        key="order",
        old=old,
        new=new,
    )


def anchor(differ: Differ, at: At, old: Any, new: Any) -> None:
    """An anchor set, unset or changed (QD773): where it is shown in random order."""
    before, after = getattr(old, "anchor", None), getattr(new, "anchor", None)
    if before == after:
        return
    differ.add(
        Code.QD773,
        at,
        f"anchor is now {show(after)} (was {show(before)}); it stays at its written place "
        "in random order or no longer does: presentation only",
        key="anchor",
        old=before,
        new=after,
    )


# --------------------------------------------------------------------------- widgets


def widget(differ: Differ, at: At, old: Any, new: Any) -> None:
    """A changed widget: presentation only (QD751)."""
    if old.widget != new.widget:
        differ.add(
            Code.QD751,
            at,
            f"widget is now '{new.widget}' (was '{old.widget}'); presentation only",
            key="widget",
            old=old.widget,
            new=new.widget,
        )


def step(differ: Differ, at: At, old: Any, new: Any) -> None:
    """A number's ``step``: answers must be ``min`` + a whole multiple of it."""
    before, after = old.step, new.step
    if before == after:
        return
    if after is None:
        narrowed, says = False, f"no longer has a step (was {show(before)})"
    elif before is None:
        narrowed, says = True, f"now has a step of {show(after)}"
    else:
        ratio = before / after
        # finer: every old answer (min + k * before) is min + (k * ratio) * after
        narrowed = abs(ratio - round(ratio)) > 1e-9 * max(ratio, 1) or old.min != new.min
        says = f"its step is now {show(after)} (was {show(before)})"
    if narrowed:
        differ.add(
            NARROWED,
            at,
            f"{says}; answers already collected between the new steps do not fit the new version",
            key="step",
            old=before,
            new=after,
        )
    else:
        differ.add(
            WIDENED,
            at,
            f"{says}; new answers can lie between the old steps",
            key="step",
            old=before,
            new=after,
        )


# --------------------------------------------------------------------------- totals


def _total(total: Any) -> str | None:
    if total is None:
        return None
    if total.equals is not None:
        return f"sum == {show(total.equals)}"
    return f"sum <= {show(total.at_most)}"


def total(differ: Differ, at: At, old: Any, new: Any) -> None:
    """A number list's ``total`` (QD776; removed QD764; its texts QD765/QD750)."""
    before, after = _total(old.total), _total(new.total)
    if before != after:
        if after is None:
            differ.add(
                Code.QD764,
                at,
                f"its total ({before}) was removed; sums it refused are accepted now",
                key="total",
                at_key=True,
                old=before,
            )
            return
        says = f"its total is now {after}" + (f" (was {before})" if before else " (new)")
        differ.add(
            Code.QD776,
            at,
            f"{says}; answers already collected may not meet it: check them",
            key="total",
            old=before,
            new=after,
        )
    if old.total is not None and new.total is not None:
        inner = At(at.where, at.question, at.item, (*at.was, "total"), (*at.new, "total"))
        differ.texts(inner, "label", old.total.label, new.total.label, noun="total's label")
        if differ.old.text(old.total.message) != differ.new.text(new.total.message):
            differ.add(
                Code.QD765,
                inner,
                "the total's message changed; the check is the same",
                key="message" if new.total.message is not None else None,
            )


__all__ = ["anchor", "order", "roster_moved", "section", "step", "total", "widget"]
