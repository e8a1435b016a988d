"""The registry of diagnostic codes: every code qdef reports, in one enumeration.

Each :class:`Code` is the code itself (a ``str``: ``Code.QD101 == "QD101"``, and it
prints, formats, serialises and reprs as that string) with what is known about it:

- ``layer``: the stage that reports it (:class:`Layer`);
- ``severity``: how it is reported by default, ``"error"`` or ``"warning"`` (``qdef
  check`` makes QD601, QD605, QD611 and QD613 errors); ``None`` for the changes ``qdef diff``
  reports, which have a kind instead (:data:`qdef.diff.changes.CODES`);
- ``summary``: a few words, which head its section of ``docs/diagnostics.md``;
- ``anchor``: where it is documented (``diagnostics.md#qd101--yaml-syntax-error``).

The explanations and examples of each code are in ``docs_hooks/diagnostics/``, from
which ``docs_hooks/generate.py`` writes ``docs/diagnostics.md`` under these headings.
Codes are stable: a code is never reused for another problem. A new code goes here,
where it is reported (as ``Code.QDnnn``: ``tests/test_codes.py`` refuses a code written
as a string), in the documentation's source, and in a case that produces it
(``tests/test_invalid.py``); the tests fail until all four are there. A new change of
``qdef diff`` goes into :data:`qdef.diff.changes.CODES` and the table of docs/diff.md
instead of the documentation's source.

Importing this module reads no file (``qdef --help`` imports it).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

Severity = Literal["error", "warning"]


class Layer(StrEnum):
    """The stage of qdef that reports a code."""

    USAGE = "usage"
    """The paths given to qdef (QD0xx): an error of the invocation, exit status 2."""
    READING = "reading"
    """Reading a file: encoding, size, YAML and qdef's YAML rules (QD1xx)."""
    STRUCTURE = "structure"
    """Keys, types, patterns and bounds: the JSON Schema / typed model (QD2xx)."""
    SEMANTICS = "semantics"
    """Within a question, across questions, and conditions (QD3xx–QD5xx)."""
    ROUTING = "routing"
    """The routing as a whole (QD6xx), in ``qdef validate`` and ``qdef check``."""
    RENDER = "render"
    """What a renderer cannot write although the instrument is valid."""
    DIFF = "diff"
    """``qdef diff``: the changes between two versions, and its acceptance files."""


#: Where the changes ``qdef diff`` reports are documented (one table for all of them).
CHANGES_ANCHOR = "diff.md#the-classification-table"


