"""A normalized condition compiled once into nested Python closures, for per-row use.

``engine.expr.evaluate.holds`` walks the tree on every call — fine for the reference
backend, costly for the row facts of a million-row ledger, where a handful of conditions run
on every row. ``compile_predicate`` returns a function with exactly ``holds``'s meaning (a
comparison holds only when every field it reads is present; the same operators, the same
arithmetic, the same exceptions); tests/test_expr.py checks the two agree on random facts.
No code is generated: the closures are built from the tree, so nothing in a rule file is
ever executed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from engine.expr.nodes import And, Arith, Const, Expr, Field, Or, Test

Predicate = Callable[[Mapping[str, Any]], bool]
_CMP = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge,
        "<": operator.lt, "<=": operator.le}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def compile_predicate(expr: Expr) -> Predicate:
    """``lambda fact: holds(expr, fact)``, without walking the tree on each call."""
    if isinstance(expr, (And, Or)):
        parts = tuple(compile_predicate(i) for i in expr.items)
        if isinstance(expr, And):
            return lambda fact: all(p(fact) for p in parts)
        return lambda fact: any(p(fact) for p in parts)
    assert isinstance(expr, Test)
    compare, key = _CMP[expr.op], expr.field.key
    others = tuple(f.key for f in expr.fields() if f.key != key)
    if isinstance(expr.rhs, Const) and not others:
        constant = expr.rhs.value

        def against_constant(fact: Mapping[str, Any]) -> bool:
            value = fact.get(key)
            return value is not None and bool(compare(value, constant))

        return against_constant
    rhs = _value(expr.rhs)

    def test(fact: Mapping[str, Any]) -> bool:
        value = fact.get(key)
        if value is None or any(fact.get(k) is None for k in others):
            return False
        return bool(compare(value, rhs(fact)))

    return test


def _value(expr: Expr) -> Callable[[Mapping[str, Any]], Any]:
    if isinstance(expr, Const):
        constant = expr.value
        return lambda fact: constant
    if isinstance(expr, Field):
        key = expr.key
        return lambda fact: fact[key]
    assert isinstance(expr, Arith)
    op, left, right = _ARITH[expr.op], _value(expr.left), _value(expr.right)
    return lambda fact: op(left(fact), right(fact))
