"""Turn a submission into facts: one per row, per cell, per declared relation, plus aggregates.

The rule engine sees single facts only; everything that needs more than one value of more
than one row (column sums, comparison with the previous return) is computed here, in Python,
and asserted as a derived fact of its own kind (see engine/model/factkinds.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.lazy import BuiltOnRead
from engine.model.forms import Form, Indicator
from engine.model.records import Cell, CellRef, Row, Submission


@dataclass
class Fact:
    kind: str
    data: dict[str, Any]  # what the engine sees; None values are left out
    unit: str | None = None
    cells: list[CellRef] = field(default_factory=list)  # what a finding points at
    field_cells: dict[str, CellRef] = field(default_factory=dict)  # row facts: indicator -> cell
    # the indicators the fact is about, when its fields cannot say it one per field (a relation
    # of several parts to a whole): a tuple, never a string to split again
    subject: tuple[str, ...] | None = None
    file: str | None = None  # the file its cells are in, when not the audited file (a return's cell
    # that a ledger's count is compared with)


class FactTable(BuiltOnRead[Fact]):
    """Many facts of one kind held as columns, each Fact made only when asked for.

    A city's ledger has a million ``ledger_row`` facts of thirty-odd fields; as dicts they cost
    more memory than the ledger itself, and the columnar backend would only take them apart
    again. Here each field is one list (None: absent), the columnar backend reads the lists
    as they are, and the other backends, the findings and the tests index the table like the
    list of facts it stands for: ``table[i]`` equals the Fact the per-row path builds.
    """

    def __init__(self, kind: str, keys: Sequence[str], columns: Mapping[str, Sequence[Any]],
                 cells: Callable[[int], tuple[list[CellRef], dict[str, CellRef]]], size: int) -> None:
        self.kind, self.keys, self.columns, self._cells, self._size = kind, tuple(keys), columns, cells, size
        if any(len(columns[k]) != size for k in self.keys):
            raise ValueError("每列的行数应相同")

    def __len__(self) -> int:
        return self._size

    def column(self, key: str) -> Sequence[Any]:
        """The field's value in every fact (None where absent; all None for a field not built)."""
        return self.columns.get(key) or [None] * self._size

    def data(self, i: int) -> dict[str, Any]:
        cols = self.columns
        return {k: v for k in self.keys if (v := cols[k][i]) is not None}

    def _item(self, i: int) -> Fact:
        data = self.data(i)
        cells, field_cells = self._cells(i)
        return Fact(self.kind, data, data.get("unit"), cells, field_cells)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _number(cell: Cell | None) -> float | None:
    """Value as the user means it: blank counts as 0, unreadable is unknown (None)."""
    if cell is None or cell.status == "unreadable":
        return None
    return 0 if cell.status == "blank" else _tidy(cell.value)


def _tidy(v: float | None) -> float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def _unit_fields(row: Row) -> dict[str, Any]:
    return {"unit": row.unit, "unit_kind": row.unit_kind,
            "unit_kind_known": row.unit_kind is not None, "is_total": row.is_total}


def _refs(*cells: Cell | None) -> list[CellRef]:
    return [c.ref for c in cells if c is not None and c.ref is not None]


def row_fact(row: Row, form: Form) -> Fact:
    data = _unit_fields(row)
    nonzero = 0
    for ind in form.indicators:
        value = _number(row.cells.get(ind.key))
        data[ind.key] = value
        nonzero += bool(value)
    data["nonzero_count"] = nonzero
    where = {k: c.ref for k, c in row.cells.items() if c.ref is not None}
    return Fact("row", _clean(data), row.unit, [row.ref] if row.ref else [], where)


def cell_fact(row: Row, ind: Indicator, cell: Cell, form: Form) -> Fact:
    kind = form.measures[ind.measure].kind
    value = _number(cell)
    data = {
        **_unit_fields(row), "field": ind.key, "label": ind.label, "measure": ind.measure,
        "value": value, "raw": cell.raw, "readable": cell.status != "unreadable",
        "blank": cell.status == "blank", "is_count": kind == "count",
        "is_integer": None if value is None else float(value).is_integer(),
        "expected": row.is_total or row.unit_kind is None or row.unit_kind in ind.filled_by,
    }
    return Fact("cell", _clean(data), row.unit, _refs(cell))


def relation_facts(row: Row, form: Form) -> list[Fact]:
    facts = []
    groups: list[tuple[tuple[str, ...], str, str | None]] = [
        ((part,), whole, note) for part, whole, note in form.part_whole_pairs()]
    groups += [(rel.parts, rel.whole, rel.note) for rel in form.relations
               if rel.disjoint and len(rel.parts) > 1]
    for parts, whole, note in groups:
        cells = [row.cells.get(p) for p in parts]
        values = [_number(c) for c in cells]
        whole_cell = row.cells.get(whole)
        whole_value = _number(whole_cell)
        if any(v is None for v in values) or whole_value is None:
            continue  # missing or unreadable: the cell rule reports it
        label = "、".join(form.indicator(p).label for p in parts)
        data = {**_unit_fields(row), "part": "+".join(parts),
                "part_label": label if len(parts) == 1 else f"{label}之和",
                "part_value": _tidy(math.fsum(values)),  # type: ignore[arg-type]
                "whole": whole, "whole_label": form.indicator(whole).label,
                "whole_value": whole_value, "note": note}
        facts.append(Fact("relation", _clean(data), row.unit, _refs(*cells, whole_cell),
                          subject=(*parts, whole)))
    return facts


