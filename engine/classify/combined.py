"""Comprehensive determination (综合判定): counting elements that hold on one finding's facts.

GB 35181 (and the 水利 standard) make some hazards major only in number: a place of a given
category where at least N of a list of elements hold. An element alone is not a major hazard,
so the classifier never cites one as a match; it asks this module how each counting rule of
the standards in play comes out. The count is taken over the element verdicts the backend
already gave (an element held when the backend says so), so the result is the same on every
backend; elements the backend did not match count as unknown only when the finding speaks of them and
they are undecided on its facts.

Three outcomes, in the classifier's own three-valued logic:
``holds``  the gate holds, every required item holds, and at least N elements hold;
``open``   it could still hold: the gate or required items are undecided, or held plus the
           undecided elements the finding speaks of reach N;
``fails``  it cannot hold on what the finding records (other hazards of the place may still
           make it hold: the reason says they must be counted together).
A rule none of whose elements holds or is spoken of is not about the finding and is left out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from engine.classify.explain import truth
from engine.load.criteria import CriteriaSet, LoadedCombined, LoadedItem

CombinedState = Literal["holds", "open", "fails"]


@dataclass(frozen=True)
class GroupCount:
    """One group of a rule on this finding: its elements that hold, and those undecided."""

    name: str | None
    at_least: int
    held: tuple[LoadedItem, ...]
    unknown: tuple[LoadedItem, ...]

    @property
    def short_by(self) -> int:
        return max(0, self.at_least - len(self.held))


@dataclass(frozen=True)
class CombinedOutcome:
    rule: LoadedCombined
    state: CombinedState
    groups: tuple[GroupCount, ...]
    gate: bool | None  # the place condition (None: not recorded)
    required_missing: tuple[str, ...]  # required refs that do not (yet) hold

    @property
    def held(self) -> tuple[LoadedItem, ...]:
        """Elements that hold, over every group."""
        return tuple(it for g in self.groups for it in g.held)

    @property
    def unknown(self) -> tuple[LoadedItem, ...]:
        return tuple(it for g in self.groups for it in g.unknown)

    @property
    def short_by(self) -> int:
        """How many more elements it would take."""
        return sum(g.short_by for g in self.groups)


def judge_combined(cs: CriteriaSet, standard_ids: Collection[str], data: Mapping[str, Any],
                   held: Collection[tuple[str, str]],
                   about: Collection[tuple[str, str]] = ()) -> list[CombinedOutcome]:
    """Every counting rule of ``standard_ids`` the finding is about.

    ``held`` is the (standard id, ref) of every item the backend matched on ``data``; ``about``
    the elements the finding speaks of without settling them (a recorded fact or its words,
    the element undecided on them): a rule is about the finding when one of its elements holds
    or is spoken of. Only those count as "could still hold": an element the finding does not
    speak of is another hazard of the place, not an unknown of this one — one finding that is a
    single element is below the count (一般, with the counting rule named), not 待确认.
    """
    out: list[CombinedOutcome] = []
    for sid in standard_ids:
        ls = cs.standards[sid]
        if not ls.combined:
            continue
        by_ref = {it.ref: it for it in ls.items}
        for rule in ls.combined:
            refs = rule.rule.all_elements
            if not any((sid, r) in held or (sid, r) in about for r in refs):
                continue
            groups = []
            for g in rule.rule.counted_groups:
                elements = [by_ref[ref] for ref in g.elements]
                yes = tuple(it for it in elements if (sid, it.ref) in held)
                maybe = tuple(it for it in elements if (sid, it.ref) in about)
                groups.append(GroupCount(g.name, g.at_least, yes, maybe))
            gate = True if rule.gate is None else truth(rule.gate, data)
            required = [by_ref[ref] for ref in rule.rule.requires]
            req_missing = tuple(it.ref for it in required if (sid, it.ref) not in held)
            req_failed = any(truth(it.condition, data) is False
                             for it in required if (sid, it.ref) not in held)
            unreachable = any(len(g.held) + len(g.unknown) < g.at_least for g in groups)
            if state_holds(gate, req_missing, groups):
                state: CombinedState = "holds"
            elif gate is False or req_failed or unreachable:
                state = "fails"
            else:
                state = "open"
            out.append(CombinedOutcome(rule, state, tuple(groups), gate, req_missing))
    return out


def state_holds(gate: bool | None, required_missing: tuple[str, ...], groups: list[GroupCount]) -> bool:
    """The place condition holds, every required item holds, every group reaches its count."""
    return gate is True and not required_missing and all(not g.short_by for g in groups)
