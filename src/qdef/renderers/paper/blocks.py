"""The paper questionnaire's structure: Markdown blocks in groups.

The writer (:mod:`qdef.renderers.paper.writer`) decides everything about the
layout — numbers, notes, blanks, tables — and writes each piece as a Markdown
block. It puts the blocks of a section, of a question and of a conditional part
into a :class:`Group`, so that the structure is known once and printed in two
ways: as Markdown (:func:`markdown`: groups vanish, a conditional part becomes a
block quote) and as HTML for the ``pdf`` renderer
(:mod:`qdef.renderers.paper.html`: each group a ``<div>`` that print CSS keeps
together or marks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["section", "question", "part"]
"""``section``: a section, from its heading to its last question; ``question``: a
question with its notes (and its conditional part, if it has a condition);
``part``: a conditional part, from its only-if note to its end."""


@dataclass(slots=True)
class Group:
    """Blocks that belong together."""

    kind: Kind
    blocks: list[Block] = field(default_factory=list)


Block = str | Group
"""A Markdown block (a paragraph, a heading, a table, a list item …) or a group."""


def markdown(blocks: Sequence[Block]) -> list[str]:
    """The Markdown blocks of ``blocks``, to be separated by blank lines: groups
    flattened, a conditional part quoted (a bar in the margin from its start to its
    end), an empty group left out."""
    result: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            result.append(block)
            continue
        inner = markdown(block.blocks)
        if not inner:
            continue
        if block.kind == "part":
            result.append(quote("\n\n".join(inner)))
        else:
            result.extend(inner)
    return result


def quote(blocks: str) -> str:
    """Markdown blocks inside a block quote (``>`` before every line)."""
    return "\n".join(f"> {line}" if line else ">" for line in blocks.split("\n"))
