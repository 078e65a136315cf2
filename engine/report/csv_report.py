"""A failure-case table, one finding per row, UTF-8 with BOM so Excel shows Chinese.

Every column an office reads is in Chinese: 级别 as 错误/警告/提示, 指标 as the indicators'
labels, 数值 as ``标签=值`` pairs (是/否, 空). The rule id (规则) and the indicator keys (指标代码,
last) stay for systems that join on them; the JSON report keeps the raw values.
"""

from __future__ import annotations

import csv
import io
from typing import TextIO

from engine.model.findings import AuditResult, Finding, shown_value
from engine.model.rules import SEVERITY_LABEL
from engine.report.safe_text import csv_cell

COLUMNS = ["单位", "级别", "规则", "标题", "指标", "数值", "说明", "依据", "单元格", "文件", "指标代码"]


def readable_values(f: Finding) -> str:
    """The values the rule saw as ``标签=值`` pairs, in the finding's order, none left out."""
    return "；".join(f"{f.labels.get(k, k)}={shown_value(v)}" for k, v in f.values.items())


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
                f.unit or "", SEVERITY_LABEL.get(f.severity, f.severity), f.rule, f.title,
                "；".join(f.labels.get(k, k) for k in f.fields), readable_values(f), f.message, f.basis,
                ";".join(c.a1() for c in f.cells), f.file or part.summary.source, ";".join(f.fields),
            )])


def render(result: AuditResult) -> str:
    buf = io.StringIO()
    write(result, buf)
    return buf.getvalue()
