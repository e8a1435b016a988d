"""Markdown text that means what it says: escaping, blanks and tables.

Instrument text is inserted into Markdown (CommonMark + GFM tables) so that
it shows literally, whatever it contains:

- :func:`inline` escapes every character that could start markup inside a
  line (``\\ ` * _ [ ] | ~``, ``<`` unless a space follows it, and ``&``
  before what looks like an entity) and folds runs of spaces and line breaks
  into one space (non-breaking spaces alone, as in ``50 %``, are kept inside
  the text; at its ends all spaces go, so emphasis around it holds). A
  ``<`` before a space starts no tag or autolink, and ``>`` needs no escape
  inside a line (with every other ``<`` escaped it closes nothing), so
  conditions read plainly: ``Frage 3 < 10``;
- :func:`at_line_start` also escapes what would start a block at the start
  of a line (``#``, ``>``, ``-``, ``+``, ``=``, ``1.``, ``1)``);
- :func:`heading` makes an :func:`inline` text safe as an ATX heading (a
  trailing ``#`` would be read as the heading's closing sequence);
- :func:`paragraphs` keeps an author's paragraphs and line breaks (hard
  breaks written as a backslash at the line's end, not as trailing spaces
  that editors strip).

Blanks are runs of unescaped underscores that always stand between spaces
or at the end of a line: CommonMark cannot read such a run as emphasis, so
plain text and rendered Markdown both show a line to write on. A line of
nothing but underscores would be a thematic break (``<hr>``: a rule with no
room to write on), so :func:`own_line` escapes its first underscore; each
ruled line for long text is a paragraph of its own, so that rendered lines
keep a paragraph's margin between them (about 9 mm at a browser's default
style, 10 mm on GitHub) and plain text shows them as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

_SPECIAL = re.compile(r"([\\`*_\[\]|~]|<(?! ))")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
#: Runs of whitespace with at least one breaking space or line break in them (a run of
#: only non-breaking spaces — no-break, figure, narrow no-break — is kept).
_SPACE = re.compile(r"\s*[^\S\u00a0\u2007\u202f]\s*")
_BLOCK_START = re.compile(r"([#>+=-])")
_ORDERED = re.compile(r"([0-9]{1,9})([.)])")

#: The width of a ruled line for long text.
LINE_WIDTH = 60


@functools.lru_cache(maxsize=4096)
def inline(text: str) -> str:
    """``text`` on one line with every inline markup character escaped: runs of
    whitespace folded to one space (non-breaking spaces kept), the ends stripped.
    (Remembered: questionnaires repeat their labels and scales many times.)"""
    text = _SPACE.sub(" ", text).strip()
    return _ENTITY.sub("\\&", _SPECIAL.sub(r"\\\1", text))


def at_line_start(escaped: str) -> str:
    """An :func:`inline` text made safe to start a line (or a list item)."""
    if _BLOCK_START.match(escaped):
        return "\\" + escaped
    match = _ORDERED.match(escaped)
    if match:
        return f"{match.group(1)}\\{escaped[match.end(1) :]}"
    return escaped


def heading(escaped: str) -> str:
    """An :func:`inline` text made safe as the content of an ATX heading: a trailing
    ``#`` is escaped, so that it is not taken for the closing sequence."""
    if escaped.endswith("#"):
        return escaped[:-1] + "\\#"
    return escaped


def paragraphs(text: str) -> list[str]:
    """``text`` as Markdown paragraphs: blank lines separate them, and a line break
    inside a paragraph stays one (a hard break: a backslash at the end of the line)."""
    result: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [at_line_start(inline(line)) for line in block.splitlines() if line.strip()]
        if lines:
            result.append("\\\n".join(lines))
    return result


def blank(width: int) -> str:
    """A blank of ``width`` underscores (insert it between spaces or at a line's end)."""
    return "_" * max(width, 3)


def own_line(line: str) -> str:
    """``line`` (a block's only line) with its first underscore escaped when it holds
    nothing but blanks, which CommonMark would read as a thematic break; the escaped
    underscore shows as the others do."""
    if line.count("_") >= 3 and not line.strip(" _"):
        return line.replace("_", "\\_", 1)
    return line


def ruled_lines(count: int, indent: str = "") -> list[str]:
    """``count`` ruled lines to write long text on, each to be a block (a paragraph)
    of its own: separate them by blank lines."""
    return [indent + own_line(blank(LINE_WIDTH))] * count


def join(*parts: str | None) -> str:
    """Join non-empty parts with spaces, but attach a part that starts with closing
    punctuation (``.``, ``,``, ``)`` …) to the one before it — unless that one is a
    blank, which must stay followed by a space."""
    out = ""
    for part in parts:
        if not part:
            continue
        if not out:
            out = part
        elif part[0] in ".,;:!?)" and not out.endswith("_"):
            out += part
        else:
            out += " " + part
    return out


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], centred: Sequence[bool]
) -> list[str]:
    """A GFM table of already escaped cells, padded so that its columns line up as
    plain text too."""
    widths = [max(3, len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = [
        (":" + "-" * (w - 2) + ":") if centre else "-" * w
        for w, centre in zip(widths, centred, strict=True)
    ]
    return [line(header), line(rule), *(line(row) for row in rows)]
