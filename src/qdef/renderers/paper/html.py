"""The paper questionnaire as HTML for print (the ``pdf`` renderer's input).

The layout is the Markdown writer's (:func:`qdef.renderers.paper.writer.structure`):
its blocks are rendered with markdown-it (CommonMark with GFM tables, raw HTML
off, so that every text of the instrument stays text), each group in a
``<div>`` the print CSS (``print.css``) knows: ``question`` (kept on one page
with its options, unless its tables have more than :data:`LONG_TABLE` rows:
``question long``), ``part`` (a conditional part, marked by a bar in the margin)
and ``section``. What Markdown only shows as characters is drawn:

- a blank (a run of at least three underscores the writer left unescaped) is a
  ``<span class="blank">`` as wide as the run, a line to write on;
- a paragraph holding nothing but a blank (a ruled line for long text) is a
  ``<p class="ruled">``: a full-width line with room to write above it; another
  paragraph with a blank is a ``<p class="write">``, with room above its line;
- a box to tick (``○``, ``☐``, which the writer writes and the instrument's texts
  hardly have) is a ``<span class="box">``: the same character, larger; a
  paragraph that starts with one (an option) is a ``<p class="option">``, its
  lines indented after the box.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape

from qdef.renderers.paper.blocks import Block
from qdef.rendering.markdown import LINE_WIDTH

#: A blank, or a box to tick (a single or a multiple choice's, a matrix cell's).
_MARKS = re.compile("(_{3,}|[○☐])")
#: More table rows than a page holds for sure: a question with them may break between
#: rows (its header repeated); a shorter question is kept on one page.
LONG_TABLE = 20
#: The width of a blank per underscore, in em (an underscore of DejaVu Sans is 0.5 em).
_EM_PER_CHARACTER = 0.5


def body(blocks: Sequence[Block]) -> str:
    """The HTML of the questionnaire's blocks (the content of ``<body>``)."""
    parser = _parser()
    out: list[str] = []
    _emit(blocks, parser, out)
    return "".join(out)


def _emit(blocks: Sequence[Block], parser: MarkdownIt, out: list[str]) -> None:
    run: list[str] = []
    for block in [*blocks, None]:
        if isinstance(block, str):
            run.append(block)
            continue
        if run:  # consecutive blocks together: a list's items stay one list
            out.append(parser.render("\n\n".join(run)))
            run = []
        if block is not None and block.blocks:
            inner: list[str] = []
            _emit(block.blocks, parser, inner)
            kind: str = block.kind
            if kind == "question" and sum(part.count("<tr>") for part in inner) > LONG_TABLE:
                kind += " long"  # may break between rows (print.css)
            out.append(f'<div class="{kind}">\n')
            out.extend(inner)
            out.append("</div>\n")


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    parser.core.ruler.before("text_join", "qdef_blanks", _blanks)
    return parser


def _blanks(state: StateCore) -> None:
    """Blanks as lines to write on (see the module's description)."""
    tokens = state.tokens
    for position, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        children = _unescape_blank_starts(token.children)
        split: list[Token] = []
        for child in children:
            if child.type != "text":
                split.append(child)
                continue
            for index, piece in enumerate(_MARKS.split(child.content)):
                if index % 2:
                    split.append(_mark_token(piece))
                elif piece:
                    split.append(_text_token(piece))
        token.children = split
        opening = tokens[position - 1] if position > 0 else None
        if opening is None or opening.type != "paragraph_open":
            continue
        blanks = [child for child in split if child.meta.get("blank")]
        classes = []
        if split and split[0].meta.get("box"):
            classes.append("option")  # its lines hang after the box
        if blanks:
            classes.append("ruled" if split == blanks else "write")
        if classes:
            opening.attrSet("class", " ".join(classes))


def _unescape_blank_starts(children: list[Token]) -> list[Token]:
    """An escaped underscore right before a run of underscores is a blank's first (the
    writer escapes it on a line of nothing but the blank, lest it read as a rule);
    every underscore of the instrument's own texts is escaped, and an escaped one is
    never followed by an unescaped one."""
    result: list[Token] = []
    for index, child in enumerate(children):
        following = children[index + 1] if index + 1 < len(children) else None
        if (
            child.type == "text_special"
            and child.content == "_"
            and following is not None
            and following.type == "text"
            and following.content.startswith("__")
        ):
            following.content = "_" + following.content
            continue
        result.append(child)
    return result


def _mark_token(mark: str) -> Token:
    """A blank (``___``) or a box (``○``, ``☐``) as HTML; a box keeps its character,
    which the PDF's text then has, in a larger size."""
    token = Token("html_inline", "", 0)
    width = len(mark)
    if mark in ("○", "☐"):
        token.content = f'<span class="box">{mark}</span>'
        token.meta["box"] = True
        return token
    token.meta["blank"] = True
    if width >= LINE_WIDTH:
        token.content = '<span class="blank full"></span>'
    else:
        token.content = (
            f'<span class="blank" style="width: {width * _EM_PER_CHARACTER:g}em"></span>'
        )
    return token


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def document(blocks: Sequence[Block], *, lang: str, title: str, generator: str, style: str) -> str:
    """A whole HTML document: ``<head>`` with the language, title and generator (the
    PDF's metadata) and the print ``style``, and the questionnaire in ``<body>``."""
    style = style.replace("</", "<\\/")  # a style element ends at "</style", nowhere else
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="generator" content="{escape(generator)}">\n'
        f"<style>\n{style}</style>\n</head>\n<body>\n"
        f"{body(blocks)}</body>\n</html>\n"
    )
