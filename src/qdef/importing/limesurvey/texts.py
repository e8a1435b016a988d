"""LimeSurvey's texts (HTML with ``{…}`` tailoring) to qdef's texts (plain text with
``{…}`` piping).

qdef's texts are plain: no markup, no Markdown (docs/format.md, "Texts and
translations"; piped values are inert). The HTML is read with the standard
library's HTML parser: paragraphs, line breaks, list items and table rows become
line breaks, everything else its text. What is lost (emphasis, links, images,
tables, scripts) is reported by :class:`Plain`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser

#: Elements that only carry text (no loss when dropped).
_NEUTRAL = {"p", "br", "div", "span", "font", "html", "body", "head", "meta"}
#: Elements that end a line.
_BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
_SKIPPED = {"script", "style"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lost: set[str] = set()
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        if tag not in _NEUTRAL:
            self.lost.add(tag)
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCKS and tag != "br":  # <br/> is one line break
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ufdd0-\ufdef]")


def plain(source: str) -> tuple[str, set[str]]:
    """The text of an HTML fragment and the names of the elements whose formatting is
    lost. Runs of spaces are one space; line breaks stay (at most one empty line)."""
    if "<" not in source and "&" not in source:
        text = source
        lost: set[str] = set()
    else:
        parser = _Text()
        parser.feed(source)
        parser.close()
        text, lost = "".join(parser.parts), parser.lost
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _FORBIDDEN.sub("", text.replace("\u00a0", " "))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n"), lost


# Tailoring ------------------------------------------------------------------

Pipe = Callable[[str], str | None]
"""Translates the ExpressionScript inside ``{…}`` to a qdef piece (``{q|}``), or None."""


def tailor(text: str, pipe: Pipe) -> tuple[str, list[str]]:
    """qdef piping for LimeSurvey's tailoring: ``{…}`` whose content ``pipe`` can
    translate becomes a piece, every other brace literal (``{{``, ``}}``). Returns the
    text and the tailorings left as literal text. Like LimeSurvey, a ``{`` followed
    by a space or a line break does not start an expression."""
    out: list[str] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "{" and i + 1 < n and not text[i + 1].isspace():
            end = _closing(text, i)
            if end is not None:
                inner = text[i + 1 : end]
                piece = pipe(html.unescape(inner))
                if piece is not None:
                    out.append(piece)
                else:
                    literal.append(inner)
                    out.append("{{" + inner.replace("{", "{{").replace("}", "}}") + "}}")
                i = end + 1
                continue
        out.append("{{" if c == "{" else "}}" if c == "}" else c)
        i += 1
    return "".join(out), literal


#: The longest tailoring read (bounds the scan for a closing brace: linear time).
_LONGEST = 4000


def _closing(text: str, start: int) -> int | None:
    """The ``}`` that closes the expression opened at ``start`` (strings skipped)."""
    quote = ""
    depth = 0
    for j in range(start + 1, min(len(text), start + _LONGEST)):
        c = text[j]
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return j
            depth -= 1
        elif c == "\n":
            return None
    return None
