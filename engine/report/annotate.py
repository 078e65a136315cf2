"""``--annotate``: a copy of the submitted workbook with each flagged cell filled and
commented, plus a sheet listing every finding. The input file is never written to.

For csv/json/yaml input there is no workbook to copy, so the rows are laid out in a new
sheet (unit, then one column per indicator) and the same marks are applied there.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from engine.model.findings import AuditResult, Finding
from engine.model.forms import Form
from engine.model.records import CellRef, Submission
from engine.model.rules import SEVERITY_LABEL, SEVERITY_ORDER
from engine.report.atomic import write_atomic
from engine.report.safe_text import cell as _safe
from engine.report.safe_text import literal

FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RESULT_SHEET = "审核结果"


def _layout_copy(sub: Submission, form: Form) -> tuple[Workbook, dict[tuple[str, str], CellRef]]:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["单位", *[i.label for i in form.indicators]])
    where: dict[tuple[str, str], CellRef] = {}
    for r, row in enumerate(sub.rows, start=2):
        literal(ws.cell(r, 1, _safe(row.unit)))  # text from the file: escaped, never a formula
        where[(row.unit, "")] = CellRef(sheet="数据", row=r, column=1)
        for c, ind in enumerate(form.indicators, start=2):
            cell = row.cells.get(ind.key)
            if cell is None:
                continue
            literal(ws.cell(r, c, _safe(cell.value if cell.status == "ok" else cell.raw)))
            where[(row.unit, ind.key)] = CellRef(sheet="数据", row=r, column=c)
    return wb, where


def _targets(f: Finding, sub: Submission, where: dict[tuple[str, str], CellRef] | None,
             default_sheet: str) -> list[CellRef]:
    if where is None:
        return [CellRef(sheet=c.sheet or default_sheet, row=c.row, column=c.column)
                for c in f.cells if c.column is not None]
    keys = [(f.unit or "", k) for k in f.fields] or [(f.unit or "", "")]
    return [where[k] for k in keys if k in where]


def annotate(result: AuditResult, sub: Submission, form: Form, out: Path) -> None:
    if sub.format == "xlsx":
        wb = load_workbook(sub.source)
        where = None
        default_sheet = sub.sheet or wb.active.title
    else:
        wb, where = _layout_copy(sub, form)
        default_sheet = "数据"
    # --details: the recounted figures point at the return's cells and are marked there; the
    # detail records' own findings are listed in the result sheet with their file and row
    on_return = [*result.findings, *(f for d in result.details for f in d.findings if f.file == sub.source)]
    elsewhere = [(f, f"{Path(d.summary.source).name} " + ";".join(r.a1() for r in f.cells))
                 for d in result.details for f in d.findings if f.file != sub.source]
    marks: dict[CellRef, list[Finding]] = defaultdict(list)
    for f in on_return:
        for ref in _targets(f, sub, where, default_sheet):
            marks[ref].append(f)
    for ref, findings in marks.items():
        if ref.sheet not in wb.sheetnames or ref.column is None:
            continue
        cell = wb[ref.sheet].cell(ref.row, ref.column)
        worst = min(findings, key=lambda f: SEVERITY_ORDER[f.severity]).severity
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        text = "\n".join(f"[{SEVERITY_LABEL[f.severity]}] {f.rule}：{f.message}" for f in findings)
        cell.comment = Comment(_safe(text), "hazcheck", width=360, height=40 + 40 * len(findings))
    write_result_sheet(wb, [(f, ";".join(r.a1() for r in _targets(f, sub, where, default_sheet)))
                            for f in on_return] + elsewhere, "单元格")
    write_atomic(out, lambda p: wb.save(p))


def write_result_sheet(wb: Workbook, findings: list[tuple[Finding, str]], where_title: str) -> None:
    """The 审核结果 sheet: one line per finding, with where it points (replaced if it exists)."""
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET)
    ws.append(["单位", "级别", "规则", "问题", "依据", where_title])
    for c in ws[1]:
        c.font = Font(bold=True)
    for f, where in findings:
        ws.append([_safe(x) for x in (f.unit or "", SEVERITY_LABEL[f.severity], f.rule, f.message, f.basis,
                                      where)])
        for c in ws[ws.max_row]:
            literal(c)
    for col, width in zip("ABCDEF", (18, 6, 34, 70, 40, 16), strict=True):
        ws.column_dimensions[col].width = width
