"""The small, safe condition language shared by reporting rules and criteria items.

Text is parsed into an AST (``parse``), names are resolved against a vocabulary and
negations pushed down to comparisons (``normalize``). Nothing here imports an engine:
backends consume the normalized form.
"""

from engine.expr.nodes import And, Arith, Cmp, Const, Expr, Field, Name, Not, Or, Test
from engine.expr.parse import ExprSyntaxError, parse

__all__ = ["And", "Arith", "Cmp", "Const", "Expr", "ExprSyntaxError", "Field", "Name", "Not",
           "Or", "Test", "parse"]
