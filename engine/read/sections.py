"""Read a grid laid out vertically: one indicator per row, grouped under section headings.

Example B arrives like this: ``一、总体情况`` then ``序号 | 指标 | 单位 | 数值`` rows, with
``其中：已整改`` rows that only make sense under the row above. A row's label path is
(current section, label), or (section, parent label, label) for 其中 rows, and is matched
with the same header matcher as tables. The whole sheet is one unit's return.
"""

from __future__ import annotations

import re

from engine.errors import InputError
from engine.model.forms import Form
from engine.model.records import Cell, CellRef
from engine.read.assemble import RawRow, Reading, make_cell, measure_kind
from engine.read.grid import Grid, is_empty
from engine.read.headers import IndicatorMatcher
from engine.read.table import data_like
from engine.read.text import (
    SECTION_ORDINAL,
    extract_period,
    normalise_label,
    segment_key,
    squash,
    unit_from_text,
    unit_word,
)

_META = re.compile(r"^(填报单位|单位名称|报送单位|填报日期|填报时间|填报人|联系电话|联系人|审核人"
                   r"|数据统计区间|统计区间|统计时间|统计期间|报送时间|时间|日期)[:：]")
_UNIT_LABEL = re.compile(r"^(填报单位|单位名称|报送单位)[:：]?$")
_SERIAL = re.compile(r"^[(（]?(\d+|[一二三四五六七八九十]+)[)）.、．]?$")
_VALUE_HEADERS = {"数值", "数量", "数据", "值", "填报数", "填报数据", "数", "累计数", "累计",
                  "合计", "本期数", "完成数", "情况"}


