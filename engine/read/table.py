"""Read a grid laid out as a table: title rows, a header block, then one row per unit.

This covers example A (multi-row merged headers, 累计 row) and flat files (one header
row of keys or ``/``-joined label paths). The header block is everything between the
title rows and the first row holding numbers; a row of bare units (条, 家次…) and a row of
column numbers (1, 2, 3…) inside it are skipped.
"""

from __future__ import annotations

from functools import partial
from itertools import pairwise

from engine.errors import InputError
from engine.model.forms import Form
from engine.model.records import CellRef
from engine.read.assemble import RawRow, Reading, make_cell, measure_kind
from engine.read.grid import Grid, is_empty
from engine.read.headers import IndicatorMatcher, header_unit, matches_name
from engine.read.numbers import is_blank_text, parse_value, raw_text
from engine.read.text import clean_unit_name, extract_period, is_unit_word, unit_from_text

_NOTE_STARTS = ("注", "备注", "说明", "填表", "审核", "制表", "联系", "负责人", "单位负责人")
_ROW_LABELS = {"甲", "乙", "栏次", "序号", "单位", "计量单位"}


def _filled(row: list[object]) -> list[tuple[int, object]]:
    return [(c, v) for c, v in enumerate(row) if not is_empty(v)]


def data_like(value: object) -> bool:
    """A cell that looks like a reported value: a number or a dash/slash placeholder."""
    if isinstance(value, bool) or is_empty(value):
        return False
    if isinstance(value, (int, float)):
        return True
    text = str(value)
    if text.startswith("="):  # a formula Excel never calculated: a value, not a label
        return True
    return parse_value(text, "count")[1] == "ok" or is_blank_text(text)


def _is_meta(row: list[object]) -> bool:
    """A title row (one cell) or a ``填报单位：… 填报日期：…`` row above the headers."""
    filled = _filled(row)
    return len(filled) == 1 or (bool(filled) and all(
        isinstance(v, str) and (":" in v or "：" in v) for _, v in filled))


def is_unit_row(row: list[object]) -> bool:
    """A header row of bare measure units (条, 家次, 万元…), maybe with a 单位 label."""
    filled = _filled(row)
    units = sum(1 for _, v in filled if is_unit_word(str(v)))
    other = [v for _, v in filled if not is_unit_word(str(v))]
    return units >= 1 and (not other or (len(other) == 1 and units >= 2))


def _is_numbering_row(row: list[object]) -> bool:
    """A row of column numbers (1, 2, 3… possibly after 甲/乙) under the headers."""
    nums: list[float] = []
    for _, v in _filled(row):
        value, status = parse_value(v, "count")
        if status == "ok" and value is not None:
            nums.append(value)
        elif clean_unit_name(v) not in _ROW_LABELS:
            return False
    return len(nums) >= 3 and all(b - a == 1 for a, b in pairwise(nums))


def _is_data_row(row: list[object]) -> bool:
    return any(data_like(v) for v in row) and not _is_numbering_row(row)


def _fill_blanks(rows: list[list[object]], width: int) -> list[list[object]]:
    """Undo merged cells lost in CSV export (or unmerged in Excel): a blank header cell
    takes its left neighbour's label.

    Only within the same parent group (identical labels in the rows above), so a column
    whose label was merged downwards does not inherit a sibling's leaf label.
    """
    out: list[list[object]] = []
    for row in rows:
        cur = list(row) + [None] * (width - len(row))
        for c in range(1, width):
            if (is_empty(cur[c]) and not is_empty(cur[c - 1])
                    and all(above[c] == above[c - 1] for above in out)):
                cur[c] = cur[c - 1]
        out.append(cur)
    return out


def _col_name(c: int, path: tuple[str, ...]) -> str:
    label = "/".join(clean_unit_name(p) for p in path) or "（无表头）"
    return f"第{c + 1}列“{label}”"


def _skip_note(unit: str, row: list[object], cols: list[int]) -> bool:
    """Signature/notes lines under the table: a text cell and no values."""
    if any(not is_empty(row[c]) for c in cols if c < len(row)):
        return False
    return any(s in unit for s in (":", "：")) or unit.startswith(_NOTE_STARTS) or len(unit) > 30


_SERIAL = frozenset({"序号", "编号", "序", "No", "no", "NO", "备注"})


def _is_serial_column(path: tuple[str, ...]) -> bool:
    """A 序号 or 备注 column: in every office table, and never an indicator."""
    return len(path) == 1 and path[0].strip() in _SERIAL


