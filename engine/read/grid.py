"""A sheet as a plain grid of cell values, whether it came from a workbook or a CSV file.

Layout analysis (tables, vertical sections) works on ``Grid`` only, so xlsx and csv get
identical treatment; the grid remembers each row's source row/line number and the
workbook's merged ranges, which is all the format-specific knowledge analysis needs.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from engine.errors import InputError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Merge = tuple[int, int, int, int]  # 0-based first row, first col, last row, last col
_MAX_EMPTY_RUN = 500  # stop reading a sheet after this many empty rows (formatted blanks)


@dataclass
class Grid:
    """Cell values by 0-based (row, column); ``lines[i]`` is row i's 1-based source number."""

    source: Literal["xlsx", "csv"]
    cells: list[list[object]]
    lines: list[int]
    sheet: str | None = None
    merges: list[Merge] = field(default_factory=list)

    @cached_property
    def width(self) -> int:
        return max((len(r) for r in self.cells), default=0)

    def value(self, row: int, col: int) -> object:
        cells = self.cells[row]
        return cells[col] if col < len(cells) else None

    def expanded(self, text_only: bool = False) -> list[list[object]]:
        """Cells with every merged range filled with its top-left value.

        ``text_only`` fills only text, so a merged number is never counted twice.
        """
        out = [list(r) + [None] * (self.width - len(r)) for r in self.cells]
        for r0, c0, r1, c1 in self.merges:
            if r0 >= len(out):
                continue
            top = out[r0][c0]
            if top is None or (text_only and not isinstance(top, str)):
                continue
            for r in range(r0, min(r1, len(out) - 1) + 1):
                for c in range(c0, min(c1, self.width - 1) + 1):
                    out[r][c] = top
        return out


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(rows: list[list[object]]) -> list[list[object]]:
    while rows and all(is_empty(v) for v in rows[-1]):
        rows.pop()
    return rows


def load_xlsx(path: Path, file: str) -> list[Grid]:
    """Every worksheet as a Grid, visible and active sheets first.

    Values come from Excel's cached results, read with python-calamine (Rust: a 100,000-row
    ledger in seconds and a fraction of openpyxl's memory). A workbook with formulas is read
    with openpyxl instead, because a formula Excel never calculated (no cached value) must be
    kept as its formula text so that it reads as unreadable, not as a silent blank, and only
    openpyxl gives the formula text.
    """
    _not_encrypted(path, file)
    formulas, extent = _inspect(path, file)
    if not formulas and max(extent, _dense_area(path)) <= _MAX_DENSE_CELLS:
        try:
            return _calamine_grids(path, file)
        except InputError:
            raise
        except Exception:  # anything calamine cannot read, openpyxl reads or reports properly
            pass
    return _openpyxl_grids(path, file, formulas)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file (CFB): not a zip


def _not_encrypted(path: Path, file: str) -> None:
    """Refuse by name what an .xlsx that is a compound file is: a workbook saved with a password
    (Excel encrypts it into a CFB container) or an old .xls renamed — not a damaged file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_OLE_MAGIC))
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", file=file) from exc
    if head == _OLE_MAGIC:
        raise InputError("这不是 .xlsx 的格式：是设有打开密码（已加密）的工作簿，或是改了扩展名的旧版 .xls",
                         file=file, hint="请在 Excel/WPS 中取消密码后另存为 .xlsx，或导出为 .csv")


def _calamine_grids(path: Path, file: str) -> list[Grid]:
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise InputError("Excel 工作簿设有密码，无法读取", file=file,
                         hint="请在 Excel/WPS 中取消密码后另存，或导出为 .csv") from exc
    try:
        active = _active_sheet(path)
        metas = [(n, m) for n, m in enumerate(wb.sheets_metadata) if m.typ == SheetTypeEnum.WorkSheet]
        metas.sort(key=lambda nm: (nm[1].visible != SheetVisibleEnum.Visible, nm[0] != active))
        grids = []
        for _, meta in metas:
            sheet = wb.get_sheet_by_name(meta.name)
            rows = _calamine_rows(sheet.iter_rows())
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            grids.append(Grid("xlsx", rows, list(range(1, len(rows) + 1)), meta.name, merges))
        return grids
    finally:
        wb.close()


def _calamine_rows(rows: Iterable[list[object]]) -> list[list[object]]:
    """Cells as openpyxl gives them: blank as None, a whole number as int, a date as a datetime;
    stop after a run of blank rows (formatted blanks)."""
    out: list[list[object]] = []
    empty_run = 0
    for row in rows:
        vals = [_as_openpyxl(v) for v in row]
        while vals and vals[-1] is None:
            vals.pop()
        if not vals:
            empty_run += 1
            if empty_run > _MAX_EMPTY_RUN:
                break
        else:
            empty_run = 0
        out.append(vals)
    return _trim(out)


def _as_openpyxl(v: object) -> object:
    if v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)
    return v


_ACTIVE_TAB = re.compile(rb"<(?:\w+:)?workbookView[^>]*\sactiveTab=\"(\d+)\"")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_MAX_DENSE_CELLS = 50_000_000  # calamine holds a sheet as one dense block of its used area


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _row_number(digits: bytes) -> int:
    """A row number as written; one of thousands of digits (int() refuses over 4,300) is
    simply far beyond any sheet."""
    return int(digits) if len(digits) <= 12 else 10 ** 12


# cell references past column Z or below row 99,999: the only ones that can make a sheet's
# extent large, so a normal sheet matches few or none of them (quotes and spaces as XML allows)
_FAR_COLUMN = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{2,})\d""")
_FAR_ROW = re.compile(rb"""\sr\s*=\s*["'][A-Za-z]*(\d{6,})["']""")


