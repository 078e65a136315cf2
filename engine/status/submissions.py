"""Read a submissions log (报送登记表, xlsx or csv) as offices keep it: one row per submission.

The header row is found as a ledger's is (engine/read/ledger.py): among the first rows, the
one naming most of the schedule's columns (label or alias, compared by the readers' shared
label normalisation, so 报送日期（收到） and 报送 日期 both count), at least three of them.
Every sheet of a workbook that has such a header is read (offices often keep a sheet a
month). Values are kept as written; reading dates and marks is the next stage's job, so
that a cell that cannot be read becomes a finding there, never a dropped row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError
from engine.model.records import CellRef
from engine.read.grid import Grid, is_empty, load_csv, load_xlsx
from engine.read.headers import matches_name
from engine.status.schedule import Column, Columns

_HEADER_ROWS = 15
_REQUIRED = ("unit", "form", "received")


@dataclass(frozen=True)
class LogRow:
    """One row as written: field key -> cell value (None when blank), and where it sits."""

    file: str
    sheet: str | None  # workbook sheet; None for csv
    line: int  # 1-based row (xlsx) or line (csv)
    raw: Mapping[str, object]
    columns: Mapping[str, int]  # field key -> 1-based column, shared by the sheet's rows

    def cell(self, key: str) -> CellRef | None:
        column = self.columns.get(key)
        return None if column is None else CellRef(sheet=self.sheet, row=self.line, column=column)

    @property
    def ref(self) -> CellRef:
        return CellRef(sheet=self.sheet, row=self.line)

    @property
    def row_id(self) -> str:
        """How a finding names the row: 第12行, or 7月!第12行 in a workbook (the file is the report's)."""
        return f"第{self.line}行" if self.sheet is None else f"{self.sheet}!第{self.line}行"


@dataclass(frozen=True)
class Log:
    source: str
    rows: tuple[LogRow, ...]
    columns: frozenset[str]  # the field keys some sheet's header has


def _known(columns: Columns) -> list[tuple[str, Column]]:
    return [(key, col) for key in type(columns).model_fields
            if (col := getattr(columns, key)) is not None]


def _header(grid: Grid, known: list[tuple[str, Column]]) -> tuple[int, dict[int, str]] | None:
    best: tuple[int, dict[int, str]] | None = None
    for r in range(min(_HEADER_ROWS, len(grid.cells))):
        cols: dict[int, str] = {}
        for c, value in enumerate(grid.cells[r]):
            if is_empty(value):
                continue
            for key, col in known:
                if key not in cols.values() and matches_name([value], col.names()):
                    cols[c] = key
                    break
        if len(cols) >= 3 and (best is None or len(cols) > len(best[1])):
            best = (r, cols)
    return best


def _load(path: Path, file: str) -> list[Grid]:
    if not path.exists():
        raise InputError("文件不存在", file=file)
    if path.is_dir():
        raise InputError("这是一个文件夹，不是报送登记表", file=file)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return load_xlsx(path, file)
    if suffix in (".csv", ".txt"):
        return [load_csv(path, file)[0]]
    hint = "旧版 .xls 请用 Excel/WPS 另存为 .xlsx" if suffix in (".xls", ".et", ".wps") else None
    raise InputError(f"报送登记表应为 .xlsx 或 .csv 文件（不是“{path.suffix or '无扩展名'}”）", file=file,
                     hint=hint)


def read_log(path: Path, columns: Columns) -> Log:
    """Every row under a log header, from every sheet that has one; InputError when none has."""
    file = str(path)
    grids = _load(path, file)
    known = _known(columns)
    labels = dict((key, col.label) for key, col in known)
    rows: list[LogRow] = []
    found: set[str] = set()
    for grid in grids:
        header = _header(grid, known)
        if header is None:
            continue
        head, cols = header
        placed = set(cols.values())
        missing = [k for k in _REQUIRED if k not in placed]
        if "period" not in placed and "due" not in placed:
            missing.append("period")
        if missing:
            where = grid.sheet if grid.source == "xlsx" else None
            raise InputError(f"报送登记表缺少 {'、'.join(labels.get(k, k) for k in missing)} 列"
                             + (f"（工作表 {where}）" if where else ""),
                             file=file, line=grid.lines[head], field=labels.get(missing[0], missing[0]),
                             hint=f"{labels[missing[0]]} 列可写作："
                                  f"{'、'.join(dict(known)[missing[0]].names())}")
        found |= placed
        sheet = grid.sheet if grid.source == "xlsx" else None
        at = {key: c + 1 for c, key in cols.items()}
        for r in range(head + 1, len(grid.cells)):
            values = grid.cells[r]
            if all(is_empty(v) for v in values):
                continue
            raw = {key: (None if c >= len(values) or is_empty(values[c]) else values[c])
                   for c, key in cols.items()}
            if all(v is None for v in raw.values()):
                continue  # text only outside the log's columns (a note beside the table)
            rows.append(LogRow(file, sheet, grid.lines[r], raw, at))
    if not found:
        names = "、".join(labels[k] for k in ("unit", "form", "period", "received"))
        raise InputError(f"找不到报送登记表的表头（应有 {names} 等列）", file=file,
                         hint="各列可用的写法见报送时限表的 columns（rules/schedules/*.yaml）")
    return Log(file, tuple(rows), frozenset(found))
