"""Read a hazard ledger (.xlsx, .csv, .json, .yaml) into raw rows keyed by the form's fields.

The header row is found by its column names (label, aliases or key, ignoring spaces, line
breaks and a bracketed unit such as （万元）); the first sheet with such a row is the ledger.
Values are kept as read: typing them (dates, 是/否, facts) is the next stage's job, and a
value that cannot be typed becomes a finding there, not a lost row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.model.ledger import Ledger, LedgerForm, LedgerRow, RowPlace, RowValues, collector_paused
from engine.read.grid import Grid, is_empty, load_csv, load_xlsx
from engine.read.structured import parse_document
from engine.read.text import one_line_errors

_BRACKET = re.compile(r"[（(][^）)]*[）)]$")
_HEADER_ROWS = 15


def _norm(name: object) -> str:
    text = re.sub(r"\s+", "", str(name)).replace("\u3000", "")
    return text


def _names(form: LedgerForm) -> dict[str, str]:
    out = {}
    for f in form.fields:
        for n in f.names():
            out[_norm(n)] = f.key
            out[_BRACKET.sub("", _norm(n))] = f.key
    return out


def _match(names: dict[str, str], header: object) -> str | None:
    if is_empty(header):
        return None
    text = _norm(header)
    return names.get(text) or names.get(_BRACKET.sub("", text))


def _fallbacks(form: LedgerForm) -> dict[str, str]:
    out = {}
    for f in form.fields:
        for n in f.fallback_aliases:
            out[_norm(n)] = f.key
            out[_BRACKET.sub("", _norm(n))] = f.key
    return out


def _header(grid: Grid, form: LedgerForm) -> tuple[int, dict[int, str]] | None:
    """The header row (most known column names among the first rows) and its columns.

    A name that two columns could mean (单位名称: the enterprise in office ledgers, the
    reporting unit beside a 企业名称 column) goes to its own field first and to its
    fallback field only when a column already took the first.
    """
    names = _names(form)
    fallbacks = _fallbacks(form)
    best: tuple[int, dict[int, str]] | None = None
    for r in range(min(_HEADER_ROWS, len(grid.cells))):
        cols: dict[int, str] = {}
        later: list[tuple[int, str | None, str]] = []
        for c, value in enumerate(grid.cells[r]):
            key = _match(names, value)
            fallback = None if is_empty(value) else _match(fallbacks, value)
            if fallback is not None:
                later.append((c, key, fallback))  # decided once the plain names are placed
            elif key and key not in cols.values():
                cols[c] = key
        for c, key, fallback in later:
            for choice in (key, fallback):
                if choice and choice not in cols.values():
                    cols[c] = choice
                    break
        if len(cols) >= 3 and (best is None or len(cols) > len(best[1])):
            best = (r, cols)
    return best


def _from_grid(grid: Grid, form: LedgerForm, file: str) -> Ledger | None:
    found = _header(grid, form)
    if found is None:
        return None
    head, cols = found
    missing = [f.label for f in form.fields if f.required and f.key not in cols.values()]
    if missing:
        raise InputError(f"台账缺少必需的列：{'、'.join(missing)}", file=file,
                         line=grid.lines[head], field=missing[0],
                         hint="表头应写明这些列；列名可用的写法见 hazcheck forms show hazard-ledger")
    place = RowPlace(grid.sheet if grid.source == "xlsx" else None, {key: c + 1 for c, key in cols.items()})
    at = {key: i for i, key in enumerate(cols.values())}  # shared by every row's RowValues
    with collector_paused():  # a million rows kept, no cycles among them
        rows = [LedgerRow(grid.lines[r], RowValues(at, cells), place)
                for r, cells in _rows_of(grid, head, tuple(cols))]
    return Ledger(form_id=form.id, source=file, sheet=grid.sheet, rows=tuple(rows),
                  columns=tuple(cols.values()))


def _rows_of(grid: Grid, head: int, columns: tuple[int, ...]) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(row, its cells in ``columns``) for each non-blank row below the header; blank cells None.

    One object per distinct text: a ledger repeats its sectors, levels, dates and
    descriptions on thousands of rows. A csv grid is that already (engine/read/grid.py
    keeps a non-blank text as one object per distinct text and a blank cell as None), so its
    cells are taken as they are, a row at a time; a sheet's cells are tidied one by one.
    """
    take = itemgetter(*columns) if len(columns) > 1 else (lambda values: (values[columns[0]],))
    reach = max(columns) + 1
    tidy = grid.source != "csv"
    texts: dict[str, str] = {}
    for r in range(head + 1, len(grid.cells)):
        values = grid.cells[r]
        if (all(is_empty(v) for v in values) if tidy else values.count(None) == len(values)):
            continue
        cells = take(values) if len(values) >= reach else tuple(values[c] if c < len(values) else None
                                                                 for c in columns)
        if tidy:
            cells = tuple(None if is_empty(v) else texts.setdefault(v, v) if isinstance(v, str) else v
                          for v in cells)
        yield r, cells


