"""Comprehensive determination (综合判定): counting elements that hold on one finding's facts.

GB 35181 (and the 水利 standard) make some hazards major only in number: a place of a given
category where at least N of a list of elements hold. An element alone is not a major hazard,
so the classifier never cites one as a match; it asks this module how each counting rule of
the standards in play comes out. The count is taken over the element verdicts the backend
already gave (an element held when the backend says so), so the result is the same on every
backend; elements the backend did not match are counted as unknown when their condition is
undecided on the facts, which keeps a rule open instead of calling it failed.

Three outcomes, in the classifier's own three-valued logic:
``holds``  the gate holds, every required item holds, and at least N elements hold;
``open``   it could still hold: the gate or required items are undecided, or held plus unknown
           elements reach N;
``fails``  it cannot hold on what is recorded.
A rule none of whose elements holds is not about the finding and is left out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from engine.classify.explain import truth
from engine.load.criteria import CriteriaSet, LoadedCombined, LoadedItem

CombinedState = Literal["holds", "open", "fails"]


@dataclass(frozen=True)
class CombinedOutcome:
    rule: LoadedCombined
    state: CombinedState
    held: tuple[LoadedItem, ...]  # elements that hold
    unknown: tuple[LoadedItem, ...]  # elements undecided on the facts
    gate: bool | None  # the place condition (None: not recorded)
    required_missing: tuple[str, ...]  # required refs that do not (yet) hold

    @property
    def short_by(self) -> int:
        """How many more elements it would take."""
        return max(0, self.rule.rule.at_least - len(self.held))


def judge_combined(cs: CriteriaSet, standard_ids: Collection[str], data: Mapping[str, Any],
                   held: Collection[tuple[str, str]]) -> list[CombinedOutcome]:
    """Every counting rule of ``standard_ids`` that at least one held element is about.

    ``held`` is the (standard id, ref) of every item the backend matched on ``data``.
    """
    out: list[CombinedOutcome] = []
    for sid in standard_ids:
        ls = cs.standards[sid]
        if not ls.combined:
            continue
        by_ref = {it.ref: it for it in ls.items}
        for rule in ls.combined:
            elements = [by_ref[ref] for ref in rule.rule.elements]
            yes = tuple(it for it in elements if (sid, it.ref) in held)
            if not yes:
                continue
            maybe = tuple(it for it in elements
                          if (sid, it.ref) not in held and truth(it.condition, data) is None)
            gate = True if rule.gate is None else truth(rule.gate, data)
            required = [by_ref[ref] for ref in rule.rule.requires]
            req_missing = tuple(it.ref for it in required if (sid, it.ref) not in held)
            req_failed = any(truth(it.condition, data) is False
                             for it in required if (sid, it.ref) not in held)
            at_least = rule.rule.at_least
            if gate is True and not req_missing and len(yes) >= at_least:
                state: CombinedState = "holds"
            elif gate is False or req_failed or len(yes) + len(maybe) < at_least:
                state = "fails"
            else:
                state = "open"
            out.append(CombinedOutcome(rule, state, yes, maybe, gate, req_missing))
    return out