def read_table(grid: Grid, form: Form, *, unit: str | None, file: str, order: int) -> Reading:
    """Interpret ``grid`` as a table of ``form``; the score is the indicators matched."""
    rows = [list(r) + [None] * (grid.width - len(r)) for r in grid.cells]
    n, width = len(rows), grid.width
    reading = Reading(form.id, 0, sheet=grid.sheet, order=order)
    start = 0
    while start < n and (not _filled(rows[start]) or _is_meta(rows[start])):
        start += 1
    data = next((i for i in range(start, n) if _is_data_row(rows[i])), n)
    head_idx = [i for i in range(start, data) if not _is_numbering_row(rows[i])]
    unit_rows = [i for i in head_idx if is_unit_row(rows[i])]
    if unit_rows and unit_rows[0] + 1 < data:
        data = unit_rows[0] + 1
        head_idx = [i for i in head_idx if i < data]
    label_idx = [i for i in head_idx if i not in unit_rows]
    source = grid.expanded() if grid.source == "xlsx" else rows
    labels = _fill_blanks([source[i] for i in label_idx], width)
    paths = [tuple(str(r[c]) for r in labels if not is_empty(r[c])) for c in range(width)]
    units = [header_unit([rows[i][c] for i in unit_rows]) for c in range(width)]
    above = [str(v) for r in rows[:data] for v in r if isinstance(v, str)]
    reading.period = next((p for t in above if (p := extract_period(t))), None)
    reading.header_rows = data - start

    unit_col = next((c for c in range(width)
                     if matches_name(paths[c], (*form.unit_column, "unit"))), None)
    kind_col = next((c for c in range(width) if c != unit_col
                     and matches_name(paths[c], (*form.unit_kind_column, "unit_kind"))), None)
    matcher = IndicatorMatcher(form)
    mapping: dict[str, int] = {}
    for c in range(width):
        if c in (unit_col, kind_col) or not paths[c] or _is_serial_column(paths[c]):
            continue
        reading.width += 1
        key = matcher.match(paths[c], units[c])
        if key is None:
            reading.ignored.append("/".join(paths[c]))
            continue
        if key in mapping and reading.error is None:
            b = mapping[key]
            reading.error = InputError(
                f"{_col_name(b, paths[b])}和{_col_name(c, paths[c])}都对应指标 {key}"
                f"（{form.indicator(key).label}），无法确定用哪一列",
                file=file, line=grid.lines[label_idx[-1]] if label_idx else None)
            continue
        mapping.setdefault(key, c)
    reading.score = len(mapping)
    if not mapping:
        return reading

    body = [i for i in range(data, n) if _filled(rows[i])]
    if unit_col is None and 0 not in mapping.values() and kind_col != 0:
        texts = [rows[i][0] for i in body if not is_empty(rows[i][0])]
        if texts and not any(data_like(v) for v in texts):
            unit_col = 0
    fixed_unit: str | None = None
    if len(body) == 1:
        fixed_unit = unit or (None if unit_col is not None
                              else next((u for t in above if (u := unit_from_text(t))), None))
    if unit_col is None and fixed_unit is None:
        msg = ("无法确定填报单位" if len(body) == 1
               else "找不到单位列（应为 " + "、".join(form.unit_column) + " 之一）")
        reading.error = reading.error or InputError(
            msg, file=file, hint="单个单位的报表请用 --unit 指定单位名称")
        return reading

    reading.build = partial(_body_rows, grid, form, [(i, rows[i]) for i in body], mapping,
                            unit_col, kind_col, fixed_unit)
    return reading


def _body_rows(grid: Grid, form: Form, body: list[tuple[int, list[object]]],
               mapping: dict[str, int], unit_col: int | None, kind_col: int | None,
               fixed_unit: str | None) -> list[RawRow]:
    """The unit rows under the header block (built only for the reading that is chosen)."""
    cols = sorted(mapping.values())
    out: list[RawRow] = []
    for i, row in body:
        line = grid.lines[i]
        name = fixed_unit or clean_unit_name(raw_text(row[unit_col]) if unit_col is not None
                                             else "")
        if not name:
            if not any(data_like(row[c]) for c in cols):
                continue
            name = f"（第{line}行，未填单位）"
        elif fixed_unit is None and _skip_note(name, row, cols):
            continue
        cells = {key: make_cell(row[c], measure_kind(form, key),
                                CellRef(sheet=grid.sheet, row=line, column=c + 1))
                 for key, c in mapping.items()}
        out.append(RawRow(
            unit=name, cells=cells,
            ref=CellRef(sheet=grid.sheet, row=line,
                        column=unit_col + 1 if unit_col is not None else None),
            kind_text=row[kind_col] if kind_col is not None else None))
    return out
