"""Closure backend: each condition compiled once to closures, tried only on facts that could meet it.

A ledger's distinct findings are classified in a few hundred small groups (one per set of
standards in force), a few dozen findings each, against a few hundred items. A polars frame
costs more than it saves on a few dozen rows, and durable-rules asserts each finding into
every ruleset of the plan. Here each condition is a closure with ``holds``'s exact meaning
(engine/expr/predicate.py, checked against the reference in tests/test_expr.py), and a
condition is tried on a fact only if the fact has every field whose absence makes the
reference answer "no" before it compares or computes anything — so skipping it can neither
change an answer nor hide an exception the reference would raise. Most findings record a
handful of facts, so most items are never tried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.evaluate.source import RuleSource
from engine.expr.nodes import And, Const, Expr, Field, Or, Test
from engine.expr.predicate import Predicate, compile_predicate
from engine.facts import Fact

Hit = tuple[int, int]  # (rule index in the source, fact index)


def needed_fields(expr: Expr) -> frozenset[str]:
    """Fields whose absence makes ``holds(expr, fact)`` False without comparing or computing.

    A comparison checks that all its fields are present before anything else; an ``and``
    stops at its first part that fails, so the parts up to and including the first one that
    could raise are certain to run; an ``or`` fails only when every part does.
    """
    if isinstance(expr, Test):
        return frozenset(f.key for f in expr.fields())
    if isinstance(expr, Or):
        parts = [needed_fields(i) for i in expr.items]
        return frozenset.intersection(*parts) if parts else frozenset()
    assert isinstance(expr, And)
    needed: set[str] = set()
    for item in expr.items:
        needed |= needed_fields(item)
        if not _cannot_raise(item):
            break  # later parts run only if this one holds: their fields are not certain to be read
    return frozenset(needed)


def _cannot_raise(expr: Expr) -> bool:
    """Equality and inequality against a constant or another field never raise in Python."""
    if isinstance(expr, (And, Or)):
        return all(_cannot_raise(i) for i in expr.items)
    assert isinstance(expr, Test)
    return expr.op in ("==", "!=") and isinstance(expr.rhs, (Const, Field))


Branch = tuple[int, int, frozenset[str], Predicate]  # (rule index, branch position, fields needed, test)


def _branches(expr: Expr) -> tuple[Expr, ...]:
    """The parts of a top-level ``or`` (the condition itself otherwise): each is filed on its own."""
    return expr.items if isinstance(expr, Or) and expr.items else (expr,)


@dataclass(frozen=True)
class _Compiled:
    """One kind's conditions, each ``or`` branch filed under one of the fields it needs.

    ``always``: the branches that need no field (tried on every fact); ``by_field``: field →
    the branches filed under it. A condition holds when one of its branches does; the
    branches a fact could meet are tried in their written order and the first that holds
    decides, as ``holds`` decides an ``or`` (the others fail without raising: skipping them
    changes nothing).
    """

    always: tuple[Branch, ...]
    by_field: dict[str, tuple[Branch, ...]]

    @classmethod
    def of(cls, conditions: Sequence[tuple[int, Expr]]) -> _Compiled:
        branches = [(i, n, needed_fields(part), compile_predicate(part))
                    for i, condition in conditions for n, part in enumerate(_branches(condition))]
        share: dict[str, int] = {}
        for _, _, needed, _ in branches:
            for key in needed:
                share[key] = share.get(key, 0) + 1
        always: list[Branch] = []
        by_field: dict[str, list[Branch]] = {}
        for branch in branches:
            needed = branch[2]
            if not needed:
                always.append(branch)
            else:  # filed under the field the fewest branches need: a fact lacking it skips them all
                by_field.setdefault(min(sorted(needed), key=share.__getitem__), []).append(branch)
        return cls(tuple(always), {k: tuple(v) for k, v in by_field.items()})

    def hits(self, data: Mapping[str, Any]) -> list[int]:
        """The conditions that hold on ``data``, by rule index (unordered)."""
        present = {k for k, v in data.items() if v is not None}
        tried: list[Branch] = list(self.always)
        for key in present:
            tried.extend(b for b in self.by_field.get(key, ()) if b[2] <= present)
        if not tried:
            return []
        tried.sort(key=_position)
        out: list[int] = []
        for i, _, _, test in tried:
            if (not out or out[-1] != i) and test(data):
                out.append(i)
        return out


def _position(branch: Branch) -> tuple[int, int]:
    return branch[0], branch[1]


class ClosureBackend:
    """Compiles each rule source once (by digest), then tries each fact on the conditions it could meet."""

    name = "closures"

    def __init__(self) -> None:
        self._compiled: dict[str, dict[str, _Compiled]] = {}

    def _kinds(self, plan: RuleSource) -> dict[str, _Compiled]:
        compiled = self._compiled.get(plan.digest)
        if compiled is None:
            by_kind: dict[str, list[tuple[int, Expr]]] = {}
            for i, (kind, condition) in enumerate(plan.conditions):
                by_kind.setdefault(kind, []).append((i, condition))
            compiled = self._compiled[plan.digest] = {k: _Compiled.of(v) for k, v in by_kind.items()}
        return compiled

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        """Every (rule, fact) pair whose condition holds, and how many facts were evaluated."""
        kinds = self._kinds(plan)
        hits: list[Hit] = []
        for j, fact in enumerate(facts):
            compiled = kinds.get(fact.kind)
            if compiled is not None:
                hits.extend((i, j) for i in compiled.hits(fact.data))
        return sorted(hits), len(facts)
