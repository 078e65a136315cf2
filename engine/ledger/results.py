"""A ledger audit's findings and row verdicts, each built when a reporter reads it.

A city's ledger has a million rows and more findings than rows; held as pydantic objects
they took more memory than everything else together (about 2.5 KB a finding). Here a finding
is two integers — which rule, which fact — and a row verdict is its row's position; the row
facts (a FactTable of columns) and the distinct classifications are held once, and each
Finding or RowVerdict is made, the same every time, when it is read. Reporters iterate them
like the lists they stand for.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from engine.compile.plan import Plan
from engine.evaluate.run import build_finding
from engine.facts import Fact
from engine.lazy import BuiltOnRead
from engine.model.classification import Classification
from engine.model.findings import Finding, RowVerdict
from engine.model.trusted import trusted


class LedgerFindings(BuiltOnRead[Finding]):
    """Findings in report order: (rule index, fact index) pairs, built on reading."""

    def __init__(self, plan: Plan, hits: Sequence[tuple[int, int]], fact: Callable[[int], Fact]) -> None:
        self._plan, self._fact = plan, fact
        self._rules = array("I", (i for i, _ in hits))
        self._facts = array("Q", (j for _, j in hits))

    def __len__(self) -> int:
        return len(self._rules)

    def severities(self) -> Iterator[str]:
        """Each finding's severity, without building it."""
        rules = self._plan.rules
        return (rules[i].rule.severity for i in self._rules)

    def _build(self, n: int, fact: Fact) -> Finding:
        return build_finding(self._plan.rules[self._rules[n]], fact, self._plan)

    def _item(self, n: int) -> Finding:
        return self._build(n, self._fact(self._facts[n]))

    def __iter__(self) -> Iterator[Finding]:
        last, fact = -1, None
        for n, j in enumerate(self._facts):  # sorted by fact: a row breaking three rules is made once
            if j != last:
                last, fact = j, self._fact(j)
            yield self._build(n, fact)  # type: ignore[arg-type]


class LedgerRows(BuiltOnRead[RowVerdict]):
    """One RowVerdict per ledger row, from the row facts' columns and the row's classification."""

    def __init__(self, lines: Sequence[int], column: Callable[[str], Sequence[Any]],
                 verdicts: Sequence[Classification]) -> None:
        self._lines, self._verdicts = lines, verdicts
        self._unit, self._id, self._level = column("unit"), column("finding_id"), column("reported_level")
        self._counted, self._reason = column("counted_major"), column("verdict_reason")
        self._duplicate = column("is_duplicate")
        self._matched: dict[int, list[str]] = {}  # per distinct classification: rows repeat findings

    def __len__(self) -> int:
        return len(self._lines)

    def _item(self, n: int) -> RowVerdict:
        v = self._verdicts[n]
        matched = self._matched.get(id(v))
        if matched is None:
            matched = self._matched[id(v)] = [f"{m.number} {m.ref}" for m in v.matches]
        # built from values the engine typed itself: without validation
        return trusted(RowVerdict, {
            "line": self._lines[n], "finding_id": str(self._id[n]), "unit": self._unit[n],
            "reported_level": self._level[n], "verdict": v.verdict,
            "needs_confirmation": v.needs_confirmation, "counted_major": bool(self._counted[n]),
            "matched": matched, "reason": self._reason[n], "duplicate": bool(self._duplicate[n]),
            "from_text": v.from_text})
