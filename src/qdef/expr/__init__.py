"""The condition language of skip logic: parse, print and type-check conditions.

A condition such as ``q1 == "ja" and (q2 has "b" or answered(q3))`` is
tokenized (:mod:`.tokens`), parsed into frozen nodes (:mod:`.parser`,
:mod:`.nodes`), printed back (:mod:`.printer`) and checked against an
instrument's symbol table (:mod:`.types`). Conditions are parsed, never
``eval``ed. Errors carry codes QD501 (syntax) to QD508.
"""

from qdef.expr.nodes import (
    And,
    Answered,
    Compare,
    Expr,
    Has,
    In,
    Literal,
    Not,
    Or,
    Ref,
    variables_used,
    walk,
)
from qdef.expr.parser import parse
from qdef.expr.printer import dump, to_source
from qdef.expr.tokens import ExprSyntaxError, Token, TokenKind, tokenize
from qdef.expr.types import ExprProblem, check, parse_and_check, typecheck

__all__ = [
    "And",
    "Answered",
    "Compare",
    "Expr",
    "ExprProblem",
    "ExprSyntaxError",
    "Has",
    "In",
    "Literal",
    "Not",
    "Or",
    "Ref",
    "Token",
    "TokenKind",
    "check",
    "dump",
    "parse",
    "parse_and_check",
    "to_source",
    "tokenize",
    "typecheck",
    "variables_used",
    "walk",
]
