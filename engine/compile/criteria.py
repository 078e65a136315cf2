"""Compile the items of a set of standard editions into one rule source for the backends.

Items were parsed, resolved and type-checked when the criteria were loaded; this step only
selects the editions that judge a finding, fixes the order of their items (the hit index)
and gives the set a digest, so the durable backend compiles each combination once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from engine.expr.nodes import Expr
from engine.load.criteria import CriteriaSet, LoadedItem

FINDING_KIND = "finding"  # the fact kind a finding is asserted as


@dataclass(frozen=True)
class CriteriaPlan:
    standard_ids: tuple[str, ...]
    items: tuple[LoadedItem, ...]
    digest: str

    @property
    def conditions(self) -> tuple[tuple[str, Expr], ...]:
        return tuple((FINDING_KIND, it.condition) for it in self.items)

    def without(self, drop: Callable[[LoadedItem], bool]) -> CriteriaPlan:
        """The plan less the items ``drop`` picks (工贸 with no sector: the sector articles)."""
        items = tuple(it for it in self.items if not drop(it))
        digest = "c" + hashlib.sha256(f"{self.digest}|{len(items)}|".encode()
                                      + "|".join(f"{i.standard_id}{i.ref}" for i in items).encode()
                                      ).hexdigest()[:15]
        return CriteriaPlan(self.standard_ids, items, digest)


def compile_criteria(cs: CriteriaSet, standard_ids: tuple[str, ...]) -> CriteriaPlan:
    items = tuple(it for sid in standard_ids for it in cs.items(sid))
    h = hashlib.sha256()
    for sid in standard_ids:
        h.update(cs.standard(sid).model_dump_json().encode())
    for it in items:
        h.update(f"{it.standard_id}|{it.ref}|{it.condition!r}".encode())
    return CriteriaPlan(standard_ids, items, "c" + h.hexdigest()[:15])
