"""Plain-Python backend: the reference semantics and the benchmark baseline."""

from __future__ import annotations

from collections.abc import Sequence

from engine.evaluate.source import RuleSource
from engine.expr.evaluate import holds
from engine.expr.nodes import Expr
from engine.facts import Fact

Hit = tuple[int, int]  # (rule index in the source, fact index)


class PythonBackend:
    name = "python"

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        """Every (rule, fact) pair whose condition holds, and how many facts were evaluated."""
        hits: list[Hit] = []
        by_kind: dict[str, list[tuple[int, Expr]]] = {}
        for i, (kind, condition) in enumerate(plan.conditions):
            by_kind.setdefault(kind, []).append((i, condition))
        for j, fact in enumerate(facts):
            for i, condition in by_kind.get(fact.kind, ()):
                if holds(condition, fact.data):
                    hits.append((i, j))
        return sorted(hits), len(facts)
