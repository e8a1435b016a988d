"""Comparing answer inputs: text (format, length), number (kind, range, unit), date
(precision, range), and the affixes printed around a blank.

A range that lets fewer answers through is *narrowed* (QD710, breaking: answers
already collected may fall outside it); one that lets more through is
*widened* (QD746, additive). Lines, ``long`` and the like are presentation
(QD751, wording).
"""

from __future__ import annotations

from typing import Any

from qdef.diagnostics import Code
from qdef.diff import features
from qdef.diff.record import At, Differ, show
from qdef.diff.wording import read
from qdef.model.inputs import Affixes, DateInput, NumberInput, TextInput

NARROWED, WIDENED = Code.QD710, Code.QD746


def affixes(differ: Differ, at: At, old: Affixes, new: Affixes) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    differ.texts(at, "suffix", old.suffix, new.suffix, noun="text after the blank")


def bound(differ: Differ, at: At, key: str, old: Any, new: Any, *, lower: bool, noun: str) -> None:
    """Compare the bound ``key`` (``lower``: a minimum; else a maximum)."""
    if old == new:
        return
    side = "smallest" if lower else "largest"
    if noun == "date":
        side = "earliest" if lower else "latest"
    if new is None:
        narrowed, says = False, f"no longer has a {side} allowed {noun} (was {show(old)})"
    elif old is None:
        article = "an" if side[0] in "aeiou" else "a"
        narrowed, says = True, f"now has {article} {side} allowed {noun}, {show(new)}"
    else:
        narrowed = new > old if lower else new < old
        says = f"the {side} allowed {noun} is now {show(new)} (was {show(old)})"
    if narrowed:
        beyond = "below" if lower else "above"
        if noun == "date":
            beyond = "before" if lower else "after"
        consequence = (
            f"answers already collected {beyond} {show(new)} are out of range in the new "
            "version; keep the old bound, or clean the collected data before merging"
        )
        differ.add(NARROWED, at, f"{says}; {consequence}", key=key, old=old, new=new)
    else:
        consequence = "new answers can lie outside the old range"
        differ.add(WIDENED, at, f"{says}; {consequence}", key=key, old=old, new=new)


def text(differ: Differ, at: At, old: TextInput, new: TextInput) -> None:
    affixes(differ, at, old, new)
    features.pattern(differ, at, old, new)
    for key in ("long", "lines"):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            differ.add(
                Code.QD751,
                at,
                f"{key} is now {show(after)} (was {show(before)}); presentation only",
                key=key,
                old=before,
                new=after,
            )
    if old.format != new.format:
        if new.format is None:
            differ.add(
                WIDENED,
                at,
                f"answers no longer need the format {old.format}; new answers can be any text",
                key="format",
                old=old.format,
                new=None,
            )
        else:
            was = f" (was {old.format})" if old.format else ""
            differ.add(
                NARROWED,
                at,
                f"answers must now have the format {new.format}{was}; answers already "
                "collected may not have it",
                key="format",
                old=old.format,
                new=new.format,
            )
    if old.max_length != new.max_length:
        # no limit is the widest; a smaller limit is narrower
        narrowed = new.max_length is not None and (
            old.max_length is None or new.max_length < old.max_length
        )
        says = (
            f"answers may now have at most {new.max_length} characters"
            if new.max_length is not None
            else "answers no longer have a length limit"
        )
        was = f" (was {show(old.max_length)})"
        if narrowed:
            consequence = "longer answers already collected do not fit the new version"
        else:
            consequence = "new answers can be longer than before"
        differ.add(
            NARROWED if narrowed else WIDENED,
            at,
            f"{says}{was}; {consequence}",
            key="max_length",
            old=old.max_length,
            new=new.max_length,
        )


def number(differ: Differ, at: At, old: NumberInput, new: NumberInput) -> None:
    affixes(differ, at, old, new)
    if old.kind != new.kind:
        if new.kind == "integer":
            differ.add(
                NARROWED,
                at,
                "answers must now be whole numbers (were decimal); decimal answers "
                "already collected do not fit the new version",
                key="kind",
                old=old.kind,
                new=new.kind,
            )
        else:
            differ.add(
                WIDENED,
                at,
                "answers may now be decimal numbers (were whole numbers)",
                key="kind",
                old=old.kind,
                new=new.kind,
            )
    bound(differ, at, "min", old.min, new.min, lower=True, noun="value")
    bound(differ, at, "max", old.max, new.max, lower=False, noun="value")
    unit(differ, at, old.unit, new.unit)


def unit(
    differ: Differ, at: At, old: str | dict[str, str] | None, new: str | dict[str, str] | None
) -> None:
    if old == new:
        return
    before, after = differ.old.text(old), differ.new.text(new)
    if before is not None and after is not None and read(before, after) == "cosmetic":
        differ.texts(at, "unit", old, new, noun="unit", meaning=False)
        return
    differ.add(
        Code.QD709,
        at,
        f"the unit is now {show(after)} (was {show(before)}); numbers already collected "
        "were given in the old unit: convert them, or keep the unit",
        key="unit",
        old=old,
        new=new,
    )


def date(differ: Differ, at: At, old: DateInput, new: DateInput) -> None:
    affixes(differ, at, old, new)
    dates(differ, at, old, new)


def dates(differ: Differ, at: At, old: Any, new: Any) -> None:
    """Precision and range of a date or date range (``precision``, ``min``, ``max``)."""
    if old.precision != new.precision:
        differ.add(
            Code.QD711,
            at,
            f"dates are now given to the {new.precision} (were to the {old.precision}); "
            "dates already collected have another precision: convert them before merging",
            key="precision",
            old=old.precision,
            new=new.precision,
        )
        return
    bound(differ, at, "min", old.min, new.min, lower=True, noun="date")
    bound(differ, at, "max", old.max, new.max, lower=False, noun="date")


__all__ = ["affixes", "bound", "date", "dates", "number", "text", "unit"]
