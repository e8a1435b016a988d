"""Piping in the web form: texts with ``{…}`` pieces, filled in live by the script.

A text of the instrument with pieces (docs/format.md, "Piping") is written into
the page with its literal parts as escaped HTML and each piece as an empty
element ``<span class="pipe" data-pipe="k">`` holding the piece's fallback (or
an ellipsis), so that the page reads right without the script and on paper;
the script fills each span in with ``textContent`` from piece ``k`` of the
program. A text that cannot hold elements (a drop-down's entry, a rule's or a
pattern's message) travels whole, as a list of literal strings and piece
numbers. A piece in the program is its expression as a syntax tree, its
fallback, and how its value becomes text (``kind``, and the ``labels`` of the
codes in the page's language).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from qdef.expr import Expr, Ref, expression_type
from qdef.expr import walk as nodes
from qdef.model import MatrixQuestion, MatrixRow, MultipleChoice, SingleChoice, Text
from qdef.rendering import Compiled, RenderOptions

if TYPE_CHECKING:
    from qdef.expr import Piece, Template
    from qdef.renderers.webform.rosters import Copy

#: What a piece shows where the page is read without its script (or printed blank).
UNKNOWN = "…"


class Pipes:
    """The pieces and whole texts of one page, numbered as the page is written."""

    def __init__(
        self, compiled: Compiled, options: RenderOptions, convert: Callable[[Expr], Any]
    ) -> None:
        self.compiled = compiled
        self.options = options
        self.convert = convert
        """The writer's syntax-tree conversion (``writer.condition``)."""
        self.names: Mapping[str, str] | None = None
        """While a roster's copy is written: its names (:mod:`.rosters`), which the
        pieces of its texts read instead of the roster's own."""
        self.pieces: list[dict[str, Any]] = []
        self.texts: list[list[str | int]] = []
        self._templates: dict[str, Template | None] = {}
        self._whole: dict[tuple[str, str], int] = {}

    def enter(self, copy: Copy | None) -> None:
        """Write the texts of a roster's copy (None: of no copy) from now on."""
        self.names = None if copy is None else copy.names
        if hasattr(self.convert, "inside"):
            self.convert.inside = None if copy is None else copy.roster.id

    def template(self, text: str) -> Template | None:
        """The text's template, or None when it has no piece (parsed once per text)."""
        if "{" not in text and "}" not in text:
            return None
        if text not in self._templates:
            self._templates[text] = _parsed(text)
        return self._templates[text]

    def plain(self, text: str) -> str:
        """The text with ``{{``/``}}`` undone, for a text without pieces."""
        if "{" not in text and "}" not in text:
            return text
        template = _parsed(text, plain=True)
        return (
            text if template is None else "".join(p for p in template.pieces if isinstance(p, str))
        )

    def markup(self, text: str, escape: Any) -> Markup | str:
        """The text as HTML with a span for each piece; the text itself when it has
        no piece (``{{`` and ``}}`` undone)."""
        template = self.template(text)
        if template is None:
            return self.plain(text)
        html = []
        for part in template.pieces:
            if isinstance(part, str):
                html.append(escape(part))
            else:
                index = self._piece(part)
                shown = UNKNOWN if part.fallback is None else " ".join(part.fallback.split())
                html.append(
                    Markup('<span class="pipe" data-pipe="{}">{}</span>').format(index, shown)
                )
        return Markup("").join(html)

    def whole(self, text: str) -> int | None:
        """The number of a text that travels whole, or None when it has no piece."""
        template = self.template(text)
        if template is None:
            return None
        key = (self._scope(), text)
        if key not in self._whole:
            parts: list[str | int] = [
                part if isinstance(part, str) else self._piece(part) for part in template.pieces
            ]
            self._whole[key] = len(self.texts)
            self.texts.append(parts)
        return self._whole[key]

    def _scope(self) -> str:
        """Which copy's names the pieces read ("" outside rosters)."""
        names = self.names
        return "" if names is None else min(names.values())

    def message(self, text: Text) -> int:
        """The number of a message (a rule's, a pattern's) in the page's language, which
        travels whole, with pieces or without."""
        shown = self.options.text(text)
        index = self.whole(shown)
        if index is None:
            key = ("", shown)
            if key not in self._whole:
                self._whole[key] = len(self.texts)
                self.texts.append([self.plain(shown)])
            index = self._whole[key]
        return index

    def _piece(self, piece: Piece) -> int:
        symbols = self.compiled.plan.symbols
        vtype = expression_type(piece.expr, symbols)
        expr = self.convert(piece.expr)
        if self.names is not None:
            from qdef.renderers.webform.rosters import renamed  # noqa: PLC0415

            expr = renamed(expr, self.names)
        entry: dict[str, Any] = {
            "expr": expr,
            "fallback": piece.fallback,
            "kind": vtype.kind,
        }
        if vtype.kind in ("choice", "choices"):
            entry["labels"] = self._labels(piece)
        self.pieces.append(entry)
        return len(self.pieces) - 1

    def _labels(self, piece: Piece) -> dict[str, str]:
        """The labels of the codes a choice piece may show, in the page's language:
        those of the questions (or matrix rows' scales) its expression reads."""
        labels: dict[str, str] = {}
        variables = self.compiled.plan.variables
        for node in nodes(piece.expr):
            if not isinstance(node, Ref):
                continue
            info = variables.get(node.name)
            owner = None if info is None else info.node
            if isinstance(owner, SingleChoice | MultipleChoice):
                options = [(o.code, o.label) for o in owner.options]
            elif isinstance(owner, MatrixRow) and info is not None:
                question = self.compiled.plan.steps[info.position].question
                assert isinstance(question, MatrixQuestion)
                options = [(c.code, c.label) for c in question.scale]
            else:
                options = self._hidden_options(node.name)
            for code, label in options:
                labels.setdefault(code, self.plain(self.options.text(label)))
        return labels

    def _hidden_options(self, name: str) -> list[tuple[str, Any]]:
        for variable in self.compiled.instrument.hidden or ():
            if variable.id == name and variable.type == "choice":
                return [(o.code, o.label) for o in variable.options]
        return []


def _parsed(text: str, *, plain: bool = False) -> Template | None:
    """The template of a text with braces: None when it has no piece (unless ``plain``),
    or when it is no template at all (an instrument not validated: the text as it is)."""
    from qdef.expr import TemplateSyntaxError, parse_template  # noqa: PLC0415

    try:
        template = parse_template(text)
    except TemplateSyntaxError:
        return None
    return template if plain or not template.plain else None