def _written_extent(data: bytes) -> int:
    """Rows × columns reached by the cell references of one sheet's XML (an upper bound).

    calamine allocates that block, whatever <dimension> says: one cell at ZZZZ9999999 in a
    small sheet asked for 150 TB and aborted the process (a Rust allocation failure cannot be
    caught). Such a sheet goes to openpyxl, which keeps only the cells written."""
    cols = max((_column_number(c) for c in set(_FAR_COLUMN.findall(data))), default=26)
    rows = max((_row_number(r) for r in set(_FAR_ROW.findall(data))), default=99_999)
    return rows * cols


# what zipfile raises on a damaged or unusual archive: a bad CRC or deflate stream, an encrypted
# or unsupported member, a truncated central directory
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError, RuntimeError,
               NotImplementedError, ValueError, zlib.error)
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\s[^>]*?\bref\s*=\s*["']([A-Za-z]+)(\d+):([A-Za-z]+)(\d+)["']""")
# a province's real workbooks stay far below these; each can be raised by its variable
BOUNDS = {"HAZCHECK_MAX_XLSX_BYTES": 2 * 1024 ** 3,  # the parts of the workbook, unzipped
          "HAZCHECK_MAX_MERGED_CELLS": 10_000_000,  # cells covered by merged ranges, in all sheets
          "HAZCHECK_MAX_RETURN_ROWS": 20_000}  # rows of one sheet of a return (one row per unit)


def bound(name: str) -> int:
    import os

    try:
        return max(1, int(os.environ.get(name, BOUNDS[name])))
    except ValueError:
        return BOUNDS[name]


def _inspect(path: Path, file: str) -> tuple[bool, int]:
    """Whether any sheet holds a formula, and the largest extent its cell references reach
    (``_written_extent``), reading each sheet's XML once; and, on the way,
    refuse a workbook that would expand beyond what any real one needs before a reader
    expands it: a zip whose parts unzip to gigabytes, or a merged range such as A20:XFD1048576
    (17 billion cells — openpyxl makes an object for each)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unzipped = sum(i.file_size for i in infos)
            if unzipped > bound("HAZCHECK_MAX_XLSX_BYTES"):
                raise InputError(f"工作簿解压后达 {unzipped / 1024 ** 3:.1f} GB，超过上限，未读取",
                                 file=file, hint="确需读取请设置 HAZCHECK_MAX_XLSX_BYTES（字节）")
            merged, worst, widest, formulas, extent = 0, "", 0, False, 0
            for info in infos:
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                data = zf.read(info.filename)
                formulas = formulas or _FORMULA_TAG.search(data) is not None
                extent = max(extent, _written_extent(data))
                if b"mergeCell" not in data:
                    continue
                for m in _MERGE.finditer(data):
                    area = (abs(_row_number(m.group(4)) - _row_number(m.group(2))) + 1) * (
                        abs(_column_number(m.group(3)) - _column_number(m.group(1))) + 1)  # either way round
                    merged += area
                    if area > widest:
                        widest, worst = area, (b"%s%s:%s%s" % m.groups()).decode()[:40]
            if merged > bound("HAZCHECK_MAX_MERGED_CELLS"):
                raise InputError(f"合并单元格过大（如 {worst}，共覆盖约 {merged:,} 格），未读取", file=file,
                                 hint="请在 Excel/WPS 中取消这一合并后另存；"
                                      "确需读取请设置 HAZCHECK_MAX_MERGED_CELLS")
            return formulas, extent
    except _ZIP_ERRORS:
        return True, 0  # not a zip, or a damaged one: left to openpyxl, which reports the real problem


def _dense_area(path: Path) -> int:
    """The largest used area any sheet declares (rows × columns), from its <dimension> tag.

    One stray cell at XFD1048576 makes the dense block 17 billion cells; such a workbook is
    left to openpyxl, which streams it. Unknown (no tag, unreadable) counts as small: the tag
    is written by Excel and WPS, and a sheet without it is read as it comes.
    """
    biggest = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with zf.open(name) as fh:
                        m = _DIMENSION.search(fh.read(4096))
                    if m and m.group(3):
                        rows = _row_number(m.group(4)) - _row_number(m.group(2)) + 1
                        cols = _column_number(m.group(3)) - _column_number(m.group(1)) + 1
                        biggest = max(biggest, rows * cols)
    except _ZIP_ERRORS:
        return 0
    return biggest


def _active_sheet(path: Path) -> int:
    """The index of the sheet Excel opens on (workbookView activeTab; 0 when not written)."""
    try:
        with zipfile.ZipFile(path) as zf:
            m = _ACTIVE_TAB.search(zf.read("xl/workbook.xml"))
    except _ZIP_ERRORS:
        return 0
    return _row_number(m.group(1)) if m else 0


def _openpyxl_grids(path: Path, file: str, with_formulas: bool) -> list[Grid]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False) if with_formulas else None
    except Exception as exc:
        raise InputError(
            "无法打开 Excel 工作簿，文件可能已损坏或不是 .xlsx 格式",
            file=file, hint="请用 Excel/WPS 打开后另存为 .xlsx，或导出为 .csv") from exc
    try:
        sheets = list(values.worksheets)
        active = values.active
        sheets.sort(key=lambda ws: (ws.sheet_state != "visible", ws is not active))
        return [_sheet_grid(ws, formulas[ws.title] if formulas else None) for ws in sheets]
    except Exception as exc:
        raise InputError(f"读取工作表失败 ({type(exc).__name__}: {exc})", file=file) from exc
    finally:
        values.close()
        if formulas is not None:
            formulas.close()


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _keep_formulas(vals: list[object], fws: Worksheet, r: int) -> None:
    """Where Excel left no cached value (never calculated), keep the formula text."""
    for c, v in enumerate(vals):
        if v is None:
            f = fws.cell(row=r, column=c + 1).value
            if isinstance(f, str) and f.startswith("="):
                vals[c] = f


def _written(ws: Worksheet, fws: Worksheet | None) -> dict[int, dict[int, object]] | None:
    """Row → column → value of the cells that hold something (a formula Excel never
    calculated: its text), from openpyxl's own sparse store; None when it has none.

    Iterating the sheet's rectangle instead makes a cell object for every position up to
    the farthest one, so one stray cell at XFD1048576 cost a minute and 2 GB."""
    cells = getattr(ws, "_cells", None)
    if not isinstance(cells, dict):
        return None
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), cell in cells.items():
        if cell.value is not None:
            by_row.setdefault(r, {})[c] = cell.value
    for (r, c), cell in (getattr(fws, "_cells", {}) or {}).items() if fws is not None else ():
        v = cell.value
        if isinstance(v, str) and v.startswith("=") and c not in by_row.get(r, {}):
            by_row.setdefault(r, {})[c] = v
    return by_row


def _sheet_grid(ws: Worksheet, fws: Worksheet | None) -> Grid:
    by_row = _written(ws, fws)
    if by_row is None:
        rows = _until_blank_run(_dense_rows(ws, fws))
    else:
        rows = _until_blank_run([row.get(c) for c in range(1, max(row) + 1)] if (row := by_row.get(r)) else []
                                for r in range(1, max(by_row, default=0) + 1))
    merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
              for m in ws.merged_cells.ranges]
    return Grid("xlsx", rows, list(range(1, len(rows) + 1)), ws.title, merges)


def _until_blank_run(rows: Iterable[list[object]]) -> list[list[object]]:
    """The rows, stopped after a run of blank rows (formatted blanks below the table)."""
    out: list[list[object]] = []
    empty_run = 0
    for vals in rows:
        if all(is_empty(v) for v in vals):
            empty_run += 1
            if empty_run > _MAX_EMPTY_RUN:
                break
        else:
            empty_run = 0
        out.append(vals)
    return _trim(out)


def _dense_rows(ws: Worksheet, fws: Worksheet | None) -> Iterator[list[object]]:
    """Row by row through the sheet's rectangle (a worksheet without a sparse store)."""
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        vals = list(row)
        while vals and vals[-1] is None:
            vals.pop()
        if fws is not None and vals:
            _keep_formulas(vals, fws, r)
        yield vals


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM) first, then GB18030 (⊇ GBK); UTF-16
    when the file starts with its byte-order mark (Excel's “Unicode text” export)."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for enc in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码，应为 UTF-8 或 GBK", file=file,
                     hint="请用 Excel/WPS 另存为“CSV UTF-8”")


