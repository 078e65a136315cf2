"""What a backend evaluates: numbered conditions, each on one kind of fact.

Both the audit Plan (rules of a form) and the criteria plan (items of the standards in force)
provide this shape, so one pair of backends — durable-rules and the plain-Python reference —
serves both, and the two can be checked against each other finding for finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from engine.expr.nodes import Expr

if TYPE_CHECKING:
    from engine.facts import Fact


class RuleSource(Protocol):
    @property
    def digest(self) -> str:
        """Stable identity of the conditions: backends cache their compiled form under it."""
        ...

    @property
    def conditions(self) -> tuple[tuple[str, Expr], ...]:
        """(fact kind, normalized condition) per rule; a hit names the rule by this index."""
        ...


class Backend(Protocol):
    """Evaluates a rule source over facts: (rule index, fact index) hits and the facts evaluated."""

    @property
    def name(self) -> str: ...

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[tuple[int, int]], int]: ...
