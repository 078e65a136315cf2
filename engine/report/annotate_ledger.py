"""``--annotate`` for hazard ledgers: a copy of the ledger with two columns added to every row —
the classification against the criteria (判定结果) and the audit's findings (审核意见), the
latter filled by the worst severity and commented — plus the 审核结果 sheet of all findings.

The office works through the copy row by row; the input file is never written to. For a csv,
json or yaml ledger the rows are laid out in a new sheet under the form's column names.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from engine.model.findings import AuditResult, Finding
from engine.model.ledger import Ledger, LedgerForm
from engine.model.rules import SEVERITY_LABEL, SEVERITY_ORDER
from engine.report.annotate import FILLS, write_result_sheet
from engine.report.atomic import write_atomic
from engine.report.safe_text import cell as _safe
from engine.report.safe_text import literal

SHEET = "台账"


def _layout_copy(ledger: Ledger, form: LedgerForm) -> tuple[Workbook, Worksheet, dict[int, int], int]:
    """A new workbook of the rows: (workbook, sheet, source line → sheet row, header row)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    present = [f for f in form.fields if any(f.key in r.raw for r in ledger.rows)]
    ws.append([f.label for f in present])
    rows = {}
    for n, row in enumerate(ledger.rows, start=2):
        for c, f in enumerate(present, start=1):
            value = row.raw.get(f.key)
            kept = value if value is None or isinstance(value, (int, float)) else _safe(str(value))
            literal(ws.cell(n, c, kept))
        rows[row.line] = n
    return wb, ws, rows, 1


def annotate_ledger(result: AuditResult, ledger: Ledger, form: LedgerForm, out: Path) -> None:
    if Path(ledger.source).suffix.lower() in (".xlsx", ".xlsm"):
        wb = load_workbook(ledger.source)
        ws = wb[ledger.sheet] if ledger.sheet in wb.sheetnames else wb.active
        rows = {r.line: r.line for r in ledger.rows}
        header = min((r.line for r in ledger.rows), default=2) - 1
    else:
        wb, ws, rows, header = _layout_copy(ledger, form)
    by_line: dict[int, list[Finding]] = defaultdict(list)
    for f in result.findings:
        for ref in f.cells:
            if ref.row in rows:
                by_line[ref.row].append(f)
                break
    verdict_col = ws.max_column + 1
    note_col = verdict_col + 1
    for col, title in ((verdict_col, "判定结果"), (note_col, "审核意见")):
        cell = ws.cell(max(header, 1), col, title)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = 36 if col == verdict_col else 60
    for verdict in result.rows:
        target = rows.get(verdict.line)
        if target is None:
            continue
        text = verdict.verdict + (f"：{'；'.join(verdict.matched)}" if verdict.matched else "")
        text += "（需人工确认）" if verdict.needs_confirmation else ""
        literal(ws.cell(target, verdict_col, _safe(text)))
        findings = by_line.get(verdict.line, [])
        if findings:
            cell = ws.cell(target, note_col, _safe("；".join(f.message for f in findings)))
            literal(cell)
            worst = min(findings, key=lambda f: SEVERITY_ORDER[f.severity]).severity
            cell.fill = PatternFill("solid", fgColor=FILLS[worst])
            cell.comment = Comment(_safe("\n".join(f"[{SEVERITY_LABEL[f.severity]}] {f.rule}：{f.basis}"
                                                   for f in findings)), "hazcheck", width=360,
                                   height=40 + 40 * len(findings))
    write_result_sheet(wb, [(f, ";".join(c.a1() for c in f.cells)) for f in result.findings], "行")
    write_atomic(out, lambda p: wb.save(p))