def _sniff(text: str) -> str:
    """The delimiter among , tab ; that splits the first lines most consistently."""
    sample = "\n".join(text.splitlines()[:30])
    best, best_key = ",", (0, 0.0)
    for delim in (",", "\t", ";"):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        key = (width, hits / len(counts)) if width > 1 else (0, 0.0)
        if key > best_key:
            best, best_key = delim, key
    return best


def read_text_file(path: Path, file: str) -> tuple[str, str]:
    """A text file's content and encoding; unreadable or empty files are InputErrors."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", file=file) from exc
    text, encoding = decode(data, file)
    if not text.strip():
        raise InputError("文件为空", file=file)
    return text, encoding


def _check_record_widths(rows: list[list[object]], lines: list[int], spans: list[int], file: str) -> None:
    """Refuse a CSV whose records do not line up, naming the line, instead of misreading it.

    A spreadsheet's export gives every record the same number of fields. A record with more,
    and something in the extra ones, has stray separators (it used to surface as "columns 30
    and 31 both map to one indicator"); a record spanning several lines and short of the rest
    began with a quote that is never closed (it swallowed the rest of the file
    into one cell, then "no data rows"). Shorter title rows are fine, and blank fields past the
    usual width are dropped (they are nothing, and would otherwise widen the header).
    """
    widths = Counter(len(r) for r in rows if len(r) > 1)
    if not widths:
        return
    usual = widths.most_common(1)[0][0]
    for i in spans:
        if len(rows[i]) < usual:
            raise InputError(f"这一行起的引号没有闭合：其后的内容读成了跨越多行的 {len(rows[i])} 个字段，"
                             f"与其他行的 {usual} 个对不上", file=file, line=lines[i],
                             hint="请检查这一行单元格中的英文双引号")
    # hand-written files often leave trailing fields out of data rows, so the header (the first
    # record with two filled cells) may be the widest: its width is allowed too
    header = next((r for r in rows if sum(1 for v in r if not is_empty(v)) > 1), rows[0])
    usual = max(usual, len(header))
    if max(widths) > usual:
        for i, r in enumerate(rows):
            if len(r) > usual:
                if any(not is_empty(v) for v in r[usual:]):
                    raise InputError(
                        f"这一行有 {len(r)} 个字段，比其他行（{usual} 个）多 {len(r) - usual} 个", file=file,
                        line=lines[i], hint="多出的内容可能含有未加引号的逗号或分隔符")
                del r[usual:]


def load_csv(path: Path, file: str) -> tuple[Grid, str]:
    """The CSV as a Grid (row numbers are the line each record starts on) and its encoding."""
    text, encoding = read_text_file(path, file)
    rows: list[list[object]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text))
    del text  # the reader holds it; a million-row file is not kept twice
    texts: dict[str, str] = {}  # one object per distinct cell text: ledgers repeat theirs on every row
    spans: list[int] = []  # records that span several lines (a cell with line breaks, or a stray quote)
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            rows.append([texts.setdefault(v, v) if v.strip() else None
                         for v in record])
            lines.append(start)
            if reader.line_num > start:
                spans.append(len(rows) - 1)
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误：{exc}", file=file, line=reader.line_num or None) from exc
    _check_record_widths(rows, lines, spans, file)
    while rows and all(is_empty(v) for v in rows[-1]):
        rows.pop()
        lines.pop()
    if not rows:
        raise InputError("文件为空", file=file)
    return Grid("csv", rows, lines), encoding
