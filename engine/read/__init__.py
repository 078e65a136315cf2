"""Readers: turn a submitted return (xlsx, csv, json, yaml) into a ``Submission``.

Every value keeps its sheet/row/column (or key path), headers are resolved against the
form's indicator paths once, here, and anything that makes a file unusable becomes an
``InputError`` naming the file, never another exception type. Depends on engine.model only.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import InputError
from engine.model.forms import Form
from engine.model.records import Submission
from engine.read.assemble import Reading, finish
from engine.read.grid import Grid, bound, load_csv, load_xlsx
from engine.read.headers import choose_form, detect_form
from engine.read.sections import read_vertical
from engine.read.structured import read_structured
from engine.read.table import read_table
from engine.read.text import clean_unit_name, one_line_errors

__all__ = ["detect_form", "read_submission"]

_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".txt": "csv", ".json": "json",
            ".yaml": "yaml", ".yml": "yaml"}


def _check_path(path: Path, file: str) -> str:
    if not path.exists():
        raise InputError("文件不存在", file=file)
    if path.is_dir():
        raise InputError("这是一个文件夹，不是报表文件", file=file,
                         hint="请指定具体的 .xlsx/.csv/.json/.yaml 文件")
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        hint = "请提供 .xlsx、.xlsm、.csv、.txt、.json、.yaml 或 .yml 文件"
        if path.suffix.lower() in (".xls", ".et", ".wps"):
            hint = "旧版 .xls 请用 Excel/WPS 另存为 .xlsx"
        shown = path.suffix or "（无扩展名）"
        raise InputError(f"不支持的文件类型“{shown}”", file=file,
                         hint=hint)
    try:
        if path.stat().st_size == 0:
            raise InputError("文件为空", file=file)
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", file=file) from exc
    return fmt


def _readings(grids: list[Grid], forms: dict[str, Form], *, unit: str | None,
              file: str) -> list[Reading]:
    """Every interpretation of every sheet against every form (vertical only for sections)."""
    out: list[Reading] = []
    for s, grid in enumerate(grids):
        for form in forms.values():
            out.append(read_table(grid, form, unit=unit, file=file, order=2 * s))
            if form.layout == "sections":
                out.append(read_vertical(grid, form, unit=unit, file=file, order=2 * s + 1))
    return out


def fits(reading: Reading, form: Form) -> bool:
    """The file is this form: most of the form's indicators and most of the file's columns match.

    Either half alone misleads: a zone's own inspection table shares seven enforcement
    columns with the campaign return (most of the file's columns unmatched), and a table
    of three columns all of which match may be any form having them (few of its indicators).
    """
    return 2 * reading.score > len(form.indicators) and 2 * reading.score > reading.width


def _detected(readings: list[Reading], forms: dict[str, Form], file: str) -> str:
    """The form the headers identify — never a guess: only a form that ``fits`` is chosen, and
    of those the one with the most indicators matched; otherwise a one-line error listing the
    nearest forms and how much of each matched (``--form`` chooses regardless)."""
    best: dict[str, Reading] = {}
    for r in readings:
        if r.form_id not in best or r.score > best[r.form_id].score:
            best[r.form_id] = r
    fitting = {fid: r.score for fid, r in best.items() if fits(r, forms[fid])}
    if fitting:
        try:
            return choose_form(fitting)
        except InputError as exc:
            exc.file = file
            raise
    ranked = sorted(best.values(), key=lambda r: (-r.score, r.form_id))[:3]
    listing = "；".join(f"{r.form_id}（表单 {len(forms[r.form_id].indicators)} 个指标中对上 {r.score} 个，"
                       f"文件 {r.width} 列中对上 {r.score} 列）" for r in ranked)
    raise InputError("表头与已知表单都不够吻合，不作猜测", file=file,
                     hint=f"最接近的：{listing or '（无）'}；确是其中之一请用 --form 指定，"
                          "本地自己的表格请用规则包（--rules）描述")


def _pick(readings: list[Reading], form_id: str | None, forms: dict[str, Form],
          file: str) -> Reading:
    """Best reading for the given form, or for the form the headers identify."""
    if form_id is None:
        form_id = _detected(readings, forms, file)
    mine = [r for r in readings if r.form_id == form_id]
    chosen = min(mine, key=lambda r: (-r.score, r.order))
    if chosen.score == 0:
        raise InputError(f"表头与表单 {form_id} 的指标一个也对不上",
                         file=file, hint="请检查表头，或换用其他 --form")
    if chosen.error is not None:
        raise chosen.error
    if chosen.build is not None:
        chosen.rows = chosen.build()
    if not chosen.rows:
        raise InputError("表头可以识别，但没有找到任何数据行", file=file)
    return chosen


def _bounded(grids: list[Grid], file: str) -> None:
    """Refuse a return far longer than any real one before it is matched to a form: a return has
    one row per unit (a province's has thousands at most), and matching and auditing a sheet of
    100,000 rows took minutes and gigabytes. A hazard ledger is detected before this and has no
    such bound."""
    most = bound("HAZCHECK_MAX_RETURN_ROWS")
    for grid in grids:
        if len(grid.cells) > most:
            where = f"工作表“{grid.sheet}”" if grid.sheet else "文件"
            raise InputError(f"{where}有 {len(grid.cells):,} 行，超过调度表的上限 {most:,} 行，未审核",
                             file=file, hint="调度表每个单位一行；确是调度表请设置 HAZCHECK_MAX_RETURN_ROWS，"
                                             "隐患台账请检查表头是否含 隐患描述、隐患等级 等列")


@one_line_errors
def read_submission(path: Path, forms: dict[str, Form], *, form_id: str | None = None,
                    unit_kinds: dict[str, str] | None = None,
                    unit: str | None = None) -> Submission:
    """Read one return file into a Submission matched to a form.

    ``form_id`` skips detection; ``unit_kinds`` maps unit names to 镇街/区直部门 and wins
    over the file; ``unit`` names the unit of a single-unit return (sections form).
    """
    path = Path(path)
    file = str(path)
    if form_id is not None and form_id not in forms:
        raise InputError(f"未知表单“{form_id}”", file=file,
                         hint="已知表单：" + ("、".join(sorted(forms)) or "（无）"))
    fmt = _check_path(path, file)
    unit = clean_unit_name(unit) or None
    if fmt in ("json", "yaml"):
        fid, rows, period = read_structured(path, forms, fmt=fmt, file=file, form_id=form_id,
                                            unit=unit)
        return Submission(source=file, format=fmt, form_id=fid, period=period,  # type: ignore[arg-type]
                          rows=finish(rows, forms[fid], unit_kinds, file), header_rows=0)
    encoding: str | None = None
    if fmt == "csv":
        grid, encoding = load_csv(path, file)
        grids = [grid]
    else:
        grids = load_xlsx(path, file)
        if not any(g.cells for g in grids):
            raise InputError("工作簿中没有任何内容", file=file)
    _bounded(grids, file)
    chosen = _pick(_readings(grids, forms, unit=unit, file=file), form_id, forms, file)
    form = forms[chosen.form_id]
    return Submission(source=file, format=fmt, form_id=form.id, period=chosen.period,  # type: ignore[arg-type]
                      sheet=chosen.sheet, rows=finish(chosen.rows, form, unit_kinds, file),
                      encoding=encoding, header_rows=chosen.header_rows, ignored=chosen.ignored)
