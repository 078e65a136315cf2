"""Why a condition held or not on one fact: each comparison with the values it saw.

``hazcheck rules explain`` shows an author the rule's condition taken apart — every
comparison of the normalised condition (the tree every backend evaluates), the values of
the fields it read, and whether it held, failed, or could not be decided because a value
was missing (which the language treats as not holding). The overall answer is the
reference evaluation's (engine/expr/evaluate.py): a test checks the two never differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.expr.evaluate import holds
from engine.expr.nodes import And, Arith, Const, Expr, Field, Or, Test

_OPS = {"==": "==", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}


@dataclass(frozen=True)
class Step:
    """One node of the condition: a comparison, or an and/or over the steps below it."""

    text: str  # as an author reads it: 行政处罚.罚款金额 > 0, 或（…）
    result: bool | None  # None: a value it needs is missing (so it does not hold)
    seen: tuple[tuple[str, Any], ...] = ()  # (label, value) of each field a comparison read
    depth: int = 0


def _text(expr: Expr, labels: Mapping[str, str]) -> str:
    if isinstance(expr, Const):
        v = expr.value
        if isinstance(v, bool):
            return "是" if v else "否"
        return f"'{v}'" if isinstance(v, str) else f"{v:g}"
    if isinstance(expr, Field):
        return labels.get(expr.key, expr.key)
    assert isinstance(expr, Arith)
    return f"{_text(expr.left, labels)} {expr.op} {_text(expr.right, labels)}"


def _test(t: Test, fact: Mapping[str, Any], labels: Mapping[str, str], depth: int) -> Step:
    seen = tuple((labels.get(f.key, f.key), fact.get(f.key)) for f in t.fields())
    missing = any(fact.get(f.key) is None for f in t.fields())
    text = f"{_text(t.field, labels)} {_OPS[t.op]} {_text(t.rhs, labels)}"
    return Step(text, None if missing else holds(t, fact), seen, depth)


def trace(expr: Expr, fact: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[bool, list[Step]]:
    """(the condition holds, its steps in reading order, and/or nodes before their parts)."""
    steps: list[Step] = []

    def walk(node: Expr, depth: int) -> bool:
        if isinstance(node, (And, Or)):
            at = len(steps)
            steps.append(Step("", None, (), depth))  # filled in once the parts are known
            parts = [walk(i, depth + 1) for i in node.items]
            result = all(parts) if isinstance(node, And) else any(parts)
            word = "以下各项都成立" if isinstance(node, And) else "以下至少一项成立"
            steps[at] = Step(word, result, (), depth)
            return result
        assert isinstance(node, Test)
        step = _test(node, fact, labels, depth)
        steps.append(step)
        return bool(step.result)

    result = walk(expr, 0)
    assert result == holds(expr, fact), "the trace answers as the reference evaluation does"
    return result, steps
