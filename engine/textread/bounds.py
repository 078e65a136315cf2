"""Settle a number stated as a range ("超过9人") against the thresholds the items compare it with.

The backends compare exact values, so a range can be handed to them only as one value that
every comparison in play answers the same way as the whole range would. That is the case
exactly when no threshold falls strictly inside the range (or on its open end in a way that
splits it); then any point of the range is a faithful stand-in. Otherwise the range does not
decide the item, and the fact stays unread: "超过5人" says nothing about "> 9".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.expr.evaluate import holds
from engine.expr.nodes import Arith, Const, Expr, Field, Test
from engine.textread.reader import Bound

_EPS = 1e-6


@dataclass(frozen=True)
class Thresholds:
    """For each number fact, the constants it is compared with; None where it takes part in arithmetic."""

    by_key: Mapping[str, tuple[Test, ...] | None]


def thresholds(conditions: Iterable[Expr]) -> Thresholds:
    out: dict[str, list[Test] | None] = {}
    stack = list(conditions)
    while stack:
        node = stack.pop()
        if isinstance(node, Test):
            rhs_fields = _fields(node.rhs)
            if isinstance(node.rhs, Const):
                bucket = out.setdefault(node.field.key, [])
                if bucket is not None:
                    bucket.append(node)
            else:
                for key in (node.field.key, *rhs_fields):
                    out[key] = None
        else:
            stack.extend(getattr(node, "items", ()))
    return Thresholds({k: (tuple(v) if v is not None else None) for k, v in out.items()})


def _fields(expr: Expr) -> list[str]:
    if isinstance(expr, Field):
        return [expr.key]
    if isinstance(expr, Arith):
        return _fields(expr.left) + _fields(expr.right)
    return []


def _inside(bound: Bound, x: float) -> bool:
    return {">": x > bound.value, ">=": x >= bound.value, "<": x < bound.value,
            "<=": x <= bound.value}[bound.op]


def stand_in(key: str, bound: Bound, tests: Thresholds) -> float | None:
    """A value of the range that every test on ``key`` answers as the whole range does, or None."""
    if key not in tests.by_key:
        return None  # no item in play reads it
    in_play = tests.by_key[key]
    if in_play is None:
        return None  # compared with other facts: the range cannot be pinned down
    v = bound.value
    probes = [v, v - _EPS, v + _EPS, v - 1e9, v + 1e9]
    for t in in_play:
        c = float(t.rhs.value)  # type: ignore[union-attr, arg-type]
        probes += [c, c - _EPS, c + _EPS]
    points = [x for x in probes if _inside(bound, x)]
    if not points:
        return None
    for t in in_play:
        answers = {holds(t, {key: x}) for x in points}
        if len(answers) > 1:
            return None
    # the end of the range itself where it is included, else one step inside it
    base = v if bound.op in (">=", "<=") else (v + 1 if bound.op == ">" else v - 1)
    if not _inside(bound, base):
        base = points[0]
    return int(base) if float(base).is_integer() else base
