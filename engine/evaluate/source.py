"""What a backend evaluates: numbered conditions, each on one kind of fact.

Both the audit Plan (rules of a form) and the criteria plan (items of the standards in force)
provide this shape, so one pair of backends — durable-rules and the plain-Python reference —
serves both, and the two can be checked against each other finding for finding.
"""

from __future__ import annotations

from typing import Protocol

from engine.expr.nodes import Expr


class RuleSource(Protocol):
    @property
    def digest(self) -> str:
        """Stable identity of the conditions: backends cache their compiled form under it."""
        ...

    @property
    def conditions(self) -> tuple[tuple[str, Expr], ...]:
        """(fact kind, normalized condition) per rule; a hit names the rule by this index."""
        ...
