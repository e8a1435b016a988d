"""Piped values as LimeSurvey's ``{expression}`` in a text (:class:`Piping`): the value
as qdef shows it, what a respondent typed made inert."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from qdef.expr import Expr, Piece, Ref, to_source
from qdef.renderers.limesurvey.codes import Slot
from qdef.renderers.limesurvey.expressions import string
from qdef.renderers.limesurvey.survey import Text, pick
from qdef.renderers.limesurvey.values import Unsupported, Value, ValueCompiler
from qdef.renderers.limesurvey.writer import html_text

#: ExpressionScript's string literals (as :func:`string` writes them): braces inside
#: them are part of the string, LimeSurvey's pattern for ``{…}`` in a text skips them.
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


def _html_string(text: str) -> str:
    """An authored text (a label, a fallback) as an ExpressionScript string of the HTML
    LimeSurvey shows: escaped as every text, its line breaks ``<br>`` alone, and
    backslashes as ``&#92;`` (a string could not end with one)."""
    shown = html_text(text).replace("<br>\n", "<br>").replace("\\", "&#92;")
    return string(shown)


class Piping:
    """Piped values as LimeSurvey's ``{expression}`` in a text, in one language: the
    value as qdef shows it (docs/format.md, "Piping"), or the fallback where it is
    absent. What a respondent typed is HTML-escaped and its braces written as
    character references (``&#123;``), so that neither the browser nor LimeSurvey's
    expression manager, which reads ``{…}`` in what it shows, ever reads it."""

    def __init__(
        self,
        compiler: ValueCompiler,
        labels: Mapping[str, Mapping[str, Text]],
        resolve: Callable[[Expr], Expr] | None = None,
    ) -> None:
        self.compiler = compiler
        self.labels = labels
        """For each choice variable: its codes' labels."""
        self.resolve = resolve
        """Aggregates over a roster as ``Over`` (a text's pieces are parsed afresh)."""

    def piece(self, part: Piece, lang: str) -> str:
        expr = part.expr if self.resolve is None else self.resolve(part.expr)
        found = self.compiler.value(expr)
        shown = self.shown(expr, found, lang)
        fallback = _html_string(part.fallback or "") if part.fallback else '""'
        body = shown if found.present == "1" else f"if({found.present}, {shown}, {fallback})"
        if any(c in _STRINGS.sub("", body) for c in "{}"):  # braces in strings are read
            raise Unsupported(part.expr, "a piped value", "a brace LimeSurvey would misread")
        return "{" + body + "}"

    def shown(self, expr: Expr, found: Value, lang: str) -> str:
        if found.kind == "number":
            return f"({found.value} + 0)"  # a number, not the stored 12.5000000000
        if found.kind == "date":
            return found.value
        labels = self.labels.get(expr.name) if isinstance(expr, Ref) else None
        if found.kind == "choices" and labels is not None and found.slot is not None:
            return self._chosen(found.slot, labels, lang)
        if found.kind == "ranking" and labels is not None and found.slot is not None:
            return self._ranked(found.slot, labels, lang)
        if found.kind in ("choice", "text") and labels is not None:
            codes = dict(found.slot.values) if found.slot is not None else {c: c for c in labels}
            text = '""'
            for code in reversed(list(labels)):
                label = _html_string(pick(labels[code], lang))
                test = (
                    f"{found.value} == {string(codes[code])}"
                    if found.kind == "choice"
                    else f"strcmp({found.value}, {string(code)}) == 0"
                )
                text = f"if({test}, {label}, {text})"
            return text
        if found.kind == "text":
            inner = f"htmlspecialchars({found.value})"
            return f'str_replace("}}", "&amp;#125;", str_replace("{{", "&amp;#123;", {inner}))'
        raise Unsupported(
            expr, f"the {found.kind} value {to_source(expr)!r}", "not shown in a text"
        )

    def _ranked(self, slot: Slot, labels: Mapping[str, Text], lang: str) -> str:
        """A ranking's labels in rank order, joined by ", " (as a multiple choice's)."""
        parts: list[str] = []
        before: list[str] = []
        for rank in slot.options.values():
            text = '""'
            for code in reversed(list(labels)):
                label = _html_string(pick(labels[code], lang))
                text = f"if({rank}.NAOK == {string(slot.values[code])}, {label}, {text})"
            filled = f"!is_empty({rank}.NAOK)"
            if before:
                separator = f'if({" or ".join(before)}, ", ", "")'
                parts.append(f'if({filled}, join({separator}, {text}), "")')
            else:
                parts.append(f'if({filled}, {text}, "")')
            before.append(filled)
        return f"join({', '.join(parts)})"

    def _chosen(self, slot: Slot, labels: Mapping[str, Text], lang: str) -> str:
        """A multiple choice's chosen labels in option order, joined by ", "."""
        parts: list[str] = []
        before: list[str] = []
        for code in labels:
            ticked = f'{slot.options[code]}.NAOK == "Y"'
            label = _html_string(pick(labels[code], lang))
            if before:
                separator = f'if({" or ".join(before)}, ", ", "")'
                parts.append(f'if({ticked}, join({separator}, {label}), "")')
            else:
                parts.append(f'if({ticked}, {label}, "")')
            before.append(ticked)
        return f"join({', '.join(parts)})"