class Code(StrEnum):
    """A diagnostic code, with its layer, default severity and summary."""

    _value_: str
    layer: Layer
    severity: Severity | None
    summary: str

    def __new__(cls, value: str, layer: Layer, severity: Severity | None, summary: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.layer = layer
        member.severity = severity
        member.summary = summary
        return member

    def __repr__(self) -> str:
        """``'QD101'``, as the string it is (and as codes showed before the registry)."""
        return str.__repr__(self)

    @property
    def heading(self) -> str:
        """The heading of the code's section in docs/diagnostics.md."""
        warning = " (warning)" if self.severity == "warning" else ""
        return f"{self.value} — {self.summary}{warning}"

    @property
    def anchor(self) -> str:
        """The page and fragment that document the code (GitHub's and the site's
        anchor of :attr:`heading`)."""
        if self.severity is None:
            return CHANGES_ANCHOR
        return "diagnostics.md#" + _slug(self.heading)

    QD001 = "QD001", Layer.USAGE, "error", "no such file or directory"
    QD002 = "QD002", Layer.USAGE, "error", "cannot read the file"
    QD003 = "QD003", Layer.USAGE, "error", "directory without instruments"
    QD101 = "QD101", Layer.READING, "error", "YAML syntax error"
    QD102 = "QD102", Layer.READING, "error", "not UTF-8"
    QD103 = "QD103", Layer.READING, "error", "file too large"
    QD104 = "QD104", Layer.READING, "error", "nested too deeply"
    QD105 = "QD105", Layer.READING, "error", "alias problem"
    QD106 = "QD106", Layer.READING, "error", "duplicate key"
    QD107 = "QD107", Layer.READING, "error", "empty file"
    QD108 = "QD108", Layer.READING, "error", "tag not allowed"
    QD109 = "QD109", Layer.READING, "error", "more than one document"
    QD110 = "QD110", Layer.READING, "error", "key is not text"
    QD111 = "QD111", Layer.READING, "error", "not a finite number"
    QD112 = "QD112", Layer.READING, "error", "character not allowed in a text"
    QD113 = "QD113", Layer.READING, "error", "comma inside `{…}`"
    QD201 = "QD201", Layer.STRUCTURE, "error", "unknown key"
    QD202 = "QD202", Layer.STRUCTURE, "error", "missing key"
    QD203 = "QD203", Layer.STRUCTURE, "error", "wrong type"
    QD204 = "QD204", Layer.STRUCTURE, "error", "value not allowed"
    QD205 = "QD205", Layer.STRUCTURE, "error", "wrong form"
    QD206 = "QD206", Layer.STRUCTURE, "error", "out of bounds"
    QD207 = "QD207", Layer.STRUCTURE, "error", "unknown or missing type"
    QD299 = "QD299", Layer.STRUCTURE, "error", "other structural problem"
    QD301 = "QD301", Layer.SEMANTICS, "error", "duplicate option code"
    QD302 = "QD302", Layer.SEMANTICS, "error", "duplicate row code"
    QD303 = "QD303", Layer.SEMANTICS, "error", "duplicate scale or column code"
    QD304 = "QD304", Layer.SEMANTICS, "error", "duplicate field code"
    QD305 = "QD305", Layer.SEMANTICS, "error", "number bounds reversed"
    QD306 = "QD306", Layer.SEMANTICS, "error", "date bound wrong"
    QD307 = "QD307", Layer.SEMANTICS, "error", "choice limits impossible"
    QD308 = "QD308", Layer.SEMANTICS, "error", "fractional bound on an integer"
    QD309 = "QD309", Layer.SEMANTICS, "error", "text and languages do not match"
    QD310 = "QD310", Layer.SEMANTICS, "error", "default not a possible answer"
    QD311 = "QD311", Layer.SEMANTICS, "error", "filter without exactly one source"
    QD312 = "QD312", Layer.SEMANTICS, "error", "filter source not an earlier multiple choice"
    QD313 = "QD313", Layer.SEMANTICS, "error", "filtered code not in the source"
    QD314 = "QD314", Layer.SEMANTICS, "error", "piped value may be absent"
    QD315 = "QD315", Layer.SEMANTICS, "error", "ranking top larger than its items"
    QD316 = "QD316", Layer.SEMANTICS, "error", "total without exactly one of equals and at_most"
    QD317 = "QD317", Layer.SEMANTICS, "error", "total the fields cannot reach"
    QD318 = "QD318", Layer.SEMANTICS, "error", "slider without min and max"
    QD319 = "QD319", Layer.SEMANTICS, "error", "step missing or not whole"
    QD320 = "QD320", Layer.SEMANTICS, "warning", "max not on the step grid"
    QD321 = "QD321", Layer.SEMANTICS, "warning", "anchor without random order"
    QD322 = "QD322", Layer.SEMANTICS, "error", "random section refers to itself"
    QD323 = "QD323", Layer.SEMANTICS, "error", "goto in or into a random section"
    QD324 = "QD324", Layer.SEMANTICS, "error", "random order in a roster"
    QD325 = "QD325", Layer.SEMANTICS, "error", "repeat without exactly one source"
    QD326 = "QD326", Layer.SEMANTICS, "error", "repeat source not an earlier answer of its kind"
    QD327 = "QD327", Layer.SEMANTICS, "error", "repeat max missing or not allowed"
    QD328 = "QD328", Layer.SEMANTICS, "error", "times source may exceed the repeat's max"
    QD329 = "QD329", Layer.SEMANTICS, "error", "goto across a roster's bounds"
    QD401 = "QD401", Layer.SEMANTICS, "error", "duplicate id"
    QD402 = "QD402", Layer.SEMANTICS, "error", "goto names no question"
    QD403 = "QD403", Layer.SEMANTICS, "error", "goto points backwards"
    QD404 = "QD404", Layer.SEMANTICS, "warning", "routing on an optional question"
    QD405 = "QD405", Layer.SEMANTICS, "error", "reserved word as id"
    QD407 = "QD407", Layer.SEMANTICS, "error", "translation listed twice"
    QD409 = "QD409", Layer.SEMANTICS, "warning", "duplicate question number"
    QD410 = "QD410", Layer.SEMANTICS, "warning", "translation missing"
    QD411 = "QD411", Layer.SEMANTICS, "warning", "translation outdated"
    QD501 = "QD501", Layer.SEMANTICS, "error", "syntax error"
    QD502 = "QD502", Layer.SEMANTICS, "error", "unknown variable"
    QD503 = "QD503", Layer.SEMANTICS, "error", "variable not earlier"
    QD504 = "QD504", Layer.SEMANTICS, "error", "unknown code"
    QD505 = "QD505", Layer.SEMANTICS, "error", "operator does not apply"
    QD506 = "QD506", Layer.SEMANTICS, "error", "value of the wrong type"
    QD507 = "QD507", Layer.SEMANTICS, "error", "not a condition"
    QD508 = "QD508", Layer.SEMANTICS, "error", "not a date"
    QD509 = "QD509", Layer.SEMANTICS, "error", "number too large"
    QD510 = "QD510", Layer.SEMANTICS, "error", "arithmetic on something not a number"
    QD511 = "QD511", Layer.SEMANTICS, "error", "unknown function"
    QD512 = "QD512", Layer.SEMANTICS, "error", "wrong number of arguments"
    QD513 = "QD513", Layer.SEMANTICS, "error", "argument of the wrong type"
    QD514 = "QD514", Layer.SEMANTICS, "error", "not a value"
    QD515 = "QD515", Layer.SEMANTICS, "warning", "text says what qdef prints itself"
    QD516 = "QD516", Layer.SEMANTICS, "error", "braces of a piped text"
    QD517 = "QD517", Layer.SEMANTICS, "error", "empty piped value"
    QD518 = "QD518", Layer.SEMANTICS, "error", "fallback of a piped value"
    QD519 = "QD519", Layer.SEMANTICS, "error", "value that cannot be shown in a text"
    QD520 = "QD520", Layer.RENDER, "error", "string LimeSurvey cannot write"
    QD521 = "QD521", Layer.SEMANTICS, "error", "pattern syntax error"
    QD522 = "QD522", Layer.SEMANTICS, "error", "pattern feature not supported"
    QD523 = "QD523", Layer.SEMANTICS, "error", "pattern may backtrack catastrophically"
    QD524 = "QD524", Layer.SEMANTICS, "error", "pattern repeats too often"
    QD525 = "QD525", Layer.SEMANTICS, "error", "roster variable outside an aggregate"
    QD526 = "QD526", Layer.SEMANTICS, "error", "roster variable before its roster"
    QD527 = "QD527", Layer.SEMANTICS, "error", "variable of another roster"
    QD528 = "QD528", Layer.SEMANTICS, "error", "aggregate over two rosters"
    QD529 = "QD529", Layer.SEMANTICS, "error", "aggregate over its own roster"
    QD530 = "QD530", Layer.SEMANTICS, "error", "any() or all() not over a roster"
    QD601 = "QD601", Layer.ROUTING, "warning", "question shown on no walk"
    QD602 = "QD602", Layer.ROUTING, "warning", "condition always holds"
    QD603 = "QD603", Layer.ROUTING, "warning", "goto changes nothing"
    QD604 = "QD604", Layer.ROUTING, "warning", "cannot decide whether a question is shown"
    QD605 = "QD605", Layer.ROUTING, "warning", "routing too entangled to analyse"
    QD606 = "QD606", Layer.ROUTING, "warning", "a question's routing not analysed"
    QD607 = "QD607", Layer.ROUTING, "warning", "cannot decide a question that computes"
    QD610 = "QD610", Layer.ROUTING, "error", "routing property fails (`qdef check` only)"
    QD611 = "QD611", Layer.ROUTING, "warning", "no option or row is ever offered"
    QD612 = "QD612", Layer.ROUTING, "warning", "a rule no answer can meet"
    QD613 = "QD613", Layer.ROUTING, "warning", "a piped value may be absent"
    QD701 = "QD701", Layer.DIFF, None, "a question was removed"
    QD702 = "QD702", Layer.DIFF, None, "a question's type changed"
    QD703 = "QD703", Layer.DIFF, None, "an option was removed"
    QD704 = "QD704", Layer.DIFF, None, "a matrix or grid row was removed"
    QD705 = "QD705", Layer.DIFF, None, "a scale column or grid column was removed"
    QD706 = "QD706", Layer.DIFF, None, "a text-list field was removed"
    QD707 = "QD707", Layer.DIFF, None, "a follow-up input was removed"
    QD708 = "QD708", Layer.DIFF, None, "the input type of a follow-up or grid column changed"
    QD709 = "QD709", Layer.DIFF, None, "a unit changed"
    QD710 = (
        "QD710",
        Layer.DIFF,
        None,
        "the allowed answers were narrowed (range, length, format, choices)",
    )
    QD711 = "QD711", Layer.DIFF, None, "a date precision changed"
    QD712 = "QD712", Layer.DIFF, None, "a code was recoded: its label now belongs to another code"
    QD713 = (
        "QD713",
        Layer.DIFF,
        None,
        "an instrument file of the base commit is gone or was renamed",
    )
    QD720 = (
        "QD720",
        Layer.DIFF,
        None,
        "a text that defines an answer changed its words (or was added, removed)",
    )
    QD721 = "QD721", Layer.DIFF, None, "required changed"
    QD722 = "QD722", Layer.DIFF, None, "the personal-data flag changed"
    QD723 = "QD723", Layer.DIFF, None, "exclusive changed"
    QD724 = "QD724", Layer.DIFF, None, "the instrument's id or language changed"
    QD725 = "QD725", Layer.DIFF, None, "a translation was removed"
    QD726 = "QD726", Layer.DIFF, "error", "acceptance entry not valid"
    QD727 = "QD727", Layer.DIFF, "warning", "stale acceptance"
    QD730 = "QD730", Layer.DIFF, None, "a question's reaching condition changed"
    QD731 = "QD731", Layer.DIFF, None, "the set of paths changed"
    QD732 = "QD732", Layer.DIFF, None, "a goto changed"
    QD733 = "QD733", Layer.DIFF, None, "a when condition changed"
    QD734 = (
        "QD734",
        Layer.DIFF,
        None,
        "the routing could not be compared (too entangled to analyse)",
    )
    QD740 = "QD740", Layer.DIFF, None, "a question was added"
    QD741 = "QD741", Layer.DIFF, None, "an option was added"
    QD742 = "QD742", Layer.DIFF, None, "a matrix or grid row was added"
    QD743 = "QD743", Layer.DIFF, None, "a scale column or grid column was added"
    QD744 = "QD744", Layer.DIFF, None, "a text-list field was added"
    QD745 = "QD745", Layer.DIFF, None, "a follow-up input was added"
    QD746 = (
        "QD746",
        Layer.DIFF,
        None,
        "the allowed answers were widened (range, length, format, choices)",
    )
    QD747 = "QD747", Layer.DIFF, None, "a translation was added"
    QD750 = (
        "QD750",
        Layer.DIFF,
        None,
        "a text changed in case, spacing, punctuation, quotes or dashes only, or a title "
        "or introduction changed",
    )
    QD751 = "QD751", Layer.DIFF, None, "presentation changed (widget, lines, display number)"
    QD752 = "QD752", Layer.DIFF, None, "the order of questions, options, rows or columns changed"
    QD753 = "QD753", Layer.DIFF, None, "a display text was removed"
    QD754 = "QD754", Layer.DIFF, None, "a goto or when was rewritten; the routing is the same"
    QD755 = "QD755", Layer.DIFF, None, "the instrument's version string changed"
    QD756 = "QD756", Layer.DIFF, None, "a hidden variable was removed"
    QD757 = "QD757", Layer.DIFF, None, "a hidden variable was added"
    QD758 = "QD758", Layer.DIFF, None, "a hidden variable's type or values were narrowed"
    QD759 = "QD759", Layer.DIFF, None, "a hidden variable's default changed"
    QD760 = "QD760", Layer.DIFF, None, "a computed value's expression changed"
    QD761 = "QD761", Layer.DIFF, None, "a filter of options or rows changed"
    QD762 = "QD762", Layer.DIFF, None, "an option's or row's condition changed"
    QD763 = "QD763", Layer.DIFF, None, "a rule was added or its check changed"
    QD764 = "QD764", Layer.DIFF, None, "a rule or pattern was removed"
    QD765 = "QD765", Layer.DIFF, None, "the message of a rule or pattern changed"
    QD766 = (
        "QD766",
        Layer.DIFF,
        None,
        "a pattern was added or its regular expression changed",
    )
    QD767 = "QD767", Layer.DIFF, None, "a question's default answer changed"
    QD768 = "QD768", Layer.DIFF, None, "the variables a question's texts pipe changed"
    QD769 = (
        "QD769",
        Layer.DIFF,
        None,
        "the label of a hidden variable or computed value changed",
    )
    QD770 = "QD770", Layer.DIFF, None, "a question moved into or out of a roster"
    QD771 = (
        "QD771",
        Layer.DIFF,
        None,
        "what a roster repeats for changed, or a section became or stopped being one",
    )
    QD772 = "QD772", Layer.DIFF, None, "a roster's maximum number of iterations changed"
    QD773 = (
        "QD773",
        Layer.DIFF,
        None,
        "random order was switched on or off, or an anchor changed",
    )
    QD774 = "QD774", Layer.DIFF, None, "a scale of a dual-scale matrix was removed"
    QD775 = "QD775", Layer.DIFF, None, "a scale of a dual-scale matrix was added"
    QD776 = "QD776", Layer.DIFF, None, "a number list's total was added or changed"
    QD777 = (
        "QD777",
        Layer.DIFF,
        None,
        "a translation is outdated: its source text changed, the translation did not",
    )
    QD801 = "QD801", Layer.RENDER, "error", "expression LimeSurvey cannot compute exactly"
    QD803 = "QD803", Layer.RENDER, "error", "filter or option condition LimeSurvey cannot express"
    QD804 = "QD804", Layer.RENDER, "error", "piped value LimeSurvey cannot show"
    QD805 = "QD805", Layer.RENDER, "error", "validation the limesurvey renderer does not write"
    QD806 = "QD806", Layer.RENDER, "error", "number step LimeSurvey cannot check exactly"
    QD807 = "QD807", Layer.RENDER, "error", "random order LimeSurvey cannot keep"
    QD808 = "QD808", Layer.RENDER, "error", "roster LimeSurvey cannot unroll"
    QD820 = "QD820", Layer.RENDER, "error", "feature an XLSForm cannot express"
    QD830 = "QD830", Layer.RENDER, "warning", "message missing in a wording catalogue"
    QD831 = "QD831", Layer.RENDER, "error", "wording catalogue cannot be read"
    QD832 = "QD832", Layer.RENDER, "error", "placeholders of a translated message wrong"
    QD833 = "QD833", Layer.RENDER, "error", "plural forms of a wording catalogue wrong"
    QD834 = "QD834", Layer.RENDER, "warning", "message qdef does not have"
    QD835 = "QD835", Layer.RENDER, "warning", "English source of a message changed"


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading (and the site's: mkdocs.yml uses the same rule):
    lower case, punctuation removed, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