def _is_serial(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(_SERIAL.match(squash(value)))


class _State:
    """Where we are while walking down the sheet."""

    def __init__(self) -> None:
        self.section: str | None = None
        self.parent: str | None = None
        self.value_col: int | None = None
        self.unit: str | None = None
        self.period: str | None = None


def _meta(row: list[object], st: _State) -> bool:
    """Pick up 填报单位/统计区间 cells; True if the row is only such information."""
    texts = [(c, v) for c, v in enumerate(row) if isinstance(v, str) and v.strip()]
    is_meta = False
    for c, v in texts:
        st.period = st.period or extract_period(v)
        if _META.match(squash(v)):
            is_meta = True
            st.unit = st.unit or unit_from_text(v)
            if _UNIT_LABEL.match(squash(v)):
                nxt = next((w for d, w in texts if d > c), None)
                st.unit = st.unit or (nxt and unit_from_text("填报单位：" + nxt))
    return is_meta


def _split_row(row: list[object], st: _State) -> tuple[list[tuple[int, str]], int | None,
                                                        str | None]:
    """Label cells, the value's column (None: no value cell) and a stated unit."""
    filled = [(c, v) for c, v in enumerate(row) if not is_empty(v)]
    while filled and _is_serial(filled[0][1]) and len(filled) > 1:
        filled.pop(0)
    unit = None
    kept: list[tuple[int, object]] = []
    for c, v in filled:
        if c != st.value_col and isinstance(v, str) and unit_word(v):
            unit = unit_word(v)
        else:
            kept.append((c, v))
    if st.value_col is not None:
        return ([(c, v) for c, v in kept if c < st.value_col and isinstance(v, str)],
                st.value_col, unit)
    labels: list[tuple[int, str]] = []
    for c, v in kept:
        if not isinstance(v, str) or data_like(v):
            return labels, c, unit
        labels.append((c, v))
    if len(labels) >= 2:
        return labels[:-1], labels[-1][0], unit
    return labels, None, unit


def _section_like(label: str, tops: set[str]) -> bool:
    return bool(SECTION_ORDINAL.match(squash(label))) or segment_key(label) in tops


_UNITS_IN_BRACKET = re.compile(r"^(?P<label>.+?)[(（](?P<units>[^()（）]+[、,，/][^()（）]+)[)）]$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SUB_INSIDE = re.compile(r"^(?P<main>.+?)[，,、：:；;\s]*(?P<sub>其中.+)$")


def _blocks(grid: Grid) -> list[tuple[int, int, int | None]]:
    """Column blocks of a sheet that sets two (or more) items side by side in each row:
    (first column, end, value column) each, cut after each 数值 column of the header row;
    one block of the whole width with no known value column otherwise."""
    for row in grid.cells[:15]:
        values = [c for c, v in enumerate(row) if isinstance(v, str) and segment_key(v) in _VALUE_HEADERS]
        if len(values) >= 2 and len({segment_key(v) for v in row if isinstance(v, str)}) >= 2:
            starts = [0, *(c + 1 for c in values[:-1])]
            ends = [*starts[1:], max(grid.width, values[-1] + 1)]
            return list(zip(starts, ends, values, strict=True))
    return [(0, grid.width, None)]


def _pairs(label: str, measure: str | None, first: tuple[int, object],
           more: list[tuple[int, object]]) -> list[tuple[str, str | None, int, object]]:
    """(label, measure, column, value) of each figure a row's label stands for: one, or —
    when the label names several and as many figures follow (in further cells, or together in
    one: 3次、1.5万元) — one per unit of 行政处罚（次、万元）, or the whole and its part of
    举报奖励，其中匿名… ."""
    figures = [first, *more]
    if not more and isinstance(first[1], str):
        figures = [(first[0], n) for n in _NUMBER.findall(first[1])]
    if len(figures) >= 2:
        m = _UNITS_IN_BRACKET.match(squash(label))
        units = [unit_word(u) for u in re.split(r"[、,，/]", m.group("units"))] if m else []
        if m and all(units) and len(units) == len(figures):
            return [(m.group("label"), u, c, v) for u, (c, v) in zip(units, figures, strict=True)]
        sub = _SUB_INSIDE.match(squash(label))
        if sub and len(figures) == 2:
            main = sub.group("main")
            return [(main, measure, *figures[0]), (f"{main}/{sub.group('sub')}", measure, *figures[1])]
    return [(label, measure, *first)]


def read_vertical(grid: Grid, form: Form, *, unit: str | None, file: str, order: int) -> Reading:
    """Interpret ``grid`` as one unit's vertical return of ``form`` (items one under another,
    or two side by side in each row)."""
    reading = Reading(form.id, 0, sheet=grid.sheet, order=order)
    matcher = IndicatorMatcher(form)
    tops = {segment_key(ind.path[0]) for ind in form.indicators}
    st = _State()
    cells: dict[str, Cell] = {}
    where: dict[str, int] = {}
    first_line: int | None = None
    blocks = _blocks(grid)
    parents: list[str | None] = [None] * len(blocks)  # each block's last item, for its 其中 rows
    for i, row in enumerate(grid.cells):
        line = grid.lines[i]
        if not any(not is_empty(v) for v in row) or _meta(row, st):
            continue
        keys = {segment_key(v) for v in row if isinstance(v, str)}
        if st.value_col is None and len(blocks) == 1 and keys & _VALUE_HEADERS and len(keys) >= 2:
            st.value_col = next(c for c, v in enumerate(row)
                                if isinstance(v, str) and segment_key(v) in _VALUE_HEADERS)
            blocks = [(0, grid.width, st.value_col)]
            continue
        if len(blocks) > 1 and keys & _VALUE_HEADERS and len(keys) >= 2:
            continue  # the header row of a side-by-side sheet
        for b, (begin, stop, vcol_of_block) in enumerate(blocks):
            seg = list(row[begin:stop])
            st.value_col = None if vcol_of_block is None else vcol_of_block - begin
            st.parent = parents[b]
            labels, vcol, measure = _split_row(seg, st)
            if not labels:
                continue
            texts = [t for _, t in labels]
            value = seg[vcol] if vcol is not None and vcol < len(seg) else None
            if len(texts) == 1 and is_empty(value) and _section_like(texts[0], tops):
                st.section, parents = segment_key(texts[0]), [None] * len(blocks)
                continue
            if len(texts) >= 2 and _section_like(texts[0], tops):
                st.section, texts = segment_key(texts[0]), texts[1:]
            context = [st.section] if st.section else []
            context += texts[:-1]
            col = vcol if vcol is not None else labels[-1][0] + 1
            more = [(c, v) for c, v in enumerate(seg) if c > col and not is_empty(v)
                    and (not isinstance(v, str) or data_like(v))]
            for label, unit_of, c, v in _pairs(texts[-1], measure, (col, value), more):
                key = _match_item(matcher, context, label, unit_of, st)
                if key is None:
                    if not is_empty(v):  # a figure that no indicator names (not a title or a note)
                        reading.width += 1
                        reading.ignored.append("/".join((*context, label)))
                    continue
                reading.width += 1
                if key in cells:
                    reading.error = reading.error or InputError(
                        f"第{where[key]}行和第{line}行都对应指标 {key}（{form.indicator(key).label}）"
                        "，无法确定用哪一行", file=file, line=line)
                    continue
                cells[key] = make_cell(v, measure_kind(form, key),
                                       CellRef(sheet=grid.sheet, row=line, column=begin + c + 1))
                where[key] = line
                first_line = first_line if first_line is not None else i
            parents[b] = st.parent
    reading.score = len(cells)
    reading.period = st.period
    reading.header_rows = first_line or 0
    if not cells:
        return reading
    name = unit or st.unit
    if not name:
        reading.error = reading.error or InputError(
            "表中没有写明填报单位", file=file,
            hint="请用 --unit 指定单位名称，或在表头写“填报单位：XX”")
        return reading
    first = min(where.values())
    reading.rows.append(RawRow(unit=name, cells=cells, ref=CellRef(sheet=grid.sheet, row=first)))
    return reading


def _match_item(matcher: IndicatorMatcher, context: list[str], label: str, measure: str | None,
                st: _State) -> str | None:
    """The indicator of one label under its section, trying the item above for a 其中 row."""
    parts = label.split("/")  # (whole, 其中 part) from a label that names both
    if len(parts) == 2:
        return matcher.match((*context, *parts), measure)
    sub = normalise_label(label).startswith("其中")
    tries = [(*context, st.parent, label)] if sub and st.parent else []
    tries.append((*context, label))
    if not sub and st.parent:
        tries.append((*context, st.parent, label))
    if not sub:
        st.parent = label
    return next((k for t in tries if (k := matcher.match(t, measure))), None)
