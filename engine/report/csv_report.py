"""A failure-case table, one finding per row, UTF-8 with BOM so Excel shows Chinese."""

from __future__ import annotations

import csv
import io
import json
from typing import TextIO

from engine.model.findings import AuditResult
from engine.report.safe_text import csv_cell

COLUMNS = ["单位", "级别", "规则", "标题", "指标", "数值", "说明", "依据", "单元格", "文件"]


def write(result: AuditResult, out: TextIO) -> None:
    """Row by row: the table of a large ledger is never held whole in memory. A return
    audited with --details is followed by each detail file's findings; 文件 says which file
    each finding's cells are in."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for part in (result, *result.details):
        for f in part.findings:
            writer.writerow([csv_cell(x) for x in (  # text from the file is data, never a formula
                f.unit or "", f.severity, f.rule, f.title, ";".join(f.fields),
                json.dumps(f.values, ensure_ascii=False), f.message, f.basis,
                ";".join(c.a1() for c in f.cells), f.file or part.summary.source,
            )])


def render(result: AuditResult) -> str:
    buf = io.StringIO()
    write(result, buf)
    return buf.getvalue()
