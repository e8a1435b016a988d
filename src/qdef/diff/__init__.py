"""Comparing two versions of an instrument: what changed, and what it means for data
already collected.

>>> from qdef.diff import compare
>>> from qdef.pipeline import validate_file
>>> changes = compare(validate_file(old_path), validate_file(new_path))  # doctest: +SKIP
>>> [(c.kind, c.code, c.question, c.item) for c in changes]  # doctest: +SKIP
[('breaking', 'QD712', 'im_eingesetzt', 'nicht')]

Questions are matched by id; options, rows, columns and fields by code;
follow-ups by id. Each :class:`Change` has a kind on the ladder
``wording < additive < routing < check < breaking`` (:data:`KINDS`), a
stable code (:data:`CODES`), and, when the versions come with their parsed
files, a location in the new version (and the old). docs/diff.md has the full
classification table.
"""

from __future__ import annotations

from qdef.diagnostics import Code
from qdef.diff import features, questions, routing
from qdef.diff.changes import CODES, KINDS, Change, Kind, rank
from qdef.diff.record import At, Differ, Side
from qdef.model import Instrument
from qdef.pipeline import Result
from qdef.pipeline.compiled import Compiled, compile_instrument

__all__ = ["CODES", "KINDS", "Change", "Kind", "compare", "rank"]

Version = Instrument | Compiled | Result


def compare(old: Version | None, new: Version) -> list[Change]:
    """Every change from ``old`` to ``new``, in document order of ``new``, then the
    things removed, in document order of ``old``.

    Both must be valid instruments (a :class:`~qdef.pipeline.Result` whose ``ok``
    is true, a :class:`~qdef.pipeline.compiled.Compiled`, or an
    :class:`~qdef.model.Instrument`); a result (or a Compiled of a file) also gives every
    change its file:line:column. ``old=None`` stands for a version that did not
    exist yet: everything in ``new`` is added.
    """
    new_side = _side(new)
    if old is None:
        differ = Differ(Side(new_side.compiled, None), new_side)
        for qid, entry in new_side.entries.items():
            at = At(new_side.name(qid), qid, None, None, entry.path)
            differ.add(Code.QD740, at, "added; the instrument is new", key="id", new=qid)
        return differ.resolve()
    differ = Differ(_side(old), new_side)
    questions.instrument(differ)
    features.hidden(differ)
    questions.questions(differ)
    routing.compare(differ)
    return differ.resolve()


def _side(version: Version) -> Side:
    if isinstance(version, Instrument):
        return Side(compile_instrument(version), None)
    if isinstance(version, Compiled):
        return Side(version, version.document)
    if version.compiled is None or not version.ok:
        raise ValueError(
            f"{version.path} is not a valid instrument; validate it first (qdef validate)"
        )
    return Side(version.compiled, version.document)