def column_total_facts(sub: Submission, form: Form) -> list[Fact]:
    totals = [r for r in sub.rows if r.is_total]
    units = [r for r in sub.rows if not r.is_total]
    if len(totals) != 1 or not units:
        return []
    total = totals[0]
    facts = []
    for ind in form.indicators:
        if not ind.summed or ind.key not in total.cells:
            continue
        reported = _number(total.cells[ind.key])
        values = [_number(r.cells.get(ind.key)) for r in units]
        if reported is None or any(v is None for v in values):
            continue
        computed = math.fsum(v for v in values if v is not None)
        diff = abs(reported - computed)
        measure = form.measures[ind.measure]
        data = {"unit": total.unit, "field": ind.key, "label": ind.label,
                "measure": ind.measure, "reported": reported, "computed": _tidy(computed),
                "abs_diff": _tidy(round(diff, 9)), "tolerance": measure.tolerance}
        facts.append(Fact("column_total", data, total.unit, _refs(total.cells[ind.key])))
    return facts


def unit_key(name: str) -> str:
    """Units are matched across returns by name, ignoring spaces and line breaks."""
    return "".join(name.split())


def comparison_facts(current: Submission, previous: Submission, form: Form) -> list[Fact]:
    before = {unit_key(r.unit): r for r in previous.rows}
    now = {unit_key(r.unit): r for r in current.rows}
    facts = []
    for key in list(now) + [k for k in before if k not in now]:
        row = now.get(key) or before[key]
        if not row.is_total:
            data = {**_unit_fields(row), "in_current": key in now, "in_previous": key in before}
            facts.append(Fact("presence", _clean(data), row.unit, [row.ref] if row.ref else []))
        if key not in now or key not in before:
            continue
        for ind in form.indicators:
            if not form.is_cumulative(ind):
                continue
            cur_cell, prev_cell = row.cells.get(ind.key), before[key].cells.get(ind.key)
            cur, prev = _number(cur_cell), _number(prev_cell)
            if cur is None or prev is None or cur_cell is None or prev_cell is None:
                continue
            data = {**_unit_fields(row), "field": ind.key, "label": ind.label,
                    "current": cur, "previous": prev, "decrease": _tidy(round(prev - cur, 9))}
            facts.append(Fact("change", _clean(data), row.unit, _refs(cur_cell)))
    return facts


def table_unit_facts(tables: Sequence[Submission], roster: Sequence[str] | None) -> list[Fact]:
    """One fact per unit of the tables audited together (and of the roster): which have it.

    A zone's quarterly bulletin is several tables of the same units; a department that is in
    the drills table but not in the inspections table, or on the roster and in no table at all,
    is visible only across them. Units are matched by name as in ``comparison_facts``; the
    tables are named by file name, which is what the user gave. The first table listed is the
    one audited, so a unit's cell is its row there when it has one.
    """
    names = [Path(t.source).name for t in tables]
    on_roster = {unit_key(u) for u in roster} if roster is not None else None
    seen: dict[str, tuple[str, CellRef | None]] = {}
    present: dict[str, set[int]] = {}
    for n, table in enumerate(tables):
        for row in table.rows:
            if row.is_total:
                continue
            key = unit_key(row.unit)
            seen.setdefault(key, (row.unit, row.ref if n == 0 else None))
            present.setdefault(key, set()).add(n)
    for name in roster or ():
        seen.setdefault(unit_key(name), (name, None))
    facts = []
    for key, (unit, ref) in seen.items():
        found = sorted(present.get(key, ()))
        data = {"unit": unit, "tables": len(tables), "in_tables": len(found),
                "found_in": "、".join(names[n] for n in found),
                "missing_from": "、".join(nm for n, nm in enumerate(names) if n not in found),
                "on_roster": True if on_roster is None else key in on_roster,
                "has_roster": on_roster is not None}
        facts.append(Fact("table_unit", _clean(data), unit, [ref] if ref else []))
    return facts


def derive_facts(sub: Submission, form: Form, previous: Submission | None = None, *,
                 together: Sequence[Submission] = (), roster: Sequence[str] | None = None) -> list[Fact]:
    """All facts of a submission, in a stable order (rows, then aggregates); with ``together``
    (the other tables of the same period) or a ``roster``, one fact per unit across them."""
    facts: list[Fact] = []
    for row in sub.rows:
        facts.append(row_fact(row, form))
        for ind in form.indicators:
            cell = row.cells.get(ind.key)
            if cell is not None:
                facts.append(cell_fact(row, ind, cell, form))
        facts.extend(relation_facts(row, form))
    facts.extend(column_total_facts(sub, form))
    if previous is not None:
        facts.extend(comparison_facts(sub, previous, form))
    if together or roster is not None:
        facts.extend(table_unit_facts([sub, *together], roster))
    return facts
