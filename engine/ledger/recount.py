"""Recount a return's figures from the records they were counted from (填表说明's counting rules).

Each counting rule (``reconcile.counts`` of a ledger or detail form) says which records
count into one return column: a condition over the row facts, and how they count — one
each, the sum of a number (罚款金额), or the different values of some fields (one tour per
document, one typical case per type and sector). Counted here, in Python, per unit (the
rule engine does not aggregate), and asserted as one ``ledger_unit`` fact per unit and
column beside the return's figure, with the records the rule leaves out, so a finding can
name the records behind a difference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from engine.compile.plan import CompiledCount
from engine.expr.evaluate import holds
from engine.facts import Fact
from engine.model.records import Submission
from engine.read.text import clean_unit_name

_NAMED = 20  # records named in one finding; the rest are counted ("等 35 条")


def _label(f: Fact) -> str:
    """How a record is named in a message: its number (or 第N行)."""
    return str(f.data.get("finding_id") or (f"第{f.cells[0].row}行" if f.cells else "?"))


def _named(facts: Sequence[Fact]) -> str | None:
    if not facts:
        return None
    shown = "、".join(_label(f) for f in facts[:_NAMED])
    return shown + (f" 等 {len(facts)} 条" if len(facts) > _NAMED else "")


def recount(facts: Sequence[Fact], c: CompiledCount) -> tuple[float, list[Fact]]:
    """The figure the rule gives for these records, and the records it leaves out.

    Left out are the rows the figure is about (``among``; every row of the unit when the
    rule does not say) that do not count, and, for a ``distinct`` count, the rows that
    repeat a value already counted.
    """
    counted = [f for f in facts if holds(c.condition, f.data)]
    left_out = [f for f in facts if (c.among is None or holds(c.among, f.data))
                and not holds(c.condition, f.data)]
    if c.sum is not None:
        total = math.fsum(float(v) for f in counted if isinstance(v := f.data.get(c.sum), (int, float)))
        return total, left_out
    if c.distinct:
        seen: set[tuple[Any, ...]] = set()
        repeats = set()
        for f in counted:
            key = tuple(f.data.get(k) for k in c.distinct)
            if key in seen:
                repeats.add(id(f))
            seen.add(key)
        if repeats:  # named in the records' order
            named = repeats | {id(f) for f in left_out}
            left_out = [f for f in facts if id(f) in named]
        return len(seen), left_out
    return len(counted), left_out


def unit_facts(row_facts: Sequence[Fact], counts: Sequence[CompiledCount], ret: Submission) -> list[Fact]:
    """Per unit and recounted column: the records' figure under the rule, and the return's.

    Only the columns the return's form has; the units of both, the return's first.
    """
    by_unit: dict[str, list[Fact]] = {}
    for f in row_facts:
        by_unit.setdefault(f.unit or "", []).append(f)
    ret_rows = {clean_unit_name(r.unit): r for r in ret.rows if not r.is_total}
    units = list(dict.fromkeys([*ret_rows, *(u for u in by_unit if u)]))
    out = []
    for unit in units:
        row = ret_rows.get(unit)
        for c in counts:
            if ret.form_id not in c.forms:
                continue
            figure, left_out = recount(by_unit.get(unit, []), c)
            cell = row.cells.get(c.indicator) if row is not None else None
            value = None
            if cell is not None and cell.status != "unreadable":
                value = 0 if cell.status == "blank" else cell.value
            data = {"unit": unit, "field": c.indicator, "label": c.label,
                    "ledger_count": int(figure) if float(figure).is_integer() else round(figure, 6),
                    "return_value": value, "in_return": row is not None, "in_details": unit in by_unit,
                    "excluded_count": len(left_out), "excluded": _named(left_out),
                    "count_basis": c.basis or "计数规则见表单 reconcile"}
            refs = [cell.ref] if cell is not None and cell.ref is not None else []
            out.append(Fact("ledger_unit", {k: v for k, v in data.items() if v is not None}, unit, refs,
                            file=ret.source))
    return out
