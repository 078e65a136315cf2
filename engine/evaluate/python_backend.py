"""Plain-Python backend: the reference semantics and the benchmark baseline."""

from __future__ import annotations

from collections.abc import Sequence

from engine.compile.plan import CompiledRule, Plan
from engine.expr.evaluate import holds
from engine.facts import Fact

Hit = tuple[int, int]  # (rule index in plan, fact index)


class PythonBackend:
    name = "python"

    def evaluate(self, plan: Plan, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        """Every (rule, fact) pair whose condition holds, and how many facts were evaluated."""
        hits: list[Hit] = []
        by_kind: dict[str, list[tuple[int, CompiledRule]]] = {}
        for i, compiled in enumerate(plan.rules):
            by_kind.setdefault(compiled.rule.on, []).append((i, compiled))
        for j, fact in enumerate(facts):
            for i, compiled in by_kind.get(fact.kind, ()):
                if holds(compiled.condition, fact.data):
                    hits.append((i, j))
        return sorted(hits), len(facts)
