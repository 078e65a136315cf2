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
        return _all_of(parts) if isinstance(expr, And) else _any_of(parts)
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


def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    """``and`` of the parts, left to right, stopping at the first that fails (as ``all`` would).

    A loop rather than ``all(generator)``: a generator per call costs more than the tests
    themselves, and the criteria's items are mostly ands of two or three comparisons."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda fact: first(fact) and second(fact)

    def all_of(fact: Mapping[str, Any]) -> bool:
        for p in parts:  # noqa: SIM110 - all(generator) is the cost this avoids
            if not p(fact):
                return False
        return True

    return all_of


def _any_of(parts: tuple[Predicate, ...]) -> Predicate:
    """``or`` of the parts, left to right, stopping at the first that holds (as ``any`` would)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda fact: first(fact) or second(fact)

    def any_of(fact: Mapping[str, Any]) -> bool:
        for p in parts:  # noqa: SIM110 - any(generator) is the cost this avoids
            if p(fact):
                return True
        return False

    return any_of


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
