"""The units that must report (``--units FILE``): a list, a column of a table, or a return.

Offices know who reports from the last return they compiled, so a return (调度表) given as
``--units`` is read with the audit's reader and its unit rows (not the 累计 row) are the
roster, with their kinds. Otherwise a .txt file holds one unit a line (``城关镇`` or
``城关镇,镇街``), and a .csv/.xlsx file a column headed as the log's unit column (beside an
optional 单位类型 column), or a single column of names.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.errors import InputError
from engine.read.grid import is_empty, load_csv, load_xlsx, read_text_file
from engine.read.headers import matches_name
from engine.read.text import clean_unit_name
from engine.read.unitkind import kind_from_text
from engine.status.schedule import Columns, RosterUnit

_KIND_HEADERS = ("单位类型", "类型")


def _unit(name: object, kind: object = None) -> RosterUnit | None:
    text = clean_unit_name(name)
    if not text:
        return None
    return RosterUnit(name=text, kind=kind_from_text(kind))  # type: ignore[arg-type]


def _from_text(path: Path, file: str) -> list[RosterUnit]:
    text, _ = read_text_file(path, file)
    out = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = re.split(r"[,，\t]", line, maxsplit=1)
        unit = _unit(parts[0], parts[1] if len(parts) > 1 else None)
        if unit is not None:
            out.append(unit)
    return out


def _from_return(path: Path) -> list[RosterUnit] | None:
    from engine.model.forms import Form
    from engine.read import read_submission
    from engine.status.schedule_load import bundled_forms

    forms = {k: f for k, f in bundled_forms().items() if isinstance(f, Form)}
    try:
        sub = read_submission(path, forms)
    except InputError:
        return None  # not a return: a list of names
    return [RosterUnit(name=r.unit, kind=r.unit_kind) for r in sub.rows  # type: ignore[arg-type]
            if not r.is_total]


# the unit column's headers when no submissions log says them (hazcheck audit --units)
_UNIT_HEADERS = ("填报单位", "单位", "单位名称", "部门", "单位（部门）", "镇街")


def _from_table(path: Path, file: str, headers: tuple[str, ...]) -> list[RosterUnit]:
    grids = [load_csv(path, file)[0]] if path.suffix.lower() == ".csv" else load_xlsx(path, file)
    grid = next((g for g in grids if g.cells), None)
    if grid is None:
        raise InputError("单位名单是空的", file=file, field="--units")
    for r in range(min(15, len(grid.cells))):
        row = grid.cells[r]
        unit_col = next((c for c, v in enumerate(row) if not is_empty(v)
                         and matches_name([v], headers)), None)
        if unit_col is None:
            continue
        kind_col = next((c for c, v in enumerate(row)
                         if not is_empty(v) and matches_name([v], _KIND_HEADERS)), None)
        out = []
        for values in grid.cells[r + 1:]:
            name = values[unit_col] if unit_col < len(values) else None
            kind = values[kind_col] if kind_col is not None and kind_col < len(values) else None
            if (unit := _unit(name, kind)) is not None:
                out.append(unit)
        return out
    if grid.width == 1:
        return [u for values in grid.cells if values and (u := _unit(values[0])) is not None]
    raise InputError(f"单位名单中找不到单位列（表头应为 {'、'.join(headers)} 之一）", file=file,
                     field="--units", hint="也可用 .txt 文件，每行一个单位")


def read_units(path: Path, columns: Columns | None = None) -> tuple[RosterUnit, ...]:
    """The roster in ``path``; an InputError naming the file when it holds none. ``columns``: the
    submissions log's, whose unit column headers a roster table may share."""
    file = str(path)
    if not path.is_file():
        raise InputError("单位名单文件不存在", file=file, field="--units")
    suffix = path.suffix.lower()
    if suffix in (".txt", ".lst", ""):
        units = _from_text(path, file)
    elif suffix in (".csv", ".xlsx", ".xlsm"):
        headers = tuple(columns.unit.names()) if columns is not None else _UNIT_HEADERS
        units = _from_return(path) or _from_table(path, file, headers)
    else:
        raise InputError("单位名单应为 .txt（每行一个）、.csv 或 .xlsx 文件", file=file, field="--units")
    if not units:
        raise InputError("单位名单中没有任何单位", file=file, field="--units")
    seen: dict[str, RosterUnit] = {}
    for u in units:
        seen.setdefault(u.name, u)  # a name listed twice is one unit
    return tuple(seen.values())
