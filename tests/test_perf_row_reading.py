"""The column-at-a-time paths of a large ledger read exactly what the row-at-a-time paths read.

``CellTyper.rows`` types each column's distinct cells once; ``_rows_of`` takes a csv grid's
cells as they are; ``RowFactPlan.columns`` computes whole columns (tests/test_row_fact.py
compares it with ``build`` on the bundled ledgers). Each must give, row for row, the values,
the problems and the objects the plain paths give.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime

import pytest

from engine.ledger.facts import CellTyper
from engine.model.ledger import RowValues, column_of
from engine.paths import bundled
from engine.read.grid import load_csv
from engine.read.ledger import _from_grid, read_ledger

LEDGERS = ["district-2024-q1/ledger.csv", "township-2024-office/ledger.csv", "county-2026-xlsx/ledger.xlsx"]


@pytest.mark.parametrize("name", LEDGERS)
def test_typing_a_column_at_a_time_is_typing_row_by_row(name: str, catalog) -> None:
    form = catalog.ledger("hazard-ledger")
    ledger = read_ledger(bundled("cases") / "hazard-ledger" / name, form)
    raws = [row.raw for row in ledger.rows]
    assert CellTyper(form).rows(raws) == [CellTyper(form).row(raw) for raw in raws]


def test_typing_cells_of_every_type_a_column_at_a_time(catalog) -> None:
    """Sheets give numbers, booleans and dates as well as text: True, 1 and 1.0 stay apart."""
    form = catalog.ledger("hazard-ledger")
    typer = CellTyper(form)
    rng = random.Random(4)
    pool = [None, "", " ", "是", "否", "已签字", "重大", "一般", "企业自查", "2024-03-01", "2024年3月1日",
            "三月底", "3.5万元", "若干", True, False, 1, 0, 1.0, 2.5, date(2024, 3, 1),
            datetime(2024, 3, 1, 8, 0), 45352]
    keys = [f.key for f in typer.fields]
    at = {k: i for i, k in enumerate(keys)}
    raws = [RowValues(at, tuple(rng.choice(pool) for _ in keys)) for _ in range(400)]
    raws += [{k: rng.choice(pool) for k in rng.sample(keys, 5)} for _ in range(50)]  # json rows: dicts
    got = typer.rows(raws)
    expected = [CellTyper(form).row(raw) for raw in raws]
    for a, b in zip(got, expected, strict=True):
        assert (list(a[0].items()), a[1]) == (list(b[0].items()), b[1])
        assert [type(v) for v in a[0].values()] == [type(v) for v in b[0].values()]


def test_a_column_of_rows_of_several_layouts() -> None:
    one, other = {"a": 0, "b": 1}, {"b": 0}
    rows = [RowValues(one, (1, 2)), RowValues(other, (3,)), {"a": 4}, RowValues(one, (5, 6))]
    assert column_of(rows, "a") == [1, None, 4, 5]
    assert column_of(rows, "b") == [2, 3, None, 6]


def test_a_csv_grid_is_read_as_its_cells_tidied_one_by_one(catalog, tmp_path) -> None:
    source = bundled("cases") / "hazard-ledger" / "district-2024-q1" / "ledger.csv"
    text = source.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    last = lines[-1].split(",")
    blanked = ",".join([last[0], "  ", *last[2:]])  # one cell blanked with spaces, the width kept
    extra = [",,,,,,", "  , ,", blanked]  # blank rows, a blank cell, a short row
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join([*lines, *extra, lines[1][: len(lines[1]) // 2]]) + "\n", encoding="utf-8")
    grid = load_csv(path, str(path))[0]
    form = catalog.ledger("hazard-ledger")
    fast = _from_grid(grid, form, "f")
    tidy = _from_grid(dataclasses.replace(grid, source="xlsx"), form, "f")
    assert fast is not None and tidy is not None
    assert [(r.line, tuple(r.raw.items())) for r in fast.rows] == [(r.line, tuple(r.raw.items()))
                                                                    for r in tidy.rows]
    for a, b in zip(fast.rows, tidy.rows, strict=True):  # one object per distinct text, either way
        assert all(x is y or x == y is None for x, y in zip(a.raw.values(), b.raw.values(), strict=True))
