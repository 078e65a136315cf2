"""Two editions of a standard, item by item (``hazcheck criteria diff OLD NEW``).

When a standard is revised (煤矿 2020 → 2026) a rule author needs to see what moved: items
added and removed, items whose conditions changed, items renumbered with the same
condition. Conditions are compared as written, spaces aside; an item whose condition is
unchanged but whose summary was rewritten is listed as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.load.criteria import CriteriaSet, LoadedItem


def _condition(it: LoadedItem) -> str:
    text = f"{it.item.applies_when or ''}|{it.item.holds_when}"
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class ItemChange:
    old: LoadedItem | None
    new: LoadedItem | None
    what: str  # 新增, 删除, 条件改动, 改号, 仅概括改写


@dataclass(frozen=True)
class EditionDiff:
    old_id: str
    new_id: str
    changes: list[ItemChange] = field(default_factory=list)
    unchanged: int = 0

    def of(self, what: str) -> list[ItemChange]:
        return [c for c in self.changes if c.what == what]


def diff_editions(cs: CriteriaSet, old_id: str, new_id: str) -> EditionDiff:
    old = {it.ref: it for it in cs.items(old_id)}
    new = {it.ref: it for it in cs.items(new_id)}
    changes: list[ItemChange] = []
    unchanged = 0
    for ref in old.keys() & new.keys():
        a, b = old[ref], new[ref]
        if _condition(a) != _condition(b):
            changes.append(ItemChange(a, b, "条件改动"))
        elif a.item.summary != b.item.summary:
            changes.append(ItemChange(a, b, "仅概括改写"))
        else:
            unchanged += 1
    gone = [old[r] for r in old if r not in new]
    came = [new[r] for r in new if r not in old]
    by_condition: dict[str, list[LoadedItem]] = {}
    for it in gone:
        by_condition.setdefault(_condition(it), []).append(it)
    for it in came:
        twins = by_condition.get(_condition(it))
        if twins:
            changes.append(ItemChange(twins.pop(0), it, "改号"))
        else:
            changes.append(ItemChange(None, it, "新增"))
    changes += [ItemChange(it, None, "删除") for twins in by_condition.values() for it in twins]
    order = {"新增": 0, "删除": 1, "条件改动": 2, "改号": 3, "仅概括改写": 4}
    place = {id(it): n for n, it in enumerate([*cs.items(new_id), *cs.items(old_id)])}
    changes.sort(key=lambda c: (order[c.what], place[id(c.new or c.old)]))  # in the editions' own order
    return EditionDiff(old_id, new_id, changes, unchanged)
