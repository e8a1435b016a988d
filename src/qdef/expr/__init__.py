"""The expression language: parse, print and type-check conditions and values.

An expression such as ``q1 == "ja" and (q2 has "b" or sum(q5, q6) > 10)`` is
tokenized (:mod:`.tokens`), parsed into frozen nodes (:mod:`.parser`,
:mod:`.nodes`), printed back (:mod:`.printer`) and checked against an
instrument's symbol table (:mod:`.types`). Expressions are parsed, never
``eval``ed (their values: :mod:`qdef.routing.evaluate`). Texts that insert values
are split by :mod:`.template`, values shown as text by :mod:`.values`, and the
patterns of text answers checked and translated by :mod:`.patterns`; aggregates over
a roster are resolved by :mod:`.scope`. Errors carry codes QD501 to QD530.
"""

from qdef.expr.nodes import (
    And,
    Answered,
    Arith,
    Call,
    Compare,
    Expr,
    Has,
    In,
    Literal,
    Neg,
    Not,
    Or,
    Over,
    Ref,
    variables_used,
    walk,
)
from qdef.expr.parser import parse
from qdef.expr.patterns import FORMATS, to_javascript, to_pcre
from qdef.expr.printer import dump, format_number, to_source
from qdef.expr.scope import resolve, resolved
from qdef.expr.template import Piece, Template, TemplateSyntaxError, has_braces, parse_template
from qdef.expr.tokens import ExprSyntaxError, Token, TokenKind, tokenize
from qdef.expr.types import ExprProblem, check, expression_type, parse_and_check, typecheck

__all__ = [
    "FORMATS",
    "And",
    "Answered",
    "Arith",
    "Call",
    "Compare",
    "Expr",
    "ExprProblem",
    "ExprSyntaxError",
    "Has",
    "In",
    "Literal",
    "Neg",
    "Not",
    "Or",
    "Over",
    "Piece",
    "Ref",
    "Template",
    "TemplateSyntaxError",
    "Token",
    "TokenKind",
    "check",
    "dump",
    "expression_type",
    "format_number",
    "has_braces",
    "parse",
    "parse_and_check",
    "parse_template",
    "resolve",
    "resolved",
    "to_javascript",
    "to_pcre",
    "to_source",
    "tokenize",
    "typecheck",
    "variables_used",
    "walk",
]