def _from_document(data: Any, form: LedgerForm, file: str) -> Ledger:
    if isinstance(data, dict) and "rows" in data:
        data = data["rows"]
    if not isinstance(data, list):
        raise InputError("台账文件应为行的列表（或 rows: [...]）", file=file)
    names = _names(form)
    rows = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise InputError(f"第 {i + 1} 行应为映射（列名: 值）", file=file, line=i + 1)
        raw: dict[str, object] = {}
        written: dict[str, str] = {}
        for k, v in entry.items():
            key = _match(names, k)
            if key is None:
                raise InputError(f"第 {i + 1} 行：不认识的列 “{k}”", file=file, field=str(k),
                                 hint="列名见 hazcheck forms show hazard-ledger")
            if key == "facts" and isinstance(v, dict):
                v = "；".join(f"{a}={b}" for a, b in v.items())
            elif isinstance(v, (dict, list, tuple, set, bytes)):  # no spreadsheet cell holds these
                raise InputError(f"第 {i + 1} 行：列 “{k}” 应为一个值（文字、数字或日期），"
                                 f"写的是{'映射' if isinstance(v, dict) else '列表'}", file=file,
                                 field=str(k))
            raw[key] = None if is_empty(v) else v
            written[key] = str(k)
        rows.append(LedgerRow(i + 1, raw, RowPlace(None, {}, written)))
    return Ledger(form_id=form.id, source=file, rows=tuple(rows))


Loaded = Any | list[Grid]  # a parsed json/yaml document, or the sheets of a csv/xlsx file


def _load(path: Path) -> Loaded:
    """The file parsed once: a json/yaml document, or its sheets as grids."""
    with collector_paused():  # a city's ledger: a million rows of cells kept, no cycles among them
        return _parsed(path)


def _parsed(path: Path) -> Loaded:
    file = str(path)
    if not path.is_file():
        raise InputError("文件不存在", file=file)
    suffix = path.suffix.lower()
    if suffix in (".json", ".yaml", ".yml"):
        return parse_document(path, file, "json" if suffix == ".json" else "yaml")
    if suffix == ".csv":
        return [load_csv(path, file)[0]]
    if suffix in (".xlsx", ".xlsm"):
        return load_xlsx(path, file)
    raise InputError("台账应为 .xlsx、.csv、.json 或 .yaml 文件", file=file)


def _is_grids(loaded: Loaded) -> bool:
    return isinstance(loaded, list) and all(isinstance(g, Grid) for g in loaded) and bool(loaded)


def _ledger_from(loaded: Loaded, form: LedgerForm, file: str) -> Ledger | None:
    """The ledger if ``loaded`` has a header of ``form`` (three or more of its column names)."""
    if _is_grids(loaded):
        for grid in loaded:
            ledger = _from_grid(grid, form, file)
            if ledger is not None:
                return ledger
        return None
    rows = loaded.get("rows") if isinstance(loaded, dict) else loaded
    first = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
    names = _names(form)
    if sum(1 for k in first if _match(names, k)) < 3:
        return None
    return _from_document(loaded, form, file)


def _fit(loaded: Loaded, form: LedgerForm) -> tuple[bool, int]:
    """How well the file's header fits ``form``: (has every required column, columns matched)."""
    if _is_grids(loaded):
        best: tuple[bool, int] = (False, 0)
        for grid in loaded:
            found = _header(grid, form)
            if found is not None:
                keys = set(found[1].values())
                best = max(best, (all(f.key in keys for f in form.fields if f.required), len(keys)))
        return best
    rows = loaded.get("rows") if isinstance(loaded, dict) else loaded
    first = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
    names = _names(form)
    keys = {key for k in first if (key := _match(names, k))}
    return all(f.key in keys for f in form.fields if f.required), len(keys)


@one_line_errors
def detect_ledger(path: Path, forms: Iterable[LedgerForm]) -> Ledger | None:
    """The file read as the ledger form its header fits best, or None (not a ledger).

    Used by ``audit`` to tell a ledger (or a detail form: a penalty ledger, a training
    roll) from a return, reading the file once. Of the forms with three or more of their
    column names in the header, the one with every required column and the most columns
    matched wins, so a penalty ledger's 单位/日期 columns do not make it a hazard ledger.
    A file that cannot be loaded is left to the return reader to report; a ledger header
    missing a required column is still a ledger, and the error says which column is missing.
    """
    try:
        loaded = _load(path)
    except InputError:
        return None
    fits = [(fit, n, form) for n, form in enumerate(forms) if (fit := _fit(loaded, form))[1] >= 3]
    if not fits:
        return None
    best = max(fits, key=lambda f: (f[0], -f[1]))[2]
    return _ledger_from(loaded, best, str(path))


@one_line_errors
def read_ledger(path: Path, form: LedgerForm) -> Ledger:
    """The file read as ``form`` (named with ``--form``): every json/yaml column must be known."""
    loaded = _load(path)
    if not _is_grids(loaded):
        return _from_document(loaded, form, str(path))
    ledger = _ledger_from(loaded, form, str(path))
    if ledger is None:
        raise InputError("找不到台账表头（应有 企业名称、隐患等级、隐患描述 等列）", file=str(path),
                         hint="hazcheck forms show hazard-ledger 列出各列及其可用写法")
    return ledger
