"""Reference evaluation of a normalized condition tree over one fact (a dict).

This is the plain-Python path: it defines the semantics that the durable-rules backend must
reproduce finding for finding, and it is the baseline of the benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.expr.nodes import And, Arith, Const, Expr, Field, Or, Test

_CMP = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def _value(expr: Expr, fact: Mapping[str, Any]) -> Any:
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Field):
        return fact[expr.key]
    assert isinstance(expr, Arith)
    left, right = _value(expr.left, fact), _value(expr.right, fact)
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    return left / right


def holds(expr: Expr, fact: Mapping[str, Any]) -> bool:
    """True when the normalized condition holds for ``fact`` (absent fields never hold)."""
    if isinstance(expr, And):
        return all(holds(i, fact) for i in expr.items)
    if isinstance(expr, Or):
        return any(holds(i, fact) for i in expr.items)
    assert isinstance(expr, Test)
    for field in expr.fields():
        if fact.get(field.key) is None:
            return False
    return bool(_CMP[expr.op](fact[expr.field.key], _value(expr.rhs, fact)))
