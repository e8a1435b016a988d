"""The registry of the findings of ``qdef data check``: every code, in one place.

A finding is one fact about one response: ``(response, variable, code, reason)``.
The codes are stable (a code is never reused for another problem) and grouped by
what is wrong — the reading (D1xx), a value (D2xx), the routing (D3xx), the input
itself (D4xx) — so that a check written in another engine later (SQL over the same
rows) can report the very same findings, and a team can filter on them. docs/data.md
lists them from here (``tests/test_data_check.py`` holds the page to the registry).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class DataCode(StrEnum):
    """A finding's code (a ``str``: ``DataCode.D301 == "D301"``), with its summary."""

    _value_: str
    summary: str

    def __new__(cls, value: str, summary: str) -> DataCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.summary = summary
        return member

    D101 = ("D101", "unknown variable")
    """A key or column that is not a variable of the instrument (a typo, a display, a
    question with parts instead of its parts, a roster's variable outside its
    records)."""
    D201 = ("D201", "not one of its codes")
    """A choice, a multiple choice or a ranking holds a code the question does not
    have (or a hidden variable a value outside its domain)."""
    D202 = ("D202", "wrong type or format")
    """Not a number, a whole number, a date at the question's precision, a non-empty
    text, a list of codes, true/false; a text that does not match its pattern or
    format (e-mail, phone, url); JSON's null (no answer is no key)."""
    D203 = ("D203", "out of range")
    """Below ``min``, above ``max``, off the ``step``, longer than ``max_length``, too
    few or too many options chosen or items ranked."""
    D204 = ("D204", "rule broken")
    """A rule of the instrument fails (``rules``, a number list's ``total``), or one of
    the rules between answers: an exclusive option not alone, an exclusive check
    column with other cells of its row, a date range's start after its end."""
    D205 = ("D205", "computed value differs")
    """A computed value in the data is not what the instrument computes from the
    answers."""
    D301 = ("D301", "answered off the path")
    """An answer to a question the respondent's walk does not show: nobody should
    have been asked (a fielding or export bug)."""
    D302 = ("D302", "required answer missing")
    """A required question on the respondent's path (or a required follow-up of a
    chosen option) is not answered as ``required`` asks."""
    D303 = ("D303", "follow-up without its option")
    """A follow-up is answered although its option is not chosen."""
    D304 = ("D304", "option or row not offered")
    """An answer of an option or a row that the question's filter or ``when`` did not
    offer this respondent."""
    D401 = ("D401", "unreadable response")
    """A file, line or row that cannot be read as a response: not JSON, not an object,
    a key twice, a row with more or fewer fields than the header, a column twice, a
    value of the wrong shape."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact about one response, the same whatever engine found it."""

    response: str
    """The response's id (``_id`` of a JSON response or of the qdef CSV, ``id`` of a
    LimeSurvey export), else where it is (``file``, ``file:line``)."""
    where: str
    """Where the response is: the file, and for JSON Lines and CSV the line
    (``answers.csv:7``; ``:1`` is the header)."""
    variable: str
    """The variable (a roster's as ``roster.k.variable``, k from 1), the question of a
    rule, or the key or column that is wrong; empty for a whole response."""
    code: DataCode
    reason: str
    """What is wrong, in words."""

    def as_dict(self) -> dict[str, str]:
        return {
            "response": self.response,
            "where": self.where,
            "variable": self.variable,
            "code": str(self.code),
            "summary": self.code.summary,
            "reason": self.reason,
        }


@dataclass(slots=True)
class FindingBatch:
    """Findings as columns, the i-th finding the i-th of each: what the SQL engine finds
    in a batch of rows, written without a :class:`Finding` made for each (iterate for
    them)."""

    response: list[str]
    where: list[str]
    variable: list[str]
    code: list[DataCode]
    reason: list[str]

    @classmethod
    def of(cls, found: list[Finding]) -> FindingBatch:
        return cls(
            [f.response for f in found],
            [f.where for f in found],
            [f.variable for f in found],
            [f.code for f in found],
            [f.reason for f in found],
        )

    def __len__(self) -> int:
        return len(self.code)

    def __iter__(self) -> Iterator[Finding]:
        return map(Finding, self.response, self.where, self.variable, self.code, self.reason)


__all__ = ["DataCode", "Finding", "FindingBatch"]
